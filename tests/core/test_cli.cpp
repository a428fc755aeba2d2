// The `tw` command line, end to end: the real binary (TW_BINARY) run with
// QProcess on study files in a temporary directory.
#include "cli_support.h"

#include <QtTest>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>

#include <csignal>
#include <unistd.h>
#include <sys/types.h>

namespace {

/// RFC 4180 rows (quoted fields may hold commas, quotes and newlines).
QList<QStringList> parseCsv(const QString& text)
{
    QList<QStringList> rows;
    QStringList row;
    QString field;
    bool quoted = false, any = false;
    for (int i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == '"') {
            quoted = true;
            any = true;
        } else if (c == ',') {
            row << field;
            field.clear();
            any = true;
        } else if (c == '\n') {
            row << field;
            rows << row;
            row.clear();
            field.clear();
            any = false;
        } else if (c != '\r') {
            field += c;
            any = true;
        }
    }
    if (any)
        rows << (row << field);
    return rows;
}

/// Width and height of a PNG (its IHDR chunk); 0 x 0 when `bytes` is not one.
QSize pngSize(const QByteArray& bytes)
{
    if (bytes.size() < 24 || !bytes.startsWith("\x89PNG") || bytes.mid(12, 4) != "IHDR") return {};
    const auto be = [&](int at) {
        return int(uchar(bytes[at])) << 24 | int(uchar(bytes[at + 1])) << 16 | int(uchar(bytes[at + 2])) << 8 |
               int(uchar(bytes[at + 3]));
    };
    return {be(16), be(20)};
}

const QByteArray kSpace = R"({"parameters": [
  {"name": "x", "type": "float", "low": -5, "high": 5},
  {"name": "n", "type": "int", "low": 1, "high": 4},
  {"name": "opt", "type": "categorical", "choices": ["sgd", "adam"]}
]})";

} // namespace

class TestCli : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void help();
    void usageErrors();
    void createAskTellBest();
    void askMissingFile();
    void createRejectsMalformedSpace();
    void createNeverOverwrites();
    void tellTwiceFails();
    void tellRejectsBadValue();
    void optimizeJudgesEveryOutcome();
    void optimizeWorkersRunConcurrently();
    void optimizeInterrupted();
    void tornLastLineWarns();
    void contourAndSlice();
    void contourShowsTheAcquisitionThatChooses();
    void contourImageHasTheWindowsPanels();
    void importance();
    void bench();
    void outputsNeverOverwriteStudies();
    void damagedStudyNamesLineAndRepair();
    void repairWritesNewFileOnly();
    void studyDeletedDuringOptimize();
    void createOnFullDiskLeavesNoFile();

private:
    QString path(const QString& name) const { return _dir->filePath(name); }
    /// A study with the random sampler over kSpace.
    QString createStudy(const QString& name = "s.jsonl", const QString& sampler = "random");
    /// A study with the GP sampler (5 initial trials) over a, b, c in [0, 1].
    QString createGpCube(const QString& name);
    QScopedPointer<QTemporaryDir> _dir;
};

void TestCli::init()
{
    _dir.reset(new QTemporaryDir);
    QVERIFY(_dir->isValid());
    writeFile(path("space.json"), kSpace);
}

QString TestCli::createStudy(const QString& name, const QString& sampler)
{
    const QString study = path(name);
    const Result r = tw({"create", "--study", study, "--space", path("space.json"), "--sampler", sampler,
                         "--seed", "7"});
    if (r.code != 0)
        qWarning("create failed: %s", r.err.constData());
    return study;
}

void TestCli::help()
{
    for (const QStringList& args : {QStringList{"--help"}, QStringList{"help"}, QStringList{"create", "--help"},
                                    QStringList{"help", "optimize"}, QStringList{"contour", "-h"}}) {
        const Result r = tw(args);
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains("usage: tw"), r.out.constData());
        QVERIFY(r.err.isEmpty());
    }
    QVERIFY(tw({"optimize", "--help"}).out.contains("TW_PARAMS"));
    QCOMPARE(tw({}).code, 2);
    QCOMPARE(tw({"help", "nosuch"}).code, 2);
}

void TestCli::usageErrors()
{
    Result r = tw({"ask", "--study", path("s.jsonl"), "--bogus"});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.startsWith("tw ask: ") && r.err.contains("--bogus"), r.err.constData());
    QCOMPARE(r.err.count('\n'), 1);

    r = tw({"frobnicate"});
    QCOMPARE(r.code, 2);
    QVERIFY(r.err.contains("frobnicate"));

    r = tw({"ask", "--study"});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("--study: missing value"), r.err.constData());

    r = tw({"optimize", "--study", path("s.jsonl"), "--objective-cmd", "true", "--trials", "abc"});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("--trials: expected a positive integer (got 'abc')"), r.err.constData());

    r = tw({"optimize", "--study=" + path("s.jsonl"), "--objective-cmd=true", "--trials=0"});
    QCOMPARE(r.code, 2);
    QVERIFY(r.err.contains("--trials"));

    r = tw({"ask", "--study", "a", "stray"});
    QCOMPARE(r.code, 2);
    QVERIFY(r.err.contains("stray"));

    r = tw({"create", "--study", path("s.jsonl"), "--space", path("space.json"), "--sampler", "tpe"});
    QCOMPARE(r.code, 2);
    QVERIFY(r.err.contains("--sampler"));
    QVERIFY(!QFile::exists(path("s.jsonl")));
}

