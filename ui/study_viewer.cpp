#include "study_viewer.h"

#include "run/trial_table_model.h"

#include "study/study.h"

#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QStatusBar>
#include <QTableView>
#include <QVBoxLayout>

namespace tw::ui {

StudyViewer::StudyViewer(QWidget* parent)
    : QMainWindow(parent), _model(new TrialTableModel(this)), _proxy(new QSortFilterProxyModel(this)),
      _view(new QTableView), _summary(new QLabel)
{
    _proxy->setSourceModel(_model);
    _proxy->setSortRole(Qt::DisplayRole);
    _view->setModel(_proxy);
    _view->setSortingEnabled(true);
    _view->sortByColumn(0, Qt::AscendingOrder);
    _view->setAlternatingRowColors(true);
    _view->setSelectionBehavior(QAbstractItemView::SelectRows);
    _view->verticalHeader()->hide();
    _view->horizontalHeader()->setStretchLastSection(true);
    _summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    _summary->setContentsMargins(6, 6, 6, 0);

    auto* central = new QWidget;
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(_summary);
    layout->addWidget(_view);
    setCentralWidget(central);
    setWindowTitle(tr("Tuning Workbench"));
    resize(1000, 600);
}

bool StudyViewer::openStudy(const QString& path)
{
    try {
        auto study = study::Study::openFile(path.toStdString());
        const auto trials = study->trials();
        _model->setTrials(study->space(), trials);
        _view->resizeColumnsToContents();
        int complete = 0, failed = 0, running = 0;
        for (const auto& t : trials) {
            complete += t.state == study::TrialState::Complete;
            failed += t.state == study::TrialState::Failed;
            running += t.state == study::TrialState::Running;
        }
        QString text = tr("<b>%1</b> — %2, %3 trials: %4 complete, %5 failed, %6 running")
                           .arg(QString::fromStdString(study->config().name).toHtmlEscaped(),
                                QString::fromStdString(study::toString(study->direction())))
                           .arg(trials.size())
                           .arg(complete)
                           .arg(failed)
                           .arg(running);
        if (const auto best = study->bestTrial())
            text += tr(" — best %1 (trial %2)").arg(*best->value, 0, 'g', 6).arg(best->number);
        _summary->setText(text);
        setWindowTitle(tr("%1 — Tuning Workbench").arg(QFileInfo(path).fileName()));
        for (const auto& w : study->warnings()) statusBar()->showMessage(QString::fromStdString(w));
        _error.clear();
        return true;
    } catch (const std::exception& e) {
        _error = QString::fromStdString(e.what());
        return false;
    }
}

} // namespace tw::ui
