#pragma once
// Real text for the tests: Debian's `fortunes` package
// (/usr/share/games/fortunes/), files of quotations by category separated by
// lines holding only "%". Builds `text,label` CSVs (RFC 4180 quoting) from a
// few categories. A test calls TW_FORTUNES_OR_SKIP first.
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace fortunes {

inline const std::string kDir = "/usr/share/games/fortunes";
/// Two categories with distinct vocabularies (227 and 198 quotes).
inline const std::vector<std::string> kTwoClass{"startrek", "food"};
/// Four categories (722 quotes with at most 300 each).
inline const std::vector<std::string> kMultiClass{"startrek", "food", "sports", "love"};

inline bool available(const std::vector<std::string>& categories = kMultiClass)
{
    for (const auto& c : categories)
        if (!std::filesystem::is_regular_file(kDir + "/" + c)) return false;
    return true;
}

/// The quotations of one category, overstriking ("x\b") removed, trimmed,
/// at most `limit` (0: all).
inline std::vector<std::string> quotes(const std::string& category, size_t limit = 0)
{
    std::ifstream in(kDir + "/" + category, std::ios::binary);
    std::ostringstream buf;
    buf << in.rdbuf();
    std::string text;
    for (char c : buf.str()) {
        if (c == '\b') {
            if (!text.empty()) text.pop_back();
        } else {
            text += c;
        }
    }
    std::vector<std::string> out;
    std::istringstream lines(text);
    std::string line, current;
    auto push = [&] {
        const size_t a = current.find_first_not_of(" \t\n");
        if (a != std::string::npos) {
            const size_t b = current.find_last_not_of(" \t\n");
            out.push_back(current.substr(a, b - a + 1));
        }
        current.clear();
    };
    while (std::getline(lines, line)) {
        if (line == "%") push();
        else current += (current.empty() ? "" : "\n") + line;
    }
    push();
    if (limit > 0 && out.size() > limit) out.resize(limit);
    return out;
}

/// A cell quoted as RFC 4180 writes it: in double quotes, quotes doubled.
inline std::string csvField(const std::string& s)
{
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

/// Writes `dir`/`name` with columns text,label (the category name), the
/// categories' quotes interleaved; returns the path.
inline std::string writeCsv(const std::string& dir, const std::string& name, const std::vector<std::string>& categories,
                            size_t perCategory = 300)
{
    std::vector<std::vector<std::string>> all;
    size_t longest = 0;
    for (const auto& c : categories) {
        all.push_back(quotes(c, perCategory));
        longest = std::max(longest, all.back().size());
    }
    const std::string path = (std::filesystem::path(dir) / name).string();
    std::ofstream out(path, std::ios::binary);
    out << "text,label\n";
    for (size_t i = 0; i < longest; ++i)
        for (size_t k = 0; k < categories.size(); ++k)
            if (i < all[k].size()) out << fortunes::csvField(all[k][i]) << ',' << categories[k] << "\r\n";
    return path;
}

} // namespace fortunes

#define TW_FORTUNES_OR_SKIP(categories)                                                                                     \
    do {                                                                                                                    \
        if (!fortunes::available(categories)) QSKIP("Debian's fortunes package is not installed (/usr/share/games/fortunes)"); \
    } while (0)
