#include "study/export.h"
#include "study/storage.h"

#include "util/errors.h"
#include "util/number_text.h"

#include <cmath>
#include <ctime>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>

namespace tw::study {

namespace {

std::string csvField(const std::string& s)
{
    if (s.find_first_of(",\"\r\n") == std::string::npos && (s.empty() || (s.front() != ' ' && s.back() != ' ')))
        return s;
    std::string q = "\"";
    for (char c : s) {
        if (c == '"')
            q += '"';
        q += c;
    }
    return q + "\"";
}

/// A scalar as plain text (a string without quotes); arrays and objects as compact JSON.
std::string cellText(const nlohmann::json& v)
{
    if (v.is_null())
        return {};
    if (v.is_string())
        return v.get<std::string>();
    if (v.is_number_float())
        return shortestText(v.get<double>());
    return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string number(double v)
{
    return shortestText(v);
}

/// User attributes as CSV columns: a nested object becomes one column per
/// member ("metrics.accuracy"); arrays (a learning curve) stay out of the CSV,
/// they are in the JSON export.
std::map<std::string, nlohmann::json> flatAttrs(const nlohmann::json& attrs)
{
    std::map<std::string, nlohmann::json> out;
    if (!attrs.is_object())
        return out;
    for (const auto& [k, v] : attrs.items()) {
        if (v.is_array())
            continue;
        if (v.is_object()) {
            for (const auto& [k2, v2] : v.items())
                if (!v2.is_array())
                    out[k + "." + k2] = v2;
        } else {
            out[k] = v;
        }
    }
    return out;
}

template <typename J>
void writeText(const std::string& path, const J& j)
{
    refuseToOverwriteStudy(path);
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    if (!f)
        throw IoError(path + ": cannot open for writing");
    f << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    f.flush();
    if (!f)
        throw IoError(path + ": write failed");
}

} // namespace

ordered_json paramsJson(const space::SearchSpace& space, const std::vector<double>& values)
{
    const nlohmann::json j = space.valuesToJson(values);
    ordered_json o = ordered_json::object();
    for (const auto& p : space.params()) {
        const std::string& name = space::nameOf(p);
        if (j.contains(name))
            o[name] = j[name];
    }
    return o;
}

ordered_json trialJson(const space::SearchSpace& space, const Trial& t)
{
    ordered_json o;
    o["number"] = t.number;
    o["state"] = toString(t.state);
    if (t.value)
        o["value"] = *t.value;
    if (!t.reason.empty())
        o["reason"] = t.reason;
    if (t.state == TrialState::Failed || t.state == TrialState::Pruned)
        o["kind"] = toString(t.kind);
    o["params"] = paramsJson(space, t.params);
    o["duration"] = t.duration() ? ordered_json(*t.duration()) : ordered_json();
    return o;
}

ordered_json bestJson(const space::SearchSpace& space, const Trial& t)
{
    ordered_json o;
    o["number"] = t.number;
    o["value"] = t.value ? ordered_json(*t.value) : ordered_json();
    o["params"] = paramsJson(space, t.params);
    return o;
}

std::string isoTime(double unixSeconds)
{
    if (!plausibleTime(unixSeconds))
        return {};
    double whole = std::floor(unixSeconds);
    int millis = int(std::lround((unixSeconds - whole) * 1000.0));
    if (millis >= 1000) {
        whole += 1.0;
        millis -= 1000;
    }
    std::time_t t = std::time_t(whole);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    char out[96];
    std::snprintf(out, sizeof out, "%s.%03dZ", buf, millis);
    return out;
}

void writeTrialsCsv(const std::string& path, const space::SearchSpace& space,
              const std::vector<Trial>& trials)
{
    std::set<std::string> attrKeys;
    std::vector<std::map<std::string, nlohmann::json>> attrs;
    for (const Trial& t : trials) {
        attrs.push_back(flatAttrs(t.userAttrs));
        for (const auto& [k, v] : attrs.back())
            attrKeys.insert(k);
    }

    refuseToOverwriteStudy(path);
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    if (!f)
        throw IoError(path + ": cannot open for writing");
    std::vector<std::string> header{"number"};
    for (const auto& p : space.params())
        header.push_back(space::nameOf(p));
    for (const char* h : {"value", "state", "duration", "started", "reason", "kind"})
        header.push_back(h);
    // A user attribute named as a parameter or a fixed column ("epochs" both
    // searched and recorded as trained) gets the prefix "user_attrs.";
    // parameter columns keep the parameters' names.
    const std::set<std::string> taken(header.begin(), header.end());
    for (const std::string& k : attrKeys)
        header.push_back(taken.count(k) ? "user_attrs." + k : k);
    auto writeRow = [&f](const std::vector<std::string>& cells) {
        for (size_t i = 0; i < cells.size(); ++i)
            f << (i ? "," : "") << csvField(cells[i]);
        f << "\n";
    };
    writeRow(header);
    for (size_t i = 0; i < trials.size(); ++i) {
        const Trial& t = trials[i];
        std::vector<std::string> row{std::to_string(t.number)};
        const nlohmann::json values = space.valuesToJson(t.params);
        for (const auto& p : space.params())
            row.push_back(values.contains(space::nameOf(p)) ? cellText(values[space::nameOf(p)]) : "");
        row.push_back(t.value ? number(*t.value) : "");
        row.push_back(toString(t.state));
        row.push_back(t.duration() ? number(*t.duration()) : "");
        row.push_back(isoTime(t.startedAt));
        row.push_back(t.reason);
        row.push_back(t.finished() && t.state != TrialState::Complete ? toString(t.kind) : "");
        for (const std::string& k : attrKeys) {
            const auto it = attrs[i].find(k);
            row.push_back(it != attrs[i].end() ? cellText(it->second) : "");
        }
        writeRow(row);
    }
    f.flush();
    if (!f)
        throw IoError(path + ": write failed");
}

void writeTrialsJson(const std::string& path, const space::SearchSpace& space,
               const std::vector<Trial>& trials)
{
    ordered_json all = ordered_json::array();
    for (const Trial& t : trials) {
        ordered_json o;
        o["number"] = t.number;
        o["state"] = toString(t.state);
        o["value"] = t.value ? ordered_json(*t.value) : ordered_json();
        o["params"] = paramsJson(space, t.params);
        o["reason"] = t.reason;
        o["kind"] = t.finished() && t.state != TrialState::Complete ? ordered_json(toString(t.kind)) : ordered_json();
        o["started"] = isoTime(t.startedAt);
        o["finished"] = isoTime(t.finishedAt);
        o["duration"] = t.duration() ? ordered_json(*t.duration()) : ordered_json();
        o["host"] = t.host;
        o["pid"] = t.pid;
        o["user_attrs"] = ordered_json(t.userAttrs);
        ordered_json steps = ordered_json::array();
        for (const auto& iv : t.intermediate)
            steps.push_back({{"step", iv.step}, {"value", iv.value}});
        o["intermediate"] = steps;
        all.push_back(std::move(o));
    }
    refuseToOverwriteStudy(path);
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    if (!f)
        throw IoError(path + ": cannot open for writing");
    f << all.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    f.flush();
    if (!f)
        throw IoError(path + ": write failed");
}

void writeBestJson(const std::string& path, const space::SearchSpace& space, const Trial& best,
                   const ordered_json& extra)
{
    ordered_json o = bestJson(space, best);
    for (const auto& [k, v] : extra.items())
        o[k] = v;
    writeText(path, o);
}

} // namespace tw::study
