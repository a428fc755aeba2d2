// Samplers: the reproducibility contract, no repeated configurations, failed
// and pending trials, and the GP sampler's quality on a standard function.
#include "bench/benchmark.h"
#include "bench/functions.h"
#include "sampler/common.h"
#include "sampler/gp_sampler.h"
#include "sampler/halton.h"
#include "sampler/sampler.h"
#include "sampler/seen_configs.h"
#include "study/study.h"

#include <QtTest>

#include <cmath>
#include <set>

using namespace tw;

namespace {

space::SearchSpace mixedSpace()
{
    return space::SearchSpace({
        space::FloatParam{"lr", 1e-5, 1e-1, true, std::nullopt},
        space::FloatParam{"dropout", 0.0, 0.5, false, std::nullopt},
        space::IntParam{"layers", 1, 4, false},
        space::CategoricalParam{"optimizer", {std::string("sgd"), std::string("adam"), std::string("rmsprop")}},
    });
}

double objective(const std::vector<double>& v)
{
    const double lr = std::log10(v[0]);
    return (lr + 3.0) * (lr + 3.0) + 4.0 * (v[1] - 0.2) * (v[1] - 0.2) + 0.3 * std::abs(v[2] - 2) + (v[3] == 1 ? 0.0 : 0.5);
}

std::unique_ptr<study::Study> makeStudy(const std::string& sampler, uint64_t seed,
                                        study::Direction dir = study::Direction::Minimize,
                                        space::SearchSpace s = mixedSpace())
{
    study::StudyConfig c;
    c.name = "test";
    c.space = std::move(s);
    c.direction = dir;
    c.sampler.name = sampler;
    c.sampler.seed = seed;
    c.sampler.initialTrials = 4;
    return study::Study::createInMemory(c);
}

void runTrials(study::Study& st, int n)
{
    for (int i = 0; i < n; ++i) {
        auto t = st.ask();
        st.tell(t.number, study::Outcome::complete(objective(t.params)));
    }
}

} // namespace

class TestSampler : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void sameSeedSameSuggestions_data();
    void sameSeedSameSuggestions();
    void haltonIsLowDiscrepancy();
    void suggestionsAreLegal_data();
    void suggestionsAreLegal();
    void neverRepeatsAndReportsExhaustion();
    void seenConfigsSnapshotsStayAsTheyWere();
    void samplersThatReadNoTrialsSuggestTheSame();
    void failedTrialsDoNotBreakTheGp();
    void failedAndPrunedRegionsAreNotProposedAgainAndAgain_data();
    void failedAndPrunedRegionsAreNotProposedAgainAndAgain();
    void pendingTrialsSpreadParallelSuggestions();
    void maximizeFindsTheMaximum();
    void gpBeatsRandomOnBranin();
    void unknownSamplerIsRejected();
    void testFunctionsHaveTheirMinimaWhereTheLiteratureSays_data();
    void testFunctionsHaveTheirMinimaWhereTheLiteratureSays();
    void noisyBenchmarkScoresTheTrueValues();
};

void TestSampler::sameSeedSameSuggestions_data()
{
    QTest::addColumn<QString>("sampler");
    QTest::newRow("random") << "random";
    QTest::newRow("qmc") << "qmc";
    QTest::newRow("gp") << "gp";
}

void TestSampler::sameSeedSameSuggestions()
{
    QFETCH(QString, sampler);
    auto a = makeStudy(sampler.toStdString(), 42), b = makeStudy(sampler.toStdString(), 42);
    auto c = makeStudy(sampler.toStdString(), 43);
    runTrials(*a, 8);
    runTrials(*b, 8);
    runTrials(*c, 8);
    const auto ta = a->trials(), tb = b->trials(), tc = c->trials();
    bool anyDifferent = false;
    for (size_t i = 0; i < ta.size(); ++i) {
        QVERIFY2(ta[i].params == tb[i].params, qPrintable(QString("trial %1 differs with the same seed").arg(i)));
        anyDifferent |= ta[i].params != tc[i].params;
    }
    QVERIFY2(anyDifferent, "a different seed gives different suggestions");
    // The same history in a fresh sampler object gives the same next suggestion.
    auto s1 = sampler::makeSampler(a->config().sampler);
    auto s2 = sampler::makeSampler(a->config().sampler);
    const auto h = a->trials();
    sampler::History hist{a->space(), a->direction(), h};
    QVERIFY(s1->suggest(hist, 8).params == s2->suggest(hist, 8).params);
}

