// The whole window, offscreen: a 5-trial spirals study set up in the forms,
// run on the worker thread, shown in the trace, the table, the learning
// curves and the contour view, exported; an invalid search-space cell
// disables Run with its reason; Stop ends a running trial; the study file
// reopens in a new window; What if reads the model at a typed configuration
// and runs it next. Screenshots of each state go to
// <build>/screenshots/window_*.png.
#include "main_window.h"

#include "plots/contour_view.h"
#include "plots/contour_widgets.h"
#include "plots/importance_view.h"
#include "plots/learning_curve_chart.h"
#include "plots/slice_view.h"
#include "plots/study_model.h"
#include "plots/what_if_dialog.h"
#include "plots/trace_chart.h"
#include "result/result_view.h"
#include "retrain_dialog.h"
#include "run_status.h"
#include "run/study_controller.h"
#include "run/trial_table_view.h"
#include "setup/search_space_model.h"
#include "setup/dataset_page.h"
#include "setup/setup_panel.h"
#include "space/search_space.h"
#include "study/study.h"
#include "train/tune.h"
#include "ui/plots/contour_study.h"

#include <QAction>
#include <QPointer>
#include <QApplication>
#include <QAbstractButton>
#include <QDir>
#include <QFileInfo>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

using namespace tw;
using nlohmann::json;

namespace {

json spiralsJson(int epochs, int trials)
{
    json j = json::parse(R"({
      "name": "spirals-window",
      "dataset": {"builtin": "spirals"},
      "split": {"test": 0.2},
      "model": {"family": "mlp", "hidden_layers": 2, "units": 32},
      "training": {"optimizer": "adam", "batch_size": 64, "seed": 1},
      "objective": {"metric": "accuracy"},
      "search_space": {"parameters": [
        {"name": "learning_rate", "type": "float", "low": 1e-3, "high": 3e-2, "log": true},
        {"name": "units", "type": "int", "low": 8, "high": 64, "log": true},
        {"name": "activation", "type": "categorical", "choices": ["relu", "tanh"]}
      ]},
      "sampler": {"name": "gp", "seed": 3, "initial": 3}
    })");
    j["training"]["epochs"] = epochs;
    j["budget"] = {{"trials", trials}};
    return j;
}

void shoot(QWidget& w, const QString& name)
{
    QDir().mkpath(TW_BUILD_DIR "/screenshots");
    QVERIFY(w.grab().save(TW_BUILD_DIR "/screenshots/" + name + ".png"));
}

bool nonTrivialImage(const QString& path)
{
    QImage img(path);
    if (img.isNull() || img.width() < 200) return false;
    const QRgb first = img.pixel(0, 0);
    int differing = 0;
    for (int y = 0; y < img.height(); y += 7)
        for (int x = 0; x < img.width(); x += 7) differing += img.pixel(x, y) != first;
    return differing > 100;
}

/// Drags `path` onto the window and drops it there, as a file manager
/// does; returns whether the window accepted the drag.
bool dropOn(QWidget& w, const QString& path)
{
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(path)});
    QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(&w, &enter);
    QDropEvent event(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(&w, &event);
    return enter.isAccepted();
}

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void waitIdle(ui::MainWindow& w)
{
    QTRY_VERIFY_WITH_TIMEOUT(!w.controller()->running(), 120000);
    w.refreshViews();
}

} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void fiveTrialStudyFillsEveryView();
    void invalidCellDisablesRun();
    void stopEndsTheRunningTrial();
    void badFilesAreNamed();
    void droppedFilesOpen();
    void hostileFilesDroppedAreNamed();
    void retrainTakesTestDataFromSetup();
    void dialogsStartInAnExistingFolder();
    void whatIfRunsAConfigurationNext();
    void contoursOfAStudyWithFailures();

private:
    QTemporaryDir _dir;
    QString _studyPath;
};

void TestMainWindow::initTestCase()
{
    QCoreApplication::setOrganizationName("Tuning Workbench Tests");
    QCoreApplication::setApplicationName("test_main_window");
    QVERIFY(_dir.isValid());
}

