// Model and training configuration: validation messages, JSON round trip,
// overrides by key, and the learning-rate schedule.
#include "train/config.h"

#include <nlohmann/json.hpp>

#include <QtTest>

#include <cmath>
#include <functional>

using namespace tw::train;
using nlohmann::json;

class TestTrainConfig : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void defaultsAreValid();
    void invalidValuesNameTheField_data();
    void invalidValuesNameTheField();
    void jsonRoundTrip();
    void unknownKeysAndWrongTypes();
    void setByKey();
    void classWeightPerClass();
    void schedule();
};

namespace {

/// The message of the invalid_argument `f` throws ("" when none).
std::string errorOf(const std::function<void()>& f)
{
    try {
        f();
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return {};
}

bool contains(const std::string& s, const std::string& part)
{
    return s.find(part) != std::string::npos;
}

} // namespace

void TestTrainConfig::defaultsAreValid()
{
    ModelConfig().validate();
    TrainConfig().validate();
    QCOMPARE(ModelConfig::fromJson(json::object()).toJson(), ModelConfig().toJson());
    QCOMPARE(TrainConfig::fromJson(json::object()).toJson(), TrainConfig().toJson());
}

void TestTrainConfig::invalidValuesNameTheField_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("value"); // JSON
    QTest::addColumn<QString>("expected");
    QTest::newRow("family") << "family" << R"("rnn")" << "model: 'family' must be one of mlp, cnn";
    QTest::newRow("hidden_layers") << "hidden_layers" << "9" << "model: 'hidden_layers' must be in 0..8 (hidden_layers = 9)";
    QTest::newRow("units") << "units" << "0" << "'units'";
    QTest::newRow("activation") << "activation" << R"("swish")" << "model: 'activation' must be one of relu, tanh, sigmoid, gelu (activation = 'swish')";
    QTest::newRow("dropout") << "dropout" << "1.0" << "model: 'dropout' must be in [0, 1) (dropout = 1.0)";
    QTest::newRow("conv_blocks") << "conv_blocks" << "0" << "'conv_blocks'";
    QTest::newRow("kernel_size") << "kernel_size" << "0" << "'kernel_size'";
    QTest::newRow("optimizer") << "optimizer" << R"("lbfgs")" << "training: 'optimizer' must be one of sgd, adam, adamw, rmsprop";
    QTest::newRow("learning_rate") << "learning_rate" << "0" << "training: 'learning_rate' must be a finite number > 0 (learning_rate = 0.0)";
    QTest::newRow("weight_decay") << "weight_decay" << "-1" << "'weight_decay'";
    QTest::newRow("momentum") << "momentum" << "1" << "'momentum' must be in [0, 1)";
    QTest::newRow("beta2") << "beta2" << "1.5" << "'beta2'";
    QTest::newRow("epsilon") << "epsilon" << "0" << "'epsilon'";
    QTest::newRow("batch_size") << "batch_size" << "0" << "training: 'batch_size' must be >= 1 (batch_size = 0)";
    QTest::newRow("epochs") << "epochs" << "0" << "training: 'epochs' must be >= 1 (epochs = 0)";
    QTest::newRow("warmup_ratio") << "warmup_ratio" << "1.5" << "'warmup_ratio' must be in [0, 1]";
    QTest::newRow("schedule") << "schedule" << R"("exp")" << "'schedule' must be one of constant, linear, cosine, step";
    QTest::newRow("loss") << "loss" << R"("hinge")" << "'loss' must be one of auto, cross_entropy, bce, mse";
    QTest::newRow("class_weights") << "class_weights" << R"("1,x")" << "'class_weights' must be none, balanced or a comma-separated list";
    QTest::newRow("class_weights<=0") << "class_weights" << R"("1,0")" << "'class_weights'";
    QTest::newRow("patience") << "patience" << "-1" << "'patience' must be >= 0";
    QTest::newRow("clip_norm") << "clip_norm" << "-0.5" << "'clip_norm'";
    QTest::newRow("device") << "device" << R"("tpu")" << "'device' must be auto, cpu, cuda or cuda:K";
    QTest::newRow("device index") << "device" << R"("cuda:x")" << "(device = 'cuda:x')";
    QTest::newRow("device index sign") << "device" << R"("cuda:-1")" << "(device = 'cuda:-1')";
}

