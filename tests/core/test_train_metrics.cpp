// Metrics against hand-computed values, and the trainer's criteria (LibTorch)
// against their formulas.
#include "train/metrics.h"
#include "train/trainer.h"

#include <nlohmann/json.hpp>

#include <QtTest>

#include <cmath>

using namespace tw::train;

class TestTrainMetrics : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void binaryRarePositiveClass();
    void zeroDivisionIsZero();
    void multiclassMacroAndBalanced();
    void regression();
    void balancedWeightsFormula();
    void weightedCrossEntropyMatchesFormula();
    void bceWithPosWeightMatchesFormula();
    void mseOnProbabilitiesMatchesFormula();
    void namesAndJson();
    void averagesMatchScikitLearn();
    void labelsAndRanges();
};

namespace {

bool close(double a, double b, double tol = 1e-9)
{
    return std::fabs(a - b) <= tol;
}

} // namespace

void TestTrainMetrics::binaryRarePositiveClass()
{
    // 8 negatives, 2 positives. Predicted positive: two negatives (FP) and one
    // positive (TP); the other positive is missed (FN).
    const std::vector<int64_t> truth{0, 0, 0, 0, 0, 0, 0, 0, 1, 1};
    const std::vector<int64_t> pred{0, 0, 0, 0, 0, 0, 1, 1, 1, 0};
    const Metrics m = classificationMetrics(truth, pred, 2, 1, 0.5);
    QCOMPARE(m.loss, 0.5);
    QVERIFY(close(m.accuracy, 0.7));         // 6 TN + 1 TP of 10
    QVERIFY(close(m.precision, 1.0 / 3.0));  // TP / (TP + FP) = 1 / 3
    QVERIFY(close(m.recall, 0.5));           // TP / (TP + FN) = 1 / 2
    QVERIFY(close(m.f1, 0.4));               // 2PR / (P + R) = (1/3) / (5/6)
    // Class 0: TP 6, FP 1, FN 2 -> F1 = 12 / 15 = 0.8, recall 0.75.
    QVERIFY(close(m.f1Macro, (0.8 + 0.4) / 2));
    QVERIFY(close(m.balancedAccuracy, (0.75 + 0.5) / 2));
    QVERIFY(std::isnan(m.mse) && std::isnan(m.r2));

    // The other class as positive.
    const Metrics m0 = classificationMetrics(truth, pred, 2, 0, 0.5);
    QVERIFY(close(m0.precision, 6.0 / 7.0));
    QVERIFY(close(m0.recall, 0.75));
    QVERIFY(close(m0.f1, 0.8));
}

void TestTrainMetrics::zeroDivisionIsZero()
{
    // The positive class is never predicted: precision 0/0 -> 0, F1 0.
    const Metrics m = classificationMetrics({0, 0, 1}, {0, 0, 0}, 2, 1, 0);
    QCOMPARE(m.precision, 0.0);
    QCOMPARE(m.recall, 0.0);
    QCOMPARE(m.f1, 0.0);
    // No positive sample at all, none predicted: all 0 as well.
    const Metrics n = classificationMetrics({0, 0}, {0, 0}, 2, 1, 0);
    QCOMPARE(n.precision, 0.0);
    QCOMPARE(n.recall, 0.0);
    QCOMPARE(n.f1, 0.0);
    QCOMPARE(n.f1Macro, 1.0);          // only class 0 takes part
    QCOMPARE(n.balancedAccuracy, 1.0);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, classificationMetrics({0}, {0, 1}, 2, 1, 0));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, classificationMetrics({0}, {2}, 2, 1, 0));
}

void TestTrainMetrics::multiclassMacroAndBalanced()
{
    // Four classes, class 3 absent from truth and predictions (left out of
    // the macro averages, as scikit-learn does).
    const std::vector<int64_t> truth{0, 0, 1, 1, 2, 2};
    const std::vector<int64_t> pred{0, 1, 1, 1, 2, 0};
    const Metrics m = classificationMetrics(truth, pred, 4, 1, 0);
    QVERIFY(close(m.accuracy, 4.0 / 6.0));
    // class 0: TP 1 FP 1 FN 1 -> F1 0.5, recall 0.5
    // class 1: TP 2 FP 1 FN 0 -> F1 0.8, recall 1
    // class 2: TP 1 FP 0 FN 1 -> F1 2/3, recall 0.5
    QVERIFY(close(m.f1Macro, (0.5 + 0.8 + 2.0 / 3.0) / 3));
    QVERIFY(close(m.balancedAccuracy, (0.5 + 1.0 + 0.5) / 3));
    QVERIFY(close(m.precision, 2.0 / 3.0)); // class 1 one-vs-rest
    QVERIFY(close(m.recall, 1.0));
    QVERIFY(close(m.f1, 0.8));
}

