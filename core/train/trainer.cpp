// The training loop of the network families (NeuralFamily): the criterion,
// the optimizer, epochs, evaluation and saving; and the entry points of
// trainer.h, which hand each call to the model's family. One of the few files
// that include LibTorch (compiling it takes ~30 s): configuration checks,
// schedules and metrics are plain C++ (config.cpp, metrics.cpp,
// trainer_setup.cpp), the networks are built in each family's file.
#include "train/trainer.h"

#include "train/neural_family.h"
#include "train/trainer_setup.h"
#include "util/errors.h"

#include <nlohmann/json.hpp>
#include <torch/cuda.h>
#include <torch/nn.h>
#include <torch/optim.h>
#include <torch/serialize.h>
#include <torch/utils.h>
#include <torch/version.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <memory>
#include <mutex>
#include <numeric>
#include <random>

namespace tw::train {

namespace {

using torch::Tensor;
namespace nn = torch::nn;
namespace F = torch::nn::functional;
using Clock = std::chrono::steady_clock;

constexpr int64_t kEvalBatch = 1024;

/// Thrown inside the loop, caught by the entry points.
struct StopRequested {};
struct TrainingFailure : std::runtime_error {
    using std::runtime_error::runtime_error;
};

double secondsSince(Clock::time_point t)
{
    return std::chrono::duration<double>(Clock::now() - t).count();
}

/// The device a TrainConfig::device names. Throws std::invalid_argument for
/// "cuda:K" past the devices LibTorch sees (naming how many it sees).
torch::Device deviceFor(const std::string& name)
{
    if (name.rfind("cuda:", 0) == 0) {
        const int k = std::stoi(name.substr(5));
        const int count = torch::cuda::is_available() ? int(torch::cuda::device_count()) : 0;
        if (k >= count)
            throw std::invalid_argument("device " + name + ": LibTorch finds " + std::to_string(count) +
                                        " CUDA device(s) here");
        return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(k));
    }
    if (name == "cuda" || (name == "auto" && torch::cuda::is_available())) return torch::Device(torch::kCUDA, 0);
    return torch::Device(torch::kCPU);
}

/// A data set as tensors on the device: x is {N, D} for rows (images
/// flattened by a view), {N, C, H, W} for shaped input, or int64 token ids
/// {N, L}; y holds labels (int64) or targets (float). On the CPU x (but for
/// token ids) and y alias the Dataset's buffers.
struct Tensors {
    Tensor x, y;
    int64_t n = 0;
};

Tensors wrap(const data::Dataset& d, const Plan& plan, torch::Device device)
{
    Tensors t;
    t.n = d.size();
    std::vector<int64_t> shape{t.n};
    if (plan.input == InputKind::Shaped) shape.insert(shape.end(), d.sampleShape.begin(), d.sampleShape.end());
    else shape.push_back(d.sampleSize());
    t.x = torch::from_blob(const_cast<float*>(d.features.data()), shape, torch::kFloat);
    if (plan.input == InputKind::Tokens) t.x = t.x.to(torch::kLong); // ids stored as exact floats
    if (plan.classification) t.y = torch::from_blob(const_cast<int64_t*>(d.labels.data()), {t.n}, torch::kLong);
    else t.y = torch::from_blob(const_cast<float*>(d.targets.data()), {t.n}, torch::kFloat);
    if (!device.is_cpu()) {
        t.x = t.x.to(device);
        t.y = t.y.to(device);
    }
    return t;
}

/// The criterion; `weights` (per class) may be undefined.
struct Criterion {
    LossKind kind = LossKind::CrossEntropy;
    bool classification = true;
    int64_t numClasses = 2;
    Tensor weights, posWeight;

    Tensor operator()(const Tensor& out, const Tensor& y) const
    {
        switch (kind) {
        case LossKind::CrossEntropy:
            return F::cross_entropy(out, y, F::CrossEntropyFuncOptions().weight(weights));
        case LossKind::Bce:
            return F::binary_cross_entropy_with_logits(
                out.squeeze(1), y.to(torch::kFloat), F::BinaryCrossEntropyWithLogitsFuncOptions().pos_weight(posWeight));
        case LossKind::Mse:
            break;
        }
        if (!classification) return F::mse_loss(out.squeeze(1), y);
        const Tensor perSample = (torch::softmax(out, 1) - F::one_hot(y, numClasses).to(out.scalar_type())).pow(2).mean(1);
        if (!weights.defined()) return perSample.mean();
        const Tensor w = weights.index_select(0, y);
        return (perSample * w).sum() / w.sum();
    }