void TestMainWindow::fiveTrialStudyFillsEveryView()
{
    ui::MainWindow w;
    w.resize(1400, 900);
    w.show();
    const auto spec = train::StudySpec::fromJson(spiralsJson(8, 20), "spirals-window.json");
    w.setupPanel()->setSpec(spec);
    // Fill a form field the way a user would: the budget.
    auto* trials = w.setupPanel()->findChild<QSpinBox*>("trialsSpin");
    QVERIFY(trials);
    trials->setValue(5);
    QVERIFY2(w.setupPanel()->isValid(), qPrintable(w.setupPanel()->invalidReason()));
    QCOMPARE(w.setupPanel()->spec().budget.trials, 5);
    QVERIFY(w.runAction()->isEnabled());
    w.tabs()->setCurrentIndex(ui::MainWindow::SetupTab);
    shoot(w, "window_setup");

    _studyPath = _dir.filePath("spirals.study");
    QVERIFY2(w.runStudy(_studyPath), qPrintable(w.lastError()));
    QVERIFY(!w.runAction()->isEnabled());
    QVERIFY(w.stopAction()->isEnabled());
    QCOMPARE(w.tabs()->currentIndex(), int(ui::MainWindow::MonitorTab));
    // The status bar part-way (the progress text over a partly filled bar).
    QTRY_VERIFY_WITH_TIMEOUT(w.controller()->countedTrials() >= 2 || !w.controller()->running(), 120000);
    QTest::qWait(150);
    shoot(*w.runStatus(), "window_status_running");
    // The count is beside the bar, never drawn over it.
    QVERIFY(!w.runStatus()->findChild<QProgressBar*>("runProgress")->isTextVisible());
    QVERIFY2(w.runStatus()->findChild<QLabel*>("runStatusText")->text().contains(" of 5 trials"),
             qPrintable(w.runStatus()->findChild<QLabel*>("runStatusText")->text()));
    waitIdle(w);
    QCOMPARE(w.controller()->countedTrials(), 5);
    QCOMPARE(w.traceChart()->pointCount(), 5);
    QCOMPARE(w.trialTable()->model()->rowCount(), 5);
    QVERIFY(w.learningCurves()->curveCount() >= 1);

    // The GP surrogate arrives from the fitter's thread; then the contour
    // panels draw: mean, SE and (past the 3 initial trials) the acquisition.
    QTRY_VERIFY_WITH_TIMEOUT(w.surrogate() != nullptr, 60000);
    QTRY_COMPARE_WITH_TIMEOUT(w.contourView()->panelCount(), 3, 30000);
    QCOMPARE(w.contourView()->panels().back(), ui::ContourPanel::Acquisition);
    QVERIFY(w.contourView()->emptyReason().isEmpty());
    // 5 observations for 3 parameters: the model's pages say to read them with care.
    // (The model of four may still be on screen while the fifth trial's refit runs.)
    QTRY_VERIFY2_WITH_TIMEOUT(w.contourView()->trustNote().contains("5 for 3 parameters"),
                              qPrintable(w.contourView()->trustNote()), 30000);
    QVERIFY(w.sliceView()->trustNote().contains("read with care"));
    QVERIFY(w.importanceView()->trustNote().contains("read with care"));
    // Select a trial: its learning curve shows and the trace highlights it.
    w.trialTable()->selectTrial(2);
    w.refreshViews();
    QCOMPARE(w.learningCurves()->curveCount(), 1);
    shoot(w, "window_monitor");
    w.setDarkTheme(true);
    w.refreshViews();
    QTest::qWait(100);
    shoot(w, "window_monitor_dark");
    w.tabs()->setCurrentIndex(ui::MainWindow::ContoursTab);
    QTest::qWait(300);
    shoot(w, "window_contours_dark");
    w.setDarkTheme(false);
    w.tabs()->setCurrentIndex(ui::MainWindow::MonitorTab);
    w.tabs()->setCurrentIndex(ui::MainWindow::ContoursTab);
    QTest::qWait(300);
    shoot(w, "window_contours");
    w.tabs()->setCurrentIndex(ui::MainWindow::SliceTab);
    QTest::qWait(300);
    shoot(w, "window_slice");
    w.tabs()->setCurrentIndex(ui::MainWindow::ImportanceTab);
    QTest::qWait(1000);
    shoot(w, "window_importance");

    // The Result page: the kept models of the best 3 trials, the best first,
    // looked at without retraining on the validation and the test data.
    auto* result = w.resultView();
    QTRY_COMPARE_WITH_TIMEOUT(result->currentTrial(), 2, 30000); // the trial selected in the table above
    result->showTrial(-1);              // back to following the best
    w.tabs()->setCurrentIndex(ui::MainWindow::ResultTab);
    QTRY_VERIFY_WITH_TIMEOUT(result->evaluation().has_value() && !result->isEvaluating(), 60000);
    QCOMPARE(result->offeredTrials().size(), 3);
    QCOMPARE(result->offeredTrials().front(), w.controller()->bestTrial()->number);
    QCOMPARE(result->currentTrial(), w.controller()->bestTrial()->number);
    QVERIFY(std::abs(result->evaluation()->report.metrics.accuracy - *w.controller()->bestTrial()->value) < 1e-9);
    QVERIFY(result->evaluation()->regions.has_value()); // spirals: two features
    QVERIFY(result->findChild<QWidget*>("rocChart")->isVisible());
    QVERIFY(result->findChild<QWidget*>("decisionRegions")->isVisible());
    QTest::qWait(200);
    shoot(w, "window_result");
    result->setEvaluationData(train::EvaluationData::Test);
    QTRY_VERIFY_WITH_TIMEOUT(!result->isEvaluating() && result->evaluation() &&
                                 result->evaluation()->on == train::EvaluationData::Test,
                             60000);
    QVERIFY(result->emptyReason().isEmpty());
    QVERIFY(result->findChild<QLabel*>("resultSummary")->text().contains("test"));
    const QString resultPng = _dir.filePath("result.png");
    QVERIFY2(w.exportCurrentPlot(resultPng), qPrintable(w.lastError()));
    QVERIFY(nonTrivialImage(resultPng));
    QFile::remove(TW_BUILD_DIR "/screenshots/window_result_export.png");
    QFile::copy(resultPng, TW_BUILD_DIR "/screenshots/window_result_export.png");
    // A trial whose model was not kept says so.
    int dropped = -1;
    for (const auto& t : *w.controller()->trials())
        if (!result->offeredTrials().contains(t.number)) dropped = t.number;
    QVERIFY(dropped >= 0);
    result->showTrial(dropped);
    QTRY_VERIFY_WITH_TIMEOUT(!result->isEvaluating(), 30000);
    QVERIFY2(result->emptyReason().contains("was not kept"), qPrintable(result->emptyReason()));
    result->showTrial(-1);
    w.tabs()->setCurrentIndex(ui::MainWindow::ContoursTab);

    const QString svg = _dir.filePath("contour.svg"), png = _dir.filePath("contour.png");
    QVERIFY2(w.exportCurrentPlot(svg), qPrintable(w.lastError()));
    QVERIFY2(w.exportCurrentPlot(png), qPrintable(w.lastError()));
    QVERIFY(readAll(svg).contains("<svg"));
    QVERIFY(readAll(svg).size() > 10000);
    QVERIFY(nonTrivialImage(png));
    w.tabs()->setCurrentIndex(ui::MainWindow::MonitorTab);
    const QString trace = _dir.filePath("trace.pdf");
    QVERIFY2(w.exportCurrentPlot(trace), qPrintable(w.lastError()));
    QVERIFY(readAll(trace).startsWith("%PDF"));

    const QString pairs = _dir.filePath("pairs");
    QVERIFY(QDir().mkpath(pairs));
    QVERIFY2(w.exportAllContourPairs(pairs, "svg"), qPrintable(w.lastError()));
    QCOMPARE(QDir(pairs).entryList({"*.svg"}, QDir::Files).size(), 3);

    const QString best = _dir.filePath("best.json");
    QVERIFY2(w.exportBestJson(best), qPrintable(w.lastError()));
    const json b = json::parse(readAll(best).toStdString());
    QCOMPARE(b["value"].get<double>(), *w.controller()->bestTrial()->value);
    QVERIFY(b["params"].contains("learning_rate"));
    QCOMPARE(b["metric"].get<std::string>(), std::string("accuracy"));
    const QString csv = _dir.filePath("trials.csv");
    QVERIFY2(w.exportTrialsCsv(csv), qPrintable(w.lastError()));
    QCOMPARE(readAll(csv).count('\n'), 6);  // header + 5 trials
    QVERIFY(w.exportBestJson(_dir.filePath("no-such-dir/best.json")) == false);
    QVERIFY(w.lastError().contains("no-such-dir"));

    // Retrain the best configuration on train + validation, evaluate on test, save the model.
    {
        ui::RetrainDialog retrain(w.controller()->spec(), *w.controller()->bestTrial(), &w);
        QSignalSpy finished(&retrain, &ui::RetrainDialog::trainingFinished);
        const QString model = _dir.filePath("best.pt");
        retrain.start(model);
        QVERIFY(finished.wait(60000));
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(retrain.resultText()));
        QVERIFY(retrain.testMetrics().contains("accuracy"));
        QVERIFY(retrain.testMetrics()["accuracy"] > 0.5);
        QVERIFY(QFile::exists(model));
        QVERIFY(retrain.resultText().contains("best.pt"));
    }

    // Closing the dialog during training stops it; the dialog goes when it has ended.
    {
        auto spec = w.controller()->spec();
        spec.training.epochs = 100000;
        QPointer<ui::RetrainDialog> d = new ui::RetrainDialog(spec, *w.controller()->bestTrial(), &w);
        d->setAttribute(Qt::WA_DeleteOnClose);
        d->show();
        QSignalSpy epochs(d.data(), &ui::RetrainDialog::epochFinished);
        d->start({});
        QVERIFY(epochs.wait(30000));
        d->reject();
        QVERIFY(!d.isNull());
        QVERIFY(!d->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(d.isNull(), 30000);
    }

    // New study forgets this one: Run records a new study in a new file.
    {
        w.newSetup();
        QVERIFY(!w.controller()->hasStudy());
        QCOMPARE(w.trialTable()->model()->rowCount(), 0);
        auto* budget = w.setupPanel()->findChild<QSpinBox*>("trialsSpin");
        budget->setValue(2);
        QVERIFY2(w.runStudy(_dir.filePath("second.study")), qPrintable(w.lastError()));
        waitIdle(w);
        QCOMPARE(w.trialTable()->model()->rowCount(), 2);
        QCOMPARE(w.controller()->studyPath(), _dir.filePath("second.study"));
    }

    // The study file reopens in a new window with every trial.
    ui::MainWindow reopened;
    QVERIFY2(reopened.openFile(_studyPath), qPrintable(reopened.lastError()));
    reopened.refreshViews();
    QCOMPARE(reopened.trialTable()->model()->rowCount(), 5);
    QCOMPARE(reopened.traceChart()->pointCount(), 5);
    QCOMPARE(reopened.setupPanel()->spec().name, std::string("spirals-window"));
    // Resume with a larger budget: the same file grows to 6 trials.
    auto* more = reopened.setupPanel()->findChild<QSpinBox*>("trialsSpin");
    more->setValue(6);
    QVERIFY2(reopened.runStudy(_studyPath), qPrintable(reopened.lastError()));
    waitIdle(reopened);
    QCOMPARE(reopened.trialTable()->model()->rowCount(), 6);
    // The raised budget is part of the study: it reopens with 6 of 6, not "6 of 5".
    ui::MainWindow third;
    QVERIFY2(third.openFile(_studyPath), qPrintable(third.lastError()));
    QCOMPARE(third.controller()->budget(), 6);
    QCOMPARE(third.setupPanel()->spec().budget.trials, 6);
    QCOMPARE(third.controller()->countedTrials(), 6);
}