void TestCli::createAskTellBest()
{
    const QString study = path("s.jsonl");
    Result r = tw({"create", "--study", study, "--space", path("space.json"), "--sampler", "random",
                   "--direction", "minimize", "--name", "demo"});
    QCOMPARE(r.code, 0);
    QJsonObject o = object(r.out);
    QCOMPARE(o["study"].toString(), study);
    QCOMPARE(o["parameters"].toInt(), 3);
    QCOMPARE(o["name"].toString(), QString("demo"));

    r = tw({"ask", "--study", study});
    QCOMPARE(r.code, 0);
    o = object(r.out);
    QCOMPARE(o["number"].toInt(-1), 0);
    const QJsonObject params = o["params"].toObject();
    QCOMPARE(params.keys(), (QStringList{"n", "opt", "x"}));
    QVERIFY(params["x"].toDouble() >= -5 && params["x"].toDouble() <= 5);
    QVERIFY(params["opt"].isString());

    r = tw({"tell", "--study", study, "--trial", "0", "--value", "1.5"});
    QCOMPARE(r.code, 0);
    QCOMPARE(object(r.out)["state"].toString(), QString("complete"));

    QCOMPARE(object(tw({"ask", "--study", study}).out)["number"].toInt(), 1);
    QCOMPARE(tw({"tell", "--study=" + study, "--trial=1", "--value=-0.5"}).code, 0);
    QCOMPARE(object(tw({"ask", "--study", study}).out)["number"].toInt(), 2);
    r = tw({"tell", "--study", study, "--trial", "2", "--failed", "--reason", "out of memory"});
    QCOMPARE(r.code, 0);

    r = tw({"best", "--study", study});
    QCOMPARE(r.code, 0);
    o = object(r.out);
    QCOMPARE(o["number"].toInt(), 1);
    QCOMPARE(o["value"].toDouble(), -0.5);
    QCOMPARE(o["params"].toObject().size(), 3);
    // Two observations: the model's pick comes alongside, one of the
    // completed trials, with a mean and a standard error.
    const QJsonObject modelBest = o["model_best"].toObject();
    QVERIFY(modelBest["number"].toInt(-1) == 0 || modelBest["number"].toInt(-1) == 1);
    QVERIFY(modelBest.contains("mean") && modelBest["se"].toDouble(-1) >= 0);

    r = tw({"trials", "--study", study});
    QCOMPARE(r.code, 0);
    const auto lines = jsonLines(r.out);
    QCOMPARE(lines.size(), 3);
    QCOMPARE(lines[2]["state"].toString(), QString("failed"));
    QCOMPARE(lines[2]["reason"].toString(), QString("out of memory"));
    QCOMPARE(lines[0]["orphaned"].toBool(true), false);
}

void TestCli::askMissingFile()
{
    const QString missing = path("nope.jsonl");
    const Result r = tw({"ask", "--study", missing});
    QVERIFY(r.code != 0);
    QVERIFY2(r.err.contains(missing.toUtf8()), r.err.constData());
    QVERIFY(!QFile::exists(missing));
    QCOMPARE(tw({"best", "--study", missing}).code, 1);
}

void TestCli::createRejectsMalformedSpace()
{
    writeFile(path("bad.json"), R"({"parameters": [
      {"name": "units", "type": "int", "low": 8, "high": 64},
      {"name": "lr", "type": "float", "low": 0, "high": 0.1, "log": true}]})");
    const Result r = tw({"create", "--study", path("s.jsonl"), "--space", path("bad.json")});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.startsWith("tw create: ") && r.err.contains("lr"), r.err.constData());
    QVERIFY(!QFile::exists(path("s.jsonl")));

    writeFile(path("broken.json"), "{\"parameters\": [");
    const Result r2 = tw({"create", "--study", path("s.jsonl"), "--space", path("broken.json")});
    QCOMPARE(r2.code, 1);
    QVERIFY(r2.err.contains("broken.json"));
    QVERIFY(!QFile::exists(path("s.jsonl")));
}

void TestCli::createNeverOverwrites()
{
    const QString study = createStudy();
    QCOMPARE(tw({"ask", "--study", study}).code, 0);
    const QByteArray before = readFile(study);
    QVERIFY(!before.isEmpty());
    const Result r = tw({"create", "--study", study, "--space", path("space.json")});
    QVERIFY(r.code != 0);
    QVERIFY2(r.err.contains(study.toUtf8()), r.err.constData());
    QCOMPARE(readFile(study), before);
}

void TestCli::tellTwiceFails()
{
    const QString study = createStudy();
    QCOMPARE(tw({"ask", "--study", study}).code, 0);
    QCOMPARE(tw({"tell", "--study", study, "--trial", "0", "--value", "2"}).code, 0);
    Result r = tw({"tell", "--study", study, "--trial", "0", "--value", "3"});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.startsWith("tw tell: "), r.err.constData());
    r = tw({"tell", "--study", study, "--trial", "9", "--pruned"});
    QCOMPARE(r.code, 1);
    QCOMPARE(object(tw({"best", "--study", study}).out)["value"].toDouble(), 2.0);
}

void TestCli::tellRejectsBadValue()
{
    const QString study = createStudy();
    QCOMPARE(tw({"ask", "--study", study}).code, 0);
    for (const char* bad : {"abc", "1.5x", "nan", "inf", ""}) {
        const Result r = tw({"tell", "--study", study, "--trial", "0", QString("--value=") + bad});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("--value"), r.err.constData());
    }
    QCOMPARE(tw({"tell", "--study", study, "--trial", "0", "--value", "1", "--failed"}).code, 2);
    QCOMPARE(tw({"tell", "--study", study, "--trial", "0"}).code, 2);
    QCOMPARE(tw({"tell", "--study", study, "--trial", "-1", "--failed"}).code, 2);
    // Still running: nothing was recorded.
    QCOMPARE(jsonLines(tw({"trials", "--study", study}).out)[0]["state"].toString(), QString("running"));
}

