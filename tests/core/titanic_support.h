#pragma once
// The Titanic CSVs of the Hydra + Optuna talk, read as a study reads them
// (train::DataSource: 20% of the training file held out for validation,
// stratified, seed 0; preprocessing fitted on the training rows only), for
// the tests of the classic models. They live outside the repository:
// $TW_TITANIC_DIR, else ../shared/datasets/titanic next to the source tree.
#include "train/study_spec.h"
#include "train/tune.h"

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

namespace titanic {

inline std::string dir()
{
    if (const char* env = std::getenv("TW_TITANIC_DIR"); env && *env) return env;
    return std::string(TW_SOURCE_DIR) + "/../shared/datasets/titanic";
}

inline bool available()
{
    return std::filesystem::exists(dir() + "/data-train-large.csv") &&
           std::filesystem::exists(dir() + "/data-test-large.csv");
}

/// The large files (Sex, Embarked, Pclass as categories) as the example
/// study resources/examples/titanic.json prepares them.
struct Data {
    tw::train::StudySpec spec;
    std::unique_ptr<tw::train::DataSource> source;
    const tw::train::PreparedSplits* splits = nullptr;
};

inline std::unique_ptr<Data> load()
{
    auto d = std::make_unique<Data>();
    d->spec.dataset.csv = dir() + "/data-train-large.csv";
    d->spec.dataset.testCsv = dir() + "/data-test-large.csv";
    d->spec.dataset.target = "Survived";
    d->spec.split.validation = 0.2;
    d->spec.split.seed = 0;
    d->spec.preprocessing.drop = {"PassengerId"};
    d->spec.preprocessing.columnTypes = {{"Pclass", "categorical"}};
    d->source = std::make_unique<tw::train::DataSource>(d->spec);
    d->splits = &d->source->splits(d->spec.preprocessing);
    return d;
}

} // namespace titanic

#define TITANIC_OR_SKIP()                                                                                            \
    if (!titanic::available())                                                                                       \
    QSKIP(qPrintable(QStringLiteral("the Titanic CSVs are not in %1 (they live outside the repository; set "        \
                                    "TW_TITANIC_DIR)")                                                               \
                         .arg(QString::fromStdString(titanic::dir()))))
