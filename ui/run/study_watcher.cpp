#include "run/study_watcher.h"

#include "util/printable.h"

#include <QThread>

#include <chrono>
#include <thread>

namespace tw::ui {

StudyWatcher::StudyWatcher(std::shared_ptr<study::Study> study, double pollSeconds, QObject* parent)
    : QObject(parent), _study(std::move(study)), _pollSeconds(pollSeconds)
{
    _thread = QThread::create([this] { run(); });
    _thread->start();
}

StudyWatcher::~StudyWatcher()
{
    _stop = true;
    _thread->wait();
    delete _thread;
}

void StudyWatcher::run()
{
    // A quarter of a second per wait: how long closing the study may take.
    constexpr double kSlice = 0.25;
    std::unique_ptr<study::ChangeFeed> feed;
    QString lastProblem;
    bool readFailed = false;
    const auto report = [&](const QString& p) {
        if (p == lastProblem) return;
        lastProblem = p;
        Q_EMIT problem(p);
    };
    try {
        feed = _study->storage().changeFeed();
    } catch (const std::exception& e) {
        report(tr("Watching the study: %1; checking for new trials every %2 s instead")
                   .arg(QString::fromStdString(printable(e.what())))
                   .arg(_pollSeconds));
    }
    _hasFeed = bool(feed);
    long seen = _study->eventsSeen();
    double sinceRefresh = 0;
    while (!_stop) {
        bool woken = false;
        if (feed) {
            woken = feed->wait(kSlice);
        } else {
            std::this_thread::sleep_for(std::chrono::duration<double>(kSlice));
        }
        sinceRefresh += kSlice;
        if (!woken && sinceRefresh < _pollSeconds) continue;
        sinceRefresh = 0;
        try {
            _study->refresh();
            if (readFailed) report({});
            readFailed = false;
        } catch (const std::exception& e) {
            report(tr("Reading the study: %1").arg(QString::fromStdString(printable(e.what()))));
            readFailed = true;
            continue;
        }
        const long now = _study->eventsSeen();
        if (now != seen) {
            seen = now;
            Q_EMIT changed(now);
        }
    }
}

} // namespace tw::ui