void TestMainWindow::retrainTakesTestDataFromSetup()
{
    ui::MainWindow w;
    w.resize(1200, 800);
    w.show();
    json j = spiralsJson(2, 2);
    j["split"] = {{"test", 0.0}};
    w.setupPanel()->setSpec(train::StudySpec::fromJson(j, "no-test.json"));
    QVERIFY2(w.runStudy({}), qPrintable(w.lastError()));
    waitIdle(w);
    QVERIFY(w.controller()->bestTrial().has_value());

    // The study has no test data: the message names the window's controls.
    {
        QPointer<ui::RetrainDialog> d = w.retrainBest(ui::MainWindow::RetrainData::Study);
        QVERIFY(d);
        QSignalSpy finished(d.data(), &ui::RetrainDialog::trainingFinished);
        d->start({});
        QVERIFY(finished.wait(60000));
        QVERIFY(!finished.first().at(0).toBool());
        const QString text = d->resultText();
        QVERIFY2(text.contains("Setup > Data") && text.contains("test share"), qPrintable(text));
        QVERIFY2(!text.contains("--final") && !text.contains("test_csv"), qPrintable(text));
        shoot(*d, "retrain_no_test_data");
        d->close();
    }
    // A test share set in Setup after the study ran: retraining uses it.
    auto* test = w.setupPanel()->findChild<QLineEdit*>("testEdit");
    QVERIFY(test);
    test->setText("0.25");
    QVERIFY2(w.setupPanel()->isValid(), qPrintable(w.setupPanel()->invalidReason()));
    {
        QPointer<ui::RetrainDialog> d = w.retrainBest(ui::MainWindow::RetrainData::Setup);
        QVERIFY(d);
        QSignalSpy finished(d.data(), &ui::RetrainDialog::trainingFinished);
        d->start({});
        QVERIFY(finished.wait(60000));
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(d->resultText()));
        QVERIFY(d->testMetrics().contains("accuracy"));
        QTest::qWait(50);
        shoot(*d, "retrain_done");
        d->close();
    }
}

