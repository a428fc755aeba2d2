#pragma once
// Text columns: a Unicode-aware tokenizer, optional character n-grams, a
// vocabulary fitted on training documents and fixed-length id sequences.
// Plain C++: no Qt, no LibTorch, no ICU.
//
// Tokenizing: the cell is decoded as UTF-8 (an invalid byte counts as a
// punctuation mark). Letters, digits and combining marks of any script form
// words ("Ñandú", "naïve", "данные", "2026"); an apostrophe (' or U+2019,
// written ') between two letters stays inside the word ("don't"). CJK ideographs,
// Hiragana and Katakana are one token per character ("東京" -> "東", "京"),
// as such text has no spaces between words. Everything else (ASCII and
// Unicode punctuation, symbols, emoji) is punctuation: dropped, or one token
// per mark with Punctuation::Split. Lower-casing covers ASCII, Latin-1,
// Latin Extended-A, Greek and Cyrillic capitals.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tw::data {

enum class Punctuation { Drop, Split };
std::string toString(Punctuation p);                     // "drop", "split"
Punctuation punctuationFromString(const std::string& s); // throws invalid_argument

/// The settings of a text column (preprocessing keys in parentheses).
struct TextOptions {
    bool lowercase = true;                         // (text_lowercase)
    Punctuation punctuation = Punctuation::Drop;   // (text_punctuation) drop | split
    /// (text_ngrams) 0: off; n in 2..5: after the words, every character
    /// n-gram of length n of "<word>" (fastText style, "<" and ">" mark the
    /// word's ends), each written "#" + n-gram ("#<ca", "#cat", "#at>").
    int ngrams = 0;
    int64_t minCount = 1;                          // (text_min_count) >= 1: training occurrences a token needs
    int64_t maxVocab = 20000;                      // (text_max_vocab) most frequent tokens kept; 0: no limit
    int64_t maxLength = 64;                        // (text_max_length) 1..4096 ids per sample

    /// Throws invalid_argument naming the preprocessing key and the rule:
    /// "preprocessing: 'text_ngrams' must be 0 or in 2..5 (text_ngrams = 7)".
    void validate() const;
    bool operator==(const TextOptions&) const = default;
};

/// The tokens of one cell: words (and punctuation marks), then the n-grams.
std::vector<std::string> tokenize(std::string_view text, const TextOptions& options);
/// Lower-cases a UTF-8 string (see the header comment for the scripts covered).
std::string lowercaseUtf8(std::string_view text);
/// The character n-grams of length n of "<word>" (counted in code points), "#"-prefixed.
std::vector<std::string> charNgrams(const std::string& word, int n);

/// Token <-> id. Id 0 is padding ("<pad>"), id 1 unknown ("<unk>"); the
/// others by descending training count, ties in byte order.
class Vocabulary {
public:
    static constexpr int64_t kPadding = 0;
    static constexpr int64_t kUnknown = 1;

    /// From the tokens of the training documents: tokens seen at least
    /// `minCount` times, the `maxVocab` most frequent (0: all).
    static Vocabulary build(const std::vector<std::vector<std::string>>& documents, int64_t minCount, int64_t maxVocab);
    /// From a stored token list (index = id); throws invalid_argument when
    /// the first two are not "<pad>", "<unk>" or a token repeats.
    static Vocabulary fromTokens(std::vector<std::string> tokens);

    int64_t size() const { return int64_t(_tokens.size()); }
    /// The id of a token, kUnknown when it is not in the vocabulary.
    int64_t id(const std::string& token) const;
    const std::vector<std::string>& tokens() const { return _tokens; }

    /// `maxLength` ids: the tokens' ids, truncated, then kPadding. Counts the
    /// unknown tokens into `unknown` and returns whether it truncated.
    bool encode(const std::vector<std::string>& tokens, int64_t maxLength, float* out, int64_t* unknown = nullptr) const;

private:
    std::vector<std::string> _tokens;
    std::unordered_map<std::string, int64_t> _ids;
};

/// Whether a column's cells look like free text rather than categories: at
/// least 20 non-missing cells, at least half of them distinct, a mean length
/// of at least 20 bytes and a mean of at least 3 space-separated words.
bool looksLikeText(const std::vector<std::string>& cells, const std::vector<uint8_t>& missing);

} // namespace tw::data