void TestTrainMetrics::regression()
{
    const Metrics m = regressionMetrics({1, 2, 3, 4}, {1, 2, 3, 5}, 0.25);
    QVERIFY(close(m.mse, 0.25));
    QVERIFY(close(m.mae, 0.25));
    QVERIFY(close(m.r2, 1.0 - 1.0 / 5.0)); // SS_tot = 2.25 + 0.25 + 0.25 + 2.25
    QVERIFY(std::isnan(m.accuracy));
    QCOMPARE(regressionMetrics({2, 2}, {2, 2}, 0).r2, 1.0);
    QCOMPARE(regressionMetrics({2, 2}, {2, 3}, 0).r2, 0.0);
}

void TestTrainMetrics::balancedWeightsFormula()
{
    // n / (k * count_c): n = 10, k = 2.
    const auto w = balancedClassWeights({8, 2});
    QCOMPARE(w.size(), size_t(2));
    QVERIFY(close(w[0], 10.0 / 16.0));
    QVERIFY(close(w[1], 10.0 / 4.0));
    const auto w3 = balancedClassWeights({5, 0, 15});
    QVERIFY(close(w3[0], 20.0 / 15.0));
    QCOMPARE(w3[1], 1.0); // no sample: weight 1
    QVERIFY(close(w3[2], 20.0 / 45.0));
    TrainConfig t;
    t.classWeights = "balanced";
    QCOMPARE(t.classWeightValues({8, 2}), w);
    t.classWeights = "1,5";
    QCOMPARE(t.classWeightValues({8, 2}), (std::vector<double>{1, 5}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, t.classWeightValues({1, 1, 1}));
    t.classWeights = "none";
    QVERIFY(t.classWeightValues({8, 2}).empty());
}

void TestTrainMetrics::weightedCrossEntropyMatchesFormula()
{
    // Three samples, three classes, weights 1, 2, 3.
    const std::vector<float> logits{2.0f, 1.0f, 0.0f, /**/ 0.5f, 1.5f, -1.0f, /**/ 0.0f, 0.0f, 3.0f};
    const std::vector<int64_t> labels{0, 2, 1};
    const std::vector<double> w{1, 2, 3};
    auto nll = [&](int i) {
        const float* z = logits.data() + 3 * i;
        return std::log(std::exp(double(z[0])) + std::exp(double(z[1])) + std::exp(double(z[2]))) -
               double(z[labels[size_t(i)]]);
    };
    // Sample weights w[y_i] = 1, 3, 2; PyTorch divides by their sum.
    const double expected = (1 * nll(0) + 3 * nll(1) + 2 * nll(2)) / (1 + 3 + 2);
    const double unweighted = (nll(0) + nll(1) + nll(2)) / 3;
    QVERIFY(close(weightedCrossEntropy(logits, 3, labels, w), expected, 1e-12));
    QVERIFY(close(lossValue("cross_entropy", logits, 3, labels, w), expected, 1e-5));
    QVERIFY(close(lossValue("cross_entropy", logits, 3, labels), unweighted, 1e-5));
    QVERIFY(close(weightedCrossEntropy(logits, 3, labels), unweighted, 1e-12));
    // Hand-checked number for the first sample alone: log(e^2 + e + 1) - 2.
    QVERIFY(close(lossValue("cross_entropy", {2, 1, 0}, 3, {0}), 0.40760596444, 1e-6));
}

void TestTrainMetrics::bceWithPosWeightMatchesFormula()
{
    // One logit per sample; class weights {2, 6} -> pos_weight = 6 / 2 = 3.
    const std::vector<float> z{1.0f, -0.5f, 2.0f, 0.0f};
    const std::vector<int64_t> y{1, 0, 0, 1};
    auto sigmoid = [](double v) { return 1.0 / (1.0 + std::exp(-v)); };
    double sum = 0, sumPlain = 0;
    for (size_t i = 0; i < z.size(); ++i) {
        const double p = sigmoid(z[i]);
        sum += -(3.0 * double(y[i]) * std::log(p) + (1.0 - double(y[i])) * std::log(1.0 - p));
        sumPlain += -(double(y[i]) * std::log(p) + (1.0 - double(y[i])) * std::log(1.0 - p));
    }
    QVERIFY(close(lossValue("bce", z, 1, y, {2, 6}), sum / 4, 1e-5));
    QVERIFY(close(lossValue("bce", z, 1, y), sumPlain / 4, 1e-5));
}

void TestTrainMetrics::mseOnProbabilitiesMatchesFormula()
{
    // Classification with mse: mean over samples and classes of
    // (softmax(z) - onehot(y))^2; with class weights, sample i weighs w[y_i].
    const std::vector<float> z{1.0f, 0.0f, /**/ 0.0f, 2.0f, /**/ -1.0f, 1.0f};
    const std::vector<int64_t> y{0, 0, 1};
    std::vector<double> perSample;
    for (size_t i = 0; i < 3; ++i) {
        const double e0 = std::exp(double(z[2 * i])), e1 = std::exp(double(z[2 * i + 1]));
        const double p0 = e0 / (e0 + e1), p1 = e1 / (e0 + e1);
        const double t0 = y[i] == 0 ? 1 : 0, t1 = 1 - t0;
        perSample.push_back(((p0 - t0) * (p0 - t0) + (p1 - t1) * (p1 - t1)) / 2);
    }
    const double plain = (perSample[0] + perSample[1] + perSample[2]) / 3;
    const double weighted = (1 * perSample[0] + 1 * perSample[1] + 4 * perSample[2]) / 6;
    QVERIFY(close(lossValue("mse", z, 2, y), plain, 1e-6));
    QVERIFY(close(lossValue("mse", z, 2, y, {1, 4}), weighted, 1e-6));
}

void TestTrainMetrics::averagesMatchScikitLearn()
{
    // Four classes, class 3 never predicted. The expected values are
    // scikit-learn 1.2's precision/recall/f1_score(average=..., zero_division=0).
    const std::vector<int64_t> t{0, 0, 1, 1, 2, 2, 2, 0, 1, 2, 3};
    const std::vector<int64_t> p{0, 1, 1, 1, 2, 0, 2, 0, 2, 2, 0};
    const Metrics m = classificationMetrics(t, p, 4, 2, 0.0);
    QVERIFY(close(m.get("precision_macro"), 0.47916666666666663, 1e-12));
    QVERIFY(close(m.get("recall_macro"), 0.5208333333333333, 1e-12));
    QVERIFY(close(m.get("f1_macro"), 0.49702380952380953, 1e-12));
    QVERIFY(close(m.get("precision_weighted"), 0.5909090909090909, 1e-12));
    QVERIFY(close(m.get("recall_weighted"), 0.6363636363636364, 1e-12));
    QVERIFY(close(m.get("f1_weighted"), 0.6103896103896104, 1e-12));
    QVERIFY(close(m.get("f1"), 0.75, 1e-12)); // of class 2, the chosen positive class
    QVERIFY(close(m.get("recall_weighted"), m.get("accuracy"), 1e-12));
    const auto j = m.toJson();
    QVERIFY(j.contains("f1_weighted") && j.contains("precision_macro") && j.contains("recall_macro"));
    QCOMPARE(Metrics::fromJson(j).get("precision_weighted"), m.get("precision_weighted"));
    QVERIFY(std::isnan(regressionMetrics({1.f, 2.f}, {1.f, 2.f}, 0.0).get("f1_weighted")));
}

void TestTrainMetrics::labelsAndRanges()
{
    QCOMPARE(Metrics::label("f1", "spam"), std::string("F1 (class 'spam')"));
    QCOMPARE(Metrics::label("f1"), std::string("F1 (second class)"));
    QCOMPARE(Metrics::label("f1_macro", "spam"), std::string("F1 (macro)"));
    QCOMPARE(Metrics::label("precision_weighted"), std::string("precision (weighted)"));
    QCOMPARE(Metrics::label("loss"), std::string("validation loss"));
    QCOMPARE(Metrics::label("accuracy"), std::string("accuracy"));
    QVERIFY(Metrics::usesPositiveClass("recall"));
    QVERIFY(!Metrics::usesPositiveClass("recall_macro"));
    QCOMPARE(Metrics::range("f1_weighted"), std::make_pair(0.0, 1.0));
    QCOMPARE(Metrics::range("loss").first, 0.0);
    QVERIFY(std::isinf(Metrics::range("loss").second));
    QCOMPARE(Metrics::range("r2").second, 1.0);
    QVERIFY(std::isinf(Metrics::range("r2").first));
    for (const auto& n : Metrics::names()) QVERIFY(Metrics::appliesTo(n, true) || Metrics::appliesTo(n, false));
}

void TestTrainMetrics::namesAndJson()
{
    Metrics m = classificationMetrics({0, 1}, {0, 1}, 2, 1, 0.1);
    QCOMPARE(m.get("f1_macro"), 1.0);
    QCOMPARE(m.get("balanced_accuracy"), 1.0);
    QVERIFY(std::isnan(m.get("r2")));
    try {
        m.get("auc");
        QFAIL("expected invalid_argument");
    } catch (const std::invalid_argument& e) {
        const std::string what = e.what();
        QVERIFY2(what.find("'auc'") != std::string::npos && what.find("balanced_accuracy") != std::string::npos,
                 e.what());
    }
    const nlohmann::json j = m.toJson();
    QVERIFY(j.contains("accuracy") && j.contains("f1") && !j.contains("mse"));
    QCOMPARE(Metrics::fromJson(j).toJson(), j);
    QVERIFY(Metrics::minimizes("loss") && Metrics::minimizes("mae") && !Metrics::minimizes("r2"));
    QVERIFY(Metrics::appliesTo("r2", false) && !Metrics::appliesTo("r2", true));
    QVERIFY(Metrics::appliesTo("loss", true) && Metrics::appliesTo("loss", false));
    QVERIFY(!Metrics::appliesTo("auc", true));
}

QTEST_APPLESS_MAIN(TestTrainMetrics)
#include "test_train_metrics.moc"
