// The classic model families (logistic_regression, random_forest,
// gradient_boosting) through train::trainModel / trainAndTest /
// evaluateSaved: rounds as epochs, the objective's best epoch, pruning, the
// stop flag, saved models, their settings' schema and messages.
#include "core/test_support.h"
#include "core/titanic_support.h"

#include "data/builtin.h"
#include "train/model_family.h"
#include "train/trainer.h"

#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <cmath>

using namespace tw;
using namespace tw::train;

namespace {

TrainOptions optionsFor(const nlohmann::json& model)
{
    TrainOptions o;
    o.model = ModelConfig::fromJson(model);
    return o;
}

const char* kFamilies[] = {"logistic_regression", "random_forest", "gradient_boosting"};

} // namespace

class TestClassicFamilies : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void registered();
    void trainOnTitanic();
    void trainOnMoons();
    void pruningAndStopFlag();
    void earlyStoppingStatus();
    void trainAndTestSavesAndEvaluates();
    void badSettingsNameTheKey();
};

void TestClassicFamilies::registered()
{
    for (const char* name : kFamilies) {
        const ModelFamily* f = findModelFamily(name);
        QVERIFY2(f, name);
        QVERIFY(!f->label().empty());
        QVERIFY(!f->usesTrainingSetting("optimizer"));
        QVERIFY(!f->usesTrainingSetting("batch_size"));
        QVERIFY(!f->usesTrainingSetting("epochs"));
        QVERIFY(f->usesTrainingSetting("class_weights"));
    }
    QVERIFY(modelFamily("logistic_regression").setting("C"));
    QCOMPARE(modelFamily("logistic_regression").setting("C")->searchLow, 1e-3);
    QVERIFY(modelFamily("logistic_regression").setting("C")->searchLog);
    QVERIFY(modelFamily("random_forest").setting("min_samples_split"));
    QVERIFY(modelFamily("random_forest").setting("n_estimators"));
    QVERIFY(!modelFamily("random_forest").setting("early_stopping_rounds"));
    QVERIFY(modelFamily("gradient_boosting").setting("early_stopping_rounds"));
    QVERIFY(modelFamily("gradient_boosting").setting("learning_rate"));
    QVERIFY(modelFamily("random_forest").usesTrainingSetting("seed"));
    EXPECT_CONTAINS(modelFamilyNames(), "logistic_regression, random_forest, gradient_boosting");
}

void TestClassicFamilies::trainOnTitanic()
{
    TITANIC_OR_SKIP();
    const auto t = titanic::load();
    const auto& s = *t->splits;
    // The talk's two models: logistic regression and the forest of
    // n_estimators 100, max_depth 5, min_samples_split 10.
    const std::vector<std::pair<nlohmann::json, int>> runs{
        {{{"family", "logistic_regression"}, {"C", 1.0}}, 10},
        {{{"family", "random_forest"}, {"n_estimators", 100}, {"max_depth", 5}, {"min_samples_split", 10}}, 10},
        {{{"family", "gradient_boosting"}, {"n_estimators", 60}, {"max_depth", 3}, {"learning_rate", 0.1}}, 60}};
    for (const auto& [model, maxEpochs] : runs) {
        TrainOptions o = optionsFor(model);
        int seen = 0;
        TrainCallbacks c;
        c.onEpoch = [&](const EpochReport& e) {
            ++seen;
            return e.epoch == seen && std::isfinite(e.validation.accuracy) && std::isfinite(e.trainLoss);
        };
        const TrainResult r = trainModel(s.train, s.validation, o, c);
        const std::string family = model["family"];
        qInfo("%s on Titanic: %s, %d epochs, best validation accuracy %.4f at epoch %d", family.c_str(),
              toString(r.status).c_str(), int(r.epochs.size()), r.best.accuracy, r.bestEpoch);
        QCOMPARE(toString(r.status), std::string("completed"));
        QVERIFY(!r.epochs.empty() && int(r.epochs.size()) <= maxEpochs);
        QCOMPARE(seen, int(r.epochs.size()));
        QVERIFY(r.bestEpoch >= 1);
        QCOMPARE(r.best.accuracy, r.epochs[size_t(r.bestEpoch - 1)].validation.accuracy);
        for (const auto& e : r.epochs) QVERIFY(e.validation.accuracy <= r.best.accuracy);
        QVERIFY2(r.best.accuracy >= (family == "logistic_regression" ? 0.75 : 0.78),
                 qPrintable(QString::number(r.best.accuracy)));
        QVERIFY(r.parameters > 0);
        QCOMPARE(r.device, std::string("cpu"));
    }
}

void TestClassicFamilies::trainOnMoons()
{
    const auto b = data::builtinDataset("moons", 0);
    for (const char* name : kFamilies) {
        TrainOptions o = optionsFor({{"family", name}});
        const TrainResult r = trainModel(b.train, *b.validation, o);
        qInfo("%s on moons: best validation accuracy %.4f", name, r.best.accuracy);
        QCOMPARE(toString(r.status), std::string("completed"));
        QVERIFY(r.best.accuracy > (std::string(name) == "logistic_regression" ? 0.83 : 0.95));
        QVERIFY(std::isfinite(r.best.f1) && std::isfinite(r.best.loss));
    }
    // An objective to minimize: the best epoch has the lowest validation loss.
    TrainOptions o = optionsFor({{"family", "gradient_boosting"}, {"n_estimators", 40}, {"learning_rate", 1.0}, {"max_depth", 8}});
    o.objectiveMetric = "loss";
    const TrainResult r = trainModel(b.train, *b.validation, o);
    for (const auto& e : r.epochs) QVERIFY(e.validation.loss >= r.best.loss);
}

