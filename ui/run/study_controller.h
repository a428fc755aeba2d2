#pragma once
// The study the window shows and runs. Owns the study (memory, a journal
// file or a database study) between runs, watches a shared one live
// (StudyWatcher: other workers' trials appear as they are recorded), starts a StudyWorker on its own QThread for each run,
// forwards the worker's events, and keeps what the window reads between
// events: the trials, the running trial's epochs, the progress and the ETA.
// Its destructor stops a run and waits for the thread.
#include "run/study_watcher.h"
#include "run/study_worker.h"

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QTemporaryDir>

#include <memory>
#include <optional>
#include <vector>

class QThread;

namespace tw::ui {

class StudyController : public QObject {
    Q_OBJECT
public:
    enum class State { Idle, Running, Pausing, Stopping };

    explicit StudyController(QObject* parent = nullptr);
    ~StudyController() override;

    /// A new study for `spec` in `path` ("" keeps it in memory). When `path`
    /// is an existing study, it is opened instead and must have the spec's
    /// search space and direction (then Run resumes it). False + error
    /// naming the file and the rule.
    bool newStudy(const train::StudySpec& spec, const QString& path, QString* error);
    /// Opens a study file written by the workbench or `tw tune` (the spec is
    /// read from it). Trials left running by a dead process show as failed
    /// ("abandoned: ..."); the file records that when the study is resumed.
    /// `damaged` (when given) tells whether the file had a bad line after its
    /// study_created event (study::repairJournal can recover the rest).
    bool openStudy(const QString& path, QString* error, bool* damaged = nullptr);
    /// Opens study `name` of the storage at `url` (postgresql://...; the
    /// backend must be registered, tw::pg::registerBackend). As openStudy
    /// otherwise; Run adds this window as one more worker of the study.
    bool openDatabaseStudy(const QString& url, const QString& name, QString* error);
    /// Every worker finishes its running trial and asks no more: the study's
    /// budget becomes the trials counted now (at least 1), recorded in the
    /// study (and its spec) so that every worker and window sees it; a run of
    /// this window ends after its trial. Raising the budget resumes. False +
    /// error without a study or when the storage refuses.
    bool stopForEveryone(QString* error);
    /// Takes a changed setup for the open study (a larger budget, other fixed
    /// settings) when its search space and direction are the study's, and
    /// records it in the study (a study_updated event) so that reopening the
    /// study runs with it; then Run resumes it. False + error otherwise.
    bool updateSpec(const train::StudySpec& spec, QString* error);
    /// True when `spec` has the open study's search space and direction.
    bool matches(const train::StudySpec& spec) const;
    /// Forgets the open study (it stays on disk); the next Run starts a new one.
    /// No-op while running.
    void close();
    /// True when the open study has a spec to train (not a `tw create` study).
    bool canTrain() const { return _study && _spec.budget.trials > 0; }
    /// Re-reads the file (another process may be writing it). No-op while running.
    void refresh();

    /// Runs (or resumes) the study on the worker thread. False + error when
    /// already running, no study is open or the budget is spent.
    bool start(const QString& device, QString* error);
    /// Ends the run after the running trial.
    void pause();
    /// Ends the running trial within a second (recorded failed, "stopped") and the run.
    void stop();
    /// Blocks until the worker thread has ended (tests, closing the window).
    void waitForIdle();
    /// Queues a configuration (every parameter's value, NaN for inactive
    /// ones) to run next. Without a run it is recorded in the study at once,
    /// a trial waiting to run (Study::enqueue; the next Run starts with it);
    /// during a run the worker records it and runs it after the running
    /// trial (trialQueued tells when). False + error when no study is open,
    /// it has nothing to train, or a value breaks the space's rules.
    /// `number`: the waiting trial's number, or -1 when the worker records it.
    bool enqueue(const std::vector<double>& params, QString* error = nullptr, int* number = nullptr);

