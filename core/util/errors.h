#pragma once
// Error types thrown by tw_core. Messages name the file, line, field and the
// rule broken, e.g. "space.json: parameter 'lr': log scale needs low > 0 (low = 0)".
#include <stdexcept>
#include <string>

namespace tw {

/// A file could not be opened, read, locked or written.
class IoError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// A file was read but its content breaks the format.
class ParseError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

} // namespace tw
