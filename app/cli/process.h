#pragma once
// Runs a shell command as the objective of one trial: in its own process
// group, with data on stdin and extra environment variables, capturing the
// tails of stdout and stderr, with a timeout and a stop flag that kill the
// whole group (SIGTERM, then SIGKILL after a grace period).
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace tw::cli {

struct CommandSpec {
    std::string command;                                  // run as /bin/sh -c command
    std::string input;                                    // written to stdin, which is then closed
    std::vector<std::pair<std::string, std::string>> env; // set (or replaced) in the child's environment
    double timeoutSeconds = 0.0;                          // <= 0: none
    double graceSeconds = 2.0;                            // SIGTERM -> SIGKILL
    std::function<bool()> stopRequested;                  // polled about every 50 ms
    size_t keepStdout = 64 * 1024;                        // bytes of the tail kept
    size_t keepStderr = 8 * 1024;
    /// Ends whatever the command left running outside its process group once
    /// it exits (found by a TW_RUN entry in their environment). False for a
    /// command whose purpose is to start processes that outlive it, such as
    /// sbatch, whose jobs carry its environment.
    bool endLeftovers = true;
};

struct CommandResult {
    bool started = false;
    std::string startError;  // why it could not be started
    bool exited = false;     // exitStatus is valid
    int exitStatus = -1;
    int signal = 0;          // the signal that killed it, or 0
    bool timedOut = false;
    bool interrupted = false;
    std::string out;         // tail of stdout
    std::string err;         // tail of stderr
    double seconds = 0.0;
};

CommandResult runCommand(const CommandSpec& spec);

/// The last line of `text` that is not blank, trimmed of surrounding white space.
std::string lastNonEmptyLine(const std::string& text);

} // namespace tw::cli
