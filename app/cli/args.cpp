#include "cli/args.h"

#include <charconv>
#include <cmath>
#include <limits>

namespace tw::cli {

namespace {

const FlagSpec* findSpec(const std::vector<FlagSpec>& specs, const std::string& name)
{
    for (const FlagSpec& s : specs)
        if (s.name == name)
            return &s;
    return nullptr;
}

} // namespace

std::string expected(const std::string& flag, const std::string& rule, const std::string& text)
{
    return "--" + flag + ": expected " + rule + " (got '" + text + "')";
}

namespace {

/// The decimal order of magnitude of a number written in plain digits with
/// an optional exponent ("1000", "0.002", "12e5"): the exponent of its
/// leading significant digit; nullopt when every digit is zero.
std::optional<long long> decimalOrder(const char* begin, const char* end)
{
    const char* p = begin;
    if (p != end && *p == '-') ++p;
    long long order = 0;
    bool significant = false, pastPoint = false;
    long long position = 0; // digits before the point, counted from the first significant one
    for (; p != end && *p != 'e' && *p != 'E'; ++p) {
        if (*p == '.') {
            pastPoint = true;
            continue;
        }
        if (!significant && *p == '0') {
            if (pastPoint) --position;
            continue;
        }
        if (!significant) {
            significant = true;
            order = pastPoint ? position - 1 : 0;
        } else if (!pastPoint) {
            ++order;
        }
    }
    if (!significant) return std::nullopt;
    if (p != end) {
        long long exponent = 0;
        const auto r = std::from_chars(p + 1 + (p + 1 != end && p[1] == '+'), end, exponent);
        if (r.ec == std::errc::result_out_of_range) exponent = p[1] == '-' ? -(1LL << 40) : (1LL << 40);
        order += exponent;
    }
    return order;
}

} // namespace

std::optional<double> parseDouble(const std::string& text)
{
    const char* begin = text.data();
    const char* end = begin + text.size();
    if (begin != end && *begin == '+')
        ++begin;
    // One sign at most: "+-2" and "++2" are not numbers.
    if (begin == end || *begin == ' ' || (begin != text.data() && (*begin == '-' || *begin == '+')))
        return std::nullopt;
    double v = 0.0;
    auto [ptr, ec] = std::from_chars(begin, end, v, std::chars_format::general);
    if (ptr != end)
        return std::nullopt;
    if (ec == std::errc::result_out_of_range) {
        // Too large for a double (1e999, or 1 followed by 400 zeros) reads
        // as infinity, which every caller rejects as not finite; too small
        // (1e-999) as zero, like strtod.
        const bool negative = *begin == '-';
        const auto order = decimalOrder(begin, end);
        if (order && *order > 0)
            return negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
        return negative ? -0.0 : 0.0;
    }
    if (ec != std::errc())
        return std::nullopt;
    return v;
}

std::optional<long long> parseInteger(const std::string& text)
{
    const char* begin = text.data();
    const char* end = begin + text.size();
    if (begin != end && *begin == '+')
        ++begin;
    if (begin == end || *begin == '+')
        return std::nullopt;
    long long v = 0;
    auto [ptr, ec] = std::from_chars(begin, end, v);
    if (ec != std::errc() || ptr != end)
        return std::nullopt;
    return v;
}

Args::Args(const std::vector<std::string>& args, const std::vector<FlagSpec>& specs)
{
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& word = args[i];
        if (word == "--help" || word == "-h") {
            _help = true;
            return;
        }
        if (word.size() < 3 || word.compare(0, 2, "--") != 0) {
            if (word.size() > 1 && word[0] == '-')
                throw usageError("unknown flag '" + word + "' (flags are spelled --name; see --help)");
            throw usageError("unexpected argument '" + word + "' (see --help)");
        }
        std::string name = word.substr(2);
        std::optional<std::string> value;
        if (auto eq = name.find('='); eq != std::string::npos) {
            value = name.substr(eq + 1);
            name.resize(eq);
        }
        const FlagSpec* spec = findSpec(specs, name);
        if (!spec)
            throw usageError("unknown flag '--" + name + "' (see --help)");
        if (!spec->takesValue) {
            if (value)
                throw usageError("--" + name + " takes no value (got '" + *value + "')");
            value = std::string();
        } else if (!value) {
            // A following word that starts with "--" is the next flag, not a
            // value; "-1.5" is a value.
            if (i + 1 >= args.size() || args[i + 1].compare(0, 2, "--") == 0)
                throw usageError("--" + name + ": missing value");
            value = args[++i];
        }
        auto& slot = _values[name];
        if (!slot.empty() && !spec->repeatable)
            throw usageError("--" + name + " given more than once");
        slot.push_back(*value);
    }
}

std::optional<std::string> Args::get(const std::string& flag) const
{
    auto it = _values.find(flag);
    if (it == _values.end() || it->second.empty())
        return std::nullopt;
    return it->second.back();
}

std::string Args::required(const std::string& flag) const
{
    auto v = get(flag);
    if (!v)
        throw usageError("--" + flag + " is required (see --help)");
    if (v->empty())
        throw usageError("--" + flag + ": empty value");
    return *v;
}

std::vector<std::string> Args::all(const std::string& flag) const
{
    auto it = _values.find(flag);
    return it == _values.end() ? std::vector<std::string>{} : it->second;
}

int Args::integer(const std::string& flag, int fallback, int min) const
{
    auto text = get(flag);
    if (!text)
        return fallback;
    const std::string rule = min == 1   ? "a positive integer"
                             : min == 0 ? "a non-negative integer"
                                        : "an integer >= " + std::to_string(min);
    auto v = parseInteger(*text);
    if (!v || *v < min || *v > std::numeric_limits<int>::max())
        throw usageError(expected(flag, rule, *text));
    return int(*v);
}

int Args::requiredInteger(const std::string& flag, int min) const
{
    required(flag);
    return integer(flag, 0, min);
}

double Args::positiveNumber(const std::string& flag, double fallback) const
{
    auto text = get(flag);
    if (!text)
        return fallback;
    auto v = parseDouble(*text);
    if (!v || !std::isfinite(*v) || *v <= 0.0)
        throw usageError(expected(flag, "a positive number", *text));
    return *v;
}

uint64_t Args::seed(const std::string& flag, uint64_t fallback) const
{
    auto text = get(flag);
    if (!text)
        return fallback;
    const char* begin = text->data();
    const char* end = begin + text->size();
    uint64_t v = 0;
    auto [ptr, ec] = std::from_chars(begin, end, v);
    if (text->empty() || ec != std::errc() || ptr != end)
        throw usageError(expected(flag, "a non-negative integer", *text));
    return v;
}

void Args::exactlyOne(const std::vector<std::string>& flags, bool allowNone) const
{
    std::vector<std::string> given;
    std::string list;
    for (const std::string& f : flags) {
        if (has(f))
            given.push_back(f);
        list += (list.empty() ? "--" : ", --") + f;
    }
    if (given.size() > 1)
        throw usageError("--" + given[0] + " and --" + given[1] + " exclude each other");
    if (given.empty() && !allowNone)
        throw usageError("one of " + list + " is required");
}

} // namespace tw::cli
