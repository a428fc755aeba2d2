// The study configuration's JSON form and the replay of journal events: every
// state change of a Study, local or read from another process, goes through
// Study::apply().
#include "study/study.h"

#include "sampler/sampler.h"
#include "util/errors.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace tw::study {

using nlohmann::json;

// ---- StudyConfig ------------------------------------------------------------------

json StudyConfig::toJson() const
{
    json j{{"name", name},
           {"space", space.toJson()},
           {"direction", toString(direction)},
           {"sampler", sampler.toJson()},
           {"user_attrs", userAttrs}};
    if (!budget.empty()) j["budget"] = budget.toJson();
    return j;
}

StudyConfig StudyConfig::fromJson(const json& j, const std::string& source)
{
    const std::string pre = (source.empty() ? std::string() : source + ": ") + "study config: ";
    if (!j.is_object()) throw std::invalid_argument(pre + "must be a JSON object");
    for (const auto& item : j.items()) {
        static const char* const kKeys[] = {"name", "space", "direction", "sampler", "user_attrs", "budget"};
        bool known = false;
        for (const char* k : kKeys) known = known || item.key() == k;
        if (!known)
            throw std::invalid_argument(pre + "unknown key '" + item.key() +
                                        "' (expected name, space, direction, sampler, user_attrs, budget)");
    }
    StudyConfig c;
    if (auto it = j.find("name"); it != j.end()) {
        if (!it->is_string()) throw std::invalid_argument(pre + "'name' must be a string");
        c.name = it->get<std::string>();
    }
    auto space = j.find("space");
    if (space == j.end()) throw std::invalid_argument(pre + "missing 'space'");
    c.space = space::SearchSpace::fromJson(*space, source);
    if (auto it = j.find("direction"); it != j.end()) {
        if (!it->is_string()) throw std::invalid_argument(pre + "'direction' must be a string");
        try {
            c.direction = directionFromString(it->get<std::string>());
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument(pre + e.what());
        }
    }
    if (auto it = j.find("sampler"); it != j.end()) c.sampler = sampler::SamplerConfig::fromJson(*it, source);
    if (auto it = j.find("budget"); it != j.end()) c.budget = Budget::fromJson(*it, pre + "budget");
    if (auto it = j.find("user_attrs"); it != j.end()) {
        if (!it->is_object()) throw std::invalid_argument(pre + "'user_attrs' must be a JSON object");
        c.userAttrs = *it;
    }
    return c;
}

// ---- replay -------------------------------------------------------------------------

namespace {

/// Field readers for events; the messages get the file and line prefixed.
const json& required(const json& ev, const char* key)
{
    auto it = ev.find(key);
    if (it == ev.end()) throw std::invalid_argument("'" + ev["event"].get<std::string>() + "' event without '" + key + "'");
    return *it;
}

long long integerField(const json& ev, const char* key)
{
    const json& v = required(ev, key);
    if (!v.is_number_integer()) throw std::invalid_argument(std::string("'") + key + "' must be an integer");
    const auto n = v.get<long long>();
    if (n < std::numeric_limits<int>::min() || n > std::numeric_limits<int>::max())
        throw std::invalid_argument(std::string("'") + key + "' is out of range");
    return n;
}

double numberField(const json& ev, const char* key)
{
    const json& v = required(ev, key);
    if (!v.is_number()) throw std::invalid_argument(std::string("'") + key + "' must be a number");
    return v.get<double>();
}

double optionalNumber(const json& ev, const char* key, double fallback)
{
    return ev.contains(key) ? numberField(ev, key) : fallback;
}

std::string optionalString(const json& ev, const char* key)
{
    auto it = ev.find(key);
    if (it == ev.end()) return {};
    if (!it->is_string()) throw std::invalid_argument(std::string("'") + key + "' must be a string");
    return it->get<std::string>();
}

} // namespace