void TestMainWindow::invalidCellDisablesRun()
{
    ui::MainWindow w;
    w.resize(1400, 900);
    w.show();
    w.setupPanel()->setSpec(train::StudySpec::fromJson(spiralsJson(2, 3), "spirals-window.json"));
    QVERIFY(w.runAction()->isEnabled());
    auto* model = w.setupPanel()->searchSpaceModel();
    // Row 0 is learning_rate (log scale): a low of 0 breaks the log rule.
    int lowColumn = -1;
    for (int c = 0; c < model->columnCount(); ++c)
        if (model->headerData(c, Qt::Horizontal).toString().compare("low", Qt::CaseInsensitive) == 0) lowColumn = c;
    QVERIFY(lowColumn >= 0);
    QVERIFY(model->setData(model->index(0, lowColumn), 0.0, Qt::EditRole));
    QVERIFY(!w.setupPanel()->isValid());
    QVERIFY(!w.runAction()->isEnabled());
    const QString reason = w.setupPanel()->invalidReason();
    QVERIFY2(reason.contains("learning_rate"), qPrintable(reason));
    QVERIFY(w.runAction()->toolTip().contains(reason));
    QVERIFY(!model->data(model->index(0, lowColumn), Qt::ToolTipRole).toString().isEmpty());
    QVERIFY(!w.runStudy(_dir.filePath("never.study")));
    QVERIFY(!QFile::exists(_dir.filePath("never.study")));
    w.tabs()->setCurrentIndex(ui::MainWindow::SetupTab);
    w.setupPanel()->showSection(ui::SetupPanel::SearchSpaceSection);
    shoot(w, "window_invalid_cell");
    QVERIFY(model->setData(model->index(0, lowColumn), 1e-4, Qt::EditRole));
    QVERIFY(w.setupPanel()->isValid());
    QVERIFY(w.runAction()->isEnabled());
}