    /// Class indices (classification) or values (regression), on the CPU.
    Tensor predictions(const Tensor& out) const
    {
        Tensor p = !classification ? out.squeeze(1)
                   : kind == LossKind::Bce ? out.squeeze(1).gt(0).to(torch::kLong)
                                           : out.argmax(1);
        return p.to(torch::kCPU).contiguous();
    }
};

Criterion makeCriterion(const Plan& plan, torch::Device device)
{
    Criterion c;
    c.kind = plan.loss;
    c.classification = plan.classification;
    c.numClasses = plan.numClasses;
    if (!plan.classWeights.empty()) {
        std::vector<float> w(plan.classWeights.begin(), plan.classWeights.end());
        c.weights = torch::tensor(w).to(device);
        if (plan.loss == LossKind::Bce) c.posWeight = torch::tensor({w[1] / w[0]}).to(device);
    }
    return c;
}

std::unique_ptr<torch::optim::Optimizer> makeOptimizer(const TrainConfig& t, const std::vector<Tensor>& params)
{
    namespace O = torch::optim;
    if (t.optimizer == "sgd")
        return std::make_unique<O::SGD>(
            params, O::SGDOptions(t.learningRate).momentum(t.momentum).nesterov(t.nesterov).weight_decay(t.weightDecay));
    if (t.optimizer == "adam")
        return std::make_unique<O::Adam>(
            params, O::AdamOptions(t.learningRate).betas({t.beta1, t.beta2}).eps(t.epsilon).weight_decay(t.weightDecay));
    if (t.optimizer == "adamw")
        return std::make_unique<O::AdamW>(
            params, O::AdamWOptions(t.learningRate).betas({t.beta1, t.beta2}).eps(t.epsilon).weight_decay(t.weightDecay));
    return std::make_unique<O::RMSprop>(
        params, O::RMSpropOptions(t.learningRate).eps(t.epsilon).weight_decay(t.weightDecay));
}

/// Makes every parameter of `net` a view of one flat buffer, and its gradient
/// a view of another, and returns the flat parameter (its grad is the flat
/// gradient; backward accumulates into the views in place). The optimizer,
/// zero_grad and clipping then run a few kernels per step instead of a few
/// per parameter tensor: the same arithmetic, element by element, but for a
/// small MLP the optimizer step drops from ~60 to ~12 us per batch.
Tensor flattenParameters(nn::Sequential& net)
{
    std::vector<Tensor> ps = net->parameters();
    int64_t total = 0;
    for (const auto& p : ps) total += p.numel();
    Tensor flat = torch::empty({total}, ps.at(0).options());
    Tensor grad = torch::zeros({total}, ps.at(0).options());
    torch::NoGradGuard noGrad;
    int64_t offset = 0;
    for (auto& p : ps) {
        const int64_t n = p.numel();
        flat.narrow(0, offset, n).copy_(p.reshape(-1));
        p.set_data(flat.narrow(0, offset, n).view(p.sizes()));
        p.mutable_grad() = grad.narrow(0, offset, n).view(p.sizes());
        offset += n;
    }
    flat.set_requires_grad(true);
    flat.mutable_grad() = grad;
    return flat;
}

void checkStop(const TrainCallbacks& cb)
{
    if (cb.stop && cb.stop->load(std::memory_order_relaxed)) throw StopRequested{};
}

/// Everything one training run holds.
struct Session {
    Plan plan;
    torch::Device device{torch::kCPU};
    nn::Sequential net{nullptr};
    Criterion criterion;
    std::unique_ptr<torch::optim::Optimizer> optimizer;
    std::vector<Tensor> params;

    Session(const NeuralFamily& family, const Plan& p, const TrainOptions& o) : plan(p), device(deviceFor(p.device))
    {
        {
            // The global generator seeds the initial weights (and dropout);
            // serialize the build so concurrent runs in one process still
            // start from their seed's weights.
            static std::mutex seedMutex;
            std::lock_guard lock(seedMutex);
            torch::manual_seed(o.training.seed);
            net = family.buildNetwork(o.model, plan);
        }
        net->to(device);
        criterion = makeCriterion(plan, device);
        params = {flattenParameters(net)};
        optimizer = makeOptimizer(o.training, params);
    }

