// Splits: sizes, stratified proportions, determinism, fraction checks.
#include "data/builtin.h"
#include "data/split.h"

#include "test_support.h"

#include <QtTest>

#include <algorithm>
#include <functional>
#include <set>

using namespace tw::data;

namespace {

std::vector<int64_t> countsOf(const Dataset& d, const std::vector<int64_t>& indices)
{
    std::vector<int64_t> counts(d.classNames.size(), 0);
    for (int64_t i : indices) ++counts[size_t(d.labels[size_t(i)])];
    return counts;
}

/// The three parts are sorted, disjoint and cover 0..n-1.
bool partition(const SplitIndices& s, int64_t n)
{
    std::vector<int64_t> all;
    for (const auto* part : {&s.train, &s.validation, &s.test}) {
        if (!std::is_sorted(part->begin(), part->end())) return false;
        all.insert(all.end(), part->begin(), part->end());
    }
    std::sort(all.begin(), all.end());
    if (int64_t(all.size()) != n) return false;
    for (int64_t i = 0; i < n; ++i)
        if (all[size_t(i)] != i) return false;
    return true;
}

} // namespace

class TestDataSplit : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void stratifiedSpirals();
    void stratifiedRareClass();
    void deterministic();
    void unstratifiedAndRegression();
    void fractionChecks();
};

void TestDataSplit::stratifiedSpirals()
{
    const Dataset d = spirals(4000, 0.4, 0);
    const SplitIndices s = splitIndices(d, {0.2, 0.1}, 1, true);
    QVERIFY(partition(s, 4000));
    QCOMPARE(s.validation.size(), size_t(800));
    QCOMPARE(s.test.size(), size_t(400));
    QCOMPARE(s.train.size(), size_t(2800));
    QCOMPARE(countsOf(d, s.validation), (std::vector<int64_t>{400, 400}));
    QCOMPARE(countsOf(d, s.test), (std::vector<int64_t>{200, 200}));
    QCOMPARE(countsOf(d, s.train), (std::vector<int64_t>{1400, 1400}));
    // Subsets carry the samples.
    const Dataset v = d.subset(s.validation);
    QCOMPARE(v.classCounts(), (std::vector<int64_t>{400, 400}));
    QCOMPARE(v.features[0], d.features[size_t(2 * s.validation[0])]);
}

void TestDataSplit::stratifiedRareClass()
{
    // 10% positives: each part keeps the share, totals stay exact.
    const Dataset d = imbalancedBinary(5000, 4, 0.1, 3);
    const SplitIndices s = splitIndices(d, {0.25, 0.2}, 0, true);
    QVERIFY(partition(s, 5000));
    QCOMPARE(countsOf(d, s.validation), (std::vector<int64_t>{1125, 125}));
    QCOMPARE(countsOf(d, s.test), (std::vector<int64_t>{900, 100}));
    QCOMPARE(countsOf(d, s.train), (std::vector<int64_t>{2475, 275}));
    // Uneven classes: 7 of class 0 and 3 of class 1, validation 0.5 -> 5 = 3.5 + 1.5,
    // largest remainders (ties to the lower class) give 4 + 1.
    Dataset small;
    small.name = "small";
    small.task = Task::Binary;
    small.sampleShape = {1};
    small.classNames = {"0", "1"};
    small.labels = {0, 0, 0, 0, 0, 0, 0, 1, 1, 1};
    small.features.assign(10, 0.0f);
    const SplitIndices u = splitIndices(small, {0.5, 0.0}, 2, true);
    QCOMPARE(u.validation.size(), size_t(5));
    QCOMPARE(countsOf(small, u.validation), (std::vector<int64_t>{4, 1}));
    QVERIFY(u.test.empty());
    // Many classes (Fashion-MNIST-like, 10 classes of 30): 20% -> 6 each.
    Dataset ten;
    ten.name = "ten";
    ten.task = Task::Multiclass;
    ten.sampleShape = {1};
    for (int c = 0; c < 10; ++c) ten.classNames.push_back(std::to_string(c));
    for (int i = 0; i < 300; ++i) ten.labels.push_back(i % 10);
    ten.features.assign(300, 0.0f);
    QCOMPARE(countsOf(ten, splitIndices(ten, {0.2, 0.0}, 5).validation), std::vector<int64_t>(10, 6));
}

void TestDataSplit::deterministic()
{
    const Dataset d = spirals(1000, 0.4, 0);
    const SplitIndices a = splitIndices(d, {}, 7), b = splitIndices(d, {}, 7), c = splitIndices(d, {}, 8);
    QCOMPARE(a.train, b.train);
    QCOMPARE(a.validation, b.validation);
    QVERIFY(a.validation != c.validation);
    QCOMPARE(a.validation.size(), size_t(200)); // default 0.2
    QVERIFY(a.test.empty());
    // Golden (confirmed by an independent Python implementation of mt19937_64,
    // multiply-shift and Fisher-Yates): the same indices on every platform.
    const SplitIndices g = splitIndices(spirals(20, 0.4, 0), {0.25, 0.0}, 7);
    QCOMPARE(g.validation, (std::vector<int64_t>{1, 2, 4, 10, 13}));
}

void TestDataSplit::unstratifiedAndRegression()
{
    const Dataset d = imbalancedBinary(1000, 2, 0.1, 0);
    const SplitIndices s = splitIndices(d, {0.3, 0.0}, 4, false);
    QVERIFY(partition(s, 1000));
    QCOMPARE(s.validation.size(), size_t(300));
    // Without strata the positive count in validation varies around 30.
    const int64_t positives = countsOf(d, s.validation)[1];
    QVERIFY(positives > 10 && positives < 55);

    Dataset r;
    r.name = "r";
    r.task = Task::Regression;
    r.sampleShape = {1};
    r.features.assign(9, 0.0f);
    r.targets.assign(9, 1.0f);
    const SplitIndices rs = splitIndices(r, {0.2, 0.2}, 0, true); // stratify ignored for regression
    QVERIFY(partition(rs, 9));
    QCOMPARE(rs.validation.size(), size_t(2));
    QCOMPARE(rs.test.size(), size_t(2));
    // A positive fraction gets at least one sample.
    QCOMPARE(splitIndices(r, {0.01, 0.0}, 0).validation.size(), size_t(1));
}

void TestDataSplit::fractionChecks()
{
    const Dataset d = spirals(10, 0.4, 0);
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { splitIndices(d, {-0.1, 0.0}, 0); }),
                    "split fractions: validation = -0.1 must be a finite number >= 0");
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { splitIndices(d, {0.1, std::nan("")}, 0); }),
                    "split fractions: test = nan must be a finite number >= 0");
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { splitIndices(d, {0.7, 0.4}, 0); }),
                    "split fractions: validation 0.7 + test 0.4 = 1.1 must be below 1");
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { splitIndices(d, {0.5, 0.5}, 0); }), "must be below 1");
    const Dataset two = spirals(2, 0.4, 0);
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { splitIndices(two, {0.3, 0.3}, 0); }),
                    "split: dataset 'spirals' has 2 samples; 1 for validation and 1 for test leave none for training");
    SplitFractions ok{0.0, 0.0};
    ok.validate();
    QCOMPARE(splitIndices(d, ok, 0).train.size(), size_t(10));
}

QTEST_APPLESS_MAIN(TestDataSplit)
#include "test_data_split.moc"
