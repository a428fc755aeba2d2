// Study: ask/tell, best trial, errors, enqueue, report, user attributes,
// snapshots, and that memory and file studies hold the same state (replay).
#include "sampler/sampler.h"
#include "study/study.h"
#include "util/errors.h"

#include <QTemporaryDir>
#include "test_support.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <fstream>
#include <functional>
#include <limits>
#include <set>
#include <sstream>
#include <thread>

#include <unistd.h>

using nlohmann::json;
using namespace tw;
using namespace tw::study;

namespace {

StudyConfig makeConfig(Direction direction = Direction::Minimize, uint64_t seed = 7)
{
    StudyConfig c;
    c.name = "unit";
    c.space = space::SearchSpace::fromJson(json::parse(R"({"parameters": [
        {"name": "x", "type": "float", "low": -5, "high": 5},
        {"name": "n", "type": "int", "low": 1, "high": 10},
        {"name": "lr", "type": "float", "low": 1e-5, "high": 1e-1, "log": true},
        {"name": "opt", "type": "categorical", "choices": ["sgd", "adam", "rmsprop"]}
    ]})"));
    c.direction = direction;
    c.sampler.name = "random";
    c.sampler.seed = seed;
    c.userAttrs = {{"spec", "test"}};
    return c;
}

std::string errorOf(const std::function<void()>& f)
{
    const std::string message = ::errorOf<std::exception>(f);
    return message.empty() ? "(no error)" : message;
}

/// Everything but times.
json stateOf(const Trial& t)
{
    json ivs = json::array();
    for (const auto& iv : t.intermediate) ivs.push_back({iv.step, iv.value});
    return json{{"number", t.number},       {"state", toString(t.state)}, {"params", t.params},
                {"value", t.value ? json(*t.value) : json()}, {"reason", t.reason},
                {"host", t.host},           {"pid", t.pid},               {"attrs", t.userAttrs},
                {"sampler", t.samplerInfo}, {"intermediate", ivs},        {"finished", t.finishedAt > 0}};
}

json stateOf(const std::vector<Trial>& ts)
{
    json a = json::array();
    for (const auto& t : ts) a.push_back(stateOf(t));
    return a;
}

/// A fixed sequence of operations, the same for every storage.
void exercise(Study& s)
{
    for (int i = 0; i < 6; ++i) s.ask();
    s.tell(0, Outcome::complete(3.5));
    s.report(1, 1, 0.9);
    s.report(1, 2, 0.7);
    s.tell(1, Outcome::pruned("plateau"));
    s.tell(2, Outcome::failed("diverged"));
    s.setUserAttrs(3, {{"device", "cpu"}, {"acc", 0.5}});
    s.setUserAttrs(3, {{"acc", 0.75}});
    s.tell(3, Outcome::complete(-1.25));
    s.updateUserAttrs({{"spec", {{"budget", {{"trials", 8}}}}}, {"note", "raised"}});
    s.updateUserAttrs({{"note", "raised twice"}});
    s.enqueue({0.0, 5, 1e-3, 2});
    s.tell(6, Outcome::complete(-1.25));
}

} // namespace

#define VERIFY_CONTAINS(msg, part)                                                                 \
    QVERIFY2(std::string(msg).find(part) != std::string::npos,                                     \
             ("message '" + std::string(msg) + "' lacks '" + (part) + "'").c_str())

class TestStudy : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void askTellMinimize();
    void bestMaximizeAndTies();
    void tellErrors();
    void enqueue();
    void reportAndAttrs();
    void trialsSnapshot();
    void memoryAndFileAgree();
    void countsKeptAsEventsApply();
    void configRoundTrip();
    void createChecksConfig();
    void samplerConfig();
    void stateNames();
};

