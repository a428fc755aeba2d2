// tuning-workbench: the desktop window. For now it lists a study's trials;
// `tuning-workbench STUDY_FILE` opens that study.
#include "trial_table_model.h"

#include "study/study.h"

#include <QApplication>
#include <QFileDialog>
#include <QHeaderView>
#include <QMainWindow>
#include <QMessageBox>
#include <QSortFilterProxyModel>
#include <QStatusBar>
#include <QTableView>

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName("Tuning Workbench");
    QApplication::setOrganizationName("Tuning Workbench");

    QString path = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QString();
    if (path.isEmpty())
        path = QFileDialog::getOpenFileName(nullptr, "Open study", {}, "Study files (*.jsonl *.study);;All files (*)");
    if (path.isEmpty()) return 0;

    QMainWindow window;
    auto* model = new tw::ui::TrialTableModel(&window);
    try {
        auto study = tw::study::Study::openFile(path.toStdString());
        model->setTrials(study->space(), study->trials());
        const auto best = study->bestTrial();
        window.statusBar()->showMessage(
            QString("%1 trials").arg(model->rowCount())
            + (best ? QString(" — best %1 (trial %2)").arg(*best->value).arg(best->number) : QString()));
    } catch (const std::exception& e) {
        QMessageBox::critical(nullptr, "Cannot open study", QString::fromStdString(e.what()));
        return 1;
    }
    auto* proxy = new QSortFilterProxyModel(&window);
    proxy->setSourceModel(model);
    auto* view = new QTableView(&window);
    view->setModel(proxy);
    view->setSortingEnabled(true);
    view->horizontalHeader()->setStretchLastSection(true);
    window.setCentralWidget(view);
    window.setWindowTitle("Tuning Workbench — " + path);
    window.resize(900, 600);
    window.show();
    return app.exec();
}
