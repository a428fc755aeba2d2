// Training time and accuracy of the classic models (random forest and
// gradient boosting through XGBoost, logistic regression by L-BFGS) on the
// Titanic files and a generated 25,000 x 20 set; tests/bench/bench_classic.py
// runs scikit-learn on the same matrices and prints both side by side.
//
//   build/tests/bench_classic TITANIC_DIR OUT_DIR [repetitions]
//
// Writes the preprocessed matrices it trains on to OUT_DIR/<data>_{train,test}.csv
// (features, then the label), so both sides see identical numbers, and prints
// one JSON line per (data, model): the median training time in seconds over
// the repetitions and the test accuracy. Single-threaded (threads = 1; set
// OMP_NUM_THREADS=1 for LibTorch).
#include "data/builtin.h"
#include "data/split.h"
#include "train/logistic_regression.h"
#include "train/metrics.h"
#include "train/study_spec.h"
#include "train/tune.h"
#include "trees/boosted_trees.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <optional>
#include <iostream>
#include <string>

#include "bench/dataset_csv.h"

using namespace tw;

namespace {

void writeCsv(const data::Dataset& d, const std::string& path)
{
    bench::writeDatasetCsv(d, path, false);
}

double medianSeconds(int repetitions, const std::function<void()>& run)
{
    std::vector<double> t;
    for (int r = 0; r < repetitions; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        run();
        t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

double accuracy(const std::vector<float>& proba, const data::Dataset& test)
{
    const int k = test.numClasses();
    std::vector<int64_t> y(size_t(test.size()));
    for (size_t i = 0; i < y.size(); ++i)
        y[i] = std::max_element(proba.begin() + long(i) * k, proba.begin() + long(i + 1) * k) -
               (proba.begin() + long(i) * k);
    return train::classificationMetrics(test.labels, y, k, 1, 0).accuracy;
}

void benchData(const std::string& name, const data::Dataset& train, const data::Dataset& test, int repetitions)
{
    const trees::TreeTask task{train.task, train.numClasses()};
    auto report = [&](const char* model, double seconds, double acc, const nlohmann::json& extra) {
        nlohmann::json j{{"data", name},     {"model", model},  {"rows", train.size()}, {"features", train.sampleSize()},
                         {"seconds", seconds}, {"accuracy", acc}};
        j.update(extra);
        std::cout << j.dump() << std::endl;
    };
    // Random forest: 100 trees, max_depth 8, max_features sqrt.
    trees::TreeParams rf = trees::TreeParams::randomForest();
    rf.maxDepth = 8;
    rf.threads = 1;
    std::optional<trees::TreeModel> m;
    double s = medianSeconds(repetitions, [&] {
        m = trees::TreeModel::fit(trees::Ensemble::RandomForest, rf, task, trees::samplesOf(train));
    });
    report("random_forest", s, accuracy(m->predict(test.features, test.sampleSize()), test), {{"trees", m->numTrees()}});
    // Gradient boosting: 100 rounds, learning_rate 0.1, max_depth 3.
    trees::TreeParams gb = trees::TreeParams::gradientBoosting();
    gb.learningRate = 0.1;
    gb.maxDepth = 3;
    gb.threads = 1;
    s = medianSeconds(repetitions, [&] {
        m = trees::TreeModel::fit(trees::Ensemble::GradientBoosting, gb, task, trees::samplesOf(train));
    });
    report("gradient_boosting", s, accuracy(m->predict(test.features, test.sampleSize()), test),
           {{"trees", m->numTrees()}});
    // Logistic regression: C 1, max_iter 100, tol 1e-4.
    train::LogisticModel lr;
    train::LogisticFitInfo info;
    s = medianSeconds(repetitions, [&] {
        lr = train::fitLogistic({}, train.numClasses(), {train.features, train.sampleSize(), train.labels, {}}, nullptr,
                                {}, 10, &info);
    });
    report("logistic_regression", s, accuracy(lr.predictProba(test.features), test),
           {{"iterations", info.iterations}});
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 3) {
        std::cerr << "usage: bench_classic TITANIC_DIR OUT_DIR [repetitions]\n";
        return 2;
    }
    const std::string titanicDir = argv[1], out = argv[2];
    const int repetitions = argc > 3 ? std::max(1, std::atoi(argv[3])) : 1;
    std::cerr << "XGBoost " << trees::xgboostVersion() << "\n";

    // Titanic as the example study reads it: train on the training split,
    // test on the test file.
    train::StudySpec spec;
    spec.dataset.csv = titanicDir + "/data-train-large.csv";
    spec.dataset.testCsv = titanicDir + "/data-test-large.csv";
    spec.dataset.target = "Survived";
    spec.preprocessing.drop = {"PassengerId"};
    spec.preprocessing.columnTypes = {{"Pclass", "categorical"}};
    train::DataSource source(spec);
    const auto& t = source.splits(spec.preprocessing);
    writeCsv(t.train, out + "/titanic_train.csv");
    writeCsv(*t.test, out + "/titanic_test.csv");
    benchData("titanic", t.train, *t.test, repetitions * 5);

    // 25,000 x 20, 30% positives, half the features informative; 20% held out.
    const data::Dataset g = data::imbalancedBinary(25000, 20, 0.3, 0);
    const auto idx = data::splitIndices(g, {0.2, 0.0}, 0);
    const data::Dataset gTrain = g.subset(idx.train), gTest = g.subset(idx.validation);
    writeCsv(gTrain, out + "/generated_train.csv");
    writeCsv(gTest, out + "/generated_test.csv");
    benchData("generated", gTrain, gTest, repetitions);
    return 0;
}
