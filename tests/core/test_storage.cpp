// Study storages: one conformance scenario run on memory, a journal file and
// PostgreSQL (a private server this test starts); URLs and their passwords;
// the PostgreSQL schema, concurrency, a study deleted or a server restarted
// under a running study; and the command line with --storage.
#include "core/pg_server.h"
#include "core/tw_process.h"
#include "core/test_support.h"

#include "pg/pg_storage.h"
#include "sampler/sampler.h"
#include "study/export.h"
#include "study/heartbeat.h"
#include "study/storage_backend.h"
#include "study/study.h"

#include <libpq-fe.h>
#include <signal.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <chrono>
#include <thread>

using namespace tw;
using nlohmann::json;

namespace {

study::StudyConfig configFor(const std::string& sampler = "random")
{
    study::StudyConfig c;
    c.name = "conformance";
    c.space = space::SearchSpace::fromJson(json::parse(R"({"parameters": [
        {"name": "x", "type": "float", "low": -2, "high": 2},
        {"name": "lr", "type": "float", "low": 1e-4, "high": 1, "log": true},
        {"name": "opt", "type": "categorical", "choices": ["adam", "sgd"]}]})"));
    c.sampler.name = sampler;
    c.sampler.seed = 7;
    return c;
}

/// Every trial as the exports show it, without the times and the process
/// (which differ from one run to the next).
json stateOf(study::Study& s)
{
    json all = json::array();
    for (const auto& t : s.trials()) {
        json j = study::trialJson(s.space(), t);
        j.erase("duration");
        json curve = json::array();
        for (const auto& iv : t.intermediate) curve.push_back({iv.step, iv.value});
        j["curve"] = curve;
        j["attrs"] = t.userAttrs;
        j["sampler"] = t.samplerInfo;
        all.push_back(j);
    }
    return json{{"trials", all}, {"attrs", s.config().userAttrs}, {"revision", s.revision()}};
}

/// The same calls on any storage: what every storage must do alike.
void scenario(study::Study& s)
{
    const auto t0 = s.ask();
    const auto t1 = s.ask();
    s.report(t0.number, 1, 0.9);
    s.report(t0.number, 2, 0.7);
    s.tell(t0.number, study::Outcome::complete(0.5));
    s.tell(t1.number, study::Outcome::failed("diverged"));
    const auto t2 = s.enqueue({0.25, 0.01, 1});
    s.setUserAttrs(t2.number, json{{"device", "cpu"}, {"epochs", 3}});
    s.tell(t2.number, study::Outcome::pruned("median rule"));
    s.updateUserAttrs(json{{"note", "resumed"}});
    const auto t3 = s.ask();
    s.tell(t3.number, study::Outcome::complete(-1.25));
    s.ask(); // left running
}

std::string readAll(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// Runs one SQL statement as the test's own client (not the product's code).
std::string sql(const std::string& url, const std::string& statement)
{
    PGconn* c = PQconnectdb(url.c_str());
    std::string out;
    if (PQstatus(c) == CONNECTION_OK) {
        PGresult* r = PQexec(c, statement.c_str());
        if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0) out = PQgetvalue(r, 0, 0);
        else if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
            out = std::string("ERROR ") + PQresultErrorMessage(r);
        PQclear(r);
    } else {
        out = std::string("ERROR ") + PQerrorMessage(c);
    }
    PQfinish(c);
    return out;
}

/// A sampler that waits at a gate inside suggest(): while it waits, the test
/// does what other workers would. Records how many trials (and pending ones)
/// each call saw.
struct Gate {
    std::mutex mutex;
    std::condition_variable changed;
    int waiting = 0;
    bool open = false;
    std::vector<std::pair<int, int>> seen; // (trials, pending) per call
};
Gate gate;

class GatedSampler : public sampler::Sampler {
public:
    sampler::Suggestion suggest(const sampler::History& h, int number) const override
    {
        int pending = 0;
        for (const auto& t : h.trials) pending += t.state == study::TrialState::Running;
        std::unique_lock lock(gate.mutex);
        gate.seen.emplace_back(int(h.trials.size()), pending);
        ++gate.waiting;
        gate.changed.notify_all();
        gate.changed.wait(lock, [] { return gate.open; });
        --gate.waiting;
        return {{0.001 * number, 0.01, 0}, json::object()};
    }
};

bool waitFor(const std::function<bool()>& condition)
{
    // Liveness, not timing: a generous bound so that a deadlock fails the
    // test instead of hanging it.
    std::unique_lock lock(gate.mutex);
    return gate.changed.wait_for(lock, std::chrono::seconds(60), condition);
}

} // namespace

class TestStorage : public QObject {
    Q_OBJECT

