// Posterior draws of the GP hyperparameters (gp::hyperparameterSamples): they
// stay within the fit's bounds, a seed reproduces them, different seeds
// differ, they spread more with few observations than with many, and bad
// options are named.
#include "gp/hyperparameter_samples.h"
#include "test_support.h"

#include <QtTest>

#include <cmath>
#include <random>

using namespace tw;

namespace {

/// A GP fitted on n points of [0,1]^2 where y = sin(6 x0) + noise (x1 is irrelevant).
gp::GaussianProcess fitted(int n, double noise, uint64_t seed = 3)
{
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::normal_distribution<double> e(0.0, noise);
    Eigen::MatrixXd X(n, 2);
    Eigen::VectorXd y(n);
    for (int i = 0; i < n; ++i) {
        X(i, 0) = u(rng);
        X(i, 1) = u(rng);
        y[i] = std::sin(6 * X(i, 0)) + e(rng);
    }
    gp::GaussianProcess g;
    g.fit(X, y);
    return g;
}

double spread(const std::vector<Eigen::VectorXd>& draws, int k)
{
    double lo = INFINITY, hi = -INFINITY;
    for (const auto& t : draws) lo = std::min(lo, t[k]), hi = std::max(hi, t[k]);
    return hi - lo;
}

} // namespace

class TestHyperparameterSamples : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void drawsStayWithinBounds();
    void deterministicBySeed();
    void fewObservationsSpreadMore();
    void rejectsBadOptions();
};

void TestHyperparameterSamples::drawsStayWithinBounds()
{
    for (int n : {6, 40}) {
        const auto g = fitted(n, 0.3);
        gp::SampleOptions o;
        o.draws = 30;
        const auto draws = gp::hyperparameterSamples(g, o);
        QCOMPARE(int(draws.size()), 30);
        std::vector<double> lo, hi;
        gp::GaussianProcess::bounds(2, lo, hi);
        for (const auto& t : draws) {
            QCOMPARE(int(t.size()), 5);
            QVERIFY(t.allFinite());
            for (int k = 0; k < 5; ++k)
                QVERIFY2(t[k] >= lo[size_t(k)] && t[k] <= hi[size_t(k)],
                         (std::to_string(k) + ": " + std::to_string(t[k])).c_str());
        }
        // The chain moves: not every draw is the MAP.
        QVERIFY(spread(draws, 0) > 0);
    }
}

void TestHyperparameterSamples::deterministicBySeed()
{
    const auto g = fitted(20, 0.2);
    gp::SampleOptions o;
    o.seed = 11;
    const auto a = gp::hyperparameterSamples(g, o), b = gp::hyperparameterSamples(g, o);
    QCOMPARE(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) QVERIFY(a[i] == b[i]);
    o.seed = 12;
    const auto c = gp::hyperparameterSamples(g, o);
    bool differs = false;
    for (size_t i = 0; i < a.size(); ++i) differs = differs || a[i] != c[i];
    QVERIFY(differs);
}

void TestHyperparameterSamples::fewObservationsSpreadMore()
{
    gp::SampleOptions o;
    o.draws = 40;
    // The relevant lengthscale (log, index 0) is pinned down by many points.
    const auto few = gp::hyperparameterSamples(fitted(8, 0.3), o);
    const auto many = gp::hyperparameterSamples(fitted(80, 0.3), o);
    QVERIFY2(spread(few, 0) > 2 * spread(many, 0),
             (std::to_string(spread(few, 0)) + " vs " + std::to_string(spread(many, 0))).c_str());
}

void TestHyperparameterSamples::rejectsBadOptions()
{
    const auto g = fitted(6, 0.1);
    gp::SampleOptions o;
    o.draws = 0;
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { gp::hyperparameterSamples(g, o); }),
                    "draws must be at least 1 (draws = 0)");
    o = {};
    o.thin = 0;
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { gp::hyperparameterSamples(g, o); }), "thin must be at least 1");
    o = {};
    o.burnIn = -1;
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { gp::hyperparameterSamples(g, o); }),
                    "burnIn must be at least 0");
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { gp::hyperparameterSamples(gp::GaussianProcess{}, {}); }),
                    "not fitted");
}

QTEST_MAIN(TestHyperparameterSamples)
#include "test_hyperparameter_samples.moc"
