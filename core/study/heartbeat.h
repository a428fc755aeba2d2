#pragma once
// A worker's heartbeats: a thread that, every `interval` seconds, records a
// sign of life for the trials this worker is running (Study::heartbeat), so
// that a worker that dies on any host leaves trials that others see as
// stale (isStale) after the grace period, instead of running forever; and
// every third interval fails such trials of other workers (failOrphans),
// but only after `grace` seconds in which its own heartbeats all went
// through: after an outage of the storage every worker's heartbeats lapsed
// at once, and none of them is stale.
#include <condition_variable>
#include <mutex>
#include <set>
#include <string>
#include <thread>

namespace tw::study {

class Study;

/// The default promise: a heartbeat every 10 s, stale after 60 s without one
/// (a GP fit or a checkpoint write never blocks the thread for that long).
constexpr double kHeartbeatInterval = 10.0;
constexpr double kHeartbeatGrace = 60.0;

class HeartbeatThread {
public:
    /// Promises heartbeats on `study` (Study::promiseHeartbeats) and starts
    /// the thread. Throws invalid_argument unless 0 < interval < grace.
    HeartbeatThread(Study& study, double interval = kHeartbeatInterval, double grace = kHeartbeatGrace);
    /// Stops the thread (at once, not after an interval) and joins it.
    ~HeartbeatThread();
    HeartbeatThread(const HeartbeatThread&) = delete;
    HeartbeatThread& operator=(const HeartbeatThread&) = delete;

    /// Trial `number` runs here from now on / no longer.
    void add(int number);
    void remove(int number);
    /// The last error a heartbeat met ("" when none); heartbeats go on
    /// (a database that is away now may be back at the next one).
    std::string lastError() const;

private:
    void run();
    Study& _study;
    double _interval, _grace;
    mutable std::mutex _mutex;
    std::condition_variable _wake;
    std::set<int> _trials;
    std::string _error;
    bool _stop = false;
    std::thread _thread;
};

} // namespace tw::study
