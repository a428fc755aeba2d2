#include "train/tune.h"

#include "data/builtin.h"
#include "data/csv.h"
#include "data/preprocess.h"
#include "data/split.h"
#include "study/pruner.h"
#include "train/metrics.h"

#include <cmath>
#include <set>
#include <sstream>

#include <unistd.h>

namespace tw::train {

using nlohmann::json;

namespace {

std::string cacheKey(const data::PreprocessOptions& p)
{
    const data::TextOptions& t = p.text;
    return p.numericImpute + "|" + p.categoricalImpute + "|" + (p.standardize ? "1" : "0") + "|" + (t.lowercase ? "1" : "0") +
           "|" + data::toString(t.punctuation) + "|" + std::to_string(t.ngrams) + "|" + std::to_string(t.minCount) + "|" +
           std::to_string(t.maxVocab) + "|" + std::to_string(t.maxLength);
}

data::Dataset concat(const data::Dataset& a, const data::Dataset& b)
{
    data::Dataset d = a;
    d.features.insert(d.features.end(), b.features.begin(), b.features.end());
    d.labels.insert(d.labels.end(), b.labels.begin(), b.labels.end());
    d.targets.insert(d.targets.end(), b.targets.begin(), b.targets.end());
    d.provenance.rows = a.provenance.rows + b.provenance.rows;
    return d;
}

std::string joinNames(const std::vector<std::string>& names)
{
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
}

/// The objective metrics of a classification (or a regression) task, "loss" aside.
std::string metricsFor(bool classification)
{
    std::vector<std::string> out;
    for (const auto& n : Metrics::names())
        if (n != "loss" && Metrics::appliesTo(n, classification)) out.push_back(n);
    return joinNames(out);
}

/// Throws when the spec's objective metric does not apply to the task the
/// CSV target was read as, naming the file, the column, its distinct values
/// and the "task" that makes it the other kind.
void checkMetricApplies(const StudySpec& spec, const data::Table& table, const data::Dataset& all)
{
    const std::string& metric = spec.objective.metric;
    const bool classification = all.isClassification();
    if (!Metrics::isName(metric) || Metrics::appliesTo(metric, classification)) return;
    const data::Column& t = table.column(spec.dataset.target);
    const bool numeric = t.type == data::ColumnType::Numeric;
    std::set<std::string> distinct;
    bool integral = true;
    for (size_t r = 0; r < t.missing.size(); ++r) {
        if (t.missing[r]) continue;
        if (numeric) {
            distinct.insert(data::formatNumber(t.numbers[r]));
            integral = integral && t.numbers[r] == std::trunc(t.numbers[r]);
        } else {
            distinct.insert(t.text[r]);
        }
    }
    const std::string n = std::to_string(distinct.size());
    const std::string head = table.source + ": target column '" + spec.dataset.target + "' has " + n + " distinct values";
    const std::string& task = spec.dataset.task;
    std::string msg;
    if (!classification) {
        const std::string why = task == "regression" ? " and the spec's dataset says \"task\": \"regression\""
                                : integral ? " (integers, more than the 20 that make a class label on their own)"
                                           : " (not all integers)";
        msg = head + why + ", so it is a regression target, and metric '" + metric +
              "' does not apply to regression. To make it a classification target with " + n +
              " classes, write \"task\": \"classification\" in the spec's \"dataset\"; or choose a regression metric (" +
              metricsFor(false) + ")";
    } else {
        msg = head + ", so it is a classification target with " + std::to_string(all.numClasses()) + " classes" +
              (task != "auto" ? " (the spec's dataset says \"task\": \"" + task + "\")" : std::string()) + ", and metric '" +
              metric + "' does not apply to classification. " +
              (numeric ? "To predict it as a number, write \"task\": \"regression\" in the spec's \"dataset\"; or choose"
                       : "Choose") +
              " a classification metric (" + metricsFor(true) + ")";
    }
    throw std::invalid_argument(msg);
}

} // namespace

// ---- data ---------------------------------------------------------------------

DataSource::DataSource(const StudySpec& spec) : _spec(spec)
{
    const data::SplitFractions fractions{spec.split.validation, spec.split.test};
    fractions.validate();
    if (!spec.dataset.builtin.empty()) {
        data::BuiltinData b = data::builtinDataset(spec.dataset.builtin, spec.split.seed, spec.dataset.limit,
                                                    spec.dataset.idxDir);
        PreparedSplits s;
        if (b.validation) {
            s.validation = std::move(*b.validation);
            if (b.test) {
                s.train = std::move(b.train);
                s.test = std::move(*b.test);
            } else if (fractions.test > 0) {
                // A generator with its own validation samples: the test share comes out of training.
                const auto idx = data::splitIndices(b.train, {0.0, fractions.test}, spec.split.seed,
                                                    spec.split.stratify);
                s.train = b.train.subset(idx.train);
                s.test = b.train.subset(idx.test);
            } else {
                s.train = std::move(b.train);
            }
        } else {
            // One pool: split it (test too, unless the source has its own).
            data::SplitFractions f = fractions;
            if (b.test) f.test = 0.0;
            const auto idx = data::splitIndices(b.train, f, spec.split.seed, spec.split.stratify);
            s.train = b.train.subset(idx.train);
            s.validation = b.train.subset(idx.validation);
            if (b.test) s.test = std::move(*b.test);
            else if (!idx.test.empty()) s.test = b.train.subset(idx.test);
        }
        _fixed = std::move(s);
        return;
    }
    data::CsvOptions csv;
    csv.columnTypes = spec.preprocessing.columnTypes;
    _table = std::make_unique<data::Table>(data::readCsv(spec.dataset.csv, csv));
    if (!spec.dataset.testCsv.empty())
        _testTable = std::make_unique<data::Table>(data::readCsv(spec.dataset.testCsv, csv));
    // Split the rows once, stratified on the target as the default
    // preprocessing reads it; every preprocessing choice then uses the same rows.
    const auto all = data::Preprocessor::fit(*_table, spec.dataset.target, spec.preprocessing).transform(*_table);
    checkMetricApplies(spec, *_table, all);
    data::SplitFractions f = fractions;
    if (_testTable) f.test = 0.0;
    const auto idx = data::splitIndices(all, f, spec.split.seed, spec.split.stratify);
    _trainRows = idx.train;
    _validationRows = idx.validation;
    _testRows = idx.test;
}

DataSource::~DataSource() = default;

const PreparedSplits& DataSource::splits(const data::PreprocessOptions& p)
{
    if (_fixed) return *_fixed;
    const std::string key = cacheKey(p);
    if (auto it = _cache.find(key); it != _cache.end()) return it->second;
    const data::Table train = data::selectRows(*_table, _trainRows);
    const auto pre = data::Preprocessor::fit(train, _spec.dataset.target, p);
    PreparedSplits s;
    s.train = pre.transform(train);
    s.validation = pre.transform(data::selectRows(*_table, _validationRows));
    if (_testTable) s.test = pre.transform(*_testTable);
    else if (!_testRows.empty()) s.test = pre.transform(data::selectRows(*_table, _testRows));
    return _cache.emplace(key, std::move(s)).first->second;
}

std::string DataSource::describe(const data::PreprocessOptions& p)
{
    const auto& s = splits(p);
    std::ostringstream os;
    os << s.train.name << ": train " << s.train.size() << ", validation " << s.validation.size();
    if (s.test) os << ", test " << s.test->size();
    os << " samples; " << s.train.sampleSize() << " features";
    if (s.train.isClassification()) os << "; " << s.train.numClasses() << " classes";
    if (!s.train.provenance.preprocessing.empty()) os << "; " << s.train.provenance.preprocessing;
    return os.str();
}

// ---- one trial ----------------------------------------------------------------

Tuner::Tuner(const StudySpec& spec, study::Study& study, DataSource& data, double grace)
    : _spec(spec), _study(study), _data(data),
      _heartbeats(std::make_unique<study::HeartbeatThread>(study, std::min(study::kHeartbeatInterval, grace / 6), grace))
{
}

Tuner::~Tuner() = default;

int positiveClassIndex(const StudySpec& spec, const data::Dataset& d)
{
    if (!d.isClassification()) return 0;
    if (spec.objective.positiveClass.empty()) return d.numClasses() > 1 ? 1 : 0;
    for (int k = 0; k < d.numClasses(); ++k)
        if (d.classNames[size_t(k)] == spec.objective.positiveClass) return k;
    std::string list;
    for (const auto& n : d.classNames) list += (list.empty() ? "" : ", ") + n;
    throw std::invalid_argument("objective: positive_class '" + spec.objective.positiveClass +
                                "' is not a class of the data (classes: " + list + ")");
}

void Tuner::keepModelsIn(const std::string& folder)
{
    if (folder.empty() || _spec.keepModels <= 0) _models.reset();
    else _models.emplace(folder, _spec.keepModels);
}

bool waitingToRun(const study::Trial& t)
{
    return t.state == study::TrialState::Running && t.samplerInfo.is_object() &&
           t.samplerInfo.value("kind", std::string()) == "enqueued" &&
           !(t.userAttrs.is_object() && t.userAttrs.contains("settings"));
}

std::optional<study::Trial> Tuner::waitingTrial()
{
    for (const auto& t : _study.runningTrials())
        if (waitingToRun(t) && t.pid == long(::getpid()) && t.host == study::hostName()) return t;
    return std::nullopt;
}

TrialSummary Tuner::runTrial(const std::atomic<bool>* stop, const std::string& device)
{
    if (auto queued = store("trials", [this] { return waitingTrial(); })) return runTrial(*queued, stop, device);
    return runTrial(store("ask", [this] { return _study.ask(); }), stop, device);
}

TrialSummary Tuner::runTrial(const study::Trial& trial, const std::atomic<bool>* stop, const std::string& device)
{
    _heartbeats->add(trial.number);
    struct Done {
        study::HeartbeatThread& h;
        int n;
        ~Done() { h.remove(n); }
    } done{*_heartbeats, trial.number};
    if (onTrialStarted) onTrialStarted(trial);
    TrialSummary out;
    out.number = trial.number;
    out.params = trial.params;
    auto fail = [&](const std::string& why, study::FailureKind kind = study::FailureKind::Exception) {
        out.state = study::TrialState::Failed;
        out.reason = why;
        store("tell", [&] { study::tellOnce(_study, trial.number, study::Outcome::failed(why, kind)); });
        if (_models) _models->discard(trial.number);
        return out;
    };
    TrainOptions options;
    data::PreprocessOptions pre;
    const PreparedSplits* data = nullptr;
    try {
        _spec.configure(trial.params, options.model, options.training, pre);
        if (!device.empty()) options.training.device = device;
        data = &_data.splits(pre);
        options.objectiveMetric = _spec.objective.metric;
        options.positiveClass = positiveClassIndex(_spec, data->train);
        if (_models) options.saveBestPath = _models->stagingPath(trial.number);
        // What this trial ran with (the spec's fixed settings may change
        // between runs of the study: a study_updated event) and where, for
        // whoever watches the study from another machine.
        const std::string where = resolvedDevice(options.training.device);
        const json started = {{"device", where},
                              {"settings", {{"model", options.model.toJson()},
                                            {"training", options.training.toJson()},
                                            {"preprocessing", {{"numeric_impute", pre.numericImpute},
                                                               {"categorical_impute", pre.categoricalImpute},
                                                               {"standardize", pre.standardize}}}}}};
        store("attributes", [&] { _study.setUserAttrs(trial.number, started); });
    } catch (const std::exception& e) {
        return fail(std::string("trial ") + std::to_string(trial.number) + ": " + e.what());
    }

    const auto direction = _study.direction();
    TrainCallbacks callbacks;
    callbacks.stop = stop;
    callbacks.onEpoch = [&](const EpochReport& r) {
        const double v = r.validation.get(_spec.objective.metric);
        // One event per epoch with only what is new: the file grows linearly
        // (the whole curve per epoch made 3 trials x 30 epochs 358 kB).
        const json record = {{"epoch", r.epoch}, {"train_loss", r.trainLoss}, {"validation", r.validation.toJson()},
                             {"elapsed", r.elapsedSeconds}};
        store("report", [&] { _study.reportEpoch(trial.number, r.epoch, v, record); });
        if (onEpoch) onEpoch(trial.number, r);
        const auto trials = store("trials", [&] { return _study.trials(); });
        return !study::shouldPrune(_spec.pruner, direction, trials, trial.number, r.epoch, v);
    };
    try {
        out.result = trainModel(data->train, data->validation, options, callbacks);
    } catch (const std::exception& e) {
        return fail(std::string("trial ") + std::to_string(trial.number) + ": " + e.what());
    }
    const TrainResult& r = out.result;
    json finished = {{"metrics", r.best.toJson()},
                     {"device", r.device},
                     {"epochs", int(r.epochs.size())},
                     {"best_epoch", r.bestEpoch},
                     {"samples_per_second", r.samplesPerSecond},
                     {"parameters", r.parameters},
                     {"status", toString(r.status)}};
    if (!r.saveError.empty()) finished["model_error"] = r.saveError;
    store("attributes", [&] { _study.setUserAttrs(trial.number, finished); });
    using S = TrainResult::Status;
    switch (r.status) {
    case S::Stopped:
        return fail(_stopKind == study::FailureKind::Interrupted ? "interrupted" : "stopped", _stopKind);
    case S::Failed:
        return fail(r.reason.empty() ? std::string("training failed") : r.reason);
    case S::Pruned:
        out.state = study::TrialState::Pruned;
        out.reason = "pruned at epoch " + std::to_string(r.epochs.size()) + ": below the median of earlier trials";
        store("tell", [&] { study::tellOnce(_study, trial.number, study::Outcome::pruned(out.reason)); });
        if (_models) _models->discard(trial.number);
        return out;
    case S::Completed:
    case S::EarlyStopped:
        break;
    }
    const double value = r.best.get(_spec.objective.metric);
    if (!std::isfinite(value))
        return fail("objective metric '" + _spec.objective.metric + "' is " + (std::isnan(value) ? "nan" : "infinite"));
    out.state = study::TrialState::Complete;
    out.value = value;
    store("tell", [&] { study::tellOnce(_study, trial.number, study::Outcome::complete(value)); });
    if (_models && r.saved) {
        try {
            _models->settle(trial.number, store("trials", [this] { return _study.trials(); }), direction);
        } catch (const std::exception& e) {
            _study.setUserAttrs(trial.number, {{"model_error", e.what()}}); // the trial itself stays recorded
        }
    }
    return out;
}

study::Budget budgetFor(const StudySpec& spec)
{
    study::Budget b;
    // Trials only: a spec's time limit bounds one run (tw tune, the window's
    // Run), while a study's counts from its first trial, so a resumed study
    // would be over it at once. A study time limit is set with tw budget.
    if (spec.budget.trials > 0) b.trials = spec.budget.trials;
    return b;
}

study::StudyConfig studyConfigFor(const StudySpec& spec)
{
    study::StudyConfig config;
    config.budget = budgetFor(spec);
    config.name = spec.name;
    config.space = spec.space;
    config.direction = spec.objective.direction;
    config.sampler = spec.sampler;
    config.userAttrs = {{"spec", spec.toJson()}};
    return config;
}

bool recordSpec(study::Study& study, const StudySpec& spec)
{
    study.refresh();
    bool wrote = false;
    const study::Budget budget = budgetFor(spec);
    if (!(study.config().budget == budget)) {
        study.setBudget(budget);
        wrote = true;
    }
    const json now = spec.toJson();
    const json& attrs = study.config().userAttrs;
    if (attrs.is_object() && attrs.contains("spec") && attrs["spec"] == now) return wrote;
    study.updateUserAttrs({{"spec", now}});
    return true;
}


int Tuner::countedTrials()
{
    return _study.countedTrials();
}

// ---- one configuration ------------------------------------------------------------

TrainResult trainOnce(const StudySpec& spec, DataSource& data, const json& params, bool final,
                      const std::string& device, const std::string& savePath, const std::atomic<bool>* stop,
                      const std::function<void(const EpochReport&)>& onEpoch)
{
    const json& p = params.is_object() && params.contains("params") && params["params"].is_object() ? params["params"] : params;
    if (!p.is_object()) throw std::invalid_argument("params: expected a JSON object {\"setting\": value, ...}");
    TrainOptions options;
    data::PreprocessOptions pre;
    options.model = spec.model;
    options.training = spec.training;
    pre = spec.preprocessing;
    for (const auto& [key, value] : p.items()) {
        try {
            StudySpec::setSetting(options.model, options.training, pre, spec.settingFor(key), value);
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument(std::string("params: ") + e.what());
        }
    }
    options.model.validate();
    options.training.validate();
    pre.validate();
    if (!device.empty()) options.training.device = device;
    const PreparedSplits& s = data.splits(pre);
    options.objectiveMetric = spec.objective.metric;
    options.positiveClass = positiveClassIndex(spec, s.train);
    TrainCallbacks callbacks;
    callbacks.stop = stop;
    callbacks.onEpoch = [&](const EpochReport& r) {
        if (onEpoch) onEpoch(r);
        return true;
    };
    if (!final) return trainModel(s.train, s.validation, options, callbacks);
    if (!s.test)
        throw NoTestDataError("retraining for the test set (--final) needs test data: give the spec a 'test_csv', "
                              "a split 'test' fraction, or use a data set with a test set");
    return trainAndTest(concat(s.train, s.validation), *s.test, options, callbacks, savePath);
}

} // namespace tw::train
