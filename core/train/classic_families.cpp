// The classic model families: logistic_regression (L-BFGS, logistic_regression.cpp),
// random_forest and gradient_boosting (XGBoost through tw_trees). Their
// rounds / chunks of iterations are the trial's epochs, so pruners, learning
// curves and the stop flag work as for networks.
#include "train/families.h"
#include "data/csv.h"
#include "train/logistic_regression.h"
#include "train/trainer_setup.h"
#include "trees/boosted_trees.h"
#include "util/errors.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <limits>

namespace tw::train {

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t)
{
    return std::chrono::duration<double>(Clock::now() - t).count();
}

/// The predicted class of each row of probabilities.
std::vector<int64_t> argmax(const std::vector<float>& p, int k)
{
    std::vector<int64_t> y(p.size() / size_t(k));
    for (size_t i = 0; i < y.size(); ++i) {
        const auto row = p.begin() + long(i) * k;
        y[i] = std::max_element(row, row + k) - row;
    }
    return y;
}

/// Metrics of predictions (probabilities per class, or values) on `d`.
Metrics metricsOf(const std::vector<float>& pred, const data::Dataset& d, int positiveClass, double loss)
{
    if (!d.isClassification()) return regressionMetrics(d.targets, pred, loss);
    return classificationMetrics(d.labels, argmax(pred, d.numClasses()), d.numClasses(), positiveClass, loss);
}

/// Per-sample weights from the training's class weights (empty: none).
std::vector<float> weightsFor(const TrainOptions& o, const data::Dataset& d)
{
    if (!d.isClassification()) return {};
    const auto cw = o.training.classWeightValues(d.classCounts());
    if (cw.empty()) return {};
    return trees::sampleWeights(d.labels, cw);
}

/// Turns a family's steps into EpochReports, keeps the best by the
/// objective metric, and asks the callbacks whether to go on.
class Steps {
public:
    Steps(TrainResult& r, const TrainOptions& o, const TrainCallbacks& c, int64_t trainRows, bool validating)
        : _r(r), _o(o), _c(c), _rows(trainRows), _validating(validating), _started(Clock::now()), _last(_started)
    {
    }
    /// False: stop (stop flag -> Stopped, callback -> Pruned).
    bool step(double trainLoss, const Metrics& validation)
    {
        EpochReport e;
        e.epoch = int(_r.epochs.size()) + 1;
        e.trainLoss = trainLoss;
        e.validation = validation;
        e.epochSeconds = secondsSince(_last);
        e.elapsedSeconds = secondsSince(_started);
        e.samplesPerSecond = e.epochSeconds > 0 ? double(_rows) / e.epochSeconds : 0;
        _r.epochs.push_back(e);
        if (_validating) {
            const double v = validation.get(_o.objectiveMetric);
            const bool better = _r.bestEpoch == 0 || (Metrics::minimizes(_o.objectiveMetric) ? v < _bestValue : v > _bestValue);
            if (std::isfinite(v) && better) {
                _bestValue = v;
                _r.best = validation;
                _r.bestEpoch = e.epoch;
            }
        }
        bool go = true;
        if (_c.stop && _c.stop->load()) {
            _r.status = TrainResult::Status::Stopped;
            _r.reason = "stopped";
            go = false;
        } else if (_c.onEpoch && !_c.onEpoch(e)) {
            _r.status = TrainResult::Status::Pruned;
            _r.reason = "pruned at epoch " + std::to_string(e.epoch);
            go = false;
        } else if (_c.stop && _c.stop->load()) { // set while the epoch was reported: no further round
            _r.status = TrainResult::Status::Stopped;
            _r.reason = "stopped";
            go = false;
        }
        _last = Clock::now();
        return go;
    }

private:
    TrainResult& _r;
    const TrainOptions& _o;
    const TrainCallbacks& _c;
    int64_t _rows;
    bool _validating;
    Clock::time_point _started, _last;
    double _bestValue = 0;
};

/// The parts of a family's train() and trainAndTest() that do not depend on the model.
template <class Fit>
TrainResult runGuarded(const data::Dataset& train, Fit&& fit)
{
    const auto started = Clock::now();
    TrainResult r;
    r.device = "cpu";
    r.status = TrainResult::Status::Completed;
    try {
        fit(r);
    } catch (const std::exception& e) { // as the network trainer: failures (a save included) come back as Failed
        r.status = TrainResult::Status::Failed;
        r.reason = e.what();
    }
    r.seconds = secondsSince(started);
    double trainSeconds = 0;
    for (const auto& e : r.epochs) trainSeconds += e.epochSeconds;
    r.samplesPerSecond = trainSeconds > 0 ? double(train.size()) * double(r.epochs.size()) / trainSeconds : 0;
    return r;
}