void TestStudy::askTellMinimize()
{
    auto s = Study::createInMemory(makeConfig());
    QCOMPARE(s->trials().size(), size_t(0));
    QVERIFY(!s->bestTrial());
    std::set<std::vector<double>> seen;
    for (int i = 0; i < 5; ++i) {
        const Trial t = s->ask();
        QCOMPARE(t.number, i);
        QCOMPARE(toString(t.state), toString(TrialState::Running));
        QCOMPARE(t.params.size(), size_t(4));
        for (size_t k = 0; k < 4; ++k) QVERIFY(s->space().contains(k, t.params[k]));
        QVERIFY(seen.insert(t.params).second);
        QCOMPARE(t.host, hostName());
        QCOMPARE(t.pid, long(getpid()));
        QVERIFY(t.startedAt > 1.6e9);
        QCOMPARE(t.samplerInfo["kind"].get<std::string>(), std::string("random"));
        QVERIFY(!isOrphaned(t)); // this process is alive
    }
    QVERIFY(!s->bestTrial()); // nothing complete yet
    const double values[] = {4.0, -2.0, 7.0, -2.5, 0.0};
    for (int i = 0; i < 5; ++i) s->tell(i, Outcome::complete(values[i]));
    const auto best = s->bestTrial();
    QVERIFY(best);
    QCOMPARE(best->number, 3);
    QCOMPARE(*best->value, -2.5);
    const auto t0 = s->trial(0);
    QVERIFY(t0 && t0->state == TrialState::Complete && *t0->value == 4.0);
    QVERIFY(t0->finishedAt >= t0->startedAt);
    QVERIFY(t0->duration() && *t0->duration() >= 0.0);
    QVERIFY(!s->trial(5));
    QVERIFY(!s->trial(-1));
    QVERIFY(s->better(1.0, 2.0));
    QVERIFY(!s->better(2.0, 2.0));
    QVERIFY(s->warnings().empty());
}

void TestStudy::bestMaximizeAndTies()
{
    auto s = Study::createInMemory(makeConfig(Direction::Maximize));
    for (int i = 0; i < 6; ++i) s->ask();
    s->tell(0, Outcome::complete(1.0));
    s->tell(1, Outcome::complete(5.0));
    s->tell(2, Outcome::failed("boom"));
    s->tell(3, Outcome::complete(5.0)); // tie: the lower number wins
    s->tell(4, Outcome::pruned());
    QCOMPARE(s->bestTrial()->number, 1);
    QVERIFY(s->better(2.0, 1.0));
    // Failed, pruned and running trials never win.
    auto m = Study::createInMemory(makeConfig(Direction::Minimize));
    for (int i = 0; i < 3; ++i) m->ask();
    m->tell(0, Outcome::failed("x"));
    m->tell(1, Outcome::pruned("y"));
    QVERIFY(!m->bestTrial());
    m->tell(2, Outcome::complete(100.0));
    QCOMPARE(m->bestTrial()->number, 2);
}

void TestStudy::tellErrors()
{
    auto s = Study::createInMemory(makeConfig());
    for (int i = 0; i < 5; ++i) s->ask();
    QCOMPARE(errorOf([&] { s->tell(7, Outcome::complete(1.0)); }),
             std::string("trial 7 does not exist (the study has 5 trials)"));
    VERIFY_CONTAINS(errorOf([&] { s->tell(-1, Outcome::complete(1.0)); }), "trial -1 does not exist");
    s->tell(3, Outcome::complete(1.0));
    QCOMPARE(errorOf([&] { s->tell(3, Outcome::complete(2.0)); }), std::string("trial 3 is already complete"));
    QCOMPARE(errorOf([&] { s->tell(3, Outcome::failed("x")); }), std::string("trial 3 is already complete"));
    QCOMPARE(errorOf([&] { s->tell(2, Outcome::complete(std::nan(""))); }),
             std::string("trial 2: value must be a finite number (got nan)"));
    VERIFY_CONTAINS(errorOf([&] { s->tell(2, Outcome::complete(std::numeric_limits<double>::infinity())); }),
                    "(got inf)");
    VERIFY_CONTAINS(errorOf([&] { s->tell(2, Outcome{TrialState::Running, 0.0, {}}); }), "running");
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, s->tell(9, Outcome::failed("x")));
    // Nothing was recorded by the failed calls.
    const auto ts = s->trials();
    QCOMPARE(ts[3].value.value(), 1.0);
    QCOMPARE(toString(ts[2].state), toString(TrialState::Running));
    s->tell(2, Outcome::failed("out of memory"));
    QCOMPARE(s->trial(2)->reason, std::string("out of memory"));
    QCOMPARE(errorOf([&] { s->tell(2, Outcome::complete(1.0)); }), std::string("trial 2 is already failed"));
    auto one = Study::createInMemory(makeConfig());
    one->ask();
    QCOMPARE(errorOf([&] { one->tell(1, Outcome::complete(1.0)); }),
             std::string("trial 1 does not exist (the study has 1 trial)"));
}

