// Search space: conditional parameters ("when"): their JSON form, validation,
// which parameters are active at given values, and the cardinality, which
// counts every branch separately.
#include "space/search_space.h"

#include "space/search_space_detail.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>

namespace tw::space {

using nlohmann::json;
using detail::formatNumber;
using detail::paramContext;
using detail::prefix;

namespace detail {

json choiceToJson(const Choice& c)
{
    if (const auto* s = std::get_if<std::string>(&c)) return *s;
    if (const auto* b = std::get_if<bool>(&c)) return *b;
    return numberToJson(std::get<double>(c));
}

std::vector<Condition> conditionsFromJson(const json& when, const std::string& ctx)
{
    if (!when.is_object() || when.empty())
        throw std::invalid_argument(ctx + "'when' must be an object naming at least one parent, e.g. "
                                          "{\"family\": [\"random_forest\"]}");
    std::vector<Condition> out;
    for (const auto& item : when.items()) {
        const json& list = item.value();
        if (!list.is_array())
            throw std::invalid_argument(ctx + "'when': the values for '" + item.key() +
                                        "' must be an array of its choices (got " + list.dump() + ")");
        Condition c{item.key(), {}};
        for (const json& v : list) {
            if (v.is_string())
                c.values.emplace_back(v.get<std::string>());
            else if (v.is_boolean())
                c.values.emplace_back(v.get<bool>());
            else if (v.is_number())
                c.values.emplace_back(v.get<double>());
            else
                throw std::invalid_argument(ctx + "'when': a value for '" + item.key() +
                                            "' must be a string, a number or true/false (got " + v.dump() + ")");
        }
        out.push_back(std::move(c));
    }
    return out;
}

json conditionsToJson(const std::vector<Condition>& when)
{
    json o = json::object();
    for (const Condition& c : when) {
        json values = json::array();
        for (const Choice& v : c.values) values.push_back(choiceToJson(v));
        o[c.parent] = std::move(values);
    }
    return o;
}

} // namespace detail

std::string conditionText(const Condition& c)
{
    std::string values;
    for (const Choice& v : c.values) values += (values.empty() ? "" : ", ") + choiceToString(v);
    return c.parent + " in [" + values + "]";
}

namespace {

std::string choiceJsonText(const Choice& c)
{
    return detail::choiceToJson(c).dump();
}

} // namespace

void SearchSpace::validateConditions(const std::string& source) const
{
    for (const Param& param : _params) {
        const std::string& name = nameOf(param);
        const std::string ctx = paramContext(source, name);
        const auto& when = conditionsOf(param);
        for (size_t k = 0; k < when.size(); ++k) {
            const Condition& c = when[k];
            if (c.parent == name) throw std::invalid_argument(ctx + "'when' cannot name the parameter itself");
            for (size_t m = 0; m < k; ++m)
                if (when[m].parent == c.parent)
                    throw std::invalid_argument(ctx + "'when' names '" + c.parent + "' twice");
            const int j = indexOf(c.parent);
            if (j < 0) {
                std::string names;
                for (const Param& p : _params) names += (names.empty() ? "" : ", ") + nameOf(p);
                throw std::invalid_argument(ctx + "'when' names an unknown parameter '" + c.parent +
                                            "' (the space has " + names + ")");
            }
            const auto* parent = std::get_if<CategoricalParam>(&_params[size_t(j)]);
            if (!parent)
                throw std::invalid_argument(ctx + "'when': parent '" + c.parent + "' must be categorical (it is " +
                                            typeName(_params[size_t(j)]) + ")");
            if (c.values.empty())
                throw std::invalid_argument(ctx + "'when': the list of values for '" + c.parent +
                                            "' must not be empty");
            for (size_t v = 0; v < c.values.size(); ++v) {
                bool found = false;
                for (const Choice& ch : parent->choices) found = found || ch == c.values[v];
                if (!found) {
                    std::string choices;
                    for (const Choice& ch : parent->choices) choices += (choices.empty() ? "" : ", ") + choiceJsonText(ch);
                    throw std::invalid_argument(ctx + "'when': " + choiceJsonText(c.values[v]) +
                                                " is not one of the choices of '" + c.parent + "' (" + choices + ")");
                }
                for (size_t m = 0; m < v; ++m)
                    if (c.values[m] == c.values[v])
                        throw std::invalid_argument(ctx + "'when': " + choiceJsonText(c.values[v]) +
                                                    " is listed twice for '" + c.parent + "'");
            }
        }
    }
    // Cycles: a depth-first search over child -> parent edges.
    const size_t n = _params.size();
    std::vector<int> state(n, 0); // 0 new, 1 on the stack, 2 done
    std::vector<size_t> stack;
    std::function<void(size_t)> visit = [&](size_t i) {
        state[i] = 1;
        stack.push_back(i);
        for (const Condition& c : conditionsOf(_params[i])) {
            const size_t j = size_t(indexOf(c.parent));
            if (state[j] == 1) {
                std::string path;
                size_t from = 0;
                while (stack[from] != j) ++from;
                for (size_t s = from; s < stack.size(); ++s) path += nameOf(_params[stack[s]]) + " -> ";
                path += nameOf(_params[j]);
                throw std::invalid_argument(paramContext(source, nameOf(_params[j])) +
                                            "'when' conditions form a cycle (" + path + ")");
            }
            if (state[j] == 0) visit(j);
        }
        stack.pop_back();
        state[i] = 2;
    };
    for (size_t i = 0; i < n; ++i)
        if (state[i] == 0) visit(i);
}

void SearchSpace::indexConditions()
{
    const size_t n = _params.size();
    _conditions.assign(n, {});
    _conditional = false;
    for (size_t i = 0; i < n; ++i)
        for (const Condition& c : conditionsOf(_params[i])) {
            const int j = indexOf(c.parent);
            const auto* parent = j >= 0 ? std::get_if<CategoricalParam>(&_params[size_t(j)]) : nullptr;
            if (!parent) continue; // validate() rejects this space
            ResolvedCondition r{size_t(j), std::vector<bool>(parent->choices.size(), false)};
            for (size_t k = 0; k < parent->choices.size(); ++k)
                for (const Choice& v : c.values) r.allowed[k] = r.allowed[k] || parent->choices[k] == v;
            _conditions[i].push_back(std::move(r));
            _conditional = true;
        }
    // Parents before children; otherwise the order of the list.
    _order.clear();
    std::vector<bool> placed(n, false);
    while (_order.size() < n) {
        bool progress = false;
        for (size_t i = 0; i < n; ++i) {
            if (placed[i]) continue;
            bool ready = true;
            for (const auto& c : _conditions[i]) ready = ready && placed[c.parent];
            if (!ready) continue;
            placed[i] = true;
            _order.push_back(i);
            progress = true;
            break;
        }
        if (!progress) { // a cycle (validate() rejects it): keep the list order
            for (size_t i = 0; i < n; ++i)
                if (!placed[i]) _order.push_back(i);
            break;
        }
    }
}

bool SearchSpace::holds(const ResolvedCondition& c, const std::vector<bool>& active,
                        const std::vector<double>& values) const
{
    if (!active[c.parent]) return false;
    const double v = values[c.parent];
    if (!std::isfinite(v) || v != std::trunc(v) || v < 0 || v >= double(c.allowed.size())) return false;
    return c.allowed[size_t(v)];
}

std::vector<bool> SearchSpace::active(const std::vector<double>& values) const
{
    if (values.size() != _params.size())
        throw std::invalid_argument("active: expected " + std::to_string(_params.size()) + " values, got " +
                                    std::to_string(values.size()));
    std::vector<bool> a(_params.size(), true);
    if (!_conditional) return a;
    for (size_t i : _order)
        for (const auto& c : _conditions[i])
            if (!holds(c, a, values)) {
                a[i] = false;
                break;
            }
    return a;
}

void SearchSpace::deactivate(std::vector<double>& values) const
{
    if (!_conditional) return;
    const std::vector<bool> a = active(values);
    for (size_t i = 0; i < values.size(); ++i)
        if (!a[i]) values[i] = std::numeric_limits<double>::quiet_NaN();
}

std::string SearchSpace::inactiveReason(size_t i, const std::vector<double>& values) const
{
    const std::vector<bool> a = active(values);
    if (i >= _params.size() || a[i]) return {};
    const auto& when = conditionsOf(_params[i]);
    for (size_t k = 0; k < _conditions[i].size(); ++k) {
        const auto& c = _conditions[i][k];
        if (holds(c, a, values)) continue;
        const std::string& parent = nameOf(_params[c.parent]);
        std::string now;
        if (!a[c.parent]) {
            now = parent + " is inactive";
        } else {
            const double v = values[c.parent];
            const auto& choices = std::get<CategoricalParam>(_params[c.parent]).choices;
            now = parent + " = " +
                  (contains(c.parent, v) ? choiceToString(choices[size_t(v)]) : formatNumber(v));
        }
        return "it needs " + conditionText(when[k]) + " (" + now + ")";
    }
    return {};
}

bool SearchSpace::contains(const std::vector<double>& values) const
{
    if (values.size() != _params.size()) return false;
    const std::vector<bool> a = active(values);
    for (size_t i = 0; i < values.size(); ++i)
        if (a[i] ? !contains(i, values[i]) : !std::isnan(values[i])) return false;
    return true;
}

std::optional<double> SearchSpace::cardinality() const
{
    constexpr double kMax = 1e12;
    constexpr long kMaxBranches = 1000000;
    const size_t n = _params.size();
    // How many values each parameter takes; nullopt for a continuous float.
    std::vector<std::optional<double>> count(n);
    for (size_t i = 0; i < n; ++i) {
        const Param& param = _params[i];
        if (const auto* c = std::get_if<CategoricalParam>(&param))
            count[i] = double(c->choices.size());
        else if (const auto* ip = std::get_if<IntParam>(&param))
            count[i] = ip->high - ip->low + 1.0;
        else if (const auto& f = std::get<FloatParam>(param); f.step)
            count[i] = std::round((f.high - f.low) / *f.step) + 1.0;
    }
    // Branch over the parents (in dependency order); in each branch, multiply
    // the counts of the other parameters that are active.
    std::vector<bool> isParent(n, false);
    for (const auto& conds : _conditions)
        for (const auto& c : conds) isParent[c.parent] = true;
    std::vector<size_t> parents;
    for (size_t i : _order)
        if (isParent[i]) parents.push_back(i);

    std::vector<double> values(n, std::numeric_limits<double>::quiet_NaN());
    std::vector<bool> act(n, false);
    auto activeNow = [&](size_t i) {
        for (const auto& c : _conditions[i])
            if (!holds(c, act, values)) return false;
        return true;
    };
    double total = 0.0;
    long branches = 0;
    bool unbounded = false;
    std::function<void(size_t)> branch = [&](size_t p) {
        if (unbounded) return;
        if (p == parents.size()) {
            if (++branches > kMaxBranches) {
                unbounded = true;
                return;
            }
            double product = 1.0;
            for (size_t i = 0; i < n && !unbounded; ++i) {
                if (isParent[i] || !activeNow(i)) continue; // parents: counted by the branching
                if (!count[i]) unbounded = true;
                else product *= *count[i];
            }
            total += product;
            if (total > kMax) unbounded = true;
            return;
        }
        const size_t j = parents[p];
        act[j] = activeNow(j);
        if (!act[j]) {
            values[j] = std::numeric_limits<double>::quiet_NaN();
            branch(p + 1);
            return;
        }
        for (double k = 0; k < *count[j] && !unbounded; ++k) {
            values[j] = k;
            branch(p + 1);
        }
        act[j] = false;
        values[j] = std::numeric_limits<double>::quiet_NaN();
    };
    branch(0);
    if (unbounded) return std::nullopt;
    return total;
}

} // namespace tw::space