json cardOf(const TrainOptions& o, const data::Dataset& trainFull, const TrainResult& r, const std::string& loss,
            int outputs, const std::vector<double>& classWeights)
{
    return modelCardFields(o, trainFull, r.best, r.parameters, loss, outputs, classWeights);
}

void writeCard(const std::string& path, const json& card)
{
    std::ofstream out(path);
    out << card.dump(2) << '\n';
    if (!out.flush()) throw IoError(path + ": cannot write");
}

/// TrainOptions::saveBestPath after train(): `save` writes the model file;
/// the card follows. A failed save is reported in r.saveError.
template <class Save>
void saveTuningModel(TrainResult& r, const TrainOptions& o, const data::Dataset& train, const std::string& loss,
                     int outputs, Save&& save)
{
    if (o.saveBestPath.empty() ||
        !(r.status == TrainResult::Status::Completed || r.status == TrainResult::Status::EarlyStopped))
        return;
    try {
        save(o.saveBestPath);
        json card = cardOf(o, train, r, loss, outputs,
                           o.training.classWeightValues(train.isClassification() ? train.classCounts()
                                                                                 : std::vector<int64_t>{}));
        markAsTuningModel(card, r.bestEpoch);
        writeCard(o.saveBestPath + ".json", card);
        r.saved = true;
    } catch (const std::exception& e) {
        r.saveError = e.what();
    }
}

/// Class probabilities (or values) as Predictions.
Predictions predictionsOf(std::vector<float> values, const data::Dataset& d)
{
    Predictions p;
    p.outputs = d.isClassification() ? d.numClasses() : 1;
    p.values = std::move(values);
    return p;
}

// ---- trees --------------------------------------------------------------------

class TreeFamily final : public ModelFamily {
public:
    explicit TreeFamily(trees::Ensemble e) : _ensemble(e)
    {
        const trees::TreeParams d = trees::TreeParams::defaults(e);
        const bool forest = e == trees::Ensemble::RandomForest;
        _settings.push_back(rangeSetting("n_estimators", SettingType::Int, d.nEstimators, 1, 100000, 10, forest ? 600 : 1000,
                                   false, forest ? "Trees of the forest." : "Boosting rounds (one tree per class each)."));
        _settings.push_back(rangeSetting("max_depth", SettingType::Int, d.maxDepth, 1, 64, 1, 10, false, "Depth of every tree."));
        _settings.push_back(rangeSetting("min_samples_split", SettingType::Float, d.minSamplesSplit, 0, 1e9, 0.1, 1, false,
                                   "As scikit-learn: a fraction of the training samples (or a count >= 2) a node "
                                   "needs to be split; XGBoost gets it as min_child_weight (README)."));
        _settings.push_back(textSetting("max_features", forest ? "sqrt" : "1.0",
                                        "Features each split considers: a fraction in (0, 1], sqrt or log2 (XGBoost's "
                                        "colsample_bynode)."));
        if (!forest)
            // scikit-learn's and XGBoost's name: a model setting of this
            // family, so it does not reach the optimizer's training.learning_rate.
            _settings.push_back(rangeSetting("learning_rate", SettingType::Float, d.learningRate, 0, 1, 0.01, 0.3, true,
                                       "Shrinkage of each round (XGBoost's eta)."));
        _settings.push_back(rangeSetting("subsample", SettingType::Float, d.subsample, 0, 1, 0.5, 1, false,
                                   forest ? "Rows each tree sees (0.632: as many distinct rows as a bootstrap sample)."
                                          : "Rows each round sees."));
        _settings.push_back(rangeSetting("colsample_bytree", SettingType::Float, d.colsampleBytree, 0, 1, 0.5, 1, false,
                                   "Features each tree may use."));
        _settings.push_back(rangeSetting("min_child_weight", SettingType::Float, d.minChildWeight, 0, 1e9, 0.1, 10, true,
                                   "Hessian mass each leaf needs."));
        _settings.push_back(rangeSetting("reg_lambda", SettingType::Float, d.regLambda, 0, 1e9, 1e-3, 10, true,
                                   "L2 penalty on leaf values."));
        _settings.push_back(rangeSetting("reg_alpha", SettingType::Float, d.regAlpha, 0, 1e9, 1e-3, 10, true,
                                   "L1 penalty on leaf values."));
        if (!forest)
            _settings.push_back(rangeSetting("early_stopping_rounds", SettingType::Int, 0, 0, 100000, 5, 50, false,
                                       "Stop after this many rounds without a lower validation loss, keeping the "
                                       "best round; 0: off."));
        _settings.push_back(rangeSetting("threads", SettingType::Int, 0, 0, 4096, 1, 16, false,
                                   "XGBoost's threads; 0: all cores."));
    }
    std::string name() const override { return trees::toString(_ensemble); }
    std::string label() const override
    {
        return _ensemble == trees::Ensemble::RandomForest ? "Random forest (XGBoost)" : "Gradient boosting (XGBoost)";
    }
    const std::vector<SettingInfo>& settings() const override { return _settings; }
    bool usesTrainingSetting(const std::string& key) const override
    {
        return key == "seed" || key == "class_weights" || key.rfind("class_weight_", 0) == 0;
    }
    void validate(const ModelConfig& m) const override { params(m, TrainConfig{}); }

