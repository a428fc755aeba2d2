// A slice's mean over GP hyperparameter draws (analysis::sliceSpread): one
// curve per draw on the slice's own points, an envelope that holds the MAP
// fit's mean, wider with few observations than with many of the same
// function, none above the observation limit, deterministic for a seed, and
// clear errors for bad input.
#include "analysis/slice_spread.h"
#include "study/study.h"
#include "test_support.h"

#include <QtTest>

#include <cmath>
#include <random>

using namespace tw;

namespace {

/// A study of `trials` quasi-random points of a smooth signal in x (and a
/// categorical that shifts it a little) plus Gaussian noise; z is irrelevant.
std::unique_ptr<study::Study> wave(int trials, double noise, uint64_t seed = 3)
{
    study::StudyConfig c;
    c.name = "spread";
    c.space = space::SearchSpace({space::FloatParam{"x", 0.0, 1.0, false, std::nullopt},
                                  space::FloatParam{"z", 0.0, 1.0, false, std::nullopt},
                                  space::CategoricalParam{"opt", {std::string("sgd"), std::string("adam"),
                                                                  std::string("rmsprop")}}});
    c.sampler.name = "qmc";
    c.sampler.seed = seed;
    auto st = study::Study::createInMemory(c);
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> eps(0.0, noise);
    for (int i = 0; i < trials; ++i) {
        auto t = st->ask();
        const double v = std::sin(6.0 * t.params[0]) + 0.3 * t.params[2] + eps(rng);
        st->tell(t.number, study::Outcome::complete(v));
    }
    return st;
}

double meanWidth(const analysis::SliceSpread& s)
{
    return (s.high - s.low).mean();
}

} // namespace

class TestSliceSpread : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void oneCurvePerDrawAroundTheMapMean();
    void fewObservationsSpreadWider();
    void categoricalAxisAndLimit();
    void rejectsBadInput();
};

void TestSliceSpread::oneCurvePerDrawAroundTheMapMean()
{
    auto st = wave(40, 0.05);
    const auto s = gp::Surrogate::fit(st->space(), st->trials());
    QVERIFY(s);
    const std::vector<double> fixed{0.5, 0.5, 0.0};
    const analysis::Slice map = analysis::slice(*s, "x", fixed, 40);
    const analysis::SliceSpread spread = analysis::sliceSpread(*s, "x", fixed, 40);
    QCOMPARE(spread.draws, analysis::DrawOptions{}.draws);
    QCOMPARE(spread.observations, 40);
    QCOMPARE(spread.x, map.x.values);
    QCOMPARE(int(spread.means.size()), spread.draws);
    QCOMPARE(int(spread.low.size()), int(map.mean.size()));
    QCOMPARE(int(spread.high.size()), int(map.mean.size()));
    int inside = 0;
    double widest = 0;
    for (Eigen::Index k = 0; k < map.mean.size(); ++k) {
        QVERIFY(spread.low[k] <= spread.high[k]);
        double lo = INFINITY, hi = -INFINITY;
        for (const auto& m : spread.means) {
            QCOMPARE(int(m.size()), int(map.mean.size()));
            lo = std::min(lo, m[k]);
            hi = std::max(hi, m[k]);
        }
        QVERIFY(lo <= spread.low[k] && spread.high[k] <= hi);  // quantiles of the draws
        const double slack = 0.02 * (map.mean.maxCoeff() - map.mean.minCoeff());
        inside += spread.low[k] - slack <= map.mean[k] && map.mean[k] <= spread.high[k] + slack;
        widest = std::max(widest, spread.high[k] - spread.low[k]);
    }
    // The chain starts at the MAP fit and the data pin the curve down: its
    // mean lies in the envelope (nearly) everywhere, and the envelope is
    // narrow next to the signal's range of 2.
    QVERIFY2(inside >= int(map.mean.size()) * 9 / 10, qPrintable(QString("%1 of %2").arg(inside).arg(map.mean.size())));
    QVERIFY2(widest < 0.5, qPrintable(QString::number(widest)));
    qInfo("40 observations: widest %g, mean width %g", widest, meanWidth(spread));

    // Deterministic for a seed; another seed draws other curves.
    const analysis::SliceSpread again = analysis::sliceSpread(*s, "x", fixed, 40);
    QCOMPARE(again.low, spread.low);
    QCOMPARE(again.high, spread.high);
    analysis::DrawOptions other;
    other.seed = 9;
    QVERIFY(analysis::sliceSpread(*s, "x", fixed, 40, other).high != spread.high);
}

void TestSliceSpread::fewObservationsSpreadWider()
{
    auto fewStudy = wave(7, 0.05), manyStudy = wave(60, 0.05);
    const auto few = gp::Surrogate::fit(fewStudy->space(), fewStudy->trials());
    const auto many = gp::Surrogate::fit(manyStudy->space(), manyStudy->trials());
    QVERIFY(few && many);
    const std::vector<double> fixed{0.5, 0.5, 0.0};
    const auto a = analysis::sliceSpread(*few, "x", fixed, 30), b = analysis::sliceSpread(*many, "x", fixed, 30);
    const QString widths = QString("7 observations: %1, 60: %2").arg(meanWidth(a)).arg(meanWidth(b));
    qInfo("%s", qPrintable(widths));
    QVERIFY2(meanWidth(a) > 3 * meanWidth(b), qPrintable(widths));
}

void TestSliceSpread::categoricalAxisAndLimit()
{
    auto st = wave(30, 0.05);
    const auto s = gp::Surrogate::fit(st->space(), st->trials());
    QVERIFY(s);
    const std::vector<double> fixed{0.3, 0.5, 0.0};
    const auto spread = analysis::sliceSpread(*s, "opt", fixed);
    QCOMPARE(spread.x, (std::vector<double>{0, 1, 2}));
    QCOMPARE(int(spread.low.size()), 3);
    QCOMPARE(int(spread.means.front().size()), 3);
    // Above maxObservations: the points, no draws.
    analysis::DrawOptions capped;
    capped.maxObservations = 29;
    const auto none = analysis::sliceSpread(*s, "x", fixed, 20, capped);
    QCOMPARE(none.draws, 0);
    QCOMPARE(int(none.x.size()), 20);
    QVERIFY(none.means.empty() && none.low.size() == 0 && none.high.size() == 0);
    capped.maxObservations = 30;
    QCOMPARE(analysis::sliceSpread(*s, "x", fixed, 20, capped).draws, 16);
}

void TestSliceSpread::rejectsBadInput()
{
    auto st = wave(6, 0.05);
    const auto s = gp::Surrogate::fit(st->space(), st->trials());
    QVERIFY(s);
    const std::vector<double> fixed{0.5, 0.5, 0.0};
    analysis::DrawOptions o;
    o.draws = 0;
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { analysis::sliceSpread(*s, "x", fixed, 10, o); }),
                    "slice spread: draws must be at least 1 (draws = 0)");
    o = {};
    o.lowQuantile = 0.8;
    o.highQuantile = 0.2;
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { analysis::sliceSpread(*s, "x", fixed, 10, o); }),
                    "quantiles must satisfy 0 <= low <= high <= 1");
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { analysis::sliceSpread(*s, "nope", fixed, 10); }), "nope");
    QVERIFY(!errorOf<std::invalid_argument>([&] { analysis::sliceSpread(*s, "x", {0.5}, 10); }).empty());
}

QTEST_MAIN(TestSliceSpread)
#include "test_slice_spread.moc"
