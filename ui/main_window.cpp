#include "main_window.h"

#include "pg/pg_storage.h"

#include "plots/contour_view.h"
#include "plots/importance_view.h"
#include "plots/learning_curve_chart.h"
#include "plots/slice_view.h"
#include "plots/surrogate_fitter.h"
#include "plots/trace_chart.h"
#include "plots/what_if_dialog.h"
#include "result/result_view.h"
#include "run/study_controller.h"
#include "run/trial_table_view.h"
#include "run_status.h"
#include "setup/dataset_page.h"
#include "setup/setup_panel.h"
#include "train/metrics.h"
#include "util/errors.h"
#include "util/json_read.h"
#include "util/printable.h"

#include <QAction>
#include <QCloseEvent>
#include <QDateTime>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>

#include <nlohmann/json.hpp>

namespace tw::ui {

namespace {

constexpr int kMaxCurves = 8;

/// "F1 (class 'spam')", "F1 (macro)", "validation loss"; "objective" for a
/// study without a spec (`tw create`), whose metric is not known.
QString objectiveName(const train::StudySpec& spec)
{
    if (spec.budget.trials <= 0) return QObject::tr("objective");
    return QString::fromStdString(train::Metrics::label(spec.objective.metric, spec.objective.positiveClass));
}

/// What the objective can possibly be: chart axes stay within it.
ValueBounds objectiveBounds(const train::StudySpec& spec)
{
    // A study without a spec (tw create) has a value, not a metric: unbounded.
    if (spec.budget.trials <= 0) return ValueBounds{};
    const auto [lowest, highest] = train::Metrics::range(spec.objective.metric);
    return ValueBounds{lowest, highest};
}

} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), _controller(new StudyController(this)), _fitter(new SurrogateFitter(this))
{
    pg::registerBackend(); // database studies (File > Open database study)
    setObjectName("mainWindow");
    setAcceptDrops(true);
    buildPanels();
    buildActions();
    connectController();
    restoreSettings();
    updateActions();
    updateTitle();
    _refresh = new QTimer(this);
    _refresh->setInterval(100);
    // Other processes' trials (tw worker, tw tune on the same file, workers
    // on other machines) come through the controller's watcher.
    connect(_refresh, &QTimer::timeout, this, &MainWindow::refreshViews);
    _refresh->start();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildPanels()
{
    _tabs = new QTabWidget(this);
    _tabs->setObjectName("mainTabs");
    _tabs->setDocumentMode(true);

    _setup = new SetupPanel(this);
    _tabs->addTab(_setup, tr("Setup"));
    _tabs->setTabToolTip(SetupTab, tr("Data, model, training settings, search space and optimization settings"));

    _trace = new TraceChart(this);
    _curves = new LearningCurveChart(this);
    _table = new TrialTableView(this);
    _chartSplit = new QSplitter(Qt::Horizontal, this);
    _chartSplit->setObjectName("chartSplit");
    _chartSplit->addWidget(_trace);
    _chartSplit->addWidget(_curves);
    _chartSplit->setStretchFactor(0, 3);
    _chartSplit->setStretchFactor(1, 2);
    _monitorSplit = new QSplitter(Qt::Vertical, this);
    _monitorSplit->setObjectName("monitorSplit");
    _monitorSplit->addWidget(_chartSplit);
    _monitorSplit->addWidget(_table);
    _monitorSplit->setStretchFactor(0, 3);
    _monitorSplit->setStretchFactor(1, 2);
    _tabs->addTab(_monitorSplit, tr("Monitor"));
    _tabs->setTabToolTip(MonitorTab, tr("Optimization trace, learning curves and the trial table, live"));

    _contours = new ContourView(this);
    _tabs->addTab(_contours, tr("Contours"));
    _tabs->setTabToolTip(ContoursTab, tr("The GP surrogate's mean and standard error over two parameters"));
    _slice = new SliceView(this);
    _slice->setDeferWhileHidden(true);
    _tabs->addTab(_slice, tr("Slice"));
    _tabs->setTabToolTip(SliceTab, tr("The GP mean ± 2 standard errors along one parameter"));
    _importance = new ImportanceView(this);
    _tabs->addTab(_importance, tr("Importance"));
    _tabs->setTabToolTip(ImportanceTab, tr("How much of the objective's variation each parameter explains"));
    _result = new ResultView(this);
    _tabs->addTab(_result, tr("Result"));
    _tabs->setTabToolTip(ResultTab, tr("A kept model of the best (or selected) trial: confusion matrix, per-class "
                                       "scores, ROC and precision-recall curves, decision regions"));
    setCentralWidget(_tabs);

    _status = new RunStatus(_controller, this);
    statusBar()->addPermanentWidget(_status, 1);
    resize(1280, 820);
}

void MainWindow::connectController()
{
    connect(_controller, &StudyController::trialsChanged, this, [this] { _trialsDirty = true; });
    connect(_controller, &StudyController::epochFinished, this, [this] { _curvesDirty = true; });
    connect(_controller, &StudyController::trialStarted, this, [this] { _curvesDirty = true; });
    connect(_controller, &StudyController::stateChanged, this, [this] { updateActions(); });
    connect(_controller, &StudyController::watchProblem, this, [this](const QString& message) {
        if (!message.isEmpty()) statusBar()->showMessage(message, 20000);
    });
    connect(_controller, &StudyController::runStarted, this, [this](const QString& data, const QString& device) {
        statusBar()->showMessage(tr("Running on %1 — %2").arg(device, data), 8000);
    });
    connect(_controller, &StudyController::runFinished, this, &MainWindow::onRunFinished);
    connect(_fitter, &SurrogateFitter::fitted, this, &MainWindow::onModel);
    connect(_setup, &SetupPanel::validityChanged, this, [this] { updateActions(); });
    connect(_trace, &TraceChart::trialClicked, this, [this](int number) { _table->selectTrial(number); });
    connect(_table, &TrialTableView::selectionChanged, this, [this](const QList<int>& numbers) {
        // A table refresh re-announces the same selection: only a new one moves the Result page.
        if (numbers.size() == 1 && numbers != _selected) _result->showTrial(numbers.front());
        _selected = numbers;
        _curvesDirty = true;
        if (!numbers.isEmpty()) _trace->setSelectedTrial(numbers.front());
    });
    connect(_table, &TrialTableView::fixContoursRequested, this, [this](int number) {
        for (const auto& t : *_controller->trials())
            if (t.number == number) {
                _contours->fixAtTrial(t);
                _tabs->setCurrentIndex(ContoursTab);
            }
    });
    connect(_contours, &ContourView::fixedValuesChanged, this, [this] { syncSliceFixedValues(); });
    connectWhatIf();
}

void MainWindow::refreshViews()
{
    if (_trialsDirty) {
        _trialsDirty = false;
        _curvesDirty = true;
        onTrialsChanged();
    }
    if (_curvesDirty) {
        _curvesDirty = false;
        updateCurves();
    }
    _status->refresh();
}

void MainWindow::onTrialsChanged()
{
    const auto trials = _controller->trials();
    const auto& space = _controller->space();
    const auto direction = _controller->direction();
    const QString objective = objectiveName(_controller->spec());
    if (_controller->spec().budget.trials > 0)
        _table->model()->setObjective(_controller->spec().objective.metric, _controller->spec().objective.positiveClass);
    else
        _table->model()->setObjective({}, {}); // a tw create study: its value, no metric
    _table->model()->setTrials(space, *trials);
    _trace->setValueBounds(objectiveBounds(_controller->spec()));
    _trace->setTrials(*trials, space, direction, objective);
    _contours->setStudy(space, *trials, direction, objective, _controller->studyName());
    _result->setStudy(_controller->spec(), _controller->canTrain(), _controller->modelsFolder(), trials);
    // The model is the GP sampler's: it changes with each trial that completes
    // or is pruned (the fit), and with each that starts or fails (the
    // acquisition reads running and failed trials, and so does its proposal).
    std::vector<int> seen(3, 0);
    for (const auto& t : *trials) {
        seen[0] += t.state == study::TrialState::Complete || t.state == study::TrialState::Pruned;
        seen[1] += t.state == study::TrialState::Running;
        seen[2] += t.state == study::TrialState::Failed;
    }
    if (seen != _fittedOn) {
        _fittedOn = seen;
        _fitter->request(space, *trials, direction, _controller->samplerConfig());
    }
    updateWhatIf();
    updateActions();
    updateTitle();
}

void MainWindow::onModel(std::shared_ptr<const StudyModel> m)
{
    // A fit that was running when another study was opened is of no use.
    if (m && m->surrogate->space().toJson() != _controller->space().toJson()) return;
    _model = m;
    const auto s = m ? m->surrogate : nullptr;
    _surrogate = s;
    const QString objective = objectiveName(_controller->spec());
    _contours->setModel(m);
    updateWhatIf();
    _slice->setValueBounds(objectiveBounds(_controller->spec()));
    _slice->setSurrogate(s, *_controller->trials(), _controller->direction(), objective);
    syncSliceFixedValues();
    _importance->setSurrogate(s, _controller->direction());
}

void MainWindow::syncSliceFixedValues()
{
    // The slice cuts the surrogate where the contour plots do: at the user's
    // values, or (empty) at the best trial's.
    _slice->setFixedValues(_contours->fixedByUser() ? _contours->fixedValues() : std::vector<double>{});
}

void MainWindow::updateCurves()
{
    const auto trials = _controller->trials();
    const std::string metric = _controller->spec().objective.metric;
    QList<int> numbers = _selected.mid(0, kMaxCurves);
    const int running = _controller->runningTrial();
    if (numbers.isEmpty()) {
        if (running >= 0) numbers << running;
        else if (const auto best = _controller->bestTrial()) numbers << best->number;
    }
    std::vector<LearningCurveChart::Curve> curves;
    for (int n : numbers) {
        if (n == running) {
            LearningCurveChart::Curve c;
            c.trial = n;
            c.running = true;
            for (const auto& e : _controller->runningEpochs()) {
                c.epochs.push_back(e.epoch);
                c.trainLoss.push_back(e.trainLoss);
                c.validation.push_back(e.validation);
            }
            curves.push_back(std::move(c));
            continue;
        }
        for (const auto& t : *trials)
            if (t.number == n) curves.push_back(LearningCurveChart::curveOf(t, metric));
    }
    _curves->setMetricBounds(objectiveBounds(_controller->spec()));
    _curves->setCurves(std::move(curves), objectiveName(_controller->spec()));
}

void MainWindow::onRunFinished(const QString& why, const QString& message)
{
    _trialsDirty = true;
    refreshViews();
    QString text;
    if (why == "budget") text = tr("Study finished: the budget of %1 trials is spent.").arg(_controller->budget());
    else if (why == "time limit") text = tr("Study finished: the time limit is reached.");
    else if (why == "paused") text = tr("Paused. Run resumes the study.");
    else if (why == "stopped") text = tr("Stopped. Run resumes the study.");
    else if (why == "exhausted") text = tr("Study finished: %1").arg(message);
    if (why == "error") {
        showError(tr("The study stopped"), message);
    } else {
        if (!message.isEmpty() && why != "exhausted") text += ' ' + message;
        statusBar()->showMessage(text, 15000);
    }
    if (const auto best = _controller->bestTrial(); best && why == "budget")
        statusBar()->showMessage(text + ' ' + tr("Best: %1 = %2 (trial %3).")
                                                  .arg(objectiveName(_controller->spec()))
                                                  .arg(*best->value, 0, 'g', 6)
                                                  .arg(best->number),
                                 30000);
}

void MainWindow::updateActions()
{
    const bool running = _controller->running();
    const bool valid = _setup->isValid();
    _runAction->setEnabled(!running && valid);
    _runAction->setToolTip(valid ? tr("Run the study, or resume it (Ctrl+R)")
                                 : tr("Cannot run: %1").arg(_setup->invalidReason()));
    _pauseAction->setEnabled(_controller->state() == StudyController::State::Running);
    _stopAction->setEnabled(running && _controller->state() != StudyController::State::Stopping);
    _retrainAction->setEnabled(!running && _controller->canTrain() && _controller->bestTrial().has_value());
    _stopAllAction->setEnabled(_controller->hasStudy() && _controller->watching());
    _setup->setReadOnly(running);
}

void MainWindow::updateTitle()
{
    QString name = _controller->hasStudy() ? _controller->studyName() : tr("New study");
    if (!_controller->studyPath().isEmpty()) name += QStringLiteral(" — ") + QFileInfo(_controller->studyPath()).fileName();
    else if (!_controller->storageUrl().isEmpty()) name += QStringLiteral(" — ") + _controller->storageUrl();
    setWindowTitle(tr("%1 — Tuning Workbench").arg(name));
}

void MainWindow::showError(const QString& title, const QString& message)
{
    _lastError = message;
    statusBar()->showMessage(message, 20000);
    if (!isVisible()) return;
    auto* box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

bool MainWindow::openFile(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        showError(tr("Cannot open"), tr("%1: cannot open for reading").arg(path));
        return false;
    }
    // A spec is one JSON object with a search space; a study is a journal of
    // JSON lines, whose first line is a JSON object. Text that is neither
    // (nested too deep, a number out of range, not JSON) gets the parser's
    // message, which names the line, column and rule.
    const std::string head = f.read(4 << 20).toStdString();
    bool spec = false;
    try {
        const nlohmann::json j = tw::parseJson(head, path.toStdString());
        spec = j.is_object() && (j.contains("search_space") || j.contains("dataset"));
    } catch (const tw::ParseError& whole) {
        try {
            (void)tw::parseJson(std::string_view(head).substr(0, head.find('\n')), path.toStdString());
        } catch (const tw::ParseError&) {
            showError(tr("Cannot open"), QString::fromStdString(tw::printable(whole.what())));
            return false;
        }
    }
    return spec ? openSpec(path) : openStudy(path);
}

bool MainWindow::openStudy(const QString& path)
{
    if (_controller->running()) {
        showError(tr("Cannot open"), tr("A study is running; stop it first."));
        return false;
    }
    QString error;
    bool damaged = false;
    if (!_controller->openStudy(path, &error, &damaged)) {
        if (!damaged) {
            showError(tr("Cannot open the study"), error);
            return false;
        }
        _lastError = error;
        statusBar()->showMessage(error, 20000);
        if (isVisible()) {
            auto* box = new QMessageBox(QMessageBox::Warning, tr("The study file is damaged"),
                                        error + tr("\n\nRepair writes every intact event to a new file and opens "
                                                   "it; this file is left as it is."),
                                        QMessageBox::Cancel, this);
            QPushButton* repair = box->addButton(tr("Repair…"), QMessageBox::AcceptRole);
            box->setAttribute(Qt::WA_DeleteOnClose);
            connect(repair, &QPushButton::clicked, this, [this, path] { repairStudy(path); });
            box->open();
        }
        return false;
    }
    showOpenedStudy();
    addRecent(path);
    setLastFolder("study", path);
    return true;
}

bool MainWindow::openDatabaseStudy(const QString& url, const QString& name)
{
    if (_controller->running()) {
        showError(tr("Cannot open"), tr("A study is running; stop it first."));
        return false;
    }
    QString error;
    if (!_controller->openDatabaseStudy(url, name, &error)) {
        showError(tr("Cannot open the database study"), error);
        return false;
    }
    QSettings().setValue("database/url", url);
    showOpenedStudy();
    return true;
}

void MainWindow::showOpenedStudy()
{
    if (_controller->canTrain()) _setup->setSpec(_controller->spec());
    _selected.clear();
    _fittedOn.clear();
    onModel(nullptr);
    _trialsDirty = true;
    refreshViews();
    updateTitle();
    updateActions();
    _tabs->setCurrentIndex(MonitorTab);
    if (!_controller->warnings().isEmpty())
        statusBar()->showMessage(_controller->warnings().join(' '), 20000);
}

bool MainWindow::stopForEveryone(bool confirm)
{
    if (!_controller->hasStudy()) return false;
    if (confirm && isVisible()) {
        const auto answer = QMessageBox::question(
            this, tr("Stop the study for everyone"),
            tr("Every worker of %1 finishes its running trial and asks no more: the study's budget becomes the "
               "%n trial(s) counted now. Raise the budget (Setup, or tw budget) to continue.",
               nullptr, std::max(1, _controller->countedTrials()))
                .arg(_controller->studyLabel()),
            QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
        if (answer != QMessageBox::Yes) return false;
    }
    QString error;
    if (!_controller->stopForEveryone(&error)) {
        showError(tr("Cannot stop the study"), error);
        return false;
    }
    if (_controller->canTrain()) _setup->setSpec(_controller->spec());
    statusBar()->showMessage(tr("Stopped for everyone: every worker ends after its running trial."), 15000);
    updateActions();
    return true;
}

bool MainWindow::openSpec(const QString& path)
{
    QString error;
    if (!_setup->loadSpecFile(path, &error)) {
        showError(tr("Cannot open the study spec"), error);
        return false;
    }
    _specPath = path;
    setLastFolder("spec", path);
    _tabs->setCurrentIndex(SetupTab);
    updateActions();
    return true;
}

bool MainWindow::saveSpec(const QString& path)
{
    QString error;
    if (!_setup->saveSpecFile(path, &error)) {
        showError(tr("Cannot save the study spec"), error);
        return false;
    }
    _specPath = path;
    setLastFolder("spec", path);
    statusBar()->showMessage(tr("Saved %1").arg(path), 5000);
    return true;
}

bool MainWindow::runStudy(const QString& studyPath)
{
    if (_controller->running()) return false;
    if (!_setup->isValid()) {
        showError(tr("Cannot run"), _setup->invalidReason());
        return false;
    }
    train::StudySpec spec;
    try {
        spec = _setup->spec();
    } catch (const std::exception& e) {
        showError(tr("Cannot run"), QString::fromStdString(tw::printable(e.what())));
        return false;
    }
    QString error;
    const bool resume = _controller->hasStudy() && studyPath == _controller->studyPath() && _controller->matches(spec);
    if (resume ? !_controller->updateSpec(spec, &error) : !_controller->newStudy(spec, studyPath, &error)) {
        showError(tr("Cannot run"), error);
        return false;
    }
    if (!resume) {
        _selected.clear();
        _fittedOn.clear();
        onModel(nullptr);
    }
    if (!studyPath.isEmpty()) addRecent(studyPath);
    if (!_controller->start(QString::fromStdString(spec.training.device), &error)) {
        showError(tr("Cannot run"), error);
        return false;
    }
    _trialsDirty = true;
    refreshViews();
    _tabs->setCurrentIndex(MonitorTab);
    return true;
}

void MainWindow::run()
{
    if (_controller->running()) return;
    train::StudySpec spec;
    try {
        spec = _setup->spec();
    } catch (const std::exception& e) {
        showError(tr("Cannot run"), QString::fromStdString(tw::printable(e.what())));
        return;
    }
    if (_controller->hasStudy() && _controller->matches(spec)) {
        runStudy(_controller->studyPath());
        return;
    }
    const QString name = QString::fromStdString(spec.name.empty() ? std::string("study") : spec.name);
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Record the study in"), lastFolder("study") + '/' + name + ".study",
        tr("Study files (*.study *.jsonl);;All files (*)"), nullptr, QFileDialog::DontConfirmOverwrite);
    if (path.isEmpty()) return;
    setLastFolder("study", path);
    if (QFileInfo(path).exists() && QFileInfo(path).size() > 0) {
        // An existing study: resume it (same search space) or start over.
        QMessageBox box(QMessageBox::Question, tr("The study file exists"),
                        tr("%1 already holds a study.").arg(QFileInfo(path).fileName()), QMessageBox::Cancel, this);
        QPushButton* resume = box.addButton(tr("Resume it"), QMessageBox::AcceptRole);
        QPushButton* replace = box.addButton(tr("Replace it"), QMessageBox::DestructiveRole);
        resume->setToolTip(tr("Continue that study (it must have the setup's search space)"));
        replace->setToolTip(tr("Delete its trials and start a new study in this file"));
        box.exec();
        if (box.clickedButton() == replace) {
            if (!QFile::remove(path)) {
                showError(tr("Cannot run"), tr("%1: cannot be replaced").arg(path));
                return;
            }
        } else if (box.clickedButton() != resume) {
            return;
        }
    }
    runStudy(path);
}

void MainWindow::pause()
{
    _controller->pause();
}

void MainWindow::stop()
{
    _controller->stop();
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (_controller->running()) {
        const auto answer = QMessageBox::question(
            this, tr("A study is running"),
            tr("Stop the running trial and close? Every finished trial is already saved in the study file."),
            QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
        if (answer != QMessageBox::Yes) {
            event->ignore();
            return;
        }
        _controller->stop();
        _controller->waitForIdle();
    }
    saveSettings();
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    const auto urls = event->mimeData()->urls();
    if (urls.isEmpty() || !urls.first().isLocalFile()) return;
    const QFileInfo info(urls.first().toLocalFile());
    event->acceptProposedAction();
    // Data goes to the setup (a CSV file, an IDX folder); anything else is a study or a spec.
    if (info.isDir() || info.suffix().compare("csv", Qt::CaseInsensitive) == 0) {
        if (_controller->running()) {
            showError(tr("Cannot change the data"), tr("A study is running; stop it first."));
            return;
        }
        _tabs->setCurrentIndex(SetupTab);
        _setup->showSection(SetupPanel::DataSection);
        if (info.isDir()) _setup->datasetPage()->openIdxFolder(info.absoluteFilePath());
        else _setup->datasetPage()->openCsv(info.absoluteFilePath());
        return;
    }
    openFile(info.absoluteFilePath());
}

} // namespace tw::ui
