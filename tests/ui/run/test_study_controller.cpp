// The study controller and its worker thread: a run records every trial in
// the journal and reports every epoch; Pause ends after the running trial;
// Stop ends the running trial before it completes; a study file whose
// process was killed mid-run reopens with its completed trials and resumes.
// A configuration queued to run next is recorded as a waiting trial and runs
// before the sampler is asked, whether queued between runs or during one.
#include "run/study_controller.h"
#include "run/trial_table_model.h"
#include "run/trial_table_view.h"

#include "train/tune.h"

#include "core/spirals_spec.h"

#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <limits>

using namespace tw;
using nlohmann::json;

namespace {

json spiralsJson(int epochs, int trials)
{
    json j = spiralsSpecJson("spirals-run", epochs);
    j["budget"] = {{"trials", trials}};
    return j;
}

train::StudySpec spiralsSpec(int epochs, int trials)
{
    return train::StudySpec::fromJson(spiralsJson(epochs, trials), "spirals-run.json");
}

} // namespace

class TestStudyController : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void runRecordsEveryTrialAndEpoch();
    void pauseEndsAfterTheRunningTrial();
    void stopEndsTheRunningTrial();
    void killedStudyReopensAndResumes();
    void mismatchedStudyFileIsRefused();
    void changedSetupSurvivesReopening();
    void tableUpdatesInPlaceAndFilters();
    void inactiveParameterCellsAreEmpty();
    void queuedConfigurationRunsNext();
};

void TestStudyController::queuedConfigurationRunsNext()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("queued.study");
    ui::StudyController c;
    QString error;
    QVERIFY(!c.enqueue({0.01, 1}, &error));  // no study yet
    QVERIFY2(error.contains("No study"), qPrintable(error));
    QVERIFY2(c.newStudy(spiralsSpec(5, 3), path, &error), qPrintable(error));
    // A value outside the space is refused, naming the parameter.
    QVERIFY(!c.enqueue({0.5, 1}, &error));
    QVERIFY2(error.contains("learning_rate"), qPrintable(error));
    QVERIFY(!c.enqueue({0.01, 7}, &error));
    QVERIFY2(error.contains("activation"), qPrintable(error));

    // Between runs: recorded at once, waiting (the table says "queued").
    QSignalSpy queued(&c, &ui::StudyController::trialQueued);
    int number = -1;
    QVERIFY2(c.enqueue({0.0123, 1}, &error, &number), qPrintable(error));
    QCOMPARE(number, 0);
    QCOMPARE(queued.size(), 1);
    QCOMPARE(c.trials()->size(), size_t(1));
    const auto waiting = c.trials()->front();
    QVERIFY(waiting.state == study::TrialState::Running);
    QVERIFY(train::waitingToRun(waiting));
    QCOMPARE(waiting.params, (std::vector<double>{0.0123, 1}));
    ui::TrialTableModel table;
    table.setTrials(c.space(), *c.trials());
    QCOMPARE(table.data(table.index(0, 1)).toString(), QString("queued"));
    // The study file holds it: a window that reopens the study sees it.
    QVERIFY(study::Study::openFile(path.toStdString())->trials().at(0).samplerInfo["kind"] == "enqueued");

    // The run starts with it, then asks the sampler.
    QSignalSpy done(&c, &ui::StudyController::runFinished);
    QSignalSpy started(&c, &ui::StudyController::trialStarted);
    QVERIFY2(c.start("cpu", &error), qPrintable(error));
    // During the run: the worker records a configuration queued now and runs it next.
    QVERIFY(started.wait(30000));
    QCOMPARE(started.first().at(0).toInt(), 0);
    QVERIFY2(c.enqueue({0.002, 0}, &error, &number), qPrintable(error));
    QCOMPARE(number, -1);  // the worker records it
    QVERIFY(done.wait(60000));
    QCOMPARE(done.first().at(0).toString(), QString("budget"));
    QCOMPARE(queued.size(), 2);
    const int q = queued.last().at(0).toInt();  // 1, or 2 when trial 1 had started already
    QVERIFY2(q == 1 || q == 2, qPrintable(QString::number(q)));
    const auto trials = *c.trials();
    QCOMPARE(trials.size(), size_t(3));
    QVERIFY(trials[0].state == study::TrialState::Complete);
    QCOMPARE(trials[0].params, (std::vector<double>{0.0123, 1}));
    QVERIFY(trials[size_t(q)].state == study::TrialState::Complete);
    QCOMPARE(trials[size_t(q)].params, (std::vector<double>{0.002, 0}));
    QCOMPARE(trials[size_t(q)].samplerInfo["kind"].get<std::string>(), std::string("enqueued"));
    QCOMPARE(trials[size_t(3 - q)].samplerInfo["kind"].get<std::string>(), std::string("qmc"));
    for (const auto& t : trials) QVERIFY(!train::waitingToRun(t));
}