void TestSampler::haltonIsLowDiscrepancy()
{
    // 256 points in 2-D: every cell of a 4x4 grid gets close to 16.
    sampler::ScrambledHalton h(2, 1);
    int cells[4][4] = {};
    for (int i = 0; i < 256; ++i) {
        const auto p = h.point(uint64_t(i));
        QVERIFY(p[0] >= 0 && p[0] < 1 && p[1] >= 0 && p[1] < 1);
        cells[int(p[0] * 4)][int(p[1] * 4)]++;
    }
    for (auto& row : cells)
        for (int c : row) QVERIFY2(c >= 12 && c <= 20, qPrintable(QString("cell count %1").arg(c)));
}

void TestSampler::suggestionsAreLegal_data() { sameSeedSameSuggestions_data(); }

void TestSampler::suggestionsAreLegal()
{
    QFETCH(QString, sampler);
    auto st = makeStudy(sampler.toStdString(), 3);
    runTrials(*st, 12);
    for (const auto& t : st->trials()) {
        for (size_t i = 0; i < st->space().size(); ++i)
            QVERIFY2(st->space().contains(i, t.params[i]), qPrintable(QString("trial %1 parameter %2").arg(t.number).arg(i)));
    }
}

void TestSampler::neverRepeatsAndReportsExhaustion()
{
    // 4 x 3 = 12 configurations.
    space::SearchSpace s({space::IntParam{"units", 1, 4, false},
                          space::CategoricalParam{"act", {std::string("relu"), std::string("tanh"), 1.5}}});
    for (const char* name : {"gp", "random", "qmc"}) {
        auto st = makeStudy(name, 1, study::Direction::Minimize, s);
        std::set<std::vector<double>> seen;
        for (int i = 0; i < 12; ++i) {
            auto t = st->ask();
            QVERIFY2(seen.insert(t.params).second, qPrintable(QString("%1 repeated a configuration at trial %2").arg(name).arg(i)));
            st->tell(t.number, study::Outcome::complete(t.params[0] + t.params[1]));
        }
        bool threw = false;
        try {
            st->ask();
        } catch (const std::exception& e) {
            threw = true;
            QVERIFY(QString(e.what()).contains("exhausted"));
        }
        QVERIFY2(threw, name);
    }
}

void TestSampler::seenConfigsSnapshotsStayAsTheyWere()
{
    // 5 x 4 x 3 = 60 configurations drawn 300 times: many repeats.
    const space::SearchSpace s({space::IntParam{"a", 1, 5, false}, space::IntParam{"b", 0, 3, false},
                                space::CategoricalParam{"c", {std::string("x"), std::string("y"), std::string("z")}}});
    std::mt19937_64 rng(5);
    std::vector<std::vector<double>> drawn;
    for (int i = 0; i < 300; ++i) drawn.push_back(sampler::randomValues(s, rng));
    sampler::SeenConfigs kept;
    std::set<std::vector<double>, sampler::ConfigLess> reference;
    std::vector<std::pair<sampler::SeenConfigs, size_t>> snapshots; // (copy, configurations in it)
    for (size_t i = 0; i < drawn.size(); ++i) {
        QCOMPARE(kept.insert(s, drawn[i]), reference.insert(drawn[i]).second);
        QCOMPARE(kept.size(), reference.size());
        if (i % 37 == 0) snapshots.emplace_back(kept, i + 1);
    }
    // Each copy holds exactly the configurations inserted before it was
    // taken, however many were inserted into the original since.
    for (const auto& [snapshot, count] : snapshots) {
        const std::set<std::vector<double>, sampler::ConfigLess> then(drawn.begin(), drawn.begin() + long(count));
        QCOMPARE(snapshot.size(), then.size());
        for (const auto& v : drawn) QCOMPARE(snapshot.contains(v), then.count(v) > 0);
    }
    // The same set as one built from trials at once.
    std::vector<study::Trial> trials(drawn.size());
    for (size_t i = 0; i < drawn.size(); ++i) trials[i].params = drawn[i];
    const sampler::SeenConfigs built(s, trials);
    QCOMPARE(built.size(), kept.size());
    for (int a = 1; a <= 5; ++a)
        for (int b = 0; b <= 3; ++b)
            for (int c = 0; c < 3; ++c) {
                const std::vector<double> v{double(a), double(b), double(c)};
                QCOMPARE(built.contains(v), kept.contains(v));
                QCOMPARE(kept.contains(v), reference.count(v) > 0);
            }
}

