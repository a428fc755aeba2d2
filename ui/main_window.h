#pragma once
// The workbench window. It wires the panels together: the setup forms, the
// study controller (runs on a worker thread), the trace, trial table,
// learning curves, contour / slice / importance views, the status bar, the
// menus and the exports. Views refresh on a ~100 ms timer from the
// controller's latest snapshot, never per event.
#include <QMainWindow>
#include <QPointer>
#include <QStringList>

#include <memory>
#include <vector>

class QAction;
class QLabel;
class QMenu;
class QSplitter;
class QTabWidget;
class QTimer;

namespace tw::gp { class Surrogate; }
namespace tw::ui { struct StudyModel; }

namespace tw::ui {

class ContourView;
class ImportanceView;
class LearningCurveChart;
class ResultView;
class RetrainDialog;
class RunStatus;
class SetupPanel;
class SliceView;
class StudyController;
class SurrogateFitter;
class TraceChart;
class TrialTableView;
class WhatIfDialog;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    enum Tab { SetupTab, MonitorTab, ContoursTab, SliceTab, ImportanceTab, ResultTab };

    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Opens a study file (journal) or a study spec (JSON setup); by content.
    bool openFile(const QString& path);
    bool openStudy(const QString& path);
    /// Opens study `name` of the database at `url` (File > Open database
    /// study): watched live; Run joins its workers with this window.
    bool openDatabaseStudy(const QString& url, const QString& name);
    /// Study > Stop for everyone: every worker of the open study finishes its
    /// trial and asks no more (StudyController::stopForEveryone). With
    /// `confirm`, asks first when the window is visible.
    bool stopForEveryone(bool confirm = true);
    /// Writes the intact events of the damaged study `path` to a new file
    /// (`path` with ".repaired" before the extension, never an existing file)
    /// and opens it: the "Repair…" button of the error opening a damaged study.
    bool repairStudy(const QString& path);
    bool openSpec(const QString& path);
    bool saveSpec(const QString& path);
    /// Runs the setup as a new study recorded in `studyPath` ("" in memory),
    /// or resumes the open study when its search space matches the setup.
    bool runStudy(const QString& studyPath);
    /// Run button: resume, or ask where to record a new study.
    void run();
    void pause();
    void stop();
    /// File > New study: forgets the open study (it stays on disk); Run then records a new one.
    void newSetup();

    /// Study > Retrain best on test. The test data: ask when Setup's data or
    /// split differs from the study's (Ask), or take Setup's or the study's.
    /// Returns the open dialog, or null (no complete trial, cancelled).
    enum class RetrainData { Ask, Setup, Study };
    RetrainDialog* retrainBest(RetrainData data = RetrainData::Ask);

    QString lastError() const { return _lastError; }
    /// Where a file dialog of this kind ("study", "spec", "export") starts:
    /// the last folder used if it exists, else the study's or the spec's
    /// folder, else home. Always an existing folder.
    QString lastFolder(const QString& kind) const;
    void setDarkTheme(bool dark);

    // ---- parts, for tests ----
    SetupPanel* setupPanel() const { return _setup; }
    StudyController* controller() const { return _controller; }
    TraceChart* traceChart() const { return _trace; }
    TrialTableView* trialTable() const { return _table; }
    LearningCurveChart* learningCurves() const { return _curves; }
    ContourView* contourView() const { return _contours; }
    SliceView* sliceView() const { return _slice; }
    ImportanceView* importanceView() const { return _importance; }
    ResultView* resultView() const { return _result; }
    RunStatus* runStatus() const { return _status; }
    QTabWidget* tabs() const { return _tabs; }
    QAction* runAction() const { return _runAction; }
    QAction* pauseAction() const { return _pauseAction; }
    QAction* stopAction() const { return _stopAction; }
    QAction* stopForEveryoneAction() const { return _stopAllAction; }
    /// Brings every view up to date now (the timer does it every ~100 ms).
    void refreshViews();
    /// The latest surrogate the fitter produced (null before 2 complete trials).
    std::shared_ptr<const gp::Surrogate> surrogate() const { return _surrogate; }
    /// The latest model the fitter produced (null before 2 observations).
    std::shared_ptr<const StudyModel> model() const { return _model; }

    // ---- what if (main_window_what_if.cpp) ----
    /// Study > What if…: opens the dialog at these values (every parameter's),
    /// by default the best trial's (or the fixed values of the contour plots).
    WhatIfDialog* showWhatIf(const std::vector<double>& values = {});
    WhatIfDialog* whatIfDialog() const { return _whatIf; }
    /// Queues a configuration to run next (StudyController::enqueue); false
    /// with lastError() when it cannot.
    bool runConfigurationNext(const std::vector<double>& values);

    // ---- exports (also the File > Export menu) ----
    bool exportCurrentPlot(const QString& path);
    bool exportAllContourPairs(const QString& folder, const QString& format);
    bool exportContourGridCsv(const QString& path);
    bool exportBestJson(const QString& path);
    bool exportTrialsCsv(const QString& path);

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    // main_window.cpp: panels and their wiring
    void buildPanels();
    void connectController();
    void onTrialsChanged();
    void onRunFinished(const QString& why, const QString& message);
    void onModel(std::shared_ptr<const StudyModel> m);
    // main_window_what_if.cpp
    void connectWhatIf();
    void updateWhatIf();
    void updateActions();
    void updateCurves();
    void syncSliceFixedValues();
    void updateTitle();
    void showError(const QString& title, const QString& message);
    // main_window_actions.cpp: menus, dialogs, settings
    void buildActions();
    void addRecent(const QString& path);
    void rebuildRecentMenu();
    void restoreSettings();
    void saveSettings() const;
    void setLastFolder(const QString& kind, const QString& fileOrFolder);
    void openDialog();
    void openDatabaseDialog();
    /// After a study was opened: the setup, views and tab follow it.
    void showOpenedStudy();
    void saveSpecDialog(bool saveAs);
    void exportPlotDialog();
    void exportAllPairsDialog();
    void exportGridCsvDialog();
    void exportBestDialog();
    void exportTrialsDialog();
    void about();

    StudyController* _controller;
    SurrogateFitter* _fitter;
    std::shared_ptr<const gp::Surrogate> _surrogate;
    std::shared_ptr<const StudyModel> _model;
    WhatIfDialog* _whatIf = nullptr;
    QAction* _whatIfAction = nullptr;
    QTabWidget* _tabs = nullptr;
    SetupPanel* _setup = nullptr;
    TraceChart* _trace = nullptr;
    LearningCurveChart* _curves = nullptr;
    TrialTableView* _table = nullptr;
    ContourView* _contours = nullptr;
    SliceView* _slice = nullptr;
    ImportanceView* _importance = nullptr;
    ResultView* _result = nullptr;
    RunStatus* _status = nullptr;
    QSplitter* _monitorSplit = nullptr;
    QSplitter* _chartSplit = nullptr;
    QTimer* _refresh = nullptr;
    QAction* _runAction = nullptr;
    QAction* _pauseAction = nullptr;
    QAction* _stopAction = nullptr;
    QAction* _darkAction = nullptr;
    QAction* _logAction = nullptr;
    QAction* _retrainAction = nullptr;
    QAction* _stopAllAction = nullptr;
    QMenu* _recentMenu = nullptr;
    QString _specPath;
    QString _lastError;
    bool _trialsDirty = false;
    bool _curvesDirty = false;
    std::vector<int> _fittedOn;  // observed, running and failed trials the last fit request saw
    QList<int> _selected;    // trials whose learning curves are shown
};

} // namespace tw::ui
