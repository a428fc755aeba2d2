// Parameter importance: the main-effect variance decomposition of the GP mean
// ranks a dominant parameter first and an irrelevant one last, handles
// categorical and integer parameters, sums to 1 and is deterministic; its
// intervals over GP hyperparameter draws hold the point estimate, keep an
// irrelevant parameter's upper end small with many points and widen with few
// noisy ones.
#include "analysis/importance.h"
#include "study/study.h"
#include "test_support.h"

#include <QtTest>

#include <cmath>
#include <random>

using namespace tw;

namespace {

using Objective = std::function<double(const std::vector<double>&)>;

std::unique_ptr<study::Study> studyOf(space::SearchSpace space, int trials, const Objective& f, uint64_t seed = 7)
{
    study::StudyConfig c;
    c.name = "importance";
    c.space = std::move(space);
    c.sampler.name = "qmc";
    c.sampler.seed = seed;
    auto st = study::Study::createInMemory(c);
    for (int i = 0; i < trials; ++i) {
        auto t = st->ask();
        st->tell(t.number, study::Outcome::complete(f(t.params)));
    }
    return st;
}

space::FloatParam unitParam(const std::string& name)
{
    return space::FloatParam{name, 0.0, 1.0, false, std::nullopt};
}

const analysis::ParamImportance& byName(const std::vector<analysis::ParamImportance>& v, const std::string& name)
{
    for (const auto& p : v)
        if (p.name == name) return p;
    throw std::invalid_argument("no parameter " + name);
}

double sumOf(const std::vector<analysis::ParamImportance>& v)
{
    double s = 0;
    for (const auto& p : v) s += p.importance;
    return s;
}

} // namespace

class TestImportance : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void dominantAndIrrelevantParameters();
    void categoricalAndIntegerParameters();
    void flatObjectiveSharesEqually();
    void rejectsBadInput();
    void intervalsHoldThePointEstimate();
    void fewNoisyPointsWidenTheIntervals();
    void intervalsRejectBadOptions();
};

void TestImportance::dominantAndIrrelevantParameters()
{
    auto st = studyOf(space::SearchSpace({unitParam("x0"), unitParam("x1"), unitParam("x2")}), 30,
                      [](const std::vector<double>& x) { return 10 * std::pow(x[0] - 0.3, 2) + 0.1 * x[1] + 0 * x[2]; });
    const auto s = gp::Surrogate::fit(st->space(), st->trials());
    QVERIFY(s);
    const auto imp = analysis::importance(*s);
    QCOMPARE(int(imp.size()), 3);
    QCOMPARE(imp[0].name, std::string("x0"));  // in the order of the space
    QCOMPARE(imp[2].name, std::string("x2"));
    QVERIFY(std::abs(sumOf(imp) - 1.0) < 1e-9);
    for (const auto& p : imp) {
        QVERIFY(p.importance >= 0 && p.importance <= 1);
        QVERIFY(p.firstOrder >= 0 && p.firstOrder <= 1);
        QVERIFY(p.lengthscale > 0 && std::isfinite(p.lengthscale));
    }
    QVERIFY2(imp[0].importance > 0.9, std::to_string(imp[0].importance).c_str());
    QVERIFY(imp[0].importance > imp[1].importance);
    QVERIFY2(imp[2].importance <= imp[1].importance,
             (std::to_string(imp[1].importance) + " " + std::to_string(imp[2].importance)).c_str());
    QVERIFY(imp[2].importance < 0.05);
    // The main effect of x0 explains almost all of the mean's variance (it is additive).
    QVERIFY2(imp[0].firstOrder > 0.8, std::to_string(imp[0].firstOrder).c_str());
    // The lengthscales tell the same story.
    QVERIFY(imp[0].lengthscale < imp[2].lengthscale);

    // Deterministic.
    const auto again = analysis::importance(*s);
    for (size_t i = 0; i < imp.size(); ++i) QCOMPARE(again[i].importance, imp[i].importance);
}

void TestImportance::categoricalAndIntegerParameters()
{
    const space::SearchSpace space({space::CategoricalParam{"opt", {std::string("sgd"), std::string("adam"),
                                                                    std::string("rmsprop")}},
                                    space::FloatParam{"lr", 1e-4, 1e-1, true, std::nullopt},
                                    space::IntParam{"layers", 1, 4, false}, unitParam("noise")});
    // The choice dominates, the log learning rate matters a little, the rest not at all.
    auto st = studyOf(space, 36, [](const std::vector<double>& x) {
        const double byChoice[] = {0.0, 3.0, 1.5};
        return byChoice[int(x[0])] + 0.2 * std::pow(std::log10(x[1]) + 2.5, 2);
    });
    const auto s = gp::Surrogate::fit(st->space(), st->trials());
    QVERIFY(s);
    const auto imp = analysis::importance(*s, 512);
    QCOMPARE(int(imp.size()), 4);
    QVERIFY(std::abs(sumOf(imp) - 1.0) < 1e-9);
    const auto& opt = byName(imp, "opt");
    QVERIFY2(opt.importance > 0.6, std::to_string(opt.importance).c_str());
    QVERIFY(opt.importance > byName(imp, "lr").importance);
    QVERIFY(byName(imp, "lr").importance > byName(imp, "noise").importance);
    QVERIFY(byName(imp, "lr").importance > byName(imp, "layers").importance);
    // A categorical's effective lengthscale is its shortest one-hot lengthscale.
    const auto ell = analysis::effectiveLengthscales(*s);
    const auto& h = s->gp().hyperparameters();
    QCOMPARE(ell[0], std::exp(h.logLengthscales.head(3).minCoeff()));
    QCOMPARE(opt.lengthscale, ell[0]);
}

