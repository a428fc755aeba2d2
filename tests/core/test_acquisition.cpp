// LogEI against the closed form where EI is representable, finite and
// correct in the tail where EI underflows; UCB; erfcx; the output warp undone;
// the acquisition model the GP sampler chooses with.
#include "sampler/acquisition.h"
#include "gp/warping.h"
#include "sampler/acquisition_model.h"
#include "study/study.h"

#include <QtTest>

#include <cmath>
#include <random>
#include <numbers>

namespace acq = tw::sampler::acq;

class TestAcquisition : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void largeStudiesFitOnTheBestAndASpreadOfTheRest();
    void erfcxAgreesWithDefinition();
    void logEiMatchesClosedForm();
    void logEiFiniteWhereEiUnderflows();
    void logHIsContinuousAcrossBranches();
    void derivativesMatchFiniteDifferences();
    void ucb();
    void warpIsUndoneExactly();
    void theModelIsTheOneThatChooses_data();
    void theModelIsTheOneThatChooses();
    void feasibilityLearnsAFailingCorner();
    void feasibilityGradientMatchesFiniteDifferences();
    void theSamplerAvoidsACornerThatFails();
    void noisyEiAgreesWithEiForOneIncumbent();
    void modelBestIsNotTheLuckyDraw();
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

void TestAcquisition::warpIsUndoneExactly()
{
    // A heavy upper tail (a loss that explodes), as the warp is fitted for.
    Eigen::VectorXd y(8);
    y << 0.31, 0.35, 0.4, 0.52, 0.9, 2.5, 14.0, 120.0;
    const auto w = tw::gp::OutputWarp::fit(y);
    QVERIFY(w.lambda() < 1.0);
    for (Eigen::Index i = 0; i < y.size(); ++i) QVERIFY(std::abs(w.invert(w.apply(y[i])) - y[i]) < 1e-9 * (1 + y[i]));
    for (double l : {-0.5, 0.0, 0.5, 1.0, 2.0, 2.5})
        for (double x : {-3.0, -0.4, 0.0, 0.7, 5.0})
            QVERIFY(std::abs(tw::gp::OutputWarp::inverseYeoJohnson(tw::gp::OutputWarp::yeoJohnson(x, l), l) - x) < 1e-9);

    // Above the largest observation the inverse goes on as a straight line:
    // finite and increasing even past the bound a negative exponent puts on
    // the warped values (a posterior interval far from the data reaches
    // there; the exact inverse would read 1e308 there).
    Eigen::VectorXd tail(8);
    tail << 0.1, 0.11, 0.12, 0.13, 0.15, 0.2, 5.0, 1000.0;
    const auto heavy = tw::gp::OutputWarp::fit(tail);
    QVERIFY2(heavy.lambda() < 0.0, qPrintable(QString::number(heavy.lambda())));
    const double wTop = heavy.apply(1000.0), bound = -1.0 / heavy.lambda();
    QVERIFY(std::abs(heavy.invert(wTop) - 1000.0) < 1e-6 * 1000.0);
    double previous = heavy.invert(wTop);
    for (double w : {wTop + 1e-6, 0.5 * (wTop + bound), bound, bound + 1.0, bound + 100.0}) {
        const double y = heavy.invert(w);
        QVERIFY2(std::isfinite(y) && y > previous && y < 1e9, qPrintable(QString("w %1 -> %2").arg(w).arg(y)));
        previous = y;
    }
    QVERIFY(heavy.invert(wTop + 1e-6) - 1000.0 < 1.0); // continuous at the largest observation
}

void TestAcquisition::theModelIsTheOneThatChooses_data()
{
    QTest::addColumn<QString>("acquisition");
    QTest::addColumn<bool>("maximize");
    QTest::newRow("logei, minimize") << "logei" << false;
    QTest::newRow("ucb, maximize") << "ucb" << true;
}