void TestStudy::enqueue()
{
    auto s = Study::createInMemory(makeConfig());
    const Trial t = s->enqueue({1.5, 3, 1e-3, 1});
    QCOMPARE(t.number, 0);
    QCOMPARE(t.params, (std::vector<double>{1.5, 3, 1e-3, 1}));
    QCOMPARE(t.samplerInfo["kind"].get<std::string>(), std::string("enqueued"));
    QCOMPARE(toString(t.state), toString(TrialState::Running));
    QCOMPARE(s->ask().number, 1);
    VERIFY_CONTAINS(errorOf([&] { s->enqueue({1.5, 11, 1e-3, 1}); }), "parameter 'n'");
    VERIFY_CONTAINS(errorOf([&] { s->enqueue({9.0, 1, 1e-3, 1}); }), "parameter 'x'");
    VERIFY_CONTAINS(errorOf([&] { s->enqueue({0.0, 1, 1e-3, 3}); }), "parameter 'opt'");
    VERIFY_CONTAINS(errorOf([&] { s->enqueue({0.0, 1.5, 1e-3, 0}); }), "parameter 'n'");
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, s->enqueue({0.0, 1}));
    QCOMPARE(s->trials().size(), size_t(2));
    s->tell(0, Outcome::complete(0.25));
    QCOMPARE(s->bestTrial()->number, 0);
}

void TestStudy::reportAndAttrs()
{
    auto s = Study::createInMemory(makeConfig());
    s->ask();
    s->ask();
    s->report(0, 1, 0.5);
    s->report(0, 2, 0.25);
    auto t = s->trial(0).value();
    QCOMPARE(t.intermediate.size(), size_t(2));
    QCOMPARE(t.intermediate[1].step, 2);
    QCOMPARE(t.intermediate[1].value, 0.25);
    VERIFY_CONTAINS(errorOf([&] { s->report(5, 1, 0.5); }), "trial 5 does not exist");
    VERIFY_CONTAINS(errorOf([&] { s->report(0, 3, std::nan("")); }), "finite");
    s->tell(0, Outcome::complete(0.2));
    QCOMPARE(errorOf([&] { s->report(0, 3, 0.1); }), std::string("trial 0 is not running (it is complete)"));

    s->setUserAttrs(0, {{"acc", 0.9}, {"device", "cpu"}});
    s->setUserAttrs(0, {{"acc", 0.95}, {"epochs", 3}});
    t = s->trial(0).value();
    QCOMPARE(t.userAttrs["acc"].get<double>(), 0.95);
    QCOMPARE(t.userAttrs["device"].get<std::string>(), std::string("cpu"));
    QCOMPARE(t.userAttrs["epochs"].get<int>(), 3);
    s->setUserAttrs(1, {{"note", "running"}});
    QCOMPARE(s->trial(1)->userAttrs["note"].get<std::string>(), std::string("running"));
    VERIFY_CONTAINS(errorOf([&] { s->setUserAttrs(2, {{"a", 1}}); }), "trial 2 does not exist");
    VERIFY_CONTAINS(errorOf([&] { s->setUserAttrs(0, json::array({1, 2})); }), "JSON object");
}

void TestStudy::trialsSnapshot()
{
    auto s = Study::createInMemory(makeConfig());
    s->ask();
    const auto before = s->trials();
    s->tell(0, Outcome::complete(1.0));
    s->ask();
    QCOMPARE(before.size(), size_t(1));
    QCOMPARE(toString(before[0].state), toString(TrialState::Running)); // a copy, not a view
    const auto after = s->trials();
    QCOMPARE(after.size(), size_t(2));
    QCOMPARE(toString(after[0].state), toString(TrialState::Complete));
    for (size_t i = 0; i < after.size(); ++i) QCOMPARE(after[i].number, int(i));
}