void TestClassicFamilies::pruningAndStopFlag()
{
    const auto b = data::builtinDataset("moons", 0);
    for (const char* name : kFamilies) {
        nlohmann::json model{{"family", name}};
        if (std::string(name) == "logistic_regression") model["tol"] = 1e-12; // no convergence within 2 steps
        TrainOptions o = optionsFor(model);
        TrainCallbacks c;
        c.onEpoch = [](const EpochReport& e) { return e.epoch < 2; };
        TrainResult r = trainModel(b.train, *b.validation, o, c);
        QCOMPARE(toString(r.status), std::string("pruned"));
        QCOMPARE(int(r.epochs.size()), 2);

        std::atomic<bool> stop{false};
        TrainCallbacks s;
        s.stop = &stop;
        s.onEpoch = [&](const EpochReport&) {
            stop = true;
            return true;
        };
        r = trainModel(b.train, *b.validation, o, s);
        QCOMPARE(toString(r.status), std::string("stopped"));
        QCOMPARE(int(r.epochs.size()), 1);
    }
}

void TestClassicFamilies::earlyStoppingStatus()
{
    const data::Dataset train = data::moons(400, 0.45, 5), valid = data::moons(400, 0.45, 6);
    TrainOptions o = optionsFor({{"family", "gradient_boosting"}, {"n_estimators", 500}, {"learning_rate", 0.5},
                                 {"max_depth", 8}, {"min_child_weight", 0.0}, {"early_stopping_rounds", 10}});
    const TrainResult r = trainModel(train, valid, o);
    QCOMPARE(toString(r.status), std::string("early_stopped"));
    QVERIFY(r.epochs.size() < 500);
}

void TestClassicFamilies::trainAndTestSavesAndEvaluates()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const auto b = data::builtinDataset("moons", 0);
    for (const char* name : kFamilies) {
        TrainOptions o = optionsFor({{"family", name}});
        const std::string path = dir.filePath(QString(name) + ".model").toStdString();
        int epochs = 0;
        TrainCallbacks c;
        c.onEpoch = [&](const EpochReport& e) {
            ++epochs;
            return std::isnan(e.validation.accuracy); // no validation set in the final fit
        };
        const TrainResult r = trainAndTest(b.train, *b.validation, o, c, path);
        QCOMPARE(toString(r.status), std::string("completed"));
        QCOMPARE(r.bestEpoch, epochs);
        QVERIFY(QFile::exists(QString::fromStdString(path)));
        QVERIFY(QFile::exists(QString::fromStdString(path + ".json")));
        const Metrics back = evaluateSaved(path, *b.validation);
        QCOMPARE(back.accuracy, r.best.accuracy);
        QCOMPARE(back.loss, r.best.loss);
        qInfo("%s on moons, final fit: test accuracy %.4f", name, r.best.accuracy);
        QVERIFY(r.best.accuracy > (std::string(name) == "logistic_regression" ? 0.83 : 0.95));
        // A saved model checks the data it is given.
        const auto moons3 = data::builtinDataset("imbalanced", 0).train; // 10 features
        EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { evaluateSaved(path, moons3); }), path + ".json");
    }
}

void TestClassicFamilies::badSettingsNameTheKey()
{
    EXPECT_CONTAINS(errorOf<std::invalid_argument>(
                        [] { ModelConfig::fromJson({{"family", "random_forest"}, {"max_depth", 0}}); }),
                    "model: 'max_depth' must be in 1..64 (max_depth = 0)");
    EXPECT_CONTAINS(errorOf<std::invalid_argument>(
                        [] { ModelConfig::fromJson({{"family", "logistic_regression"}, {"C", 0}}); }),
                    "model: 'C' must be > 0 (C = 0)");
    EXPECT_CONTAINS(errorOf<std::invalid_argument>(
                        [] { ModelConfig::fromJson({{"family", "random_forest"}, {"max_features", "cube"}}); }),
                    "'max_features' must be a fraction in (0, 1], \"sqrt\" or \"log2\"");
    // Logistic regression is a classifier.
    const auto b = data::builtinDataset("moons", 0);
    data::Dataset reg = b.train;
    reg.task = data::Task::Regression;
    reg.classNames.clear();
    reg.targets.assign(size_t(reg.size()), 0.5f);
    reg.labels.clear();
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] {
                        trainModel(reg, reg, [] {
                            TrainOptions o = optionsFor({{"family", "logistic_regression"}});
                            o.objectiveMetric = "mse";
                            return o;
                        }());
                    }),
                    "logistic_regression needs a classification task");
}

QTEST_GUILESS_MAIN(TestClassicFamilies)
#include "test_classic_families.moc"