void TestCli::optimizeJudgesEveryOutcome()
{
    const QString study = createStudy();
    const QString script = path("objective.sh");
    writeFile(script, R"(#!/bin/sh
read -r params
case "$TW_TRIAL" in
  0) [ "$params" = "$TW_PARAMS" ] || exit 9; echo "epoch 1 loss 3"; echo "0.25" ;;
  1) echo 'bad, "things" happened' >&2; exit 3 ;;
  2) echo hello ;;
  3) echo nan ;;
  4) sleep 30 & echo $! > "$(dirname "$0")/sleep.pid"; wait ;;
  5) echo "1.5 trailing" ;;
  6) echo "only noise" >&2 ;;
  *) printf '  %s  \n\n' "-$TW_TRIAL.5" ;;
esac
)", true);
    QElapsedTimer timer;
    timer.start();
    const Result r = tw({"optimize", "--study", study, "--objective-cmd", script, "--trials", "8",
                         "--timeout", "1"});
    QCOMPARE(r.code, 0);
    // Trial 4 sleeps 30 s: optimize returning well before means the timeout killed it.
    QVERIFY2(timer.elapsed() < 20000, "the timeout did not stop trial 4");
    const auto lines = jsonLines(r.out);
    QCOMPARE(lines.size(), 9);
    const QJsonObject summary = lines.last();
    QCOMPARE(summary["completed"].toInt(), 2);
    QCOMPARE(summary["failed"].toInt(), 6);
    QCOMPARE(summary["best"].toObject()["number"].toInt(), 7);
    QCOMPARE(summary["best"].toObject()["value"].toDouble(), -7.5);
    QVERIFY(lines[0].contains("params") && lines[0].contains("duration"));

    const auto trials = jsonLines(tw({"trials", "--study", study}).out);
    QCOMPARE(trials.size(), 8);
    const QStringList expected = {
        "",                                                           // 0
        "trial 1: objective command exited with status 3: bad, \"things\" happened",
        "trial 2: last line of output is not a number: 'hello'",
        "trial 3: objective is nan",
        "trial 4: timed out after 1 s",
        "trial 5: last line of output is not a number: '1.5 trailing'",
        "trial 6: objective command printed nothing on stdout",
        "",
    };
    for (int i = 0; i < 8; ++i) {
        QCOMPARE(trials[i]["number"].toInt(), i);
        const bool ok = expected[i].isEmpty();
        QCOMPARE(trials[i]["state"].toString(), ok ? QString("complete") : QString("failed"));
        if (!ok)
            QVERIFY2(trials[i]["reason"].toString().startsWith(expected[i]),
                     qPrintable(trials[i]["reason"].toString()));
    }
    QCOMPARE(trials[0]["value"].toDouble(), 0.25);
    QCOMPARE(trials[7]["value"].toDouble(), -7.5);

    // The timeout killed the whole process group, the background sleep included.
    const pid_t sleeper = readFile(path("sleep.pid")).trimmed().toInt();
    QVERIFY(sleeper > 0);
    QTRY_VERIFY_WITH_TIMEOUT(::kill(sleeper, 0) != 0 || readFile(QString("/proc/%1/stat").arg(sleeper)).contains(") Z "), 3000);

    // Export: header + one row per trial, parameters by name, quoting intact.
    const Result e = tw({"export", "--study", study, "--csv", path("t.csv"), "--json", path("t.json")});
    QCOMPARE(e.code, 0);
    const auto rows = parseCsv(QString::fromUtf8(readFile(path("t.csv"))));
    QCOMPARE(rows.size(), 9);
    QCOMPARE(rows[0].mid(0, 9), (QStringList{"number", "x", "n", "opt", "value", "state", "duration", "started", "reason"}));
    for (int i = 1; i < rows.size(); ++i) {
        QCOMPARE(rows[i].size(), rows[0].size());
        QCOMPARE(rows[i][0], QString::number(i - 1));
        QVERIFY(rows[i][3] == "sgd" || rows[i][3] == "adam");
        QVERIFY(rows[i][7].endsWith('Z'));
    }
    QCOMPARE(rows[1][4].toDouble(), 0.25);
    QCOMPARE(rows[2][5], QString("failed"));
    QVERIFY(rows[2][8].contains("bad, \"things\" happened"));
    const QJsonArray all = QJsonDocument::fromJson(readFile(path("t.json"))).array();
    QCOMPARE(all.size(), 8);
    QCOMPARE(all[3].toObject()["reason"].toString(), QString("trial 3: objective is nan"));
}

void TestCli::optimizeWorkersRunConcurrently()
{
    const QString study = createStudy();
    // A barrier: each command marks itself started and waits (up to 20 s)
    // until three have started. Run one at a time, the first would never see
    // three and would fail its trial.
    QTemporaryDir marks;
    const QString cmd = QString("d='%1'; touch \"$d/s.$TW_TRIAL\"; i=0; "
                                "while [ $(ls \"$d\" | wc -l) -lt 3 ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done; "
                                "[ $(ls \"$d\" | wc -l) -ge 3 ] && echo $TW_TRIAL").arg(marks.path());
    const Result r = tw({"optimize", "--study", study, "--objective-cmd", cmd, "--trials", "9", "--workers", "3"});
    QCOMPARE(r.code, 0);
    const auto lines = jsonLines(r.out);
    QCOMPARE(lines.size(), 10);
    QSet<int> numbers;
    for (int i = 0; i < 9; ++i) {
        QCOMPARE(lines[i]["state"].toString(), QString("complete"));
        QCOMPARE(lines[i]["value"].toDouble(), double(lines[i]["number"].toInt()));
        numbers.insert(lines[i]["number"].toInt());
    }
    QCOMPARE(numbers.size(), 9);
    QCOMPARE(*std::max_element(numbers.begin(), numbers.end()), 8);
}

