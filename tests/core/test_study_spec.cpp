// Study specs: the shipped examples load, and every malformed spec is
// rejected with a message naming the file, the section and the rule.
#include "train/study_spec.h"

#include "core/spirals_spec.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace tw;
using nlohmann::json;

namespace {

json minimal()
{
    return json::parse(R"({
      "dataset": {"builtin": "spirals"},
      "search_space": {"parameters": [{"name": "learning_rate", "type": "float", "low": 1e-4, "high": 1e-1, "log": true}]}
    })");
}

std::string errorOf(const json& j)
{
    try {
        train::StudySpec::fromJson(j, "spec.json", "/data");
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "(no error)";
}

} // namespace

#define VERIFY_CONTAINS(text, part)                                                                        \
    QVERIFY2(std::string(text).find(part) != std::string::npos,                                            \
             qPrintable(QString("'%1' lacks '%2'").arg(QString::fromStdString(text), QString::fromStdString(std::string(part)))))

class TestStudySpec : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void shippedExamplesLoad();
    void defaults();
    void searchParametersOverrideSettings();
    void errors();
    void relativePathsAndRoundTrip();
    void warningsNameWhatChangesNothing();
};

void TestStudySpec::shippedExamplesLoad()
{
    const QDir dir(QStringLiteral(TW_SOURCE_DIR "/resources/examples"));
    int specs = 0;
    for (const QString& f : dir.entryList({"*.json"}, QDir::Files)) {
        if (f.contains("space")) continue;
        try {
            const auto s = train::StudySpec::load(dir.filePath(f).toStdString());
            QVERIFY(s.space.size() > 0);
            ++specs;
        } catch (const std::exception& e) {
            QFAIL(qPrintable(f + ": " + e.what()));
        }
    }
    QCOMPARE(specs, 6);
    const auto cw = train::StudySpec::load(dir.filePath("class-weights.json").toStdString());
    QCOMPARE(QString::fromStdString(cw.objective.metric), QString("f1"));
    QCOMPARE(QString::fromStdString(cw.objective.positiveClass), QString("1"));
}

void TestStudySpec::defaults()
{
    const auto s = train::StudySpec::fromJson(minimal(), "spec.json");
    QCOMPARE(QString::fromStdString(s.name), QString("spec"));
    QVERIFY(s.objective.direction == study::Direction::Maximize); // accuracy
    auto j = minimal();
    j["objective"] = {{"metric", "loss"}};
    QVERIFY(train::StudySpec::fromJson(j).objective.direction == study::Direction::Minimize);
    QCOMPARE(s.budget.trials, 20);
    QCOMPARE(QString::fromStdString(s.pruner.type), QString("none"));
}

void TestStudySpec::searchParametersOverrideSettings()
{
    auto j = minimal();
    j["search_space"]["parameters"] = json::parse(R"([
      {"name": "learning_rate", "type": "float", "low": 1e-4, "high": 1e-1, "log": true},
      {"name": "activation", "type": "categorical", "choices": ["relu", "tanh"]},
      {"name": "hidden_layers", "type": "int", "low": 0, "high": 4},
      {"name": "standardize", "type": "categorical", "choices": [true, false]},
      {"name": "class_weight_1", "type": "float", "low": 1, "high": 10}
    ])");
    j["training"] = {{"epochs", 7}};
    const auto s = train::StudySpec::fromJson(j);
    QVERIFY(s.searchesPreprocessing());
    train::ModelConfig m;
    train::TrainConfig t;
    data::PreprocessOptions p;
    s.configure({0.01, 1.0, 3.0, 1.0, 4.0}, m, t, p);
    QCOMPARE(t.learningRate, 0.01);
    QCOMPARE(t.epochs, 7); // fixed setting kept
    QCOMPARE(QString::fromStdString(m.text("activation")), QString("tanh"));
    QCOMPARE(m.integer("hidden_layers"), 3);
    QVERIFY(!p.standardize);
    QCOMPARE(t.classWeightValues({50, 50}), (std::vector<double>{1.0, 4.0}));
}