    std::unique_ptr<PgServer> _pg;
    QTemporaryDir _dir;
    int _studies = 0;

    std::string file(const std::string& name) const { return _dir.filePath(QString::fromStdString(name)).toStdString(); }
    std::string freshName() { return "study-" + std::to_string(++_studies); }
    void needServer()
    {
        if (!_pg || !_pg->ok()) QSKIP(("no PostgreSQL server: " + (_pg ? _pg->error() : std::string("?"))).c_str());
    }
    std::unique_ptr<study::StorageBackend> backend() { return study::connectBackend(_pg->url()); }

private Q_SLOTS:
    void initTestCase()
    {
        pg::registerBackend();
        QVERIFY(_dir.isValid());
        _pg = std::make_unique<PgServer>();
        // Installed (scripts/setup.sh) but not starting is a failure, not a skip.
        if (!_pg->ok() && _pg->error().find("not found") == std::string::npos) QFAIL(_pg->error().c_str());
    }

    void urls();
    void conformance_data();
    void conformance();
    void secondHandleSeesAppends();
    void copyRoundTripIsByteIdentical();
    void schemaCreatedOnceAndVersionChecked();
    void namesListAndRemove();
    void concurrentWorkersGetUniqueTrials();
    void failureKindsRecordedAndReplayed();
    void epochsAppendOnlyWhatIsNew();
    void heartbeatsAndStaleTrials();
    void askSamplesOutsideTheLock_data();
    void askSamplesOutsideTheLock();
    void deletedStudyStopsWriters();
    void serverRestartReconnects();
    void commandLine();
    void workersShareTheBudget();
};

void TestStorage::urls()
{
    QCOMPARE(study::redactUrl("postgresql://u:secret@h:5432/db"), std::string("postgresql://u@h:5432/db"));
    QCOMPARE(study::redactUrl("postgresql://u@h/db?password=x&sslmode=require"),
             std::string("postgresql://u@h/db?sslmode=require"));
    QCOMPARE(study::redactUrl("postgresql://u@h/db?sslmode=require&password=x"),
             std::string("postgresql://u@h/db?sslmode=require"));
    QCOMPARE(study::redactUrl("postgresql://h/db"), std::string("postgresql://h/db"));
    QVERIFY(study::urlHasPassword("postgresql://u:p@h/db"));
    QVERIFY(study::urlHasPassword("postgres://h/db?password=p"));
    QVERIFY(!study::urlHasPassword("postgresql://u@h:5432/db"));
    QVERIFY(study::looksLikeUrl("postgresql://h/db"));
    QVERIFY(!study::looksLikeUrl("runs/study.jsonl"));
    QVERIFY(!study::looksLikeUrl("a b://c"));

    const std::string pw = errorOf<std::invalid_argument>([] { study::connectBackend("postgresql://u:hunter2@h/db"); });
    EXPECT_CONTAINS(pw, "the URL holds a password");
    EXPECT_CONTAINS(pw, "~/.pgpass");
    QVERIFY2(pw.find("hunter2") == std::string::npos, pw.c_str());
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([] { study::connectBackend("mysql://h/db"); }),
                    "unknown storage 'mysql://' (known: postgres://, postgresql://)");
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([] { study::checkStudyName(""); }), "must not be empty");
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([] { study::checkStudyName("a\x1b[2J"); }),
                    "must not contain control characters");
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([] { study::checkStudyName(std::string(201, 'a')); }),
                    "201 bytes long (at most 200)");
    // A server that is not there: unavailable (workers retry), naming the URL.
    const std::string down = errorOf<study::StorageUnavailableError>(
        [this] { study::connectBackend("postgresql://tw@/postgres?host=" + file("nothing-here")); });
    EXPECT_CONTAINS(down, "cannot connect");
}

void TestStorage::conformance_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("memory") << "memory";
    QTest::newRow("file") << "file";
    QTest::newRow("postgresql") << "postgresql";
}

void TestStorage::conformance()
{
    QFETCH(QString, kind);
    auto reference = study::Study::createInMemory(configFor());
    scenario(*reference);
    const json expected = stateOf(*reference);

    std::unique_ptr<study::Study> s;
    std::function<std::unique_ptr<study::Study>()> reopen;
    if (kind == "memory") {
        s = study::Study::createInMemory(configFor());
    } else if (kind == "file") {
        const std::string path = file(freshName() + ".jsonl");
        s = study::Study::createFile(path, configFor());
        reopen = [path] { return study::Study::openFile(path); };
    } else {
        needServer();
        const std::string name = freshName();
        s = study::Study::create(backend()->study(name, study::StorageBackend::Mode::Create), configFor());
        reopen = [this, name] { return study::Study::open(backend()->study(name, study::StorageBackend::Mode::Open)); };
    }
    scenario(*s);
    QCOMPARE(stateOf(*s).dump(2), expected.dump(2));
    if (reopen) {
        auto again = reopen();
        QCOMPARE(stateOf(*again).dump(2), expected.dump(2));
        // Told twice: refused with the trial's state, on every storage alike.
        EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { again->tell(0, study::Outcome::complete(1)); }),
                        "trial 0 is already complete");
        EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { again->report(9, 1, 1.0); }),
                        "trial 9 does not exist (the study has 5 trials)");
    }
}

