// Journal file: torn and malformed lines, orphaned trials, several processes
// sharing one file, create races, and the time to open a large study.
#include "study/export.h"
#include "study/repair.h"
#include "study/study.h"
#include "util/errors.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include "test_support.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <fstream>
#include <functional>
#include <map>
#include <utility>
#include <set>
#include <sstream>

#include <csignal>
#include <cstdio>

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using nlohmann::json;
using namespace tw;
using namespace tw::study;

namespace {

StudyConfig makeConfig()
{
    StudyConfig c;
    c.name = "journal";
    c.space = space::SearchSpace::fromJson(json::parse(R"({"parameters": [
        {"name": "x", "type": "float", "low": -5, "high": 5},
        {"name": "y", "type": "float", "low": 1e-4, "high": 1, "log": true},
        {"name": "k", "type": "categorical", "choices": ["a", "b"]}
    ]})"));
    c.sampler.name = "random";
    c.sampler.seed = 3;
    return c;
}

std::string readAll(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void writeAll(const std::string& path, const std::string& text, bool append = false)
{
    std::ofstream(path, std::ios::binary | (append ? std::ios::app : std::ios::trunc)) << text;
}

std::vector<std::string> linesOf(const std::string& text)
{
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

/// Every line is a JSON object ending with '\n'; returns the number of lines.
int checkJsonl(const std::string& text)
{
    if (!text.empty() && text.back() != '\n') return -1;
    int n = 0;
    for (const auto& line : linesOf(text)) {
        const json e = json::parse(line); // throws on a bad line
        if (!e.is_object() || !e.contains("event")) return -1;
        ++n;
    }
    return n;
}

std::string errorOf(const std::function<void()>& f)
{
    const std::string message = ::errorOf<std::exception>(f);
    return message.empty() ? "(no error)" : message;
}

bool anyContains(const std::vector<std::string>& all, const std::string& part)
{
    for (const auto& s : all)
        if (s.find(part) != std::string::npos) return true;
    return false;
}

/// Runs f in a child process; returns its pid. The child exits 0 when f
/// returns, 3 on IoError, 1 on any other exception (message on stderr).
pid_t forkRun(const std::function<void()>& f)
{
    const pid_t pid = fork();
    if (pid != 0) return pid;
    int code = 0;
    try {
        f();
    } catch (const IoError&) {
        code = 3;
    } catch (const std::exception& e) {
        fprintf(stderr, "child %d: %s\n", int(getpid()), e.what());
        code = 1;
    }
    _exit(code);
}

/// Holds forked children until release(), so that they start together.
class StartBarrier {
public:
    StartBarrier() { _ok = ::pipe(_fds) == 0; }
    ~StartBarrier() { release(); }
    bool ok() const { return _ok; }
    /// In a child: blocks until the parent calls release().
    void wait()
    {
        ::close(_fds[1]);
        char c;
        while (::read(_fds[0], &c, 1) == -1 && errno == EINTR) {}
    }
    void release()
    {
        for (int& fd : _fds)
            if (fd >= 0) ::close(std::exchange(fd, -1));
    }

private:
    int _fds[2] = {-1, -1};
    bool _ok = false;
};

int waitExit(pid_t pid)
{
    int status = 0;
    while (waitpid(pid, &status, 0) == -1 && errno == EINTR) {}
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

} // namespace

#define VERIFY_CONTAINS(msg, part)                                                                 \
    QVERIFY2(std::string(msg).find(part) != std::string::npos,                                     \
             ("message '" + std::string(msg) + "' lacks '" + std::string(part) + "'").c_str())

class TestJournal : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init() { QVERIFY(_dir.isValid()); }
    void tornLastLine();
    void completeLastEventWithoutNewlineKept();
    void tornLastLineStillCut();
    void malformedMiddleLine();
    void badFiles_data();
    void badFiles();
    void duplicateTellIsWarning();
    void orphanedTrial();
    void concurrentProcesses();
    void concurrentCreate();
    void createOnExistingFile();
    void twoHandlesOneProcess();
    void largeStudyReplays();
    void fileDeletedWhileOpen();
    void createFailureRemovesOwnFile();
    void repairKeepsIntactEvents();
    void writersRefuseStudyFiles();

private:
    std::string path(const char* name) const { return _dir.filePath(name).toStdString(); }
    QTemporaryDir _dir;
};

void TestJournal::tornLastLine()
{
    const std::string file = path("torn.jsonl");
    {
        auto s = Study::createFile(file, makeConfig());
        for (int i = 0; i < 3; ++i) s->ask();
        s->tell(0, Outcome::complete(1.0));
        s->tell(1, Outcome::complete(2.0));
    }
    const std::string before = readAll(file);
    QCOMPARE(checkJsonl(before), 6);
    const std::string torn = R"({"event":"trial_told","number":2,"sta)";
    writeAll(file, torn, true);

    auto s = Study::openFile(file);
    const auto trials = s->trials();
    QCOMPARE(trials.size(), size_t(3));
    QCOMPARE(toString(trials[0].state), toString(TrialState::Complete));
    QCOMPARE(toString(trials[2].state), toString(TrialState::Running));
    const auto warnings = s->warnings();
    QCOMPARE(warnings.size(), size_t(1));
    VERIFY_CONTAINS(warnings[0], file + ":7: torn last line (" + std::to_string(torn.size()) + " bytes) skipped");
    QCOMPARE(readAll(file), before + torn); // reading alone changes nothing
    s->refresh();
    QCOMPARE(s->warnings().size(), size_t(1)); // not repeated

    // The next append cuts the torn bytes: the file is valid JSONL again.
    QCOMPARE(s->ask().number, 3);
    VERIFY_CONTAINS(s->warnings().back(), "torn last line (" + std::to_string(torn.size()) + " bytes) removed");
    const std::string after = readAll(file);
    QCOMPARE(checkJsonl(after), 7);
    QVERIFY(after.compare(0, before.size(), before) == 0);
    QVERIFY(after.find("\"sta\n") == std::string::npos);
    s->tell(2, Outcome::complete(0.5));
    s.reset();
    auto again = Study::openFile(file);
    QCOMPARE(again->trials().size(), size_t(4));
    QCOMPARE(again->trial(2)->value.value(), 0.5);
    QVERIFY(again->warnings().empty());
}

