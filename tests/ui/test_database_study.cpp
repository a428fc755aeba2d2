// The window on a database study that other processes fill: a private
// PostgreSQL server (tests/core/pg_server.h), studies created and filled by
// the real `tw` (tw create, tw worker) and by a Study on its own connection.
// The window is told to poll only every 10 minutes, so a trial that shows up
// was brought by LISTEN/NOTIFY. Also: File > Open database study lists the
// database's studies; Stop for everyone ends a worker in another process;
// Run adds the window as one more worker. Screenshots:
// <build>/screenshots/window_database_study.png, dialog_database_studies.png.
#include "main_window.h"

#include "database_dialog.h"
#include "run/study_controller.h"
#include "run/trial_table_model.h"
#include "run/trial_table_view.h"
#include "pg/pg_storage.h"
#include "study/storage_backend.h"
#include "study/study.h"

#include "core/pg_server.h"
#include "core/spirals_spec.h"
#include "core/tw_process.h"

#include <QAction>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

namespace {

QByteArray readFile(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeFile(const QString& path, const QByteArray& data)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(data);
}

} // namespace

class TestDatabaseStudy : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void windowShowsOtherWorkersTrialsAsTheyCome();
    void dialogListsTheStudies();
    void stopForEveryoneEndsOtherWorkers();
    void runJoinsTheWorkers();
    void cleanupTestCase();

private:
    void needServer()
    {
        if (!_pg || !_pg->ok()) QSKIP(("no PostgreSQL server: " + (_pg ? _pg->error() : std::string("?"))).c_str());
    }
    QString url() const { return QString::fromStdString(_pg->url()); }
    /// tw create --storage URL --study NAME with one float parameter x.
    void createStudy(const QString& name, int trials)
    {
        const TwRun r = twRun({"create", "--storage", url(), "--study", name, "--space", _dir.filePath("space.json"),
                             "--sampler", "random", "--trials", QString::number(trials)});
        QVERIFY2(r.code == 0, r.err.constData());
    }
    std::unique_ptr<PgServer> _pg;
    QTemporaryDir _dir;
};

void TestDatabaseStudy::initTestCase()
{
    tw::pg::registerBackend();
    _pg = std::make_unique<PgServer>();
    // Where Debian's postgresql is installed (scripts/setup.sh installs it), it must come up.
    if (!_pg->ok() && _pg->error().find("not found") == std::string::npos) QFAIL(_pg->error().c_str());
    QVERIFY(_dir.isValid());
    writeFile(_dir.filePath("space.json"), R"({"parameters": [{"name": "x", "type": "float", "low": -1, "high": 1}]})");
    QDir::setCurrent(_dir.path()); // where a database study's models would go (./NAME.models)
}

void TestDatabaseStudy::cleanupTestCase()
{
    _pg.reset();
}

void TestDatabaseStudy::windowShowsOtherWorkersTrialsAsTheyCome()
{
    needServer();
    createStudy("live", 40);
    tw::ui::MainWindow w;
    w.resize(1280, 860);
    w.show();
    w.controller()->setWatchPollSeconds(600); // only a notification can bring a trial in time
    QVERIFY2(w.openDatabaseStudy(url(), "live"), qPrintable(w.lastError()));
    QVERIFY(w.windowTitle().contains("live"));
    QVERIFY(w.windowTitle().contains("postgresql://"));
    QVERIFY(w.controller()->watching());
    QVERIFY(w.controller()->watchHasFeed());
    QVERIFY(w.stopForEveryoneAction()->isEnabled());
    const tw::ui::TrialTableModel* model = w.trialTable()->model();
    QVERIFY(model);
    QCOMPARE(model->rowCount(), 0);

    // Another worker, on its own connection, asks and tells a trial.
    auto other = tw::study::Study::open(tw::study::connectBackend(_pg->url())->study("live", tw::study::StorageBackend::Mode::Open));
    const tw::study::Trial t = other->ask();
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 1, 20000);
    QCOMPARE(model->data(model->index(0, 1)).toString(), QString("running"));
    QCOMPARE(model->data(model->index(0, model->hostColumn())).toString(), QString::fromStdString(tw::study::hostName()));
    other->tell(t.number, tw::study::Outcome::complete(0.25));
    QTRY_COMPARE_WITH_TIMEOUT(model->data(model->index(0, 1)).toString(), QString("complete"), 20000);

    // tw worker processes fill it: every trial they record appears.
    QProcess worker;
    worker.start(QStringLiteral(TW_BINARY), {"worker", "--storage", url(), "--study", "live", "--objective-cmd",
                                             "echo $TW_TRIAL", "--max-trials", "5"});
    QVERIFY(worker.waitForFinished(120000));
    QVERIFY2(worker.exitCode() == 0, worker.readAllStandardError().constData());
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 6, 20000);
    w.refreshViews();
    QCOMPARE(w.controller()->countedTrials(), 6);
    QDir().mkpath(QStringLiteral(TW_BUILD_DIR) + "/screenshots");
    QVERIFY(w.grab().save(QStringLiteral(TW_BUILD_DIR) + "/screenshots/window_database_study.png"));
    w.controller()->close();
}