void TestStorage::secondHandleSeesAppends()
{
    needServer();
    const std::string name = freshName();
    auto a = study::Study::create(backend()->study(name, study::StorageBackend::Mode::Create), configFor());
    auto b = study::Study::open(backend()->study(name, study::StorageBackend::Mode::Open));
    const auto t = a->ask();
    QCOMPARE(b->trials().size(), size_t(1));
    b->tell(t.number, study::Outcome::complete(3.0));
    QVERIFY(a->trial(t.number)->state == study::TrialState::Complete);
    QCOMPARE(*a->bestTrial()->value, 3.0);
    // Creating it again is refused, naming the study; nothing is overwritten.
    EXPECT_CONTAINS(errorOf<IoError>([&] { backend()->study(name, study::StorageBackend::Mode::Create); }),
                    "a study named '" + name + "' already exists");
    EXPECT_CONTAINS(errorOf<IoError>([&] { backend()->study("nope", study::StorageBackend::Mode::Open); }),
                    "no study named 'nope' (`tw studies --storage URL` lists them)");
}

void TestStorage::copyRoundTripIsByteIdentical()
{
    needServer();
    const std::string path = file(freshName() + ".jsonl");
    {
        auto s = study::Study::createFile(path, configFor("gp"));
        scenario(*s);
        // Text that SQL or COPY would mangle if pasted: quotes, backslashes, tabs.
        s->updateUserAttrs(json{{"quote", "it's \"x\" \\ \t done; DROP TABLE tw_events;"}});
    }
    const std::string original = readAll(path);
    const long long lines = std::count(original.begin(), original.end(), '\n');
    const std::string name = freshName();
    auto b = backend();
    {
        study::JournalStorage from(path, study::JournalStorage::Mode::Open);
        auto to = b->study(name, study::StorageBackend::Mode::Create);
        QCOMPARE(study::copyEvents(from, *to), lines);
    }
    auto fromFile = study::Study::openFile(path);
    auto fromDb = study::Study::open(b->study(name, study::StorageBackend::Mode::Open));
    QCOMPARE(stateOf(*fromDb).dump(), stateOf(*fromFile).dump());
    // Continued on the database, then copied back: the file is the original
    // byte for byte, then the new events.
    fromDb->tell(fromDb->ask().number, study::Outcome::complete(0.125));
    const std::string back = file(freshName() + ".jsonl");
    {
        auto to = std::make_unique<study::JournalStorage>(back, study::JournalStorage::Mode::Create);
        auto from = b->study(name, study::StorageBackend::Mode::Open);
        QCOMPARE(study::copyEvents(*from, *to), lines + 2);
    }
    const std::string copied = readAll(back);
    QCOMPARE(copied.substr(0, original.size()), original);
    QCOMPARE((long long)std::count(copied.begin(), copied.end(), '\n'), lines + 2);
    QCOMPARE(stateOf(*study::Study::openFile(back)).dump(), stateOf(*fromDb).dump());
    // A target that holds events is refused.
    auto again = b->study(freshName(), study::StorageBackend::Mode::Create);
    study::JournalStorage from(path, study::JournalStorage::Mode::Open);
    study::copyEvents(from, *again);
    study::JournalStorage from2(path, study::JournalStorage::Mode::Open);
    EXPECT_CONTAINS(errorOf<IoError>([&] { study::copyEvents(from2, *again); }), "not empty; refusing to copy");
}

void TestStorage::schemaCreatedOnceAndVersionChecked()
{
    needServer();
    const std::string url = _pg->url("schema_test");
    QCOMPARE(sql(_pg->url(), "CREATE DATABASE schema_test"), std::string());
    // Many processes connecting to a new database at once create it once.
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int i = 0; i < 4; ++i)
        threads.emplace_back([&] {
            try {
                study::connectBackend(url);
            } catch (const std::exception&) {
                ++failures;
            }
        });
    for (auto& t : threads) t.join();
    QCOMPARE(failures.load(), 0);
    QCOMPARE(sql(url, "SELECT count(*) || ':' || max(version) FROM tw_schema"),
             "1:" + std::to_string(pg::kSchemaVersion));
    // A database written by a newer tw is refused, saying which version.
    sql(url, "UPDATE tw_schema SET version = 99");
    const std::string newer = errorOf<IoError>([&] { study::connectBackend(url); });
    EXPECT_CONTAINS(newer, "the database holds tw schema version 99, newer than this tw reads (version " +
                               std::to_string(pg::kSchemaVersion) + ")");
    sql(url, "UPDATE tw_schema SET version = " + std::to_string(pg::kSchemaVersion));
    study::connectBackend(url);
}