void TestJournal::completeLastEventWithoutNewlineKept()
{
    // This test used to assert the opposite (tornCompleteJsonNotTrusted: a
    // last line without its '\n' was cut even when it parsed). But a prefix of
    // one serialized JSON object is never itself a whole JSON object, so a
    // line that parses as an event is the complete event, whatever happened to
    // its newline (an editor, a copy that dropped it, a writer killed between
    // the object and '\n'). Cutting it turned a completed trial back into a
    // running one: data loss. It is kept, and the next writer adds the '\n'.
    const std::string file = path("torn2.jsonl");
    Study::createFile(file, makeConfig())->ask();
    const std::string told = R"({"event":"trial_told","number":0,"state":"complete","value":1.5,"time":1})";
    writeAll(file, told, true);
    const std::string before = readAll(file);
    auto reader = Study::openFile(file);
    QCOMPARE(toString(reader->trial(0)->state), toString(TrialState::Complete));
    QCOMPARE(reader->trial(0)->value.value(), 1.5);
    QVERIFY(!anyContains(reader->warnings(), "torn"));
    QCOMPARE(readAll(file), before); // reading alone changes nothing

    auto writer = Study::openFile(file);
    QCOMPARE(writer->trial(0)->value.value(), 1.5);
    QCOMPARE(errorOf([&] { writer->tell(0, Outcome::complete(2.5)); }), std::string("trial 0 is already complete"));
    QCOMPARE(writer->ask().number, 1); // adds the '\n' under the lock, then appends
    QVERIFY(anyContains(writer->warnings(), file + ":3: the last event had no trailing newline; added it"));
    const std::string after = readAll(file);
    QCOMPARE(checkJsonl(after), 4);
    QCOMPARE(after.substr(0, before.size() + 1), before + "\n");

    // The reader that consumed the line without its '\n' still counts lines
    // right: a bad line appended now is named by its true number.
    QCOMPARE(reader->trials().size(), size_t(2));
    writeAll(file, "{oops}\n", true);
    VERIFY_CONTAINS(errorOf([&] { reader->refresh(); }), file + ":5:");

    // A writer that meets the line first under its exclusive lock does the same.
    const std::string other = path("torn2b.jsonl");
    auto early = Study::createFile(other, makeConfig());
    early->ask();
    writeAll(other, told, true);
    QCOMPARE(early->ask().number, 1);
    QVERIFY(anyContains(early->warnings(), other + ":3: the last event had no trailing newline; added it"));
    QCOMPARE(checkJsonl(readAll(other)), 4);
    QCOMPARE(Study::openFile(other)->trial(0)->value.value(), 1.5);
}