void TestTrainConfig::invalidValuesNameTheField()
{
    QFETCH(QString, key);
    QFETCH(QString, value);
    QFETCH(QString, expected);
    ModelConfig m;
    TrainConfig t;
    setOption(m, t, key.toStdString(), json::parse(value.toStdString()));
    const std::string err = errorOf([&] {
        m.validate();
        t.validate();
    });
    QVERIFY2(contains(err, expected.toStdString()), err.c_str());
    // fromJson reports the same, with the source in front.
    const json j{{key.toStdString(), json::parse(value.toStdString())}};
    const std::string fromFile = errorOf([&] {
        // learning_rate is a training key and gradient boosting's model key: the training one here.
        if (TrainConfig::hasKey(key.toStdString())) TrainConfig::fromJson(j, "spec.json");
        else ModelConfig::fromJson(j, "spec.json");
    });
    QVERIFY2(contains(fromFile, "spec.json: ") && contains(fromFile, expected.toStdString()), fromFile.c_str());
}

void TestTrainConfig::jsonRoundTrip()
{
    ModelConfig m;
    m.family = "cnn";
    m.set("hidden_layers", 3);
    m.set("units", 17);
    m.set("activation", "gelu");
    m.set("dropout", 0.25);
    m.set("batch_norm", true);
    m.set("conv_blocks", 3);
    m.set("filters", 8);
    m.set("kernel_size", 5);
    m.set("dense_units", 33);
    TrainConfig t;
    t.optimizer = "sgd";
    t.learningRate = 0.0123;
    t.weightDecay = 1e-4;
    t.momentum = 0.8;
    t.nesterov = true;
    t.beta1 = 0.8;
    t.beta2 = 0.99;
    t.epsilon = 1e-7;
    t.batchSize = 32;
    t.epochs = 7;
    t.warmupRatio = 0.1;
    t.schedule = "cosine";
    t.loss = "bce";
    t.classWeights = "0.75,1.5";
    t.patience = 2;
    t.clipNorm = 1.0;
    t.seed = 18446744073709551615ull;
    t.device = "cpu";
    const json mj = m.toJson(), tj = t.toJson();
    QCOMPARE(mj.size(), size_t(10));
    QCOMPARE(tj.size(), size_t(18));
    QCOMPARE(mj.at("hidden_layers"), json(3));
    QCOMPARE(mj.at("batch_norm"), json(true));
    QCOMPARE(tj.at("learning_rate"), json(0.0123));
    QCOMPARE(tj.at("class_weights"), json("0.75,1.5"));
    QCOMPARE(ModelConfig::fromJson(json::parse(mj.dump())).toJson(), mj);
    QCOMPARE(TrainConfig::fromJson(json::parse(tj.dump())).toJson(), tj);
    QCOMPARE(TrainConfig::fromJson(tj).seed, t.seed);
}

void TestTrainConfig::unknownKeysAndWrongTypes()
{
    std::string err = errorOf([] { TrainConfig::fromJson(json{{"batchsize", 32}}, "spec.json"); });
    QVERIFY2(contains(err, "spec.json: training: unknown key 'batchsize'") && contains(err, "batch_size"), err.c_str());
    err = errorOf([] { ModelConfig::fromJson(json{{"hidden_layer", 2}}); });
    QVERIFY2(contains(err, "model: unknown key 'hidden_layer'") && contains(err, "hidden_layers"), err.c_str());
    err = errorOf([] { TrainConfig::fromJson(json{{"batch_size", "32"}}); });
    QVERIFY2(contains(err, "'batch_size' must be an integer"), err.c_str());
    err = errorOf([] { TrainConfig::fromJson(json{{"batch_size", 32.5}}); });
    QVERIFY2(contains(err, "'batch_size' must be an integer"), err.c_str());
    err = errorOf([] { ModelConfig::fromJson(json{{"activation", 1}}); });
    QVERIFY2(contains(err, "'activation' must be one of relu, tanh, sigmoid, gelu (got 1)"), err.c_str());
    err = errorOf([] { ModelConfig::fromJson(json{{"batch_norm", "yes"}}); });
    QVERIFY2(contains(err, "'batch_norm' must be true or false"), err.c_str());
    err = errorOf([] { TrainConfig::fromJson(json::array()); });
    QVERIFY2(contains(err, "must be a JSON object"), err.c_str());
    ModelConfig m;
    TrainConfig t;
    err = errorOf([&] { setOption(m, t, "lr", 0.1); });
    QVERIFY2(contains(err, "unknown setting 'lr'") && contains(err, "learning_rate"), err.c_str());
    err = errorOf([&] { TrainConfig().set("seed", -1); });
    QVERIFY2(contains(err, "'seed' must be a non-negative integer"), err.c_str());
    // nesterov needs momentum with sgd.
    err = errorOf([] { TrainConfig::fromJson(json{{"optimizer", "sgd"}, {"nesterov", true}, {"momentum", 0}}); });
    QVERIFY2(contains(err, "'nesterov'"), err.c_str());
}

