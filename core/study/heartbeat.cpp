#include "study/heartbeat.h"

#include "study/study.h"

#include <chrono>
#include <vector>

namespace tw::study {

HeartbeatThread::HeartbeatThread(Study& study, double interval, double grace)
    : _study(study), _interval(interval), _grace(grace)
{
    _study.promiseHeartbeats(interval, grace);
    _thread = std::thread([this] { run(); });
}

HeartbeatThread::~HeartbeatThread()
{
    {
        std::lock_guard lock(_mutex);
        _stop = true;
    }
    _wake.notify_all();
    if (_thread.joinable()) _thread.join();
}

void HeartbeatThread::add(int number)
{
    std::lock_guard lock(_mutex);
    _trials.insert(number);
}

void HeartbeatThread::remove(int number)
{
    std::lock_guard lock(_mutex);
    _trials.erase(number);
}

std::string HeartbeatThread::lastError() const
{
    std::lock_guard lock(_mutex);
    return _error;
}

void HeartbeatThread::run()
{
    std::unique_lock lock(_mutex);
    using Clock = std::chrono::steady_clock;
    int beats = 0;
    Clock::time_point lastFailure = Clock::now(); // judge nobody before a grace of good beats
    while (!_wake.wait_for(lock, std::chrono::duration<double>(_interval), [this] { return _stop; })) {
        const std::vector<int> numbers(_trials.begin(), _trials.end());
        // Not under this object's mutex: add() and remove() never wait on storage.
        lock.unlock();
        std::string error;
        try {
            _study.heartbeat(numbers);
            // Every few beats, the other side of the promise: fail the trials
            // of workers that died (stale anywhere, abandoned on this host),
            // so that a long run does not wait for them.
            const double clean = std::chrono::duration<double>(Clock::now() - lastFailure).count();
            if (++beats % 3 == 0 && clean > _grace) failOrphans(_study);
        } catch (const std::exception& e) {
            error = e.what();
            lastFailure = Clock::now();
        }
        lock.lock();
        _error = error;
    }
}

} // namespace tw::study
