// Tokenizer, n-grams, vocabulary and the text-column detection.
#include "data/text.h"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

namespace tw::data {

namespace {

enum class CharClass { Space, Word, Ideograph, Apostrophe, Punct };

/// Decodes one code point at `pos` (advanced past it); an invalid sequence
/// yields U+FFFD and advances one byte.
char32_t decode(std::string_view s, size_t& pos)
{
    const auto b = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
    const unsigned char c = b(pos);
    int len = 0;
    char32_t cp = 0;
    if (c < 0x80) {
        ++pos;
        return c;
    }
    if ((c & 0xE0) == 0xC0) len = 2, cp = c & 0x1F;
    else if ((c & 0xF0) == 0xE0) len = 3, cp = c & 0x0F;
    else if ((c & 0xF8) == 0xF0) len = 4, cp = c & 0x07;
    else {
        ++pos;
        return 0xFFFD;
    }
    if (pos + size_t(len) > s.size()) {
        ++pos;
        return 0xFFFD;
    }
    for (int i = 1; i < len; ++i) {
        const unsigned char d = b(pos + size_t(i));
        if ((d & 0xC0) != 0x80) {
            ++pos;
            return 0xFFFD;
        }
        cp = (cp << 6) | (d & 0x3F);
    }
    const char32_t minimum = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
    if (cp < minimum || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        ++pos;
        return 0xFFFD;
    }
    pos += size_t(len);
    return cp;
}

void encode(char32_t cp, std::string& out)
{
    if (cp < 0x80) {
        out += char(cp);
    } else if (cp < 0x800) {
        out += char(0xC0 | (cp >> 6));
        out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += char(0xE0 | (cp >> 12));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    } else {
        out += char(0xF0 | (cp >> 18));
        out += char(0x80 | ((cp >> 12) & 0x3F));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    }
}

bool in(char32_t cp, char32_t lo, char32_t hi) { return cp >= lo && cp <= hi; }

CharClass classify(char32_t cp)
{
    if (cp < 0x80) {
        if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v') return CharClass::Space;
        if ((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')) return CharClass::Word;
        if (cp == '\'') return CharClass::Apostrophe;
        return CharClass::Punct;
    }
    if (cp == 0x2019) return CharClass::Apostrophe;
    if (cp == 0x85 || cp == 0xA0 || cp == 0x1680 || in(cp, 0x2000, 0x200A) || in(cp, 0x2028, 0x2029) || cp == 0x202F ||
        cp == 0x205F || cp == 0x3000)
        return CharClass::Space;
    // Latin-1: letters except the punctuation and symbols of 80..BF and x, ÷.
    if (cp <= 0xFF) {
        if (cp == 0xAA || cp == 0xB5 || cp == 0xBA || cp == 0xB2 || cp == 0xB3 || cp == 0xB9 || cp >= 0xC0)
            return cp == 0xD7 || cp == 0xF7 ? CharClass::Punct : CharClass::Word;
        return CharClass::Punct;
    }
    // Punctuation, symbols and emoji blocks.
    if (in(cp, 0x2010, 0x2BFF) || in(cp, 0x2E00, 0x2E7F) || in(cp, 0x3001, 0x303F) || in(cp, 0xFE10, 0xFE1F) ||
        in(cp, 0xFE30, 0xFE6F) || in(cp, 0xFF01, 0xFF0F) || in(cp, 0xFF1A, 0xFF20) || in(cp, 0xFF3B, 0xFF40) ||
        in(cp, 0xFF5B, 0xFF65) || in(cp, 0x1F000, 0x1FAFF) || cp == 0xFFFD || in(cp, 0x37E, 0x37E) ||
        in(cp, 0x55A, 0x55F) || in(cp, 0x589, 0x58A) || in(cp, 0x5BE, 0x5BE) || in(cp, 0x5F3, 0x5F4) ||
        in(cp, 0x60C, 0x60D) || in(cp, 0x61B, 0x61F) || in(cp, 0x964, 0x965) || in(cp, 0xE3F, 0xE3F) ||
        in(cp, 0xFE00, 0xFE0F) || in(cp, 0x200B, 0x200F))
        return CharClass::Punct;
    // CJK ideographs, Hiragana, Katakana: one token per character.
    if (in(cp, 0x3040, 0x30FF) || in(cp, 0x3400, 0x4DBF) || in(cp, 0x4E00, 0x9FFF) || in(cp, 0xF900, 0xFAFF) ||
        in(cp, 0x20000, 0x2FA1F) || in(cp, 0xFF66, 0xFF9F))
        return CharClass::Ideograph;
    return CharClass::Word;
}

char32_t lower(char32_t cp)
{
    if (cp < 0x80) return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
    if (in(cp, 0xC0, 0xDE) && cp != 0xD7) return cp + 32;
    if (in(cp, 0x100, 0x17F)) {
        if (cp == 0x130) return 'i';
        if (cp == 0x178) return 0xFF;
        if (cp == 0x131 || cp == 0x138 || cp == 0x149 || cp == 0x17F) return cp;
        const bool oddUpper = in(cp, 0x139, 0x148) || in(cp, 0x179, 0x17E);
        if (oddUpper) return cp % 2 == 1 ? cp + 1 : cp;
        return cp % 2 == 0 ? cp + 1 : cp;
    }
    if (in(cp, 0x391, 0x3A9) && cp != 0x3A2) return cp + 32;
    if (in(cp, 0x410, 0x42F)) return cp + 32;
    if (in(cp, 0x400, 0x40F)) return cp + 80;
    return cp;
}

bool isLetterLike(CharClass c) { return c == CharClass::Word; }

} // namespace

std::string toString(Punctuation p)
{
    return p == Punctuation::Drop ? "drop" : "split";
}

Punctuation punctuationFromString(const std::string& s)
{
    if (s == "drop") return Punctuation::Drop;
    if (s == "split") return Punctuation::Split;
    throw std::invalid_argument("'" + s + "' is not one of drop, split");
}

void TextOptions::validate() const
{
    const auto fail = [](const std::string& key, const std::string& rule, const std::string& value) {
        throw std::invalid_argument("preprocessing: '" + key + "' must be " + rule + " (" + key + " = " + value + ")");
    };
    if (ngrams != 0 && (ngrams < 2 || ngrams > 5)) fail("text_ngrams", "0 or in 2..5", std::to_string(ngrams));
    if (minCount < 1) fail("text_min_count", ">= 1", std::to_string(minCount));
    if (maxVocab < 0) fail("text_max_vocab", ">= 0 (0: no limit)", std::to_string(maxVocab));
    if (maxLength < 1 || maxLength > 4096) fail("text_max_length", "in 1..4096", std::to_string(maxLength));
}

std::string lowercaseUtf8(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (size_t pos = 0; pos < text.size();) {
        const size_t start = pos;
        const char32_t cp = decode(text, pos);
        if (cp == 0xFFFD && pos == start + 1 && static_cast<unsigned char>(text[start]) >= 0x80) {
            out += text[start]; // keep an invalid byte as it is
            continue;
        }
        encode(lower(cp), out);
    }
    return out;
}

std::vector<std::string> charNgrams(const std::string& word, int n)
{
    std::vector<std::string> out;
    if (n <= 0) return out;
    std::vector<std::string> chars{"<"};
    for (size_t pos = 0; pos < word.size();) {
        const size_t start = pos;
        decode(word, pos);
        chars.push_back(word.substr(start, pos - start));
    }
    chars.push_back(">");
    for (size_t i = 0; i + size_t(n) <= chars.size(); ++i) {
        std::string g = "#";
        for (size_t k = i; k < i + size_t(n); ++k) g += chars[k];
        out.push_back(std::move(g));
    }
    return out;
}

std::vector<std::string> tokenize(std::string_view text, const TextOptions& options)
{
    std::vector<std::string> tokens;
    std::vector<size_t> wordTokens; // indices of the words (for the n-grams)
    std::string word;
    auto flush = [&] {
        if (word.empty()) return;
        wordTokens.push_back(tokens.size());
        tokens.push_back(options.lowercase ? lowercaseUtf8(word) : word);
        word.clear();
    };
    auto punct = [&](std::string_view mark) {
        flush();
        if (options.punctuation == Punctuation::Split) tokens.emplace_back(mark);
    };
    CharClass previous = CharClass::Space;
    for (size_t pos = 0; pos < text.size();) {
        const size_t start = pos;
        const char32_t cp = decode(text, pos);
        const std::string_view bytes = text.substr(start, pos - start);
        CharClass c = classify(cp);
        if (c == CharClass::Apostrophe) {
            // Inside a word when a letter follows too.
            size_t next = pos;
            const bool letterNext = next < text.size() && isLetterLike(classify(decode(text, next)));
            if (isLetterLike(previous) && letterNext) {
                word += '\'';
                previous = CharClass::Apostrophe;
                continue;
            }
            c = CharClass::Punct;
        }
        switch (c) {
        case CharClass::Word: word.append(bytes); break;
        case CharClass::Ideograph:
            flush();
            wordTokens.push_back(tokens.size());
            tokens.emplace_back(bytes);
            break;
        case CharClass::Space: flush(); break;
        default: punct(bytes); break;
        }
        previous = c;
    }
    flush();
    if (options.ngrams > 0) {
        const size_t words = wordTokens.size();
        for (size_t i = 0; i < words; ++i) {
            const std::vector<std::string> grams = charNgrams(tokens[wordTokens[i]], options.ngrams);
            tokens.insert(tokens.end(), grams.begin(), grams.end());
        }
    }
    return tokens;
}

Vocabulary Vocabulary::build(const std::vector<std::vector<std::string>>& documents, int64_t minCount, int64_t maxVocab)
{
    std::unordered_map<std::string, int64_t> counts;
    for (const auto& doc : documents)
        for (const std::string& t : doc) ++counts[t];
    std::vector<std::pair<std::string, int64_t>> kept;
    for (auto& [token, count] : counts)
        if (count >= minCount && token != "<pad>" && token != "<unk>") kept.emplace_back(token, count);
    std::sort(kept.begin(), kept.end(), [](const auto& a, const auto& b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    if (maxVocab > 0 && int64_t(kept.size()) > maxVocab) kept.resize(size_t(maxVocab));
    std::vector<std::string> tokens{"<pad>", "<unk>"};
    for (auto& [token, count] : kept) tokens.push_back(std::move(token));
    return fromTokens(std::move(tokens));
}

Vocabulary Vocabulary::fromTokens(std::vector<std::string> tokens)
{
    if (tokens.size() < 2 || tokens[0] != "<pad>" || tokens[1] != "<unk>")
        throw std::invalid_argument("vocabulary: the first two tokens must be <pad> and <unk>");
    Vocabulary v;
    v._tokens = std::move(tokens);
    for (size_t i = 0; i < v._tokens.size(); ++i)
        if (!v._ids.emplace(v._tokens[i], int64_t(i)).second)
            throw std::invalid_argument("vocabulary: token '" + v._tokens[i] + "' listed twice");
    return v;
}

int64_t Vocabulary::id(const std::string& token) const
{
    auto it = _ids.find(token);
    return it == _ids.end() || it->second < 2 ? kUnknown : it->second;
}

bool Vocabulary::encode(const std::vector<std::string>& tokens, int64_t maxLength, float* out, int64_t* unknown) const
{
    const int64_t n = std::min<int64_t>(maxLength, int64_t(tokens.size()));
    for (int64_t i = 0; i < n; ++i) {
        const int64_t id = this->id(tokens[size_t(i)]);
        if (id == kUnknown && unknown) ++*unknown;
        out[i] = float(id);
    }
    for (int64_t i = n; i < maxLength; ++i) out[i] = float(kPadding);
    return int64_t(tokens.size()) > maxLength;
}

bool looksLikeText(const std::vector<std::string>& cells, const std::vector<uint8_t>& missing)
{
    std::set<std::string_view> distinct;
    size_t present = 0, bytes = 0, words = 0;
    for (size_t r = 0; r < cells.size(); ++r) {
        if (r < missing.size() && missing[r]) continue;
        const std::string& c = cells[r];
        ++present;
        distinct.insert(c);
        bytes += c.size();
        bool inWord = false;
        for (char ch : c) {
            const bool space = ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
            if (!space && !inWord) ++words;
            inWord = !space;
        }
    }
    if (present < 20) return false;
    return distinct.size() * 2 >= present && bytes >= 20 * present && words >= 3 * present;
}

} // namespace tw::data
