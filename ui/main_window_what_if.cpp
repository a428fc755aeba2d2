// The window's What if dialog: opened from Study > What if… or from a point
// of a contour plot, fed each new model, and its "Run this configuration
// next" queued through the study controller (see main_window.h).
#include "main_window.h"

#include "plots/contour_view.h"
#include "plots/what_if_dialog.h"
#include "run/study_controller.h"
#include "train/metrics.h"

#include <QStatusBar>

namespace tw::ui {

void MainWindow::connectWhatIf()
{
    connect(_contours, &ContourView::whatIfRequested, this, [this](const std::vector<double>& v) { showWhatIf(v); });
    connect(_controller, &StudyController::trialQueued, this, [this](int number, const QString& error) {
        const QString text = number < 0 ? tr("The configuration could not be queued: %1").arg(error)
                             : _controller->running()
                                 ? tr("Trial %1 is queued: it runs next.").arg(number)
                                 : _controller->countedTrials() >= _controller->budget()
                                     ? tr("Trial %1 is queued: the budget is spent, raise it in Setup and Run to run it.")
                                           .arg(number)
                                     : tr("Trial %1 is queued: it runs first when the study runs (Run).").arg(number);
        statusBar()->showMessage(text, 10000);
        if (_whatIf) _whatIf->setRunMessage(text, number < 0);
        _trialsDirty = true;
    });
}

WhatIfDialog* MainWindow::showWhatIf(const std::vector<double>& values)
{
    if (!_whatIf) {
        _whatIf = new WhatIfDialog(this);
        connect(_whatIf, &WhatIfDialog::runRequested, this,
                [this](const std::vector<double>& v) { runConfigurationNext(v); });
        updateWhatIf();
        // First opened: the best trial's values, or where the contour plots cut the model.
        if (values.empty()) {
            if (const auto best = _controller->bestTrial()) _whatIf->setValues(best->params);
            else _whatIf->setValues(_contours->fixedValues());
        }
    }
    updateWhatIf();
    if (!values.empty()) _whatIf->setValues(values);
    _whatIf->show();
    _whatIf->raise();
    _whatIf->activateWindow();
    return _whatIf;
}

void MainWindow::updateWhatIf()
{
    if (_whatIfAction) _whatIfAction->setEnabled(_controller->hasStudy() && _controller->space().size() > 0);
    if (!_whatIf) return;
    const auto& spec = _controller->spec();
    const QString objective = spec.budget.trials <= 0
                                  ? tr("objective")
                                  : QString::fromStdString(train::Metrics::label(spec.objective.metric,
                                                                                 spec.objective.positiveClass));
    _whatIf->setModel(_controller->space(), _model, objective);
    if (!_controller->hasStudy()) _whatIf->setRunnable(false, tr("no study is open"));
    else if (!_controller->canTrain())
        _whatIf->setRunnable(false, tr("the study has no study spec to train (describe its data and model in Setup)"));
    else _whatIf->setRunnable(true);
}

bool MainWindow::runConfigurationNext(const std::vector<double>& values)
{
    QString error;
    int number = -1;
    if (!_controller->enqueue(values, &error, &number)) {
        _lastError = error;
        statusBar()->showMessage(error, 15000);
        if (_whatIf) _whatIf->setRunMessage(error, true);
        return false;
    }
    // Recorded now (trialQueued has said so) or by the worker at its next epoch.
    if (number < 0 && _whatIf) _whatIf->setRunMessage(tr("Queued: it runs after the running trial."));
    _trialsDirty = true;
    refreshViews();
    return true;
}

} // namespace tw::ui
