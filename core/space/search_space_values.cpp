// Search space: parameter values <-> JSON, legality and the unit-cube
// transform (inactive parameters at the neutral point).
#include "space/search_space.h"

#include "space/search_space_detail.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <stdexcept>
#include <string>

namespace tw::space {

using nlohmann::json;
using detail::formatNumber;
using detail::paramContext;
using detail::prefix;

namespace {

/// Number of grid points of a stepped float.
double stepCount(const FloatParam& p)
{
    return std::round((p.high - p.low) / *p.step) + 1.0;
}

/// Digits after the decimal point in the shortest form of x: 0.25 -> 2, 1e-05 -> 5.
int decimalsOf(double x)
{
    const std::string t = formatNumber(x);
    const size_t e = t.find_first_of("eE");
    const std::string mantissa = t.substr(0, e);
    const size_t dot = mantissa.find('.');
    int d = dot == std::string::npos ? 0 : int(mantissa.size() - dot - 1);
    if (e != std::string::npos) d -= std::atoi(t.c_str() + e + 1);
    return std::max(d, 0);
}

/// Grid point k of a stepped float; the last one is exactly `high`. The
/// sum low + k * step is rounded to the decimals low and step are written
/// with: in binary floating point 0.1 + 6 * 0.1 is 0.7000000000000001, and
/// users (and the trial table) should read 0.7.
double stepValue(const FloatParam& p, double k)
{
    if (k >= stepCount(p) - 1.0) return p.high;
    const double v = p.low + k * *p.step;
    const int d = std::max(decimalsOf(p.low), decimalsOf(*p.step));
    if (d > 12 || std::fabs(v) > 1e6) return v;
    const double scale = std::pow(10.0, d);
    return std::round(v * scale) / scale;
}

std::string jsonText(const json& v)
{
    return v.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string rangeText(double low, double high)
{
    return "[" + formatNumber(low) + ", " + formatNumber(high) + "]";
}

std::string choicesText(const CategoricalParam& c)
{
    std::string s;
    for (const Choice& ch : c.choices) s += (s.empty() ? "" : ", ") + choiceToString(ch);
    return s;
}

/// Index of the choice that `v` names, or -1. A string matches a string
/// choice, a number a numeric choice; failing that, the text of a choice
/// ("32" for the number 32, 1 for the string "1").
int matchChoice(const CategoricalParam& c, const json& v)
{
    if (v.is_boolean()) {
        for (size_t k = 0; k < c.choices.size(); ++k)
            if (const auto* cb = std::get_if<bool>(&c.choices[k]); cb && *cb == v.get<bool>()) return int(k);
        return -1;
    }
    if (v.is_string()) {
        const std::string s = v.get<std::string>();
        for (size_t k = 0; k < c.choices.size(); ++k)
            if (const auto* cs = std::get_if<std::string>(&c.choices[k]); cs && *cs == s) return int(k);
        for (size_t k = 0; k < c.choices.size(); ++k)
            if (const auto* cb = std::get_if<bool>(&c.choices[k]); cb && (*cb ? "true" : "false") == s) return int(k);
        char* end = nullptr;
        const double d = std::strtod(s.c_str(), &end);
        if (!s.empty() && end && *end == '\0')
            for (size_t k = 0; k < c.choices.size(); ++k)
                if (const auto* cd = std::get_if<double>(&c.choices[k]); cd && *cd == d) return int(k);
    } else if (v.is_number()) {
        const double d = v.get<double>();
        for (size_t k = 0; k < c.choices.size(); ++k)
            if (const auto* cd = std::get_if<double>(&c.choices[k]); cd && *cd == d) return int(k);
        const std::string s = formatNumber(d);
        for (size_t k = 0; k < c.choices.size(); ++k)
            if (const auto* cs = std::get_if<std::string>(&c.choices[k]); cs && *cs == s) return int(k);
    }
    return -1;
}

double valueFromJson(const Param& param, const json& v, const std::string& ctx)
{
    if (const auto* c = std::get_if<CategoricalParam>(&param)) {
        if (!v.is_string() && !v.is_number() && !v.is_boolean())
            throw std::invalid_argument(ctx + "value must be a string, a number or true/false (got " + jsonText(v) + ")");
        const int k = matchChoice(*c, v);
        if (k < 0)
            throw std::invalid_argument(ctx + jsonText(v) + " is not one of the choices (" + choicesText(*c) + ")");
        return double(k);
    }
    if (!v.is_number()) throw std::invalid_argument(ctx + "value must be a number (got " + jsonText(v) + ")");
    const double d = v.get<double>();
    if (!std::isfinite(d)) throw std::invalid_argument(ctx + "value must be a finite number");
    if (const auto* n = std::get_if<IntParam>(&param)) {
        if (d != std::trunc(d))
            throw std::invalid_argument(ctx + "value must be an integer (got " + formatNumber(d) + ")");
        if (d < n->low || d > n->high)
            throw std::invalid_argument(ctx + "value " + formatNumber(d) + " is outside " + rangeText(n->low, n->high));
        return d;
    }
    const auto& f = std::get<FloatParam>(param);
    if (d < f.low || d > f.high)
        throw std::invalid_argument(ctx + "value " + formatNumber(d) + " is outside " + rangeText(f.low, f.high));
    if (!f.step) return d;
    const double k = (d - f.low) / *f.step;
    if (std::abs(k - std::round(k)) > detail::kStepTolerance)
        throw std::invalid_argument(ctx + "value " + formatNumber(d) + " is not on the grid low + k * step (step = " +
                                    formatNumber(*f.step) + ")");
    return stepValue(f, std::round(k)); // canonical grid point
}

} // namespace

bool SearchSpace::contains(size_t i, double value) const
{
    if (i >= _params.size() || !std::isfinite(value)) return false;
    const Param& param = _params[i];
    if (const auto* c = std::get_if<CategoricalParam>(&param))
        return value == std::trunc(value) && value >= 0 && value < double(c->choices.size());
    if (const auto* n = std::get_if<IntParam>(&param))
        return value == std::trunc(value) && value >= n->low && value <= n->high;
    const auto& f = std::get<FloatParam>(param);
    if (value < f.low || value > f.high) return false;
    if (!f.step) return true;
    const double k = (value - f.low) / *f.step;
    return std::abs(k - std::round(k)) <= detail::kStepTolerance;
}

json SearchSpace::valuesToJson(const std::vector<double>& values) const
{
    if (values.size() != _params.size())
        throw std::invalid_argument("expected " + std::to_string(_params.size()) + " parameter values, got " +
                                    std::to_string(values.size()));
    json o = json::object();
    const std::vector<bool> act = active(values);
    for (size_t i = 0; i < _params.size(); ++i) {
        if (!act[i]) continue; // inactive: left out, whatever its value
        const Param& param = _params[i];
        const std::string& name = nameOf(param);
        const double v = values[i];
        if (!contains(i, v)) {
            std::string why = "value " + formatNumber(v) + " is not a legal value";
            if (const auto* c = std::get_if<CategoricalParam>(&param))
                why = "choice index " + formatNumber(v) + " is out of range (" + std::to_string(c->choices.size()) +
                      " choices)";
            throw std::invalid_argument(paramContext({}, name) + why);
        }
        if (const auto* c = std::get_if<CategoricalParam>(&param)) {
            const Choice& ch = c->choices[size_t(v)];
            if (const auto* s = std::get_if<std::string>(&ch))
                o[name] = *s;
            else if (const auto* b = std::get_if<bool>(&ch))
                o[name] = *b;
            else
                o[name] = detail::numberToJson(std::get<double>(ch));
        } else if (std::holds_alternative<IntParam>(param)) {
            o[name] = static_cast<std::int64_t>(v);
        } else {
            o[name] = v;
        }
    }
    return o;
}

std::vector<double> SearchSpace::valuesFromJson(const json& j, const std::string& source) const
{
    if (!j.is_object())
        throw std::invalid_argument(prefix(source) + "parameter values must be a JSON object keyed by name (got " +
                                    jsonText(j) + ")");
    for (const auto& item : j.items())
        if (indexOf(item.key()) < 0) {
            std::string names;
            for (const Param& p : _params) names += (names.empty() ? "" : ", ") + nameOf(p);
            throw std::invalid_argument(prefix(source) + "unknown parameter '" + item.key() + "' (the space has " +
                                        names + ")");
        }
    // Parents before children: whether a parameter is active depends on its
    // parents' values.
    std::vector<double> values(_params.size(), std::numeric_limits<double>::quiet_NaN());
    for (size_t i : _order) {
        const Param& param = _params[i];
        const std::string ctx = paramContext(source, nameOf(param));
        auto it = j.find(nameOf(param));
        const std::string why = _conditional ? inactiveReason(i, values) : std::string();
        if (!why.empty()) {
            if (it != j.end()) throw std::invalid_argument(prefix(source) + "parameter '" + nameOf(param) + "' is inactive: " + why);
            continue;
        }
        if (it == j.end()) throw std::invalid_argument(ctx + "missing value");
        values[i] = valueFromJson(param, *it, ctx);
    }
    return values;
}

// ---- unit cube ------------------------------------------------------------------

int SearchSpace::encodedDim() const
{
    return _encodedDim;
}

int SearchSpace::encodedOffset(size_t i) const
{
    if (i >= _offsets.size()) throw std::out_of_range("encodedOffset: parameter index out of range");
    return _offsets[i];
}

namespace {

/// Cell mapping of an integer-valued index over [low - 0.5, high + 0.5].
double intToUnit(double v, double low, double high, bool log)
{
    if (log) {
        const double a = std::log(low - 0.5), b = std::log(high + 0.5);
        return (std::log(v) - a) / (b - a);
    }
    return (v - low + 0.5) / (high - low + 1.0);
}

double intFromUnit(double u, double low, double high, bool log)
{
    double x;
    if (log) {
        const double a = std::log(low - 0.5), b = std::log(high + 0.5);
        x = std::exp(a + u * (b - a));
    } else {
        x = low - 0.5 + u * (high - low + 1.0);
    }
    return std::clamp(std::round(x), low, high);
}

double clampUnit(double u)
{
    return std::isnan(u) ? 0.5 : std::clamp(u, 0.0, 1.0);
}

} // namespace

Eigen::VectorXd SearchSpace::toUnit(const std::vector<double>& values) const
{
    if (values.size() != _params.size())
        throw std::invalid_argument("toUnit: expected " + std::to_string(_params.size()) + " values, got " +
                                    std::to_string(values.size()));
    Eigen::VectorXd u = Eigen::VectorXd::Zero(_encodedDim);
    const std::vector<bool> act = active(values);
    for (size_t i = 0; i < _params.size(); ++i) {
        const Param& param = _params[i];
        const double v = values[i];
        const int off = _offsets[i];
        if (!act[i] || std::isnan(v)) { // the neutral point
            for (int k = 0; k < encodedWidth(i); ++k) u[off + k] = neutralUnit(off + k);
            continue;
        }
        if (const auto* c = std::get_if<CategoricalParam>(&param)) {
            if (!contains(i, v))
                throw std::invalid_argument(paramContext({}, c->name) + "choice index " + formatNumber(v) +
                                            " is out of range (" + std::to_string(c->choices.size()) + " choices)");
            u[off + int(v)] = 1.0;
        } else if (const auto* n = std::get_if<IntParam>(&param)) {
            u[off] = intToUnit(v, n->low, n->high, n->log);
        } else {
            const auto& f = std::get<FloatParam>(param);
            if (f.step)
                u[off] = intToUnit(std::round((v - f.low) / *f.step), 0.0, stepCount(f) - 1.0, false);
            else if (f.log)
                u[off] = (std::log(v) - std::log(f.low)) / (std::log(f.high) - std::log(f.low));
            else
                u[off] = (v - f.low) / (f.high - f.low);
        }
    }
    return u;
}

int SearchSpace::encodedWidth(size_t i) const
{
    if (i >= _params.size()) throw std::out_of_range("encodedWidth: parameter index out of range");
    if (const auto* c = std::get_if<CategoricalParam>(&_params[i])) return int(c->choices.size());
    return 1;
}

double SearchSpace::neutralUnit(int encodedIndex) const
{
    if (encodedIndex < 0 || encodedIndex >= _encodedDim) throw std::out_of_range("neutralUnit: index out of range");
    const auto it = std::upper_bound(_offsets.begin(), _offsets.end(), encodedIndex);
    const size_t i = size_t(it - _offsets.begin()) - 1;
    return std::holds_alternative<CategoricalParam>(_params[i]) ? 0.0 : 0.5;
}

std::vector<double> SearchSpace::fromUnit(const Eigen::VectorXd& u) const
{
    std::vector<double> values = fromUnitAll(u);
    deactivate(values);
    return values;
}

std::vector<double> SearchSpace::fromUnitAll(const Eigen::VectorXd& u) const
{
    if (u.size() != _encodedDim)
        throw std::invalid_argument("fromUnit: expected " + std::to_string(_encodedDim) + " coordinates, got " +
                                    std::to_string(u.size()));
    std::vector<double> values(_params.size());
    for (size_t i = 0; i < _params.size(); ++i) {
        const Param& param = _params[i];
        const int off = _offsets[i];
        if (const auto* c = std::get_if<CategoricalParam>(&param)) {
            int best = 0;
            double bestValue = clampUnit(u[off]);
            for (int k = 1; k < int(c->choices.size()); ++k) {
                const double x = clampUnit(u[off + k]);
                if (x > bestValue) {
                    best = k;
                    bestValue = x;
                }
            }
            values[i] = double(best);
            continue;
        }
        const double x = clampUnit(u[off]);
        if (const auto* n = std::get_if<IntParam>(&param)) {
            values[i] = intFromUnit(x, n->low, n->high, n->log);
            continue;
        }
        const auto& f = std::get<FloatParam>(param);
        double v;
        if (f.step)
            v = stepValue(f, intFromUnit(x, 0.0, stepCount(f) - 1.0, false));
        else if (f.log)
            v = std::exp(std::log(f.low) + x * (std::log(f.high) - std::log(f.low)));
        else
            v = f.low + x * (f.high - f.low);
        values[i] = std::clamp(v, f.low, f.high);
    }
    return values;
}

} // namespace tw::space