void TestMainWindow::stopEndsTheRunningTrial()
{
    ui::MainWindow w;
    w.resize(1400, 900);
    w.show();
    w.setupPanel()->setSpec(train::StudySpec::fromJson(spiralsJson(100000, 5), "spirals-window.json"));
    QSignalSpy epochs(w.controller(), &ui::StudyController::epochFinished);
    QVERIFY2(w.runStudy(_dir.filePath("stopped.study")), qPrintable(w.lastError()));
    QTRY_VERIFY_WITH_TIMEOUT(epochs.size() >= 20, 60000);
    w.refreshViews();
    QVERIFY(w.learningCurves()->curveCount() == 1);
    shoot(w, "window_running");
    QVERIFY(w.stopAction()->isEnabled());
    w.stopAction()->trigger();
    waitIdle(w);
    const auto& t = w.controller()->trials()->front();
    QVERIFY(t.state == study::TrialState::Failed);
    QCOMPARE(t.reason, std::string("stopped"));
    QVERIFY(w.runAction()->isEnabled());
}

void TestMainWindow::badFilesAreNamed()
{
    ui::MainWindow w;
    const QString bad = _dir.filePath("broken.study");
    {
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"event\": \"study_created\"\nthis is not json\n");
    }
    QVERIFY(!w.openFile(bad));
    QVERIFY2(w.lastError().contains("broken.study"), qPrintable(w.lastError()));

    // A study with one bad line in the middle: named, and Repair… opens a copy.
    const QString damaged = _dir.filePath("damaged.study");
    {
        study::StudyConfig c;
        c.space = space::SearchSpace::fromJson(json::parse(R"({"parameters": [{"name": "x", "type": "float", "low": 0, "high": 1}]})"));
        c.sampler.name = "random";
        auto st = study::Study::createFile(damaged.toStdString(), c);
        for (int i = 0; i < 2; ++i) st->tell(st->ask().number, study::Outcome::complete(i));
    }
    QByteArray text;
    {
        QFile f(damaged);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QList<QByteArray> lines = f.readAll().split('\n');
        lines.insert(2, "{\"event\": garbage");
        text = lines.join('\n');
    }
    {
        QFile f(damaged);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(text);
    }
    QVERIFY(!w.openFile(damaged));
    QVERIFY2(w.lastError().contains("damaged.study:3:"), qPrintable(w.lastError()));
    QVERIFY2(w.repairStudy(damaged), qPrintable(w.lastError()));
    QCOMPARE(w.controller()->studyPath(), _dir.filePath("damaged.repaired.study"));
    QVERIFY(!w.repairStudy(damaged)); // the copy exists: never overwritten
    QVERIFY2(w.lastError().contains("exists"), qPrintable(w.lastError()));
    QVERIFY(!w.openFile(_dir.filePath("missing.study")));
    QVERIFY(w.lastError().contains("missing.study"));
    const QString spec = _dir.filePath("bad-spec.json");
    {
        QFile f(spec);
        QVERIFY(f.open(QIODevice::WriteOnly));
        json j = spiralsJson(2, 3);
        j["search_space"]["parameters"][0]["low"] = -1;
        f.write(QByteArray::fromStdString(j.dump()));
    }
    QVERIFY(!w.openFile(spec));
    QVERIFY2(w.lastError().contains("bad-spec.json") && w.lastError().contains("learning_rate"),
             qPrintable(w.lastError()));
}

