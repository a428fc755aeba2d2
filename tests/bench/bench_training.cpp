// Training throughput of tw::train::trainModel: samples per second of the
// training steps of an epoch (evaluation excluded), on synthetic data of the
// shapes of the project's workloads. tests/bench/bench_training.py runs the
// same models and loop in Python PyTorch and prints both side by side:
//
//   build/tests/bench_training [--quick] [WORKLOAD ...]
//   /usr/bin/python3 tests/bench/bench_training.py --cpp build/tests/bench_training
//
// Workloads: spirals (MLP 2-32-32-2, batch 64), tabular (MLP 30-64-64-2,
// batch 128), fashion_mlp (MLP 784-256-10, batch 128), fashion_cnn (the
// default CNN on 1x28x28, batch 128). Adam, cross-entropy, ReLU. One JSON line
// per workload: the median samples/s over the epochs after the first.
#include "train/trainer.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <iostream>
#include <random>

using namespace tw;

namespace {

struct Workload {
    std::string name;
    std::vector<int64_t> shape;
    int classes;
    int64_t samples;
    int epochs;
    train::ModelConfig model;
    int batch;
};

std::vector<Workload> workloads(bool quick)
{
    const int64_t q = quick ? 4 : 1;
    train::ModelConfig spirals, tabular, fashionMlp, cnn;
    spirals.set("hidden_layers", 2);
    spirals.set("units", 32);
    tabular.set("hidden_layers", 2);
    tabular.set("units", 64);
    fashionMlp.set("hidden_layers", 1);
    fashionMlp.set("units", 256);
    cnn.family = "cnn"; // 2 blocks of 32 and 64 filters, 3x3, dense 128
    return {{"spirals", {2}, 2, 20000 / q, 4, spirals, 64},
            {"tabular", {30}, 2, 40000 / q, 4, tabular, 128},
            {"fashion_mlp", {1, 28, 28}, 10, 60000 / q, 3, fashionMlp, 128},
            {"fashion_cnn", {1, 28, 28}, 10, 6000 / q, 3, cnn, 128}};
}

data::Dataset synthetic(const Workload& w, int64_t n, uint64_t seed)
{
    data::Dataset d;
    d.name = w.name;
    d.task = w.classes == 2 ? data::Task::Binary : data::Task::Multiclass;
    d.sampleShape = w.shape;
    for (int c = 0; c < w.classes; ++c) d.classNames.push_back(std::to_string(c));
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> g(0, 1);
    int64_t size = n;
    for (int64_t s : w.shape) size *= s;
    d.features.resize(size_t(size));
    for (auto& v : d.features) v = g(rng);
    d.labels.resize(size_t(n));
    for (auto& l : d.labels) l = int64_t(rng() % uint64_t(w.classes));
    return d;
}

} // namespace

int main(int argc, char** argv)
{
    bool quick = false;
    std::vector<std::string> only;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--quick") == 0) quick = true;
        else only.emplace_back(argv[i]);
    }
    for (const Workload& w : workloads(quick)) {
        if (!only.empty() && std::find(only.begin(), only.end(), w.name) == only.end()) continue;
        const data::Dataset trainSet = synthetic(w, w.samples, 1), valSet = synthetic(w, 256, 2);
        train::TrainOptions o;
        o.model = w.model;
        o.training.optimizer = "adam";
        o.training.learningRate = 1e-3;
        o.training.batchSize = w.batch;
        o.training.epochs = w.epochs;
        o.training.device = "cpu";
        const train::TrainResult r = train::trainModel(trainSet, valSet, o);
        if (r.status != train::TrainResult::Status::Completed) {
            std::cerr << w.name << ": " << r.reason << '\n';
            return 1;
        }
        std::vector<double> rates;
        for (size_t e = 1; e < r.epochs.size(); ++e) rates.push_back(r.epochs[e].samplesPerSecond);
        std::sort(rates.begin(), rates.end());
        const nlohmann::json line{{"impl", "cpp"},
                                  {"workload", w.name},
                                  {"batch", w.batch},
                                  {"samples", w.samples},
                                  {"epochs", w.epochs},
                                  {"parameters", r.parameters},
                                  {"samples_per_second", rates[rates.size() / 2]},
                                  {"device", train::deviceDescription()}};
        std::cout << line.dump() << std::endl;
    }
    return 0;
}
