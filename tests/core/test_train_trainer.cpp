// Training with LibTorch behind tw::train: learning a separable problem,
// reproducibility, stop, NaN failure, pruning, early stopping, invalid
// configurations, the CNN, and saving the final model.
#include "train/trainer.h"

#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QtTest>

#include <chrono>
#include <cmath>
#include <fstream>
#include <functional>
#include <future>
#include <random>
#include <thread>

using namespace tw;
using namespace tw::train;

class TestTrainTrainer : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void learnsTwoBlobs();
    void sameSeedSameWeights();
    void stopFlagEndsTraining();
    void hugeLearningRateFails();
    void onEpochFalsePrunes();
    void patienceStopsEarly();
    void invalidConfigurationsNameTheField();
    void cnnOnTinyImages();
    void bceMseAndClassWeights();
    void regression();
    void trainAndTestSaves();
    void deviceIsReported();
};

namespace {

/// Two Gaussian blobs in `dim` dimensions, centres at -1.5 and +1.5 (sd 1),
/// `positiveShare` of the samples in class 1.
data::Dataset blobs(int64_t n, uint64_t seed, int dim = 4, double positiveShare = 0.5, double scale = 1.0)
{
    data::Dataset d;
    d.name = "blobs";
    d.task = data::Task::Binary;
    d.sampleShape = {dim};
    d.classNames = {"neg", "pos"};
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> noise(0.0f, 1.0f);
    std::uniform_real_distribution<double> u(0, 1);
    for (int64_t i = 0; i < n; ++i) {
        const int64_t label = u(rng) < positiveShare ? 1 : 0;
        d.labels.push_back(label);
        for (int j = 0; j < dim; ++j)
            d.features.push_back(float(scale) * ((label ? 1.5f : -1.5f) + noise(rng)));
    }
    for (int j = 0; j < dim; ++j) d.featureNames.push_back(std::string("x").append(std::to_string(j)));
    return d;
}

TrainOptions smallMlp()
{
    TrainOptions o;
    o.model.set("hidden_layers", 1);
    o.model.set("units", 16);
    o.training.learningRate = 0.01;
    o.training.batchSize = 32;
    o.training.epochs = 5;
    o.training.device = "cpu";
    return o;
}

std::string errorOf(const std::function<void()>& f)
{
    try {
        f();
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "(no invalid_argument)";
}

/// The status as text, so that QCOMPARE prints it.
QString statusOf(const TrainResult& r)
{
    return QString::fromStdString(toString(r.status));
}

bool contains(const std::string& s, const std::string& part)
{
    return s.find(part) != std::string::npos;
}

} // namespace

void TestTrainTrainer::learnsTwoBlobs()
{
    const auto train = blobs(400, 1), val = blobs(200, 2);
    std::vector<int> seen;
    TrainCallbacks cb;
    cb.onEpoch = [&](const EpochReport& r) {
        seen.push_back(r.epoch);
        return true;
    };
    const TrainResult r = trainModel(train, val, smallMlp(), cb);
    QCOMPARE(statusOf(r), QString("completed"));
    QCOMPARE(r.epochs.size(), size_t(5));
    QCOMPARE(seen, (std::vector<int>{1, 2, 3, 4, 5}));
    QVERIFY2(r.best.accuracy > 0.9, std::to_string(r.best.accuracy).c_str());
    QVERIFY(r.bestEpoch >= 1 && r.bestEpoch <= 5);
    QCOMPARE(r.best.accuracy, r.epochs[size_t(r.bestEpoch - 1)].validation.accuracy);
    QCOMPARE(r.parameters, int64_t(4 * 16 + 16 + 16 * 2 + 2));
    QCOMPARE(r.device, std::string("cpu"));
    QVERIFY(r.epochs.back().trainLoss < r.epochs.front().trainLoss);
    QVERIFY(r.epochs.back().samplesPerSecond > 0 && r.samplesPerSecond > 0);
    QVERIFY(r.epochs.back().elapsedSeconds >= r.epochs.front().elapsedSeconds);
    QVERIFY(r.best.f1 > 0.9 && !std::isnan(r.best.loss) && std::isnan(r.best.mse));
    // No hidden layer: logistic regression.
    TrainOptions linear = smallMlp();
    linear.model.set("hidden_layers", 0);
    const TrainResult l = trainModel(train, val, linear);
    QCOMPARE(l.parameters, int64_t(4 * 2 + 2));
    QVERIFY2(l.best.accuracy > 0.9, std::to_string(l.best.accuracy).c_str());
}

void TestTrainTrainer::sameSeedSameWeights()
{
    const auto train = blobs(300, 3), val = blobs(100, 4);
    TrainOptions o = smallMlp();
    o.model.set("dropout", 0.3); // dropout follows the seeded global generator
    o.model.set("batch_norm", true);
    o.training.epochs = 3;
    o.training.seed = 42;
    o.returnWeights = true;
    const TrainResult a = trainModel(train, val, o), b = trainModel(train, val, o);
    QCOMPARE(statusOf(a), QString("completed"));
    QVERIFY(!a.weights.empty());
    QVERIFY(a.weights == b.weights); // exactly
    QCOMPARE(a.best.toJson(), b.best.toJson());
    for (size_t e = 0; e < a.epochs.size(); ++e) QCOMPARE(a.epochs[e].trainLoss, b.epochs[e].trainLoss);
    o.training.seed = 43;
    const TrainResult c = trainModel(train, val, o);
    QCOMPARE(c.weights.size(), a.weights.size());
    QVERIFY(c.weights != a.weights);
    QVERIFY(c.epochs[0].trainLoss != a.epochs[0].trainLoss);
}

void TestTrainTrainer::stopFlagEndsTraining()
{
    const auto train = blobs(2000, 5), val = blobs(200, 6);
    TrainOptions o = smallMlp();
    o.training.epochs = 100000;
    std::atomic<bool> stop{false};
    TrainCallbacks cb;
    cb.stop = &stop;
    auto future = std::async(std::launch::async, [&] { return trainModel(train, val, o, cb); });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    stop = true;
    const auto stopped = std::chrono::steady_clock::now();
    // A hang guard only; the flag is checked before every batch.
    QVERIFY2(future.wait_for(std::chrono::seconds(5)) == std::future_status::ready, "training did not stop");
    const TrainResult r = future.get();
    qInfo("returned %.1f ms after the flag was set, after %d epochs",
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - stopped).count(),
          int(r.epochs.size()));
    QCOMPARE(statusOf(r), QString("stopped"));
    QCOMPARE(r.reason, std::string("stopped"));
}

