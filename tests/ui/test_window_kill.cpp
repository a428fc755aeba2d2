// The window killed with SIGKILL at random points while it runs a study (20
// rounds of tests/ui/window_runner: the whole MainWindow, offscreen, Run on a
// spirals spec, resumed by the next round): whatever was complete before a
// kill stays complete with the same value and parameters, the numbering has
// no gap, and the trials a kill left running are recorded "abandoned" by the
// next run. The study then reopens in a window with every trial.
#include "main_window.h"
#include "run/study_controller.h"
#include "study/study.h"

#include "core/spirals_spec.h"

#include <QFile>
#include <QMap>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>

namespace {

/// A spirals study of 200 trials of 20 epochs: never done before a kill.
QByteArray killSpec()
{
    nlohmann::json j = spiralsSpecJson("spirals-kill", 20);
    j["budget"] = {{"trials", 200}};
    return QByteArray::fromStdString(j.dump());
}

std::vector<tw::study::Trial> trialsOf(const QString& path)
{
    return tw::study::Study::openFile(path.toStdString())->trials();
}

} // namespace

class TestWindowKill : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void windowKilledAtRandomPoints();
};

void TestWindowKill::windowKilledAtRandomPoints()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString spec = dir.filePath("spec.json"), study = dir.filePath("kill.study");
    {
        QFile f(spec);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(killSpec());
    }
    QRandomGenerator rng(1202);
    QMap<int, tw::study::Trial> completed;
    int killedRunning = 0;
    for (int round = 0; round < 20; ++round) {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("QT_QPA_PLATFORM", "offscreen");
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(TW_WINDOW_RUNNER), {spec, study});
        QVERIFY(p.waitForStarted());
        // Loading Qt and LibTorch, opening, replaying, training, writing: anywhere.
        p.waitForFinished(300 + int(rng.bounded(2700)));
        QVERIFY2(p.state() == QProcess::Running, p.readAllStandardError().constData()); // 200 trials: never done
        ::kill(pid_t(p.processId()), SIGKILL);
        QVERIFY(p.waitForFinished(10000));
        if (!QFile::exists(study) || QFile(study).size() == 0) continue; // killed before it created the study
        const auto trials = trialsOf(study);
        for (size_t i = 0; i < trials.size(); ++i) {
            const auto& t = trials[i];
            QCOMPARE(t.number, int(i));
            if (completed.contains(t.number)) {
                const auto& before = completed[t.number];
                QVERIFY(t.state == tw::study::TrialState::Complete);
                QCOMPARE(*t.value, *before.value);
                QCOMPARE(t.params, before.params);
            } else if (t.state == tw::study::TrialState::Complete) {
                completed.insert(t.number, t);
            }
            killedRunning += t.state == tw::study::TrialState::Running && i + 1 == trials.size();
        }
    }
    QVERIFY(!completed.isEmpty());

    // Reopened in a window: every trial there, what the kills left running
    // shown as abandoned at once; resumed, they are recorded so.
    tw::ui::MainWindow w;
    QVERIFY2(w.openStudy(study), qPrintable(w.lastError()));
    const auto shown = *w.controller()->trials();
    QCOMPARE(shown.size(), trialsOf(study).size());
    for (const auto& t : shown) {
        QVERIFY2(t.state != tw::study::TrialState::Running, qPrintable(QString("trial %1 shown running").arg(t.number)));
        if (t.state == tw::study::TrialState::Failed)
            QVERIFY2(QString::fromStdString(t.reason).startsWith("abandoned"), t.reason.c_str());
    }
    for (auto it = completed.begin(); it != completed.end(); ++it) QCOMPARE(*shown[size_t(it.key())].value, *it.value().value);
    QVERIFY(tw::study::failOrphans(*tw::study::Study::openFile(study.toStdString())) >= 0);
    for (const auto& t : trialsOf(study)) QVERIFY(t.state != tw::study::TrialState::Running);
    qInfo("%d trials complete across the kills, %d in the file, %d rounds killed mid-trial", int(completed.size()),
          int(shown.size()), killedRunning);
}

QTEST_MAIN(TestWindowKill)
#include "test_window_kill.moc"
