#pragma once
// What the Data section shows about a spec's data: the rows to preview, the
// class balance and the split sizes. Files are read once and cached (by path,
// modification time and options); Fashion-MNIST reads its labels and only the
// first images, so choosing it stays fast.
#include "data/csv.h"
#include "data/dataset.h"
#include "train/study_spec.h"

#include <memory>
#include <string>
#include <vector>

namespace tw::ui {

struct DataSummary {
    std::shared_ptr<const data::Table> table;     // CSV: the training file
    std::shared_ptr<const data::Dataset> preview; // built-in: the samples to preview
    std::string description;                      // "spirals: 4000 samples, 2 features, binary"
    std::vector<std::string> classNames;          // empty for regression
    std::vector<int64_t> classCounts;             // of the data the split draws from
    bool regression = false;
    int64_t train = 0, validation = 0, test = 0;
    std::string splitNote;                        // where the validation / test sets come from
    /// Problem that does not stop the preview (e.g. the target cannot be
    /// preprocessed): core's message.
    std::string warning;
};

/// Reads the data of `spec` (dataset, split and preprocessing sections).
/// Throws core's errors (IoError, ParseError, invalid_argument) when the
/// file cannot be read at all.
DataSummary summarizeData(const train::StudySpec& spec);
/// Number of rows a Fashion-MNIST preview reads.
inline constexpr int64_t kImagePreviewRows = 500;

} // namespace tw::ui