void TestSampler::samplersThatReadNoTrialsSuggestTheSame()
{
    // A study hands a sampler that reads no trials (random, qmc, the GP's
    // initial design) only the seen configurations: it must suggest what it
    // suggests from the whole history, and the GP past its initial design
    // still gets every trial.
    for (const char* name : {"random", "qmc", "gp"}) {
        auto st = makeStudy(name, 11);
        runTrials(*st, 6);
        const auto trials = st->trials();
        const std::vector<study::Trial> none;
        const sampler::History full{st->space(), st->direction(), trials};
        const sampler::SeenConfigs seen = sampler::seenConfigs(full);
        const sampler::History seenOnly{st->space(), st->direction(), none, &seen};
        auto s = sampler::makeSampler(st->config().sampler);
        const int initial = st->config().sampler.initialFor(st->space().size());
        for (int number : {2, 6}) {
            const bool reads = s->readsTrials(st->space(), number);
            QCOMPARE(reads, std::string(name) == "gp" && number >= initial);
            if (reads) continue;
            QVERIFY2(s->suggest(seenOnly, number).params == s->suggest(full, number).params, name);
        }
    }
}

void TestSampler::failedTrialsDoNotBreakTheGp()
{
    auto st = makeStudy("gp", 5);
    for (int i = 0; i < 14; ++i) {
        auto t = st->ask();
        if (i % 3 == 1) st->tell(t.number, study::Outcome::failed("diverged"));
        else if (i % 5 == 4) st->tell(t.number, study::Outcome::pruned());
        else st->tell(t.number, study::Outcome::complete(objective(t.params)));
    }
    const auto trials = st->trials();
    QCOMPARE(int(trials.size()), 14);
    // The GP ran (after the initial design) and recorded finite hyperparameters.
    const auto& info = trials.back().samplerInfo;
    QCOMPARE(QString::fromStdString(info.value("kind", "")), QString("gp"));
    for (const auto& v : info["gp_theta"]) QVERIFY(std::isfinite(v.get<double>()));
}

void TestSampler::failedAndPrunedRegionsAreNotProposedAgainAndAgain_data()
{
    QTest::addColumn<bool>("prune");
    QTest::newRow("failed") << false;
    QTest::newRow("pruned") << true;
}

void TestSampler::failedAndPrunedRegionsAreNotProposedAgainAndAgain()
{
    // Minimize -x: the GP extrapolates that x -> 1 is best, but every trial
    // above 0.8 fails (or is pruned with a poor intermediate value). The
    // sampler must learn that and spend its trials elsewhere.
    QFETCH(bool, prune);
    auto st = makeStudy("gp", 4, study::Direction::Minimize,
                        space::SearchSpace({space::FloatParam{"x", 0.0, 1.0, false, std::nullopt},
                                            space::FloatParam{"y", 0.0, 1.0, false, std::nullopt}}));
    int above = 0;
    for (int i = 0; i < 30; ++i) {
        auto t = st->ask();
        const double x = t.params[0];
        if (x > 0.8) {
            if (i >= 4) ++above;
            if (prune) {
                st->report(t.number, 1, 0.5);
                st->tell(t.number, study::Outcome::pruned());
            } else {
                st->tell(t.number, study::Outcome::failed("diverged"));
            }
        } else {
            st->tell(t.number, study::Outcome::complete(-x + 0.1 * t.params[1]));
        }
    }
    QVERIFY2(above <= 6, qPrintable(QString("%1 of 26 model-based trials went to the failing region").arg(above)));
    QVERIFY(st->bestTrial()->params[0] > 0.7); // and it still found the edge of the good region
}

void TestSampler::pendingTrialsSpreadParallelSuggestions()
{
    auto st = makeStudy("gp", 9, study::Direction::Minimize,
                        space::SearchSpace({space::FloatParam{"x", 0.0, 1.0, false, std::nullopt},
                                            space::FloatParam{"y", 0.0, 1.0, false, std::nullopt}}));
    auto f = [](const std::vector<double>& v) { return (v[0] - 0.3) * (v[0] - 0.3) + (v[1] - 0.7) * (v[1] - 0.7); };
    for (int i = 0; i < 10; ++i) {
        auto t = st->ask();
        st->tell(t.number, study::Outcome::complete(f(t.params)));
    }
    // Four asks without a tell, as four workers would do.
    std::vector<study::Trial> running;
    for (int i = 0; i < 4; ++i) running.push_back(st->ask());
    for (size_t i = 0; i < running.size(); ++i) {
        QCOMPARE(int(running[i].samplerInfo.value("pending", 0)), int(i));
        for (size_t j = 0; j < i; ++j) {
            const double dx = running[i].params[0] - running[j].params[0], dy = running[i].params[1] - running[j].params[1];
            QVERIFY2(std::sqrt(dx * dx + dy * dy) > 0.02, "parallel suggestions must spread out");
        }
    }
}

