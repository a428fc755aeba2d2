// Search space: parameters, validation and the JSON form. The value
// conversions and the unit-cube transform are in search_space_values.cpp.
#include "space/search_space.h"

#include "space/ax_format.h"
#include "util/json_read.h"
#include "util/printable.h"

#include "space/search_space_detail.h"
#include "util/errors.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

namespace tw::space {

using nlohmann::json;

namespace detail {

std::string formatNumber(double v)
{
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    if (v == std::trunc(v) && std::abs(v) < 1e15) return std::to_string(static_cast<long long>(v));
    // Shortest representation that reads back as the same double.
    char buf[40];
    for (int precision = 1; precision <= 17; ++precision) {
        std::snprintf(buf, sizeof buf, "%.*g", precision, v);
        if (std::strtod(buf, nullptr) == v) break;
    }
    return buf;
}

std::string prefix(const std::string& source)
{
    return source.empty() ? std::string() : source + ": ";
}

std::string paramContext(const std::string& source, const std::string& name)
{
    return prefix(source) + "parameter '" + name + "': ";
}

json numberToJson(double v)
{
    if (v == std::trunc(v) && std::abs(v) <= kMaxExactInteger) return json(static_cast<std::int64_t>(v));
    return json(v);
}

} // namespace detail

using detail::conditionsFromJson;
using detail::conditionsToJson;
using detail::formatNumber;
using detail::paramContext;
using detail::prefix;

const std::string& nameOf(const Param& p)
{
    return std::visit([](const auto& q) -> const std::string& { return q.name; }, p);
}

const std::vector<Condition>& conditionsOf(const Param& p)
{
    return std::visit([](const auto& q) -> const std::vector<Condition>& { return q.when; }, p);
}

void setConditions(Param& p, std::vector<Condition> when)
{
    std::visit([&when](auto& q) { q.when = std::move(when); }, p);
}

std::string typeName(const Param& p)
{
    switch (p.index()) {
    case 0: return "float";
    case 1: return "int";
    default: return "categorical";
    }
}

std::string choiceToString(const Choice& c)
{
    if (const auto* s = std::get_if<std::string>(&c)) return *s;
    if (const auto* b = std::get_if<bool>(&c)) return *b ? "true" : "false";
    return formatNumber(std::get<double>(c));
}

SearchSpace::SearchSpace(std::vector<Param> params) : _params(std::move(params))
{
    validate();
    index();
}

void SearchSpace::index()
{
    _offsets.clear();
    _encodedDim = 0;
    for (const Param& p : _params) {
        _offsets.push_back(_encodedDim);
        if (const auto* c = std::get_if<CategoricalParam>(&p))
            _encodedDim += int(c->choices.size());
        else
            _encodedDim += 1;
    }
    indexConditions(); // search_space_conditions.cpp
}

int SearchSpace::indexOf(const std::string& name) const
{
    for (size_t i = 0; i < _params.size(); ++i)
        if (nameOf(_params[i]) == name) return int(i);
    return -1;
}

// ---- validation -------------------------------------------------------------

namespace {

void checkFinite(const std::string& ctx, const char* field, double v)
{
    if (!std::isfinite(v))
        throw std::invalid_argument(ctx + "'" + field + "' must be a finite number (" + field + " = " +
                                    formatNumber(v) + ")");
}

void checkBounds(const std::string& ctx, double low, double high, bool log)
{
    checkFinite(ctx, "low", low);
    checkFinite(ctx, "high", high);
    if (!(low < high))
        throw std::invalid_argument(ctx + "needs low < high (low = " + formatNumber(low) +
                                    ", high = " + formatNumber(high) + ")");
    if (log && !(low > 0))
        throw std::invalid_argument(ctx + "log scale needs low > 0 (low = " + formatNumber(low) + ")");
}

void validateParam(const std::string& ctx, const FloatParam& p)
{
    checkBounds(ctx, p.low, p.high, p.log);
    if (!p.step) return;
    const double step = *p.step;
    if (p.log)
        throw std::invalid_argument(ctx + "'step' cannot be combined with log scale (a step is linear; "
                                          "drop 'step' or 'log')");
    checkFinite(ctx, "step", step);
    if (!(step > 0))
        throw std::invalid_argument(ctx + "'step' must be > 0 (step = " + formatNumber(step) + ")");
    const double r = (p.high - p.low) / step;
    if (std::round(r) < 1 || std::abs(r - std::round(r)) > detail::kStepTolerance)
        throw std::invalid_argument(ctx + "'step' must divide high - low (high - low = " +
                                    formatNumber(p.high - p.low) + ", step = " + formatNumber(step) + ")");
}

void validateParam(const std::string& ctx, const IntParam& p)
{
    checkFinite(ctx, "low", p.low);
    checkFinite(ctx, "high", p.high);
    for (double v : {p.low, p.high}) {
        const std::string which = (v == p.low ? "low = " : "high = ") + formatNumber(v);
        if (v != std::trunc(v)) throw std::invalid_argument(ctx + "int bounds must be integers (" + which + ")");
        if (std::abs(v) > detail::kMaxExactInteger)
            throw std::invalid_argument(ctx + "int bounds must be at most 2^53 in magnitude (" + which + ")");
    }
    checkBounds(ctx, p.low, p.high, p.log);
}

void validateParam(const std::string& ctx, const CategoricalParam& p)
{
    if (p.choices.empty()) throw std::invalid_argument(ctx + "needs at least one choice");
    for (size_t k = 0; k < p.choices.size(); ++k) {
        const Choice& c = p.choices[k];
        if (const auto* d = std::get_if<double>(&c); d && !std::isfinite(*d))
            throw std::invalid_argument(ctx + "choice #" + std::to_string(k + 1) + " must be a finite number (got " +
                                        formatNumber(*d) + ")");
        for (size_t m = 0; m < k; ++m)
            if (p.choices[m] == c)
                throw std::invalid_argument(ctx + "duplicate choice '" + choiceToString(c) + "' (choices #" +
                                            std::to_string(m + 1) + " and #" + std::to_string(k + 1) + ")");
    }
}

} // namespace

void checkParameterName(const std::string& name, const std::string& ctx)
{
    if (name.size() > kMaxParameterNameLength)
        throw std::invalid_argument(ctx + "name is " + std::to_string(name.size()) + " bytes long (at most " +
                                    std::to_string(kMaxParameterNameLength) + ")");
    if (name.find_first_of("/\\") != std::string::npos)
        throw std::invalid_argument(ctx + "name must not contain '/' or '\\' (names become file names)");
    if (printable(name) != name)
        throw std::invalid_argument(ctx + "name must not contain control characters or invalid UTF-8");
    if (name == "." || name == "..") throw std::invalid_argument(ctx + "name must not be '.' or '..'");
}

void SearchSpace::validate(const std::string& source) const
{
    if (_params.empty()) throw std::invalid_argument(prefix(source) + "the search space has no parameters");
    for (size_t i = 0; i < _params.size(); ++i) {
        const std::string& name = nameOf(_params[i]);
        if (name.empty())
            throw std::invalid_argument(prefix(source) + "parameter #" + std::to_string(i + 1) +
                                        ": name must not be empty");
        checkParameterName(name, paramContext(source, printable(name)));
        for (size_t j = 0; j < i; ++j)
            if (nameOf(_params[j]) == name)
                throw std::invalid_argument(paramContext(source, name) + "duplicate name (parameters #" +
                                            std::to_string(j + 1) + " and #" + std::to_string(i + 1) + ")");
        const std::string ctx = paramContext(source, name);
        std::visit([&](const auto& p) { validateParam(ctx, p); }, _params[i]);
    }
    validateConditions(source); // search_space_conditions.cpp
}

// ---- JSON ---------------------------------------------------------------------

namespace {

const json& field(const json& o, const char* key, const std::string& ctx)
{
    auto it = o.find(key);
    if (it == o.end()) throw std::invalid_argument(ctx + "missing '" + key + "'");
    return *it;
}

double numberField(const json& o, const char* key, const std::string& ctx)
{
    const json& v = field(o, key, ctx);
    if (!v.is_number()) throw std::invalid_argument(ctx + "'" + key + "' must be a number");
    return v.get<double>();
}

Param paramFromJson(const json& p, size_t i, const std::string& source)
{
    const std::string where = prefix(source) + "parameter #" + std::to_string(i + 1) + ": ";
    if (!p.is_object()) throw std::invalid_argument(where + "must be a JSON object");
    auto nameIt = p.find("name");
    if (nameIt == p.end()) throw std::invalid_argument(where + "missing 'name'");
    if (!nameIt->is_string()) throw std::invalid_argument(where + "'name' must be a string");
    const std::string name = nameIt->get<std::string>();
    if (name.empty()) throw std::invalid_argument(where + "'name' must not be empty");
    const std::string ctx = paramContext(source, name);

    auto typeIt = p.find("type");
    if (typeIt == p.end()) throw std::invalid_argument(ctx + "missing 'type' (float, int or categorical)");
    if (!typeIt->is_string()) throw std::invalid_argument(ctx + "'type' must be a string");
    const std::string type = typeIt->get<std::string>();

    static const std::set<std::string> floatKeys{"name", "type", "low", "high", "log", "step", "when"};
    static const std::set<std::string> intKeys{"name", "type", "low", "high", "log", "when"};
    static const std::set<std::string> catKeys{"name", "type", "choices", "when"};
    const std::set<std::string>* keys = nullptr;
    std::string keyList;
    if (type == "float") {
        keys = &floatKeys;
        keyList = "name, type, low, high, log, step, when";
    } else if (type == "int") {
        keys = &intKeys;
        keyList = "name, type, low, high, log, when";
    } else if (type == "categorical") {
        keys = &catKeys;
        keyList = "name, type, choices, when";
    } else {
        throw std::invalid_argument(ctx + "unknown type '" + type + "' (expected float, int or categorical)");
    }
    for (const auto& item : p.items())
        if (!keys->count(item.key()))
            throw std::invalid_argument(ctx + "unknown key '" + item.key() + "' (a " + type +
                                        " parameter takes " + keyList + ")");

    std::vector<Condition> when;
    if (auto it = p.find("when"); it != p.end()) when = conditionsFromJson(*it, ctx);

    if (type == "categorical") {
        const json& choices = field(p, "choices", ctx);
        if (!choices.is_array()) throw std::invalid_argument(ctx + "'choices' must be an array");
        CategoricalParam c{name, {}, std::move(when)};
        for (size_t k = 0; k < choices.size(); ++k) {
            const json& v = choices[k];
            if (v.is_string())
                c.choices.emplace_back(v.get<std::string>());
            else if (v.is_number())
                c.choices.emplace_back(v.get<double>());
            else if (v.is_boolean())
                c.choices.emplace_back(v.get<bool>());
            else
                throw std::invalid_argument(ctx + "choice #" + std::to_string(k + 1) +
                                            " must be a string, a number or true/false");
        }
        return c;
    }
    const double low = numberField(p, "low", ctx);
    const double high = numberField(p, "high", ctx);
    bool log = false;
    if (auto it = p.find("log"); it != p.end()) {
        if (!it->is_boolean()) throw std::invalid_argument(ctx + "'log' must be true or false");
        log = it->get<bool>();
    }
    if (type == "int") return IntParam{name, low, high, log, std::move(when)};
    FloatParam f{name, low, high, log, std::nullopt, std::move(when)};
    if (p.contains("step")) f.step = numberField(p, "step", ctx);
    return f;
}

} // namespace

SearchSpace SearchSpace::fromJson(const json& j, const std::string& source)
{
    if (isAxFormat(j)) return fromAxJson(j, source); // Ax's parameter lists (ax_format.h)
    if (!j.is_object())
        throw std::invalid_argument(prefix(source) + "a search space must be a JSON object {\"parameters\": [...]}");
    for (const auto& item : j.items())
        if (item.key() != "parameters")
            throw std::invalid_argument(prefix(source) + "unknown key '" + item.key() + "' (expected 'parameters')");
    auto it = j.find("parameters");
    if (it == j.end()) throw std::invalid_argument(prefix(source) + "missing 'parameters'");
    if (!it->is_array() || it->empty())
        throw std::invalid_argument(prefix(source) + "'parameters' must be a non-empty array");
    SearchSpace s;
    for (size_t i = 0; i < it->size(); ++i) s._params.push_back(paramFromJson((*it)[i], i, source));
    s.validate(source);
    s.index();
    return s;
}

json SearchSpace::toJson() const
{
    // Omits "log": false and an absent "step"; fromJson accepts both forms.
    json params = json::array();
    for (const Param& p : _params) {
        json o;
        o["name"] = nameOf(p);
        o["type"] = typeName(p);
        if (const auto* f = std::get_if<FloatParam>(&p)) {
            o["low"] = f->low;
            o["high"] = f->high;
            if (f->log) o["log"] = true;
            if (f->step) o["step"] = *f->step;
        } else if (const auto* n = std::get_if<IntParam>(&p)) {
            o["low"] = static_cast<std::int64_t>(n->low);
            o["high"] = static_cast<std::int64_t>(n->high);
            if (n->log) o["log"] = true;
        } else {
            json choices = json::array();
            for (const Choice& c : std::get<CategoricalParam>(p).choices) choices.push_back(detail::choiceToJson(c));
            o["choices"] = std::move(choices);
        }
        if (!conditionsOf(p).empty()) o["when"] = conditionsToJson(conditionsOf(p));
        params.push_back(std::move(o));
    }
    return json{{"parameters", std::move(params)}};
}

SearchSpace SearchSpace::load(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw IoError("cannot open " + path + ": " + std::strerror(errno));
    std::ostringstream buf;
    buf << in.rdbuf();
    if (in.bad()) throw IoError("cannot read " + path + ": " + std::strerror(errno));
    return fromJson(parseJson(buf.str(), path), path);
}

void SearchSpace::save(const std::string& path) const
{
    const std::string text = toJson().dump(2) + "\n";
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw IoError("cannot write " + path + ": " + std::strerror(errno));
    out << text;
    out.flush();
    if (!out) throw IoError("cannot write " + path + ": " + std::strerror(errno));
}

} // namespace tw::space