void TestStorage::namesListAndRemove()
{
    needServer();
    const std::string url = _pg->url("list_test");
    sql(_pg->url(), "CREATE DATABASE list_test");
    auto b = study::connectBackend(url);
    QVERIFY(b->list().empty());
    // A name SQL would choke on if it were pasted into a statement.
    const std::string odd = "Robert'); DROP TABLE tw_studies;--";
    auto s = study::Study::create(b->study(odd, study::StorageBackend::Mode::Create), configFor());
    s->tell(s->ask().number, study::Outcome::complete(1));
    study::Study::create(b->study("alpha", study::StorageBackend::Mode::Create), configFor());
    const auto all = b->list();
    QCOMPARE(all.size(), size_t(2));
    QCOMPARE(all[0].name, odd); // 'R' sorts before 'a' in the C locale
    QCOMPARE(all[0].events, 3LL);
    QCOMPARE(all[1].name, std::string("alpha"));
    QVERIFY(all[0].updatedAt >= all[0].createdAt);
    QVERIFY(b->remove(odd));
    QVERIFY(!b->remove(odd));
    QCOMPARE(b->list().size(), size_t(1));
    QCOMPARE(sql(url, "SELECT count(*) FROM tw_events"), std::string("1")); // the rest went with it
    // A study whose creation fails leaves no study behind.
    study::StudyConfig bad = configFor();
    bad.userAttrs = json::array();
    errorOf<std::invalid_argument>([&] { study::Study::create(b->study("bad", study::StorageBackend::Mode::Create), bad); });
    QCOMPARE(b->list().size(), size_t(1));
}

void TestStorage::concurrentWorkersGetUniqueTrials()
{
    needServer();
    const std::string name = freshName();
    study::Study::create(backend()->study(name, study::StorageBackend::Mode::Create), configFor());
    constexpr int kWorkers = 4, kEach = 25;
    std::vector<std::vector<int>> numbers(kWorkers);
    std::atomic<int> errors{0};
    std::vector<std::thread> threads;
    for (int w = 0; w < kWorkers; ++w)
        threads.emplace_back([&, w] {
            try {
                auto s = study::Study::open(backend()->study(name, study::StorageBackend::Mode::Open));
                for (int i = 0; i < kEach; ++i) {
                    const auto t = s->ask();
                    numbers[size_t(w)].push_back(t.number);
                    s->report(t.number, 1, t.params[0]);
                    s->tell(t.number, study::Outcome::complete(t.params[0] * t.params[0]));
                }
            } catch (const std::exception& e) {
                qWarning("worker: %s", e.what());
                ++errors;
            }
        });
    for (auto& t : threads) t.join();
    QCOMPARE(errors.load(), 0);
    std::set<int> unique;
    for (const auto& v : numbers) unique.insert(v.begin(), v.end());
    QCOMPARE(int(unique.size()), kWorkers * kEach);
    QCOMPARE(*unique.begin(), 0);
    QCOMPARE(*unique.rbegin(), kWorkers * kEach - 1);
    auto s = study::Study::open(backend()->study(name, study::StorageBackend::Mode::Open));
    std::set<std::vector<double>> points;
    for (const auto& t : s->trials()) {
        QVERIFY(t.state == study::TrialState::Complete);
        QCOMPARE(t.intermediate.size(), size_t(1));
        points.insert(t.params);
    }
    QCOMPARE(int(points.size()), kWorkers * kEach);
}