void TestCli::optimizeInterrupted()
{
    const QString study = createStudy();
    QProcess p;
    p.start(QStringLiteral(TW_BINARY), {"optimize", "--study", study, "--objective-cmd", "sleep 30; echo 1",
                                        "--trials", "5", "--workers", "2"});
    QVERIFY(p.waitForStarted());
    // Wait until both workers run their command.
    QTRY_VERIFY_WITH_TIMEOUT(jsonLines(tw({"trials", "--study", study}).out).size() == 2, 10000);
    QTest::qWait(200);
    p.terminate(); // SIGTERM
    QVERIFY(p.waitForFinished(10000)); // the commands sleep 30 s: they were killed
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.exitCode(), 130);
    const auto trials = jsonLines(tw({"trials", "--study", study}).out);
    QCOMPARE(trials.size(), 2);
    for (const QJsonObject& t : trials) {
        QCOMPARE(t["state"].toString(), QString("failed"));
        QCOMPARE(t["reason"].toString(), QString("interrupted"));
    }
}

void TestCli::tornLastLineWarns()
{
    const QString study = createStudy();
    QCOMPARE(tw({"ask", "--study", study}).code, 0);
    QFile f(study);
    QVERIFY(f.open(QIODevice::Append));
    f.write("{\"event\": \"tol");
    f.close();
    const Result r = tw({"trials", "--study", study});
    QCOMPARE(r.code, 0);
    QCOMPARE(jsonLines(r.out).size(), 1);
    QVERIFY2(r.err.startsWith("tw: warning: "), r.err.constData());
}

void TestCli::contourShowsTheAcquisitionThatChooses()
{
    writeFile(path("square.json"), R"({"parameters": [
      {"name": "a", "type": "float", "low": 0, "high": 1},
      {"name": "b", "type": "float", "low": 0, "high": 1}]})");
    const QString study = path("acq.jsonl");
    QCOMPARE(tw({"create", "--study", study, "--space", path("square.json"), "--sampler", "gp", "--initial", "5",
                 "--seed", "2"})
                 .code,
             0);
    const QString objective = R"(awk -F'[:,}]' '{ print ($2-0.35)^2 + 2*($4-0.6)^2 }')";
    QCOMPARE(tw({"optimize", "--study", study, "--objective-cmd", objective, "--trials", "9"}).code, 0);
    Result r = tw({"contour", "--study", study, "--x", "a", "--y", "b", "--resolution", "81", "--out", path("acq.csv")});
    QVERIFY2(r.code == 0, r.err.constData());
    double bestAcq = -INFINITY, bestA = 0, bestB = 0;
    bool header = false;
    for (const QByteArray& line : readFile(path("acq.csv")).split('\n')) {
        if (line == "x,y,mean,se,acquisition,p_feasible") header = true;
        const QList<QByteArray> f = line.split(',');
        if (line.startsWith('#') || f.size() != 6 || !(std::isdigit(uchar(line[0])))) continue;
        QVERIFY(f[5].toDouble() > 0.5 && f[5].toDouble() <= 1.0); // nothing failed: likely to complete everywhere
        if (f[4].toDouble() > bestAcq) {
            bestAcq = f[4].toDouble();
            bestA = f[0].toDouble();
            bestB = f[1].toDouble();
        }
    }
    QVERIFY(header);
    // The next trial is where the grid's acquisition peaks (within a grid step or two).
    r = tw({"ask", "--study", study});
    QCOMPARE(r.code, 0);
    const QJsonObject params = object(r.out)["params"].toObject();
    const double step = 1.0 / 80;
    QVERIFY2(std::abs(params["a"].toDouble() - bestA) <= 2 * step && std::abs(params["b"].toDouble() - bestB) <= 2 * step,
             qPrintable(QString("ask (%1, %2), grid peak (%3, %4)")
                            .arg(params["a"].toDouble())
                            .arg(params["b"].toDouble())
                            .arg(bestA)
                            .arg(bestB)));
}

QString TestCli::createGpCube(const QString& name)
{
    writeFile(path("cube.json"), R"({"parameters": [
      {"name": "a", "type": "float", "low": 0, "high": 1},
      {"name": "b", "type": "float", "low": 0, "high": 1},
      {"name": "c", "type": "float", "low": 0, "high": 1}]})");
    const QString study = path(name);
    const Result r = tw({"create", "--study", study, "--space", path("cube.json"), "--sampler", "gp", "--initial", "5"});
    if (r.code != 0) qWarning("create %s: %s", qPrintable(name), r.err.constData());
    return study;
}

