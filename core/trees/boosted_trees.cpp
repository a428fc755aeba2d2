#include "trees/boosted_trees.h"

#include "util/errors.h"

#include <xgboost/c_api.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <mutex>
#include <stdexcept>

namespace tw::trees {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kMaxForestChunks = 10;

void check(int rc, const std::string& what)
{
    if (rc != 0) throw std::runtime_error("XGBoost: " + what + ": " + XGBGetLastError());
}

/// Owns a DMatrixHandle.
class Matrix {
public:
    Matrix(std::span<const float> features, int64_t columns)
    {
        const auto rows = bst_ulong(int64_t(features.size()) / columns);
        check(XGDMatrixCreateFromMat(features.data(), rows, bst_ulong(columns), std::nanf(""), &_h),
              "creating a data matrix");
    }
    ~Matrix() { XGDMatrixFree(_h); }
    Matrix(const Matrix&) = delete;
    Matrix& operator=(const Matrix&) = delete;
    DMatrixHandle get() const { return _h; }
    void setFloats(const char* field, const std::vector<float>& v)
    {
        check(XGDMatrixSetFloatInfo(_h, field, v.data(), bst_ulong(v.size())), std::string("setting ") + field);
    }

private:
    DMatrixHandle _h = nullptr;
};

std::string number(double v)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

/// The largest divisor of `trees` up to kMaxForestChunks: the chunks a forest grows in.
int forestChunks(int trees)
{
    for (int c = std::min(trees, kMaxForestChunks); c > 1; --c)
        if (trees % c == 0) return c;
    return 1;
}

/// Hessian of one sample's loss at the base prediction (binary: p = 0.5;
/// multiclass: p = 1/K with XGBoost's softmax hessian 2p(1-p)).
double baseHessian(const TreeTask& t)
{
    switch (t.task) {
    case data::Task::Binary: return 0.25;
    case data::Task::Multiclass: {
        const double p = 1.0 / t.numClasses;
        return 2.0 * p * (1.0 - p);
    }
    case data::Task::Regression: break;
    }
    return 1.0;
}

void validateSamples(const Samples& s, const TreeTask& t, const char* which, int64_t columns)
{
    const std::string pre = std::string(which) + " samples: ";
    if (s.columns <= 0) throw std::invalid_argument(pre + "need at least one feature column");
    if (columns > 0 && s.columns != columns)
        throw std::invalid_argument(pre + std::to_string(s.columns) + " feature columns, training has " +
                                    std::to_string(columns));
    if (s.features.size() % size_t(s.columns) != 0)
        throw std::invalid_argument(pre + std::to_string(s.features.size()) + " feature values are not a multiple of " +
                                    std::to_string(s.columns) + " columns");
    const int64_t n = s.rows();
    if (n == 0) throw std::invalid_argument(pre + "no rows");
    if (t.task == data::Task::Regression) {
        if (int64_t(s.targets.size()) != n)
            throw std::invalid_argument(pre + std::to_string(s.targets.size()) + " targets for " + std::to_string(n) +
                                        " rows");
        for (float v : s.targets)
            if (!std::isfinite(v)) throw std::invalid_argument(pre + "a target is not finite");
    } else {
        if (int64_t(s.labels.size()) != n)
            throw std::invalid_argument(pre + std::to_string(s.labels.size()) + " labels for " + std::to_string(n) +
                                        " rows");
        for (int64_t y : s.labels)
            if (y < 0 || y >= t.numClasses)
                throw std::invalid_argument(pre + "label " + std::to_string(y) + " is not in 0.." +
                                            std::to_string(t.numClasses - 1));
    }
    if (!s.weights.empty()) {
        if (int64_t(s.weights.size()) != n)
            throw std::invalid_argument(pre + std::to_string(s.weights.size()) + " weights for " + std::to_string(n) +
                                        " rows");
        for (float w : s.weights)
            if (!std::isfinite(w) || w < 0) throw std::invalid_argument(pre + "a weight is negative or not finite");
    }
}

void validateTask(const TreeTask& t)
{
    if (t.task == data::Task::Binary && t.numClasses != 2)
        throw std::invalid_argument("task: a binary task has 2 classes (num_classes = " + std::to_string(t.numClasses) +
                                    ")");
    if (t.task == data::Task::Multiclass && t.numClasses < 2)
        throw std::invalid_argument("task: a multiclass task needs >= 2 classes (num_classes = " +
                                    std::to_string(t.numClasses) + ")");
}

std::vector<float> labelsAsFloats(const Samples& s, const TreeTask& t)
{
    if (t.task == data::Task::Regression) return {s.targets.begin(), s.targets.end()};
    std::vector<float> v(s.labels.size());
    for (size_t i = 0; i < v.size(); ++i) v[i] = float(s.labels[i]);
    return v;
}

/// Mean loss of predictions (rows x outputs) against `s`, weighted by s.weights when `weighted`.
double meanLoss(const std::vector<float>& pred, const Samples& s, const TreeTask& t, bool weighted)
{
    const int64_t n = s.rows();
    const int k = t.outputs();
    double sum = 0, wsum = 0;
    for (int64_t i = 0; i < n; ++i) {
        const double w = weighted && !s.weights.empty() ? double(s.weights[size_t(i)]) : 1.0;
        double l = 0;
        if (t.task == data::Task::Regression) {
            const double d = double(pred[size_t(i)]) - double(s.targets[size_t(i)]);
            l = d * d;
        } else {
            const double p = std::clamp(double(pred[size_t(i * k + s.labels[size_t(i)])]), 1e-15, 1.0 - 1e-15);
            l = -std::log(p);
        }
        sum += w * l;
        wsum += w;
    }
    return wsum > 0 ? sum / wsum : kNaN;
}

} // namespace