void TestStudy::memoryAndFileAgree()
{
    QTemporaryDir dir;
    const std::string path = dir.filePath("study.jsonl").toStdString();
    auto mem = Study::createInMemory(makeConfig(Direction::Minimize, 11));
    auto file = Study::createFile(path, makeConfig(Direction::Minimize, 11));
    exercise(*mem);
    exercise(*file);
    const json a = stateOf(mem->trials());
    const json b = stateOf(file->trials());
    QCOMPARE(a.dump(), b.dump());
    QCOMPARE(mem->bestTrial()->number, 3);
    QCOMPARE(file->bestTrial()->number, 3);

    // Replay from the file gives the same state, times included.
    const auto live = file->trials();
    file.reset();
    auto reopened = Study::openFile(path);
    const auto replayed = reopened->trials();
    QCOMPARE(stateOf(replayed).dump(), b.dump());
    for (size_t i = 0; i < live.size(); ++i) {
        QCOMPARE(replayed[i].startedAt, live[i].startedAt);
        QCOMPARE(replayed[i].finishedAt, live[i].finishedAt);
    }
    // The study_updated events are replayed too: the same configuration everywhere.
    StudyConfig updated = makeConfig(Direction::Minimize, 11);
    updated.userAttrs["spec"] = {{"budget", {{"trials", 8}}}};
    updated.userAttrs["note"] = "raised twice";
    QCOMPARE(mem->config().toJson().dump(), updated.toJson().dump());
    QCOMPARE(reopened->config().toJson().dump(), mem->config().toJson().dump());
    QCOMPARE(reopened->revision(), 2);
    QCOMPARE(mem->revision(), 2);
    QVERIFY(reopened->warnings().empty());

    // Same seed, same history -> the next suggestion is the same everywhere.
    QCOMPARE(reopened->ask().params, mem->ask().params);

    // Every line of the file is one JSON object with an event name.
    std::ifstream in(path);
    std::string line;
    int lines = 0;
    while (std::getline(in, line)) {
        const json e = json::parse(line);
        QVERIFY(e.is_object() && e.contains("event"));
        if (lines == 0) {
            QCOMPARE(e["event"].get<std::string>(), std::string("study_created"));
            QCOMPARE(e["format"].get<int>(), 1);
        }
        ++lines;
    }
    // created + 7 asked + 5 told + 2 reported + 2 attrs + 2 updated + 1 more asked
    QCOMPARE(lines, 1 + 7 + 5 + 2 + 2 + 2 + 1);
}

void TestStudy::countsKeptAsEventsApply()
{
    // What a run loop reads before each ask (the counted trials, the
    // budget's verdict, the running trials) is kept as events are applied:
    // it must say what the rules say over the whole trial list, on the
    // handle that wrote, on one that only read the events, and on reopening.
    QTemporaryDir dir;
    const std::string path = dir.filePath("counts.jsonl").toStdString();
    auto s = Study::createFile(path, makeConfig());
    auto other = Study::openFile(path);
    Budget budget;
    budget.trials = 4;
    s->setBudget(budget);
    auto check = [](Study& st, int counted, const std::vector<int>& running) {
        const auto all = st.trials();
        QCOMPARE(st.countedTrials(), countedTrials(all));
        QCOMPARE(st.countedTrials(), counted);
        QCOMPARE(st.budgetMet(), study::budgetMet(st.config().budget, all, 0.0));
        std::vector<int> numbers;
        for (const auto& t : st.runningTrials()) {
            QCOMPARE(toString(t.state), toString(TrialState::Running));
            QCOMPARE(stateOf(t).dump(), stateOf(all[size_t(t.number)]).dump());
            numbers.push_back(t.number);
        }
        QCOMPARE(numbers, running);
    };
    check(*s, 0, {});
    for (int i = 0; i < 5; ++i) s->ask();
    check(*other, 0, {0, 1, 2, 3, 4});
    s->tell(0, Outcome::complete(1.0));
    s->tell(1, Outcome::pruned("plateau"));
    other->tell(2, Outcome::failed("diverged"));
    s->tell(3, Outcome::failed("interrupted", FailureKind::Interrupted)); // cut short: counts toward nothing
    other->tell(4, Outcome::failed("stale: no heartbeat", FailureKind::Stale));
    check(*s, 3, {});
    QCOMPARE(s->budgetMet(), std::string());
    s->enqueue({0.0, 5, 1e-3, 2});
    s->tell(4, Outcome::complete(0.5)); // a late result replaces the stale failure
    check(*s, 4, {5});
    check(*other, 4, {5});
    QCOMPARE(other->budgetMet(), std::string("4 of 4 trials counted"));
    s.reset();
    other.reset();
    auto reopened = Study::openFile(path);
    check(*reopened, 4, {5});
    // The time limit runs from the first trial's start (at least 20 ms ago).
    budget = Budget{};
    budget.timeLimitSeconds = 1e-3;
    reopened->setBudget(budget);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    QCOMPARE(QString::fromStdString(reopened->budgetMet()), QString("time limit of 0.001 s reached"));
    auto fresh = Study::createInMemory(makeConfig());
    fresh->setBudget(budget);
    QCOMPARE(fresh->budgetMet(), std::string()); // no trial yet: nothing elapsed
}