void TestTrainConfig::setByKey()
{
    ModelConfig m;
    TrainConfig t;
    // A search space hands every value over as a number (ints as doubles,
    // a categorical by its choice).
    setOption(m, t, "units", 87.0);
    setOption(m, t, "hidden_layers", 3);
    setOption(m, t, "batch_norm", 1);
    setOption(m, t, "activation", "tanh");
    setOption(m, t, "learning_rate", 0.0031);
    setOption(m, t, "batch_size", 128.0);
    setOption(m, t, "optimizer", "rmsprop");
    setOption(m, t, "class_weights", json::array({0.75, 2.5}));
    setOption(m, t, "seed", 7.0);
    QCOMPARE(m.integer("units"), 87);
    QCOMPARE(m.integer("hidden_layers"), 3);
    QVERIFY(m.flag("batch_norm"));
    QCOMPARE(m.text("activation"), std::string("tanh"));
    QCOMPARE(t.learningRate, 0.0031);
    QCOMPARE(t.batchSize, 128);
    QCOMPARE(t.optimizer, std::string("rmsprop"));
    QCOMPARE(t.classWeights, std::string("0.75,2.5"));
    QCOMPARE(t.seed, uint64_t(7));
    m.validate();
    t.validate();
}

void TestTrainConfig::classWeightPerClass()
{
    // The xenophobia notebook tunes opt_weights_cls0 and opt_weights_cls1 as
    // two parameters: class_weight_0 and class_weight_1 here.
    TrainConfig t;
    QVERIFY(TrainConfig::hasKey("class_weight_1"));
    QVERIFY(!TrainConfig::hasKey("class_weight_"));
    QVERIFY(!TrainConfig::hasKey("class_weight_x"));
    t.set("class_weight_1", 2.5);
    QCOMPARE(t.classWeights, std::string("1.0,2.5"));
    t.set("class_weight_0", 0.75);
    QCOMPARE(t.classWeights, std::string("0.75,2.5"));
    t.validate();
    QCOMPARE(t.classWeightValues({10, 2}), (std::vector<double>{0.75, 2.5}));
}

void TestTrainConfig::schedule()
{
    TrainConfig t;
    const int64_t total = 100;
    QCOMPARE(t.learningRateFactor(0, total), 1.0);
    QCOMPARE(t.learningRateFactor(99, total), 1.0);
    t.warmupRatio = 0.1; // 10 warm-up steps: 0.1, 0.2, ..., 1.0
    QVERIFY(std::fabs(t.learningRateFactor(0, total) - 0.1) < 1e-12);
    QVERIFY(std::fabs(t.learningRateFactor(4, total) - 0.5) < 1e-12);
    QCOMPARE(t.learningRateFactor(9, total), 1.0);
    QCOMPARE(t.learningRateFactor(10, total), 1.0);
    t.schedule = "linear"; // then 1 - (step - 10) / 90
    QCOMPARE(t.learningRateFactor(10, total), 1.0);
    QVERIFY(std::fabs(t.learningRateFactor(55, total) - 0.5) < 1e-12);
    QVERIFY(std::fabs(t.learningRateFactor(99, total) - 1.0 / 90) < 1e-12);
    t.schedule = "cosine";
    QVERIFY(std::fabs(t.learningRateFactor(55, total) - 0.5) < 1e-12);
    QVERIFY(t.learningRateFactor(99, total) < 0.001);
    t.warmupRatio = 0;
    t.schedule = "step"; // x0.1 from 50 %, x0.01 from 75 % of all steps
    QCOMPARE(t.learningRateFactor(49, total), 1.0);
    QCOMPARE(t.learningRateFactor(50, total), 0.1);
    QCOMPARE(t.learningRateFactor(74, total), 0.1);
    QCOMPARE(t.learningRateFactor(75, total), 0.01);
}

QTEST_APPLESS_MAIN(TestTrainConfig)
#include "test_train_config.moc"