void TestDatabaseStudy::dialogListsTheStudies()
{
    needServer();
    createStudy("listed", 3);
    tw::ui::DatabaseStudyDialog d(url());
    QSignalSpy listed(&d, &tw::ui::DatabaseStudyDialog::listed);
    QVERIFY(listed.wait(30000));
    QVERIFY(listed.first().first().toInt() >= 1);
    QStringList names;
    for (int r = 0; r < d.table()->rowCount(); ++r) names << d.table()->item(r, 0)->text();
    QVERIFY2(names.contains("listed"), qPrintable(names.join(',')));
    const int row = int(names.indexOf("listed"));
    d.table()->selectRow(row);
    QCOMPARE(d.studyName(), QString("listed"));
    QCOMPARE(d.table()->item(row, 1)->data(Qt::DisplayRole).toInt(), 0); // no trial yet
    d.resize(720, 360);
    QDir().mkpath(QStringLiteral(TW_BUILD_DIR) + "/screenshots");
    QVERIFY(d.grab().save(QStringLiteral(TW_BUILD_DIR) + "/screenshots/dialog_database_studies.png"));

    // Bad URLs are named with the rule they break; nothing is listed.
    tw::ui::DatabaseStudyDialog bad(QStringLiteral("not a url"));
    QSignalSpy failed(&bad, &tw::ui::DatabaseStudyDialog::listed);
    QVERIFY(failed.wait(30000));
    QCOMPARE(failed.first().first().toInt(), -1);
    QVERIFY2(bad.error().contains("is not a storage URL"), qPrintable(bad.error()));
    QCOMPARE(bad.table()->rowCount(), 0);
    tw::ui::DatabaseStudyDialog secret(QStringLiteral("postgresql://tw:hunter2@localhost/postgres"));
    QSignalSpy refused(&secret, &tw::ui::DatabaseStudyDialog::listed);
    QVERIFY(refused.wait(30000));
    QVERIFY2(secret.error().contains("pgpass") && !secret.error().contains("hunter2"), qPrintable(secret.error()));
}

void TestDatabaseStudy::stopForEveryoneEndsOtherWorkers()
{
    needServer();
    createStudy("stopall", 1000);
    tw::ui::MainWindow w;
    w.controller()->setWatchPollSeconds(600);
    QVERIFY2(w.openDatabaseStudy(url(), "stopall"), qPrintable(w.lastError()));
    // A worker in another process with a budget of 1000 trials to go.
    QProcess worker;
    worker.start(QStringLiteral(TW_BINARY), {"worker", "--storage", url(), "--study", "stopall", "--objective-cmd",
                                             "sleep 0.1; echo 1"});
    QVERIFY(worker.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(w.controller()->countedTrials() >= 2, 60000);
    QVERIFY(w.stopForEveryone(false));
    // It finishes its trial and stops: the study's budget is met.
    QVERIFY(worker.waitForFinished(60000));
    QCOMPARE(worker.exitCode(), 0);
    const auto lines = jsonObjects(worker.readAllStandardOutput());
    QVERIFY(!lines.isEmpty());
    QVERIFY2(lines.last()["budget"].toString().contains("trials counted"),
             QJsonDocument(lines.last()).toJson().constData());
    const TwRun b = twRun({"budget", "--storage", url(), "--study", "stopall"});
    QCOMPARE(b.code, 0);
    const QJsonObject budget = jsonObject(b.out);
    const int limit = budget["budget"].toObject()["trials"].toInt();
    QVERIFY(limit >= 2 && limit < 1000);
    // The trial in flight when it stopped still counts: at most one over.
    QVERIFY(budget["counted"].toInt() <= limit + 1);
    w.controller()->close();
}

void TestDatabaseStudy::runJoinsTheWorkers()
{
    needServer();
    // A spec study created by a tw worker (one trial), then the window runs
    // the rest of its budget as one more worker.
    nlohmann::json spec = spiralsSpecJson("spirals-db", 2);
    spec["budget"] = {{"trials", 3}};
    writeFile(_dir.filePath("spec.json"), QByteArray::fromStdString(spec.dump()));
    const TwRun first = twRun({"worker", "--storage", url(), "--study", "joined", "--spec", _dir.filePath("spec.json"),
                             "--max-trials", "1"}, 300000);
    QVERIFY2(first.code == 0, first.err.constData());
    tw::ui::MainWindow w;
    QVERIFY2(w.openDatabaseStudy(url(), "joined"), qPrintable(w.lastError()));
    QVERIFY(w.controller()->canTrain());
    QCOMPARE(w.controller()->countedTrials(), 1);
    QVERIFY(w.runAction()->isEnabled());
    w.run();
    QVERIFY2(w.controller()->running(), qPrintable(w.lastError()));
    w.controller()->waitForIdle();
    QTRY_COMPARE_WITH_TIMEOUT(w.controller()->countedTrials(), 3, 20000);
    // Its trials are in the database, recorded with their host and device.
    const TwRun r = twRun({"export", "--storage", url(), "--study", "joined", "--json", _dir.filePath("joined.json")});
    QVERIFY2(r.code == 0, r.err.constData());
    const QJsonArray trials = QJsonDocument::fromJson(readFile(_dir.filePath("joined.json"))).array();
    QCOMPARE(trials.size(), 3);
    for (const auto& v : trials) {
        const QJsonObject t = v.toObject();
        QCOMPARE(t["state"].toString(), QString("complete"));
        QCOMPARE(t["host"].toString(), QString::fromStdString(tw::study::hostName()));
        QVERIFY(!t["user_attrs"].toObject()["device"].toString().isEmpty());
    }
    w.controller()->close();
}

QTEST_MAIN(TestDatabaseStudy)
#include "test_database_study.moc"