void TestStorage::failureKindsRecordedAndReplayed()
{
    const std::string path = file(freshName() + ".jsonl");
    {
        auto s = study::Study::createFile(path, configFor());
        for (int i = 0; i < 4; ++i) s->ask();
        s->tell(0, study::Outcome::failed("loss is nan at epoch 3", study::FailureKind::Nan));
        s->tell(1, study::Outcome::failed("no heartbeat", study::FailureKind::Stale));
        s->tell(2, study::Outcome::pruned("below the median"));
        s->tell(3, study::Outcome::failed("boom")); // the default kind
    }
    // As a file written before kinds existed: no "kind", only reasons.
    {
        std::ofstream out(path, std::ios::app);
        out << R"({"event":"trial_asked","number":4,"params":{"x":0,"lr":0.1,"opt":"adam"},"time":1})" << "\n"
            << R"({"event":"trial_told","number":4,"state":"failed","reason":"interrupted","time":2})" << "\n"
            << R"({"event":"trial_asked","number":5,"params":{"x":0,"lr":0.1,"opt":"adam"},"time":1})" << "\n"
            << R"({"event":"trial_told","number":5,"state":"failed","reason":"trial 5: timed out after 60 s","time":2})"
            << "\n";
    }
    auto s = study::Study::openFile(path);
    const auto t = s->trials();
    using K = study::FailureKind;
    const std::vector<K> expected{K::Nan, K::Stale, K::Pruned, K::Exception, K::Interrupted, K::Timeout};
    QCOMPARE(t.size(), expected.size());
    for (size_t i = 0; i < t.size(); ++i)
        QVERIFY2(t[i].kind == expected[i], (std::to_string(i) + ": " + study::toString(t[i].kind)).c_str());
    QVERIFY(study::cutShort(K::Stale) && study::cutShort(K::Interrupted) && !study::cutShort(K::Nan));
    QCOMPARE(study::trialJson(s->space(), t[0])["kind"].get<std::string>(), std::string("nan"));
    // An unknown kind names the line and the known ones.
    {
        std::ofstream out(path, std::ios::app);
        out << R"({"event":"trial_asked","number":6,"params":{"x":0,"lr":0.1,"opt":"adam"},"time":1})" << "\n"
            << R"({"event":"trial_told","number":6,"state":"failed","kind":"gremlins","time":2})" << "\n";
    }
    const std::string bad = errorOf<ParseError>([&] { study::Study::openFile(path); });
    EXPECT_CONTAINS(bad, path + ":15: unknown failure kind 'gremlins' (expected none, exception, nan,");
}

void TestStorage::epochsAppendOnlyWhatIsNew()
{
    const std::string path = file(freshName() + ".jsonl");
    auto s = study::Study::createFile(path, configFor());
    const int n = s->ask().number;
    const auto size = [&] { return readAll(path).size(); };
    std::vector<size_t> sizes{size()};
    for (int epoch = 1; epoch <= 30; ++epoch) {
        s->reportEpoch(n, epoch, 0.5,
                       json{{"epoch", epoch}, {"train_loss", 0.5}, {"validation", {{"accuracy", 0.75}}}});
        sizes.push_back(size());
    }
    // Each epoch adds one line of the same length, give or take digits (the
    // epoch and step, 1 more each, and the event's time, whose printed
    // digits vary by up to 7), never the whole curve again (that grew by
    // one ~60-byte record per epoch).
    const size_t first = sizes[1] - sizes[0], last = sizes[30] - sizes[29];
    QVERIFY2(last < first + 12, (std::to_string(first) + " then " + std::to_string(last) + " bytes").c_str());
    auto again = study::Study::openFile(path);
    const auto t = *again->trial(n);
    QCOMPARE(t.intermediate.size(), size_t(30));
    QCOMPARE(t.userAttrs["curve"].size(), size_t(30));
    QCOMPARE(t.userAttrs["curve"][29]["epoch"].get<int>(), 30);
    QCOMPARE(t.intermediate[29].step, 30);
    // A finished trial takes no more epochs.
    s->tell(n, study::Outcome::complete(1));
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { s->reportEpoch(n, 31, 1.0, json::object()); }),
                    "trial 0 is not running (it is complete)");
}

void TestStorage::heartbeatsAndStaleTrials()
{
    const std::string path = file(freshName() + ".jsonl");
    auto worker = study::Study::createFile(path, configFor());
    auto watcher = study::Study::openFile(path);
    const int byHand = worker->ask().number; // no promise: never stale
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { worker->promiseHeartbeats(5, 1); }),
                    "expected 0 < interval < grace");
    worker->promiseHeartbeats(0.1, 2.0);
    const auto t = worker->ask();
    QCOMPARE(t.heartbeatInterval, 0.1);
    QCOMPARE(t.heartbeatGrace, 2.0);
    QVERIFY(!study::isStale(t, t.lastSeenAt + 1.9));
    QVERIFY(study::isStale(t, t.lastSeenAt + 2.1));
    QVERIFY(!study::isStale(*watcher->trial(byHand), 1e12));
    worker->heartbeat({t.number});
    QVERIFY(watcher->trial(t.number)->lastSeenAt > t.lastSeenAt);
    {
        // A live worker's trial is never failed, however long it runs.
        study::HeartbeatThread beats(*worker, 0.1, 2.0);
        beats.add(t.number);
        std::this_thread::sleep_for(std::chrono::milliseconds(2500));
        QCOMPARE(study::failOrphans(*watcher), 0);
        QVERIFY(beats.lastError().empty());
    } // the worker "dies": no more heartbeats
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    QCOMPARE(study::failStale(*watcher, /*retry=*/true), 1);
    const auto failed = *watcher->trial(t.number);
    QVERIFY(failed.state == study::TrialState::Failed);
    QVERIFY(failed.kind == study::FailureKind::Stale);
    EXPECT_CONTAINS(failed.reason, "stale: no heartbeat from host " + study::hostName() + " since ");
    EXPECT_CONTAINS(failed.reason, "(grace 2 s)");
    // Retried: the same parameters again, saying which trial it repeats.
    const auto retried = watcher->trials().back();
    QCOMPARE(retried.params, t.params);
    QCOMPARE(retried.userAttrs["retry_of"].get<int>(), t.number);
    QVERIFY(watcher->trial(byHand)->state == study::TrialState::Running);
    // Its worker was only cut off: its result, when it comes, still counts.
    worker->tell(t.number, study::Outcome::complete(0.5));
    QVERIFY(watcher->trial(t.number)->state == study::TrialState::Complete);
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { worker->tell(t.number, study::Outcome::complete(0.7)); }),
                    "is already complete");
}

