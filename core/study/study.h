#pragma once
// A study: a search space, a direction, a sampler and the trials so far.
// Ask/tell is the primitive every run loop is built on.
#include "sampler/sampler_config.h"
#include "sampler/seen_configs.h"
#include "space/search_space.h"
#include "study/budget.h"
#include "study/storage.h"
#include "study/trial.h"
#include "util/errors.h"

#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace tw::sampler { class Sampler; }

namespace tw::study {

struct RepairReport;

/// Opening or refreshing a study whose file has a bad event after its
/// study_created line (a corrupt line, a trial asked twice, a second
/// study_created): every command on it fails with this, naming file:line and
/// why, until repairJournal (study/repair.h) wrote a copy of the intact events.
class DamagedStudyError : public ParseError {
public:
    DamagedStudyError(const std::string& message, std::string path)
        : ParseError(message), _path(std::move(path)) {}
    /// The study file (as it was opened).
    const std::string& path() const { return _path; }

private:
    std::string _path;
};

struct StudyConfig {
    std::string name;
    space::SearchSpace space;
    Direction direction = Direction::Minimize;
    sampler::SamplerConfig sampler;
    nlohmann::json userAttrs = nlohmann::json::object(); // free-form (a spec, ...)
    Budget budget;                                       // none by default (written only when set)

    nlohmann::json toJson() const;
    static StudyConfig fromJson(const nlohmann::json& j, const std::string& source = {});
};

/// Thread-safe: every call holds an internal mutex and, for a journal, the
/// file lock, so worker threads and other processes may share one study.
class Study {
public:
    /// A new study in `storage`, which must be empty (IoError otherwise).
    static std::unique_ptr<Study> create(std::unique_ptr<Storage> storage, StudyConfig config);
    /// Replays an existing study (ParseError naming the line when malformed;
    /// DamagedStudyError when a line after a valid study_created is).
    static std::unique_ptr<Study> open(std::unique_ptr<Storage> storage);
    static std::unique_ptr<Study> createInMemory(StudyConfig config);
    static std::unique_ptr<Study> createFile(const std::string& path, StudyConfig config);
    static std::unique_ptr<Study> openFile(const std::string& path);
    ~Study();

    /// The configuration as created, with every study_updated event applied
    /// (the user attributes they merged). Not refreshed: call refresh() first
    /// to see what other processes appended.
    const StudyConfig& config() const { return _config; }
    const space::SearchSpace& space() const { return _config.space; }
    Direction direction() const { return _config.direction; }
    const Storage& storage() const { return *_storage; }

    /// Samples the next configuration with the study's sampler, records it as
    /// a Running trial and returns it. The sampler runs outside every lock,
    /// from a snapshot with every pending trial; the trial is recorded in a
    /// short exclusive transaction (numbers are unique), and sampled again
    /// when another trial was asked meanwhile (study.cpp). Throws what the
    /// sampler (std::runtime_error: a finite space exhausted) or the storage
    /// throws.
    Trial ask();
    /// The process whose death means a trial it asked will never be told
    /// (isOrphaned). Defaults to this process; a one-shot command such as
    /// `tw ask` names its parent, the worker script that will call `tw tell`.
    void setOwnerPid(long pid) { _ownerPid = pid; }
    /// Records a Running trial with these values (checked against the space).
    Trial enqueue(const std::vector<double>& params);
    /// Records how trial `number` ended. Throws invalid_argument when the
    /// trial does not exist or has already finished, or the value is not finite.
    void tell(int number, const Outcome& outcome);
    /// An intermediate value (one epoch) of a running trial.
    void report(int number, int step, double value);
    /// One epoch of a running trial as one event (trial_epoch): its
    /// intermediate value when finite (as report() records it) and `record`
    /// (a JSON object: losses, metrics, time) appended to the trial's
    /// user attribute "curve" on replay. Each epoch appends what is new, so
    /// a study file grows linearly with epochs. Renews the trial's heartbeat.
    /// Throws invalid_argument when the trial does not exist or is not
    /// running, or `record` is not an object.
    void reportEpoch(int number, int step, std::optional<double> value, const nlohmann::json& record);
    /// Promises heartbeats for trials this object asks from now on: ask()
    /// and enqueue() record `interval` and `grace` (seconds) with the trial,
    /// and whoever sees no sign of life (heartbeat(), an epoch) for `grace`
    /// seconds may fail it as stale (failStale). 0: no promise (the default:
    /// a trial asked by hand is never stale). Throws invalid_argument unless
    /// 0 < interval < grace (or both 0).
    void promiseHeartbeats(double interval, double grace);
    /// A sign of life for running trials of this worker (trial_heartbeat
    /// events, one transaction). Finished trials are skipped.
    void heartbeat(const std::vector<int>& numbers);
    /// Merges `attrs` into the trial's user attributes.
    void setUserAttrs(int number, const nlohmann::json& attrs);