void TestMainWindow::droppedFilesOpen()
{
    ui::MainWindow w;
    w.show();
    auto drop = [&w](const QString& path) { QVERIFY(dropOn(w, path)); };
    // A CSV file dropped anywhere on the window becomes the setup's data.
    const QString csv = _dir.filePath("tiny.csv");
    {
        QFile f(csv);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("age,city,label\n31,Oslo,yes\n,Bergen,no\n45,Oslo,yes\n22,Bergen,no\n38,Oslo,yes\n");
    }
    w.tabs()->setCurrentIndex(ui::MainWindow::MonitorTab);
    drop(csv);
    QCOMPARE(w.tabs()->currentIndex(), int(ui::MainWindow::SetupTab));
    QCOMPARE(QString::fromStdString(w.setupPanel()->spec().dataset.csv), csv);
    // A spec file opens as the setup.
    const QString spec = _dir.filePath("dropped-spec.json");
    {
        QFile f(spec);
        QVERIFY(f.open(QIODevice::WriteOnly));
        json j = spiralsJson(2, 4);
        j["name"] = "dropped";
        f.write(QByteArray::fromStdString(j.dump()));
    }
    w.tabs()->setCurrentIndex(ui::MainWindow::MonitorTab);
    drop(spec);
    QCOMPARE(w.setupPanel()->spec().name, std::string("dropped"));
    QCOMPARE(w.tabs()->currentIndex(), int(ui::MainWindow::SetupTab));
}

