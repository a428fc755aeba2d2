#pragma once
// A small strict parser for the `tw` command line: `--flag value` and
// `--flag=value`, no positional arguments, no abbreviations. Every problem is
// a CliError whose message names the flag and the rule broken.
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace tw::cli {

/// An error the command reports as "tw CMD: message" with exit code `code`
/// (2: usage error, 1: any other failure).
class CliError : public std::runtime_error {
public:
    CliError(int code, const std::string& message) : std::runtime_error(message), _code(code) {}
    int code() const { return _code; }

private:
    int _code;
};

inline CliError usageError(const std::string& message) { return CliError(2, message); }
inline CliError failure(const std::string& message) { return CliError(1, message); }

struct FlagSpec {
    std::string name;        // without the leading "--"
    bool takesValue = true;  // false: a switch
    bool repeatable = false; // may be given more than once (values collected)
};

class Args {
public:
    /// Parses `args` (the words after the command name). Throws a usage
    /// CliError for an unknown flag, a missing value, a value given to a
    /// switch, a repeated flag or a positional argument. "--help" / "-h" in a
    /// flag position sets help() and stops checking.
    Args(const std::vector<std::string>& args, const std::vector<FlagSpec>& specs);

    bool help() const { return _help; }
    bool has(const std::string& flag) const { return _values.count(flag) != 0; }
    /// The value of a flag given once, or nullopt.
    std::optional<std::string> get(const std::string& flag) const;
    /// The value, or a usage error "--flag is required".
    std::string required(const std::string& flag) const;
    /// Every value of a repeatable flag, in order.
    std::vector<std::string> all(const std::string& flag) const;

    /// Typed accessors: default when absent, usage error naming the flag when malformed.
    int integer(const std::string& flag, int fallback, int min) const;
    int requiredInteger(const std::string& flag, int min) const;
    double positiveNumber(const std::string& flag, double fallback) const;
    uint64_t seed(const std::string& flag, uint64_t fallback) const;

    /// Usage error unless exactly one (or, with allowNone, at most one) of the flags is given.
    void exactlyOne(const std::vector<std::string>& flags, bool allowNone = false) const;

private:
    std::map<std::string, std::vector<std::string>> _values;
    bool _help = false;
};

// ---- strict number parsing (no leading/trailing garbage) --------------------
/// A finite or non-finite double in full; nullopt when `text` is not exactly
/// a number (one sign at most). A value too large for a double, with an
/// exponent or in plain digits, reads as +-infinity (never 0); a value too
/// small reads as zero.
std::optional<double> parseDouble(const std::string& text);
std::optional<long long> parseInteger(const std::string& text);

/// "--flag: expected RULE (got 'text')"
std::string expected(const std::string& flag, const std::string& rule, const std::string& text);

} // namespace tw::cli
