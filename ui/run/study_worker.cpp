#include "run/study_worker.h"

#include "train/tune.h"
#include "util/printable.h"

#include <chrono>
#include <cmath>
#include <limits>

namespace tw::ui {

namespace {

TrialList snapshot(study::Study& s)
{
    return std::make_shared<const std::vector<study::Trial>>(s.trials());
}

} // namespace

StudyWorker::StudyWorker(train::StudySpec spec, std::shared_ptr<study::Study> study, std::string device,
                         std::string modelsFolder)
    : _spec(std::move(spec)), _study(std::move(study)), _device(std::move(device)),
      _modelsFolder(std::move(modelsFolder))
{
}

void StudyWorker::requestEnqueue(std::vector<double> params)
{
    std::lock_guard lock(_queueMutex);
    _queue.push_back(std::move(params));
}

void StudyWorker::recordQueued()
{
    std::deque<std::vector<double>> todo;
    {
        std::lock_guard lock(_queueMutex);
        todo.swap(_queue);
    }
    for (const auto& params : todo) {
        try {
            const study::Trial t = _study->enqueue(params);
            Q_EMIT trialQueued(t.number, QString(), snapshot(*_study));
        } catch (const std::exception& e) {
            Q_EMIT trialQueued(-1, QString::fromStdString(tw::printable(e.what())), snapshot(*_study));
        }
    }
}

void StudyWorker::run()
{
    const auto start = std::chrono::steady_clock::now();
    QString why = QStringLiteral("budget");
    QString message;
    try {
        train::DataSource data(_spec);
        train::Tuner tuner(_spec, *_study, data);
        tuner.keepModelsIn(_modelsFolder);
        const int orphans = tuner.failOrphans();
        const QString device = QString::fromStdString(
            _device.empty() || _device == "auto" ? train::deviceDescription() : _device);
        Q_EMIT started(QString::fromStdString(data.describe(_spec.preprocessing)), device, tuner.countedTrials());
        if (orphans > 0)
            message = tr("%n trial(s) left running by a process that died were marked failed.", nullptr, orphans);

        int plannedEpochs = _spec.training.epochs;
        tuner.onTrialStarted = [&](const study::Trial& t) {
            train::ModelConfig m = _spec.model;
            train::TrainConfig tc = _spec.training;
            data::PreprocessOptions p = _spec.preprocessing;
            try {
                _spec.configure(t.params, m, tc, p);
                plannedEpochs = tc.epochs;
            } catch (const std::exception&) {
                plannedEpochs = _spec.training.epochs; // the trial fails with the reason
            }
            Q_EMIT trialStarted(t.number, plannedEpochs, snapshot(*_study));
        };
        tuner.onEpoch = [&](int number, const train::EpochReport& r) {
            EpochEvent e;
            e.trial = number;
            e.epoch = r.epoch;
            e.epochs = plannedEpochs;
            e.trainLoss = r.trainLoss;
            e.validation = r.validation.get(_spec.objective.metric);
            e.elapsedSeconds = r.elapsedSeconds;
            Q_EMIT epochFinished(e);
            recordQueued();
        };

        while (true) {
            recordQueued();
            if (_stop) { why = QStringLiteral("stopped"); break; }
            if (_pause) { why = QStringLiteral("paused"); break; }
            if (tuner.countedTrials() >= _spec.budget.trials) { why = QStringLiteral("budget"); break; }
            // The study's own budget, which any worker or window may change
            // (Stop for everyone, tw budget): every worker stops at it.
            if (const std::string met = _study->budgetMet(); !met.empty()) {
                why = QStringLiteral("budget");
                message = QString::fromStdString(tw::printable(met));
                break;
            }
            const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            if (_spec.budget.timeLimitSeconds > 0 && elapsed >= _spec.budget.timeLimitSeconds) {
                why = QStringLiteral("time limit");
                break;
            }
            const train::TrialSummary s = tuner.runTrial(&_stop, _device);
            TrialEvent e;
            e.number = s.number;
            e.state = s.state;
            e.value = s.value.value_or(std::numeric_limits<double>::quiet_NaN());
            e.reason = QString::fromStdString(s.reason);
            e.seconds = s.result.seconds;
            e.device = QString::fromStdString(s.result.device);
            Q_EMIT trialFinished(e, snapshot(*_study));
        }
    } catch (const std::exception& e) {
        message = QString::fromStdString(tw::printable(e.what()));
        why = message.contains(QStringLiteral("exhausted")) ? QStringLiteral("exhausted") : QStringLiteral("error");
    }
    // What was asked for while the run ended waits in the study for the next one.
    try {
        recordQueued();
    } catch (const std::exception&) {
    }
    Q_EMIT finished(why, message);
}

} // namespace tw::ui