void TestStudyController::runRecordsEveryTrialAndEpoch()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("run.study");
    ui::StudyController c;
    QString error;
    QVERIFY2(c.newStudy(spiralsSpec(3, 3), path, &error), qPrintable(error));
    QSignalSpy epochs(&c, &ui::StudyController::epochFinished);
    QSignalSpy trials(&c, &ui::StudyController::trialFinished);
    QSignalSpy done(&c, &ui::StudyController::runFinished);
    QVERIFY2(c.start("cpu", &error), qPrintable(error));
    QVERIFY(c.running());
    QVERIFY(!c.start("cpu", &error));  // already running
    QVERIFY(done.wait(60000));
    QCOMPARE(done.first().at(0).toString(), QString("budget"));
    QCOMPARE(trials.size(), 3);
    QCOMPARE(epochs.size(), 9);
    const auto e = epochs.last().at(0).value<ui::EpochEvent>();
    QCOMPARE(e.epochs, 3);
    QCOMPARE(e.epoch, 3);
    QVERIFY(std::isfinite(e.validation));
    QCOMPARE(c.countedTrials(), 3);
    QVERIFY(!c.running());
    QVERIFY(c.bestTrial().has_value());
    QVERIFY(c.etaSeconds().has_value());
    QVERIFY(!c.dataDescription().isEmpty());
    QVERIFY(c.device().contains("cpu", Qt::CaseInsensitive));
    // Spent budget: Run refuses with the reason.
    QVERIFY(!c.start("cpu", &error));
    QVERIFY(error.contains("budget"));

    // The journal holds all of it.
    ui::StudyController reopened;
    QVERIFY2(reopened.openStudy(path, &error), qPrintable(error));
    QCOMPARE(reopened.trials()->size(), size_t(3));
    QCOMPARE(reopened.spec().name, std::string("spirals-run"));
    for (const auto& t : *reopened.trials()) {
        QVERIFY(t.state == study::TrialState::Complete);
        QVERIFY(t.userAttrs.contains("curve"));
        QCOMPARE(t.userAttrs["curve"].size(), size_t(3));
    }
}

void TestStudyController::pauseEndsAfterTheRunningTrial()
{
    ui::StudyController c;
    QString error;
    QVERIFY(c.newStudy(spiralsSpec(4, 10), {}, &error));
    QSignalSpy done(&c, &ui::StudyController::runFinished);
    QSignalSpy started(&c, &ui::StudyController::trialStarted);
    QVERIFY(c.start("cpu", &error));
    QVERIFY(started.wait(30000));
    c.pause();
    QCOMPARE(c.state(), ui::StudyController::State::Pausing);
    QVERIFY(done.wait(60000));
    QCOMPARE(done.first().at(0).toString(), QString("paused"));
    QCOMPARE(c.countedTrials(), 1);
    QVERIFY(c.trials()->front().state == study::TrialState::Complete);
    // Resume continues the same (memory) study.
    QVERIFY(c.start("cpu", &error));
    QVERIFY(started.wait(30000));
    c.pause();
    QVERIFY(done.wait(60000));
    QCOMPARE(c.countedTrials(), 2);
}

