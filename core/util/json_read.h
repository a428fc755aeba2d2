#pragma once
// Reading JSON text the same way everywhere it comes from outside (study
// files, spaces, specs, objective output, the command line, the window's
// files): a depth limit, and messages that name the file, the line and
// column, and the rule broken.
#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace tw {

/// The deepest nesting of arrays and objects accepted. Copying, comparing
/// and destroying a JSON value recurse once per level: a value nested
/// 20,000 deep overflowed the stack. No file the program writes nests
/// deeper than about 6.
constexpr int kMaxJsonDepth = 256;

/// Parses `text` that came from `source` (a file name, "--value", ...);
/// `firstLine` is the line of `source` the text starts on (a journal
/// event's line). Throws tw::ParseError
///   "SOURCE:LINE:COLUMN: invalid JSON: REASON" for bad syntax,
///   "SOURCE:LINE:COLUMN: the number 1e400 is outside the range of a double",
///   "SOURCE:LINE:COLUMN: JSON nested deeper than 256 levels".
nlohmann::json parseJson(std::string_view text, const std::string& source, long firstLine = 1);

/// Reads and parses a whole file; throws tw::IoError naming it when it
/// cannot be opened or read, and what parseJson throws.
nlohmann::json readJsonFile(const std::string& path);

/// The 1-based line and column of the character at 0-based `offset`.
std::pair<long, long> lineColumnAt(std::string_view text, size_t offset);

} // namespace tw
