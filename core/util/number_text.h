#pragma once
// Numbers written as text for people and other programs: the shortest form
// that reads back as the same double (std::to_chars), never float noise such
// as 0.88119999999999998.
#include <charconv>
#include <cmath>
#include <string>

namespace tw {

/// "0.8812", "1e-05", "3"; "nan", "inf", "-inf" for non-finite values.
inline std::string shortestText(double v)
{
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

} // namespace tw