void TestStudyController::stopEndsTheRunningTrial()
{
    ui::StudyController c;
    QString error;
    QVERIFY(c.newStudy(spiralsSpec(100000, 5), {}, &error));
    QSignalSpy epochs(&c, &ui::StudyController::epochFinished);
    QSignalSpy done(&c, &ui::StudyController::runFinished);
    QVERIFY(c.start("cpu", &error));
    QVERIFY(epochs.wait(30000));
    c.stop();
    QCOMPARE(c.state(), ui::StudyController::State::Stopping);
    // What closing the window does: block until the worker has ended.
    c.waitForIdle();
    QVERIFY(!c.running());
    QCOMPARE(done.size(), 1);
    QCOMPARE(done.first().at(0).toString(), QString("stopped"));
    QCOMPARE(c.trials()->size(), size_t(1));
    const auto& t = c.trials()->front();
    QVERIFY(t.state == study::TrialState::Failed);
    QCOMPARE(t.reason, std::string("stopped"));
    QVERIFY(t.userAttrs["curve"].size() < 100000);
    QCOMPARE(c.countedTrials(), 0);  // a stopped trial does not use the budget
}

void TestStudyController::killedStudyReopensAndResumes()
{
    QTemporaryDir dir;
    const QString specPath = dir.filePath("spec.json");
    const QString studyPath = dir.filePath("killed.study");
    {
        QFile f(specPath);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray::fromStdString(spiralsJson(40, 50).dump()));
    }
    QProcess tune;
    tune.start(TW_BINARY, {"tune", specPath, "--study", studyPath, "--device", "cpu"});
    QVERIFY(tune.waitForStarted());
    // Kill it once two trials are complete and the third is running.
    auto completed = [&] {
        ui::StudyController probe;
        QString e;
        if (!probe.openStudy(studyPath, &e)) return 0;
        int n = 0;
        for (const auto& t : *probe.trials()) n += t.state == study::TrialState::Complete;
        return n;
    };
    QTRY_VERIFY_WITH_TIMEOUT(completed() >= 2, 60000);
    ::kill(pid_t(tune.processId()), SIGKILL);
    tune.waitForFinished();
    // tw runs tw-train as its child; the orphan check looks for whichever asked.
    QTest::qWait(200);

    ui::StudyController c;
    QString error;
    QVERIFY2(c.openStudy(studyPath, &error), qPrintable(error));
    int complete = 0;
    for (const auto& t : *c.trials()) complete += t.state == study::TrialState::Complete;
    QVERIFY(complete >= 2);
    QCOMPARE(c.spec().budget.trials, 50);
    // The trial the killed process was running shows as abandoned at once,
    // while the file is left as it is until the study is resumed.
    int abandoned = 0;
    for (const auto& t : *c.trials()) {
        QVERIFY(t.state != study::TrialState::Running);
        abandoned += t.reason.rfind("abandoned", 0) == 0;
    }
    int runningInFile = 0;
    for (const auto& t : study::Study::openFile(studyPath.toStdString())->trials())
        runningInFile += t.state == study::TrialState::Running;
    QCOMPARE(abandoned, runningInFile);
    QCOMPARE(c.countedTrials(), complete);
    // Resume for two more trials: left-over running trials are marked abandoned.
    train::StudySpec spec = c.spec();
    spec.budget.trials = complete + 2;
    spec.training.epochs = 2;
    QVERIFY2(c.newStudy(spec, studyPath, &error), qPrintable(error));
    QSignalSpy done(&c, &ui::StudyController::runFinished);
    QVERIFY2(c.start("cpu", &error), qPrintable(error));
    QVERIFY(done.wait(60000));
    QCOMPARE(done.first().at(0).toString(), QString("budget"));
    QCOMPARE(c.countedTrials(), complete + 2);
    for (const auto& t : *c.trials()) QVERIFY(t.finished());
}