void TestCli::contourImageHasTheWindowsPanels()
{
    // The panels the window's contour view draws: mean and SE; the
    // acquisition (the next proposal and the running trials marked) once the
    // GP chooses; P(failure) once a trial failed. The image grows with them
    // (the renderer's sizes at 2x: 1200 x 520 for two panels, 1800 x 520 for
    // three, 1200 x 1000 for four, 700 x 560 for one).
    const QString study = createGpCube("panels.jsonl");
    QVERIFY(QFile::exists(study));
    const auto contour = [&](const QString& out, const QStringList& more = {}) {
        return tw(QStringList{"contour", "--study", study, "--x", "a", "--y", "b", "--resolution", "30", "--out", out} +
                  more);
    };
    QCOMPARE(tw({"ask", "--study", study}).code, 0);
    QCOMPARE(tw({"tell", "--study", study, "--trial", "0", "--value", "1"}).code, 0);
    Result r = contour(path("few.png"));
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("at least 2 completed trials (the study has 1)"), r.err.constData());

    const QString objective = R"(awk -F'[:,}]' '{ print ($2-0.3)^2 + ($4-0.6)^2 + 0.1*$6 }')";
    // 3 observations: the quasi-random initial trials still choose, so no acquisition panel.
    QCOMPARE(tw({"optimize", "--study", study, "--objective-cmd", objective, "--trials", "2"}).code, 0);
    r = contour(path("two.png"));
    QVERIFY2(r.code == 0, r.err.constData());
    QCOMPARE(pngSize(readFile(path("two.png"))), QSize(2400, 1040));
    r = contour(path("two.png"), {"--panels", "mean,acquisition"});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("--panels: 'acquisition' is drawn once the GP chooses, after the sampler's 5 initial "
                            "trials (the study has 3)"),
             r.err.constData());

    QCOMPARE(tw({"optimize", "--study", study, "--objective-cmd", objective, "--trials", "4"}).code, 0);
    r = contour(path("three.png"));
    QVERIFY2(r.code == 0, r.err.constData());
    QCOMPARE(object(r.out)["observations"].toInt(), 7);
    QCOMPARE(object(r.out)["rows"].toInt(), 900);
    QCOMPARE(pngSize(readFile(path("three.png"))), QSize(3600, 1040));
    QVERIFY(contour(path("three.svg")).code == 0);
    QByteArray svg = readFile(path("three.svg"));
    QVERIFY2(svg.contains(">Mean<") && svg.contains(">Standard error<") && svg.contains(">Acquisition (log EI)<"),
             svg.left(2000).constData());
    QVERIFY(svg.contains("next trial"));  // the proposal's legend entry
    QVERIFY(!svg.contains("P(failure)"));
    // --panels picks some, in its order; the old two-panel image.
    QVERIFY(contour(path("old.png"), {"--panels", "mean,se"}).code == 0);
    QCOMPARE(pngSize(readFile(path("old.png"))), QSize(2400, 1040));
    QVERIFY(contour(path("acq.svg"), {"--panels", "acquisition"}).code == 0);
    svg = readFile(path("acq.svg"));
    QVERIFY(svg.contains(">Acquisition (log EI)<") && !svg.contains(">Mean<"));
    QVERIFY(contour(path("acq.png"), {"--panels", "acquisition"}).code == 0);
    QCOMPARE(pngSize(readFile(path("acq.png"))), QSize(1400, 1120));  // one panel: 700 x 560
    r = contour(path("x.png"), {"--panels", "failure"});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("'failure' maps P(failure) once trials have failed (the study has none)"),
             r.err.constData());
    r = contour(path("x.png"), {"--panels", "mean,sd"});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("--panels: 'sd' is not a panel (panels: mean,se,acquisition,failure"), r.err.constData());
    r = contour(path("x.png"), {"--panels", "se,se"});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("'se' is listed twice"), r.err.constData());
    r = contour(path("x.png"), {"--panels="});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("--panels: expected a comma-separated list"), r.err.constData());
    r = contour(path("x.csv"), {"--panels", "mean"});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("--panels: only for an image --out"), r.err.constData());
    QVERIFY(!QFile::exists(path("x.png")) && !QFile::exists(path("x.csv")));

    // A failed trial and a running one: the failure map joins, two by two.
    r = tw({"ask", "--study", study});
    QCOMPARE(r.code, 0);
    QCOMPARE(tw({"tell", "--study", study, "--trial", QString::number(object(r.out)["number"].toInt()), "--failed"}).code,
             0);
    QCOMPARE(tw({"ask", "--study", study}).code, 0);
    for (const QString& ext : {QString("png"), QString("svg"), QString("pdf")}) {
        r = contour(path("four." + ext));
        QVERIFY2(r.code == 0, r.err.constData());
    }
    QCOMPARE(pngSize(readFile(path("four.png"))), QSize(2400, 2000));
    svg = readFile(path("four.svg"));
    QVERIFY(svg.contains(">Acquisition (log EI)<") && svg.contains(">P(failure)<"));
    QVERIFY(svg.contains(">failed trial<") && svg.contains(">running<"));
    QVERIFY(readFile(path("four.pdf")).startsWith("%PDF"));
    QVERIFY(contour(path("fail.png"), {"--panels", "mean,failure"}).code == 0);
    QCOMPARE(pngSize(readFile(path("fail.png"))), QSize(2400, 1040));
}

