#pragma once
// Tabular preprocessing fitted on the training Table only and applied to any
// Table with the same columns: imputation, one-hot encoding, standardization,
// and the target as class labels or regression values. A text column is
// tokenized into a fixed number of token ids (core/data/text.h).
#include "data/csv.h"
#include "data/dataset.h"
#include "data/text.h"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tw::data {

struct PreprocessOptions {
    std::string numericImpute = "mean";              // mean | median
    std::string categoricalImpute = "most_frequent"; // most_frequent | missing_category
    bool standardize = true;                         // numeric columns, with the training mean and std
    std::vector<std::string> drop;                   // columns left out of the features
    std::map<std::string, std::string> columnTypes;  // column -> numeric | categorical | text (the target too)
    /// A text column: tokenizer, vocabulary and sequence length
    /// (keys text_lowercase, text_punctuation, text_ngrams, text_min_count,
    /// text_max_vocab, text_max_length). A text column must be the only
    /// feature column: drop the others.
    TextOptions text;
    /// auto | classification | binary | multiclass | regression. auto:
    /// classification when the target is categorical, or integer-valued
    /// numbers with at most 20 distinct values (binary for 2 classes);
    /// regression otherwise. classification: the target's distinct values are
    /// the classes, however many (binary for 2). (A spec's dataset "task".)
    std::string task = "auto";

    /// Throws invalid_argument naming the option and its allowed values.
    void validate() const;
};

/// What applying the preprocessing to one table did.
struct TransformStats {
    std::map<std::string, int64_t> imputed;        // column -> missing cells filled
    int64_t unseenCategories = 0;                  // cells whose category training never saw: all zeros
    std::map<std::string, int64_t> unseenByColumn; // column -> such cells
    int64_t tokens = 0;                            // text: tokens read (before truncation)
    int64_t unknownTokens = 0;                     // text: kept tokens not in the vocabulary (id 1)
    int64_t truncated = 0;                         // text: cells with more than max_length tokens
};

class Preprocessor {
public:
    /// One feature column of the source as fitted on the training table.
    struct FittedColumn {
        std::string name;
        ColumnType type = ColumnType::Numeric;
        int64_t trainingMissing = 0;
        // numeric
        double fill = 0;                     // the imputed value (training mean or median)
        double mean = 0, stddev = 1;         // standardization (std 0 is stored as 1); 0 and 1 when off
        // categorical
        std::vector<std::string> categories; // training categories, sorted; one output column each
        std::string fillCategory;            // most frequent training value (most_frequent)
        bool missingCategory = false;        // an extra "NAME=(missing)" column (missing_category, when training had missing cells)
        // text: the training vocabulary and the ids per sample (a missing cell is all padding)
        Vocabulary vocabulary;
        int64_t maxLength = 0;

        int64_t width() const;               // output columns
    };

    /// Fits on `train`: `target` names the target column (excluded from the
    /// features). Throws invalid_argument for a bad option, an unknown target,
    /// drop or column-type name (listing the columns), a feature column with no
    /// value at all, a text column next to other feature columns; ParseError naming the line for a missing target value or a
    /// forced numeric cell that is not a number.
    static Preprocessor fit(const Table& train, const std::string& target, const PreprocessOptions& options = {});

    /// Applies the fitted preprocessing to a table with the fitted feature
    /// columns and the target (any order, extra columns ignored). A category
    /// unseen in training encodes as zeros and is counted in `stats`; a
    /// target class unseen in training is a ParseError naming the line. A
    /// text column becomes options.text.maxLength token ids per sample
    /// (sampleShape {max_length}; Dataset::vocabulary holds the tokens);
    /// a token unseen in training is id 1 (unknown).
    Dataset transform(const Table& table, TransformStats* stats = nullptr) const;

    const std::string& target() const { return _target; }
    Task task() const { return _task; }
    const std::vector<std::string>& classNames() const { return _classNames; }
    const std::vector<std::string>& featureNames() const { return _featureNames; }
    const std::vector<FittedColumn>& columns() const { return _columns; }
    const PreprocessOptions& options() const { return _options; }
    const std::string& fittedOn() const { return _source; }
    /// One line, e.g. "target Survived (binary: 0, 1); impute numeric mean
    /// (Age: 139 missing), categorical most_frequent (Embarked: 2 missing);
    /// one-hot Sex, Embarked (5 columns); standardize 6 columns".
    std::string summary() const;

    /// The fitted state as JSON (saved with a model) and back; fromJson throws
    /// invalid_argument naming the key that is missing or wrong.
    nlohmann::json toJson() const;
    static Preprocessor fromJson(const nlohmann::json& j);

private:
    std::string describe(const TransformStats* stats, const std::map<std::string, int64_t>& missing, bool otherTable) const;
    std::vector<int64_t> labelsOf(const Table& table, int column) const;
    /// Throws invalid_argument when a text column is not the only feature.
    void checkTextAlone(const std::string& source) const;

    PreprocessOptions _options;
    std::string _source;
    std::string _target;
    Task _task = Task::Binary;
    bool _targetNumeric = false;
    std::vector<std::string> _classNames;
    std::vector<double> _classValues; // numeric target: the value of each class
    std::vector<FittedColumn> _columns;
    std::vector<std::string> _featureNames;
};

struct CsvDatasets {
    Dataset train;
    std::optional<Dataset> test;
    Preprocessor preprocessor;
    TransformStats testStats;
};

/// Reads `trainPath` (and `testPath` unless empty) with options.columnTypes,
/// fits the preprocessing on the training file only and applies it to both.
CsvDatasets loadCsvDataset(const std::string& trainPath, const std::string& testPath, const std::string& target,
                           const PreprocessOptions& options = {});

} // namespace tw::data