void TestStorage::askSamplesOutsideTheLock_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("file") << "file";
    QTest::newRow("postgresql") << "postgresql";
}

void TestStorage::askSamplesOutsideTheLock()
{
    QFETCH(QString, kind);
    sampler::registerSampler("test_gated", [](const sampler::SamplerConfig&) { return std::make_unique<GatedSampler>(); });
    {
        std::lock_guard lock(gate.mutex);
        gate.waiting = 0;
        gate.open = false;
        gate.seen.clear();
    }
    study::StudyConfig config = configFor("test_gated");
    std::function<std::unique_ptr<study::Study>()> open;
    if (kind == "file") {
        const std::string path = file(freshName() + ".jsonl");
        study::Study::createFile(path, config);
        open = [path] { return study::Study::openFile(path); };
    } else {
        needServer();
        const std::string name = freshName();
        study::Study::create(backend()->study(name, study::StorageBackend::Mode::Create), config);
        open = [this, name] { return study::Study::open(backend()->study(name, study::StorageBackend::Mode::Open)); };
    }
    auto worker = open(), other = open();
    const int first = worker->enqueue({0.5, 0.1, 1}).number;

    // Two asks think at once: one on a shared object (another thread of this
    // process), one on its own (another process).
    std::thread a([&] { worker->ask(); });
    std::thread b([&] { other->ask(); });
    QVERIFY(waitFor([] { return gate.waiting == 2; }));
    // Meanwhile, on both objects: tell and report go through, nobody waits
    // for the sampler.
    std::atomic<bool> told{false};
    std::thread c([&] {
        worker->report(first, 1, 0.3);
        other->tell(first, study::Outcome::complete(0.25));
        worker->trials();
        told = true;
        gate.changed.notify_all();
    });
    QVERIFY(waitFor([&] { return told.load(); }));
    {
        std::lock_guard lock(gate.mutex);
        gate.open = true;
    }
    gate.changed.notify_all();
    a.join();
    b.join();
    c.join();
    // Both sampled from 1 trial; the second to record saw the first's trial
    // asked meanwhile and sampled again with it pending.
    const auto trials = open()->trials();
    QCOMPARE(trials.size(), size_t(3));
    QVERIFY(trials[0].state == study::TrialState::Complete);
    QCOMPARE(trials[0].intermediate.size(), size_t(1));
    QCOMPARE(int(gate.seen.size()), 3);
    QCOMPARE(gate.seen[0].first, 1);
    QCOMPARE(gate.seen[1].first, 1);
    QCOMPARE(gate.seen[2], std::make_pair(2, 1)); // trial 1 pending
    QVERIFY(trials[1].params != trials[2].params);
    QVERIFY(!trials[1].samplerInfo.contains("snapshot_trials"));
    QVERIFY(!trials[2].samplerInfo.contains("snapshot_trials"));
}

void TestStorage::deletedStudyStopsWriters()
{
    needServer();
    const std::string name = freshName();
    auto s = study::Study::create(backend()->study(name, study::StorageBackend::Mode::Create), configFor());
    const auto t = s->ask();
    QVERIFY(backend()->remove(name));
    EXPECT_CONTAINS(errorOf<IoError>([&] { s->tell(t.number, study::Outcome::complete(1)); }),
                    "study '" + name + "': the study was deleted meanwhile; nothing written");
}