void TestCli::contourAndSlice()
{
    const QString study = createGpCube("gp.jsonl");
    QVERIFY(QFile::exists(study));

    // Too few observations for a surrogate.
    QCOMPARE(tw({"ask", "--study", study}).code, 0);
    QCOMPARE(tw({"tell", "--study", study, "--trial", "0", "--value", "1"}).code, 0);
    Result r = tw({"contour", "--study", study, "--x", "a", "--y", "b", "--out", path("c.csv")});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("at least 2 completed trials"), r.err.constData());

    // $2, $4, $6 of {"a":..,"b":..,"c":..} split on : , }
    const QString objective = R"(awk -F'[:,}]' '{ print ($2-0.3)^2 + ($4-0.6)^2 + 0.1*$6 }')";
    r = tw({"optimize", "--study", study, "--objective-cmd", objective, "--trials", "7"});
    QCOMPARE(r.code, 0);
    QCOMPARE(jsonLines(r.out).last()["completed"].toInt(), 7);

    // Image outputs: tw runs tw-plot for them.
    for (const QString& ext : {QString("svg"), QString("png"), QString("pdf")}) {
        const QString out = path("c." + ext);
        r = tw({"contour", "--study", study, "--x", "a", "--y", "b", "--out=" + out});
        QVERIFY2(r.code == 0, r.err.constData());
        QCOMPARE(object(r.out)["out"].toString(), out);
        QCOMPARE(object(r.out)["observations"].toInt(), 8);
        const QByteArray bytes = readFile(out);
        if (ext == "svg")
            QVERIFY(bytes.contains("<svg") && bytes.contains("<path") && bytes.contains(">a") && bytes.contains(">b"));
        else if (ext == "png")
            QVERIFY(bytes.startsWith("\x89PNG"));
        else
            QVERIFY(bytes.startsWith("%PDF"));
    }
    r = tw({"contour", "--study", study, "--x", "a", "--y", "b", "--out", path("c.gif")});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("a .csv, .svg, .png or .pdf file"), r.err.constData());
    QCOMPARE(tw({"slice", "--study", study, "--x", "a", "--out", path("s.png")}).code, 2);

    r = tw({"contour", "--study", study, "--x", "a", "--y", "b", "--out", path("c.csv"), "--fix", "c=0.5"});
    QCOMPARE(r.code, 0);
    QCOMPARE(object(r.out)["rows"].toInt(), 2500);
    const QList<QByteArray> lines = readFile(path("c.csv")).split('\n');
    int data = 0;
    QByteArray comments;
    for (const QByteArray& line : lines) {
        if (line.startsWith('#'))
            comments += line + "\n";
        else if (!line.isEmpty() && (std::isdigit(uchar(line[0])) || line[0] == '-'))
            ++data;
    }
    QCOMPARE(data, 2500);
    QVERIFY2(comments.contains("# fixed: ") && comments.contains("\"c\":0.5"), comments.constData());

    QCOMPARE(tw({"contour", "--study", study, "--x", "a", "--y", "zz", "--out", path("d.csv")}).code, 1);
    QCOMPARE(tw({"contour", "--study", study, "--x", "a", "--y", "b", "--out", path("d.csv"), "--fix", "c"}).code, 2);
    QCOMPARE(tw({"contour", "--study", study, "--x", "a", "--y", "b", "--out", path("d.csv"), "--fix", "c=7"}).code, 1);

    r = tw({"slice", "--study", study, "--x", "a", "--out", path("s.csv"), "--resolution", "20"});
    QCOMPARE(r.code, 0);
    int sliceRows = 0;
    for (const QByteArray& line : readFile(path("s.csv")).split('\n'))
        sliceRows += !line.isEmpty() && std::isdigit(uchar(line[0]));
    QCOMPARE(sliceRows, 20);
}

void TestCli::importance()
{
    writeFile(path("pair.json"), R"({"parameters": [
      {"name": "a", "type": "float", "low": 0, "high": 1},
      {"name": "noise", "type": "float", "low": 0, "high": 1}]})");
    const QString study = path("imp.jsonl");
    QCOMPARE(tw({"create", "--study", study, "--space", path("pair.json"), "--sampler", "qmc"}).code, 0);
    Result r = tw({"importance", "--study", study});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains(study.toUtf8()) && r.err.contains("at least 2 completed trials"), r.err.constData());
    r = tw({"importance", "--study", path("missing.jsonl")});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("missing.jsonl"), r.err.constData());
    QCOMPARE(tw({"importance", "--study", study, "--table=yes"}).code, 2);

    // Only a matters: $2 of {"a":..,"noise":..} split on : , }
    const QString objective = R"(awk -F'[:,}]' '{ print ($2-0.3)^2 }')";
    QCOMPARE(tw({"optimize", "--study", study, "--objective-cmd", objective, "--trials", "24"}).code, 0);

    r = tw({"importance", "--study", study});
    QVERIFY2(r.code == 0, r.err.constData());
    const QJsonObject o = object(r.out);
    QCOMPARE(o["observations"].toInt(), 24);
    QCOMPARE(o["draws"].toInt(), 16);
    QCOMPARE(o["quantiles"].toArray()[0].toDouble(), 0.1);
    const QJsonArray params = o["parameters"].toArray();
    QCOMPARE(params.size(), 2);
    const QJsonObject a = params[0].toObject(), noise = params[1].toObject();
    QCOMPARE(a["name"].toString(), QString("a"));
    QCOMPARE(noise["name"].toString(), QString("noise"));
    QVERIFY(std::abs(a["importance"].toDouble() + noise["importance"].toDouble() - 1.0) < 1e-9);
    for (const QJsonObject& p : {a, noise}) {
        QVERIFY(p["low"].toDouble() <= p["importance"].toDouble() + 1e-9);
        QVERIFY(p["importance"].toDouble() <= p["high"].toDouble() + 1e-9);
        QVERIFY(p["lengthscale"].toDouble() > 0);
        QVERIFY(p.contains("first_order"));
    }
    QVERIFY2(a["low"].toDouble() > 0.9, r.out.constData());
    QVERIFY2(noise["high"].toDouble() < 0.1, r.out.constData());

    // The table: a header, then the most important first.
    r = tw({"importance", "--study", study, "--table"});
    QVERIFY2(r.code == 0, r.err.constData());
    const QList<QByteArray> lines = r.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 4);
    QVERIFY2(lines[0].contains("24 observations") && lines[0].contains("10-90% over 16 GP hyperparameter draws"),
             r.out.constData());
    QVERIFY2(lines[1].startsWith("parameter") && lines[1].contains("lengthscale"), r.out.constData());
    QVERIFY2(lines[2].startsWith("a ") && lines[3].startsWith("noise "), r.out.constData());
    QVERIFY2(lines[2].contains("% - ") && lines[2].contains("%"), r.out.constData());
    QVERIFY(tw({"importance", "--help"}).out.contains("hyperparameter"));
}

