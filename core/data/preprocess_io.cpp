// Preprocessor <-> JSON, and loadCsvDataset (read, fit on train, apply).
#include "data/preprocess.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <stdexcept>

namespace tw::data {

using nlohmann::json;

json Preprocessor::toJson() const
{
    json columns = json::array();
    for (const FittedColumn& f : _columns) {
        json c = {{"name", f.name}, {"type", toString(f.type)}, {"training_missing", f.trainingMissing}};
        if (f.type == ColumnType::Numeric) {
            c["fill"] = f.fill;
            c["mean"] = f.mean;
            c["std"] = f.stddev;
        } else if (f.type == ColumnType::Text) {
            c["vocabulary"] = f.vocabulary.tokens();
            c["max_length"] = f.maxLength;
        } else {
            c["categories"] = f.categories;
            c["fill_category"] = f.fillCategory;
            c["missing_category"] = f.missingCategory;
        }
        columns.push_back(std::move(c));
    }
    json j = {
        {"source", _source},
        {"target", _target},
        {"task", toString(_task)},
        {"target_numeric", _targetNumeric},
        {"class_names", _classNames},
        {"class_values", _classValues},
        {"options",
         {{"numeric_impute", _options.numericImpute},
          {"categorical_impute", _options.categoricalImpute},
          {"standardize", _options.standardize},
          {"drop", _options.drop},
          {"column_types", _options.columnTypes},
          {"task", _options.task},
          {"text_lowercase", _options.text.lowercase},
          {"text_punctuation", toString(_options.text.punctuation)},
          {"text_ngrams", _options.text.ngrams},
          {"text_min_count", _options.text.minCount},
          {"text_max_vocab", _options.text.maxVocab},
          {"text_max_length", _options.text.maxLength}}},
        {"columns", std::move(columns)},
    };
    return j;
}

Preprocessor Preprocessor::fromJson(const json& j)
{
    try {
        Preprocessor p;
        const json& o = j.at("options");
        p._options.numericImpute = o.at("numeric_impute").get<std::string>();
        p._options.categoricalImpute = o.at("categorical_impute").get<std::string>();
        p._options.standardize = o.at("standardize").get<bool>();
        p._options.drop = o.at("drop").get<std::vector<std::string>>();
        p._options.columnTypes = o.at("column_types").get<std::map<std::string, std::string>>();
        p._options.task = o.at("task").get<std::string>();
        // Text settings: absent in files written before text columns existed.
        TextOptions& t = p._options.text;
        t.lowercase = o.value("text_lowercase", t.lowercase);
        if (o.contains("text_punctuation")) t.punctuation = punctuationFromString(o.at("text_punctuation").get<std::string>());
        t.ngrams = o.value("text_ngrams", t.ngrams);
        t.minCount = o.value("text_min_count", t.minCount);
        t.maxVocab = o.value("text_max_vocab", t.maxVocab);
        t.maxLength = o.value("text_max_length", t.maxLength);
        p._options.validate();
        p._source = j.at("source").get<std::string>();
        p._target = j.at("target").get<std::string>();
        p._task = taskFromString(j.at("task").get<std::string>());
        p._targetNumeric = j.at("target_numeric").get<bool>();
        p._classNames = j.at("class_names").get<std::vector<std::string>>();
        p._classValues = j.at("class_values").get<std::vector<double>>();
        const bool classify = p._task != Task::Regression;
        if (classify && p._classNames.size() < 2)
            throw std::invalid_argument("'class_names': a classification task needs at least 2 classes");
        if (classify && p._targetNumeric && p._classValues.size() != p._classNames.size())
            throw std::invalid_argument("'class_values': one value per class name expected");
        for (const json& c : j.at("columns")) {
            FittedColumn f;
            f.name = c.at("name").get<std::string>();
            f.type = columnTypeFromString(c.at("type").get<std::string>());
            f.trainingMissing = c.at("training_missing").get<int64_t>();
            if (f.type == ColumnType::Numeric) {
                f.fill = c.at("fill").get<double>();
                f.mean = c.at("mean").get<double>();
                f.stddev = c.at("std").get<double>();
                if (!(f.stddev > 0)) throw std::invalid_argument("column '" + f.name + "': 'std' must be > 0");
                p._featureNames.push_back(f.name);
            } else if (f.type == ColumnType::Text) {
                f.vocabulary = Vocabulary::fromTokens(c.at("vocabulary").get<std::vector<std::string>>());
                f.maxLength = c.at("max_length").get<int64_t>();
                if (f.maxLength < 1) throw std::invalid_argument("column '" + f.name + "': 'max_length' must be >= 1");
                for (int64_t k = 0; k < f.maxLength; ++k) p._featureNames.push_back(f.name + "[" + std::to_string(k) + "]");
            } else {
                f.categories = c.at("categories").get<std::vector<std::string>>();
                f.fillCategory = c.at("fill_category").get<std::string>();
                f.missingCategory = c.at("missing_category").get<bool>();
                if (std::find(f.categories.begin(), f.categories.end(), f.fillCategory) == f.categories.end())
                    throw std::invalid_argument("column '" + f.name + "': 'fill_category' is not one of its categories");
                for (const std::string& v : f.categories) p._featureNames.push_back(f.name + "=" + v);
                if (f.missingCategory) p._featureNames.push_back(f.name + "=(missing)");
            }
            p._columns.push_back(std::move(f));
        }
        if (p._columns.empty()) throw std::invalid_argument("'columns': no feature column");
        p.checkTextAlone("'columns'");
        return p;
    } catch (const json::exception& e) {
        throw std::invalid_argument(std::string("preprocessor JSON: ") + e.what());
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(std::string("preprocessor JSON: ") + e.what());
    }
}

CsvDatasets loadCsvDataset(const std::string& trainPath, const std::string& testPath, const std::string& target,
                           const PreprocessOptions& options)
{
    options.validate();
    CsvOptions csv;
    csv.columnTypes = options.columnTypes;
    const Table train = readCsv(trainPath, csv);
    CsvDatasets out{.train = {}, .test = std::nullopt, .preprocessor = Preprocessor::fit(train, target, options), .testStats = {}};
    out.train = out.preprocessor.transform(train);
    if (!testPath.empty()) {
        const Table test = readCsv(testPath, csv);
        out.test = out.preprocessor.transform(test, &out.testStats);
    }
    return out;
}

} // namespace tw::data
