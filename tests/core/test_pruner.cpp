// The median pruner.
#include "study/pruner.h"

#include <nlohmann/json.hpp>

#include <QtTest>

using namespace tw::study;

namespace {
Trial finished(int number, std::vector<double> curve, TrialState state = TrialState::Complete)
{
    Trial t;
    t.number = number;
    t.state = state;
    for (size_t i = 0; i < curve.size(); ++i) t.intermediate.push_back({int(i) + 1, curve[i]});
    return t;
}
} // namespace

class TestPruner : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void offByDefault();
    void prunesBelowMedianWhenMaximizing();
    void prunesAboveMedianWhenMinimizing();
    void respectsWarmupAndMinimumTrials();
    void ignoresFailedAndRunningTrials();
    void configJson();
};

void TestPruner::offByDefault()
{
    PrunerConfig c;
    std::vector<Trial> ts{finished(0, {0.9, 0.9}), finished(1, {0.9, 0.9}), finished(2, {0.9, 0.9})};
    QVERIFY(!shouldPrune(c, Direction::Maximize, ts, 3, 2, 0.1));
}

void TestPruner::prunesBelowMedianWhenMaximizing()
{
    PrunerConfig c{"median", 1, 3};
    // Accuracies at epoch 2: 0.5, 0.7, 0.8, 0.9 -> median 0.75.
    std::vector<Trial> ts{finished(0, {0.4, 0.5}), finished(1, {0.6, 0.7}), finished(2, {0.7, 0.8}),
                          finished(3, {0.8, 0.9}, TrialState::Pruned)};
    QVERIFY(shouldPrune(c, Direction::Maximize, ts, 4, 2, 0.74));
    QVERIFY(!shouldPrune(c, Direction::Maximize, ts, 4, 2, 0.76));
    QVERIFY(shouldPrune(c, Direction::Maximize, ts, 4, 2, std::nan("")));
}

void TestPruner::prunesAboveMedianWhenMinimizing()
{
    PrunerConfig c{"median", 0, 3};
    std::vector<Trial> ts{finished(0, {1.0}), finished(1, {2.0}), finished(2, {3.0})};
    QVERIFY(shouldPrune(c, Direction::Minimize, ts, 3, 1, 2.5));
    QVERIFY(!shouldPrune(c, Direction::Minimize, ts, 3, 1, 1.5));
}

void TestPruner::respectsWarmupAndMinimumTrials()
{
    PrunerConfig c{"median", 2, 3};
    std::vector<Trial> ts{finished(0, {0.9, 0.9, 0.9}), finished(1, {0.9, 0.9, 0.9}), finished(2, {0.9, 0.9})};
    QVERIFY(!shouldPrune(c, Direction::Maximize, ts, 3, 2, 0.1)); // within warm-up
    QVERIFY(!shouldPrune(c, Direction::Maximize, ts, 3, 3, 0.1)); // only 2 trials reached epoch 3
    ts.push_back(finished(4, {0.9, 0.9, 0.9}));
    QVERIFY(shouldPrune(c, Direction::Maximize, ts, 3, 3, 0.1));
}

void TestPruner::ignoresFailedAndRunningTrials()
{
    PrunerConfig c{"median", 0, 1};
    std::vector<Trial> ts{finished(0, {0.9}, TrialState::Failed), finished(1, {0.9}, TrialState::Running)};
    QVERIFY(!shouldPrune(c, Direction::Maximize, ts, 2, 1, 0.1));
}

void TestPruner::configJson()
{
    const auto c = PrunerConfig::fromJson(nlohmann::json::parse(R"({"type":"median","warmup_epochs":3})"), "spec.json");
    QCOMPARE(QString::fromStdString(c.type), QString("median"));
    QCOMPARE(c.warmupSteps, 3);
    QCOMPARE(c.minTrials, 3);
    QCOMPARE(PrunerConfig::fromJson(c.toJson()).toJson(), c.toJson());
    try {
        PrunerConfig::fromJson(nlohmann::json::parse(R"({"type":"hyperband"})"), "spec.json");
        QFAIL("accepted an unknown pruner");
    } catch (const std::invalid_argument& e) {
        QVERIFY(QString(e.what()).contains("spec.json"));
        QVERIFY(QString(e.what()).contains("hyperband"));
    }
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, PrunerConfig::fromJson(nlohmann::json::parse(R"({"patience":3})")));
}

QTEST_APPLESS_MAIN(TestPruner)
#include "test_pruner.moc"