    /// Merges `attrs` into the study's user attributes (a changed spec, ...):
    /// a "study_updated" event, replayed on open like every other event.
    /// Throws invalid_argument when `attrs` is not a JSON object.
    void updateUserAttrs(const nlohmann::json& attrs);
    /// Replaces the study's budget (a study_budget event; an empty budget
    /// removes it): every worker sees it at its next call.
    void setBudget(const Budget& budget);
    /// The budget's verdict on the latest state (refreshes first): why it is
    /// met, "" while it is not (budgetMet). Counts kept as events are
    /// applied: the same cost at 100 and 10,000 trials.
    std::string budgetMet();
    /// Trials that count toward a budget (countsTowardBudget), as of the
    /// latest state (refreshes first); kept as events are applied.
    int countedTrials();

    /// How many study_updated events the study has (0: as created).
    int revision() const;

    /// Picks up what other processes appended.
    void refresh();
    /// Snapshot of every trial, in number order (refreshes first).
    std::vector<Trial> trials();
    /// The trials as last read, without touching the storage: what a window
    /// shows after a watcher thread refreshed the study.
    std::vector<Trial> trialsSeen() const;
    /// Events read so far (grows with every refresh that found new ones).
    long eventsSeen() const;
    /// Snapshot of the Running trials only, in number order (refreshes
    /// first): what a watcher of stale or orphaned trials reads, at a cost
    /// that does not grow with the finished ones.
    std::vector<Trial> runningTrials();
    std::optional<Trial> trial(int number);
    /// Best Complete trial, or nullopt.
    std::optional<Trial> bestTrial();
    /// Whether a is strictly better than b in this study's direction.
    bool better(double a, double b) const;
    /// Non-fatal problems from reading the storage.
    std::vector<std::string> warnings() const;

private:
    friend RepairReport repairJournal(const std::string& path, const std::string& out);
    Study(std::unique_ptr<Storage> storage);
    void apply(const nlohmann::json& event, long line);
    void sync(bool exclusive, const Storage::BodyFn& body);
    Trial& trialRef(int number, const char* what);
    nlohmann::json askedEvent(const Trial& t) const;
    void keepSeenConfigs();

    std::unique_ptr<Storage> _storage;
    StudyConfig _config;
    bool _created = false;
    std::vector<Trial> _trials;
    // Kept by apply() so that an ask or a budget check does not scan every
    // trial: the configurations asked (from the first ask on; a snapshot
    // of it is O(log n) to copy), the trials that count toward the budget,
    // the earliest start, the numbers of the Running trials.
    sampler::SeenConfigs _seen;
    bool _seenKept = false;
    int _counted = 0;
    double _firstStartedAt = 0.0;
    std::set<int> _running;
    std::shared_ptr<const sampler::Sampler> _sampler; // used outside the mutex by ask()
    std::vector<std::string> _warnings; // from replaying events (a trial told twice, ...)
    long _eventsSeen = 0;               // events passed to apply()
    int _revision = 0;                  // study_updated events applied
    mutable std::mutex _mutex;
    long _ownerPid = 0;
    double _heartbeatInterval = 0, _heartbeatGrace = 0;
};

/// True when trial t is Running but was asked by a process on this host that
/// no longer exists (its result will never come).
bool isOrphaned(const Trial& t);
std::string hostName();

/// Why an orphaned trial ended: "abandoned: the process that ran it (pid N)
/// is gone".
std::string abandonedReason(const Trial& t);
/// Fails every orphaned trial of the study (isOrphaned: kind Abandoned,
/// abandonedReason) and every stale one (isStale: kind Stale, staleReason),
/// so that a resumed study does not wait for results that will never come;
/// what another process told meanwhile is left alone.
/// Every command that resumes a study (tw tune, tw optimize, the window's
/// run) calls it. Returns how many. Throws what the storage throws.
int failOrphans(Study& study);
/// True when trial t is Running, its worker promised heartbeats, and none
/// came (nor an epoch) for longer than the promised grace, as of `now`
/// (unix seconds): its worker is gone or cut off, on whatever host.
bool isStale(const Trial& t, double now);
/// "stale: no heartbeat from host H since 2026-12-01T10:00:00.000Z (grace 60 s)"
std::string staleReason(const Trial& t);
/// Fails every stale trial (isStale) with kind Stale and staleReason. With
/// `retry`, each gets a new trial with the same parameters (enqueued, its
/// user attribute "retry_of" naming the stale one), at most `maxRetries`
/// times along one chain of retries. Returns how many were failed.
int failStale(Study& study, bool retry = false, int maxRetries = 2);

/// Shows orphaned and stale Running trials of a snapshot as what failOrphans will
/// record (Failed, abandonedReason) without writing the study: a window that
/// only looks at a study leaves the file to whoever resumes it. Returns how many.
int markOrphansAbandoned(std::vector<Trial>& trials);

} // namespace tw::study
