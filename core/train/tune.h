#pragma once
// The trial objective of a study spec, and the loop that runs it: ask a
// configuration, train it (reporting every epoch, pruning, honouring a stop
// request), tell the result. `tw tune` and the workbench's worker both run
// this code. Plain types only: LibTorch stays in trainer.cpp.
#include "study/heartbeat.h"
#include "study/model_store.h"
#include "study/retry.h"
#include "study/study.h"
#include "train/study_spec.h"
#include "train/trainer.h"

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

namespace tw::data { struct Table; }

namespace tw::train {

struct PreparedSplits {
    data::Dataset train, validation;
    std::optional<data::Dataset> test;
};

/// The data of a spec, read once. Splits are prepared on demand and cached
/// per preprocessing choice: preprocessing is fitted on the training split
/// only and applied to the validation and test data.
class DataSource {
public:
    explicit DataSource(const StudySpec& spec);
    ~DataSource();
    const PreparedSplits& splits(const data::PreprocessOptions& preprocessing);
    /// "data-train-large.csv: 712 rows (train 569, validation 143), test 179 rows; ..."
    std::string describe(const data::PreprocessOptions& preprocessing);

private:
    const StudySpec& _spec;
    std::unique_ptr<data::Table> _table, _testTable;
    std::vector<int64_t> _trainRows, _validationRows, _testRows;
    std::optional<PreparedSplits> _fixed; // built-in data: preprocessing does not apply
    std::map<std::string, PreparedSplits> _cache;
};

/// What one trial did.
struct TrialSummary {
    int number = -1;
    study::TrialState state = study::TrialState::Failed;
    std::optional<double> value;
    std::string reason;
    TrainResult result;
    std::vector<double> params;  // the trial's parameter values
};

class Tuner {
public:
    /// Promises heartbeats on `study` (study::HeartbeatThread) for the
    /// trials it runs: every min(10, grace / 6) s, stale after `grace` s
    /// without one (at least 1).
    Tuner(const StudySpec& spec, study::Study& study, DataSource& data, double grace = study::kHeartbeatGrace);
    ~Tuner();

    /// Called when a trial starts and after each of its epochs (from the
    /// calling thread).
    std::function<void(const study::Trial&)> onTrialStarted;
    std::function<void(int number, const EpochReport&)> onEpoch;

    /// Keeps the trained models of the best spec.keepModels complete trials
    /// in `folder` (study::ModelStore; study::modelFolderFor(study file) for
    /// a study file). Without it no model is saved.
    void keepModelsIn(const std::string& folder);
    /// The store keepModelsIn set up, or nullptr.
    const study::ModelStore* models() const { return _models ? &*_models : nullptr; }

    /// Asks, trains and tells one trial. A stop request ends it within a
    /// second and records it as failed with reason "stopped" (recordStopAs);
    /// a failure in
    /// training fails the trial with its reason and the study goes on.
    /// A trial queued by this process (waitingTrial) runs before the
    /// sampler is asked for a new one.
    TrialSummary runTrial(const std::atomic<bool>* stop = nullptr, const std::string& device = {});
    /// Trains and tells `trial`, a Running trial the study already holds
    /// (asked, or queued with Study::enqueue).
    TrialSummary runTrial(const study::Trial& trial, const std::atomic<bool>* stop, const std::string& device);
    /// The first trial queued by this process (same host and pid) that no
    /// run has started (waitingToRun); nullopt when none waits.
    std::optional<study::Trial> waitingTrial();
    /// Trials that count toward the budget: finished ones, except those
    /// stopped by the user or left by a process that died.
    int countedTrials();
    /// study::failOrphans on the tuned study. Returns how many.
    int failOrphans() { return study::failOrphans(_study); }
    /// Every storage call of a trial (ask, attributes, epochs, tell) waits
    /// out a storage that is away with `retry` (nullptr: none, the default);
    /// a tell is then idempotent (study::tellOnce). `retry` must outlive the
    /// trials run.
    void retryStorage(const study::StorageRetry* retry) { _retry = retry; }
    /// How a trial cut short by the stop flag is recorded: Stopped (the
    /// user stopped it: the default) or Interrupted (a worker told to quit,
    /// SIGTERM). Neither counts toward the budget.
    void recordStopAs(study::FailureKind kind) { _stopKind = kind; }

private:
    template <class F> auto store(const char* what, F&& call) -> decltype(call())
    {
        return _retry ? (*_retry)(what, std::forward<F>(call)) : call();
    }
    const study::StorageRetry* _retry = nullptr;
    study::FailureKind _stopKind = study::FailureKind::Stopped;
    const StudySpec& _spec;
    study::Study& _study;
    DataSource& _data;
    std::optional<study::ModelStore> _models;
    std::unique_ptr<study::HeartbeatThread> _heartbeats; // for the trial running here
};

/// The spec's budget as the study's (study::Budget): its trials, what every
/// worker of the study stops at. (The spec's time limit bounds one run.)
study::Budget budgetFor(const StudySpec& spec);

/// The configuration of a new study for a spec: its name, search space,
/// direction, sampler and budget (budgetFor), and the spec itself as a user
/// attribute ("spec"), so that the study alone can be reopened and resumed.
study::StudyConfig studyConfigFor(const StudySpec& spec);

/// Records `spec` as the study's spec (a "study_updated" event setting the
/// user attribute "spec") when it differs from the one the study holds, and
/// its budget (a "study_budget" event) when that differs, so that a changed
/// budget or fixed setting survives reopening the study.
/// Returns whether it wrote an event. Throws what the storage throws.
bool recordSpec(study::Study& study, const StudySpec& spec);


/// Whether a trial counts toward a study's budget (the one rule, in core).
using study::countsTowardBudget;

/// Whether a trial was queued with Study::enqueue and waits for a run to
/// start it: Running, recorded as "enqueued", and without the settings a
/// run records when it starts one.
bool waitingToRun(const study::Trial& t);

/// The class index of the objective's positive class in this data (by name;
/// default the second class). Throws invalid_argument listing the classes.
int positiveClassIndex(const StudySpec& spec, const data::Dataset& d);

/// Thrown by trainOnce(final = true) when the spec has no test data. what()
/// speaks of the spec file and `tw train --final`; a window says what to set
/// in its own controls instead.
class NoTestDataError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

/// Trains one configuration: the spec's fixed settings overridden by
/// `params`, a JSON object {setting: value} (or the {"params": {...}} of
/// `tw best`).
/// `final`: retrain on train + validation and evaluate on the test data
/// (NoTestDataError when there is none).
TrainResult trainOnce(const StudySpec& spec, DataSource& data, const nlohmann::json& params, bool final,
                      const std::string& device, const std::string& savePath, const std::atomic<bool>* stop,
                      const std::function<void(const EpochReport&)>& onEpoch);

} // namespace tw::train