void TestTrainTrainer::hugeLearningRateFails()
{
    const auto train = blobs(256, 7, 4, 0.5, 1000.0), val = blobs(64, 8, 4, 0.5, 1000.0);
    TrainOptions o = smallMlp();
    o.training.optimizer = "sgd";
    o.training.learningRate = 1e6;
    o.training.epochs = 20;
    const TrainResult r = trainModel(train, val, o);
    QCOMPARE(statusOf(r), QString("failed"));
    qInfo("reason: %s", r.reason.c_str());
    QVERIFY2((contains(r.reason, "nan") || contains(r.reason, "inf")) && contains(r.reason, "at epoch"),
             r.reason.c_str());
}

void TestTrainTrainer::onEpochFalsePrunes()
{
    const auto train = blobs(200, 9), val = blobs(50, 10);
    TrainCallbacks cb;
    cb.onEpoch = [](const EpochReport& r) { return r.epoch < 2; };
    const TrainResult r = trainModel(train, val, smallMlp(), cb);
    QCOMPARE(statusOf(r), QString("pruned"));
    QCOMPARE(r.epochs.size(), size_t(2));
    QVERIFY2(contains(r.reason, "epoch 2"), r.reason.c_str());
    QVERIFY(r.bestEpoch >= 1);
}

void TestTrainTrainer::patienceStopsEarly()
{
    // A learning rate too small to change any prediction: accuracy never
    // improves after epoch 1.
    const auto train = blobs(200, 11), val = blobs(50, 12);
    TrainOptions o = smallMlp();
    o.training.learningRate = 1e-12;
    o.training.epochs = 10;
    o.training.patience = 2;
    const TrainResult r = trainModel(train, val, o);
    QCOMPARE(statusOf(r), QString("early_stopped"));
    QCOMPARE(r.epochs.size(), size_t(3));
    QCOMPARE(r.bestEpoch, 1);
    QVERIFY2(contains(r.reason, "accuracy"), r.reason.c_str());
    // Minimized objective: the loss.
    o.objectiveMetric = "loss";
    o.training.learningRate = 0.01;
    o.training.patience = 0;
    const TrainResult l = trainModel(train, val, o);
    QCOMPARE(statusOf(l), QString("completed"));
    for (const auto& e : l.epochs) QVERIFY(l.best.loss <= e.validation.loss);
}