void TestStorage::serverRestartReconnects()
{
    needServer();
    const std::string name = freshName();
    auto s = study::Study::create(backend()->study(name, study::StorageBackend::Mode::Create), configFor());
    const auto t = s->ask();
    _pg->stop();
    const std::string down =
        errorOf<study::StorageUnavailableError>([&] { s->tell(t.number, study::Outcome::complete(2)); });
    EXPECT_CONTAINS(down, "study '" + name + "'");
    QVERIFY2(_pg->start(), _pg->error().c_str());
    // The same object reconnects; nothing was recorded by the failed call.
    QVERIFY(s->trial(t.number)->state == study::TrialState::Running);
    s->tell(t.number, study::Outcome::complete(2));
    QCOMPARE(*s->bestTrial()->value, 2.0);
}

void TestStorage::commandLine()
{
    needServer();
    const QString url = QString::fromStdString(_pg->url());
    const QString space = _dir.filePath("space.json");
    std::ofstream(space.toStdString()) << R"({"parameters": [{"name": "x", "type": "float", "low": -1, "high": 1}]})";
    TwRun r = twRun({"create", "--storage", url, "--study", "cli", "--space", space, "--sampler", "random"});
    QVERIFY2(r.code == 0, r.err.constData());
    const QJsonObject created = jsonObject(r.out);
    QCOMPARE(created["study"].toString(), QString("cli"));
    QCOMPARE(created["storage"].toString(), url);
    QCOMPARE(created["name"].toString(), QString("cli"));

    // Four workers at once through tw ask / tw tell.
    QList<QProcess*> workers;
    const QString loop = QString("for i in 1 2 3 4 5; do out=$(\"%1\" ask --storage '%2' --study cli) || exit 1; "
                                 "n=$(echo \"$out\" | sed 's/.*\"number\":\\([0-9]*\\).*/\\1/'); "
                                 "\"%1\" tell --storage '%2' --study cli --trial $n --value $i >/dev/null || exit 1; done")
                             .arg(TW_BINARY, url);
    for (int i = 0; i < 4; ++i) {
        auto* p = new QProcess(this);
        p->start("/bin/sh", {"-c", loop});
        workers << p;
    }
    for (QProcess* p : workers) {
        QVERIFY(p->waitForFinished(120000));
        QVERIFY2(p->exitCode() == 0, p->readAllStandardError().constData());
    }
    r = twRun({"trials", "--storage", url, "--study", "cli"});
    QCOMPARE(r.code, 0);
    const auto trials = jsonObjects(r.out);
    QCOMPARE(trials.size(), 20);
    for (const auto& t : trials) QCOMPARE(t["state"].toString(), QString("complete"));
    std::set<int> numbers;
    for (const auto& t : trials) numbers.insert(t["number"].toInt());
    QCOMPARE(int(numbers.size()), 20);

    // A failure's kind, as a worker script says it.
    r = twRun({"ask", "--storage", url, "--study", "cli"});
    const int extra = jsonObject(r.out)["number"].toInt();
    r = twRun({"tell", "--storage", url, "--study", "cli", "--trial", QString::number(extra), "--failed", "--kind", "none"});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("--kind: 'none' is not a kind of failure"), r.err.constData());
    r = twRun({"tell", "--storage", url, "--study", "cli", "--trial", QString::number(extra), "--failed", "--kind", "stale",
               "--reason", "lost"});
    QVERIFY2(r.code == 0, r.err.constData());
    QCOMPARE(jsonObject(r.out)["kind"].toString(), QString("stale"));

    r = twRun({"studies", "--storage", url});
    QCOMPARE(r.code, 0);
    bool listed = false;
    for (const auto& s : jsonObjects(r.out))
        if (s["name"].toString() == "cli") {
            listed = true;
            QCOMPARE(s["trials"].toInt(), 21);
            QCOMPARE(s["complete"].toInt(), 20);
            QCOMPARE(s["best"].toDouble(), 1.0);
        }
    QVERIFY(listed);

    // Into a file and back under another name; the file works like any study file.
    const QString copy = _dir.filePath("cli-copy.jsonl");
    r = twRun({"copy", "--from", url, "--name", "cli", "--to", copy});
    QVERIFY2(r.code == 0, r.err.constData());
    QCOMPARE(jsonObject(r.out)["trials"].toInt(), 21);
    r = twRun({"best", "--study", copy});
    QCOMPARE(r.code, 0);
    QCOMPARE(jsonObject(r.out)["value"].toDouble(), 1.0);
    r = twRun({"copy", "--from", copy, "--to", url, "--name", "cli"});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("a study named 'cli' already exists"), r.err.constData());
    r = twRun({"copy", "--from", copy, "--to", url, "--name", "cli-2"});
    QVERIFY2(r.code == 0, r.err.constData());
    r = twRun({"export", "--storage", url, "--study", "cli-2", "--csv", _dir.filePath("cli.csv")});
    QVERIFY2(r.code == 0, r.err.constData());
    const std::string csv = readAll(_dir.filePath("cli.csv").toStdString());
    QCOMPARE(std::count(csv.begin(), csv.end(), '\n'), 22L);
    QVERIFY2(csv.find(",lost,stale") != std::string::npos, csv.c_str());

    r = twRun({"delete", "--storage", url, "--study", "cli-2"});
    QCOMPARE(r.code, 0);
    r = twRun({"trials", "--storage", url, "--study", "cli-2"});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("no study named 'cli-2'"), r.err.constData());

    // Mistakes get messages naming the flag and the rule.
    r = twRun({"ask", "--storage", "runs/x.jsonl", "--study", "cli"});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("--storage: expected a URL such as postgresql://"), r.err.constData());
    r = twRun({"ask", "--storage", "postgresql://tw:hunter2@/postgres", "--study", "cli"});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("the URL holds a password") && !r.err.contains("hunter2"), r.err.constData());
    r = twRun({"repair", "--storage", url, "--study", "cli"});
    QCOMPARE(r.code, 2);
}

