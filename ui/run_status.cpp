#include "run_status.h"

#include "run/study_controller.h"
#include "train/trainer.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>

#include <cmath>

namespace tw::ui {

RunStatus::RunStatus(StudyController* controller, QWidget* parent)
    : QWidget(parent), _controller(controller), _bar(new QProgressBar(this)), _label(new QLabel(this)),
      _device(new QLabel(this))
{
    _bar->setObjectName("runProgress");
    _bar->setMaximumWidth(160);
    // The count goes beside the bar, not over it: text over a partly filled
    // bar changes colour mid-word where the chunk ends.
    _bar->setTextVisible(false);
    _bar->setToolTip(tr("Trials that count toward the budget, and the running trial's epochs"));
    _label->setObjectName("runStatusText");
    _label->setToolTip(tr("The running trial, elapsed time and the estimated time left "
                          "(mean duration of the finished trials times the trials left)"));
    _device->setObjectName("deviceLabel");
    _device->setToolTip(tr("Where trials train: CUDA when LibTorch finds a GPU, else the CPU"));
    auto* l = new QHBoxLayout(this);
    l->setContentsMargins(4, 0, 4, 0);
    l->addWidget(_bar);
    l->addWidget(_label, 1);
    l->addWidget(_device);
    refresh();
}

QString RunStatus::duration(double s)
{
    if (!std::isfinite(s) || s < 0) return QStringLiteral("–");
    const long t = std::lround(s);
    if (t >= 3600) return tr("%1 h %2 min").arg(t / 3600).arg((t % 3600) / 60, 2, 10, QChar('0'));
    if (t >= 60) return tr("%1 min %2 s").arg(t / 60).arg(t % 60, 2, 10, QChar('0'));
    return tr("%1 s").arg(t);
}

void RunStatus::refresh()
{
    const StudyController& c = *_controller;
    _bar->setVisible(c.hasStudy() && c.budget() > 0);
    const int budget = std::max(1, c.budget());
    const int done = c.countedTrials();
    // Whole trials plus the running trial's share of its epochs, in thousandths.
    double progress = done;
    if (c.runningTrial() >= 0 && c.plannedEpochs() > 0 && !c.runningEpochs().empty())
        progress += std::min(1.0, double(c.runningEpochs().back().epoch) / c.plannedEpochs());
    _bar->setRange(0, budget * 1000);
    _bar->setValue(int(std::min<double>(budget, progress) * 1000));
    const QString count = tr("%1 of %2 trials").arg(done).arg(c.budget());
    _bar->setFormat(count);
    _bar->setAccessibleName(count);

    QStringList parts;
    if (c.hasStudy() && c.budget() > 0) parts << count;
    if (!c.hasStudy()) {
        parts << tr("No study open");
    } else if (c.running()) {
        if (c.runningTrial() >= 0) {
            QString t = tr("Trial %1").arg(c.runningTrial());
            if (!c.runningEpochs().empty())
                t += tr(", epoch %1 of %2").arg(c.runningEpochs().back().epoch).arg(c.plannedEpochs());
            else
                t += tr(", starting");
            parts << t;
        } else {
            parts << tr("Proposing the next trial");
        }
        parts << tr("elapsed %1").arg(duration(c.elapsedSeconds()));
        if (const auto eta = c.etaSeconds()) parts << tr("about %1 left").arg(duration(*eta));
        if (c.state() == StudyController::State::Pausing) parts << tr("pausing after this trial");
        if (c.state() == StudyController::State::Stopping) parts << tr("stopping");
    } else {
        parts << tr("%1 trials in the study").arg(c.trials()->size());
        if (const auto best = c.bestTrial(); best && best->value)
            parts << tr("best %1 (trial %2)").arg(*best->value, 0, 'g', 5).arg(best->number);
    }
    _label->setText(parts.join(QStringLiteral(" · ")));
    static const QString available = QString::fromStdString(train::deviceDescription());
    _device->setText(tr("Device: %1").arg(c.device().isEmpty() ? available : c.device()));
}

} // namespace tw::ui