struct TreeModel::Impl {
    BoosterHandle booster = nullptr;
    Ensemble ensemble = Ensemble::GradientBoosting;
    TreeTask task;
    int64_t features = 0;
    int rounds = 0;          // rounds to predict with
    int treesPerRound = 1;   // num_parallel_tree
    int forestChunks = 1;    // random forest: the chunks its learning rate (1 / chunks) was set for
    double baseScore = 0.5;
    mutable std::mutex mutex; // a booster's prediction buffer is shared

    ~Impl()
    {
        if (booster) XGBoosterFree(booster);
    }

    /// The base prediction in margin space.
    double baseMargin() const
    {
        return task.task == data::Task::Binary ? std::log(baseScore / (1.0 - baseScore)) : baseScore;
    }

    /// Predictions (rows x outputs) of the first `useRounds` rounds on `m`.
    std::vector<float> predict(DMatrixHandle m, int useRounds) const
    {
        const std::string config = std::string("{\"type\": 1, \"training\": false, \"iteration_begin\": 0, "
                                               "\"iteration_end\": ") +
                                   std::to_string(useRounds) + ", \"strict_shape\": false}";
        std::vector<float> margin;
        {
            std::lock_guard lock(mutex);
            const bst_ulong* shape = nullptr;
            bst_ulong dim = 0;
            const float* out = nullptr;
            check(XGBoosterPredictFromDMatrix(booster, m, config.c_str(), &shape, &dim, &out), "predicting");
            bst_ulong size = 1;
            for (bst_ulong d = 0; d < dim; ++d) size *= shape[d];
            margin.assign(out, out + size);
        }
        if (ensemble == Ensemble::RandomForest && useRounds > 0 && useRounds != forestChunks) {
            // Each chunk entered with weight 1 / forestChunks: rescale to the mean of the chunks so far.
            const double b = baseMargin(), scale = double(forestChunks) / useRounds;
            for (float& v : margin) v = float(b + scale * (double(v) - b));
        }
        const int k = task.outputs();
        if (task.task == data::Task::Regression) return margin;
        if (task.task == data::Task::Binary) {
            std::vector<float> p(margin.size() * 2);
            for (size_t i = 0; i < margin.size(); ++i) {
                const double p1 = 1.0 / (1.0 + std::exp(-double(margin[i])));
                p[2 * i] = float(1.0 - p1);
                p[2 * i + 1] = float(p1);
            }
            return p;
        }
        const size_t n = margin.size() / size_t(k);
        for (size_t i = 0; i < n; ++i) {
            float* row = margin.data() + i * size_t(k);
            const double mx = *std::max_element(row, row + k);
            double sum = 0;
            for (int c = 0; c < k; ++c) sum += std::exp(double(row[c]) - mx);
            for (int c = 0; c < k; ++c) row[c] = float(std::exp(double(row[c]) - mx) / sum);
        }
        return margin;
    }

    void setAttr(const char* key, const std::string& value) const
    {
        check(XGBoosterSetAttr(booster, key, value.c_str()), std::string("setting attribute ") + key);
    }
};

Samples samplesOf(const data::Dataset& d, std::span<const float> weights)
{
    if (d.sampleShape.size() != 1)
        throw std::invalid_argument("data set '" + d.name + "': trees need tabular samples (one feature axis)");
    Samples s;
    s.features = d.features;
    s.columns = d.sampleShape[0];
    s.labels = d.labels;
    s.targets = d.targets;
    s.weights = weights;
    return s;
}

