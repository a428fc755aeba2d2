// Regression tests for inputs that once crashed the program or were read
// wrong: each names the damage and checks the clear message that replaces it.
#include "core/test_support.h"

#include "space/search_space.h"
#include "train/study_spec.h"
#include "util/errors.h"
#include "util/json_read.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <string>

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

QTEST_APPLESS_MAIN(TestHardening)
#include "test_hardening.moc"