void TestStorage::workersShareTheBudget()
{
    needServer();
    const QString url = QString::fromStdString(_pg->url());
    const QString space = _dir.filePath("space-w.json");
    std::ofstream(space.toStdString()) << R"({"parameters": [{"name": "x", "type": "float", "low": -1, "high": 1}]})";
    TwRun r = twRun({"create", "--storage", url, "--study", "budget", "--space", space, "--sampler", "random", "--trials",
                   "24"});
    QVERIFY2(r.code == 0, r.err.constData());
    QCOMPARE(jsonObject(r.out)["budget"].toObject()["trials"].toInt(), 24);

    // The objective takes a moment, so that the workers overlap and one of
    // them can be killed in the middle of a trial.
    const QString objective = "sleep 0.5; echo $TW_TRIAL";
    const auto start = [&](const QStringList& extra) {
        auto* p = new QProcess(this);
        p->start(TW_BINARY, QStringList{"worker", "--storage", url, "--study", "budget", "--objective-cmd", objective,
                                        "--grace", "2"} + extra);
        return p;
    };
    QProcess* victim = start({});
    // Killed while its first trial runs: the trial is left running, with no
    // process on any host to finish it.
    QVERIFY(victim->waitForReadyRead(60000) || true);
    QTest::qWait(100);
    ::kill(pid_t(victim->processId()), SIGKILL);
    victim->waitForFinished();
    QList<QProcess*> workers{start({}), start({}), start({"--workers", "2"})};
    // The database restarts under them: they wait, reconnect, and finish.
    QTest::qWait(1000);
    _pg->stop();
    QTest::qWait(1500);
    QVERIFY2(_pg->start(), _pg->error().c_str());
    int waited = 0;
    for (QProcess* p : workers) {
        QVERIFY(p->waitForFinished(180000));
        const QByteArray err = p->readAllStandardError();
        waited += err.contains("retrying");
        QVERIFY2(p->exitCode() == 0, err.constData());
        const auto lines = jsonObjects(p->readAllStandardOutput());
        QVERIFY(!lines.isEmpty());
        QVERIFY2(lines.back()["budget"].toString().contains("trials counted"), err.constData());
    }
    QVERIFY(waited > 0); // the outage was met, and waited out
    r = twRun({"trials", "--storage", url, "--study", "budget"});
    QCOMPARE(r.code, 0);
    int complete = 0, lost = 0, running = 0;
    std::set<int> numbers;
    std::set<double> values;
    for (const auto& t : jsonObjects(r.out)) {
        numbers.insert(t["number"].toInt());
        if (t["state"] == "complete") {
            ++complete;
            values.insert(t["value"].toDouble());
            QCOMPARE(t["value"].toDouble(), double(t["number"].toInt())); // each told once, with its own result
        }
        // On another host the killed worker's trial goes stale; on this one
        // its dead pid gives it away first (abandoned). Either way: cut short.
        lost += t["kind"] == "stale" || t["kind"] == "abandoned";
        running += t["state"] == "running";
    }
    QCOMPARE(int(numbers.size()), jsonObjects(r.out).size());
    QVERIFY2(complete >= 24 && complete <= 24 + 3, qPrintable(QString::number(complete)));
    QCOMPARE(lost, 1);    // the killed worker's trial
    QCOMPARE(running, 0); // nothing left waiting for a result
    r = twRun({"budget", "--storage", url, "--study", "budget"});
    QCOMPARE(r.code, 0);
    QVERIFY(jsonObject(r.out)["met"].toString().contains("of 24 trials counted"));
}

QTEST_APPLESS_MAIN(TestStorage)
#include "test_storage.moc"
