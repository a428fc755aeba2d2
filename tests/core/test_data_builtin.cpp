// Built-in generators (spirals, moons, circles, imbalanced), the random
// source behind them, builtinDataset by name, and Dataset's own methods.
#include "data/builtin.h"
#include "data/random.h"

#include "test_support.h"

#include <QtTest>

#include <cmath>
#include <functional>

using namespace tw::data;

namespace {

// spirals(10, 0.4, seed 0): first and last point, confirmed by an independent
// Python implementation of mt19937_64 + Box-Muller.
constexpr float kGolden[4] = {-4.45248992f, -0.656531211f, -6.73240802f, -12.1602333f};

double norm(const Dataset& d, int64_t i)
{
    return std::hypot(d.features[size_t(2 * i)], d.features[size_t(2 * i + 1)]);
}

} // namespace

class TestDataBuiltin : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void rng();
    void spiralsShapeAndBalance();
    void spiralsGeometry();
    void spiralsDeterminism();
    void moonsAndCircles();
    void imbalanced();
    void byName();
    void limitKeepsTheFirstSamplesOfEachClass();
    void datasetMethods();
};

void TestDataBuiltin::rng()
{
    Rng r(42);
    double sum = 0, sq = 0, usum = 0, umin = 1, umax = 0;
    const int n = 200000;
    for (int i = 0; i < n; ++i) {
        const double z = r.normal();
        sum += z;
        sq += z * z;
        const double u = r.uniform();
        usum += u;
        umin = std::min(umin, u);
        umax = std::max(umax, u);
    }
    QVERIFY(std::abs(sum / n) < 0.01);
    QVERIFY(std::abs(sq / n - 1) < 0.02);
    QVERIFY(std::abs(usum / n - 0.5) < 0.005);
    QVERIFY(umin >= 0 && umax < 1);
    // below(n) covers [0, n) evenly.
    std::vector<int> counts(7, 0);
    for (int i = 0; i < 70000; ++i) ++counts[size_t(r.below(7))];
    for (int c : counts) QVERIFY2(std::abs(c - 10000) < 500, qPrintable(QString::number(c)));
    // mt19937_64's 10000th output for the default seed is fixed by the standard,
    // so the draws are the same on every platform.
    std::mt19937_64 engine;
    engine.discard(9999);
    QCOMPARE(engine(), uint64_t(9981545732273789042ull));
    Rng a(7), b(7);
    for (int i = 0; i < 100; ++i) QCOMPARE(a.normal(), b.normal());
}

void TestDataBuiltin::spiralsShapeAndBalance()
{
    const BuiltinData data = builtinDataset("spirals", 0);
    QVERIFY(data.validation.has_value());
    QVERIFY(!data.test.has_value());
    const Dataset& train = data.train;
    QCOMPARE(train.size(), int64_t(4000));
    QCOMPARE(data.validation->size(), int64_t(1000));
    QCOMPARE(train.sampleShape, (std::vector<int64_t>{2}));
    QCOMPARE(train.featureNames, (std::vector<std::string>{"x", "y"}));
    QCOMPARE(train.classNames, (std::vector<std::string>{"0", "1"}));
    QVERIFY(train.task == Task::Binary);
    QCOMPARE(train.classCounts(), (std::vector<int64_t>{2000, 2000}));
    QCOMPARE(data.validation->classCounts(), (std::vector<int64_t>{500, 500}));
    QCOMPARE(train.provenance.source, std::string("builtin:spirals"));
    QCOMPARE(train.provenance.preprocessing, std::string("generated (train): n = 4000, noise = 0.4, seed = 0"));
    QCOMPARE(data.validation->provenance.preprocessing, std::string("generated (validation): n = 1000, noise = 0.4, seed = 0"));
    train.validate();
    data.validation->validate();
    // The validation samples are new draws, not copies of training samples.
    QVERIFY(data.validation->features[0] != train.features[0]);
    // The first half is class 0, the second class 1, as in the workshop.
    QCOMPARE(train.labels[1999], int64_t(0));
    QCOMPARE(train.labels[2000], int64_t(1));
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([] { spirals(1); }), "spirals: n = 1 samples; at least 2");
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([] { spirals(10, -1); }), "spirals: noise must be finite and >= 0");
}