void TestMainWindow::hostileFilesDroppedAreNamed()
{
    // Files a hostile or careless user drops on the window: each gives a
    // message naming the file and the rule, the window stays usable.
    ui::MainWindow w;
    w.show();
    auto drop = [&w](const QString& path) { dropOn(w, path); };
    auto write = [this](const char* name, const QByteArray& text) {
        const QString path = _dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) qFatal("cannot write %s", name);
        f.write(text);
        return path;
    };
    const QByteArray deep = QByteArray(200000, '[') + QByteArray(200000, ']');
    QByteArray studyText;
    {
        QFile f(_studyPath);
        QVERIFY(f.open(QIODevice::ReadOnly));
        studyText = f.readAll();
    }
    json huge = spiralsJson(2, 3);
    huge["search_space"]["parameters"][0]["low"] = 1.0; // replaced by 1e400 below
    const QByteArray hugeText = QByteArray::fromStdString(huge.dump()).replace("\"low\":1.0", "\"low\":1e400");
    const struct {
        QString path;
        const char* rule;
    } cases[] = {
        {write("deep-spec.json", "{\"dataset\": " + deep + "}"), "nested deeper than 256 levels"},
        {write("huge-spec.json", hugeText), "outside the range of a double"},
        {write("deep.jsonl", "{\"event\":\"study_created\",\"format\":1,\"config\":{\"user_attrs\":{\"x\":" + deep + "}}}\n"),
         "nested deeper than 256 levels"},
        {write("escape.jsonl", studyText + "{\"event\":\"x\\u001b[2J\\nINJECTED\",\"number\":0}\n"),
         "\\e[2J\\nINJECTED"},
        {write("binary.jsonl", QByteArray("\x00\xff\xfe garbage \x1b[2J\n", 18)), "invalid JSON"},
    };
    for (const auto& c : cases) {
        drop(c.path);
        const QString e = w.lastError();
        QVERIFY2(e.contains(QFileInfo(c.path).fileName()) && e.contains(c.rule), qPrintable(c.path + ": " + e));
        QVERIFY2(!e.contains(QChar(0x1b)) && !e.contains('\n'), qPrintable(e));
        // The damaged study's message box offers Repair…; it shows the escaped line.
        const auto boxes = w.findChildren<QMessageBox*>();
        if (c.path.endsWith("escape.jsonl")) {
            QVERIFY(!boxes.isEmpty());
            QMessageBox* box = boxes.last();
            QVERIFY(box->text().contains("\\e[2J"));
            bool repair = false;
            for (QAbstractButton* b : box->buttons()) repair = repair || b->text().startsWith("Repair");
            QVERIFY(repair);
            box->adjustSize();
            shoot(*box, "damaged_study_dialog");
        }
        for (QMessageBox* b : boxes) b->close();
        QCoreApplication::processEvents();
    }
    // An IDX folder whose header declares far more than the file holds.
    const QString idx = _dir.filePath("bomb-idx");
    QDir().mkpath(idx);
    QByteArray header("\x00\x00\x08\x03", 4);
    for (quint32 d : {2000000u, 28u, 28u})
        for (int shift = 24; shift >= 0; shift -= 8) header.append(char((d >> shift) & 0xff));
    for (const char* split : {"train", "t10k"}) {
        QFile images(idx + "/" + split + "-images-idx3-ubyte"), labels(idx + "/" + split + "-labels-idx1-ubyte");
        QVERIFY(images.open(QIODevice::WriteOnly) && labels.open(QIODevice::WriteOnly));
        images.write(header + QByteArray(64, '\0'));
        labels.write(QByteArray("\x00\x00\x08\x01\x00\x00\x00\x02\x00\x01", 10));
    }
    drop(idx);
    QTRY_VERIFY_WITH_TIMEOUT(!w.setupPanel()->datasetPage()->dataError().isEmpty(), 30000);
    QVERIFY2(w.setupPanel()->datasetPage()->dataError().contains("idx3-ubyte"),
             qPrintable(w.setupPanel()->datasetPage()->dataError()));
    // Still usable: a good study opens.
    QVERIFY2(w.openFile(_studyPath), qPrintable(w.lastError()));
}

void TestMainWindow::dialogsStartInAnExistingFolder()
{
    QSettings().setValue("folders/export", _dir.filePath("gone/away"));
    {
        ui::MainWindow w;
        QCOMPARE(w.lastFolder("export"), QDir::homePath());
    }
    ui::MainWindow w;
    QVERIFY2(w.openFile(_studyPath), qPrintable(w.lastError()));
    QCOMPARE(w.lastFolder("export"), QFileInfo(_studyPath).absolutePath());
    QSettings().setValue("folders/export", _dir.path());
    QCOMPARE(w.lastFolder("export"), _dir.path());
}