void TestJournal::tornLastLineStillCut()
{
    // A last line that does not parse is a writer that died mid-write(): cut.
    const std::string file = path("torn3.jsonl");
    Study::createFile(file, makeConfig())->ask();
    const std::string before = readAll(file);
    writeAll(file, R"({"event":"trial_told","number":0,"state":"complete","value":1.5)", true);
    auto s = Study::openFile(file);
    QCOMPARE(toString(s->trial(0)->state), toString(TrialState::Running));
    QVERIFY(anyContains(s->warnings(), file + ":3: torn last line"));
    s->tell(0, Outcome::complete(2.5));
    QCOMPARE(checkJsonl(readAll(file)), 3);
    QCOMPARE(Study::openFile(file)->trial(0)->value.value(), 2.5);
}

void TestJournal::malformedMiddleLine()
{
    const std::string file = path("malformed.jsonl");
    {
        auto s = Study::createFile(file, makeConfig());
        s->ask();
        s->ask();
    }
    auto lines = linesOf(readAll(file));
    lines.insert(lines.begin() + 2, "{\"event\": \"trial_told\", oops}");
    std::string text;
    for (const auto& l : lines) text += l + "\n";
    writeAll(file, text);
    try {
        Study::openFile(file);
        QFAIL("no error");
    } catch (const ParseError& e) {
        VERIFY_CONTAINS(e.what(), file + ":3:25: invalid JSON");
    }
}

void TestJournal::badFiles_data()
{
    const std::string created =
        json{{"event", "study_created"}, {"format", 1}, {"config", makeConfig().toJson()}, {"time", 0}}.dump();
    const std::string asked =
        R"({"event":"trial_asked","number":0,"params":{"x":1,"y":0.5,"k":"a"},"time":1,"host":"h","pid":1})";
    QTest::addColumn<QString>("content");
    QTest::addColumn<QString>("expected");
    auto row = [](const char* name, const std::string& content, const std::string& expected) {
        QTest::newRow(name) << QString::fromStdString(content) << QString::fromStdString(expected);
    };
    row("empty", "", "bad.jsonl: empty study file");
    row("blank lines", "\n\n", "bad.jsonl: empty study file");
    row("first not created", asked + "\n", "bad.jsonl:1: not a study file (first event is not 'study_created')");
    row("pretty json", "{\n  \"parameters\": []\n}\n", "bad.jsonl: not a study file");
    row("unknown event", created + "\n{\"event\":\"trial_exploded\"}\n", "bad.jsonl:2: unknown event 'trial_exploded'");
    row("update without attrs", created + "\n{\"event\":\"study_updated\"}\n",
        "bad.jsonl:2: 'study_updated' event without 'user_attrs'");
    row("update attrs not an object", created + "\n{\"event\":\"study_updated\",\"user_attrs\":[1]}\n",
        "bad.jsonl:2: 'user_attrs' must be a JSON object");
    row("no event field", created + "\n{\"number\":1}\n", "bad.jsonl:2:");
    row("told unknown trial", created + "\n" + asked + "\n{\"event\":\"trial_told\",\"number\":4,\"state\":\"failed\"}\n",
        "bad.jsonl:3: trial_told: trial 4 does not exist (the study has 1 trial)");
    row("asked out of order",
        created + "\n" + R"({"event":"trial_asked","number":2,"params":{"x":1,"y":0.5,"k":"a"}})" + "\n",
        "bad.jsonl:2: trial_asked: trial 2 is out of order (expected trial 0)");
    row("bad params", created + "\n" + R"({"event":"trial_asked","number":0,"params":{"x":9,"y":0.5,"k":"a"}})" + "\n",
        "bad.jsonl:2: parameter 'x': value 9 is outside [-5, 5]");
    row("bad state", created + "\n" + asked + "\n{\"event\":\"trial_told\",\"number\":0,\"state\":\"done\"}\n",
        "bad.jsonl:3: unknown trial state 'done'");
    row("complete without value", created + "\n" + asked + "\n{\"event\":\"trial_told\",\"number\":0,\"state\":\"complete\"}\n",
        "bad.jsonl:3: 'trial_told' event without 'value'");
    row("second created", created + "\n" + created + "\n", "bad.jsonl:2: a second 'study_created' event");
    row("format 2", R"({"event":"study_created","format":2,"config":{}})" "\n", "bad.jsonl:1: unsupported format 2");
    row("bad config", R"({"event":"study_created","format":1,"config":{"space":{"parameters":[]}}})" "\n",
        "bad.jsonl:1: 'parameters' must be a non-empty array");
}