std::vector<float> sampleWeights(const std::vector<int64_t>& labels, const std::vector<double>& classWeights)
{
    std::vector<float> w(labels.size(), 1.0f);
    for (size_t i = 0; i < labels.size(); ++i) {
        const int64_t y = labels[i];
        if (y < 0 || size_t(y) >= classWeights.size())
            throw std::invalid_argument("class weights: label " + std::to_string(y) + " has no weight (" +
                                        std::to_string(classWeights.size()) + " weights)");
        w[i] = float(classWeights[size_t(y)]);
    }
    return w;
}

TreeModel::TreeModel(std::shared_ptr<const Impl> impl) : _impl(std::move(impl)) {}
TreeModel::~TreeModel() = default;

TreeModel TreeModel::fit(Ensemble ensemble, const TreeParams& params, const TreeTask& task, const Samples& train,
                         const Samples* validation, const RoundCallback& onRound, FitSummary* summary)
{
    params.validate(ensemble);
    validateTask(task);
    validateSamples(train, task, "training", 0);
    if (validation) validateSamples(*validation, task, "validation", train.columns);
    if (params.earlyStoppingRounds > 0 && !validation)
        throw std::invalid_argument("model: 'early_stopping_rounds' needs validation samples (early_stopping_rounds = " +
                                    std::to_string(params.earlyStoppingRounds) + ")");

    const int64_t n = train.rows();
    const bool forest = ensemble == Ensemble::RandomForest;
    auto impl = std::make_shared<Impl>();
    impl->ensemble = ensemble;
    impl->task = task;
    impl->features = train.columns;

    Matrix dtrain(train.features, train.columns);
    const std::vector<float> trainLabels = labelsAsFloats(train, task);
    dtrain.setFloats("label", trainLabels);
    std::vector<float> weights(train.weights.begin(), train.weights.end());
    if (!weights.empty()) dtrain.setFloats("weight", weights);
    double weightSum = 0;
    for (int64_t i = 0; i < n; ++i) weightSum += weights.empty() ? 1.0 : double(weights[size_t(i)]);
    if (!(weightSum > 0)) throw std::invalid_argument("training samples: the weights sum to 0");
    std::unique_ptr<Matrix> dvalid;
    if (validation) dvalid = std::make_unique<Matrix>(validation->features, validation->columns);

    if (task.task == data::Task::Regression) {
        double s = 0;
        for (int64_t i = 0; i < n; ++i)
            s += (weights.empty() ? 1.0 : double(weights[size_t(i)])) * double(train.targets[size_t(i)]);
        impl->baseScore = s / weightSum;
    }

    const DMatrixHandle cache[2] = {dtrain.get(), dvalid ? dvalid->get() : nullptr};
    check(XGBoosterCreate(cache, dvalid ? 2 : 1, &impl->booster), "creating a booster");
    const auto set = [&](const char* name, const std::string& value) {
        check(XGBoosterSetParam(impl->booster, name, value.c_str()), std::string("setting ") + name);
    };
    set("verbosity", "0");
    set("tree_method", "hist");
    switch (task.task) {
    case data::Task::Binary: set("objective", "binary:logistic"); break;
    case data::Task::Multiclass:
        set("objective", "multi:softprob");
        set("num_class", std::to_string(task.numClasses));
        break;
    case data::Task::Regression: set("objective", "reg:squarederror"); break;
    }
    set("base_score", number(impl->baseScore));
    set("max_depth", std::to_string(params.maxDepth));
    set("subsample", number(params.subsample));
    set("colsample_bytree", number(params.colsampleBytree));
    set("colsample_bynode", number(params.maxFeatures.resolve(train.columns)));
    double minChildWeight = params.minChildWeight;
    if (params.minSamplesSplit > 0) {
        // See TreeParams::minSamplesSplit: children of a quarter of the
        // split size, or of half of it (no split) when a tree's rows
        // (subsample x n) are fewer than the split size.
        const double count = params.minSamplesSplit <= 1 ? std::ceil(params.minSamplesSplit * double(n))
                                                         : params.minSamplesSplit;
        const double childRows = count > params.subsample * double(n) ? count / 2.0 : count / 4.0;
        minChildWeight = std::max(minChildWeight, baseHessian(task) * (weightSum / double(n)) * childRows);
    }
    set("min_child_weight", number(minChildWeight));
    set("reg_lambda", number(params.regLambda));
    set("reg_alpha", number(params.regAlpha));
    set("seed", std::to_string(params.seed % uint64_t(std::numeric_limits<int>::max())));
    set("nthread", std::to_string(params.threads));

    int planned = params.nEstimators;
    std::vector<float> grad, hess;
    if (forest) {
        impl->forestChunks = forestChunks(params.nEstimators);
        impl->treesPerRound = params.nEstimators / impl->forestChunks;
        planned = impl->forestChunks;
        set("num_parallel_tree", std::to_string(impl->treesPerRound));
        set("learning_rate", number(1.0 / impl->forestChunks));
        // Every chunk fits the gradients at the base prediction, as the
        // trees of a one-round forest all do.
        const int k = task.task == data::Task::Multiclass ? task.numClasses : 1;
        grad.resize(size_t(n * k));
        hess.resize(size_t(n * k));
        const double base = task.task == data::Task::Multiclass ? 1.0 / k
                            : task.task == data::Task::Binary   ? impl->baseScore
                                                                : impl->baseScore;
        const double h = task.task == data::Task::Multiclass ? 2.0 * base * (1.0 - base)
                         : task.task == data::Task::Binary   ? base * (1.0 - base)
                                                             : 1.0;
        for (int64_t i = 0; i < n; ++i) {
            const double w = weights.empty() ? 1.0 : double(weights[size_t(i)]);
            for (int c = 0; c < k; ++c) {
                const double y = task.task == data::Task::Multiclass ? (train.labels[size_t(i)] == c ? 1.0 : 0.0)
                                 : double(trainLabels[size_t(i)]);
                grad[size_t(i * k + c)] = float((base - y) * w);
                hess[size_t(i * k + c)] = float(h * w);
            }
        }
    } else {
        set("learning_rate", number(params.learningRate));
    }

    FitSummary out;
    out.bestValidationLoss = kNaN;
    std::vector<float> validPred;
    int sinceBest = 0;
    for (int round = 1; round <= planned; ++round) {
        if (forest)
            check(XGBoosterBoostOneIter(impl->booster, dtrain.get(), grad.data(), hess.data(), bst_ulong(grad.size())),
                  "growing trees");
        else
            check(XGBoosterUpdateOneIter(impl->booster, round - 1, dtrain.get()), "boosting");
        out.rounds = round;
        RoundReport r;
        r.round = round;
        r.rounds = planned;
        r.trees = round * impl->treesPerRound * (task.task == data::Task::Multiclass ? task.numClasses : 1);
        r.trainLoss = meanLoss(impl->predict(dtrain.get(), round), train, task, true);
        r.validationLoss = kNaN;
        if (validation) {
            validPred = impl->predict(dvalid->get(), round);
            r.validationLoss = meanLoss(validPred, *validation, task, false);
            r.validationPredictions = &validPred;
            if (std::isnan(out.bestValidationLoss) || r.validationLoss < out.bestValidationLoss) {
                out.bestValidationLoss = r.validationLoss;
                out.bestRound = round;
                sinceBest = 0;
            } else {
                ++sinceBest;
            }
        }
        if (params.earlyStoppingRounds == 0) out.bestRound = round;
        if (onRound && !onRound(r)) {
            out.stop = FitSummary::Stop::Callback;
            break;
        }
        if (params.earlyStoppingRounds > 0 && sinceBest >= params.earlyStoppingRounds) {
            out.stop = FitSummary::Stop::EarlyStopped;
            break;
        }
    }
    if (params.earlyStoppingRounds == 0 && validation) {
        out.bestValidationLoss = meanLoss(impl->predict(dvalid->get(), out.rounds), *validation, task, false);
    }
    impl->rounds = out.bestRound;
    impl->setAttr("tw_ensemble", toString(ensemble));
    impl->setAttr("tw_task", data::toString(task.task));
    impl->setAttr("tw_num_classes", std::to_string(task.numClasses));
    impl->setAttr("tw_rounds", std::to_string(impl->rounds));
    impl->setAttr("tw_trees_per_round", std::to_string(impl->treesPerRound));
    impl->setAttr("tw_forest_chunks", std::to_string(impl->forestChunks));
    impl->setAttr("tw_base_score", number(impl->baseScore));
    if (summary) *summary = out;
    return TreeModel(std::move(impl));
}