void TestCli::bench()
{
    const Result r = tw({"bench", "--function", "branin", "--trials", "6", "--seeds", "2", "--sampler", "random",
                         "--traces"});
    QCOMPARE(r.code, 0);
    const QJsonObject o = object(r.out);
    QCOMPARE(o["function"].toString(), QString("branin"));
    QCOMPARE(o["best_values"].toArray().size(), 2);
    QVERIFY(o["median_regret"].toDouble() >= 0.0);
    QVERIFY(o["latency_ms"].toObject().contains("p95"));
    QCOMPARE(o["traces"].toArray()[0].toArray().size(), 6);
    QCOMPARE(tw({"bench", "--function", "sphere", "--trials", "3"}).code, 2);
}

void TestCli::outputsNeverOverwriteStudies()
{
    writeFile(path("cube.json"), R"({"parameters": [
      {"name": "a", "type": "float", "low": 0, "high": 1},
      {"name": "b", "type": "float", "low": 0, "high": 1}]})");
    const QString study = path("s.jsonl");
    QCOMPARE(tw({"create", "--study", study, "--space", path("cube.json"), "--sampler", "gp", "--initial", "5"}).code, 0);
    const QString objective = R"(awk -F'[:,}]' '{ print ($2-0.3)^2 + ($4-0.6)^2 }')";
    QCOMPARE(tw({"optimize", "--study", study, "--objective-cmd", objective, "--trials", "4"}).code, 0);
    // Another study, named like an output (a study is known by its first line, not its name).
    const QString other = path("other.csv");
    QCOMPARE(tw({"create", "--study", other, "--space", path("cube.json")}).code, 0);
    QVERIFY(QFile::link(study, path("link.csv")));
    QVERIFY(::link(QFile::encodeName(study).constData(), QFile::encodeName(path("hard.json")).constData()) == 0);
    QVERIFY(QFile::link(path("link.csv"), path("link2.svg")));
    const QByteArray before = readFile(study), otherBefore = readFile(other);

    const auto refused = [&](const QStringList& args, const QString& flag, const QString& out, const QString& how) {
        const Result r = tw(args);
        QVERIFY2(r.code == 1, qPrintable(args.join(' ') + ": " + r.err));
        const QString expected = "tw " + args[0] + ": --" + flag + " " + out + " " + how + "; refusing to overwrite it\n";
        QCOMPARE(QString::fromUtf8(r.err), expected);
        QCOMPARE(readFile(study), before);
        QCOMPARE(readFile(other), otherBefore);
    };
    const QString isStudy = "is a study file";
    refused({"export", "--study", study, "--csv", study}, "csv", study, isStudy);
    refused({"export", "--study", study, "--json", study}, "json", study, isStudy);
    refused({"export", "--study", study, "--csv", other}, "csv", other, isStudy);
    refused({"export", "--study", study, "--json", path("hard.json")}, "json", path("hard.json"), isStudy);
    refused({"export", "--study", study, "--csv", path("link.csv")}, "csv", path("link.csv"),
            "is a symbolic link to the study file " + study);
    refused({"export", "--study", study, "--csv", path("t.csv"), "--json", study}, "json", study, isStudy);
    QVERIFY2(!QFile::exists(path("t.csv")), "an output was written before the refusal");
    refused({"contour", "--study", study, "--x", "a", "--y", "b", "--out", other}, "out", other, isStudy);
    refused({"contour", "--study", study, "--x", "a", "--y", "b", "--out", path("link.csv")}, "out", path("link.csv"),
            "is a symbolic link to the study file " + study);
    refused({"contour", "--study", study, "--x", "a", "--y", "b", "--out", path("link2.svg")}, "out",
            path("link2.svg"), "is a symbolic link to the study file " + study);
    refused({"slice", "--study", study, "--x", "a", "--out", other}, "out", other, isStudy);

    // Ordinary outputs, new or existing, are still written.
    writeFile(path("old.csv"), "not a study\n");
    Result r = tw({"export", "--study", study, "--csv", path("old.csv"), "--json", path("t.json")});
    QVERIFY2(r.code == 0, r.err.constData());
    QVERIFY(readFile(path("old.csv")).startsWith("number,"));
    r = tw({"slice", "--study", study, "--x", "a", "--out", path("slice.csv")});
    QVERIFY2(r.code == 0, r.err.constData());
}

namespace {

/// A study of three trials with line 3 garbled and trial 1's asked line twice.
QByteArray damage(const QByteArray& text)
{
    QList<QByteArray> lines = text.split('\n');
    if (!lines.isEmpty() && lines.last().isEmpty()) lines.removeLast();
    int asked1 = -1;
    for (int i = 0; i < lines.size(); ++i)
        if (lines[i].contains("\"trial_asked\"") && lines[i].contains("\"number\":1"))
            asked1 = i;
    QByteArray out;
    for (int i = 0; i < lines.size(); ++i) {
        out += lines[i] + "\n";
        if (i == 1) out += "{\"event\": \"trial_told\", oops\n"; // becomes line 3
        if (i == asked1) out += lines[i] + "\n";
    }
    return out;
}

} // namespace

