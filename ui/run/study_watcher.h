#pragma once
// Watches a study that other processes write (workers on other machines, a
// `tw worker` in a terminal): on its own thread it waits on the storage's
// change feed (PostgreSQL LISTEN/NOTIFY, inotify on a study file), replays
// only the new events, and says so with a queued signal. The GUI thread then
// reads the study's trials as last read (Study::trialsSeen), which touches
// no storage. Without a change, it refreshes every `pollSeconds` anyway
// (heartbeats, a feed that lost its server).
#include "study/study.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

class QThread;

namespace tw::ui {

class StudyWatcher : public QObject {
    Q_OBJECT
public:
    /// Starts watching `study` at once, on a thread of its own.
    explicit StudyWatcher(std::shared_ptr<study::Study> study, double pollSeconds = 5.0, QObject* parent = nullptr);
    /// Stops the thread (within a quarter of a second) and waits for it.
    ~StudyWatcher() override;

    /// Whether the storage wakes the watcher on a change (otherwise it polls).
    bool hasFeed() const { return _hasFeed.load(); }

Q_SIGNALS:
    /// New events were read into the study (queued to the watcher's owner).
    void changed(long events);
    /// Reading failed ("" once it works again): shown, never fatal.
    void problem(const QString& message);

private:
    void run();

    std::shared_ptr<study::Study> _study;
    double _pollSeconds;
    std::atomic<bool> _stop{false}, _hasFeed{false};
    QThread* _thread = nullptr;
};

} // namespace tw::ui