void TestAcquisition::theModelIsTheOneThatChooses()
{
    QFETCH(QString, acquisition);
    QFETCH(bool, maximize);
    using namespace tw;
    study::StudyConfig c;
    c.name = "model";
    c.space = space::SearchSpace::fromJson(nlohmann::json::parse(
        R"({"parameters": [{"name": "x", "type": "float", "low": 0, "high": 1},
                           {"name": "y", "type": "float", "low": 0, "high": 1}]})"));
    c.direction = maximize ? study::Direction::Maximize : study::Direction::Minimize;
    c.sampler.seed = 5;
    c.sampler.initialTrials = 5;
    c.sampler.acquisition = acquisition.toStdString();
    auto st = study::Study::createInMemory(c);
    const auto f = [&](const std::vector<double>& v) {
        const double loss = (v[0] - 0.3) * (v[0] - 0.3) + 2 * (v[1] - 0.7) * (v[1] - 0.7);
        return maximize ? -loss : loss;
    };
    for (int i = 0; i < 8; ++i) {
        const auto t = st->ask();
        st->tell(t.number, study::Outcome::complete(f(t.params)));
    }
    const auto trials = st->trials();
    const sampler::History h{c.space, c.direction, trials};
    const auto model = sampler::AcquisitionModel::build(h, c.sampler, int(trials.size()));
    QVERIFY(model.has_value());
    // The posterior is on the objective's own scale: near the observations it reads their values.
    for (const auto& t : trials) {
        const auto p = model->posterior(c.space.toUnit(t.params));
        QVERIFY2(std::abs(p.mean - *t.value) < 0.05 + 2 * p.se, (std::to_string(p.mean) + " vs " + std::to_string(*t.value)).c_str());
    }
    // Every view fits the same model (sampler::studySurrogate): identical posteriors.
    const auto view = sampler::studySurrogate(c.space, c.direction, c.sampler, trials);
    QVERIFY(view.has_value());
    for (const auto& t : trials) {
        Eigen::VectorXd mean, se;
        view->predict({t.params}, mean, se);
        const auto p = model->posterior(c.space.toUnit(t.params));
        QCOMPARE(mean[0], p.mean);
        QCOMPARE(se[0], p.se);
    }
    // The next ask is where this model's acquisition is highest: its recorded
    // value is the model's at that point, and no point of a fine grid beats it.
    const auto next = st->ask();
    const double chosen = model->acquisition(c.space.toUnit(next.params));
    QVERIFY(std::abs(chosen - next.samplerInfo["acq_value"].get<double>()) < 1e-9 * (1 + std::abs(chosen)));
    Eigen::MatrixXd grid(61 * 61, 2);
    for (int i = 0; i < 61; ++i)
        for (int j = 0; j < 61; ++j) grid.row(i * 61 + j) << i / 60.0, j / 60.0;
    const Eigen::VectorXd a = model->acquisition(grid);
    QVERIFY2(chosen >= a.maxCoeff() - 1e-6 * (1 + std::abs(a.maxCoeff())),
             (std::to_string(chosen) + " < grid max " + std::to_string(a.maxCoeff())).c_str());
}

void TestAcquisition::feasibilityLearnsAFailingCorner()
{
    using namespace tw;
    study::StudyConfig c;
    c.name = "corner";
    c.space = space::SearchSpace::fromJson(nlohmann::json::parse(
        R"({"parameters": [{"name": "x", "type": "float", "low": 0, "high": 1},
                           {"name": "y", "type": "float", "low": 0, "high": 1}]})"));
    c.sampler.seed = 1;
    c.sampler.initialTrials = 12;
    auto st = study::Study::createInMemory(c);
    int failedInCorner = 0;
    for (int i = 0; i < 24; ++i) {
        const auto t = st->ask();
        if (t.params[0] > 0.5 && t.params[1] > 0.5) {
            st->tell(t.number, study::Outcome::failed("loss became nan"));
            ++failedInCorner;
        } else {
            st->tell(t.number, study::Outcome::complete(t.params[0] + t.params[1]));
        }
    }
    QVERIFY(failedInCorner >= 3);
    const auto trials = st->trials();
    const auto model = sampler::AcquisitionModel::build({c.space, c.direction, trials}, c.sampler, int(trials.size()));
    QVERIFY(model.has_value());
    // Where trials failed the model expects failure; where they completed, success.
    double atFailed = 0, atComplete = 0;
    int nFailed = 0, nComplete = 0;
    for (const auto& t : trials) {
        const double p = model->feasibility(c.space.toUnit(t.params).transpose())[0];
        QVERIFY(p > 0 && p < 1);
        if (t.state == study::TrialState::Failed) atFailed += p, ++nFailed;
        else atComplete += p, ++nComplete;
    }
    atFailed /= nFailed;
    atComplete /= nComplete;
    qInfo("P(feasible): %.3f at failed trials, %.3f at complete ones", atFailed, atComplete);
    QVERIFY2(atFailed < 0.5 && atComplete > 0.75,
             ("mean P(feasible) at failed trials " + std::to_string(atFailed) + ", at complete ones " +
              std::to_string(atComplete))
                 .c_str());
    Eigen::MatrixXd far(1, 2);
    far << 0.05, 0.05; // far from every failure
    QVERIFY(model->feasibility(far)[0] > 0.8);
}

