// MainWindow: menus, toolbar, settings, file dialogs and exports.
#include "main_window.h"

#include "result/result_view.h"

#include "app_style.h"
#include "database_dialog.h"
#include "plots/contour_view.h"
#include "plots/importance_view.h"
#include "plots/learning_curve_chart.h"
#include "plots/slice_view.h"
#include "plots/trace_chart.h"
#include "result/result_view.h"
#include "retrain_dialog.h"
#include "run/study_controller.h"
#include "run/trial_table_view.h"
#include "setup/setup_panel.h"
#include "study/export.h"
#include "study/repair.h"
#include "train/trainer.h"
#include "util/printable.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>

#include <Eigen/Core>
#include <nlopt.h>

#include <optional>

namespace tw::ui {

namespace {

/// Chooses a folder; a name that does not exist yet is created on Choose
/// (Qt's own folder dialog refuses it otherwise).
class NewFolderDialog : public QFileDialog {
public:
    NewFolderDialog(QWidget* parent, const QString& caption, const QString& start) : QFileDialog(parent, caption, start)
    {
        setFileMode(QFileDialog::Directory);
        setOption(QFileDialog::ShowDirsOnly);
        setOption(QFileDialog::DontUseNativeDialog);
        setAcceptMode(QFileDialog::AcceptOpen);
        setLabelText(QFileDialog::Accept, tr("Export here"));
    }
    void accept() override
    {
        const QStringList files = selectedFiles();
        if (!files.isEmpty() && !QFileInfo::exists(files.first()) && !QDir().mkpath(files.first())) {
            QMessageBox::warning(this, windowTitle(), tr("%1: the folder cannot be created").arg(files.first()));
            return;
        }
        QFileDialog::accept();
    }
};

constexpr int kMaxRecent = 10;
const char* kImageFilter = "PNG image (*.png);;SVG vector image (*.svg);;PDF document (*.pdf)";

QAction* makeAction(QObject* parent, const QString& text, const QString& tip, const QKeySequence& key = {})
{
    auto* a = new QAction(text, parent);
    a->setToolTip(tip);
    a->setStatusTip(tip);
    if (!key.isEmpty()) a->setShortcut(key);
    return a;
}

/// Adds the suffix of the chosen filter when the name has none.
QString withSuffix(QString path, const QString& filter)
{
    if (!QFileInfo(path).suffix().isEmpty()) return path;
    const int star = filter.indexOf("*.");
    if (star >= 0) path += filter.mid(star + 1, filter.indexOf(')', star) - star - 1);
    return path;
}

} // namespace

void MainWindow::buildActions()
{
    // ---- File ----
    QMenu* file = menuBar()->addMenu(tr("&File"));
    auto* newAction = makeAction(this, tr("&New study"), tr("Start a new setup (the open study stays on disk)"),
                                 QKeySequence::New);
    connect(newAction, &QAction::triggered, this, &MainWindow::newSetup);
    auto* open = makeAction(this, tr("&Open…"), tr("Open a study file, or a study spec (JSON setup)"),
                            QKeySequence::Open);
    connect(open, &QAction::triggered, this, &MainWindow::openDialog);
    auto* openDatabase = makeAction(this, tr("Open &database study…"),
                                    tr("A study on PostgreSQL that workers on many machines share: watch it live, "
                                       "run one more worker, stop it for everyone"),
                                    QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    openDatabase->setObjectName("openDatabaseAction");
    connect(openDatabase, &QAction::triggered, this, &MainWindow::openDatabaseDialog);
    _recentMenu = new QMenu(tr("Open &recent"), this);
    auto* save = makeAction(this, tr("&Save spec"), tr("Save the setup as a study spec (JSON)"), QKeySequence::Save);
    connect(save, &QAction::triggered, this, [this] { saveSpecDialog(false); });
    auto* saveAs = makeAction(this, tr("Save spec &as…"), tr("Save the setup under a new name"), QKeySequence::SaveAs);
    connect(saveAs, &QAction::triggered, this, [this] { saveSpecDialog(true); });
    file->addAction(newAction);
    file->addAction(open);
    file->addAction(openDatabase);
    file->addMenu(_recentMenu);
    file->addSeparator();
    file->addAction(save);
    file->addAction(saveAs);
    file->addSeparator();
    QMenu* exportMenu = file->addMenu(tr("&Export"));
    auto* exportPlot = makeAction(this, tr("Current &plot…"), tr("Save the plot on screen as PNG, SVG or PDF"),
                                  QKeySequence(Qt::CTRL | Qt::Key_E));
    connect(exportPlot, &QAction::triggered, this, &MainWindow::exportPlotDialog);
    auto* exportCurves = makeAction(this, tr("&Learning curves…"),
                                    tr("The learning curves on the Monitor page as PNG, SVG or PDF"));
    connect(exportCurves, &QAction::triggered, this, [this] {
        QString filter;
        const QString path = QFileDialog::getSaveFileName(this, tr("Export the learning curves"),
                                                          lastFolder("export") + "/learning-curves.png",
                                                          tr(kImageFilter), &filter);
        if (path.isEmpty()) return;
        QString error;
        if (!_curves->exportImage(withSuffix(path, filter), &error)) showError(tr("Export failed"), error);
        setLastFolder("export", path);
    });
    auto* exportPairs = makeAction(this, tr("&All contour pairs…"),
                                   tr("One contour plot per pair of parameters, into a folder"));
    connect(exportPairs, &QAction::triggered, this, &MainWindow::exportAllPairsDialog);
    auto* exportGrid = makeAction(this, tr("Contour &grid as CSV…"), tr("The mean and SE grid behind the contour plot"));
    connect(exportGrid, &QAction::triggered, this, &MainWindow::exportGridCsvDialog);
    auto* exportBest = makeAction(this, tr("&Best configuration (JSON)…"),
                                  tr("The best trial's parameters, objective and metrics"),
                                  QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_B));
    connect(exportBest, &QAction::triggered, this, &MainWindow::exportBestDialog);
    auto* exportTrials = makeAction(this, tr("All &trials (CSV)…"),
                                    tr("One row per trial: parameters, objective, state, duration, metrics"));
    connect(exportTrials, &QAction::triggered, this, &MainWindow::exportTrialsDialog);
    exportMenu->addActions({exportPlot, exportCurves, exportPairs, exportGrid});
    exportMenu->addSeparator();
    exportMenu->addActions({exportBest, exportTrials});
    file->addSeparator();
    auto* quit = makeAction(this, tr("&Quit"), tr("Close the workbench"), QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);
    connect(quit, &QAction::triggered, this, &QWidget::close);
    file->addAction(quit);

    // ---- Study ----
    QMenu* studyMenu = menuBar()->addMenu(tr("&Study"));
    _runAction = makeAction(this, tr("&Run"), tr("Run the study, or resume it"), QKeySequence(Qt::CTRL | Qt::Key_R));
    _runAction->setObjectName("runAction");
    connect(_runAction, &QAction::triggered, this, &MainWindow::run);
    _pauseAction = makeAction(this, tr("&Pause"), tr("Pause after the running trial"),
                              QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
    connect(_pauseAction, &QAction::triggered, this, &MainWindow::pause);
    _stopAction = makeAction(this, tr("&Stop"), tr("Stop the running trial now (it is recorded as stopped)"),
                             QKeySequence(Qt::CTRL | Qt::Key_Period));
    connect(_stopAction, &QAction::triggered, this, &MainWindow::stop);
    _retrainAction = makeAction(this, tr("Retrain &best on test…"),
                                tr("Retrain the best configuration on train + validation and evaluate it on the test data"));
    connect(_retrainAction, &QAction::triggered, this, [this] { retrainBest(); });
    _whatIfAction = makeAction(this, tr("&What if…"),
                               tr("Type any configuration and read the GP's prediction for it; run it next"),
                               QKeySequence(Qt::CTRL | Qt::Key_I));
    _whatIfAction->setObjectName("whatIfAction");
    connect(_whatIfAction, &QAction::triggered, this, [this] { showWhatIf(); });
    _stopAllAction = makeAction(this, tr("Stop for &everyone…"),
                                tr("Every worker of this shared study finishes its running trial and asks no more "
                                   "(the budget becomes the trials counted now)"));
    _stopAllAction->setObjectName("stopForEveryoneAction");
    connect(_stopAllAction, &QAction::triggered, this, [this] { stopForEveryone(); });
    studyMenu->addActions({_runAction, _pauseAction, _stopAction, _stopAllAction});
    studyMenu->addSeparator();
    studyMenu->addAction(_whatIfAction);
    studyMenu->addAction(_retrainAction);

    // ---- View ----
    QMenu* view = menuBar()->addMenu(tr("&View"));
    const char* tabNames[] = {"&Setup", "&Monitor", "&Contours", "S&lice", "&Importance"};
    for (int i = 0; i < 5; ++i) {
        auto* a = makeAction(this, tr(tabNames[i]), tr("Show this page"), QKeySequence(Qt::ALT | (Qt::Key_1 + i)));
        connect(a, &QAction::triggered, this, [this, i] { _tabs->setCurrentIndex(i); });
        view->addAction(a);
    }
    view->addSeparator();
    _logAction = makeAction(this, tr("&Log-scale objective"), tr("Plot the objective on a logarithmic axis"));
    _logAction->setCheckable(true);
    connect(_logAction, &QAction::toggled, this, [this](bool on) { _trace->setLogScale(on); });
    if (auto* box = _trace->findChild<QCheckBox*>("traceLogScale"))  // the chart's own check box
        connect(box, &QCheckBox::toggled, _logAction, &QAction::setChecked);
    _darkAction = makeAction(this, tr("&Dark theme"), tr("A dark palette for the whole window"));
    _darkAction->setCheckable(true);
    connect(_darkAction, &QAction::toggled, this, &MainWindow::setDarkTheme);
    view->addActions({_logAction, _darkAction});

    // ---- Help ----
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    auto* aboutAction = makeAction(this, tr("&About Tuning Workbench"), tr("Versions and the device"));
    aboutAction->setMenuRole(QAction::AboutRole);
    connect(aboutAction, &QAction::triggered, this, &MainWindow::about);
    help->addAction(aboutAction);

    QToolBar* bar = addToolBar(tr("Study"));
    bar->setObjectName("studyToolBar");
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    bar->addActions({open, save});
    bar->addSeparator();
    bar->addActions({_runAction, _pauseAction, _stopAction});
    bar->addSeparator();
    bar->addAction(exportPlot);
    rebuildRecentMenu();
}

bool MainWindow::repairStudy(const QString& path)
{
    const std::string out = study::repairedPath(path.toStdString());
    study::RepairReport r;
    try {
        r = study::repairJournal(path.toStdString(), out);
    } catch (const std::exception& e) {
        showError(tr("Cannot repair the study"), QString::fromStdString(tw::printable(e.what())));
        return false;
    }
    if (!openStudy(QString::fromStdString(out))) return false;
    QStringList lines;
    for (const auto& d : r.dropped) lines << QString::number(d.line);
    statusBar()->showMessage(tr("Opened the repaired copy %1: kept %2 events, dropped %3 (lines %4)")
                                 .arg(QString::fromStdString(out))
                                 .arg(r.kept)
                                 .arg(r.dropped.size())
                                 .arg(lines.join(", ")),
                             30000);
    return true;
}

void MainWindow::setDarkTheme(bool dark)
{
    if (auto* app = qobject_cast<QApplication*>(QApplication::instance())) applyTheme(*app, dark);
    if (_darkAction && _darkAction->isChecked() != dark) _darkAction->setChecked(dark);
    // Plots read the palette when they paint; charts take their theme from it.
    _trialsDirty = true;
    if (_model) onModel(_model);
    _result->setDark(dark);
    refreshViews();
}

// ---- recent studies and settings ---------------------------------------------

void MainWindow::addRecent(const QString& path)
{
    QSettings s;
    QStringList recent = s.value("recentStudies").toStringList();
    const QString abs = QFileInfo(path).absoluteFilePath();
    recent.removeAll(abs);
    recent.prepend(abs);
    while (recent.size() > kMaxRecent) recent.removeLast();
    s.setValue("recentStudies", recent);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu()
{
    _recentMenu->clear();
    const QStringList recent = QSettings().value("recentStudies").toStringList();
    for (const QString& p : recent) {
        auto* a = _recentMenu->addAction(QFileInfo(p).fileName(), this, [this, p] { openFile(p); });
        a->setToolTip(p);
        a->setStatusTip(p);
    }
    _recentMenu->setEnabled(!recent.isEmpty());
}

void MainWindow::restoreSettings()
{
    QSettings s;
    restoreGeometry(s.value("window/geometry").toByteArray());
    restoreState(s.value("window/state").toByteArray());
    _monitorSplit->restoreState(s.value("window/monitorSplit").toByteArray());
    _chartSplit->restoreState(s.value("window/chartSplit").toByteArray());
    _logAction->setChecked(s.value("view/logScale", false).toBool());
    if (s.value("view/dark", false).toBool()) _darkAction->setChecked(true);
}

void MainWindow::saveSettings() const
{
    QSettings s;
    s.setValue("window/geometry", saveGeometry());
    s.setValue("window/state", saveState());
    s.setValue("window/monitorSplit", _monitorSplit->saveState());
    s.setValue("window/chartSplit", _chartSplit->saveState());
    s.setValue("view/logScale", _logAction->isChecked());
    s.setValue("view/dark", _darkAction->isChecked());
}

QString MainWindow::lastFolder(const QString& kind) const
{
    // The last one used if it still exists, else the open study's folder,
    // else the spec's, else home: a dialog never starts in a missing folder.
    const QString f = QSettings().value("folders/" + kind).toString();
    if (!f.isEmpty() && QDir(f).exists()) return f;
    for (const QString& file : {_controller->studyPath(), _specPath}) {
        const QString folder = file.isEmpty() ? QString() : QFileInfo(file).absolutePath();
        if (!folder.isEmpty() && QDir(folder).exists()) return folder;
    }
    return QDir::homePath();
}

void MainWindow::setLastFolder(const QString& kind, const QString& fileOrFolder)
{
    const QFileInfo info(fileOrFolder);
    QSettings().setValue("folders/" + kind, info.isDir() ? info.absoluteFilePath() : info.absolutePath());
}

// ---- dialogs --------------------------------------------------------------------

void MainWindow::newSetup()
{
    if (_controller->running()) {
        showError(tr("A study is running"), tr("Stop the running study before starting a new one."));
        return;
    }
    // The open study stays on disk; the next Run records a new one.
    _controller->close();
    _specPath.clear();
    _selected.clear();
    _fittedOn.clear();
    onModel(nullptr);
    _trialsDirty = true;
    refreshViews();
    _tabs->setCurrentIndex(SetupTab);
    statusBar()->showMessage(tr("Edit the setup, then Run: it records a new study."), 8000);
}

void MainWindow::openDatabaseDialog()
{
    auto* dialog = new DatabaseStudyDialog(QSettings().value("database/url").toString(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        openDatabaseStudy(dialog->url(), dialog->studyName());
    });
    dialog->open();
}

void MainWindow::openDialog()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open a study or a study spec"), lastFolder("study"),
        tr("Studies and specs (*.study *.jsonl *.json);;Study files (*.study *.jsonl);;Study specs (*.json);;"
           "All files (*)"));
    if (!path.isEmpty()) openFile(path);
}

void MainWindow::saveSpecDialog(bool saveAs)
{
    QString path = _specPath;
    if (saveAs || path.isEmpty()) {
        path = QFileDialog::getSaveFileName(this, tr("Save the study spec"), lastFolder("spec") + "/study.json",
                                            tr("Study specs (*.json)"));
        if (path.isEmpty()) return;
        path = withSuffix(path, "(*.json)");
    }
    saveSpec(path);
}

void MainWindow::exportPlotDialog()
{
    QString filter;
    const QString path = QFileDialog::getSaveFileName(this, tr("Export the plot"), lastFolder("export") + "/plot.png",
                                                      tr(kImageFilter), &filter);
    if (path.isEmpty()) return;
    exportCurrentPlot(withSuffix(path, filter));
}

void MainWindow::exportAllPairsDialog()
{
    NewFolderDialog dialog(this, tr("Export every contour pair into (a new folder name is created)"),
                           lastFolder("export"));
    if (dialog.exec() != QDialog::Accepted || dialog.selectedFiles().isEmpty()) return;
    const QString folder = dialog.selectedFiles().first();
    bool ok = false;
    const QString format = QInputDialog::getItem(this, tr("Format"), tr("Image format:"), {"png", "svg", "pdf"}, 0,
                                                 false, &ok);
    if (ok) exportAllContourPairs(folder, format);
}

void MainWindow::exportGridCsvDialog()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export the contour grid"),
                                                      lastFolder("export") + "/contour.csv", tr("CSV (*.csv)"));
    if (!path.isEmpty()) exportContourGridCsv(withSuffix(path, "(*.csv)"));
}

