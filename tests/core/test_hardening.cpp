// Regression tests for inputs that once crashed the program or were read
// wrong: each names the damage and checks the clear message that replaces it.
#include "core/test_support.h"

#include "space/search_space.h"
#include "study/export.h"
#include "study/trial.h"
#include "train/study_spec.h"
#include "util/errors.h"
#include "util/json_read.h"
#include "util/printable.h"

#include <QDir>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QSet>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <signal.h>

#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace {

// The real `tw` binary (the test's own helper, not cli_support.h's `tw()`,
// whose name would hide the tw namespace of the core headers).
struct Result {
    int code = -1;
    QByteArray out, err;
};

Result run(const QStringList& args)
{
    QProcess p;
    p.start(QStringLiteral(TW_BINARY), args);
    if (!p.waitForStarted(10000)) qFatal("cannot start %s", TW_BINARY);
    p.closeWriteChannel();
    if (!p.waitForFinished(120000)) {
        p.kill();
        p.waitForFinished();
    }
    Result r;
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

QJsonObject object(const QByteArray& line) { return QJsonDocument::fromJson(line).object(); }

QList<QJsonObject> jsonLines(const QByteArray& text)
{
    QList<QJsonObject> list;
    for (const QByteArray& line : text.split('\n'))
        if (!line.trimmed().isEmpty()) list << object(line);
    return list;
}

void writeFile(const std::string& path, const std::string& text, bool append = false)
{
    std::ofstream f(path, append ? std::ios::app : std::ios::trunc);
    f << text;
}

std::string nested(int depth)
{
    return std::string(size_t(depth), '[') + std::string(size_t(depth), ']');
}

} // namespace

class TestHardening : public QObject {
    Q_OBJECT
private:
    QTemporaryDir _dir;
    std::string path(const char* name) const { return (_dir.path() + "/" + name).toStdString(); }
    QString qpath(const char* name) const { return _dir.path() + "/" + name; }
    /// A study with one complete trial (x = 0.5, value 1).
    QString study(const char* name)
    {
        writeFile(path("space.json"), R"({"parameters":[{"name":"x","type":"float","low":0,"high":1}]})");
        const QString s = qpath(name);
        QFile::remove(s);
        const Result c = run({"create", "--study", s, "--space", qpath("space.json")});
        if (c.code != 0) qWarning("%s", c.err.constData());
        run({"ask", "--study", s});
        run({"tell", "--study", s, "--trial", "0", "--value", "1"});
        return s;
    }

private Q_SLOTS:
    void init() { QVERIFY(_dir.isValid()); }

    void parseJsonNamesSourceLineAndRule();
    void deepUserAttrsAreRefusedNotACrash();
    void deepSpaceAndSpecFiles();
    void hugeNumbersInFiles();
    void hugeDigitsAreNotZero();
    void oneSignAtMost();
    void parameterNamesThatBecomeFileNames();
    void controlCharactersAreEscaped();
    void implausibleTimes();
    void escapedProcessesEndWithTheTrial();
    void optimizeFailsOrphanedTrials();
    void killNineNeverLosesACompletedTrial();
    void objectiveKeepsTheUsersBlasSetting();
};

void TestHardening::parseJsonNamesSourceLineAndRule()
{
    using tw::parseJson;
    QCOMPARE(parseJson("{\"a\": [1, 2]}", "x.json")["a"][1].get<int>(), 2);
    QCOMPARE(parseJson(nested(tw::kMaxJsonDepth), "x.json").is_array(), true);

    std::string e = errorOf<tw::ParseError>([] { parseJson("{\n  \"a\": [" + nested(300) + "]\n}", "x.json"); });
    EXPECT_CONTAINS(e, "x.json:2:");
    EXPECT_CONTAINS(e, "nested deeper than 256 levels");
    // Deep enough to overflow the stack of a recursive copy.
    e = errorOf<tw::ParseError>([] { parseJson(nested(1000000), "deep.json"); });
    EXPECT_CONTAINS(e, "deep.json:1:257: JSON nested deeper than 256 levels");

    e = errorOf<tw::ParseError>([] { parseJson("{\"lr\":\n 1e400}", "spec.json"); });
    EXPECT_CONTAINS(e, "spec.json:2:2: the number 1e400 is outside the range of a double");
    e = errorOf<tw::ParseError>([] { parseJson("{\"a\": tru}", "s.json", 7); });
    EXPECT_CONTAINS(e, "s.json:7:");
    EXPECT_CONTAINS(e, "invalid JSON");
    QVERIFY2(e.find("json.exception") == std::string::npos, e.c_str());
}