void TestAcquisition::largeStudiesFitOnTheBestAndASpreadOfTheRest()
{
    // Up to the cap: every observation, in order.
    std::vector<double> few{3, 1, 2};
    QCOMPARE(tw::sampler::selectObservations(few, false, 5), (std::vector<size_t>{0, 1, 2}));
    // 10,000 observations (value = its index, scrambled): 1,000 kept, in
    // trial order, the 500 best among them, the rest spread over the others.
    std::vector<double> v(10000);
    for (size_t i = 0; i < v.size(); ++i) v[i] = double((i * 7919) % v.size());
    for (bool maximize : {false, true}) {
        const auto kept = tw::sampler::selectObservations(v, maximize);
        QCOMPARE(kept.size(), tw::sampler::kMaxGpObservations);
        QVERIFY(std::is_sorted(kept.begin(), kept.end()));
        QVERIFY(std::adjacent_find(kept.begin(), kept.end()) == kept.end());
        int best = 0;
        for (size_t i : kept) best += maximize ? v[i] >= 9500 : v[i] < 500;
        QCOMPARE(best, 500);
        // The others cover the whole history: the first and the last tenth both have some.
        QVERIFY(kept.front() < 1000 && kept.back() >= 9000);
    }
}

QTEST_APPLESS_MAIN(TestAcquisition)
#include "test_acquisition.moc"

namespace {
// A study whose objective improves towards the corner x, y -> 1, where every
// trial fails (training that diverges as the learning rate grows): the GP
// alone would be drawn there.
std::unique_ptr<tw::study::Study> divergingCornerStudy(int trials, int& failedAfterInitial)
{
    using namespace tw;
    study::StudyConfig c;
    c.name = "diverging";
    c.space = space::SearchSpace::fromJson(nlohmann::json::parse(
        R"({"parameters": [{"name": "x", "type": "float", "low": 0, "high": 1},
                           {"name": "y", "type": "float", "low": 0, "high": 1}]})"));
    c.sampler.seed = 3;
    c.sampler.initialTrials = 10;
    auto st = study::Study::createInMemory(c);
    failedAfterInitial = 0;
    for (int i = 0; i < trials; ++i) {
        const auto t = st->ask();
        const double x = t.params[0], y = t.params[1];
        if (x > 0.7 && y > 0.7) {
            st->tell(t.number, study::Outcome::failed("loss became nan"));
            if (i >= 10) ++failedAfterInitial;
        } else {
            st->tell(t.number, study::Outcome::complete(2.0 - x - y + 0.3 * (x - y) * (x - y)));
        }
    }
    return st;
}
} // namespace

void TestAcquisition::feasibilityGradientMatchesFiniteDifferences()
{
    using namespace tw;
    int failed = 0;
    const auto st = divergingCornerStudy(20, failed);
    const auto trials = st->trials();
    const auto model = sampler::AcquisitionModel::build({st->space(), st->direction(), trials}, st->config().sampler,
                                                        int(trials.size()));
    QVERIFY(model.has_value());
    QVERIFY(model->failedCount() > 0);
    for (const auto& [x, y] : std::vector<std::pair<double, double>>{{0.3, 0.4}, {0.68, 0.72}, {0.9, 0.2}}) {
        Eigen::VectorXd u(2), g;
        u << x, y;
        const double a = model->acquisitionWithGradient(u, g);
        QVERIFY(std::abs(a - model->acquisition(u)) < 1e-9 * std::max(1.0, std::abs(a)));
        for (int k = 0; k < 2; ++k) {
            const double h = 1e-6;
            Eigen::VectorXd up = u, dn = u;
            up[k] += h;
            dn[k] -= h;
            const double fd = (model->acquisition(up) - model->acquisition(dn)) / (2 * h);
            QVERIFY2(std::abs(fd - g[k]) < 1e-4 * std::max(1.0, std::abs(fd)),
                     ("d acquisition / d u" + std::to_string(k) + ": " + std::to_string(g[k]) + " vs finite difference " +
                      std::to_string(fd)).c_str());
        }
    }
}