    int64_t parameterCount() const
    {
        int64_t n = 0;
        for (const auto& p : net->parameters())
            if (p.requires_grad()) n += p.numel();
        return n;
    }

    /// Evaluates in eval mode, without gradients, in batches.
    Metrics evaluate(const Tensors& d, const data::Dataset& ds, int positiveClass, const TrainCallbacks& cb)
    {
        torch::NoGradGuard noGrad;
        net->eval();
        std::vector<Tensor> outs;
        for (int64_t start = 0; start < d.n; start += kEvalBatch) {
            checkStop(cb);
            outs.push_back(net->forward(d.x.narrow(0, start, std::min(kEvalBatch, d.n - start))));
        }
        net->train();
        const Tensor out = torch::cat(outs);
        const double loss = criterion(out, d.y).item<double>();
        const Tensor pred = criterion.predictions(out);
        if (plan.classification) {
            const auto* p = pred.data_ptr<int64_t>();
            return classificationMetrics(ds.labels, std::vector<int64_t>(p, p + d.n), plan.numClasses, positiveClass,
                                         loss);
        }
        const auto* p = pred.data_ptr<float>();
        return regressionMetrics(ds.targets, std::vector<float>(p, p + d.n), loss);
    }

    /// One epoch of training steps; returns the mean loss. `step` counts
    /// optimizer steps over the whole run.
    double trainEpoch(const Tensors& t, const TrainConfig& cfg, int epoch, std::mt19937_64& rng,
                      std::vector<int64_t>& order, int64_t& step, int64_t totalSteps, const TrainCallbacks& cb)
    {
        shuffleInPlace(order, rng);
        Tensor orderT = torch::from_blob(order.data(), {t.n}, torch::kLong);
        if (!device.is_cpu()) orderT = orderT.to(device);
        const int64_t batch = std::min<int64_t>(cfg.batchSize, t.n);
        double lossSum = 0;
        int64_t seen = 0;
        int batchNumber = 0;
        for (int64_t start = 0; start < t.n; start += batch) {
            const int64_t len = std::min(batch, t.n - start);
            if (len == 1 && plan.batchNorm && start > 0) break; // BatchNorm needs 2 samples
            checkStop(cb);
            ++batchNumber;
            const double lr = cfg.learningRate * cfg.learningRateFactor(step, totalSteps);
            for (auto& group : optimizer->param_groups()) group.options().set_lr(lr);
            const Tensor idx = orderT.narrow(0, start, len);
            const Tensor xb = t.x.index_select(0, idx);
            const Tensor yb = t.y.index_select(0, idx);
            optimizer->zero_grad();
            Tensor loss = criterion(net->forward(xb), yb);
            const double value = loss.item<double>();
            if (!std::isfinite(value))
                throw TrainingFailure("loss became " + std::string(std::isnan(value) ? "nan" : "inf") + " at epoch " +
                                      std::to_string(epoch) + ", batch " + std::to_string(batchNumber));
            loss.backward();
            if (cfg.clipNorm > 0) nn::utils::clip_grad_norm_(params, cfg.clipNorm);
            optimizer->step();
            lossSum += value * double(len);
            seen += len;
            ++step;
        }
        return seen ? lossSum / double(seen) : Metrics::kNaN;
    }

    /// A copy of every parameter and buffer on the CPU (the best epoch's
    /// model, kept while training goes on), and back.
    std::vector<Tensor> state() const
    {
        std::vector<Tensor> out;
        for (const auto& p : net->parameters()) out.push_back(p.detach().to(torch::kCPU).clone());
        for (const auto& b : net->buffers()) out.push_back(b.detach().to(torch::kCPU).clone());
        return out;
    }
    void setState(const std::vector<Tensor>& st)
    {
        torch::NoGradGuard noGrad;
        size_t i = 0;
        for (auto& p : net->parameters()) p.copy_(st.at(i++));
        for (auto& b : net->buffers()) b.copy_(st.at(i++));
    }

