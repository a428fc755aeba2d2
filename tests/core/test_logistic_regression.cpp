// train::fitLogistic: L2 logistic regression by full-batch L-BFGS, checked
// against scikit-learn's coefficients, on the Titanic files and the built-in
// generators; iterations reported as steps, the callback's stop, save/load,
// C -> 0, named errors.
#include "core/test_support.h"
#include "core/titanic_support.h"

#include "data/builtin.h"
#include "train/logistic_regression.h"
#include "train/metrics.h"
#include "util/errors.h"

#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <fstream>
#include <limits>

using namespace tw;
using namespace tw::train;

namespace {

LogisticData dataOf(const data::Dataset& d, std::span<const float> weights = {})
{
    return {d.features, d.sampleSize(), d.labels, weights};
}

double accuracy(const LogisticModel& m, const data::Dataset& d)
{
    return classificationMetrics(d.labels, m.predict(d.features), d.numClasses(), 1, 0.0).accuracy;
}

double norm(const LogisticModel& m)
{
    double s = 0;
    for (double w : m.coef) s += w * w;
    return std::sqrt(s);
}

// The fixed problems of sklearnCoefficients, with features on multiples of
// 1/8 (exact in float). Produced with scikit-learn 1.2.1 (numpy 1.24.2) by
//   rng = np.random.default_rng(7)
//   Xb = np.round(rng.normal(size=(16, 3)) * 8) / 8
//   yb = (Xb @ [1, -2, 0.5] + 0.3 + rng.normal(size=16) > 0).astype(int)
//   Xm = np.round(rng.normal(size=(18, 2)) * 8) / 8; ym = [0, 1, 2] * 6
//   Xm[ym == 1] += [1, 0]; Xm[ym == 2] += [0, 1.25]
//   LogisticRegression(C=..., fit_intercept=..., tol=1e-12, max_iter=100000).fit(X, y[, sample_weight])
const std::vector<float> kBinaryX{0.0f,   0.25f,  -0.25f,  -0.875f, -0.5f,  -1.0f,  0.0f,   1.375f, -0.5f,  -0.625f,
                                  0.5f,   0.375f, 0.125f,  -0.875f, -0.0f,  0.75f,  -1.375f, -0.5f, -1.875f, -1.25f,
                                  -1.875f, -0.25f, -1.25f, 0.25f,   0.125f, -0.125f, -2.5f, -0.5f,  -0.0f,  0.125f,
                                  -1.5f,  -0.5f,  -1.0f,   -0.75f,  1.0f,   -0.75f, -0.0f,  0.875f, -0.625f, -0.125f,
                                  0.125f, 0.125f, -1.25f,  0.125f,  1.375f, -1.5f,  0.875f, 0.125f};
const std::vector<int64_t> kBinaryY{0, 1, 0, 0, 1, 1, 0, 1, 0, 1, 1, 0, 0, 0, 0, 0};
const std::vector<float> kMultiX{-0.625f, -0.25f,  1.875f, 1.125f,  -1.375f, 0.5f,   0.625f, -2.0f,  0.5f,
                                 -0.125f, 1.25f,   2.0f,   -0.375f, -0.375f, 0.75f,  1.5f,   -0.375f, 1.0f,
                                 0.375f,  -0.125f, 0.75f,  -1.125f, 0.0f,    0.75f,  1.125f, 0.625f, 1.0f,
                                 0.625f,  -0.375f, 2.25f,  -0.0f,   0.625f,  -0.25f, 0.375f, -1.75f, -0.75f};
const std::vector<int64_t> kMultiY{0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2};

void expectClose(const std::vector<double>& got, const std::vector<double>& want, double tol)
{
    QCOMPARE(got.size(), want.size());
    for (size_t i = 0; i < got.size(); ++i)
        QVERIFY2(std::fabs(got[i] - want[i]) <= tol,
                 qPrintable(QStringLiteral("[%1] %2 vs scikit-learn %3").arg(i).arg(got[i], 0, 'g', 10).arg(want[i])));
}

} // namespace

class TestLogisticRegression : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void sklearnCoefficients();
    void titanic();
    void generatedSets();
    void stepsAndCallbackStop();
    void smallCShrinksWeights();
    void classWeightsShiftPredictions();
    void saveAndLoad();
    void badParamsNameTheKey();
};