void TestAcquisition::theSamplerAvoidsACornerThatFails()
{
    // 9% of the square fails, right where the objective is best. Once the
    // model has seen failures there, the acquisition is weighted by
    // P(success) and the GP's trials stay out of it.
    int failedAfterInitial = 0;
    divergingCornerStudy(40, failedAfterInitial);
    qInfo("failed GP trials in the corner: %d of 30", failedAfterInitial);
    QVERIFY2(failedAfterInitial <= 4, std::to_string(failedAfterInitial).c_str());
}

void TestAcquisition::noisyEiAgreesWithEiForOneIncumbent()
{
    using namespace tw::sampler::acq;
    const Value one = logNoisyExpectedImprovement(0.3, 0.2, {0.1});
    const Value ei = logExpectedImprovement(0.3, 0.2, 0.1);
    QCOMPARE(one.value, ei.value);
    // Several incumbents: the log of the mean EI, and its derivatives.
    const std::vector<double> bests{0.1, 0.25, -0.4};
    double mean = 0;
    for (double b : bests) mean += expectedImprovement(0.3, 0.2, b) / 3;
    const Value v = logNoisyExpectedImprovement(0.3, 0.2, bests);
    QVERIFY(std::abs(v.value - std::log(mean)) < 1e-9);
    const double h = 1e-6;
    const double dm = (logNoisyExpectedImprovement(0.3 + h, 0.2, bests).value -
                       logNoisyExpectedImprovement(0.3 - h, 0.2, bests).value) / (2 * h);
    const double ds = (logNoisyExpectedImprovement(0.3, 0.2 + h, bests).value -
                       logNoisyExpectedImprovement(0.3, 0.2 - h, bests).value) / (2 * h);
    QVERIFY(std::abs(dm - v.dMean) < 1e-5);
    QVERIFY(std::abs(ds - v.dSd) < 1e-5);
}

void TestAcquisition::modelBestIsNotTheLuckyDraw()
{
    // A smooth bowl (minimum at 0.4) measured with noise sd 0.05, and one
    // trial off the minimum (0.55, f = 0.09) whose draw was lucky: the best
    // observed value. The model's best is a trial nearer the minimum, with a
    // standard error that owns up to the noise.
    using namespace tw;
    study::StudyConfig c;
    c.name = "noisy";
    c.space = space::SearchSpace::fromJson(nlohmann::json::parse(
        R"({"parameters": [{"name": "x", "type": "float", "low": 0, "high": 1}]})"));
    auto st = study::Study::createInMemory(c);
    std::mt19937_64 rng(5);
    std::normal_distribution<double> noise(0.0, 0.05);
    int lucky = -1;
    for (int i = 0; i < 30; ++i) {
        const double x = (i + 0.5) / 30;
        const double f = 4 * (x - 0.4) * (x - 0.4);
        const auto asked = st->enqueue({x});
        double value = f + noise(rng);
        if (std::abs(x - 0.55) < 0.02) value = f - 0.2, lucky = asked.number; // 4 sd of luck
        st->tell(asked.number, study::Outcome::complete(value));
    }
    const auto trials = st->trials();
    QCOMPARE(st->bestTrial()->number, lucky);
    const auto surrogate = sampler::studySurrogate(c.space, c.direction, c.sampler, trials);
    QVERIFY(surrogate.has_value());
    const auto mb = sampler::modelBest(*surrogate, c.direction, trials);
    QVERIFY(mb.has_value());
    const double x = trials[size_t(mb->number)].params[0];
    qInfo("model best: trial %d at x = %.3f, mean %.3f +- %.3f", mb->number, x, mb->mean, mb->se);
    QVERIFY(mb->number != lucky);
    QVERIFY2(std::abs(x - 0.4) < 0.1, std::to_string(x).c_str());
    QVERIFY(mb->se > 0.005);
}