    State state() const { return _state; }
    bool running() const { return _state != State::Idle; }
    bool hasStudy() const { return bool(_study); }
    const train::StudySpec& spec() const { return _spec; }
    QString studyPath() const { return _path; }
    /// The database URL of a database study (password removed), else "".
    QString storageUrl() const { return _storageUrl; }
    /// The file, or "URL study 'NAME'": for titles and messages.
    QString studyLabel() const;
    /// Whether the open study is watched for other processes' trials, and
    /// whether its storage wakes the watcher (LISTEN/NOTIFY, inotify).
    bool watching() const { return bool(_watcher); }
    bool watchHasFeed() const { return _watcher && _watcher->hasFeed(); }
    /// Seconds between refreshes of a watched study when nothing woke the
    /// watcher (default 5); for studies opened from now on.
    void setWatchPollSeconds(double seconds) { _watchPoll = seconds; }
    QString studyName() const;
    const space::SearchSpace& space() const;
    study::Direction direction() const;
    /// The study's sampler (the spec's before a study is open).
    sampler::SamplerConfig samplerConfig() const;
    /// The latest snapshot of the trials (never null).
    TrialList trials() const { return _trials; }
    std::optional<study::Trial> bestTrial() const;
    QStringList warnings() const { return _warnings; }
    /// Where the study keeps the trained models of its best trials: the
    /// folder beside its file, or for a study in memory a temporary folder
    /// that lives as long as the study is open. "" without a study.
    QString modelsFolder() const;

    // ---- progress ----
    int budget() const { return _spec.budget.trials; }
    /// Trials that count toward the budget (finished, not stopped or abandoned).
    int countedTrials() const;
    int runningTrial() const { return _runningTrial; }
    /// Epochs of the running trial so far (its live learning curve).
    const std::vector<EpochEvent>& runningEpochs() const { return _epochs; }
    int plannedEpochs() const { return _plannedEpochs; }
    double elapsedSeconds() const;
    /// Seconds left: the mean duration of this study's counted trials times
    /// the trials left, less the running trial's progress. nullopt before a
    /// trial has finished.
    std::optional<double> etaSeconds() const;
    QString dataDescription() const { return _dataDescription; }
    QString device() const { return _device; }

Q_SIGNALS:
    void stateChanged(tw::ui::StudyController::State state);
    /// The study changed (opened, a trial started or finished).
    void trialsChanged();
    void trialStarted(int number);
    void epochFinished(const tw::ui::EpochEvent& event);
    void trialFinished(const tw::ui::TrialEvent& event);
    void runStarted(const QString& dataDescription, const QString& device);
    /// `why`: budget, time limit, paused, stopped, exhausted, error.
    void runFinished(const QString& why, const QString& message);
    /// A queued configuration is recorded as waiting trial `number` (-1 and
    /// the reason when the study refused it).
    void trialQueued(int number, const QString& error);
    /// Watching the study failed ("" once it works again).
    void watchProblem(const QString& message);

private:
    void adopt(std::shared_ptr<study::Study> study, train::StudySpec spec, const QString& path,
               QStringList warnings, const QString& storageUrl = {});
    /// openStudy / openDatabaseStudy once the study is read: its spec, or a
    /// read-only view of a study without one.
    void adoptOpened(std::shared_ptr<study::Study> st, const QString& label, const QString& path,
                     const QString& storageUrl);
    /// The trials as the study last read them (no storage access).
    TrialList seen() const;
    void setState(State s);
    void setTrials(TrialList trials);
    void onWorkerFinished(const QString& why, const QString& message);

    train::StudySpec _spec;
    std::shared_ptr<study::Study> _study;
    QString _path;
    QString _storageUrl;
    std::unique_ptr<StudyWatcher> _watcher;
    double _watchPoll = 5.0;
    TrialList _trials;
    QStringList _warnings;
    State _state = State::Idle;
    QThread* _thread = nullptr;
    StudyWorker* _worker = nullptr;
    QElapsedTimer _clock;
    int _runningTrial = -1;
    int _plannedEpochs = 0;
    std::vector<EpochEvent> _epochs;
    QElapsedTimer _trialClock;
    QString _dataDescription, _device;
    mutable std::unique_ptr<QTemporaryDir> _memoryModels; // the models of a study in memory
};

} // namespace tw::ui