void TestLogisticRegression::sklearnCoefficients()
{
    LogisticParams p;
    p.tol = 1e-10;
    p.maxIter = 1000;
    const LogisticData bin{kBinaryX, 3, kBinaryY, {}};
    LogisticFitInfo info;
    LogisticModel m = fitLogistic(p, 2, bin, nullptr, {}, 10, &info);
    QVERIFY(info.converged);
    QCOMPARE(m.rows(), 1);
    expectClose(m.coef, {0.2831225304, -1.36503725, 0.2705719055}, 1e-6);
    expectClose(m.intercept, {-0.4371442683}, 1e-6);

    p.c = 0.1;
    p.fitIntercept = false;
    m = fitLogistic(p, 2, bin);
    expectClose(m.coef, {0.1389539805, -0.329110926, 0.0918195263}, 1e-6);
    expectClose(m.intercept, {0.0}, 0.0);

    // Sample weights: 3 for class 1.
    std::vector<float> w;
    for (int64_t y : kBinaryY) w.push_back(y == 0 ? 1.0f : 3.0f);
    p.c = 1.0;
    p.fitIntercept = true;
    m = fitLogistic(p, 2, {kBinaryX, 3, kBinaryY, w});
    // scikit-learn stops short here (its gradient of the summed objective is
    // still 3e-5 at its answer; ours reaches a lower objective), hence 5e-5.
    expectClose(m.coef, {0.1706746305, -1.7631706361, 0.3033550892}, 5e-5);
    expectClose(m.intercept, {0.375829342}, 5e-5);

    // Multinomial: one row per class.
    p.c = 0.5;
    m = fitLogistic(p, 3, {kMultiX, 2, kMultiY, {}});
    QCOMPARE(m.rows(), 3);
    expectClose(m.coef, {0.1019545486, -0.5249899941, 0.6058651187, -0.1210311711, -0.7078196673, 0.6460211652}, 1e-6);
    expectClose(m.intercept, {0.2380076356, -0.0139571476, -0.224050488}, 1e-6);
    const auto proba = m.predictProba(kMultiX);
    for (size_t i = 0; i < proba.size(); i += 3) QVERIFY(std::fabs(proba[i] + proba[i + 1] + proba[i + 2] - 1) < 1e-6);
}

void TestLogisticRegression::titanic()
{
    TITANIC_OR_SKIP();
    const auto t = titanic::load();
    const auto& s = *t->splits;
    for (double c : {0.1, 1.0, 10.0}) {
        LogisticParams p;
        p.c = c;
        const LogisticData train = dataOf(s.train), valid = dataOf(s.validation);
        LogisticFitInfo info;
        const LogisticModel m = fitLogistic(p, 2, train, &valid, {}, 10, &info);
        const double acc = accuracy(m, s.validation);
        qInfo("logistic regression C = %g, Titanic: validation accuracy %.4f, test %.4f, %d iterations%s", c, acc,
              accuracy(m, *s.test), info.iterations, info.converged ? " (converged)" : "");
        QVERIFY2(acc >= 0.75, qPrintable(QString::number(acc)));
        QVERIFY(info.converged);
    }
}

void TestLogisticRegression::generatedSets()
{
    const auto moons = data::builtinDataset("moons", 0);
    const LogisticModel m = fitLogistic({}, 2, dataOf(moons.train));
    const double acc = accuracy(m, *moons.validation);
    qInfo("logistic regression, moons validation accuracy %.4f", acc);
    QVERIFY2(acc >= 0.83, qPrintable(QString::number(acc)));
    // Concentric circles are not linearly separable: about chance.
    const auto circles = data::builtinDataset("circles", 0);
    const double accC = accuracy(fitLogistic({}, 2, dataOf(circles.train)), *circles.validation);
    qInfo("logistic regression, circles validation accuracy %.4f", accC);
    QVERIFY(accC < 0.7);
}

void TestLogisticRegression::stepsAndCallbackStop()
{
    TITANIC_OR_SKIP();
    const auto t = titanic::load();
    const auto& s = *t->splits;
    LogisticParams p;
    p.tol = 1e-12; // run all iterations
    p.maxIter = 50;
    const LogisticData train = dataOf(s.train), valid = dataOf(s.validation);
    std::vector<LogisticReport> reports;
    std::vector<std::vector<float>> proba;
    LogisticFitInfo info;
    const LogisticModel m = fitLogistic(p, 2, train, &valid,
                                        [&](const LogisticReport& r) {
                                            reports.push_back(r);
                                            proba.push_back(*r.validationProba);
                                            return true;
                                        },
                                        5, &info);
    QVERIFY(!reports.empty() && reports.size() <= 5);
    for (size_t i = 0; i < reports.size(); ++i) {
        QCOMPARE(reports[i].step, int(i + 1));
        QVERIFY(reports[i].iterations <= 10 * int(i + 1));
        if (i) QVERIFY(reports[i].objective <= reports[i - 1].objective + 1e-12);
        QVERIFY(reports[i].trainLoss <= reports[i].objective);
    }
    QCOMPARE(m.predictProba(s.validation.features), proba.back());

    // Stopped after the first step: the weights of that step.
    LogisticModel first;
    const LogisticModel stopped = fitLogistic(p, 2, train, &valid,
                                              [&](const LogisticReport& r) {
                                                  first = *r.model;
                                                  return false;
                                              },
                                              5, &info);
    QVERIFY(info.stopped);
    QVERIFY(info.iterations <= 10);
    QCOMPARE(stopped.coef, first.coef);
    QCOMPARE(stopped.predictProba(s.validation.features), proba.front());
}

