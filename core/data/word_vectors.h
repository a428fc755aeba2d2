#pragma once
// Pre-trained word vectors in the GloVe / word2vec text format: one word per
// line followed by its floats, separated by spaces; word2vec's optional first
// line "N D" (count and dimension). Plain C++: no LibTorch.
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace tw::data {

struct WordVectors {
    std::string source;                         // the file read
    int64_t dim = 0;
    std::unordered_map<std::string, int64_t> index; // word -> row (the first occurrence wins)
    std::vector<float> values;                  // rows x dim

    int64_t size() const { return int64_t(index.size()); }
    /// The vector of a word, nullptr when absent.
    const float* find(const std::string& word) const;
};

/// Reads a text-format file. Throws IoError when it cannot be read,
/// ParseError naming file:line for a line whose dimension differs from the
/// first vector's (or from the header's D), a value that is not a finite
/// number, a word with no values, a header whose count N differs from the
/// vectors read, or a file with no vector.
WordVectors readWordVectors(const std::string& path);

/// Statistics of embeddingMatrix.
struct EmbeddingMatch {
    int64_t matched = 0;       // vocabulary tokens found (as they are, or both lower-cased)
    int64_t total = 0;         // vocabulary tokens besides <pad> and <unk>
};

/// A vocabulary.size() x vectors.dim matrix, row-major: row 0 (padding)
/// zeros; a token found in `vectors` (as it is, else the lower-cased token
/// among the lower-cased file words) its vector;
/// any other row (unknown included) small normal noise from `seed`, with a
/// standard deviation of 0.1 x the vectors' (at least 0.01).
std::vector<float> embeddingMatrix(const WordVectors& vectors, const std::vector<std::string>& vocabulary, uint64_t seed,
                                   EmbeddingMatch* match = nullptr);

} // namespace tw::data