void TestMainWindow::whatIfRunsAConfigurationNext()
{
    ui::MainWindow w;
    w.resize(1400, 900);
    w.show();
    w.setupPanel()->setSpec(train::StudySpec::fromJson(spiralsJson(2, 4), "what-if.json"));
    const QString path = _dir.filePath("what-if.study");
    QVERIFY2(w.runStudy(path), qPrintable(w.lastError()));
    waitIdle(w);
    // The model arrives, then the same model with the sampler's proposal.
    QTRY_VERIFY_WITH_TIMEOUT(w.model() && w.model()->number == 4 && w.model()->next, 60000);
    QVERIFY(w.model()->choosing);

    // Study > What if…: the best trial's values, read off the model that chooses.
    auto* d = w.showWhatIf();
    QVERIFY(d && d->isVisible());
    const auto best = *w.controller()->bestTrial();
    QCOMPARE(d->values(), best.params);
    const auto& space = w.controller()->space();
    QCOMPARE(d->prediction().mean, w.model()->model->posterior(space.toUnit(best.params)).mean);
    // A point double-clicked on a contour plot opens it there.
    w.tabs()->setCurrentIndex(ui::MainWindow::ContoursTab);
    w.contourView()->waitForGrids();
    QTest::qWait(100);
    auto* canvas = w.contourView()->findChild<ui::ContourCanvas*>("contourCanvas");
    QVERIFY(canvas && canvas->renderer());
    const QPoint centre = canvas->renderer()->plotAreas(QRectF(canvas->rect()))[0].center().toPoint();
    const auto at = canvas->valuesAt(centre);
    QVERIFY(at.has_value());
    QTest::mouseDClick(canvas, Qt::LeftButton, {}, centre);
    QCOMPARE(d->values()[0], at->first);
    QCOMPARE(d->values()[1], at->second);
    QTest::qWait(100);
    shoot(w, "window_contours_what_if");
    shoot(*d, "window_what_if");

    // Run this configuration next: the study records it, waiting; Run starts with it.
    const std::vector<double> config{0.005, 20, 1};
    d->setValues(config);
    auto* run = d->findChild<QPushButton*>("whatIfRun");
    QVERIFY(run && run->isEnabled());
    run->click();
    auto trials = *w.controller()->trials();
    QCOMPARE(trials.size(), size_t(5));
    QVERIFY(train::waitingToRun(trials.back()));
    QCOMPARE(trials.back().params, config);
    QVERIFY2(d->findChild<QLabel*>("whatIfRunMessage")->text().contains("Trial 4 is queued"),
             qPrintable(d->findChild<QLabel*>("whatIfRunMessage")->text()));
    w.refreshViews();
    QCOMPARE(w.trialTable()->model()->data(w.trialTable()->model()->index(4, 1)).toString(), QString("queued"));
    // A bad value is refused with its reason.
    QVERIFY(!w.runConfigurationNext({0.5, 20, 1}));
    QVERIFY2(w.lastError().contains("learning_rate"), qPrintable(w.lastError()));

    w.setupPanel()->findChild<QSpinBox*>("trialsSpin")->setValue(5);
    QVERIFY2(w.runStudy(path), qPrintable(w.lastError()));
    waitIdle(w);
    trials = *w.controller()->trials();
    QCOMPARE(trials.size(), size_t(5));
    QVERIFY(trials[4].state == study::TrialState::Complete);
    QCOMPARE(trials[4].params, config);
    d->close();
}

void TestMainWindow::contoursOfAStudyWithFailures()
{
    // A study whose high learning rates diverge, opened from its file: the
    // Contours page shows the mean, the SE, the acquisition with the next
    // proposal and the failure map with the failed trials.
    const QString path = _dir.filePath("failures.study");
    makeGpContourStudy("diverging", 24, 6, false, true, 10, path.toStdString());
    ui::MainWindow w;
    w.resize(1400, 900);
    w.show();
    QVERIFY2(w.openFile(path), qPrintable(w.lastError()));
    w.tabs()->setCurrentIndex(ui::MainWindow::ContoursTab);
    w.refreshViews();
    QTRY_COMPARE_WITH_TIMEOUT(w.contourView()->panelCount(), 4, 60000);
    QCOMPARE(w.contourView()->panels().back(), ui::ContourPanel::Failure);
    QTRY_VERIFY_WITH_TIMEOUT(w.model() && w.model()->next, 60000);  // the star
    QTRY_VERIFY_WITH_TIMEOUT(w.contourView()->plots().front().next.has_value(), 10000);
    QVERIFY(w.contourView()->trustNote().isEmpty());  // 24 trials for 3 parameters
    QTest::qWait(200);
    shoot(w, "window_contours_failures");
}

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