void TestLogisticRegression::smallCShrinksWeights()
{
    const auto moons = data::builtinDataset("moons", 0);
    double previous = std::numeric_limits<double>::infinity();
    for (double c : {100.0, 1.0, 0.01, 1e-4, 1e-7}) {
        LogisticParams p;
        p.c = c;
        const LogisticModel m = fitLogistic(p, 2, dataOf(moons.train));
        qInfo("C = %g: |W| = %.6g", c, norm(m));
        QVERIFY(norm(m) < previous);
        previous = norm(m);
    }
    QVERIFY(previous < 1e-3);
}

void TestLogisticRegression::classWeightsShiftPredictions()
{
    const auto d = data::builtinDataset("imbalanced", 0).train; // 10% positives
    const LogisticModel plain = fitLogistic({}, 2, dataOf(d));
    const auto cw = balancedClassWeights(d.classCounts());
    std::vector<float> w;
    for (int64_t y : d.labels) w.push_back(float(cw[size_t(y)]));
    const LogisticModel balanced = fitLogistic({}, 2, dataOf(d, w));
    auto positives = [&](const LogisticModel& m) {
        const auto y = m.predict(d.features);
        return std::count(y.begin(), y.end(), 1);
    };
    const auto truth = std::count(d.labels.begin(), d.labels.end(), 1);
    qInfo("predicted positives: %ld plain, %ld balanced, %ld true", long(positives(plain)), long(positives(balanced)),
          long(truth));
    QVERIFY(positives(balanced) > positives(plain));
    const auto recall = [&](const LogisticModel& m) {
        return classificationMetrics(d.labels, m.predict(d.features), 2, 1, 0).recall;
    };
    QVERIFY(recall(balanced) > recall(plain));
}

void TestLogisticRegression::saveAndLoad()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath("lr.json").toStdString();
    const LogisticModel m = fitLogistic({}, 3, {kMultiX, 2, kMultiY, {}});
    m.save(path);
    const LogisticModel back = LogisticModel::load(path);
    QCOMPARE(back.coef, m.coef);
    QCOMPARE(back.intercept, m.intercept);
    QCOMPARE(back.predictProba(kMultiX), m.predictProba(kMultiX));
    EXPECT_CONTAINS(errorOf<IoError>([&] { LogisticModel::load(dir.filePath("none.json").toStdString()); }),
                    "none.json: cannot open");
    const std::string bad = dir.filePath("bad.json").toStdString();
    { std::ofstream(bad) << R"({"num_classes": 3, "num_features": 2, "coef": [1, 2], "intercept": [0, 0, 0]})"; }
    EXPECT_CONTAINS(errorOf<ParseError>([&] { LogisticModel::load(bad); }), "'coef' must be an array of 6 numbers");
}

void TestLogisticRegression::badParamsNameTheKey()
{
    auto msg = [](const nlohmann::json& j) {
        return errorOf<std::invalid_argument>([&] { LogisticParams::fromJson(j); });
    };
    QCOMPARE(msg({{"C", 0}}), std::string("model: 'C' must be > 0 (C = 0)"));
    QCOMPARE(msg({{"max_iter", 0}}), std::string("model: 'max_iter' must be in 1..100000 (max_iter = 0)"));
    EXPECT_CONTAINS(msg({{"tol", -1}}), "'tol' must be > 0 (tol = -1)");
    EXPECT_CONTAINS(msg({{"fit_intercept", "yes"}}), "'fit_intercept' must be true or false");
    EXPECT_CONTAINS(msg({{"penalty", "l1"}}), "unknown setting 'penalty'");
    const LogisticParams p = LogisticParams::fromJson({{"C", 0.25}, {"fit_intercept", false}});
    QCOMPARE(p.c, 0.25);
    QCOMPARE(LogisticParams::fromJson(p.toJson()).toJson(), p.toJson());

    std::vector<int64_t> y = kBinaryY;
    y[3] = 2;
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { fitLogistic({}, 2, {kBinaryX, 3, y, {}}); }),
                    "training samples: label 2 is not in 0..1");
    std::vector<float> x = kBinaryX;
    x[4] = std::nanf("");
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { fitLogistic({}, 2, {x, 3, kBinaryY, {}}); }),
                    "missing or not finite");
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { fitLogistic({}, 1, {kBinaryX, 3, kBinaryY, {}}); }),
                    "needs >= 2 classes");
}

QTEST_GUILESS_MAIN(TestLogisticRegression)
#include "test_logistic_regression.moc"