void TestJournal::badFiles()
{
    QFETCH(QString, content);
    QFETCH(QString, expected);
    const std::string file = path("bad.jsonl");
    writeAll(file, content.toStdString());
    const std::string msg = errorOf([&] { Study::openFile(file); });
    VERIFY_CONTAINS(msg, expected.toStdString());
    VERIFY_CONTAINS(msg, file);
    QVERIFY_THROWS_EXCEPTION(ParseError, Study::openFile(file));
}

void TestJournal::duplicateTellIsWarning()
{
    const std::string file = path("dup.jsonl");
    {
        auto s = Study::createFile(file, makeConfig());
        s->ask();
        s->tell(0, Outcome::complete(1.0));
    }
    writeAll(file, R"({"event":"trial_told","number":0,"state":"failed","reason":"late","time":5})" "\n", true);
    auto s = Study::openFile(file);
    QCOMPARE(toString(s->trial(0)->state), toString(TrialState::Complete));
    QCOMPARE(s->trial(0)->value.value(), 1.0);
    QVERIFY(anyContains(s->warnings(), file + ":4: trial 0 told again (failed)"));
}

void TestJournal::orphanedTrial()
{
    const std::string file = path("orphan.jsonl");
    Study::createFile(file, makeConfig());
    const pid_t child = forkRun([&] { Study::openFile(file)->ask(); }); // dies without telling
    QCOMPARE(waitExit(child), 0);
    auto s = Study::openFile(file);
    const Trial t = s->trial(0).value();
    QCOMPARE(toString(t.state), toString(TrialState::Running));
    QCOMPARE(t.pid, long(child));
    QVERIFY(isOrphaned(t));
    s->tell(0, Outcome::failed("orphaned: the worker died"));
    QVERIFY(!isOrphaned(s->trial(0).value()));
    QCOMPARE(s->trial(0)->reason, std::string("orphaned: the worker died"));

    const Trial mine = s->ask();
    QVERIFY(!isOrphaned(mine)); // this process is alive
    Trial elsewhere = mine;
    elsewhere.host = "some-other-host";
    elsewhere.pid = long(child);
    QVERIFY(!isOrphaned(elsewhere)); // cannot know about another host
}

void TestJournal::concurrentProcesses()
{
    const std::string file = path("shared.jsonl");
    Study::createFile(file, makeConfig());
    constexpr int kProcs = 4, kAsks = 25;
    std::vector<pid_t> pids;
    StartBarrier barrier;
    QVERIFY(barrier.ok());
    for (int p = 0; p < kProcs; ++p)
        pids.push_back(forkRun([&] {
            barrier.wait();
            auto s = Study::openFile(file);
            for (int i = 0; i < kAsks; ++i) {
                const Trial t = s->ask();
                if (i % 2 == 0) s->tell(t.number, Outcome::complete(t.params[0]));
            }
        }));
    barrier.release();
    for (pid_t pid : pids) QCOMPARE(waitExit(pid), 0);

    auto s = Study::openFile(file);
    const auto trials = s->trials();
    QCOMPARE(int(trials.size()), kProcs * kAsks);
    std::set<std::vector<double>> params;
    std::map<long, int> perProcess;
    int complete = 0;
    for (size_t i = 0; i < trials.size(); ++i) {
        QCOMPARE(trials[i].number, int(i));
        QVERIFY2(params.insert(trials[i].params).second, "duplicate parameters");
        ++perProcess[trials[i].pid];
        complete += trials[i].state == TrialState::Complete;
    }
    QCOMPARE(int(perProcess.size()), kProcs);
    for (const auto& [pid, n] : perProcess) QCOMPARE(n, kAsks);
    QCOMPARE(complete, kProcs * ((kAsks + 1) / 2));
    QVERIFY(s->warnings().empty());
    QCOMPARE(checkJsonl(readAll(file)), 1 + kProcs * kAsks + complete);
}

