#include "space/ax_format.h"

#include "space/search_space_detail.h"

#include <nlohmann/json.hpp>

#include <set>
#include <stdexcept>

namespace tw::space {

using nlohmann::json;

namespace {

const json* parameterList(const json& j)
{
    if (j.is_array()) return &j;
    if (j.is_object() && j.size() == 1 && j.contains("parameters") && j["parameters"].is_array()) return &j["parameters"];
    return nullptr;
}

Choice choiceOf(const json& v, const std::string& ctx, const std::string& what)
{
    if (v.is_string()) return v.get<std::string>();
    if (v.is_boolean()) return v.get<bool>();
    if (v.is_number()) return v.get<double>();
    throw std::invalid_argument(ctx + what + " must be a string, a number or true/false");
}

Param axParam(const json& p, size_t i, const std::string& source)
{
    const std::string where = detail::prefix(source) + "parameter #" + std::to_string(i + 1) + ": ";
    if (!p.is_object()) throw std::invalid_argument(where + "must be a JSON object");
    if (!p.contains("name") || !p["name"].is_string() || p["name"].get<std::string>().empty())
        throw std::invalid_argument(where + "'name' must be a non-empty string");
    const std::string name = p["name"].get<std::string>();
    const std::string ctx = detail::paramContext(source, name);
    if (!p.contains("type") || !p["type"].is_string())
        throw std::invalid_argument(ctx + "missing 'type' (range, choice or fixed)");
    const std::string type = p["type"].get<std::string>();

    static const std::set<std::string> common{"name", "type", "value_type", "setting", "digits", "is_fidelity", "target_value"};
    std::set<std::string> keys = common;
    if (type == "range") keys.insert({"bounds", "log_scale"});
    else if (type == "choice") keys.insert({"values", "is_ordered", "sort_values", "is_task"});
    else if (type == "fixed") keys.insert("value");
    else throw std::invalid_argument(ctx + "unknown type '" + type + "' (an Ax parameter is range, choice or fixed)");
    for (const auto& item : p.items())
        if (!keys.count(item.key())) {
            std::string list;
            for (const auto& k : keys) list += (list.empty() ? "" : ", ") + k;
            throw std::invalid_argument(ctx + "unknown key '" + item.key() + "' (an Ax " + type + " parameter takes " + list + ")");
        }
    std::string valueType;
    if (p.contains("value_type")) {
        if (!p["value_type"].is_string()) throw std::invalid_argument(ctx + "'value_type' must be a string");
        valueType = p["value_type"].get<std::string>();
        if (valueType != "int" && valueType != "float" && valueType != "str" && valueType != "bool")
            throw std::invalid_argument(ctx + "'value_type' '" + valueType + "' is not one of int, float, str, bool");
    }

    if (type == "range") {
        if (!p.contains("bounds")) throw std::invalid_argument(ctx + "a range needs 'bounds': [low, high]");
        const json& b = p["bounds"];
        if (!b.is_array() || b.size() != 2 || !b[0].is_number() || !b[1].is_number())
            throw std::invalid_argument(ctx + "'bounds' must be [low, high] (two numbers)");
        bool log = false;
        if (p.contains("log_scale")) {
            if (!p["log_scale"].is_boolean()) throw std::invalid_argument(ctx + "'log_scale' must be true or false");
            log = p["log_scale"].get<bool>();
        }
        if (valueType == "str" || valueType == "bool")
            throw std::invalid_argument(ctx + "a range needs value_type int or float (value_type = " + valueType + ")");
        const bool integer = valueType == "int" || (valueType.empty() && b[0].is_number_integer() && b[1].is_number_integer());
        const double low = b[0].get<double>(), high = b[1].get<double>();
        if (integer) return IntParam{name, low, high, log};
        return FloatParam{name, low, high, log, std::nullopt};
    }
    if (type == "choice") {
        if (!p.contains("values") || !p["values"].is_array() || p["values"].empty())
            throw std::invalid_argument(ctx + "a choice needs 'values': a non-empty array");
        CategoricalParam c{name, {}};
        for (size_t k = 0; k < p["values"].size(); ++k)
            c.choices.push_back(choiceOf(p["values"][k], ctx, "value #" + std::to_string(k + 1)));
        return c;
    }
    if (!p.contains("value")) throw std::invalid_argument(ctx + "a fixed parameter needs 'value'");
    return CategoricalParam{name, {choiceOf(p["value"], ctx, "'value'")}};
}

} // namespace

bool isAxFormat(const json& j)
{
    const json* list = parameterList(j);
    if (!list || list->empty() || !(*list)[0].is_object()) return j.is_array();
    const json& first = (*list)[0];
    if (first.contains("bounds")) return true;
    if (!first.contains("type") || !first["type"].is_string()) return j.is_array();
    const std::string t = first["type"].get<std::string>();
    return t == "range" || t == "choice" || t == "fixed" || j.is_array();
}

SearchSpace fromAxJson(const json& j, const std::string& source)
{
    const json* list = parameterList(j);
    if (!list) throw std::invalid_argument(detail::prefix(source) + "an Ax search space is an array of parameters or {\"parameters\": [...]}");
    if (list->empty()) throw std::invalid_argument(detail::prefix(source) + "the parameter list is empty");
    std::vector<Param> params;
    for (size_t i = 0; i < list->size(); ++i) params.push_back(axParam((*list)[i], i, source));
    SearchSpace s;
    try {
        s = SearchSpace(std::move(params));
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(detail::prefix(source) + e.what());
    }
    return s;
}

} // namespace tw::space
