#include "setup/data_summary.h"

#include "data/builtin.h"
#include "data/idx.h"
#include "data/preprocess.h"
#include "data/split.h"
#include "util/printable.h"

#include <cmath>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>

namespace tw::ui {

namespace {

/// Process-wide cache of what was read: a few entries, dropped all at once when full.
template <typename T>
std::shared_ptr<const T> cached(const std::string& key, const std::function<T()>& load)
{
    static std::mutex mutex;
    static std::map<std::string, std::shared_ptr<const T>> cache;
    {
        std::lock_guard<std::mutex> lock(mutex);
        if (auto it = cache.find(key); it != cache.end()) return it->second;
    }
    auto value = std::make_shared<const T>(load());
    std::lock_guard<std::mutex> lock(mutex);
    if (cache.size() >= 8) cache.clear();
    cache[key] = value;
    return value;
}

std::string fileKey(const std::string& path)
{
    std::error_code ec;
    const auto time = std::filesystem::last_write_time(path, ec);
    const auto size = std::filesystem::file_size(path, ec);
    return path + "|" + std::to_string(time.time_since_epoch().count()) + "|" + std::to_string(size);
}

std::shared_ptr<const data::Table> readTable(const std::string& path, const data::PreprocessOptions& p)
{
    data::CsvOptions options;
    options.columnTypes = p.columnTypes;
    std::string key = fileKey(path);
    for (const auto& [c, t] : p.columnTypes) key += "|" + c + "=" + t;
    return cached<data::Table>(key, [&] { return data::readCsv(path, options); });
}

std::string locate(const std::string& dir, const std::string& stem)
{
    const auto base = std::filesystem::path(dir) / stem;
    std::error_code ec;
    if (std::filesystem::exists(base.string() + ".gz", ec)) return base.string() + ".gz";
    return base.string();
}

data::Dataset labelsOnly(const std::vector<int64_t>& labels, const std::vector<std::string>& names)
{
    data::Dataset d;
    d.name = "labels";
    d.task = names.size() == 2 ? data::Task::Binary : data::Task::Multiclass;
    d.labels = labels;
    d.classNames = names;
    return d;
}

void splitSizes(DataSummary& s, const data::Dataset& pool, const train::StudySpec& spec, bool ownTest)
{
    data::SplitFractions f{spec.split.validation, ownTest ? 0.0 : spec.split.test};
    const auto idx = data::splitIndices(pool, f, spec.split.seed, spec.split.stratify);
    s.train = int64_t(idx.train.size());
    s.validation = int64_t(idx.validation.size());
    if (!ownTest) s.test = int64_t(idx.test.size());
}

void summarizeFashion(DataSummary& s, const train::StudySpec& spec)
{
    const std::string dir = spec.dataset.idxDir.empty() ? data::kFashionMnistDir : spec.dataset.idxDir;
    const int64_t limit = spec.dataset.limit;
    const int64_t previewRows = limit > 0 ? std::min(limit, kImagePreviewRows) : kImagePreviewRows;
    // loadFashionMnist names a missing file and the Debian package.
    s.preview = cached<data::Dataset>("fashion|" + dir + "|" + std::to_string(previewRows),
                                      [&] { return data::loadFashionMnist("train", dir, previewRows); });
    auto labels = cached<data::IdxArray>("labels|" + locate(dir, "train-labels-idx1-ubyte"), [&] {
        return data::readIdx(locate(dir, "train-labels-idx1-ubyte"), 1);
    });
    auto testLabels = cached<data::IdxArray>("labels|" + locate(dir, "t10k-labels-idx1-ubyte"), [&] {
        return data::readIdx(locate(dir, "t10k-labels-idx1-ubyte"), 1);
    });
    const auto names = data::fashionMnistClassNames();
    const int64_t n = limit > 0 ? std::min<int64_t>(limit, int64_t(labels->data.size())) : int64_t(labels->data.size());
    std::vector<int64_t> y(labels->data.begin(), labels->data.begin() + n);
    const data::Dataset pool = labelsOnly(y, names);
    s.classNames = names;
    s.classCounts = pool.classCounts();
    s.test = limit > 0 ? std::min<int64_t>(limit, int64_t(testLabels->data.size())) : int64_t(testLabels->data.size());
    splitSizes(s, pool, spec, true);
    s.splitNote = "test: the 10,000 t10k images" + std::string(limit > 0 ? " (limited)" : "");
    s.description = "Fashion-MNIST: " + std::to_string(n) + " training images of 28×28 pixels, 10 classes (" + dir + ")";
}

void summarizeBuiltin(DataSummary& s, const train::StudySpec& spec)
{
    const std::string& name = spec.dataset.builtin;
    if (name == "fashion-mnist") return summarizeFashion(s, spec);
    auto b = cached<data::BuiltinData>(name + "|" + std::to_string(spec.split.seed) + "|" + std::to_string(spec.dataset.limit),
                                       [&] { return data::builtinDataset(name, spec.split.seed, spec.dataset.limit); });
    s.preview = std::shared_ptr<const data::Dataset>(b, &b->train);
    s.classNames = b->train.classNames;
    s.classCounts = b->train.classCounts();
    s.regression = !b->train.isClassification();
    if (b->validation) {
        s.train = b->train.size();
        s.validation = b->validation->size();
        s.test = b->test ? b->test->size() : 0;
        s.splitNote = "validation: fresh samples of the generator (the validation share does not apply)";
        if (!b->test && spec.split.test > 0) {  // the test share comes out of training (train::DataSource)
            s.test = int64_t(std::llround(double(s.train) * spec.split.test));
            s.train -= s.test;
        }
    } else {
        s.test = b->test ? b->test->size() : 0;
        splitSizes(s, b->train, spec, b->test.has_value());
    }
    s.description = name + ": " + std::to_string(b->train.size()) + " samples, " +
                    std::to_string(b->train.sampleSize()) + " features, " + data::toString(b->train.task);
}

void summarizeCsv(DataSummary& s, const train::StudySpec& spec)
{
    s.table = readTable(spec.dataset.csv, spec.preprocessing);
    const std::string file = std::filesystem::path(spec.dataset.csv).filename().string();
    s.description = file + ": " + std::to_string(s.table->rows()) + " rows × " +
                    std::to_string(s.table->columns.size()) + " columns";
    bool ownTest = false;
    if (!spec.dataset.testCsv.empty()) {
        s.test = readTable(spec.dataset.testCsv, spec.preprocessing)->rows();
        s.splitNote = "test: " + std::filesystem::path(spec.dataset.testCsv).filename().string();
        ownTest = true;
    }
    if (spec.dataset.target.empty()) {
        s.warning = "choose the target column (the one to predict)";
        return;
    }
    try {
        // The target as training reads it: classes or regression values.
        const auto pre = data::Preprocessor::fit(*s.table, spec.dataset.target, spec.preprocessing);
        const data::Dataset all = pre.transform(*s.table);
        s.regression = !all.isClassification();
        s.classNames = all.classNames;
        s.classCounts = all.classCounts();
        splitSizes(s, all, spec, ownTest);
    } catch (const std::exception& e) {
        s.warning = tw::printable(e.what());
    }
}

} // namespace

DataSummary summarizeData(const train::StudySpec& spec)
{
    DataSummary s;
    if (!spec.dataset.builtin.empty()) summarizeBuiltin(s, spec);
    else if (!spec.dataset.csv.empty()) summarizeCsv(s, spec);
    return s;
}

} // namespace tw::ui