void TestHardening::deepUserAttrsAreRefusedNotACrash()
{
    // A study file whose user attributes nest a million deep made trials,
    // best, export and ask overflow the stack.
    for (const bool inConfig : {false, true}) {
        const QString s = study(inConfig ? "deep_config.jsonl" : "deep_trial.jsonl");
        if (inConfig) {
            // The study_created line itself carries the deep value.
            QFile f(s);
            QVERIFY(f.open(QIODevice::ReadOnly));
            QByteArray text = f.readAll();
            f.close();
            text.replace("\"user_attrs\":{}", ("\"user_attrs\":{\"deep\":" + nested(200000) + "}").c_str());
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write(text);
        } else {
            writeFile(s.toStdString(),
                      "{\"event\":\"trial_attrs\",\"number\":0,\"user_attrs\":{\"deep\":" + nested(200000) + "}}\n",
                      true);
        }
        const int line = inConfig ? 1 : 4;
        for (const char* command : {"trials", "best", "export", "ask"}) {
            QStringList args{command, "--study", s};
            if (QString(command) == "export") args << "--csv" << qpath("out.csv");
            const Result r = run(args);
            QVERIFY2(r.code == 1, qPrintable(QString("%1: rc %2 %3").arg(command).arg(r.code).arg(QString(r.err))));
            EXPECT_CONTAINS(r.err.toStdString(), (s.toStdString() + ":" + std::to_string(line) + ":"));
            EXPECT_CONTAINS(r.err.toStdString(), "nested deeper than 256 levels");
        }
    }
}

void TestHardening::deepSpaceAndSpecFiles()
{
    writeFile(path("deep_space.json"), "{\"parameters\": " + nested(100000) + "}");
    std::string e = errorOf<tw::ParseError>([&] { tw::space::SearchSpace::load(path("deep_space.json")); });
    EXPECT_CONTAINS(e, path("deep_space.json") + ":1:");
    EXPECT_CONTAINS(e, "nested deeper");
    writeFile(path("deep_spec.json"), "{\"name\": \"x\", \"model\": " + nested(100000) + "}");
    e = errorOf<tw::ParseError>([&] { tw::train::StudySpec::load(path("deep_spec.json")); });
    EXPECT_CONTAINS(e, path("deep_spec.json") + ":1:");
    EXPECT_CONTAINS(e, "nested deeper");
}

void TestHardening::hugeNumbersInFiles()
{
    // "[json.exception.out_of_range.406] number overflow parsing '1e400'", no file.
    writeFile(path("huge_spec.json"), "{\n  \"name\": \"x\",\n  \"training\": {\"lr\": 1e400}\n}");
    const std::string e = errorOf<tw::ParseError>([&] { tw::train::StudySpec::load(path("huge_spec.json")); });
    EXPECT_CONTAINS(e, path("huge_spec.json") + ":3:");
    EXPECT_CONTAINS(e, "the number 1e400 is outside the range of a double");
    QVERIFY2(e.find("json.exception") == std::string::npos, e.c_str());

    const QString s = study("huge_event.jsonl");
    writeFile(s.toStdString(), "{\"event\":\"trial_attrs\",\"number\":0,\"user_attrs\":{\"a\":-1e999}}\n", true);
    const Result r = run({"trials", "--study", s});
    QCOMPARE(r.code, 1);
    EXPECT_CONTAINS(r.err.toStdString(), s.toStdString() + ":4:");
    EXPECT_CONTAINS(r.err.toStdString(), "the number -1e999 is outside the range of a double");
}

