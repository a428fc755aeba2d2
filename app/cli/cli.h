#pragma once
// The `tw` command line: JSON on stdout, one-line errors "tw CMD: message" on
// stderr, exit code 0 (success), 1 (failure) or 2 (usage error); `optimize`
// exits 130 when interrupted by SIGINT / SIGTERM.
#include <iosfwd>
#include <string>
#include <vector>

namespace tw::cli {

/// Entry point of the `tw` executable.
int main(int argc, char** argv);

/// Runs one command line (the words after "tw") with the given streams.
/// Never throws: errors are printed to `err` and turned into the exit code.
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

} // namespace tw::cli