void MainWindow::exportBestDialog()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export the best configuration"),
                                                      lastFolder("export") + "/best.json", tr("JSON (*.json)"));
    if (!path.isEmpty()) exportBestJson(withSuffix(path, "(*.json)"));
}

void MainWindow::exportTrialsDialog()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export all trials"),
                                                      lastFolder("export") + "/trials.csv", tr("CSV (*.csv)"));
    if (!path.isEmpty()) exportTrialsCsv(withSuffix(path, "(*.csv)"));
}

RetrainDialog* MainWindow::retrainBest(RetrainData data)
{
    const auto best = _controller->bestTrial();
    if (!best) {
        showError(tr("Nothing to retrain"), tr("The study has no complete trial yet."));
        return nullptr;
    }
    // The test data comes from the setup as it is now (a test share or a test
    // CSV may have been added after the study started); the settings that
    // were searched and fixed stay the study's.
    train::StudySpec spec = _controller->spec();
    std::optional<train::StudySpec> setup;
    if (_setup->isValid()) {
        try {
            setup = _setup->spec();
        } catch (const std::exception&) {
        }
    }
    const bool differs = setup && (setup->dataset.toJson() != spec.dataset.toJson() ||
                                   setup->split.toJson() != spec.split.toJson());
    if (differs && data == RetrainData::Ask) {
        QMessageBox box(QMessageBox::Question, tr("Which test data?"),
                        tr("The data or split in Setup differs from the one the study ran with. Retrain and test "
                           "with the data as Setup > Data describes it now, or as the study had it?"),
                        QMessageBox::Cancel, this);
        QPushButton* now = box.addButton(tr("As in Setup"), QMessageBox::AcceptRole);
        QPushButton* study = box.addButton(tr("As in the study"), QMessageBox::RejectRole);
        box.setDefaultButton(now);
        box.exec();
        if (box.clickedButton() == now) data = RetrainData::Setup;
        else if (box.clickedButton() == study) data = RetrainData::Study;
        else return nullptr;
    }
    if (differs && data == RetrainData::Setup) {
        spec.dataset = setup->dataset;
        spec.split = setup->split;
    }
    auto* dialog = new RetrainDialog(spec, *best, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
    return dialog;
}

void MainWindow::about()
{
    int major = 0, minor = 0, bugfix = 0;
    nlopt_version(&major, &minor, &bugfix);
    const QString text =
        tr("<h3>Tuning Workbench %1</h3>"
           "<p>Bayesian hyperparameter tuning of neural networks: a Gaussian-process optimizer proposes each "
           "trial, LibTorch trains it, and the window shows the study live.</p>"
           "<table>"
           "<tr><td>Device</td><td>%2</td></tr>"
           "<tr><td>Qt</td><td>%3</td></tr>"
           "<tr><td>LibTorch</td><td>%4</td></tr>"
           "<tr><td>Eigen</td><td>%5.%6.%7</td></tr>"
           "<tr><td>NLopt</td><td>%8.%9.%10</td></tr>"
           "</table>")
            .arg(QApplication::applicationVersion(), QString::fromStdString(train::deviceDescription()), qVersion(),
                 QString::fromStdString(train::libtorchVersion()))
            .arg(EIGEN_WORLD_VERSION)
            .arg(EIGEN_MAJOR_VERSION)
            .arg(EIGEN_MINOR_VERSION)
            .arg(major)
            .arg(minor)
            .arg(bugfix);
    QMessageBox::about(this, tr("About Tuning Workbench"), text);
}

// ---- exports --------------------------------------------------------------------

bool MainWindow::exportCurrentPlot(const QString& path)
{
    QString error;
    bool ok = false;
    switch (_tabs->currentIndex()) {
    case ContoursTab: ok = _contours->exportImage(path, &error); break;
    case SliceTab: ok = _slice->exportImage(path, &error); break;
    case ImportanceTab: ok = _importance->exportImage(path, &error); break;
    case ResultTab: ok = _result->exportImage(path, &error); break;
    default: ok = _trace->exportImage(path, &error); break;
    }
    setLastFolder("export", path);
    if (!ok) showError(tr("Export failed"), error.isEmpty() ? tr("%1: could not be written").arg(path) : error);
    else statusBar()->showMessage(tr("Exported %1").arg(path), 5000);
    return ok;
}

bool MainWindow::exportAllContourPairs(const QString& folder, const QString& format)
{
    QString error;
    const bool ok = _contours->exportAllPairs(folder, format, &error);
    setLastFolder("export", folder);
    if (!ok) showError(tr("Export failed"), error);
    else statusBar()->showMessage(tr("Exported every contour pair into %1").arg(folder), 5000);
    return ok;
}

bool MainWindow::exportContourGridCsv(const QString& path)
{
    QString error;
    const bool ok = _contours->exportGridCsv(path, &error);
    setLastFolder("export", path);
    if (!ok) showError(tr("Export failed"), error);
    return ok;
}

bool MainWindow::exportBestJson(const QString& path)
{
    const auto best = _controller->bestTrial();
    if (!best) {
        showError(tr("Export failed"), tr("The study has no complete trial yet."));
        return false;
    }
    const auto& spec = _controller->spec();
    study::ordered_json extra;
    extra["study"] = _controller->studyName().toStdString();
    extra["metric"] = spec.objective.metric;
    extra["direction"] = study::toString(_controller->direction());
    if (best->userAttrs.contains("metrics"))
        extra["metrics"] = study::ordered_json::parse(best->userAttrs["metrics"].dump());
    try {
        study::writeBestJson(path.toStdString(), _controller->space(), *best, extra);
    } catch (const std::exception& e) {
        showError(tr("Export failed"), QString::fromStdString(tw::printable(e.what())));
        return false;
    }
    setLastFolder("export", path);
    statusBar()->showMessage(tr("Exported %1").arg(path), 5000);
    return true;
}

bool MainWindow::exportTrialsCsv(const QString& path)
{
    try {
        study::writeTrialsCsv(path.toStdString(), _controller->space(), *_controller->trials());
    } catch (const std::exception& e) {
        showError(tr("Export failed"), QString::fromStdString(tw::printable(e.what())));
        return false;
    }
    setLastFolder("export", path);
    statusBar()->showMessage(tr("Exported %1").arg(path), 5000);
    return true;
}

} // namespace tw::ui
