#pragma once
// SIGINT / SIGTERM / SIGHUP as a stop request for long-running commands
// (optimize, tune, train): the handler only records the signal.
#include <array>
#include <atomic>

#include <signal.h>

namespace tw::cli {

/// The signal received since the last SignalGuard was made, or 0.
int stopSignal();
/// A flag set by the handler, for code that polls an atomic<bool>.
const std::atomic<bool>& stopFlag();

/// Installs handlers that only set a flag for SIGINT, SIGTERM and SIGHUP
/// (a closed terminal must not leave child processes running), except for a
/// signal that was ignored when tw started (a background job, nohup).
/// Ignores SIGPIPE. Restores everything on destruction.
class SignalGuard {
public:
    SignalGuard();
    ~SignalGuard();
    SignalGuard(const SignalGuard&) = delete;
    SignalGuard& operator=(const SignalGuard&) = delete;

private:
    static constexpr std::array<int, 3> kStop = {SIGINT, SIGTERM, SIGHUP};
    std::array<struct sigaction, 3> _old{};
    struct sigaction _oldPipe {};
};

} // namespace tw::cli
