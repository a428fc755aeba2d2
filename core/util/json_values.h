#pragma once
// Reading typed values out of JSON settings the same way everywhere: an
// integer may be written 3 or 3.0, a flag true / false or 1 / 0. Each
// returns nullopt for a value of another kind, and the caller names the file,
// field and rule in its own message.
#include <nlohmann/json.hpp>

#include <cmath>
#include <optional>

namespace tw {

/// An integer in [lo, hi], from a JSON integer or an integral float.
inline std::optional<long long> jsonInteger(const nlohmann::json& v, long long lo, long long hi)
{
    if (v.is_number_unsigned()) {
        const auto n = v.get<unsigned long long>();
        if (hi >= 0 && n <= static_cast<unsigned long long>(hi) && static_cast<long long>(n) >= lo) return static_cast<long long>(n);
    } else if (v.is_number_integer()) {
        const auto n = v.get<long long>();
        if (n >= lo && n <= hi) return n;
    } else if (v.is_number_float()) {
        const double d = v.get<double>();
        if (std::isfinite(d) && d == std::floor(d) && d >= double(lo) && d <= double(hi)) return static_cast<long long>(d);
    }
    return std::nullopt;
}

/// Any JSON number.
inline std::optional<double> jsonNumber(const nlohmann::json& v)
{
    if (!v.is_number()) return std::nullopt;
    return v.get<double>();
}

/// true / false, or the numbers 1 / 0.
inline std::optional<bool> jsonFlag(const nlohmann::json& v)
{
    if (v.is_boolean()) return v.get<bool>();
    if (v.is_number() && (v.get<double>() == 0.0 || v.get<double>() == 1.0)) return v.get<double>() != 0.0;
    return std::nullopt;
}

} // namespace tw