std::vector<float> TreeModel::predict(std::span<const float> features, int64_t columns) const
{
    if (columns != _impl->features)
        throw std::invalid_argument("predict: " + std::to_string(columns) + " feature columns, the model has " +
                                    std::to_string(_impl->features));
    if (features.size() % size_t(columns) != 0)
        throw std::invalid_argument("predict: " + std::to_string(features.size()) +
                                    " feature values are not a multiple of " + std::to_string(columns) + " columns");
    if (features.empty()) return {};
    Matrix m(features, columns);
    return _impl->predict(m.get(), _impl->rounds);
}

double TreeModel::loss(const Samples& s) const
{
    validateSamples(s, _impl->task, "evaluation", _impl->features);
    return meanLoss(predict(s.features, s.columns), s, _impl->task, false);
}

void TreeModel::save(const std::string& path, int rounds) const
{
    if (rounds < 0 || rounds > _impl->rounds)
        throw std::invalid_argument("save: rounds must be in [0, " + std::to_string(_impl->rounds) + "] (rounds = " +
                                    std::to_string(rounds) + ")");
    std::lock_guard lock(_impl->mutex);
    // The rounds to predict with are an attribute of the file, set for the save only.
    if (rounds > 0) _impl->setAttr("tw_rounds", std::to_string(rounds));
    const bool ok = XGBoosterSaveModel(_impl->booster, path.c_str()) == 0;
    const std::string why = ok ? std::string() : XGBGetLastError();
    if (rounds > 0) _impl->setAttr("tw_rounds", std::to_string(_impl->rounds));
    if (!ok) throw IoError(path + ": cannot save the model: " + why);
    if (!std::filesystem::exists(path)) throw IoError(path + ": cannot save the model");
}