void TestSampler::maximizeFindsTheMaximum()
{
    auto st = makeStudy("gp", 2, study::Direction::Maximize,
                        space::SearchSpace({space::FloatParam{"x", -2.0, 2.0, false, std::nullopt}}));
    for (int i = 0; i < 15; ++i) {
        auto t = st->ask();
        st->tell(t.number, study::Outcome::complete(1.0 - (t.params[0] - 0.5) * (t.params[0] - 0.5)));
    }
    const auto best = st->bestTrial();
    QVERIFY(best);
    QVERIFY2(std::abs(best->params[0] - 0.5) < 0.05, qPrintable(QString("best x %1").arg(best->params[0])));
}

void TestSampler::gpBeatsRandomOnBranin()
{
    sampler::SamplerConfig gp, rnd;
    gp.name = "gp";
    rnd.name = "random";
    const auto rg = bench::runBenchmark("branin", gp, 25, 3);
    const auto rr = bench::runBenchmark("branin", rnd, 25, 3);
    const double mg = bench::median(rg.regrets), mr = bench::median(rr.regrets);
    QVERIFY2(mg < 0.05, qPrintable(QString("GP median regret %1").arg(mg)));
    QVERIFY2(mg < mr, qPrintable(QString("GP %1 vs random %2").arg(mg).arg(mr)));
}

void TestSampler::unknownSamplerIsRejected()
{
    sampler::SamplerConfig c;
    c.name = "tpe";
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, sampler::makeSampler(c));
}

void TestSampler::testFunctionsHaveTheirMinimaWhereTheLiteratureSays_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<std::vector<double>>("minimizer");
    QTest::newRow("sixhump") << "sixhump" << std::vector<double>{0.0898, -0.7126};
    QTest::newRow("rastrigin4") << "rastrigin4" << std::vector<double>{0, 0, 0, 0};
    QTest::newRow("schwefel4") << "schwefel4" << std::vector<double>(4, 420.9687);
    QTest::newRow("shekel4") << "shekel4" << std::vector<double>{4.00075, 4.00059, 3.99966, 3.99951};
    QTest::newRow("ackley10") << "ackley10" << std::vector<double>(10, 0.0);
    QTest::newRow("mixed5") << "mixed5" << std::vector<double>{1e-3, 64, 3, 0.3, 2};
    QTest::newRow("hartmann3_failing") << "hartmann3_failing" << std::vector<double>{0.114614, 0.555649, 0.852547};
}

// The value at the published minimizer (Surjanovic & Bingham) is the
// optimum the benchmark's regret is measured from, and no point of a small
// design beats it.
void TestSampler::testFunctionsHaveTheirMinimaWhereTheLiteratureSays()
{
    QFETCH(QString, name);
    QFETCH(std::vector<double>, minimizer);
    const auto& fn = bench::testFunction(name.toStdString());
    QVERIFY2(std::abs(fn.f(minimizer) - fn.optimum) < 1e-3 * std::max(1.0, std::abs(fn.optimum)),
             qPrintable(QString("f at the minimizer %1, optimum %2").arg(fn.f(minimizer)).arg(fn.optimum)));
    for (const auto& t : bench::quasiRandomHistory(fn, 64, 3))
        if (t.value && !std::isnan(*t.value)) QVERIFY(*t.value >= fn.optimum - 1e-9);
}

void TestSampler::noisyBenchmarkScoresTheTrueValues()
{
    // Noise in what the sampler is told, none in what is scored: the regret
    // is the noise-free function's at the evaluated points, never negative.
    sampler::SamplerConfig rnd;
    rnd.name = "random";
    const auto r = bench::runBenchmark("branin", rnd, 20, 3, 0, 5.0);
    QCOMPARE(r.noiseSd, 5.0);
    for (double regret : r.regrets) QVERIFY(regret >= 0);
    const auto clean = bench::runBenchmark("branin", rnd, 20, 3, 0, 0.0);
    QCOMPARE(r.regrets, clean.regrets); // random search ignores what it is told
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, bench::runBenchmark("branin", rnd, 5, 1, 0, -1.0));
    // A function that fails somewhere: failures are counted per seed.
    const auto f = bench::runBenchmark("hartmann3_failing", rnd, 40, 2);
    QCOMPARE(f.failed.size(), size_t(2));
    QVERIFY(f.failed[0] > 0 && f.failed[0] < 40);
}

QTEST_APPLESS_MAIN(TestSampler)
#include "test_sampler.moc"