void Study::apply(const json& ev, long line)
{
    ++_eventsSeen;
    std::string at = _storage->describe();
    if (line > 0) at.append(":").append(std::to_string(line));
    const bool hasType = ev.is_object() && ev.contains("event") && ev["event"].is_string();
    const std::string type = hasType ? ev["event"].get<std::string>() : std::string();
    if (!_created && type != "study_created")
        throw ParseError(at + ": not a study file (first event is not 'study_created')");
    if (!hasType) throw ParseError(at + ": an event must be a JSON object with a string 'event' field");

    try {
        if (type == "study_created") {
            if (_created) throw std::invalid_argument("a second 'study_created' event");
            const json& format = required(ev, "format");
            if (format != 1)
                throw std::invalid_argument("unsupported format " + format.dump() + " (this version reads format 1)");
            _config = StudyConfig::fromJson(required(ev, "config"));
            _created = true;
            _sampler.reset();
            _seen = {};
            _seenKept = false;
        } else if (type == "trial_asked") {
            const long long number = integerField(ev, "number");
            if (number != (long long)_trials.size())
                throw std::invalid_argument("trial_asked: trial " + std::to_string(number) +
                                            " is out of order (expected trial " + std::to_string(_trials.size()) + ")");
            Trial t;
            t.number = int(number);
            t.params = _config.space.valuesFromJson(required(ev, "params"));
            t.startedAt = optionalNumber(ev, "time", 0.0);
            t.host = optionalString(ev, "host");
            t.pid = ev.contains("pid") ? long(integerField(ev, "pid")) : 0;
            if (auto it = ev.find("sampler"); it != ev.end()) {
                if (!it->is_object()) throw std::invalid_argument("'sampler' must be a JSON object");
                t.samplerInfo = *it;
            }
            t.lastSeenAt = t.startedAt;
            if (auto it = ev.find("heartbeat"); it != ev.end()) {
                if (!it->is_object()) throw std::invalid_argument("'heartbeat' must be a JSON object");
                t.heartbeatInterval = numberField(*it, "interval");
                t.heartbeatGrace = numberField(*it, "grace");
                if (!(t.heartbeatInterval > 0) || !(t.heartbeatGrace > t.heartbeatInterval))
                    throw std::invalid_argument("'heartbeat': expected 0 < interval < grace");
            }
            if (_seenKept) _seen.insert(_config.space, t.params);
            if (plausibleTime(t.startedAt) && (_firstStartedAt == 0 || t.startedAt < _firstStartedAt))
                _firstStartedAt = t.startedAt;
            _running.insert(t.number);
            _trials.push_back(std::move(t));
        } else if (type == "trial_told") {
            Trial& t = trialRef(int(integerField(ev, "number")), "trial_told");
            const std::string stateText = optionalString(ev, "state");
            const TrialState state = trialStateFromString(stateText);
            if (state == TrialState::Running) throw std::invalid_argument("'state' cannot be 'running'");
            std::optional<double> value;
            if (state == TrialState::Complete) {
                value = numberField(ev, "value");
                if (!std::isfinite(*value)) throw std::invalid_argument("'value' must be a finite number");
            }
            const std::string reason = optionalString(ev, "reason");
            const double time = optionalNumber(ev, "time", 0.0);
            FailureKind kind = FailureKind::None;
            if (auto k = ev.find("kind"); k != ev.end() && state != TrialState::Complete) {
                if (!k->is_string()) throw std::invalid_argument("'kind' must be a string");
                kind = failureKindFromString(k->get<std::string>());
            } else {
                kind = legacyFailureKind(state, reason);
            }
            const bool lateResult = t.state == TrialState::Failed && t.kind == FailureKind::Stale &&
                                    state != TrialState::Failed;
            if (t.finished() && !lateResult) {
                // Lenient: two processes may have told the same trial; the first wins
                // (but a result beats "stale": its worker was alive after all).
                _warnings.push_back(at + ": trial " + std::to_string(t.number) + " told again (" + stateText +
                                    "); keeping the first outcome (" + toString(t.state) + ")");
                return;
            }
            const bool counted = countsTowardBudget(t);
            t.state = state;
            t.value = value;
            t.reason = reason;
            t.kind = kind;
            t.finishedAt = time;
            _counted += int(countsTowardBudget(t)) - int(counted);
            _running.erase(t.number);
        } else if (type == "trial_reported") {
            Trial& t = trialRef(int(integerField(ev, "number")), "trial_reported");
            const int step = int(integerField(ev, "step"));
            const double value = numberField(ev, "value");
            t.intermediate.push_back({step, value});
        } else if (type == "trial_epoch") {
            // One epoch: its intermediate value and its record, appended to
            // the "curve" attribute (the study file grows by one line).
            Trial& t = trialRef(int(integerField(ev, "number")), "trial_epoch");
            const int step = int(integerField(ev, "step"));
            if (ev.contains("value")) t.intermediate.push_back({step, numberField(ev, "value")});
            const json& record = required(ev, "record");
            if (!record.is_object()) throw std::invalid_argument("'record' must be a JSON object");
            if (!t.userAttrs.is_object()) t.userAttrs = json::object();
            json& curve = t.userAttrs["curve"];
            if (!curve.is_array()) curve = json::array();
            curve.push_back(record);
            t.lastSeenAt = std::max(t.lastSeenAt, optionalNumber(ev, "time", 0.0));
        } else if (type == "study_budget") {
            _config.budget = Budget::fromJson(required(ev, "budget"), "study_budget: 'budget'");
        } else if (type == "trial_heartbeat") {
            Trial& t = trialRef(int(integerField(ev, "number")), "trial_heartbeat");
            t.lastSeenAt = std::max(t.lastSeenAt, numberField(ev, "time"));
        } else if (type == "trial_attrs") {
            Trial& t = trialRef(int(integerField(ev, "number")), "trial_attrs");
            const json& attrs = required(ev, "attrs");
            if (!attrs.is_object()) throw std::invalid_argument("'attrs' must be a JSON object");
            if (!t.userAttrs.is_object()) t.userAttrs = json::object();
            t.userAttrs.update(attrs);
        } else if (type == "study_updated") {
            const json& attrs = required(ev, "user_attrs");
            if (!attrs.is_object()) throw std::invalid_argument("'user_attrs' must be a JSON object");
            if (!_config.userAttrs.is_object()) _config.userAttrs = json::object();
            _config.userAttrs.update(attrs);
            ++_revision;
        } else {
            throw ParseError(at + ": unknown event '" + type + "'");
        }
    } catch (const ParseError&) {
        throw;
    } catch (const std::invalid_argument& e) {
        throw ParseError(at + ": " + e.what());
    } catch (const json::exception& e) {
        throw ParseError(at + ": " + e.what());
    }
}

} // namespace tw::study
