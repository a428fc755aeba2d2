// The trials CSV: a user attribute named as a parameter gets its own column
// name, and numbers are written in their shortest round-trip form.
#include "study/export.h"
#include "util/number_text.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

using nlohmann::json;
using namespace tw;

class TestExport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void shortestText();
    void csvColumnsAreUniqueAndNumbersShort();
};

void TestExport::shortestText()
{
    QCOMPARE(tw::shortestText(0.8812), std::string("0.8812"));
    QCOMPARE(tw::shortestText(0.1 + 0.2), std::string("0.30000000000000004")); // a different double
    QCOMPARE(tw::shortestText(3.0), std::string("3"));
    QCOMPARE(tw::shortestText(1e-5), std::string("1e-05"));
    QCOMPARE(tw::shortestText(std::nan("")), std::string("nan"));
    QCOMPARE(std::stod(tw::shortestText(2.0 / 3.0)), 2.0 / 3.0);
}

void TestExport::csvColumnsAreUniqueAndNumbersShort()
{
    const auto space = space::SearchSpace::fromJson(json::parse(R"({"parameters": [
        {"name": "epochs", "type": "int", "low": 1, "high": 20},
        {"name": "learning_rate", "type": "float", "low": 1e-4, "high": 1e-1, "log": true}
    ]})"));
    study::Trial t;
    t.number = 0;
    t.params = {7, 0.0123};
    t.state = study::TrialState::Complete;
    t.value = 0.8812;
    t.startedAt = 100;
    t.finishedAt = 101.5;
    t.userAttrs = {{"epochs", 5}, {"value", "x"}, {"metrics", {{"accuracy", 0.8812}, {"f1", 0.7}}}};
    QTemporaryDir dir;
    const QString path = dir.filePath("trials.csv");
    study::writeTrialsCsv(path.toStdString(), space, {t});
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QStringList lines = QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 2);
    const QStringList header = lines[0].split(',');
    QCOMPARE(header.count("epochs"), 1);
    QCOMPARE(header.indexOf("epochs"), 1);             // the parameter keeps its name
    QCOMPARE(header.count("value"), 1);
    QVERIFY(header.contains("user_attrs.epochs"));
    QVERIFY(header.contains("user_attrs.value"));
    QVERIFY(header.contains("metrics.accuracy"));      // no clash, no prefix
    QCOMPARE(QSet<QString>(header.begin(), header.end()).size(), header.size());
    const QStringList row = lines[1].split(',');
    QCOMPARE(row.size(), header.size());
    QCOMPARE(row[header.indexOf("epochs")], QString("7"));
    QCOMPARE(row[header.indexOf("user_attrs.epochs")], QString("5"));
    QCOMPARE(row[header.indexOf("value")], QString("0.8812"));
    QCOMPARE(row[header.indexOf("metrics.accuracy")], QString("0.8812"));
    QCOMPARE(row[header.indexOf("learning_rate")], QString("0.0123"));
    QCOMPARE(row[header.indexOf("duration")], QString("1.5"));
    QVERIFY(!lines[1].contains("99999"));
}

QTEST_GUILESS_MAIN(TestExport)
#include "test_export.moc"
