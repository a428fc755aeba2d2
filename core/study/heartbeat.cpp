#include "study/heartbeat.h"

#include "study/study.h"

#include <chrono>
#include <vector>

namespace tw::study {

HeartbeatThread::HeartbeatThread(Study& study, double interval, double grace) : _study(study), _interval(interval)
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
    while (!_wake.wait_for(lock, std::chrono::duration<double>(_interval), [this] { return _stop; })) {
        const std::vector<int> numbers(_trials.begin(), _trials.end());
        if (numbers.empty()) continue;
        // Not under this object's mutex: add() and remove() never wait on storage.
        lock.unlock();
        std::string error;
        try {
            _study.heartbeat(numbers);
        } catch (const std::exception& e) {
            error = e.what();
        }
        lock.lock();
        _error = error;
    }
}

} // namespace tw::study