void TestTrainTrainer::invalidConfigurationsNameTheField()
{
    const auto train = blobs(50, 13), val = blobs(20, 14);
    auto run = [&](const std::function<void(TrainOptions&)>& change, const data::Dataset* t = nullptr,
                   const data::Dataset* v = nullptr) {
        TrainOptions o = smallMlp();
        change(o);
        return errorOf([&] { trainModel(t ? *t : train, v ? *v : val, o); });
    };
    std::string e = run([](TrainOptions& o) { o.model.set("activation", "swish"); });
    QVERIFY2(contains(e, "'activation'"), e.c_str());
    e = run([](TrainOptions& o) { o.training.batchSize = 0; });
    QVERIFY2(contains(e, "training: 'batch_size' must be >= 1 (batch_size = 0)"), e.c_str());
    e = run([](TrainOptions& o) { o.model.family = "cnn"; });
    QVERIFY2(contains(e, "'family' cnn needs image samples {C,H,W} (sample shape {4})"), e.c_str());
    e = run([](TrainOptions& o) { o.objectiveMetric = "r2"; });
    QVERIFY2(contains(e, "'r2'"), e.c_str());
    e = run([](TrainOptions& o) { o.objectiveMetric = "auc"; });
    QVERIFY2(contains(e, "'auc'"), e.c_str());
    e = run([](TrainOptions& o) { o.training.classWeights = "1,2,3"; });
    QVERIFY2(contains(e, "'class_weights' must have one weight per class"), e.c_str());
    e = run([](TrainOptions& o) { o.positiveClass = 2; });
    QVERIFY2(contains(e, "'positive_class'"), e.c_str());

    data::Dataset three = blobs(30, 15);
    three.task = data::Task::Multiclass;
    three.classNames = {"a", "b", "c"};
    three.labels[0] = 2;
    e = run([](TrainOptions& o) { o.training.loss = "bce"; }, &three, &three);
    QVERIFY2(contains(e, "'loss' bce needs a binary task"), e.c_str());

    data::Dataset otherShape = blobs(20, 16, 3);
    e = run([](TrainOptions&) {}, &train, &otherShape);
    QVERIFY2(contains(e, "validation data: sample shape {3}"), e.c_str());
}

void TestTrainTrainer::cnnOnTinyImages()
{
    data::Dataset d;
    d.name = "tiny-images";
    d.task = data::Task::Multiclass;
    d.sampleShape = {1, 28, 28};
    d.classNames = {"a", "b", "c"};
    std::mt19937_64 rng(17);
    std::uniform_real_distribution<float> u(0, 1);
    for (int i = 0; i < 24; ++i) {
        d.labels.push_back(i % 3);
        for (int p = 0; p < 28 * 28; ++p) d.features.push_back(u(rng));
    }
    TrainOptions o;
    o.model.family = "cnn";
    o.model.set("filters", 4);
    o.model.set("dense_units", 16);
    o.model.set("dropout", 0.2);
    o.model.set("batch_norm", true);
    o.training.epochs = 1;
    o.training.batchSize = 8;
    o.training.device = "cpu";
    const TrainResult r = trainModel(d, d, o);
    QVERIFY2(r.status == TrainResult::Status::Completed, r.reason.c_str());
    // conv 1->4 (3x3) + BN 4, conv 4->8 + BN 8, dense 8*7*7 -> 16, 16 -> 3.
    QCOMPARE(r.parameters, int64_t((9 * 4 + 4) + 8 + (9 * 4 * 8 + 8) + 16 + (8 * 49 * 16 + 16) + (16 * 3 + 3)));
    QVERIFY(r.best.accuracy >= 0 && r.best.accuracy <= 1);
    // An MLP flattens the same images.
    o.model.family = "mlp";
    const TrainResult m = trainModel(d, d, o);
    QVERIFY2(m.status == TrainResult::Status::Completed, m.reason.c_str());
    // Too many blocks for 28x28 (2^5 = 32 > 28).
    o.model.family = "cnn";
    o.model.set("conv_blocks", 5);
    const std::string e = errorOf([&] { trainModel(d, d, o); });
    QVERIFY2(contains(e, "'conv_blocks'"), e.c_str());
}

void TestTrainTrainer::bceMseAndClassWeights()
{
    // Rare positive class (15 %), balanced weights, each loss.
    const auto train = blobs(400, 18, 4, 0.15), val = blobs(200, 19, 4, 0.15);
    for (const char* loss : {"cross_entropy", "bce", "mse"}) {
        TrainOptions o = smallMlp();
        o.training.loss = loss;
        o.training.classWeights = "balanced";
        o.training.warmupRatio = 0.2;
        o.training.schedule = "cosine";
        o.training.clipNorm = 1.0;
        o.training.optimizer = "adamw";
        o.training.weightDecay = 0.01;
        o.objectiveMetric = "f1";
        const TrainResult r = trainModel(train, val, o);
        QVERIFY2(r.status == TrainResult::Status::Completed, (std::string(loss) + ": " + r.reason).c_str());
        QVERIFY2(r.best.f1 > 0.8, (std::string(loss) + ": f1 " + std::to_string(r.best.f1)).c_str());
        QCOMPARE(r.parameters, int64_t(4 * 16 + 16 + 16 * (std::string(loss) == "bce" ? 1 : 2) +
                                       (std::string(loss) == "bce" ? 1 : 2)));
    }
    for (const char* opt : {"sgd", "rmsprop", "adam"}) {
        TrainOptions o = smallMlp();
        o.training.optimizer = opt;
        o.training.nesterov = std::string(opt) == "sgd";
        o.training.schedule = "step";
        o.model.set("activation", std::string(opt) == "sgd" ? "tanh" : "gelu");
        const TrainResult r = trainModel(train, val, o);
        QVERIFY2(r.status == TrainResult::Status::Completed, r.reason.c_str());
        QVERIFY2(r.best.accuracy > 0.9, opt);
    }
}