void TestStudySpec::errors()
{
    auto j = minimal();
    j.erase("dataset");
    VERIFY_CONTAINS(errorOf(j), "spec.json: missing 'dataset'");

    // The sampler's rules name the section once; a seed written in code (a signed integer) is a seed.
    j = minimal();
    j["sampler"] = {{"seed", -2}};
    VERIFY_CONTAINS(errorOf(j), "spec.json: sampler: 'seed' must be a non-negative integer (got -2)");
    QVERIFY(errorOf(j).find("sampler: sampler") == std::string::npos);
    j["sampler"] = {{"seed", 4}};
    QCOMPARE(train::StudySpec::fromJson(j).sampler.seed, uint64_t(4));

    j = minimal();
    j["dataset"]["csv"] = "train.csv";
    VERIFY_CONTAINS(errorOf(j), "exactly one of 'builtin'");

    j = minimal();
    j["dataset"] = {{"csv", "train.csv"}};
    VERIFY_CONTAINS(errorOf(j), "'csv' needs 'target'");

    j = minimal();
    j["search_space"]["parameters"][0]["name"] = "speed";
    VERIFY_CONTAINS(errorOf(j), "spec.json: search_space: parameter 'speed' is not a setting");

    j = minimal();
    j["search_space"]["parameters"] = json::parse(R"([{"name": "activation", "type": "categorical", "choices": ["relu", "swish"]}])");
    VERIFY_CONTAINS(errorOf(j), "search parameter 'activation' = \"swish\"");

    j = minimal();
    j["search_space"]["parameters"] = json::parse(R"([{"name": "hidden_layers", "type": "int", "low": 0, "high": 12}])");
    VERIFY_CONTAINS(errorOf(j), "hidden_layers");

    j = minimal();
    j["search_space"]["parameters"] = json::parse(R"([{"name": "batch_size", "type": "categorical", "choices": ["big"]}])");
    VERIFY_CONTAINS(errorOf(j), "batch_size");

    j = minimal();
    j["objective"] = {{"metric", "auc"}};
    VERIFY_CONTAINS(errorOf(j), "unknown metric 'auc'");

    j = minimal();
    j["objective"] = {{"metric", "accuracy"}, {"direction", "up"}};
    VERIFY_CONTAINS(errorOf(j), "objective");

    j = minimal();
    j["split"] = {{"validation", 0.9}, {"test", 0.2}};
    VERIFY_CONTAINS(errorOf(j), "split");

    j = minimal();
    j["training"] = {{"batch_size", 0}};
    VERIFY_CONTAINS(errorOf(j), "batch_size");

    j = minimal();
    j["budget"] = {{"trials", 0}};
    VERIFY_CONTAINS(errorOf(j), "budget: 'trials' must be a positive integer");

    j = minimal();
    j["preprocessing"] = {{"numeric_impute", "mode"}};
    VERIFY_CONTAINS(errorOf(j), "mode");

    j = minimal();
    j["extra"] = 1;
    VERIFY_CONTAINS(errorOf(j), "unknown key 'extra'");

    QTemporaryDir dir;
    const std::string bad = (dir.path() + "/bad.json").toStdString();
    std::ofstream(bad) << "{\n  \"dataset\": {\"builtin\": \"spirals\"},\n  oops\n}";
    try {
        train::StudySpec::load(bad);
        QFAIL("malformed JSON accepted");
    } catch (const std::exception& e) {
        VERIFY_CONTAINS(std::string(e.what()), bad + ":3:");
    }
}

void TestStudySpec::relativePathsAndRoundTrip()
{
    QTemporaryDir dir;
    const std::string path = (dir.path() + "/titanic.json").toStdString();
    json j = minimal();
    j["dataset"] = {{"csv", "train.csv"}, {"test_csv", "sub/test.csv"}, {"target", "Survived"}};
    std::ofstream(path) << j.dump(2);
    const auto s = train::StudySpec::load(path);
    QCOMPARE(QString::fromStdString(s.dataset.csv), dir.path() + "/train.csv");
    QCOMPARE(QString::fromStdString(s.dataset.testCsv), dir.path() + "/sub/test.csv");
    const auto again = train::StudySpec::fromJson(s.toJson());
    QCOMPARE(again.toJson(), s.toJson());
}

void TestStudySpec::warningsNameWhatChangesNothing()
{
    nlohmann::json j = spiralsSpecJson("warn", 2);
    j["sampler"] = {{"name", "gp"}, {"initial", 3}};
    j["budget"] = {{"trials", 10}};
    QVERIFY(train::StudySpec::fromJson(j).warnings().empty());
    // A CNN setting searched for an MLP changes nothing.
    j["search_space"]["parameters"].push_back({{"name", "kernel_size"}, {"type", "int"}, {"low", 3}, {"high", 5}});
    auto w = train::StudySpec::fromJson(j).warnings();
    QCOMPARE(int(w.size()), 1);
    QVERIFY(w[0].kind == train::SpecWarning::Kind::UnusedParameter);
    QVERIFY2(w[0].message == "search parameter 'kernel_size' changes nothing: family mlp does not use it",
             w[0].message.c_str());
    // With the family searched, a setting of one of the families applies.
    j["search_space"]["parameters"].push_back(
        {{"name", "family"}, {"type", "categorical"}, {"choices", {"mlp", "cnn"}}});
    QVERIFY(train::StudySpec::fromJson(j).warnings().empty());
    j["search_space"]["parameters"].erase(j["search_space"]["parameters"].size() - 1);
    j["search_space"]["parameters"].erase(j["search_space"]["parameters"].size() - 1);
    // An initial design as long as the budget leaves no Bayesian step.
    j["sampler"]["initial"] = 10;
    w = train::StudySpec::fromJson(j).warnings();
    QCOMPARE(int(w.size()), 1);
    QVERIFY(w[0].kind == train::SpecWarning::Kind::NoBayesianStep);
    QVERIFY2(w[0].message.find("the 10 initial quasi-random trials use up the budget of 10 trials") != std::string::npos,
             w[0].message.c_str());
    j["sampler"]["name"] = "random"; // no Bayesian step was meant
    QVERIFY(train::StudySpec::fromJson(j).warnings().empty());
}

QTEST_APPLESS_MAIN(TestStudySpec)
#include "test_study_spec.moc"
