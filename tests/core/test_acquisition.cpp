// LogEI against the closed form where EI is representable, finite and
// correct in the tail where EI underflows; UCB; erfcx.
#include "sampler/acquisition.h"

#include <QtTest>

#include <cmath>
#include <numbers>

namespace acq = tw::sampler::acq;

class TestAcquisition : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void erfcxAgreesWithDefinition();
    void logEiMatchesClosedForm();
    void logEiFiniteWhereEiUnderflows();
    void logHIsContinuousAcrossBranches();
    void derivativesMatchFiniteDifferences();
    void ucb();
};

void TestAcquisition::erfcxAgreesWithDefinition()
{
    for (double x : {0.0, 0.3, 1.0, 3.0, 7.5, 15.0, 24.9}) {
        const double ref = std::exp(x * x) * std::erfc(x);
        QVERIFY2(std::abs(acq::erfcx(x) - ref) < 1e-12 * std::max(1.0, ref), qPrintable(QString::number(x)));
    }
    // Far tail: erfcx(x) ~ 1 / (x sqrt(pi)).
    for (double x : {25.0, 100.0, 1e6}) {
        const double ref = 1.0 / (x * std::sqrt(std::numbers::pi));
        QVERIFY(std::abs(acq::erfcx(x) / ref - 1.0) < 1.0 / (x * x));
    }
    // Continuity at the switch between the two formulas.
    QVERIFY(std::abs(acq::erfcx(25.0 - 1e-9) - acq::erfcx(25.0)) < 1e-12);
}

void TestAcquisition::logEiMatchesClosedForm()
{
    int checked = 0;
    for (double mean : {-2.0, 0.0, 0.5, 3.0})
        for (double sd : {0.01, 0.3, 1.0, 4.0})
            for (double best : {-1.0, 0.0, 1.0}) {
                const double ei = acq::expectedImprovement(mean, sd, best);
                if (!(ei > 1e-250)) continue;
                const double lei = acq::logExpectedImprovement(mean, sd, best).value;
                QVERIFY2(std::abs(lei - std::log(ei)) < 1e-8 * std::max(1.0, std::abs(lei)),
                         qPrintable(QString("mean %1 sd %2 best %3: %4 vs %5").arg(mean).arg(sd).arg(best).arg(lei).arg(std::log(ei))));
                ++checked;
            }
    QVERIFY(checked > 30);
}

void TestAcquisition::logEiFiniteWhereEiUnderflows()
{
    // z = (best - mean) / sd = -40: EI underflows to exactly 0.
    const double ei = acq::expectedImprovement(40.0, 1.0, 0.0);
    QCOMPARE(ei, 0.0);
    const double lei = acq::logExpectedImprovement(40.0, 1.0, 0.0).value;
    QVERIFY(std::isfinite(lei));
    // Asymptotically log h(z) = -z^2/2 - log(sqrt(2 pi)) - 2 log|z| + O(1/z^2).
    const double z = -40.0;
    const double asym = -0.5 * z * z - 0.5 * std::log(2 * std::numbers::pi) - 2 * std::log(-z);
    QVERIFY(std::abs(lei - asym) < 3.0 / (z * z));
    // Still ordered: a point further into the tail is worse, not equal.
    QVERIFY(acq::logExpectedImprovement(60.0, 1.0, 0.0).value < lei);
    QVERIFY(std::isfinite(acq::logExpectedImprovement(1e6, 1.0, 0.0).value));
    QVERIFY(std::isfinite(acq::logExpectedImprovement(1.0, 0.0, 0.0).value)); // sd = 0
}

void TestAcquisition::logHIsContinuousAcrossBranches()
{
    for (double z0 : {-1.0, -20.0}) {
        const double a = acq::logH(z0 - 1e-9), b = acq::logH(z0 + 1e-9);
        QVERIFY2(std::abs(a - b) < 1e-6, qPrintable(QString("log h jumps at %1: %2 vs %3").arg(z0).arg(a).arg(b)));
        const double ga = acq::dLogH(z0 - 1e-9), gb = acq::dLogH(z0 + 1e-9);
        QVERIFY2(std::abs(ga - gb) < 1e-6 * std::max(1.0, std::abs(ga)), qPrintable(QString("dlogh jumps at %1").arg(z0)));
    }
}

void TestAcquisition::derivativesMatchFiniteDifferences()
{
    for (double z : {-35.0, -19.0, -8.0, -2.0, -0.5, 0.0, 1.5, 5.0}) {
        const double h = 1e-6 * std::max(1.0, std::abs(z));
        const double fd = (acq::logH(z + h) - acq::logH(z - h)) / (2 * h);
        QVERIFY2(std::abs(acq::dLogH(z) - fd) < 1e-5 * std::max(1.0, std::abs(fd)),
                 qPrintable(QString("z = %1: %2 vs %3").arg(z).arg(acq::dLogH(z)).arg(fd)));
    }
    const double mean = 1.3, sd = 0.4, best = 0.2;
    const auto v = acq::logExpectedImprovement(mean, sd, best);
    const double dm = (acq::logExpectedImprovement(mean + 1e-7, sd, best).value
                       - acq::logExpectedImprovement(mean - 1e-7, sd, best).value) / 2e-7;
    const double ds = (acq::logExpectedImprovement(mean, sd + 1e-7, best).value
                       - acq::logExpectedImprovement(mean, sd - 1e-7, best).value) / 2e-7;
    QVERIFY(std::abs(v.dMean - dm) < 1e-5 * std::abs(dm));
    QVERIFY(std::abs(v.dSd - ds) < 1e-5 * std::abs(ds));
}

void TestAcquisition::ucb()
{
    const auto v = acq::upperConfidenceBound(2.0, 0.5, 4.0);
    QCOMPARE(v.value, -(2.0 - 2.0 * 0.5));
    QCOMPARE(v.dMean, -1.0);
    QCOMPARE(v.dSd, 2.0);
}

QTEST_APPLESS_MAIN(TestAcquisition)
#include "test_acquisition.moc"