    /// Class probabilities (softmax; bce: the sigmoid as two columns) or
    /// values, in eval mode, without gradients.
    Predictions predict(const Tensors& d)
    {
        torch::NoGradGuard noGrad;
        net->eval();
        std::vector<Tensor> outs;
        for (int64_t start = 0; start < d.n; start += kEvalBatch)
            outs.push_back(net->forward(d.x.narrow(0, start, std::min(kEvalBatch, d.n - start))));
        net->train();
        Tensor out = outs.empty() ? torch::empty({0, plan.outputs}) : torch::cat(outs);
        if (plan.classification) {
            if (criterion.kind == LossKind::Bce) {
                const Tensor p1 = torch::sigmoid(out.squeeze(1));
                out = torch::stack({1 - p1, p1}, 1);
            } else {
                out = torch::softmax(out, 1);
            }
        }
        out = out.to(torch::kCPU, torch::kFloat).contiguous();
        Predictions p;
        p.outputs = plan.classification ? int(plan.numClasses) : 1;
        p.values.assign(out.data_ptr<float>(), out.data_ptr<float>() + out.numel());
        return p;
    }

    std::vector<float> weights() const
    {
        std::vector<float> out;
        auto append = [&out](const Tensor& t) {
            const Tensor c = t.detach().to(torch::kCPU, torch::kFloat).contiguous();
            out.insert(out.end(), c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
        };
        for (const auto& p : net->parameters()) append(p);
        for (const auto& b : net->buffers()) append(b);
        return out;
    }
};

/// The epochs of a run, into `r`. With `val`, evaluates after every epoch,
/// tracks the best epoch and stops early; returns normally when done (status
/// Completed, EarlyStopped or Pruned), throws StopRequested / failures.
void runEpochs(Session& s, const Tensors& train, const Tensors* val, const data::Dataset* valSet,
               const TrainOptions& o, const TrainCallbacks& cb, TrainResult& r, Clock::time_point started,
               std::vector<Tensor>* bestState = nullptr)
{
    const TrainConfig& cfg = o.training;
    const int64_t totalSteps = int64_t(cfg.epochs) * s.plan.batchesPerEpoch;
    std::mt19937_64 rng(cfg.seed);
    std::vector<int64_t> order(size_t(train.n));
    std::iota(order.begin(), order.end(), int64_t(0));
    const bool minimize = Metrics::minimizes(o.objectiveMetric);
    double bestValue = 0, trainSeconds = 0;
    int64_t step = 0, trainSamples = 0;
    r.status = TrainResult::Status::Completed;
    for (int epoch = 1; epoch <= cfg.epochs; ++epoch) {
        const auto epochStart = Clock::now();
        EpochReport rep;
        rep.epoch = epoch;
        rep.trainLoss = s.trainEpoch(train, cfg, epoch, rng, order, step, totalSteps, cb);
        rep.epochSeconds = secondsSince(epochStart);
        rep.samplesPerSecond = rep.epochSeconds > 0 ? double(train.n) / rep.epochSeconds : 0;
        trainSeconds += rep.epochSeconds;
        trainSamples += train.n;
        r.samplesPerSecond = trainSeconds > 0 ? double(trainSamples) / trainSeconds : 0;
        if (val) {
            rep.validation = s.evaluate(*val, *valSet, o.positiveClass, cb);
            if (!std::isfinite(rep.validation.loss))
                throw TrainingFailure("validation loss became " +
                                      std::string(std::isnan(rep.validation.loss) ? "nan" : "inf") + " at epoch " +
                                      std::to_string(epoch));
            const double v = rep.validation.get(o.objectiveMetric);
            if (r.bestEpoch == 0 || (minimize ? v < bestValue : v > bestValue)) {
                bestValue = v;
                r.bestEpoch = epoch;
                r.best = rep.validation;
                if (bestState) *bestState = s.state();
            }
        }
        rep.elapsedSeconds = secondsSince(started);
        r.epochs.push_back(rep);
        if (cb.onEpoch && !cb.onEpoch(rep)) {
            r.status = TrainResult::Status::Pruned;
            r.reason = "pruned at epoch " + std::to_string(epoch);
            return;
        }
        if (val && cfg.patience > 0 && epoch < cfg.epochs && epoch - r.bestEpoch >= cfg.patience) {
            r.status = TrainResult::Status::EarlyStopped;
            r.reason = "no improvement of " + o.objectiveMetric + " for " + std::to_string(cfg.patience) +
                       " epochs (best at epoch " + std::to_string(r.bestEpoch) + ")";
            return;
        }
    }
}

/// Runs `body` and turns a stop request or any error into the result's status.
template <class Body>
void guarded(TrainResult& r, Body&& body)
{
    try {
        body();
    } catch (const StopRequested&) {
        r.status = TrainResult::Status::Stopped;
        r.reason = "stopped";
    } catch (const c10::Error& e) {
        r.status = TrainResult::Status::Failed;
        r.reason = e.what_without_backtrace();
    } catch (const std::exception& e) {
        r.status = TrainResult::Status::Failed;
        r.reason = e.what();
    }
}

/// `validation`: the model of a tuning trial, whose metrics are the
/// validation metrics of its best epoch (else the test metrics of a final fit).
void saveModel(Session& s, const TrainOptions& o, const data::Dataset& trainFull, const TrainResult& r,
               const std::string& path, bool validation = false)
{
    s.net->to(torch::kCPU);
    try {
        torch::save(s.net, path);
    } catch (const c10::Error& e) {
        throw IoError(path + ": cannot save the model: " + e.what_without_backtrace());
    }
    nlohmann::json j = modelCard(s.plan, o, trainFull, r.best, r.parameters);
    if (validation) markAsTuningModel(j, r.bestEpoch);
    std::ofstream out(path + ".json");
    out << j.dump(2) << '\n';
    if (!out.flush()) throw IoError(path + ".json: cannot write");
}

} // namespace

bool NeuralFamily::batchNorm(const ModelConfig& m) const
{
    return setting("batch_norm") && m.flag("batch_norm");
}

TrainResult NeuralFamily::train(const data::Dataset& train, const data::Dataset& validation,
                                const TrainOptions& options, const TrainCallbacks& callbacks) const
{
    const auto started = Clock::now();
    const Plan plan = makePlan(train, &validation, options, "validation", input(), batchNorm(options.model));
    TrainResult r;
    r.device = deviceFor(plan.device).str();
    guarded(r, [&] {
        Session s(*this, plan, options);
        r.parameters = s.parameterCount();
        const Tensors t = wrap(train, plan, s.device), v = wrap(validation, plan, s.device);
        std::vector<Tensor> best;
        const bool keep = !options.saveBestPath.empty();
        runEpochs(s, t, &v, &validation, options, callbacks, r, started, keep ? &best : nullptr);
        if (options.returnWeights) r.weights = s.weights();
        if (keep && !best.empty() &&
            (r.status == TrainResult::Status::Completed || r.status == TrainResult::Status::EarlyStopped)) {
            try {
                s.setState(best);
                saveModel(s, options, train, r, options.saveBestPath, true);
                r.saved = true;
            } catch (const std::exception& e) {
                r.saveError = e.what();
            }
        }
    });
    r.seconds = secondsSince(started);
    return r;
}

TrainResult NeuralFamily::trainAndTest(const data::Dataset& trainFull, const data::Dataset& test,
                                       const TrainOptions& options, const TrainCallbacks& callbacks,
                                       const std::string& savePath) const
{
    const auto started = Clock::now();
    TrainOptions o = options;
    o.training.patience = 0; // no validation set to stop on
    const Plan plan = makePlan(trainFull, &test, o, "test", input(), batchNorm(o.model));
    TrainResult r;
    r.device = deviceFor(plan.device).str();
    guarded(r, [&] {
        Session s(*this, plan, o);
        r.parameters = s.parameterCount();
        const Tensors t = wrap(trainFull, plan, s.device), te = wrap(test, plan, s.device);
        runEpochs(s, t, nullptr, nullptr, o, callbacks, r, started);
        if (r.status != TrainResult::Status::Completed) return;
        r.best = s.evaluate(te, test, o.positiveClass, callbacks);
        r.bestEpoch = o.training.epochs;
        if (options.returnWeights) r.weights = s.weights();
        if (!savePath.empty()) saveModel(s, o, trainFull, r, savePath);
    });
    r.seconds = secondsSince(started);
    return r;
}

namespace {

/// The network saved at `savePath`, ready to evaluate `data`.
std::unique_ptr<Session> loadSaved(const NeuralFamily& family, const std::string& savePath, const nlohmann::json& card,
                                   const data::Dataset& data)
{
    const SavedModel saved = savedModelFromCard(savePath + ".json", card, data, family.input());
    auto s = std::make_unique<Session>(family, saved.plan, saved.options);
    try {
        torch::load(s->net, savePath);
    } catch (const c10::Error& e) {
        throw IoError(savePath + ": cannot load the model: " + e.what_without_backtrace());
    }
    s->net->to(s->device);
    return s;
}

/// The family that saved the model at `savePath`, by its card; and the card.
std::pair<const ModelFamily*, nlohmann::json> savedFamily(const std::string& savePath)
{
    nlohmann::json card = readModelCardJson(savePath + ".json");
    try {
        return {&modelFamily(card.at("model").at("family").get<std::string>()), std::move(card)};
    } catch (const nlohmann::json::exception& e) {
        throw ParseError(savePath + ".json: " + e.what());
    }
}

} // namespace

Metrics NeuralFamily::evaluateSaved(const std::string& savePath, const nlohmann::json& card,
                                    const data::Dataset& data, int positiveClass) const
{
    const auto s = loadSaved(*this, savePath, card, data);
    return s->evaluate(wrap(data, s->plan, s->device), data, positiveClass, {});
}

Predictions NeuralFamily::predictSaved(const std::string& savePath, const nlohmann::json& card,
                                      const data::Dataset& data) const
{
    const auto s = loadSaved(*this, savePath, card, data);
    return s->predict(wrap(data, s->plan, s->device));
}

TrainResult trainModel(const data::Dataset& train, const data::Dataset& validation, const TrainOptions& options,
                       const TrainCallbacks& callbacks)
{
    return modelFamily(options.model.family).train(train, validation, options, callbacks);
}

TrainResult trainAndTest(const data::Dataset& trainFull, const data::Dataset& test, const TrainOptions& options,
                         const TrainCallbacks& callbacks, const std::string& savePath)
{
    return modelFamily(options.model.family).trainAndTest(trainFull, test, options, callbacks, savePath);
}

Metrics evaluateSaved(const std::string& savePath, const data::Dataset& data, int positiveClass)
{
    const auto [family, card] = savedFamily(savePath);
    return family->evaluateSaved(savePath, card, data, positiveClass);
}

int64_t Predictions::predictedClass(int64_t i) const
{
    const auto row = values.begin() + i * outputs;
    return std::max_element(row, row + outputs) - row;
}

Predictions predictSaved(const std::string& savePath, const data::Dataset& data)
{
    const auto [family, card] = savedFamily(savePath);
    return family->predictSaved(savePath, card, data);
}

double lossValue(const std::string& loss, const std::vector<float>& outputs, int outputsPerSample,
                 const std::vector<int64_t>& labels, const std::vector<double>& weights)
{
    const auto n = int64_t(labels.size());
    if (outputsPerSample < 1 || int64_t(outputs.size()) != n * outputsPerSample)
        throw std::invalid_argument("lossValue: outputs must hold labels.size() x outputsPerSample values");
    Plan plan;
    plan.loss = loss == "bce" ? LossKind::Bce : loss == "mse" ? LossKind::Mse : LossKind::CrossEntropy;
    plan.numClasses = plan.loss == LossKind::Bce ? 2 : outputsPerSample;
    plan.classWeights = weights;
    const Criterion c = makeCriterion(plan, torch::kCPU);
    const Tensor out = torch::from_blob(const_cast<float*>(outputs.data()), {n, outputsPerSample}, torch::kFloat);
    const Tensor y = torch::from_blob(const_cast<int64_t*>(labels.data()), {n}, torch::kLong);
    return c(out, y).item<double>();
}

std::string resolvedDevice(const std::string& name)
{
    return deviceFor(name).str();
}

std::string deviceDescription()
{
    if (torch::cuda::is_available()) return "cuda: " + std::to_string(torch::cuda::device_count()) + " device(s)";
    const int threads = torch::get_num_threads();
    return "cpu (" + std::to_string(threads) + (threads == 1 ? " thread)" : " threads)");
}

std::string libtorchVersion()
{
    return TORCH_VERSION;
}

bool cudaAvailable()
{
    return torch::cuda::is_available();
}

} // namespace tw::train
