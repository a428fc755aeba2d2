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
    void fieldErrorsNameFileAndField_data();
    void fieldErrorsNameFileAndField();
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

    // A CSV target's task; IDX files for Fashion-MNIST only.
    j = minimal();
    j["dataset"]["task"] = "classification";
    VERIFY_CONTAINS(errorOf(j), "spec.json: dataset: 'task' only goes with 'csv'");
    j["dataset"] = {{"csv", "train.csv"}, {"target", "y"}, {"task", "classification"}};
    const auto classified = train::StudySpec::fromJson(j, "spec.json", "/data");
    QCOMPARE(QString::fromStdString(classified.dataset.task), QString("classification"));
    QCOMPARE(QString::fromStdString(classified.preprocessing.task), QString("classification"));
    QCOMPARE(classified.toJson()["dataset"]["task"], json("classification"));
    QVERIFY(!train::StudySpec::fromJson(minimal()).toJson()["dataset"].contains("task"));
    j = minimal();
    j["dataset"]["idx_dir"] = "images";
    VERIFY_CONTAINS(errorOf(j), "spec.json: dataset: 'idx_dir' only goes with \"builtin\": \"fashion-mnist\"");
    j["dataset"]["builtin"] = "fashion-mnist";
    QCOMPARE(QString::fromStdString(train::StudySpec::fromJson(j, "spec.json", "/data").dataset.idxDir), QString("/data/images"));

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

void TestStudySpec::fieldErrorsNameFileAndField_data()
{
    QTest::addColumn<QString>("section");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("value"); // JSON text
    QTest::addColumn<QString>("rule");  // what the message says after "spec.json: SECTION: 'KEY' "
    const auto row = [](const char* section, const char* key, const char* value, const char* rule) {
        QTest::newRow((std::string(section) + "." + key + "=" + value).c_str()) << section << key << value << rule;
    };
    row("preprocessing", "numeric_impute", "5", "must be one of mean, median (got 5)");
    row("preprocessing", "numeric_impute", "\"mode\"", "must be one of mean, median (numeric_impute = 'mode')");
    row("preprocessing", "categorical_impute", "true", "must be one of most_frequent, missing_category (got true)");
    row("preprocessing", "standardize", "\"yes\"", "must be true or false (got \"yes\")");
    row("preprocessing", "text_lowercase", "2", "must be true or false (got 2)");
    row("preprocessing", "text_punctuation", "\"keep\"", "must be one of drop, split (text_punctuation = 'keep')");
    row("preprocessing", "text_ngrams", "1.5", "must be an integer (got 1.5)");
    row("preprocessing", "text_ngrams", "1", "must be 0 or in 2..5 (text_ngrams = 1)");
    row("preprocessing", "text_max_length", "0", "text_max_length = 0");
    row("preprocessing", "drop", "\"Name\"", "must be an array of column names");
    row("preprocessing", "drop", "[1]", "must be an array of column names (got [1])");
    row("preprocessing", "column_types", "{\"Age\": \"date\"}", "of column 'Age' must be one of numeric, categorical, text");
    row("model", "family", "\"svm\"", "svm");
    row("model", "units", "\"many\"", "must be an integer (got \"many\")");
    row("model", "hidden_layers", "12", "hidden_layers = 12");
    row("model", "dropout", "1.5", "dropout = 1.5");
    row("model", "activation", "\"swish\"", "must be one of relu, tanh, sigmoid, gelu (activation = 'swish')");
    row("model", "activation", "3", "must be one of relu, tanh, sigmoid, gelu (got 3)");
    row("training", "learning_rate", "\"fast\"", "must be a number (got \"fast\")");
    row("training", "batch_size", "0", "batch_size = 0");
    row("training", "epochs", "2.5", "must be an integer (got 2.5)");
    row("training", "optimizer", "\"lbfgs\"", "optimizer = 'lbfgs'");
    row("training", "class_weights", "\"1,x\"", "class_weights = '1,x'");
    row("dataset", "limit", "-1", "must be a non-negative integer");
    row("dataset", "task", "\"ordinal\"", "must be one of auto, classification, binary, multiclass, regression (task = 'ordinal')");
    row("split", "validation", "\"a\"", "must be a number");
    row("budget", "time_limit_s", "-1", "must be >= 0");
}

void TestStudySpec::fieldErrorsNameFileAndField()
{
    QFETCH(QString, section);
    QFETCH(QString, key);
    QFETCH(QString, value);
    QFETCH(QString, rule);
    auto j = minimal();
    if (section == "dataset" && key == "task") j["dataset"] = {{"csv", "train.csv"}, {"target", "y"}};
    if (!j.contains(section.toStdString())) j[section.toStdString()] = json::object();
    j[section.toStdString()][key.toStdString()] = json::parse(value.toStdString());
    const std::string msg = errorOf(j);
    // The file, the section and the key at the start; the rule after them.
    const std::string head = "spec.json: " + section.toStdString() + ": '" + key.toStdString() + "' ";
    QVERIFY2(msg.rfind(head, 0) == 0, qPrintable(QString::fromStdString("'" + msg + "' does not start with '" + head + "'")));
    VERIFY_CONTAINS(msg, rule.toStdString());
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