void TestCli::damagedStudyNamesLineAndRepair()
{
    const QString study = createStudy();
    QCOMPARE(tw({"optimize", "--study", study, "--objective-cmd", "echo 1", "--trials", "3"}).code, 0);
    writeFile(study, damage(readFile(study)));
    const QByteArray damaged = readFile(study);
    for (const QStringList& args : {QStringList{"trials", "--study", study}, QStringList{"best", "--study", study},
                                    QStringList{"export", "--study", study, "--csv", path("t.csv")},
                                    QStringList{"ask", "--study", study}}) {
        const Result r = tw(args);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains((study + ":3:").toUtf8()) && r.err.contains("invalid JSON"), r.err.constData());
        QVERIFY2(r.err.contains(("tw repair --study " + study).toUtf8()), r.err.constData());
        QCOMPARE(readFile(study), damaged);
    }
    const QString repaired = path("s.repaired.jsonl");
    const Result r = tw({"repair", "--study", study});
    QVERIFY2(r.code == 0, r.err.constData());
    const QJsonObject o = object(r.out);
    QCOMPARE(o["study"].toString(), study);
    QCOMPARE(o["out"].toString(), repaired);
    QCOMPARE(o["kept"].toInt(), 7); // created + 3 x (asked, told)
    const QJsonArray dropped = o["dropped"].toArray();
    QCOMPARE(dropped.size(), 2);
    QCOMPARE(dropped[0].toObject()["line"].toInt(), 3);
    QVERIFY2(dropped[0].toObject()["reason"].toString().contains("invalid JSON"),
             qPrintable(dropped[0].toObject()["reason"].toString()));
    QVERIFY2(dropped[1].toObject()["reason"].toString().contains("trial_asked: trial 1 is out of order"),
             qPrintable(dropped[1].toObject()["reason"].toString()));
    QCOMPARE(readFile(study), damaged); // the damaged file is never changed
    const auto trials = jsonLines(tw({"trials", "--study", repaired}).out);
    QCOMPARE(trials.size(), 3);
    for (const auto& t : trials) QCOMPARE(t["state"].toString(), QString("complete"));
    QCOMPARE(tw({"ask", "--study", repaired}).code, 0);
}

void TestCli::repairWritesNewFileOnly()
{
    const QString study = createStudy();
    writeFile(study, damage(readFile(study) + readFile(study))); // a second study_created on line 2
    Result r = tw({"repair", "--study", study, "--out", path("fixed.jsonl")});
    QVERIFY2(r.code == 0, r.err.constData());
    QJsonArray dropped = object(r.out)["dropped"].toArray();
    QCOMPARE(dropped.size(), 2);
    QCOMPARE(dropped[0].toObject()["line"].toInt(), 2);
    QVERIFY(dropped[0].toObject()["reason"].toString().contains("a second 'study_created' event"));
    QCOMPARE(object(r.out)["kept"].toInt(), 1);
    const QByteArray fixed = readFile(path("fixed.jsonl"));

    // Never over an existing file, the study itself included.
    for (const QString& out : {path("fixed.jsonl"), study, path("space.json")}) {
        const QByteArray before = readFile(out);
        r = tw({"repair", "--study", study, "--out", out});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(out.toUtf8()) && r.err.contains("exists"), r.err.constData());
        QCOMPARE(readFile(out), before);
    }
    QVERIFY(QFile::link(path("nowhere.jsonl"), path("dangling.jsonl")));
    r = tw({"repair", "--study", study, "--out", path("dangling.jsonl")});
    QCOMPARE(r.code, 1);
    QVERIFY(!QFile::exists(path("nowhere.jsonl")));
    QCOMPARE(readFile(path("fixed.jsonl")), fixed);

    // Nothing to keep: no file.
    writeFile(path("junk.jsonl"), "hello\n");
    r = tw({"repair", "--study", path("junk.jsonl")});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("study_created"), r.err.constData());
    QVERIFY(!QFile::exists(path("junk.repaired.jsonl")));
    QCOMPARE(tw({"repair", "--study", path("missing.jsonl")}).code, 1);
    QCOMPARE(tw({"repair"}).code, 2);
    QVERIFY(tw({"help", "repair"}).out.contains("usage: tw repair"));
    QVERIFY(tw({"--help"}).out.contains("repair"));
}

void TestCli::studyDeletedDuringOptimize()
{
    const QString study = createStudy();
    const QString script = path("objective.sh");
    writeFile(script, ("#!/bin/sh\n[ \"$TW_TRIAL\" = 2 ] && rm -f '" + study + "'\necho 1\n").toUtf8(), true);
    const Result r = tw({"optimize", "--study", study, "--objective-cmd", script, "--trials", "20"});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains((study + ": the study file was deleted (or replaced) while this process had it open; "
                                     "nothing more is written").toUtf8()),
             r.err.constData());
    QVERIFY(!QFile::exists(study));
    QVERIFY(jsonLines(r.out).last()["trials"].toInt() < 20);
}

void TestCli::createOnFullDiskLeavesNoFile()
{
    // ulimit -f 0 with SIGXFSZ ignored: every write() fails (EFBIG), as on a full disk.
    const QString study = path("full.jsonl");
    QProcess p;
    p.start("sh", {"-c", "trap '' XFSZ; ulimit -f 0; exec \"$0\" \"$@\"", TW_BINARY, "create", "--study", study,
                   "--space", path("space.json")});
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 1);
    const QByteArray err = p.readAllStandardError();
    QVERIFY2(err.startsWith("tw create: " + study.toUtf8() + ": cannot write: "), err.constData());
    QVERIFY2(!QFile::exists(study), "a 0-byte study file was left behind");
}

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