    TrainResult train(const data::Dataset& train, const data::Dataset& validation, const TrainOptions& options,
                      const TrainCallbacks& callbacks) const override
    {
        checkCommon(train, &validation, options, "validation");
        const trees::TreeParams p = params(options.model, options.training);
        return runGuarded(train, [&](TrainResult& r) {
            Steps steps(r, options, callbacks, train.size(), true);
            const auto w = weightsFor(options, train);
            const trees::Samples t = samplesOf(train, w), v = samplesOf(validation, {});
            trees::FitSummary summary;
            const auto model = trees::TreeModel::fit(
                _ensemble, p, taskOf(train), t, &v,
                [&](const trees::RoundReport& rep) {
                    return steps.step(rep.trainLoss, metricsOf(*rep.validationPredictions, validation,
                                                               options.positiveClass, rep.validationLoss));
                },
                &summary);
            if (summary.stop == trees::FitSummary::Stop::EarlyStopped) {
                r.status = TrainResult::Status::EarlyStopped;
                r.reason = "no lower validation loss in " + std::to_string(p.earlyStoppingRounds) + " rounds";
            }
            r.parameters = model.numTrees();
            saveTuningModel(r, options, train, train.isClassification() ? "log_loss" : "mse", model.outputs(),
                            [&](const std::string& path) {
                                // The rounds of the best epoch: the model that scored r.best.
                                model.save(path, std::min(r.bestEpoch, model.rounds()));
                            });
        });
    }

    TrainResult trainAndTest(const data::Dataset& trainFull, const data::Dataset& test, const TrainOptions& options,
                             const TrainCallbacks& callbacks, const std::string& savePath) const override
    {
        checkCommon(trainFull, &test, options, "test");
        trees::TreeParams p = params(options.model, options.training);
        p.earlyStoppingRounds = 0; // no validation set to stop on
        return runGuarded(trainFull, [&](TrainResult& r) {
            Steps steps(r, options, callbacks, trainFull.size(), false);
            const auto w = weightsFor(options, trainFull);
            const auto model = trees::TreeModel::fit(_ensemble, p, taskOf(trainFull), samplesOf(trainFull, w), nullptr,
                                                     [&](const trees::RoundReport& rep) {
                                                         return steps.step(rep.trainLoss, Metrics{});
                                                     });
            if (r.status != TrainResult::Status::Completed) return;
            const trees::Samples te = samplesOf(test, {});
            r.best = metricsOf(model.predict(te.features, te.columns), test, options.positiveClass, model.loss(te));
            r.bestEpoch = int(r.epochs.size());
            r.parameters = model.numTrees();
            if (!savePath.empty()) {
                model.save(savePath);
                writeCard(savePath + ".json", cardOf(options, trainFull, r, trainFull.isClassification() ? "log_loss" : "mse",
                                                     model.outputs(), options.training.classWeightValues(
                                                                          trainFull.isClassification() ? trainFull.classCounts()
                                                                                                       : std::vector<int64_t>{})));
            }
        });
    }

