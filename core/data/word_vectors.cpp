// GloVe / word2vec text files and the embedding matrix of a vocabulary.
#include "data/word_vectors.h"

#include "data/random.h"
#include "data/text.h"
#include "util/errors.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>

namespace tw::data {

namespace {

/// Space- or tab-separated fields of a line (a trailing CR dropped).
std::vector<std::string_view> fields(std::string_view line)
{
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::vector<std::string_view> out;
    size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
        const size_t start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
        if (i > start) out.push_back(line.substr(start, i - start));
    }
    return out;
}

bool integer(std::string_view s, int64_t& v)
{
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc() && p == s.data() + s.size();
}

} // namespace

const float* WordVectors::find(const std::string& word) const
{
    auto it = index.find(word);
    return it == index.end() ? nullptr : values.data() + it->second * dim;
}

WordVectors readWordVectors(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw IoError(path + ": cannot open word vectors: " + std::strerror(errno));
    WordVectors w;
    w.source = path;
    std::string line;
    int64_t lineNo = 0, headerCount = -1, rows = 0, vectorLines = 0;
    std::string dimFrom;
    while (std::getline(in, line)) {
        ++lineNo;
        const auto f = fields(line);
        if (f.empty()) continue;
        const std::string where = path + ":" + std::to_string(lineNo) + ": ";
        int64_t n = 0, d = 0;
        if (vectorLines == 0 && headerCount < 0 && f.size() == 2 && integer(f[0], n) && integer(f[1], d)) {
            if (n < 0 || d < 1) throw ParseError(where + "header \"N D\" needs N >= 0 and D >= 1");
            headerCount = n;
            w.dim = d;
            dimFrom = "the header's dimension";
            continue;
        }
        const int64_t dim = int64_t(f.size()) - 1;
        if (dim < 1) throw ParseError(where + "word '" + std::string(f[0]) + "' has no values");
        if (w.dim == 0) {
            w.dim = dim;
            dimFrom = "the first vector's, line " + std::to_string(lineNo);
        } else if (dim != w.dim) {
            throw ParseError(where + "word '" + std::string(f[0]) + "' has " + std::to_string(dim) + " values; expected " +
                             std::to_string(w.dim) + " (" + dimFrom + ")");
        }
        ++vectorLines;
        const size_t base = w.values.size();
        w.values.resize(base + size_t(dim));
        for (int64_t k = 0; k < dim; ++k) {
            const std::string_view s = f[size_t(k + 1)];
            float v = 0;
            auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
            if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v))
                throw ParseError(where + "word '" + std::string(f[0]) + "': value " + std::to_string(k + 1) + " '" +
                                 std::string(s) + "' is not a finite number");
            w.values[base + size_t(k)] = v;
        }
        if (w.index.emplace(std::string(f[0]), rows).second) {
            ++rows;
        } else {
            w.values.resize(base); // a repeated word: the first occurrence wins
        }
    }
    if (in.bad()) throw IoError(path + ": read error: " + std::strerror(errno));
    if (rows == 0) throw ParseError(path + ": no word vectors (expected lines \"word v1 v2 ...\")");
    if (headerCount >= 0 && headerCount != vectorLines)
        throw ParseError(path + ": header says " + std::to_string(headerCount) + " vectors; the file has " +
                         std::to_string(vectorLines));
    return w;
}

std::vector<float> embeddingMatrix(const WordVectors& vectors, const std::vector<std::string>& vocabulary, uint64_t seed,
                                   EmbeddingMatch* match)
{
    double sum = 0, sq = 0;
    for (float v : vectors.values) sum += v, sq += double(v) * v;
    const double n = double(vectors.values.size());
    const double mean = n > 0 ? sum / n : 0;
    const double sd = n > 0 ? std::sqrt(std::max(0.0, sq / n - mean * mean)) : 1;
    const double noise = std::max(0.01, 0.1 * sd);
    Rng rng(seed);
    const int64_t dim = vectors.dim;
    std::vector<float> out(vocabulary.size() * size_t(dim), 0.0f);
    // The file's words lower-cased (the first occurrence wins), for a
    // lower-cased vocabulary against vectors with capitals.
    std::unordered_map<std::string, const float*> lowered;
    for (const auto& [word, row] : vectors.index) {
        const float* v = vectors.values.data() + row * dim;
        auto [it, fresh] = lowered.emplace(lowercaseUtf8(word), v);
        if (!fresh && row < (it->second - vectors.values.data()) / dim) it->second = v;
    }
    EmbeddingMatch m;
    for (size_t i = 0; i < vocabulary.size(); ++i) {
        float* row = out.data() + i * size_t(dim);
        if (i == size_t(Vocabulary::kPadding)) continue;
        const float* v = nullptr;
        if (i != size_t(Vocabulary::kUnknown)) {
            ++m.total;
            v = vectors.find(vocabulary[i]);
            if (!v)
                if (auto it = lowered.find(lowercaseUtf8(vocabulary[i])); it != lowered.end()) v = it->second;
        }
        if (v) {
            ++m.matched;
            std::copy(v, v + dim, row);
        } else {
            for (int64_t k = 0; k < dim; ++k) row[k] = float(rng.normal(0, noise));
        }
    }
    if (match) *match = m;
    return out;
}

} // namespace tw::data