void TestTrainTrainer::regression()
{
    data::Dataset d;
    d.name = "line";
    d.task = data::Task::Regression;
    d.sampleShape = {2};
    std::mt19937_64 rng(20);
    std::normal_distribution<float> g(0, 1);
    for (int i = 0; i < 300; ++i) {
        const float a = g(rng), b = g(rng);
        d.features.insert(d.features.end(), {a, b});
        d.targets.push_back(2 * a - b);
    }
    TrainOptions o = smallMlp();
    o.objectiveMetric = "r2";
    o.training.epochs = 20;
    const TrainResult r = trainModel(d, d, o);
    QVERIFY2(r.status == TrainResult::Status::Completed, r.reason.c_str());
    QVERIFY2(r.best.r2 > 0.9, std::to_string(r.best.r2).c_str());
    QVERIFY(std::isnan(r.best.accuracy) && r.best.mse >= 0);
    o.training.loss = "cross_entropy";
    const std::string e = errorOf([&] { trainModel(d, d, o); });
    QVERIFY2(contains(e, "'loss' cross_entropy needs a classification task"), e.c_str());
}

void TestTrainTrainer::trainAndTestSaves()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath("model.pt").toStdString();
    const auto train = blobs(300, 21), test = blobs(100, 22);
    TrainOptions o = smallMlp();
    o.objectiveMetric = "f1";
    o.training.patience = 1; // ignored: no validation set
    std::vector<EpochReport> reports;
    TrainCallbacks cb;
    cb.onEpoch = [&](const EpochReport& r) {
        reports.push_back(r);
        return true;
    };
    const TrainResult r = trainAndTest(train, test, o, cb, path);
    QVERIFY2(r.status == TrainResult::Status::Completed, r.reason.c_str());
    QCOMPARE(r.epochs.size(), size_t(5));
    QCOMPARE(reports.size(), size_t(5));
    QVERIFY(std::isnan(reports[0].validation.accuracy));
    QCOMPARE(r.bestEpoch, 5);
    QVERIFY(r.best.accuracy > 0.9);
    QVERIFY(QFileInfo::exists(QString::fromStdString(path)));
    std::ifstream in(path + ".json");
    const auto card = nlohmann::json::parse(in);
    QCOMPARE(card.at("class_names"), nlohmann::json({"neg", "pos"}));
    QCOMPARE(card.at("feature_names").size(), size_t(4));
    QCOMPARE(card.at("model"), o.model.toJson());
    QCOMPARE(card.at("test_metrics"), r.best.toJson());
    QCOMPARE(card.at("objective_metric"), nlohmann::json("f1"));
    // The saved network gives the same test metrics.
    const Metrics again = evaluateSaved(path, test);
    QCOMPARE(again.accuracy, r.best.accuracy);
    QVERIFY(std::fabs(again.loss - r.best.loss) < 1e-6);
    QVERIFY_THROWS_EXCEPTION(std::exception, evaluateSaved(dir.filePath("missing.pt").toStdString(), test));
}

void TestTrainTrainer::deviceIsReported()
{
    const std::string d = deviceDescription();
    QVERIFY2(cudaAvailable() ? contains(d, "cuda") : contains(d, "cpu ("), d.c_str());
    const auto train = blobs(40, 23);
    TrainOptions o = smallMlp();
    o.training.device = "auto";
    o.training.epochs = 1;
    const TrainResult r = trainModel(train, train, o);
    QCOMPARE(r.device, std::string(cudaAvailable() ? "cuda:0" : "cpu"));
    if (!cudaAvailable()) {
        o.training.device = "cuda";
        const std::string e = errorOf([&] { trainModel(train, train, o); });
        QVERIFY2(contains(e, "'device' cuda is not available"), e.c_str());
    }
}

QTEST_APPLESS_MAIN(TestTrainTrainer)
#include "test_train_trainer.moc"
