#pragma once
// The worker of a running study: lives on its own QThread and runs the
// engine's loop (train::Tuner: ask, train with per-epoch reports, tell) until
// the budget, a time limit, a pause or a stop request. Every event goes out as
// a queued signal carrying plain values; the GUI never touches the study
// while the worker runs. No exception leaves a slot: errors become signals.
#include "study/study.h"
#include "train/study_spec.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

namespace tw::ui {

using TrialList = std::shared_ptr<const std::vector<study::Trial>>;

/// One epoch of the running trial, as the window draws it.
struct EpochEvent {
    int trial = -1;
    int epoch = 0;            // 1-based
    int epochs = 0;           // planned epochs of this trial
    double trainLoss = 0;
    double validation = 0;    // the objective metric on the validation data (NaN when not computed)
    double elapsedSeconds = 0;
};

/// What the run of one trial left.
struct TrialEvent {
    int number = -1;
    study::TrialState state = study::TrialState::Failed;
    double value = 0;         // when Complete
    QString reason;
    double seconds = 0;
    QString device;
};

class StudyWorker : public QObject {
    Q_OBJECT
public:
    /// `study` is shared with the controller, which keeps it between runs.
    /// The trained models of the best trials go to `modelsFolder` ("": none).
    StudyWorker(train::StudySpec spec, std::shared_ptr<study::Study> study, std::string device,
                std::string modelsFolder = {});

    /// Set from any thread: `stop` ends the running trial within a second
    /// (recorded as failed, reason "stopped") and the loop; `pause` ends the
    /// loop after the running trial.
    void requestStop() { _stop = true; }
    void requestPause() { _pause = true; }
    /// From any thread: a configuration (checked against the space) to run
    /// after the running trial. The worker records it in the study
    /// (Study::enqueue) at the next epoch or trial, and before it ends.
    void requestEnqueue(std::vector<double> params);

public Q_SLOTS:
    void run();

Q_SIGNALS:
    /// The data is loaded: "spirals: train 480, validation 120 samples; 2 features".
    void started(const QString& dataDescription, const QString& device, int countedTrials);
    void trialStarted(int number, int plannedEpochs, tw::ui::TrialList trials);
    void epochFinished(const tw::ui::EpochEvent& event);
    void trialFinished(const tw::ui::TrialEvent& event, tw::ui::TrialList trials);
    /// A requested configuration was recorded as trial `number`, waiting to run
    /// (number -1 and the reason when the study refused it).
    void trialQueued(int number, const QString& error, tw::ui::TrialList trials);
    /// The loop ended: "budget", "time limit", "paused", "stopped", "exhausted" or "error".
    void finished(const QString& why, const QString& message);

private:
    train::StudySpec _spec;
    std::shared_ptr<study::Study> _study;
    std::string _device;
    std::string _modelsFolder;
    /// Records the requested configurations in the study.
    void recordQueued();

    std::atomic<bool> _stop{false}, _pause{false};
    std::mutex _queueMutex;  // guards _queue only, held for a push or a swap
    std::deque<std::vector<double>> _queue;
};

} // namespace tw::ui

Q_DECLARE_METATYPE(tw::ui::TrialList)
Q_DECLARE_METATYPE(tw::ui::EpochEvent)
Q_DECLARE_METATYPE(tw::ui::TrialEvent)