void TestStudyController::mismatchedStudyFileIsRefused()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("a.study");
    ui::StudyController c;
    QString error;
    QVERIFY(c.newStudy(spiralsSpec(2, 2), path, &error));
    json other = spiralsJson(2, 2);
    other["search_space"]["parameters"][0]["high"] = 0.5;
    ui::StudyController d;
    QVERIFY(!d.newStudy(train::StudySpec::fromJson(other, "other.json"), path, &error));
    QVERIFY(error.contains("a.study"));
    QVERIFY(error.contains("search space"));
    QVERIFY(!d.openStudy(dir.filePath("missing.study"), &error));
    QVERIFY(error.contains("missing.study"));
}

void TestStudyController::changedSetupSurvivesReopening()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("raised.study");
    QString error;
    {
        ui::StudyController c;
        QVERIFY2(c.newStudy(spiralsSpec(1, 2), path, &error), qPrintable(error));
        QSignalSpy done(&c, &ui::StudyController::runFinished);
        QVERIFY2(c.start("cpu", &error), qPrintable(error));
        QVERIFY(done.wait(60000));
        // Raise the budget and change a fixed setting, then resume.
        train::StudySpec raised = c.spec();
        raised.budget.trials = 3;
        raised.training.epochs = 2;
        QVERIFY2(c.updateSpec(raised, &error), qPrintable(error));
        QVERIFY2(c.start("cpu", &error), qPrintable(error));
        QVERIFY(done.wait(60000));
        QCOMPARE(c.countedTrials(), 3);
    }
    ui::StudyController reopened;
    QVERIFY2(reopened.openStudy(path, &error), qPrintable(error));
    QCOMPARE(reopened.spec().budget.trials, 3);
    QCOMPARE(reopened.spec().training.epochs, 2);
    QCOMPARE(reopened.countedTrials(), 3);
    // Each trial says what it ran with.
    const auto& trials = *reopened.trials();
    QCOMPARE(trials.size(), size_t(3));
    const int epochs[] = {1, 1, 2};
    for (size_t i = 0; i < 3; ++i) {
        QVERIFY(trials[i].userAttrs.contains("settings"));
        QCOMPARE(trials[i].userAttrs["settings"]["training"]["epochs"].get<int>(), epochs[i]);
        QVERIFY(trials[i].userAttrs["settings"]["model"].is_object());
    }
    // Raising it again through a new run in the same file records it as well,
    // and an unchanged setup writes nothing.
    train::StudySpec more = reopened.spec();
    more.budget.trials = 5;
    QVERIFY2(reopened.newStudy(more, path, &error), qPrintable(error));
    const auto st = study::Study::openFile(path.toStdString());
    QCOMPARE(st->revision(), 2);
    QCOMPARE(st->config().userAttrs["spec"]["budget"]["trials"].get<int>(), 5);
    QVERIFY(!train::recordSpec(*st, more));
    QCOMPARE(st->revision(), 2);
    more.budget.trials = 4;
    QVERIFY(train::recordSpec(*st, more));
    QCOMPARE(st->revision(), 3);
}

