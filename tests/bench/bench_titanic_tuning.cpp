// The matrices a study spec's trials train on, for
// tests/bench/bench_titanic_tuning.py: the spec's data read and split by
// train::DataSource exactly as `tw tune` does (same rows, same seed), then
// prepared once per combination of the numeric and categorical imputations
// the spec's search space offers (preprocessing fitted on the training rows
// only, as in a trial).
//
//   build/tests/bench_titanic_tuning SPEC.json OUT_DIR [--csv TRAIN.csv] [--test-csv TEST.csv]
//
// Writes OUT_DIR/<numeric_impute>-<categorical_impute>-{train,validation,test}.csv
// (the feature names as header, then "y", the class index) and prints one
// JSON line per combination: the files, rows and features.
#include "data/dataset.h"
#include "train/study_spec.h"
#include "train/tune.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "bench/dataset_csv.h"

using namespace tw;

namespace {

void writeCsv(const data::Dataset& d, const std::string& path)
{
    bench::writeDatasetCsv(d, path, true);
}

/// The choices the search space gives `name`, or the spec's fixed value.
std::vector<std::string> choicesOf(const nlohmann::json& spec, const std::string& name, const std::string& fixed)
{
    if (spec.contains("search_space") && spec["search_space"].contains("parameters"))
        for (const auto& p : spec["search_space"]["parameters"])
            if (p.value("name", "") == name && p.contains("choices")) return p["choices"].get<std::vector<std::string>>();
    return {fixed};
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 3) {
        std::cerr << "usage: bench_titanic_tuning SPEC.json OUT_DIR [--csv TRAIN.csv] [--test-csv TEST.csv]\n";
        return 2;
    }
    try {
        const std::string specPath = argv[1], out = argv[2];
        train::StudySpec spec = train::StudySpec::load(specPath);
        for (int i = 3; i + 1 < argc; i += 2) {
            const std::string flag = argv[i];
            if (flag == "--csv") spec.dataset.csv = argv[i + 1];
            else if (flag == "--test-csv") spec.dataset.testCsv = argv[i + 1];
            else throw std::invalid_argument("unknown flag " + flag);
        }
        nlohmann::json raw;
        std::ifstream(specPath) >> raw;
        train::DataSource source(spec);
        for (const auto& numeric : choicesOf(raw, "numeric_impute", spec.preprocessing.numericImpute))
            for (const auto& categorical : choicesOf(raw, "categorical_impute", spec.preprocessing.categoricalImpute)) {
                data::PreprocessOptions p = spec.preprocessing;
                p.numericImpute = numeric;
                p.categoricalImpute = categorical;
                const auto& s = source.splits(p);
                const std::string stem = out + "/" + numeric + "-" + categorical;
                writeCsv(s.train, stem + "-train.csv");
                writeCsv(s.validation, stem + "-validation.csv");
                if (s.test) writeCsv(*s.test, stem + "-test.csv");
                std::cout << nlohmann::json{{"numeric_impute", numeric},
                                            {"categorical_impute", categorical},
                                            {"stem", stem},
                                            {"train", s.train.size()},
                                            {"validation", s.validation.size()},
                                            {"test", s.test ? s.test->size() : 0},
                                            {"features", s.train.sampleSize()},
                                            {"describe", source.describe(p)}}
                                 .dump()
                          << std::endl;
            }
    } catch (const std::exception& e) {
        std::cerr << "bench_titanic_tuning: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