void TestJournal::concurrentCreate()
{
    const std::string file = path("race.jsonl");
    std::vector<pid_t> pids;
    StartBarrier barrier;
    QVERIFY(barrier.ok());
    for (int p = 0; p < 4; ++p)
        pids.push_back(forkRun([&] {
            barrier.wait();
            Study::createFile(file, makeConfig());
        }));
    barrier.release();
    int winners = 0, losers = 0;
    for (pid_t pid : pids) {
        const int code = waitExit(pid);
        winners += code == 0;
        losers += code == 3;
    }
    QCOMPARE(winners, 1);
    QCOMPARE(losers, 3);
    QCOMPARE(checkJsonl(readAll(file)), 1);
    QCOMPARE(Study::openFile(file)->trials().size(), size_t(0));
}

void TestJournal::createOnExistingFile()
{
    const std::string file = path("existing.jsonl");
    Study::createFile(file, makeConfig())->ask();
    const std::string before = readAll(file);
    try {
        Study::createFile(file, makeConfig());
        QFAIL("no error");
    } catch (const IoError& e) {
        QCOMPARE(std::string(e.what()), file + ": study file already exists");
    }
    QCOMPARE(readAll(file), before);

    const std::string other = path("notes.txt");
    writeAll(other, "hello\n");
    QVERIFY_THROWS_EXCEPTION(IoError, Study::createFile(other, makeConfig()));
    QCOMPARE(readAll(other), std::string("hello\n"));

    const std::string empty = path("empty.jsonl");
    writeAll(empty, "");
    Study::createFile(empty, makeConfig()); // an existing empty file is fine
    QCOMPARE(checkJsonl(readAll(empty)), 1);

    VERIFY_CONTAINS(errorOf([&] { Study::openFile(path("missing.jsonl")); }), "cannot open");
    QVERIFY_THROWS_EXCEPTION(IoError, Study::openFile(path("missing.jsonl")));
    QVERIFY_THROWS_EXCEPTION(IoError, Study::createFile(path("no/such/dir/x.jsonl"), makeConfig()));
    QVERIFY_THROWS_EXCEPTION(IoError, Study::openFile(_dir.path().toStdString()));
}

void TestJournal::twoHandlesOneProcess()
{
    const std::string file = path("two.jsonl");
    auto a = Study::createFile(file, makeConfig());
    auto b = Study::openFile(file);
    QCOMPARE(a->ask().number, 0);
    QCOMPARE(b->trials().size(), size_t(1)); // picked up incrementally
    QCOMPARE(b->ask().number, 1);
    b->tell(0, Outcome::complete(1.0));
    QCOMPARE(toString(a->trial(0)->state), toString(TrialState::Complete));
    QCOMPARE(errorOf([&] { a->tell(0, Outcome::complete(2.0)); }), std::string("trial 0 is already complete"));
    a->report(1, 1, 0.5);
    a->setUserAttrs(1, {{"m", 1}});
    const Trial t = b->trial(1).value();
    QCOMPARE(t.intermediate.size(), size_t(1));
    QCOMPARE(t.userAttrs["m"].get<int>(), 1);
}

void TestJournal::largeStudyReplays()
{
    const std::string file = path("large.jsonl");
    {
        auto s = Study::createFile(file, makeConfig());
        for (int i = 0; i < 1000; ++i) {
            const Trial t = s->ask();
            s->setUserAttrs(t.number, {{"accuracy", 0.5}, {"device", "cpu"}, {"epochs", 10}});
            s->tell(t.number, Outcome::complete(t.params[0] * t.params[1]));
        }
    }
    // Timing is measured by tests/bench/bench_journal, not asserted here.
    auto s = Study::openFile(file);
    const auto trials = s->trials();
    const auto best = s->bestTrial();
    QCOMPARE(checkJsonl(readAll(file)), 3001);
    QCOMPARE(trials.size(), size_t(1000));
    QVERIFY(best.has_value());
    for (const auto& t : trials) {
        QVERIFY(t.state == TrialState::Complete);
        QCOMPARE(t.userAttrs["epochs"].get<int>(), 10);
    }
    // A refresh with nothing new changes nothing.
    for (int i = 0; i < 100; ++i) s->refresh();
    QCOMPARE(s->trials().size(), size_t(1000));
}