void TestStudyController::tableUpdatesInPlaceAndFilters()
{
    const auto spec = spiralsSpec(2, 3);
    std::vector<study::Trial> trials(3);
    for (int i = 0; i < 3; ++i) {
        trials[size_t(i)].number = i;
        trials[size_t(i)].params = {0.01, double(i % 2)};
    }
    trials[0].state = study::TrialState::Complete;
    trials[0].value = 0.9;
    trials[0].userAttrs = {{"metrics", {{"accuracy", 0.9}, {"loss", 0.3}}}, {"device", "cpu"}};
    trials[0].host = "gpu-node-7";
    trials[1].state = study::TrialState::Failed;
    trials[1].reason = "stopped";
    ui::TrialTableModel m;
    m.setTrials(spec.space, {trials[0], trials[1]});
    QCOMPARE(m.rowCount(), 2);
    QCOMPARE(m.columnCount(), 6 + 2 + 2); // trial, state, objective, duration, host, device; 2 parameters, 2 metrics
    QSignalSpy reset(&m, &QAbstractItemModel::modelReset);
    QSignalSpy inserted(&m, &QAbstractItemModel::rowsInserted);
    m.setTrials(spec.space, trials);
    QCOMPARE(reset.size(), 0);
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(m.rowCount(), 3);
    QCOMPARE(m.data(m.index(0, ui::TrialTableModel::objectiveColumn())).toDouble(), 0.9);
    QCOMPARE(m.data(m.index(0, m.deviceColumn())).toString(), QString("cpu"));
    QCOMPARE(m.data(m.index(0, m.hostColumn())).toString(), QString("gpu-node-7"));
    QCOMPARE(m.headerData(m.hostColumn(), Qt::Horizontal).toString(), QString("Host"));
    QCOMPARE(m.headerData(m.parameterColumn(0), Qt::Horizontal).toString(), QString("learning_rate"));
    QCOMPARE(m.data(m.index(1, 1), Qt::ToolTipRole).toString(), QString("stopped"));
    QCOMPARE(m.data(m.index(1, m.parameterColumn(1))).toString(), QString("tanh"));
    QCOMPARE(m.rowOf(2), 2);
    QCOMPARE(m.rowOf(7), -1);

    ui::TrialFilterModel f;
    f.setSourceModel(&m);
    f.setStates({study::TrialState::Failed});
    QCOMPARE(f.rowCount(), 1);
    f.setStates({});
    QCOMPARE(f.rowCount(), 3);

    // The view keeps its selection when new metric columns reset the model.
    ui::TrialTableView view;
    view.model()->setTrials(spec.space, {trials[1], trials[2]});
    view.selectTrial(2);
    QCOMPARE(view.selectedTrials(), QList<int>{2});
    QSignalSpy selection(&view, &ui::TrialTableView::selectionChanged);
    view.model()->setTrials(spec.space, trials);  // trial 0 brings metrics: new columns
    QCOMPARE(view.selectedTrials(), QList<int>{2});
    QVERIFY(!selection.isEmpty());
    QCOMPARE(selection.last().at(0).value<QList<int>>(), QList<int>{2});
    QVERIFY(view.selectionText().startsWith("Trial\tState\tObjective\tlearning_rate"));
    // Copied numbers are the shortest text that reads back as the same value.
    view.selectTrial(0);
    const QString copied = view.selectionText();
    QVERIFY2(copied.contains("\t0.9\t") && copied.contains("\t0.01\t"), qPrintable(copied));
    QVERIFY2(!copied.contains("0000000"), qPrintable(copied));
}

void TestStudyController::inactiveParameterCellsAreEmpty()
{
    // momentum only for sgd, beta1 only for adam: the other one's cell is empty.
    const auto s = space::SearchSpace::fromJson(json::parse(R"({"parameters": [
        {"name": "optimizer", "type": "categorical", "choices": ["sgd", "adam"]},
        {"name": "momentum", "type": "float", "low": 0.1, "high": 0.99, "when": {"optimizer": ["sgd"]}},
        {"name": "beta1", "type": "float", "low": 0.7, "high": 0.99, "when": {"optimizer": ["adam"]}}
    ]})"));
    const double nan = std::numeric_limits<double>::quiet_NaN();
    std::vector<study::Trial> trials(2);
    trials[0].number = 0;
    trials[0].params = {0, 0.9, nan};
    trials[1].number = 1;
    trials[1].params = {1, nan, 0.8};
    ui::TrialTableModel m;
    m.setTrials(s, trials);
    QCOMPARE(m.data(m.index(0, m.parameterColumn(0))).toString(), QString("sgd"));
    QCOMPARE(m.data(m.index(0, m.parameterColumn(1))).toDouble(), 0.9);
    QVERIFY(!m.data(m.index(0, m.parameterColumn(2))).isValid());
    QVERIFY(!m.data(m.index(1, m.parameterColumn(1))).isValid());
    QCOMPARE(m.data(m.index(1, m.parameterColumn(2))).toDouble(), 0.8);
    ui::TrialTableView view;
    view.model()->setTrials(s, trials);
    view.selectTrial(1);
    QVERIFY2(view.selectionText().contains("adam\t\t0.8"), qPrintable(view.selectionText()));
}

QTEST_MAIN(TestStudyController)
#include "test_study_controller.moc"