void TestImportance::flatObjectiveSharesEqually()
{
    auto st = studyOf(space::SearchSpace({unitParam("a"), unitParam("b")}), 8,
                      [](const std::vector<double>&) { return 1.0; });
    const auto s = gp::Surrogate::fit(st->space(), st->trials());
    QVERIFY(s);
    const auto imp = analysis::importance(*s, 64);
    QVERIFY(std::abs(sumOf(imp) - 1.0) < 1e-9);
    for (const auto& p : imp) QVERIFY(std::isfinite(p.importance));
}

void TestImportance::rejectsBadInput()
{
    auto st = studyOf(space::SearchSpace({unitParam("a")}), 4, [](const std::vector<double>& x) { return x[0]; });
    const auto s = gp::Surrogate::fit(st->space(), st->trials());
    QVERIFY(s);
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { analysis::importance(*s, 0); }), "samples must be at least 1");
    QCOMPARE(int(analysis::importance(*s, 16).size()), 1);
    QCOMPARE(analysis::importance(*s, 16)[0].importance, 1.0);
}

namespace {

/// x matters (a smooth bump), z is pure noise: y = sin(5 x) + N(0, noise).
std::unique_ptr<study::Study> signalAndNoise(int trials, double noise, uint64_t seed)
{
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> e(0.0, noise);
    return studyOf(space::SearchSpace({unitParam("x"), unitParam("z")}), trials,
                   [&](const std::vector<double>& v) { return std::sin(5 * v[0]) + e(rng); }, seed);
}

std::string describe(const std::vector<analysis::ParamImportance>& imp)
{
    std::string s;
    for (const auto& p : imp)
        s += p.name + " " + std::to_string(p.importance) + " [" + std::to_string(p.low) + ", " +
             std::to_string(p.high) + "] ";
    return s;
}

} // namespace

void TestImportance::intervalsHoldThePointEstimate()
{
    auto st = signalAndNoise(60, 0.1, 5);
    const auto s = gp::Surrogate::fit(st->space(), st->trials());
    QVERIFY(s);
    const auto imp = analysis::importanceWithIntervals(*s, 512);
    QCOMPARE(int(imp.size()), 2);
    // The point estimate is importance()'s, unchanged.
    const auto point = analysis::importance(*s, 512);
    for (size_t i = 0; i < imp.size(); ++i) {
        QCOMPARE(imp[i].importance, point[i].importance);
        QCOMPARE(imp[i].draws, analysis::IntervalOptions{}.draws);
        QVERIFY(imp[i].hasInterval());
        QVERIFY2(imp[i].low <= imp[i].importance + 1e-9 && imp[i].importance <= imp[i].high + 1e-9,
                 describe(imp).c_str());
        QVERIFY(imp[i].low >= 0 && imp[i].high <= 1);
    }
    const auto& z = byName(imp, "z");
    QVERIFY2(z.high < 0.05, describe(imp).c_str());
    QVERIFY2(byName(imp, "x").low > 0.9, describe(imp).c_str());
    QVERIFY(!point[0].hasInterval() && std::isnan(point[0].low));
    // Past maxObservations: the point estimates alone.
    analysis::IntervalOptions capped;
    capped.maxObservations = 59;
    const auto alone = analysis::importanceWithIntervals(*s, 512, capped);
    QVERIFY(!alone[0].hasInterval() && alone[0].draws == 0);
    QCOMPARE(alone[0].importance, point[0].importance);

    // Deterministic for a seed.
    const auto again = analysis::importanceWithIntervals(*s, 512);
    for (size_t i = 0; i < imp.size(); ++i) {
        QCOMPARE(again[i].low, imp[i].low);
        QCOMPARE(again[i].high, imp[i].high);
    }
}

void TestImportance::fewNoisyPointsWidenTheIntervals()
{
    auto fewStudy = signalAndNoise(8, 0.5, 5), manyStudy = signalAndNoise(60, 0.5, 5);
    const auto few = gp::Surrogate::fit(fewStudy->space(), fewStudy->trials());
    const auto many = gp::Surrogate::fit(manyStudy->space(), manyStudy->trials());
    QVERIFY(few && many);
    const auto a = analysis::importanceWithIntervals(*few, 256), b = analysis::importanceWithIntervals(*many, 256);
    const std::string both = describe(a) + "| " + describe(b);
    for (const char* name : {"x", "z"}) {
        const double wFew = byName(a, name).high - byName(a, name).low;
        const double wMany = byName(b, name).high - byName(b, name).low;
        QVERIFY2(wFew > wMany, both.c_str());
    }
    // With few noisy points the interval says the split is unsure.
    QVERIFY2(byName(a, "x").high - byName(a, "x").low > 0.2, both.c_str());
    QVERIFY2(byName(b, "z").high < 0.1, both.c_str());
}

void TestImportance::intervalsRejectBadOptions()
{
    auto st = signalAndNoise(6, 0.1, 1);
    const auto s = gp::Surrogate::fit(st->space(), st->trials());
    QVERIFY(s);
    analysis::IntervalOptions o;
    o.draws = 0;
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { analysis::importanceWithIntervals(*s, 64, o); }),
                    "draws must be at least 1");
    o = {};
    o.lowQuantile = 0.9;
    o.highQuantile = 0.1;
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { analysis::importanceWithIntervals(*s, 64, o); }),
                    "0 <= low <= high <= 1");
    o = {};
    o.levels = 1;
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { analysis::importanceWithIntervals(*s, 64, o); }),
                    "levels must be at least 2");
}

QTEST_MAIN(TestImportance)
#include "test_importance.moc"