void TestHardening::hugeDigitsAreNotZero()
{
    // 1 followed by 400 zeros was recorded as 0.0 and became the best trial.
    const QString big = "1" + QString(400, '0');
    const QString s = study("big.jsonl");
    run({"ask", "--study", s});
    Result r = run({"tell", "--study", s, "--trial", "1", "--value", big});
    QCOMPARE(r.code, 2);
    EXPECT_CONTAINS(r.err.toStdString(), "--value: expected a finite number");
    r = run({"tell", "--study", s, "--trial", "1", "--value", "-" + big + ".5"});
    QCOMPARE(r.code, 2);
    r = run({"best", "--study", s});
    QCOMPARE(r.code, 0);
    QCOMPARE(object(r.out)["value"].toDouble(), 1.0);
    // Tiny values are still zero, as strtod reads them.
    r = run({"tell", "--study", s, "--trial", "1", "--value", "0." + QString(400, '0') + "1"});
    QCOMPARE(r.code, 0);

    // The objective's own output, in tw optimize.
    const QString o = study("big_optimize.jsonl");
    writeFile(path("big.sh"), "#!/bin/sh\necho " + big.toStdString() + "\n");
    QFile::setPermissions(qpath("big.sh"), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    r = run({"optimize", "--study", o, "--trials", "1", "--objective-cmd", qpath("big.sh")});
    const QList<QJsonObject> trials = jsonLines(run({"trials", "--study", o}).out);
    QCOMPARE(trials.size(), 2);
    QCOMPARE(trials[1]["state"].toString(), QString("failed"));
    EXPECT_CONTAINS(QJsonDocument(trials[1]).toJson().toStdString(), "is too large for a double");
    QCOMPARE(object(run({"best", "--study", o}).out)["value"].toDouble(), 1.0);
}

void TestHardening::oneSignAtMost()
{
    const QString s = study("signs.jsonl");
    run({"ask", "--study", s});
    for (const char* text : {"+-2", "++2", "-+2", "+ 2", "2-"}) {
        const Result r = run({"tell", "--study", s, "--trial", "1", "--value", text});
        QVERIFY2(r.code == 2, text);
        EXPECT_CONTAINS(r.err.toStdString(), "--value: expected a finite number");
    }
    QCOMPARE(run({"tell", "--study", s, "--trial", "1", "--value", "+2"}).code, 0);
}

void TestHardening::parameterNamesThatBecomeFileNames()
{
    // A shared study with a parameter named ../../x made the window's "every
    // contour pair into a folder" write outside the folder.
    const auto spaceWith = [](const std::string& name) {
        nlohmann::json j = {{"parameters", {{{"name", name}, {"type", "float"}, {"low", 0}, {"high", 1}}}}};
        return tw::space::SearchSpace::fromJson(j, "space.json");
    };
    for (const auto& [name, rule] : std::vector<std::pair<std::string, std::string>>{
             {"../../x", "must not contain '/'"},
             {"a\\b", "must not contain '/' or '\\'"},
             {"x\x1b[2J", "control characters"},
             {"two\nlines", "control characters"},
             {"bad\xff", "invalid UTF-8"},
             {"..", "must not be '.' or '..'"},
             {std::string(101, 'a'), "101 bytes long (at most 100)"}}) {
        const std::string e = errorOf<std::invalid_argument>([&] { spaceWith(name); });
        EXPECT_CONTAINS(e, "space.json: parameter '");
        EXPECT_CONTAINS(e, rule);
        QVERIFY2(e.find('\x1b') == std::string::npos && e.find('\n') == std::string::npos, e.c_str());
    }
    QCOMPARE(spaceWith("température").size(), size_t(1));
    QCOMPARE(spaceWith("layer1.units").size(), size_t(1));

    // File names built from data stay inside their folder.
    for (const char* name : {"../../x", "/etc/passwd", "..", ".", "", "a b/c", "\x1b[2J"}) {
        const std::string f = tw::safeFileName(name);
        QVERIFY2(!f.empty() && f.find('/') == std::string::npos && f[0] != '.', f.c_str());
        QVERIFY(f != "." && f != "..");
    }
    QCOMPARE(tw::safeFileName("learning_rate-2.5"), std::string("learning_rate-2.5"));
    QCOMPARE(tw::safeFileName(std::string(500, 'x')).size(), size_t(120));
}

void TestHardening::controlCharactersAreEscaped()
{
    QCOMPARE(tw::printable("plain text, UTF-8 é ✓"), std::string("plain text, UTF-8 é ✓"));
    QCOMPARE(tw::printable("a\x1b[2Jb\nc\td\r"), std::string("a\\e[2Jb\\nc\\td\\r"));
    QCOMPARE(tw::printable(std::string("\x01\x7f", 2)), std::string("\\x01\\x7f"));
    QCOMPARE(tw::printable("csi \xc2\x9b"), std::string("csi \\u009b")); // C1 CSI
    QCOMPARE(tw::printable("bad \xff\xc3"), std::string("bad \\xff\\xc3"));

    // An event name holding ESC [2J and a newline, echoed by the replay's
    // message, cleared the screen and split the one-line error.
    const QString s = study("escape.jsonl");
    writeFile(s.toStdString(), "{\"event\":\"x\\u001b[2J\\nINJECTED\",\"number\":0}\n", true);
    const Result r = run({"trials", "--study", s});
    QCOMPARE(r.code, 1);
    QVERIFY2(!r.err.contains('\x1b'), r.err.constData());
    QCOMPARE(r.err.count('\n'), 1); // one line
    EXPECT_CONTAINS(r.err.toStdString(), "x\\e[2J\\nINJECTED");
}

void TestHardening::implausibleTimes()
{
    // A trial time of 1e300 printed a negative year and a negative duration.
    QCOMPARE(tw::study::isoTime(1e300), std::string());
    QCOMPARE(tw::study::isoTime(-5), std::string());
    QCOMPARE(tw::study::isoTime(1.5e9), std::string("2017-07-14T02:40:00.000Z"));
    tw::study::Trial t;
    t.state = tw::study::TrialState::Complete;
    t.startedAt = 1e300;
    t.finishedAt = 1.5e9;
    QVERIFY(!t.duration());
    t.startedAt = 1.5e9 - 2;
    QCOMPARE(*t.duration(), 2.0);
    t.finishedAt = 1.5e9 - 4; // told before asked: clocks of two hosts
    QVERIFY(!t.duration());

    const QString s = study("times.jsonl");
    QFile f(s);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QByteArray text = f.readAll();
    f.close();
    const int asked = text.indexOf("\"event\":\"trial_asked\"");
    const int time = text.indexOf("\"time\":", asked);
    const int end = text.indexOf('}', time);
    text.replace(time, end - time, "\"time\":1e300");
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(text);
    f.close();
    const Result r = run({"export", "--study", s, "--csv", qpath("times.csv")});
    QCOMPARE(r.code, 0);
    QFile csv(qpath("times.csv"));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const QList<QByteArray> rows = csv.readAll().split('\n');
    const QList<QByteArray> header = rows[0].split(','), row = rows[1].split(',');
    QCOMPARE(row.size(), header.size());
    QCOMPARE(row[header.indexOf("state")], QByteArray("complete"));
    QCOMPARE(row[header.indexOf("duration")], QByteArray()); // unknown, not negative
    QCOMPARE(row[header.indexOf("started")], QByteArray());  // unknown, not a negative year
}

/// Processes whose command line is exactly `argv` (NUL-separated).
int processesRunning(const QByteArray& argv)
{
    int n = 0;
    for (const QString& pid : QDir("/proc").entryList(QDir::Dirs))
        if (pid.toInt() > 0) {
            QFile f("/proc/" + pid + "/cmdline");
            if (f.open(QIODevice::ReadOnly) && f.readAll() == argv) ++n;
        }
    return n;
}

void TestHardening::escapedProcessesEndWithTheTrial()
{
    // An objective that starts a setsid child keeping stdout open: the
    // child left the process group, so killing the group missed it and it
    // outlived the trial.
    const QByteArray marker("sleep\0" "217.5\0", 12);
    QCOMPARE(processesRunning(marker), 0);
    const QString s = study("escape_run.jsonl");
    writeFile(path("escape.sh"), "#!/bin/sh\nsetsid sleep 217.5 &\n(setsid sh -c 'sleep 217.5' >/dev/null 2>&1 &)\necho 1\n");
    QFile::setPermissions(qpath("escape.sh"), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    const Result r = run({"optimize", "--study", s, "--trials", "2", "--objective-cmd", qpath("escape.sh")});
    QVERIFY2(r.code == 0, r.err.constData());
    QCOMPARE(jsonLines(run({"trials", "--study", s}).out).size(), 3);
    QCOMPARE(processesRunning(marker), 0);
}

void TestHardening::optimizeFailsOrphanedTrials()
{
    // tw optimize left the trials of a killed run running forever.
    const QString s = study("orphans.jsonl");
    QProcess shell; // asks a trial for itself, then dies
    shell.start("/bin/sh", {"-c", QString(TW_BINARY) + " ask --study " + s + " >/dev/null"});
    QVERIFY(shell.waitForFinished(30000));
    QList<QJsonObject> trials = jsonLines(run({"trials", "--study", s}).out);
    QCOMPARE(trials.size(), 2);
    QCOMPARE(trials[1]["state"].toString(), QString("running"));
    writeFile(path("one.sh"), "#!/bin/sh\necho 1\n");
    QFile::setPermissions(qpath("one.sh"), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    const Result r = run({"optimize", "--study", s, "--trials", "1", "--objective-cmd", qpath("one.sh")});
    QCOMPARE(r.code, 0);
    EXPECT_CONTAINS(r.err.toStdString(), "1 trial(s) left running by a process that died were marked failed");
    trials = jsonLines(run({"trials", "--study", s}).out);
    QCOMPARE(trials.size(), 3);
    QCOMPARE(trials[1]["state"].toString(), QString("failed"));
    EXPECT_CONTAINS(trials[1]["reason"].toString().toStdString(), "abandoned: the process that ran it");
    QCOMPARE(trials[2]["state"].toString(), QString("complete"));
}

void TestHardening::killNineNeverLosesACompletedTrial()
{
    // 20 rounds of tw optimize (2 workers) killed with SIGKILL at a random
    // point: every trial it printed as complete is complete in the file,
    // the numbering has no gap, and the next run cleans up what the killed
    // one left running.
    const QString s = study("kill9.jsonl");
    writeFile(path("slow.sh"), "#!/bin/sh\nsleep 0.05\necho 0.5\n");
    QFile::setPermissions(qpath("slow.sh"), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    QRandomGenerator rng(20261201);
    QSet<int> printedComplete{0};
    int killedWhileRunning = 0;
    for (int round = 0; round < 20; ++round) {
        QProcess p;
        p.start(QStringLiteral(TW_BINARY), {"optimize", "--study", s, "--trials", "100", "--workers", "2",
                                            "--objective-cmd", qpath("slow.sh")});
        QVERIFY(p.waitForStarted(10000));
        QElapsedTimer clock;
        clock.start();
        const qint64 killAfterMs = 30 + qint64(rng.bounded(1000));
        QByteArray out;
        while (clock.elapsed() < killAfterMs && p.state() == QProcess::Running) {
            p.waitForReadyRead(5);
            out += p.readAllStandardOutput();
        }
        if (p.state() == QProcess::Running) ++killedWhileRunning;
        ::kill(pid_t(p.processId()), SIGKILL);
        p.waitForFinished(10000);
        out += p.readAllStandardOutput();
        for (const QJsonObject& line : jsonLines(out))
            if (line.contains("number") && line["state"].toString() == "complete")
                printedComplete.insert(line["number"].toInt());
    }
    QVERIFY(killedWhileRunning >= 15);
    const Result last = run({"optimize", "--study", s, "--trials", "1", "--objective-cmd", qpath("slow.sh")});
    QVERIFY2(last.code == 0, last.err.constData());

    const QList<QJsonObject> trials = jsonLines(run({"trials", "--study", s}).out);
    QVERIFY(trials.size() > printedComplete.size());
    for (int i = 0; i < trials.size(); ++i) {
        QCOMPARE(trials[i]["number"].toInt(), i); // no gap, no duplicate
        QVERIFY2(trials[i]["state"].toString() != "running", qPrintable(QString("trial %1 still running").arg(i)));
    }
    for (int n : printedComplete) {
        QVERIFY2(n < trials.size(), qPrintable(QString("trial %1 printed but missing").arg(n)));
        QCOMPARE(trials[n]["state"].toString(), QString("complete"));
    }
    qInfo("%d rounds killed while running; %d trials printed complete, %d in the file", killedWhileRunning,
          int(printedComplete.size()), int(trials.size()));
}

void TestHardening::objectiveKeepsTheUsersBlasSetting()
{
    // tw restarts itself with one OpenBLAS thread; the objective commands it
    // runs must still see the environment the user gave tw.
    const QString s = study("env.jsonl");
    writeFile(path("env.sh"), "#!/bin/sh\necho \"[${OPENBLAS_NUM_THREADS-unset}][${TW_BLAS_REEXEC-unset}]\" > " +
                                  path("env.txt") + "\necho 1\n");
    QFile::setPermissions(qpath("env.sh"), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    QCOMPARE(run({"optimize", "--study", s, "--trials", "1", "--objective-cmd", qpath("env.sh")}).code, 0);
    QFile f(qpath("env.txt"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll().trimmed(), QByteArray("[unset][unset]"));
}

QTEST_APPLESS_MAIN(TestHardening)
#include "test_hardening.moc"