void TestStudy::configRoundTrip()
{
    StudyConfig c = makeConfig(Direction::Maximize, 123456789012345ULL);
    c.sampler.name = "gp";
    c.sampler.acquisition = "ucb";
    c.sampler.ucbBeta = 2.5;
    c.sampler.initialTrials = 8;
    const json j = c.toJson();
    QCOMPARE(j["direction"].get<std::string>(), std::string("maximize"));
    QCOMPARE(j["sampler"]["seed"].get<uint64_t>(), 123456789012345ULL);
    const StudyConfig back = StudyConfig::fromJson(j);
    QCOMPARE(back.toJson(), j);
    QCOMPARE(back.sampler.initialTrials, 8);
    json bad = j;
    bad["colour"] = "red";
    VERIFY_CONTAINS(errorOf([&] { StudyConfig::fromJson(bad, "f.jsonl:1"); }), "f.jsonl:1: study config: unknown key 'colour'");
    bad = j;
    bad["direction"] = "sideways";
    VERIFY_CONTAINS(errorOf([&] { StudyConfig::fromJson(bad); }), "unknown direction 'sideways'");
    bad = j;
    bad.erase("space");
    VERIFY_CONTAINS(errorOf([&] { StudyConfig::fromJson(bad); }), "missing 'space'");
}

void TestStudy::createChecksConfig()
{
    QTemporaryDir dir;
    const std::string path = dir.filePath("never.jsonl").toStdString();
    StudyConfig c = makeConfig();
    c.sampler.name = "annealing";
    VERIFY_CONTAINS(errorOf([&] { Study::createFile(path, c); }), "unknown name 'annealing'");
    QVERIFY(!QFile::exists(QString::fromStdString(path))); // checked before the file is created
    StudyConfig empty;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Study::createInMemory(empty));
    auto ok = Study::createInMemory(makeConfig());
    QCOMPARE(ok->config().name, std::string("unit"));
    QCOMPARE(ok->storage().describe(), std::string("memory"));
    QCOMPARE(ok->config().userAttrs["spec"].get<std::string>(), std::string("test"));
}

void TestStudy::samplerConfig()
{
    using sampler::SamplerConfig;
    SamplerConfig c;
    QCOMPARE(c.initialFor(1), 5);
    QCOMPARE(c.initialFor(4), 8);
    c.initialTrials = 0;
    QCOMPARE(c.initialFor(4), 0);
    c = SamplerConfig::fromJson(json::parse(R"({"name":"qmc","seed":18446744073709551615,"initial":3})"));
    QCOMPARE(c.seed, std::numeric_limits<uint64_t>::max());
    QCOMPARE(c.name, std::string("qmc"));
    QCOMPARE(SamplerConfig::fromJson(c.toJson()).toJson(), c.toJson());
    auto err = [](const char* text) { return errorOf([&] { SamplerConfig::fromJson(json::parse(text), "s.json"); }); };
    VERIFY_CONTAINS(err(R"({"name":"sobol2"})"), "s.json: sampler: unknown name 'sobol2'");
    VERIFY_CONTAINS(err(R"({"acquisition":"pi"})"), "unknown acquisition 'pi'");
    VERIFY_CONTAINS(err(R"({"ucb_beta":0})"), "'ucb_beta' must be a finite number > 0");
    VERIFY_CONTAINS(err(R"({"ucb_beta":"big"})"), "'ucb_beta' must be a number");
    VERIFY_CONTAINS(err(R"({"initial":-2})"), "'initial' must be >= 0");
    VERIFY_CONTAINS(err(R"({"initial":2.5})"), "'initial' must be an integer");
    VERIFY_CONTAINS(err(R"({"seed":-1})"), "'seed' must be a non-negative integer");
    VERIFY_CONTAINS(err(R"({"kernel":"linear"})"), "unknown kernel 'linear'");
    VERIFY_CONTAINS(err(R"({"nme":"gp"})"), "unknown key 'nme'");
    VERIFY_CONTAINS(err(R"([1])"), "JSON object");
    SamplerConfig direct;
    direct.ucbBeta = std::nan("");
    VERIFY_CONTAINS(errorOf([&] { direct.validate(); }), "'ucb_beta'");
}

void TestStudy::stateNames()
{
    for (TrialState s : {TrialState::Running, TrialState::Complete, TrialState::Pruned, TrialState::Failed})
        QCOMPARE(toString(trialStateFromString(toString(s))), toString(s));
    QCOMPARE(toString(directionFromString(toString(Direction::Maximize))), toString(Direction::Maximize));
    QCOMPARE(toString(directionFromString("minimize")), toString(Direction::Minimize));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, trialStateFromString("done"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, directionFromString("max"));
}

QTEST_APPLESS_MAIN(TestStudy)
#include "test_study.moc"
