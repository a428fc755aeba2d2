// Tabular preprocessing: fit on the training table, transform any table with
// the same columns. JSON round trip and loadCsvDataset: preprocess_io.cpp.
#include "data/preprocess.h"

#include "util/errors.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <set>
#include <stdexcept>
#include <unordered_map>

namespace tw::data {

namespace {

constexpr int kMaxAutoClasses = 20;
const char* const kMissingCategory = "(missing)";

std::string join(const std::vector<std::string>& items, const std::string& sep = ", ")
{
    std::string out;
    for (const std::string& s : items) out += (out.empty() ? "" : sep) + s;
    return out;
}

std::string listCounts(const std::map<std::string, int64_t>& counts, const std::vector<std::string>& order,
                       const std::string& unit)
{
    std::vector<std::string> parts;
    for (const std::string& name : order) {
        auto it = counts.find(name);
        if (it != counts.end() && it->second > 0) parts.push_back(name + ": " + std::to_string(it->second) + unit);
    }
    return parts.empty() ? "none" + unit : join(parts);
}

void checkChoice(const std::string& option, const std::string& value, const std::vector<std::string>& allowed)
{
    if (std::find(allowed.begin(), allowed.end(), value) == allowed.end())
        throw std::invalid_argument("preprocessing: '" + option + "' must be one of " + join(allowed) + " (" + option +
                                    " = '" + value + "')");
}

double median(std::vector<double> v)
{
    const size_t mid = v.size() / 2;
    std::nth_element(v.begin(), v.begin() + mid, v.end());
    const double upper = v[mid];
    if (v.size() % 2 == 1) return upper;
    return 0.5 * (*std::max_element(v.begin(), v.begin() + mid) + upper);
}

std::string columnCount(int64_t n)
{
    return std::to_string(n) + (n == 1 ? " column" : " columns");
}

std::string stem(const std::string& path)
{
    return std::filesystem::path(path).stem().string();
}

} // namespace

void PreprocessOptions::validate() const
{
    checkChoice("numeric_impute", numericImpute, {"mean", "median"});
    checkChoice("categorical_impute", categoricalImpute, {"most_frequent", "missing_category"});
    checkChoice("task", task, {"auto", "classification", "binary", "multiclass", "regression"});
    for (const auto& [column, type] : columnTypes)
        if (type != "numeric" && type != "categorical" && type != "text")
            throw std::invalid_argument("preprocessing: 'column_types' of column '" + column +
                                        "' must be one of numeric, categorical, text (got '" + type + "')");
    text.validate();
    std::set<std::string> seen;
    for (const std::string& d : drop)
        if (!seen.insert(d).second) throw std::invalid_argument("preprocessing: 'drop' lists column '" + d + "' twice");
}

int64_t Preprocessor::FittedColumn::width() const
{
    if (type == ColumnType::Text) return maxLength;
    return type == ColumnType::Numeric ? 1 : int64_t(categories.size()) + (missingCategory ? 1 : 0);
}

Preprocessor Preprocessor::fit(const Table& train, const std::string& target, const PreprocessOptions& options)
{
    options.validate();
    Preprocessor p;
    p._options = options;
    p._source = train.source;
    p._target = target;
    const int targetIndex = train.columnIndex(target);
    if (targetIndex < 0)
        throw std::invalid_argument(train.source + ": target column '" + target + "' not found (columns: " + train.columnList() + ")");
    for (const std::string& d : options.drop) {
        if (d == target) throw std::invalid_argument(train.source + ": cannot drop the target column '" + target + "'");
        if (train.columnIndex(d) < 0)
            throw std::invalid_argument(train.source + ": column '" + d + "' to drop not found (columns: " + train.columnList() + ")");
    }
    for (const auto& [name, type] : options.columnTypes)
        if (train.columnIndex(name) < 0)
            throw std::invalid_argument(train.source + ": column type for '" + name + "': no such column (columns: " +
                                        train.columnList() + ")");
    auto typeOf = [&](const Column& c) {
        auto it = options.columnTypes.find(c.name);
        return it == options.columnTypes.end() ? c.type : columnTypeFromString(it->second);
    };

    // Features.
    for (size_t i = 0; i < train.columns.size(); ++i) {
        const Column& c = train.columns[i];
        if (int(i) == targetIndex || std::find(options.drop.begin(), options.drop.end(), c.name) != options.drop.end()) continue;
        FittedColumn f;
        f.name = c.name;
        f.type = typeOf(c);
        f.trainingMissing = c.missingCount();
        if (f.trainingMissing == train.rows())
            throw std::invalid_argument(train.source + ": column '" + c.name + "' has no value (all " +
                                        std::to_string(train.rows()) + " cells missing); drop it");
        if (f.type == ColumnType::Numeric) {
            const std::vector<double> values = numericValues(train, int(i), "column type forced to numeric");
            std::vector<double> present;
            present.reserve(values.size());
            for (double v : values)
                if (!std::isnan(v)) present.push_back(v);
            if (options.numericImpute == "median") {
                f.fill = median(present);
            } else {
                double sum = 0;
                for (double v : present) sum += v;
                f.fill = sum / double(present.size());
            }
            if (options.standardize) {
                // Statistics of the imputed column, as a scaler after an imputer sees it.
                double sum = 0, sq = 0;
                for (double v : values) sum += std::isnan(v) ? f.fill : v;
                f.mean = sum / double(values.size());
                for (double v : values) {
                    const double d = (std::isnan(v) ? f.fill : v) - f.mean;
                    sq += d * d;
                }
                f.stddev = std::sqrt(sq / double(values.size()));
                if (!(f.stddev > 0) || !std::isfinite(f.stddev)) f.stddev = 1;
            }
            p._featureNames.push_back(f.name);
        } else if (f.type == ColumnType::Text) {
            std::vector<std::vector<std::string>> documents;
            documents.reserve(c.text.size());
            for (size_t r = 0; r < c.text.size(); ++r)
                if (!c.missing[r]) documents.push_back(tokenize(c.text[r], options.text));
            f.vocabulary = Vocabulary::build(documents, options.text.minCount, options.text.maxVocab);
            f.maxLength = options.text.maxLength;
            for (int64_t k = 0; k < f.maxLength; ++k) p._featureNames.push_back(f.name + "[" + std::to_string(k) + "]");
        } else {
            std::map<std::string, int64_t> counts;
            for (size_t r = 0; r < c.text.size(); ++r)
                if (!c.missing[r]) ++counts[c.text[r]];
            int64_t best = -1;
            for (const auto& [value, count] : counts) {
                f.categories.push_back(value);
                if (count > best) best = count, f.fillCategory = value; // ties: the first in sorted order
            }
            f.missingCategory = options.categoricalImpute == "missing_category" && f.trainingMissing > 0;
            for (const std::string& v : f.categories) p._featureNames.push_back(f.name + "=" + v);
            if (f.missingCategory) p._featureNames.push_back(f.name + "=" + kMissingCategory);
        }
        p._columns.push_back(std::move(f));
    }
    if (p._columns.empty())
        throw std::invalid_argument(train.source + ": no feature column left besides the target '" + target + "'");
    p.checkTextAlone(train.source);

    // Target.
    const Column& t = train.columns[size_t(targetIndex)];
    for (size_t r = 0; r < t.missing.size(); ++r)
        if (t.missing[r])
            throw ParseError(train.where(int64_t(r)) + ": target '" + target +
                             "' is missing (every row needs a target: fill it in or remove the row)");
    ColumnType targetType = typeOf(t);
    if (targetType == ColumnType::Text) targetType = ColumnType::Categorical; // a label, however long
    const std::string& taskOption = options.task;
    if (targetType == ColumnType::Categorical) {
        if (taskOption == "regression")
            throw std::invalid_argument(train.source + ": task regression needs a numeric target; '" + target +
                                        "' is categorical");
        std::set<std::string> classes(t.text.begin(), t.text.end());
        p._classNames.assign(classes.begin(), classes.end());
    } else {
        p._targetNumeric = true;
        const std::vector<double> values = numericValues(train, targetIndex, "column type forced to numeric");
        std::set<double> distinct(values.begin(), values.end());
        const bool integral = std::all_of(distinct.begin(), distinct.end(), [](double v) { return v == std::trunc(v); });
        const bool classify = taskOption == "auto" ? integral && distinct.size() <= size_t(kMaxAutoClasses)
                                                   : taskOption != "regression";
        if (classify) {
            p._classValues.assign(distinct.begin(), distinct.end());
            for (double v : p._classValues) p._classNames.push_back(formatNumber(v));
        }
    }
    if (!p._classNames.empty() || targetType == ColumnType::Categorical) {
        const size_t k = p._classNames.size();
        if (k < 2)
            throw std::invalid_argument(train.source + ": target '" + target + "' has a single class '" + p._classNames[0] +
                                        "'; classification needs at least 2");
        if (taskOption == "binary" && k != 2)
            throw std::invalid_argument(train.source + ": task binary needs 2 classes; target '" + target + "' has " +
                                        std::to_string(k) + (k <= 25 ? " (" + join(p._classNames) + ")" : ""));
        p._task = taskOption == "multiclass" ? Task::Multiclass : k == 2 ? Task::Binary : Task::Multiclass;
    } else {
        p._task = Task::Regression;
    }
    return p;
}

std::vector<int64_t> Preprocessor::labelsOf(const Table& table, int column) const
{
    const Column& t = table.columns[size_t(column)];
    std::vector<int64_t> labels(t.text.size());
    auto unseen = [&](size_t r, const std::string& value) {
        return ParseError(table.where(int64_t(r)) + ": target '" + _target + "': class '" + value +
                          "' is not among the training classes (" + join(_classNames) + ")");
    };
    if (_targetNumeric) {
        const std::vector<double> values = numericValues(table, column, "the target is numeric in the training data");
        for (size_t r = 0; r < values.size(); ++r) {
            auto it = std::lower_bound(_classValues.begin(), _classValues.end(), values[r]);
            if (it == _classValues.end() || *it != values[r]) throw unseen(r, t.text[r]);
            labels[r] = it - _classValues.begin();
        }
    } else {
        std::unordered_map<std::string, int64_t> index;
        for (size_t k = 0; k < _classNames.size(); ++k) index.emplace(_classNames[k], int64_t(k));
        for (size_t r = 0; r < t.text.size(); ++r) {
            auto it = index.find(t.text[r]);
            if (it == index.end()) throw unseen(r, t.text[r]);
            labels[r] = it->second;
        }
    }
    return labels;
}

Dataset Preprocessor::transform(const Table& table, TransformStats* statsOut) const
{
    const int targetIndex = table.columnIndex(_target);
    if (targetIndex < 0)
        throw std::invalid_argument(table.source + ": target column '" + _target + "' not found (columns: " + table.columnList() + ")");
    const Column& t = table.columns[size_t(targetIndex)];
    for (size_t r = 0; r < t.missing.size(); ++r)
        if (t.missing[r])
            throw ParseError(table.where(int64_t(r)) + ": target '" + _target +
                             "' is missing (every row needs a target: fill it in or remove the row)");

    const int64_t n = table.rows();
    const int64_t width = int64_t(_featureNames.size());
    Dataset d;
    d.name = stem(table.source);
    d.task = _task;
    d.sampleShape = {width};
    d.featureNames = _featureNames;
    d.classNames = _classNames;
    d.features.assign(size_t(n * width), 0.0f);

    TransformStats stats;
    std::map<std::string, int64_t> missing;
    int64_t offset = 0;
    for (const FittedColumn& f : _columns) {
        const int index = table.columnIndex(f.name);
        if (index < 0)
            throw std::invalid_argument(table.source + ": column '" + f.name + "' (a feature fitted on " + _source +
                                        ") not found (columns: " + table.columnList() + ")");
        const Column& c = table.columns[size_t(index)];
        missing[f.name] = c.missingCount();
        float* out = d.features.data() + offset;
        if (f.type == ColumnType::Numeric) {
            const std::vector<double> values = numericValues(table, index, "numeric in the training data " + _source);
            for (int64_t r = 0; r < n; ++r) {
                double v = values[size_t(r)];
                if (std::isnan(v)) v = f.fill;
                out[r * width] = float((v - f.mean) / f.stddev);
            }
            if (missing[f.name] > 0) stats.imputed[f.name] = missing[f.name];
        } else if (f.type == ColumnType::Text) {
            for (int64_t r = 0; r < n; ++r) {
                float* row = out + r * width;
                if (c.missing[size_t(r)]) {
                    std::fill(row, row + f.maxLength, float(Vocabulary::kPadding));
                    continue;
                }
                const std::vector<std::string> tokens = tokenize(c.text[size_t(r)], _options.text);
                stats.tokens += int64_t(tokens.size());
                if (f.vocabulary.encode(tokens, f.maxLength, row, &stats.unknownTokens)) ++stats.truncated;
            }
            d.vocabulary = f.vocabulary.tokens();
        } else {
            std::unordered_map<std::string, int64_t> slot;
            for (size_t k = 0; k < f.categories.size(); ++k) slot.emplace(f.categories[k], int64_t(k));
            for (int64_t r = 0; r < n; ++r) {
                int64_t k = -1;
                if (c.missing[size_t(r)]) {
                    if (f.missingCategory) k = int64_t(f.categories.size());
                    else k = slot.at(f.fillCategory);
                    ++stats.imputed[f.name];
                } else if (auto it = slot.find(c.text[size_t(r)]); it != slot.end()) {
                    k = it->second;
                }
                if (k < 0) {
                    ++stats.unseenCategories;
                    ++stats.unseenByColumn[f.name];
                    continue;
                }
                out[r * width + k] = 1.0f;
            }
        }
        offset += f.width();
    }

    if (_task == Task::Regression) {
        const std::vector<double> values = numericValues(table, targetIndex, "the target is numeric in the training data");
        d.targets.assign(values.begin(), values.end());
    } else {
        d.labels = labelsOf(table, targetIndex);
    }

    d.provenance.source = table.source;
    d.provenance.rows = n;
    d.provenance.columns = int64_t(table.columns.size());
    d.provenance.preprocessing = describe(&stats, missing, table.source != _source);
    if (statsOut) *statsOut = std::move(stats);
    return d;
}

std::string Preprocessor::summary() const
{
    std::map<std::string, int64_t> missing;
    for (const FittedColumn& f : _columns) missing[f.name] = f.trainingMissing;
    return describe(nullptr, missing, false);
}

std::string Preprocessor::describe(const TransformStats* stats, const std::map<std::string, int64_t>& missing,
                                   bool otherTable) const
{
    std::vector<std::string> numeric, categorical;
    int64_t oneHotWidth = 0;
    const FittedColumn* text = nullptr;
    for (const FittedColumn& f : _columns) {
        if (f.type == ColumnType::Text) {
            text = &f;
        } else if (f.type == ColumnType::Numeric) {
            numeric.push_back(f.name);
        } else {
            categorical.push_back(f.name);
            oneHotWidth += f.width();
        }
    }
    std::vector<std::string> parts;
    std::string target = "target " + _target + " (" + toString(_task);
    if (!_classNames.empty())
        target += _classNames.size() <= 10 ? ": " + join(_classNames) : ", " + std::to_string(_classNames.size()) + " classes";
    parts.push_back(target + ")");
    if (!_options.drop.empty()) parts.push_back("drop " + join(_options.drop));
    if (text) {
        const TextOptions& o = _options.text;
        std::string t = "text " + text->name + ": " + std::to_string(text->vocabulary.size()) + "-token vocabulary (" +
                        (o.lowercase ? "lower-cased, " : "") + "punctuation " + toString(o.punctuation) +
                        (o.ngrams > 0 ? ", character " + std::to_string(o.ngrams) + "-grams" : "") + ", min_count " +
                        std::to_string(o.minCount) + (o.maxVocab > 0 ? ", max_vocab " + std::to_string(o.maxVocab) : "") +
                        "), " + std::to_string(text->maxLength) + " ids per sample";
        if (stats && stats->tokens > 0)
            t += "; " + std::to_string(stats->unknownTokens) + " unknown of " + std::to_string(stats->tokens) + " tokens, " +
                 std::to_string(stats->truncated) + " cells truncated";
        parts.push_back(t);
    }
    std::vector<std::string> impute;
    if (!numeric.empty()) impute.push_back("numeric " + _options.numericImpute + " (" + listCounts(missing, numeric, " missing") + ")");
    if (!categorical.empty())
        impute.push_back("categorical " + _options.categoricalImpute + " (" + listCounts(missing, categorical, " missing") + ")");
    if (!impute.empty()) parts.push_back("impute " + join(impute));
    if (!categorical.empty())
        parts.push_back("one-hot " + join(categorical) + " (" + columnCount(oneHotWidth) + ")");
    if (!numeric.empty())
        parts.push_back(_options.standardize ? "standardize " + columnCount(int64_t(numeric.size())) : "no standardization");
    if (otherTable) parts.push_back("fitted on " + _source);
    if (stats && stats->unseenCategories > 0)
        parts.push_back(std::to_string(stats->unseenCategories) + " unseen categories encoded as zeros (" +
                        listCounts(stats->unseenByColumn, categorical, "") + ")");
    return join(parts, "; ");
}

void Preprocessor::checkTextAlone(const std::string& source) const
{
    std::vector<std::string> texts, others;
    for (const FittedColumn& f : _columns) (f.type == ColumnType::Text ? texts : others).push_back(f.name);
    if (texts.size() > 1)
        throw std::invalid_argument(source + ": " + std::to_string(texts.size()) + " text columns (" + join(texts) +
                                    "); a model reads one: drop the others or set their type (column_types)");
    if (!texts.empty() && !others.empty())
        throw std::invalid_argument(source + ": text column '" + texts[0] + "' must be the only feature column (also: " +
                                    join(others) + "); drop the others (preprocessing 'drop') or set their type");
}

} // namespace tw::data