void TestJournal::fileDeletedWhileOpen()
{
    const auto gone = [](const std::string& f) {
        return f + ": the study file was deleted (or replaced) while this process had it open; nothing more is written";
    };
    // The file deleted: appending would "succeed" into an unlinked inode.
    const std::string file = path("gone.jsonl");
    auto s = Study::createFile(file, makeConfig());
    s->ask();
    QCOMPARE(::unlink(file.c_str()), 0);
    QCOMPARE(errorOf([&] { s->tell(0, Outcome::complete(1.0)); }), gone(file));
    QVERIFY_THROWS_EXCEPTION(IoError, s->ask());
    QVERIFY(!QFile::exists(QString::fromStdString(file)));

    // Another file renamed over it: that file is left alone.
    const std::string replaced = path("replaced.jsonl");
    auto r = Study::createFile(replaced, makeConfig());
    const std::string copy = path("copy.jsonl");
    writeAll(copy, readAll(replaced));
    QCOMPARE(std::rename(copy.c_str(), replaced.c_str()), 0);
    QCOMPARE(errorOf([&] { r->ask(); }), gone(replaced));
    QCOMPARE(checkJsonl(readAll(replaced)), 1);

    // Its folder deleted.
    QVERIFY(QDir(_dir.path()).mkdir("sub"));
    const std::string inSub = path("sub/s.jsonl");
    auto d = Study::createFile(inSub, makeConfig());
    d->ask();
    QVERIFY(QDir(_dir.filePath("sub")).removeRecursively());
    QCOMPARE(errorOf([&] { d->ask(); }), gone(inSub));
    // Reading what it has is still fine.
    QCOMPARE(d->trials().size(), size_t(1));
}

namespace {

/// Study::createFile in a child whose files may not grow (RLIMIT_FSIZE 0,
/// SIGXFSZ ignored: write() fails with EFBIG, as on a full disk); returns the
/// child's error message.
std::string createWithoutSpace(const std::string& file, const StudyConfig& config)
{
    int fds[2];
    if (::pipe(fds) != 0) return "(no pipe)";
    const pid_t pid = fork();
    if (pid == 0) {
        ::close(fds[0]);
        std::signal(SIGXFSZ, SIG_IGN);
        const rlimit none{0, 0};
        ::setrlimit(RLIMIT_FSIZE, &none);
        std::string message = "(no error)";
        try {
            Study::createFile(file, config);
        } catch (const IoError& e) {
            message = e.what();
        } catch (const std::exception& e) {
            message = std::string("not an IoError: ") + e.what();
        }
        [[maybe_unused]] const ssize_t n = ::write(fds[1], message.data(), message.size());
        _exit(0);
    }
    ::close(fds[1]);
    std::string message;
    char buf[512];
    for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) message.append(buf, size_t(n));
    ::close(fds[0]);
    waitExit(pid);
    return message;
}

} // namespace

void TestJournal::createFailureRemovesOwnFile()
{
    const std::string file = path("full.jsonl");
    const std::string msg = createWithoutSpace(file, makeConfig());
    VERIFY_CONTAINS(msg, file + ": cannot write: ");
    VERIFY_CONTAINS(msg, "the empty file this process had just created was removed");
    QVERIFY2(!QFile::exists(QString::fromStdString(file)), "a 0-byte study file was left behind");

    // A file that existed before (empty, so creating in it is allowed) stays.
    const std::string existing = path("existing-empty.jsonl");
    writeAll(existing, "");
    const std::string msg2 = createWithoutSpace(existing, makeConfig());
    VERIFY_CONTAINS(msg2, existing + ": cannot write: ");
    QVERIFY(msg2.find("removed") == std::string::npos);
    QVERIFY(QFile::exists(QString::fromStdString(existing)));
}