    Metrics evaluateSaved(const std::string& savePath, const json& card, const data::Dataset& data,
                          int positiveClass) const override
    {
        const auto model = loadFor(savePath, card, data);
        const trees::Samples s = samplesOf(data, {});
        return metricsOf(model.predict(s.features, s.columns), data, positiveClass, model.loss(s));
    }

    Predictions predictSaved(const std::string& savePath, const json& card, const data::Dataset& data) const override
    {
        return predictionsOf(loadFor(savePath, card, data).predict(data.features, data.sampleSize()), data);
    }

private:
    /// The saved model, checked against `data`.
    static trees::TreeModel loadFor(const std::string& savePath, const json& card, const data::Dataset& data)
    {
        checkCardData(savePath + ".json", card, data);
        auto model = trees::TreeModel::load(savePath);
        if (data.sampleSize() != model.numFeatures())
            throw std::invalid_argument(savePath + ": the model takes " + std::to_string(model.numFeatures()) +
                                        " features, the data has " + std::to_string(data.sampleSize()));
        return model;
    }
    static trees::TreeTask taskOf(const data::Dataset& d) { return {d.task, d.isClassification() ? d.numClasses() : 1}; }
    /// Any sample shape: the values of a sample are its features.
    static trees::Samples samplesOf(const data::Dataset& d, std::span<const float> weights)
    {
        trees::Samples s;
        s.features = d.features;
        s.columns = d.sampleSize();
        s.labels = d.labels;
        s.targets = d.targets;
        s.weights = weights;
        return s;
    }

    trees::TreeParams params(const ModelConfig& m, const TrainConfig& t) const
    {
        json j = json::object();
        for (const auto& s : _settings) {
            if (s.key == "max_features") {
                const std::string text = m.text("max_features");
                double v = 0;
                if (text != "sqrt" && text != "log2" && data::parseNumber(text, v)) j["max_features"] = v;
                else j["max_features"] = text;
            } else if (s.type == SettingType::Int) {
                j[s.key] = m.integer(s.key);
            } else {
                j[s.key] = m.number(s.key);
            }
        }
        j["seed"] = t.seed;
        return trees::TreeParams::fromJson(j, _ensemble);
    }

    trees::Ensemble _ensemble;
    std::vector<SettingInfo> _settings;
};

// ---- logistic regression ------------------------------------------------------

class LogisticFamily final : public ModelFamily {
public:
    LogisticFamily()
    {
        const LogisticParams d;
        _settings.push_back(rangeSetting("C", SettingType::Float, d.c, 0, std::numeric_limits<double>::infinity(), 1e-3, 100, true,
                                   "Inverse L2 penalty, as scikit-learn: loss + ||W||^2 / (2C)."));
        _settings.push_back(boolSetting("fit_intercept", d.fitIntercept, "Fit an intercept (not penalized)."));
        _settings.push_back(rangeSetting("max_iter", SettingType::Int, d.maxIter, 1, 100000, 50, 1000, true,
                                   "L-BFGS iterations at most (reported in 10 steps)."));
        _settings.push_back(rangeSetting("tol", SettingType::Float, d.tol, 0, 1, 1e-6, 1e-2, true,
                                   "Stop when the largest gradient component falls to tol."));
    }
    std::string name() const override { return "logistic_regression"; }
    std::string label() const override { return "Logistic regression (L-BFGS)"; }
    const std::vector<SettingInfo>& settings() const override { return _settings; }
    bool usesTrainingSetting(const std::string& key) const override
    {
        return key == "class_weights" || key.rfind("class_weight_", 0) == 0;
    }
    void validate(const ModelConfig& m) const override { params(m); }
    void checkData(const ModelConfig&, const data::Dataset& d) const override
    {
        if (!d.isClassification())
            throw std::invalid_argument("model: 'family' logistic_regression needs a classification task (task " +
                                        data::toString(d.task) + ")");
    }

    TrainResult train(const data::Dataset& train, const data::Dataset& validation, const TrainOptions& options,
                      const TrainCallbacks& callbacks) const override
    {
        checkCommon(train, &validation, options, "validation");
        const LogisticParams p = params(options.model);
        return runGuarded(train, [&](TrainResult& r) {
            Steps steps(r, options, callbacks, train.size(), true);
            const auto w = weightsFor(options, train);
            const LogisticData v = dataOf(validation, {});
            LogisticFitInfo info;
            const LogisticModel m = fitLogistic(
                p, train.numClasses(), dataOf(train, w), &v,
                [&](const LogisticReport& rep) {
                    return steps.step(rep.trainLoss, metricsOf(*rep.validationProba, validation, options.positiveClass,
                                                               logLoss(*rep.validationProba, validation)));
                },
                kSteps, &info);
            r.parameters = int64_t(m.coef.size() + (p.fitIntercept ? m.intercept.size() : 0));
            saveTuningModel(r, options, train, "log_loss", train.numClasses(),
                            [&](const std::string& path) { m.save(path); });
        });
    }