void TestDataBuiltin::spiralsGeometry()
{
    // Without noise every point lies on the spiral ((phi+1) cos phi, phi sin phi),
    // phi in [1, 15]: its radius is between phi and phi + 1, and the second
    // class is the first mirrored through the origin.
    const Dataset d = spirals(2000, 0.0, 3);
    for (int64_t i = 0; i < d.size(); ++i) {
        const double x = d.features[size_t(2 * i)] * (d.labels[size_t(i)] ? -1 : 1);
        const double y = d.features[size_t(2 * i + 1)] * (d.labels[size_t(i)] ? -1 : 1);
        // Recover phi from y = phi sin(phi) and x = (phi + 1) cos(phi): phi solves
        // x^2/(phi+1)^2 + y^2/phi^2 = 1; check a root exists in [1, 15].
        auto f = [&](double phi) { return x * x / ((phi + 1) * (phi + 1)) + y * y / (phi * phi) - 1; };
        bool root = false;
        for (double phi = 1; phi < 15 && !root; phi += 0.01) root = f(phi) * f(phi + 0.01) <= 0 || std::abs(f(phi)) < 1e-4;
        QVERIFY2(root, qPrintable(QStringLiteral("point %1 (%2, %3) is off the spiral").arg(i).arg(x).arg(y)));
        QVERIFY(norm(d, i) >= 0.99 && norm(d, i) <= 16.01);
    }
    // With the workshop's noise the points scatter by about 0.4 per coordinate.
    const Dataset noisy = spirals(4000, 0.4, 3), clean = spirals(4000, 0.0, 3);
    double sq = 0;
    for (size_t k = 0; k < noisy.features.size(); ++k) sq += std::pow(noisy.features[k] - clean.features[k], 2);
    QVERIFY(std::abs(std::sqrt(sq / double(noisy.features.size())) - 0.4) < 0.02);
}

void TestDataBuiltin::spiralsDeterminism()
{
    const Dataset a = spirals(4000, 0.4, 11), b = spirals(4000, 0.4, 11), c = spirals(4000, 0.4, 12);
    QCOMPARE(a.features, b.features);
    QCOMPARE(a.labels, b.labels);
    QVERIFY(a.features != c.features);
    QCOMPARE(builtinDataset("spirals", 5).validation->features, builtinDataset("spirals", 5).validation->features);
    QVERIFY(builtinDataset("spirals", 5).train.features != builtinDataset("spirals", 6).train.features);
    // Golden values: the first point for seed 0 (mt19937_64 + Box-Muller).
    const Dataset g = spirals(10, 0.4, 0);
    qInfo("spirals seed 0: first point (%.9g, %.9g), last point (%.9g, %.9g)", double(g.features[0]), double(g.features[1]),
          double(g.features[18]), double(g.features[19]));
    QVERIFY(std::abs(g.features[0] - kGolden[0]) < 1e-5f);
    QVERIFY(std::abs(g.features[1] - kGolden[1]) < 1e-5f);
    QVERIFY(std::abs(g.features[18] - kGolden[2]) < 1e-5f);
    QVERIFY(std::abs(g.features[19] - kGolden[3]) < 1e-5f);
}

void TestDataBuiltin::moonsAndCircles()
{
    const Dataset m = moons(1001, 0.0, 1);
    QCOMPARE(m.size(), int64_t(1001));
    QCOMPARE(m.classCounts(), (std::vector<int64_t>{500, 501}));
    // Noise-free: the upper moon lies on the unit circle, the lower on a circle about (1, 0.5).
    for (int64_t i = 0; i < m.size(); ++i) {
        const double x = m.features[size_t(2 * i)], y = m.features[size_t(2 * i + 1)];
        const double r = m.labels[size_t(i)] == 0 ? std::hypot(x, y) : std::hypot(x - 1, y - 0.5);
        QVERIFY(std::abs(r - 1) < 1e-5);
    }
    m.validate();
    const Dataset c = circles(400, 0.0, 0.5, 1);
    QCOMPARE(c.classCounts(), (std::vector<int64_t>{200, 200}));
    for (int64_t i = 0; i < c.size(); ++i) QVERIFY(std::abs(norm(c, i) - (c.labels[size_t(i)] == 0 ? 1.0 : 0.5)) < 1e-5);
    QCOMPARE(moons(100, 0.2, 4).features, moons(100, 0.2, 4).features);
    QVERIFY(moons(100, 0.2, 4).features != moons(100, 0.2, 5).features);
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([] { circles(10, 0.1, 1.5); }), "circles: factor must be in (0, 1)");
}

void TestDataBuiltin::imbalanced()
{
    const Dataset d = imbalancedBinary(5000, 10, 0.1, 0);
    QCOMPARE(d.size(), int64_t(5000));
    QCOMPARE(d.sampleShape, (std::vector<int64_t>{10}));
    QCOMPARE(d.classCounts(), (std::vector<int64_t>{4500, 500}));
    QCOMPARE(d.featureNames.front(), std::string("x1"));
    QCOMPARE(d.featureNames.back(), std::string("x10"));
    d.validate();
    // Positives are spread out, not bunched at the start.
    int64_t firstHalf = 0;
    for (int64_t i = 0; i < 2500; ++i) firstHalf += d.labels[size_t(i)];
    QVERIFY(firstHalf > 200 && firstHalf < 300);
    // Informative features (x1..x5) shift by +-1 for the positives; x6..x10 do not.
    for (int j = 0; j < 10; ++j) {
        double mean[2] = {0, 0};
        for (int64_t i = 0; i < d.size(); ++i) mean[d.labels[size_t(i)]] += d.features[size_t(i * 10 + j)];
        const double shift = mean[1] / 500 - mean[0] / 4500;
        const double expected = j < 5 ? (j % 2 == 0 ? 1.0 : -1.0) : 0.0;
        QVERIFY2(std::abs(shift - expected) < 0.15, qPrintable(QStringLiteral("x%1: shift %2").arg(j + 1).arg(shift)));
    }
    QCOMPARE(imbalancedBinary(100, 3, 0.25, 9).features, imbalancedBinary(100, 3, 0.25, 9).features);
    QCOMPARE(imbalancedBinary(100, 3, 0.25, 9).classCounts(), (std::vector<int64_t>{75, 25}));
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([] { imbalancedBinary(100, 3, 1.0); }), "positiveFraction must be in (0, 1)");
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([] { imbalancedBinary(100, 0); }), "features must be >= 1");
}

