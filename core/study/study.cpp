// Study: ask/tell over a storage. Every call holds the mutex and runs one
// storage transaction; the events it appends are applied by Study::apply()
// (study_replay.cpp), the same code that replays a file.
#include "study/study.h"

#include "sampler/sampler.h"
#include "study/export.h"
#include "util/errors.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <optional>
#include <stdexcept>

#include <signal.h>
#include <unistd.h>

namespace tw::study {

using nlohmann::json;

namespace {

double now()
{
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string numberText(double v)
{
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    return json(v).dump();
}

std::string trialName(int number)
{
    return "trial " + std::to_string(number);
}

} // namespace

Study::Study(std::unique_ptr<Storage> storage) : _storage(std::move(storage))
{
    if (!_storage) throw std::invalid_argument("Study: no storage");
}

Study::~Study() = default;

std::unique_ptr<Study> Study::create(std::unique_ptr<Storage> storage, StudyConfig config)
{
    config.space.validate();
    config.sampler.validate();
    if (!config.userAttrs.is_object())
        throw std::invalid_argument("study config: 'user_attrs' must be a JSON object");
    StudyConfig::fromJson(config.toJson()); // what the journal will read back must be valid
    std::unique_ptr<Study> s(new Study(std::move(storage)));
    std::lock_guard lock(s->_mutex);
    const json created = {{"event", "study_created"}, {"format", 1}, {"config", config.toJson()}, {"time", now()}};
    Study* self = s.get();
    // The emptiness check and the first event share one exclusive transaction:
    // of two processes creating the same file, exactly one succeeds.
    s->sync(true, [self, &created] {
        if (self->_eventsSeen > 0)
            throw StudyExistsError(self->_storage->describe() + ": study file already exists");
        return std::vector<json>{created};
    });
    return s;
}

std::unique_ptr<Study> Study::open(std::unique_ptr<Storage> storage)
{
    std::unique_ptr<Study> s(new Study(std::move(storage)));
    std::lock_guard lock(s->_mutex);
    try {
        s->sync(false, {});
    } catch (const ParseError& e) {
        // The very first line is not even JSON: say what the file is not.
        if (s->_eventsSeen == 0)
            throw ParseError(s->_storage->describe() + ": not a study file (" + e.what() + ")");
        throw;
    }
    if (!s->_created) throw ParseError(s->_storage->describe() + ": empty study file");
    return s;
}

std::unique_ptr<Study> Study::createInMemory(StudyConfig config)
{
    return create(std::make_unique<MemoryStorage>(), std::move(config));
}

std::unique_ptr<Study> Study::createFile(const std::string& path, StudyConfig config)
{
    // Check the configuration before the file is created.
    config.space.validate();
    config.sampler.validate();
    return create(std::make_unique<JournalStorage>(path, JournalStorage::Mode::Create), std::move(config));
}

std::unique_ptr<Study> Study::openFile(const std::string& path)
{
    return open(std::make_unique<JournalStorage>(path, JournalStorage::Mode::Open));
}

void Study::sync(bool exclusive, const Storage::BodyFn& body)
{
    try {
        _storage->transact(
            exclusive, [this](const json& event, long line) { apply(event, line); }, body);
    } catch (const DamagedStudyError&) {
        throw;
    } catch (const ParseError& e) {
        // After a valid study_created the file is a study with a bad line:
        // damaged, and repairable.
        if (_created && dynamic_cast<const JournalStorage*>(_storage.get()))
            throw DamagedStudyError(e.what(), _storage->describe());
        throw;
    }
}

Trial& Study::trialRef(int number, const char* what)
{
    if (number < 0 || size_t(number) >= _trials.size()) {
        const std::string count = std::to_string(_trials.size()) + (_trials.size() == 1 ? " trial" : " trials");
        throw std::invalid_argument((what && *what ? std::string(what) + ": " : std::string()) + trialName(number) +
                                    " does not exist (the study has " + count + ")");
    }
    return _trials[size_t(number)];
}

json Study::askedEvent(const Trial& t) const
{
    json ev{{"event", "trial_asked"},
            {"number", t.number},
            {"params", _config.space.valuesToJson(t.params)},
            {"time", t.startedAt},
            {"host", t.host},
            {"pid", t.pid},
            {"sampler", t.samplerInfo}};
    if (_heartbeatInterval > 0) ev["heartbeat"] = {{"interval", _heartbeatInterval}, {"grace", _heartbeatGrace}};
    return ev;
}

Trial Study::ask()
{
    // The sampler thinks outside every lock (this object's mutex and the
    // storage's): other threads and processes tell, report and ask while a
    // GP fits. It samples from a snapshot that holds every pending trial
    // (constant liar); the proposal is recorded in one short exclusive
    // transaction, under the number it was sampled for, only if no trial was
    // asked meanwhile. Otherwise it samples again from the newer snapshot,
    // which holds that trial as pending. After kAskAttempts it records the
    // last proposal under the next free number, unless that proposal is the
    // very point of a trial asked meanwhile (two workers on one snapshot
    // propose the same point: samplers are deterministic): then, and only
    // then, it samples under the lock, as the only way left to be sure.
    // The snapshot copies the trials only for a sampler that reads them (the
    // GP); the seen configurations are a persistent set whose copy costs
    // O(log n), so a random or quasi-random ask costs the same at any size.
    constexpr int kAskAttempts = 3;
    for (int attempt = 1;; ++attempt) {
        std::shared_ptr<const sampler::Sampler> sampler;
        std::vector<Trial> snapshot;
        sampler::SeenConfigs seen;
        std::optional<space::SearchSpace> space;
        Direction direction = Direction::Minimize;
        int expected = 0;
        {
            std::lock_guard lock(_mutex);
            sync(false, {});
            if (!_sampler) _sampler = sampler::makeSampler(_config.sampler);
            sampler = _sampler;
            keepSeenConfigs();
            expected = int(_trials.size());
            if (sampler->readsTrials(_config.space, expected)) snapshot = _trials;
            seen = _seen;
            space = _config.space;
            direction = _config.direction;
        }
        sampler::Suggestion s =
            sampler->suggest(sampler::History{*space, direction, snapshot, &seen}, expected);

        std::lock_guard lock(_mutex);
        int number = -1;
        sync(true, [&]() -> std::vector<json> {
            const int current = int(_trials.size());
            if (current != expected && attempt < kAskAttempts) return {};
            number = current;
            int sampledFrom = expected;
            for (int i = expected; i < current; ++i)
                if (_trials[size_t(i)].params == s.params) {
                    keepSeenConfigs();
                    s = _sampler->suggest(sampler::History{_config.space, _config.direction, _trials, &_seen},
                                          number);
                    sampledFrom = current;
                    break;
                }
            Trial t;
            t.number = number;
            t.params = std::move(s.params);
            t.startedAt = now();
            t.host = hostName();
            t.pid = _ownerPid > 0 ? _ownerPid : long(::getpid());
            t.samplerInfo = s.info.is_object() ? std::move(s.info) : json{{"info", std::move(s.info)}};
            // Sampled without the trials asked since its snapshot: say so.
            if (sampledFrom != number) t.samplerInfo["snapshot_trials"] = sampledFrom;
            return std::vector<json>{askedEvent(t)};
        });
        if (number >= 0) return _trials.at(size_t(number));
    }
}

Trial Study::enqueue(const std::vector<double>& params)
{
    std::lock_guard lock(_mutex);
    _config.space.valuesToJson(params); // throws naming the parameter
    int number = -1;
    sync(true, [this, &number, &params] {
        Trial t;
        t.number = number = int(_trials.size());
        t.params = params;
        t.startedAt = now();
        t.host = hostName();
        t.pid = _ownerPid > 0 ? _ownerPid : long(::getpid());
        t.samplerInfo = json{{"kind", "enqueued"}};
        return std::vector<json>{askedEvent(t)};
    });
    return _trials.at(size_t(number));
}

void Study::tell(int number, const Outcome& outcome)
{
    std::lock_guard lock(_mutex);
    if (outcome.state == TrialState::Running)
        throw std::invalid_argument(trialName(number) +
                                    ": cannot tell state 'running' (expected complete, failed or pruned)");
    if (outcome.state == TrialState::Complete && !std::isfinite(outcome.value))
        throw std::invalid_argument(trialName(number) + ": value must be a finite number (got " +
                                    numberText(outcome.value) + ")");
    sync(true, [&] {
        // Checked against the latest state: another process may have told it.
        const Trial& t = trialRef(number, "");
        // A trial failed as stale whose worker was alive after all (cut off
        // for a while) still takes its result: a computed result is never lost.
        const bool lateResult = t.state == TrialState::Failed && t.kind == FailureKind::Stale &&
                                outcome.state != TrialState::Failed;
        if (t.finished() && !lateResult)
            throw std::invalid_argument(trialName(number) + " is already " + toString(t.state));
        json ev = {{"event", "trial_told"}, {"number", number}, {"state", toString(outcome.state)}};
        if (outcome.state == TrialState::Complete) ev["value"] = outcome.value;
        if (!outcome.reason.empty()) ev["reason"] = outcome.reason;
        if (outcome.state != TrialState::Complete) {
            FailureKind kind = outcome.kind;
            if (kind == FailureKind::None)
                kind = outcome.state == TrialState::Pruned ? FailureKind::Pruned : FailureKind::Exception;
            ev["kind"] = toString(kind);
        }
        ev["time"] = now();
        return std::vector<json>{std::move(ev)};
    });
}

void Study::report(int number, int step, double value)
{
    std::lock_guard lock(_mutex);
    if (!std::isfinite(value))
        throw std::invalid_argument(trialName(number) + ": reported value must be a finite number (got " +
                                    numberText(value) + ")");
    sync(true, [&] {
        const Trial& t = trialRef(number, "");
        if (t.finished())
            throw std::invalid_argument(trialName(number) + " is not running (it is " + toString(t.state) + ")");
        json ev = {{"event", "trial_reported"}, {"number", number}, {"step", step}, {"value", value}};
        return std::vector<json>{std::move(ev)};
    });
}

void Study::reportEpoch(int number, int step, std::optional<double> value, const json& record)
{
    std::lock_guard lock(_mutex);
    if (!record.is_object())
        throw std::invalid_argument(trialName(number) + ": an epoch's record must be a JSON object");
    sync(true, [&] {
        const Trial& t = trialRef(number, "");
        if (t.finished())
            throw std::invalid_argument(trialName(number) + " is not running (it is " + toString(t.state) + ")");
        json ev = {{"event", "trial_epoch"}, {"number", number}, {"step", step}};
        if (value && std::isfinite(*value)) ev["value"] = *value;
        ev["record"] = record;
        ev["time"] = now();
        return std::vector<json>{std::move(ev)};
    });
}

void Study::promiseHeartbeats(double interval, double grace)
{
    const bool none = interval == 0 && grace == 0;
    if (!none && !(std::isfinite(interval) && std::isfinite(grace) && interval > 0 && grace > interval))
        throw std::invalid_argument("heartbeat: expected 0 < interval < grace (interval = " + numberText(interval) +
                                    " s, grace = " + numberText(grace) + " s)");
    std::lock_guard lock(_mutex);
    _heartbeatInterval = interval;
    _heartbeatGrace = grace;
}

void Study::heartbeat(const std::vector<int>& numbers)
{
    if (numbers.empty()) return;
    std::lock_guard lock(_mutex);
    sync(true, [&] {
        std::vector<json> out;
        const double t = now();
        for (int n : numbers)
            if (n >= 0 && size_t(n) < _trials.size() && !_trials[size_t(n)].finished())
                out.push_back({{"event", "trial_heartbeat"}, {"number", n}, {"time", t}});
        return out;
    });
}

void Study::setUserAttrs(int number, const json& attrs)
{
    std::lock_guard lock(_mutex);
    if (!attrs.is_object())
        throw std::invalid_argument(trialName(number) + ": user attributes must be a JSON object (got " +
                                    attrs.dump(-1, ' ', false, json::error_handler_t::replace) + ")");
    sync(true, [&] {
        trialRef(number, "");
        json ev = {{"event", "trial_attrs"}, {"number", number}, {"attrs", attrs}};
        return std::vector<json>{std::move(ev)};
    });
}

void Study::updateUserAttrs(const json& attrs)
{
    std::lock_guard lock(_mutex);
    if (!attrs.is_object())
        throw std::invalid_argument("study user attributes must be a JSON object (got " +
                                    attrs.dump(-1, ' ', false, json::error_handler_t::replace) + ")");
    sync(true, [&] {
        json ev = {{"event", "study_updated"}, {"user_attrs", attrs}, {"time", now()}};
        return std::vector<json>{std::move(ev)};
    });
}

void Study::setBudget(const Budget& budget)
{
    Budget::fromJson(budget.toJson()); // what the replay will read back must be valid
    std::lock_guard lock(_mutex);
    sync(true, [&] {
        return std::vector<json>{{{"event", "study_budget"}, {"budget", budget.toJson()}, {"time", now()}}};
    });
}

void Study::keepSeenConfigs()
{
    // Built once, at the first ask (a study only opened to be read never
    // pays for it); apply() adds every trial asked after that.
    if (_seenKept) return;
    _seen = sampler::SeenConfigs(_config.space, _trials);
    _seenKept = true;
}

std::string Study::budgetMet()
{
    std::lock_guard lock(_mutex);
    sync(false, {});
    const double t = now();
    const double elapsed = _firstStartedAt > 0 && t > _firstStartedAt ? t - _firstStartedAt : 0.0;
    return study::budgetMet(_config.budget, _counted, elapsed);
}

int Study::countedTrials()
{
    std::lock_guard lock(_mutex);
    sync(false, {});
    return _counted;
}

int Study::revision() const
{
    std::lock_guard lock(_mutex);
    return _revision;
}

long Study::eventsSeen() const
{
    std::lock_guard lock(_mutex);
    return _eventsSeen;
}

std::vector<Trial> Study::trialsSeen() const
{
    std::lock_guard lock(_mutex);
    return _trials;
}

void Study::refresh()
{
    std::lock_guard lock(_mutex);
    sync(false, {});
}

std::vector<Trial> Study::trials()
{
    std::lock_guard lock(_mutex);
    sync(false, {});
    return _trials;
}

std::vector<Trial> Study::runningTrials()
{
    std::lock_guard lock(_mutex);
    sync(false, {});
    std::vector<Trial> out;
    out.reserve(_running.size());
    for (int n : _running) out.push_back(_trials[size_t(n)]);
    return out;
}

std::optional<Trial> Study::trial(int number)
{
    std::lock_guard lock(_mutex);
    sync(false, {});
    if (number < 0 || size_t(number) >= _trials.size()) return std::nullopt;
    return _trials[size_t(number)];
}

std::optional<Trial> Study::bestTrial()
{
    std::lock_guard lock(_mutex);
    sync(false, {});
    const auto best = bestTrialNumbers(_trials, _config.direction, 1);
    if (best.empty()) return std::nullopt;
    return _trials[size_t(best.front())];
}

bool Study::better(double a, double b) const
{
    return _config.direction == Direction::Maximize ? a > b : a < b;
}

std::vector<std::string> Study::warnings() const
{
    std::lock_guard lock(_mutex);
    std::vector<std::string> all = _storage->warnings();
    all.insert(all.end(), _warnings.begin(), _warnings.end());
    return all;
}

bool isOrphaned(const Trial& t)
{
    if (t.state != TrialState::Running || t.pid <= 0 || t.host != hostName()) return false;
    if (t.pid == long(::getpid())) return false;
    return ::kill(pid_t(t.pid), 0) == -1 && errno == ESRCH;
}

bool isStale(const Trial& t, double when)
{
    if (t.state != TrialState::Running || !(t.heartbeatInterval > 0) || !(t.heartbeatGrace > 0)) return false;
    return when - t.lastSeenAt > t.heartbeatGrace;
}

std::string staleReason(const Trial& t)
{
    return "stale: no heartbeat from host " + (t.host.empty() ? std::string("?") : t.host) + " since " +
           isoTime(t.lastSeenAt) + " (grace " + secondsText(t.heartbeatGrace) + " s)";
}

int failStale(Study& study, bool retry, int maxRetries)
{
    int n = 0;
    const double when = now();
    for (const auto& t : study.runningTrials()) {
        if (!isStale(t, when)) continue;
        try {
            study.tell(t.number, Outcome::failed(staleReason(t), FailureKind::Stale));
            ++n;
        } catch (const std::invalid_argument&) {
            continue; // told by its worker or another watcher meanwhile
        }
        if (!retry) continue;
        const int depth = t.userAttrs.is_object() && t.userAttrs.contains("retry_depth") &&
                                  t.userAttrs["retry_depth"].is_number_integer()
                              ? t.userAttrs["retry_depth"].get<int>()
                              : 0;
        if (depth >= maxRetries) continue;
        const Trial again = study.enqueue(t.params);
        study.setUserAttrs(again.number, {{"retry_of", t.number}, {"retry_depth", depth + 1}});
    }
    return n;
}

std::string abandonedReason(const Trial& t)
{
    return "abandoned: the process that ran it (pid " + std::to_string(t.pid) + ") is gone";
}

int failOrphans(Study& study)
{
    int n = 0;
    const double when = now();
    for (const auto& t : study.runningTrials()) {
        Outcome o;
        if (isOrphaned(t))
            o = Outcome::failed(abandonedReason(t), FailureKind::Abandoned);
        else if (isStale(t, when))
            o = Outcome::failed(staleReason(t), FailureKind::Stale);
        else
            continue;
        try {
            study.tell(t.number, o);
            ++n;
        } catch (const std::invalid_argument&) {
            // Told by someone else in the meantime.
        }
    }
    return n;
}

int markOrphansAbandoned(std::vector<Trial>& trials)
{
    int n = 0;
    const double when = now();
    for (auto& t : trials) {
        if (isStale(t, when)) {
            t.state = TrialState::Failed;
            t.reason = staleReason(t);
            t.kind = FailureKind::Stale;
            ++n;
            continue;
        }
        if (isOrphaned(t)) {
            t.state = TrialState::Failed;
            t.reason = abandonedReason(t);
            t.kind = FailureKind::Abandoned;
            ++n;
        }
    }
    return n;
}

std::string hostName()
{
    static const std::string name = [] {
        char buf[256] = {};
        if (::gethostname(buf, sizeof buf - 1) != 0) return std::string("localhost");
        return std::string(buf);
    }();
    return name;
}

} // namespace tw::study