    TrainResult trainAndTest(const data::Dataset& trainFull, const data::Dataset& test, const TrainOptions& options,
                             const TrainCallbacks& callbacks, const std::string& savePath) const override
    {
        checkCommon(trainFull, &test, options, "test");
        const LogisticParams p = params(options.model);
        return runGuarded(trainFull, [&](TrainResult& r) {
            Steps steps(r, options, callbacks, trainFull.size(), false);
            const auto w = weightsFor(options, trainFull);
            const LogisticModel m = fitLogistic(p, trainFull.numClasses(), dataOf(trainFull, w), nullptr,
                                                [&](const LogisticReport& rep) {
                                                    return steps.step(rep.trainLoss, Metrics{});
                                                },
                                                kSteps);
            if (r.status != TrainResult::Status::Completed) return;
            const auto proba = m.predictProba(test.features);
            r.best = metricsOf(proba, test, options.positiveClass, logLoss(proba, test));
            r.bestEpoch = int(r.epochs.size());
            r.parameters = int64_t(m.coef.size() + (p.fitIntercept ? m.intercept.size() : 0));
            if (!savePath.empty()) {
                m.save(savePath);
                writeCard(savePath + ".json", cardOf(options, trainFull, r, "log_loss", trainFull.numClasses(),
                                                     options.training.classWeightValues(trainFull.classCounts())));
            }
        });
    }

    Metrics evaluateSaved(const std::string& savePath, const json& card, const data::Dataset& data,
                          int positiveClass) const override
    {
        const auto proba = loadFor(savePath, card, data).predictProba(data.features);
        return metricsOf(proba, data, positiveClass, logLoss(proba, data));
    }

    Predictions predictSaved(const std::string& savePath, const json& card, const data::Dataset& data) const override
    {
        return predictionsOf(loadFor(savePath, card, data).predictProba(data.features), data);
    }

private:
    static constexpr int kSteps = 10;

    /// The saved model, checked against `data`.
    static LogisticModel loadFor(const std::string& savePath, const json& card, const data::Dataset& data)
    {
        checkCardData(savePath + ".json", card, data);
        LogisticModel m = LogisticModel::load(savePath);
        if (m.numFeatures != data.sampleSize())
            throw std::invalid_argument(savePath + ": the model takes " + std::to_string(m.numFeatures) +
                                        " features, the data has " + std::to_string(data.sampleSize()));
        return m;
    }

    static LogisticData dataOf(const data::Dataset& d, std::span<const float> weights)
    {
        return {d.features, d.sampleSize(), d.labels, weights};
    }
    /// Mean log-loss of class probabilities.
    static double logLoss(const std::vector<float>& proba, const data::Dataset& d)
    {
        const int k = d.numClasses();
        double s = 0;
        for (size_t i = 0; i < d.labels.size(); ++i)
            s -= std::log(std::clamp(double(proba[i * size_t(k) + size_t(d.labels[i])]), 1e-15, 1.0));
        return d.labels.empty() ? Metrics::kNaN : s / double(d.labels.size());
    }
    static LogisticParams params(const ModelConfig& m)
    {
        LogisticParams p;
        p.c = m.number("C");
        p.fitIntercept = m.flag("fit_intercept");
        p.maxIter = m.integer("max_iter");
        p.tol = m.number("tol");
        p.validate();
        return p;
    }

    std::vector<SettingInfo> _settings;
};

} // namespace

std::unique_ptr<ModelFamily> makeLogisticRegressionFamily()
{
    return std::make_unique<LogisticFamily>();
}

std::unique_ptr<ModelFamily> makeRandomForestFamily()
{
    return std::make_unique<TreeFamily>(trees::Ensemble::RandomForest);
}

std::unique_ptr<ModelFamily> makeGradientBoostingFamily()
{
    return std::make_unique<TreeFamily>(trees::Ensemble::GradientBoosting);
}

} // namespace tw::train