void TestDataBuiltin::byName()
{
    QCOMPARE(builtinDatasetNames(), (std::vector<std::string>{"spirals", "moons", "circles", "imbalanced", "fashion-mnist"}));
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([] { builtinDataset("x"); }),
                    "unknown dataset 'x' (built-in: spirals, moons, circles, imbalanced, fashion-mnist)");
    const BuiltinData m = builtinDataset("moons", 1);
    QCOMPARE(m.train.size(), int64_t(2000));
    QCOMPARE(m.validation->size(), int64_t(500));
    const BuiltinData im = builtinDataset("imbalanced", 1);
    QCOMPARE(im.train.size(), int64_t(5000));
    QVERIFY(!im.validation.has_value());
    QCOMPARE(builtinDataset("circles").train.name, std::string("circles"));
}

void TestDataBuiltin::limitKeepsTheFirstSamplesOfEachClass()
{
    // The spirals are generated class after class (the second half is class
    // 1): the first 100 training samples are the first 50 of each class.
    const BuiltinData all = builtinDataset("spirals", 3);
    const BuiltinData some = builtinDataset("spirals", 3, 100);
    QCOMPARE(some.train.size(), int64_t(100));
    QCOMPARE(some.train.classCounts(), (std::vector<int64_t>{50, 50}));
    std::vector<int64_t> first;
    for (int64_t i = 0; i < 50; ++i) first.push_back(i);
    for (int64_t i = 2000; i < 2050; ++i) first.push_back(i);
    QCOMPARE(some.train.features, all.train.subset(first).features);
    QCOMPARE(some.train.labels, all.train.subset(first).labels);
    EXPECT_CONTAINS(some.train.provenance.preprocessing, "first 100 of 4000 samples");
    // The validation samples are the same 1000 fresh ones.
    QVERIFY(some.validation.has_value());
    QCOMPARE(some.validation->features, all.validation->features);
    // Classes in proportion (moons: 5.5 each, the odd one to class 0); a
    // rare class keeps its share; a limit above the size changes nothing.
    QCOMPARE(builtinDataset("moons", 0, 11).train.classCounts(), (std::vector<int64_t>{6, 5}));
    QCOMPARE(builtinDataset("circles", 0, 40).train.size(), int64_t(40));
    QCOMPARE(builtinDataset("imbalanced", 0, 1000).train.classCounts(), (std::vector<int64_t>{900, 100}));
    QCOMPARE(builtinDataset("spirals", 3, 100000).train.features, all.train.features);
}

void TestDataBuiltin::datasetMethods()
{
    const Dataset d = spirals(10, 0.4, 1);
    const Dataset s = d.subset({9, 0, 9});
    QCOMPARE(s.size(), int64_t(3));
    QCOMPARE(s.labels, (std::vector<int64_t>{1, 0, 1}));
    QCOMPARE(s.features[0], d.features[18]);
    QCOMPARE(s.features[3], d.features[1]);
    QCOMPARE(s.classNames, d.classNames);
    QCOMPARE(s.featureNames, d.featureNames);
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { d.subset({10}); }), "subset index 10 out of range (size 10)");
    QCOMPARE(d.subset({}).size(), int64_t(0));

    QCOMPARE(toString(Task::Multiclass), std::string("multiclass"));
    QVERIFY(taskFromString("regression") == Task::Regression);
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([] { taskFromString("classify"); }),
                    "unknown task 'classify' (expected binary, multiclass or regression)");

    Dataset bad = d;
    bad.labels[3] = 2;
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { bad.validate(); }), "sample 3: label 2 out of range (2 classes)");
    bad = d;
    bad.labels.pop_back();
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { bad.validate(); }), "9 labels for 10 samples");
    bad = d;
    bad.features.push_back(0);
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { bad.validate(); }), "21 feature values is not a multiple of the sample size 2");
    bad = d;
    bad.features[5] = std::nanf("");
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { bad.validate(); }), "sample 2: feature 1 is not finite");
    bad = d;
    bad.classNames = {"a", "b", "c"};
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { bad.validate(); }), "a binary task needs 2 class names (has 3)");
    bad = d;
    bad.task = Task::Regression;
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { bad.validate(); }), "0 regression targets for 10 samples");
    bad.targets.assign(10, 1.0f);
    bad.validate();
    QVERIFY(bad.classCounts().size() == 2 && bad.classCounts()[0] == 0);
}

QTEST_APPLESS_MAIN(TestDataBuiltin)
#include "test_data_builtin.moc"
