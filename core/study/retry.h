#pragma once
// Workers on a database that goes away for a while (a restart, a lost
// network): the call waits and is tried again, and a result computed is never
// dropped. tw worker (objective commands and specs) and the window's worker
// use these.
#include "study/storage_backend.h"
#include "study/study.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <string>
#include <thread>

namespace tw::study {

/// Retries calls that meet a StorageUnavailableError.
class StorageRetry {
public:
    /// `stopped`: give up waiting (and rethrow) once it returns true.
    /// `warn`: called once per call that has to wait, with "WHAT: MESSAGE".
    StorageRetry(std::function<bool()> stopped, std::function<void(const std::string&)> warn)
        : _stopped(std::move(stopped)), _warn(std::move(warn)) {}

    /// Runs `call`; while it throws StorageUnavailableError and the run is not
    /// stopped, waits (0.5 s doubling to 30 s, waking every 0.1 s to check
    /// `stopped`) and tries again. Anything else propagates at once.
    template <class F> auto operator()(const char* what, F&& call) const -> decltype(call())
    {
        double wait = 0.5;
        for (bool warned = false;;) {
            try {
                return call();
            } catch (const StorageUnavailableError& e) {
                if (_stopped && _stopped()) throw;
                if (!warned && _warn) _warn(std::string(what) + ": " + e.what());
                warned = true;
                for (double slept = 0; slept < wait && !(_stopped && _stopped()); slept += 0.1)
                    std::this_thread::sleep_for(std::chrono::milliseconds(100));
                wait = std::min(wait * 2, 30.0);
            }
        }
    }

private:
    std::function<bool()> _stopped;
    std::function<void(const std::string&)> _warn;
};

/// Tells, idempotently: a retry after a connection lost at commit finds its
/// own outcome recorded (and returns) instead of failing. Throws
/// invalid_argument when someone else told the trial otherwise, and what
/// Study::tell throws.
void tellOnce(Study& study, int number, const Outcome& outcome);

} // namespace tw::study
