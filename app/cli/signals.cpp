#include "cli/signals.h"

namespace tw::cli {

namespace {
std::atomic<int> gSignal{0};
std::atomic<bool> gStop{false};

extern "C" void onStopSignal(int sig)
{
    gSignal.store(sig);
    gStop.store(true);
}
} // namespace

int stopSignal() { return gSignal.load(); }
const std::atomic<bool>& stopFlag() { return gStop; }

SignalGuard::SignalGuard()
{
    gSignal.store(0);
    gStop.store(false);
    struct sigaction sa {};
    sa.sa_handler = onStopSignal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < kStop.size(); ++i) {
        sigaction(kStop[i], nullptr, &_old[i]);
        if (_old[i].sa_handler != SIG_IGN) sigaction(kStop[i], &sa, nullptr);
    }
    struct sigaction ign {};
    ign.sa_handler = SIG_IGN;
    sigemptyset(&ign.sa_mask);
    sigaction(SIGPIPE, &ign, &_oldPipe);
}

SignalGuard::~SignalGuard()
{
    for (size_t i = 0; i < kStop.size(); ++i) sigaction(kStop[i], &_old[i], nullptr);
    sigaction(SIGPIPE, &_oldPipe, nullptr);
}

} // namespace tw::cli