void TestJournal::repairKeepsIntactEvents()
{
    const std::string file = path("damaged.jsonl");
    {
        auto s = Study::createFile(file, makeConfig());
        for (int i = 0; i < 3; ++i) s->tell(s->ask().number, Outcome::complete(i));
    }
    auto lines = linesOf(readAll(file)); // created, (asked, told) x 3
    const std::string asked1 = lines[3];
    lines.insert(lines.begin() + 2, "{\"event\": \"trial_told\", oops}"); // line 3
    lines.insert(lines.begin() + 5, asked1);                             // line 6: trial 1 asked twice
    lines.insert(lines.begin() + 1, lines[0]);                           // line 2: a second study_created
    std::string text;
    for (const auto& l : lines) text += l + "\n";
    text += R"({"event":"trial_told","number":2,"state":"fai)"; // torn last line (line 11)
    writeAll(file, text);

    try {
        Study::openFile(file);
        QFAIL("no error");
    } catch (const DamagedStudyError& e) {
        VERIFY_CONTAINS(e.what(), file + ":2: a second 'study_created' event");
        QCOMPARE(e.path(), file);
    }
    QCOMPARE(repairedPath(file), path("damaged.repaired.jsonl"));
    QCOMPARE(repairedPath("s"), std::string("s.repaired"));
    const std::string out = path("fixed.jsonl");
    const RepairReport r = repairJournal(file, out);
    QCOMPARE(r.events, 11L);
    QCOMPARE(r.kept, 7L);
    QCOMPARE(r.dropped.size(), size_t(4));
    const std::pair<long, std::string> expected[] = {
        {2, file + ":2: a second 'study_created' event"},
        {4, file + ":4:25: invalid JSON"},
        {7, file + ":7: trial_asked: trial 1 is out of order (expected trial 2)"},
        {11, file + ":11: torn last line"},
    };
    for (size_t i = 0; i < 4; ++i) {
        QCOMPARE(r.dropped[i].line, expected[i].first);
        VERIFY_CONTAINS(r.dropped[i].reason, expected[i].second);
    }
    QCOMPARE(readAll(file), text); // only read
    auto s = Study::openFile(out);
    QCOMPARE(s->trials().size(), size_t(3));
    QCOMPARE(s->trial(2)->value.value(), 2.0);
    QVERIFY(s->warnings().empty());

    // Never over an existing file.
    const std::string fixed = readAll(out);
    VERIFY_CONTAINS(errorOf([&] { repairJournal(file, out); }), out + ": file exists");
    QVERIFY_THROWS_EXCEPTION(IoError, repairJournal(file, file));
    QCOMPARE(readAll(out), fixed);
    QCOMPARE(readAll(file), text);

    // A complete last event without its newline is kept, with one.
    const std::string told = path("told.jsonl");
    Study::createFile(told, makeConfig())->ask();
    writeAll(told, R"({"event":"trial_told","number":0,"state":"complete","value":1.5})", true);
    const RepairReport t = repairJournal(told, path("told.repaired.jsonl"));
    QCOMPARE(t.kept, 3L);
    QVERIFY(t.dropped.empty());
    QCOMPARE(checkJsonl(readAll(path("told.repaired.jsonl"))), 3);

    // Not a study at all: nothing written.
    writeAll(path("junk.jsonl"), "hello\n");
    QVERIFY_THROWS_EXCEPTION(ParseError, repairJournal(path("junk.jsonl"), path("junk.out")));
    QVERIFY(!QFile::exists(_dir.filePath("junk.out")));
}

void TestJournal::writersRefuseStudyFiles()
{
    // Known by content, not name; a damaged first line still names the event.
    const std::string file = path("trials.csv");
    auto s = Study::createFile(file, makeConfig());
    s->tell(s->ask().number, Outcome::complete(1.0));
    const std::string before = readAll(file);
    QVERIFY(isStudyFile(file));
    const std::string refused = file + " is a study file; refusing to overwrite it";
    QCOMPARE(errorOf([&] { writeTrialsCsv(file, s->space(), s->trials()); }), refused);
    QCOMPARE(errorOf([&] { writeTrialsJson(file, s->space(), s->trials()); }), refused);
    QCOMPARE(readAll(file), before);

    writeAll(path("damaged-first.jsonl"), before.substr(0, before.find('\n') - 3) + "\n");
    QVERIFY(isStudyFile(path("damaged-first.jsonl")));
    writeAll(path("plain.csv"), "number,value\n");
    QVERIFY(!isStudyFile(path("plain.csv")));
    QVERIFY(!isStudyFile(path("missing.csv")));
    QVERIFY(!isStudyFile(_dir.path().toStdString()));
    writeTrialsCsv(path("plain.csv"), s->space(), s->trials()); // an ordinary file is still overwritten
    QVERIFY(readAll(path("plain.csv")).find("number,") == 0);
}

QTEST_APPLESS_MAIN(TestJournal)
#include "test_journal.moc"