TreeModel TreeModel::load(const std::string& path)
{
    if (!std::filesystem::is_regular_file(path)) throw IoError(path + ": no such model file");
    auto impl = std::make_shared<Impl>();
    check(XGBoosterCreate(nullptr, 0, &impl->booster), "creating a booster");
    if (XGBoosterLoadModel(impl->booster, path.c_str()) != 0)
        throw IoError(path + ": not an XGBoost model: " + XGBGetLastError());
    const auto attr = [&](const char* key) {
        const char* out = nullptr;
        int found = 0;
        check(XGBoosterGetAttr(impl->booster, key, &out, &found), std::string("reading attribute ") + key);
        if (!found) throw IoError(path + ": attribute '" + key + "' missing (not a model saved by this program)");
        return std::string(out);
    };
    try {
        impl->ensemble = ensembleFromString(attr("tw_ensemble"));
        impl->task.task = data::taskFromString(attr("tw_task"));
        impl->task.numClasses = std::stoi(attr("tw_num_classes"));
        impl->rounds = std::stoi(attr("tw_rounds"));
        impl->treesPerRound = std::stoi(attr("tw_trees_per_round"));
        impl->forestChunks = std::stoi(attr("tw_forest_chunks"));
        impl->baseScore = std::stod(attr("tw_base_score"));
        validateTask(impl->task);
    } catch (const IoError&) {
        throw;
    } catch (const std::exception& e) {
        throw IoError(path + ": bad model attributes: " + e.what());
    }
    bst_ulong features = 0;
    check(XGBoosterGetNumFeature(impl->booster, &features), "reading the feature count");
    impl->features = int64_t(features);
    int boosted = 0;
    check(XGBoosterBoostedRounds(impl->booster, &boosted), "reading the rounds");
    if (impl->rounds < 1 || impl->rounds > boosted || impl->forestChunks < 1 || impl->treesPerRound < 1)
        throw IoError(path + ": bad model attributes (tw_rounds = " + std::to_string(impl->rounds) + ", " +
                      std::to_string(boosted) + " rounds stored)");
    return TreeModel(std::move(impl));
}

Ensemble TreeModel::ensemble() const { return _impl->ensemble; }
TreeTask TreeModel::task() const { return _impl->task; }
int64_t TreeModel::numFeatures() const { return _impl->features; }
int TreeModel::rounds() const { return _impl->rounds; }

int TreeModel::numTrees() const
{
    return _impl->rounds * _impl->treesPerRound *
           (_impl->task.task == data::Task::Multiclass ? _impl->task.numClasses : 1);
}

std::string toString(FitSummary::Stop s)
{
    switch (s) {
    case FitSummary::Stop::Completed: return "completed";
    case FitSummary::Stop::EarlyStopped: return "early_stopped";
    case FitSummary::Stop::Callback: break;
    }
    return "stopped";
}

std::string xgboostVersion()
{
    int major = 0, minor = 0, patch = 0;
    XGBoostVersion(&major, &minor, &patch);
    return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

} // namespace tw::trees
