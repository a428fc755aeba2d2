// The model-family registry: the families and their setting schemas, how a
// model config reads, checks and routes settings, and the CNN's per-block
// filters and dropouts.
#include "train/model_family.h"
#include "train/study_spec.h"
#include "train/trainer.h"

#include <QtTest>

#include <random>

using namespace tw;
using namespace tw::train;
using nlohmann::json;

namespace {

std::string errorOf(const std::function<void()>& f)
{
    try {
        f();
    } catch (const std::exception& e) {
        return e.what();
    }
    return {};
}

bool contains(const std::string& s, const std::string& part)
{
    return s.find(part) != std::string::npos;
}

data::Dataset images(int n, int side)
{
    data::Dataset d;
    d.name = "images";
    d.task = data::Task::Binary;
    d.sampleShape = {1, side, side};
    d.classNames = {"dark", "bright"};
    std::mt19937_64 rng(3);
    std::uniform_real_distribution<float> u(0, 1);
    for (int i = 0; i < n; ++i) {
        const int label = i % 2;
        d.labels.push_back(label);
        for (int p = 0; p < side * side; ++p) d.features.push_back(u(rng) * 0.5f + 0.5f * float(label));
    }
    return d;
}

} // namespace

class TestModelFamily : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void registryListsTheFamilies();
    void schemaDefaultsAreLegal();
    void settingChecksNameTheRule();
    void configReadsDefaultsAndKeepsOtherFamiliesKeys();
    void settingsRouteToTheFamilyFirst();
    void cnnBlocksTakeTheirOwnFiltersAndDropouts();
    void appliesSaysWhichSettingsMatter();
    void trainingSchemaAgreesWithTheRules();
};

void TestModelFamily::registryListsTheFamilies()
{
    std::vector<std::string> names;
    for (const ModelFamily* f : modelFamilies()) names.push_back(f->name());
    QVERIFY(names.size() >= 2);
    QCOMPARE(names[0], std::string("mlp"));
    QCOMPARE(names[1], std::string("cnn"));
    QVERIFY(findModelFamily("svm") == nullptr);
    const std::string e = errorOf([] { modelFamily("svm"); });
    QVERIFY2(contains(e, "model: 'family' must be one of mlp, cnn") && contains(e, "(family = 'svm')"), e.c_str());
    // Every family can be searched: 'family' and its keys are settings of a spec.
    const auto keys = StudySpec::settingKeys();
    QVERIFY(std::find(keys.begin(), keys.end(), "family") != keys.end());
    for (const ModelFamily* f : modelFamilies())
        for (const auto& s : f->settings()) QVERIFY2(std::find(keys.begin(), keys.end(), s.key) != keys.end(), s.key.c_str());
}

void TestModelFamily::schemaDefaultsAreLegal()
{
    for (const ModelFamily* f : modelFamilies()) {
        QVERIFY(!f->label().empty());
        for (const auto& s : f->settings()) {
            QVERIFY2(!s.help.empty(), s.key.c_str());
            if (!s.defaultValue.is_null()) s.check(s.defaultValue, "model");
            if (s.type == SettingType::Int || s.type == SettingType::Float) {
                // The picker's range lies within the legal one.
                QVERIFY2(s.searchLow < s.searchHigh, s.key.c_str());
                s.check(s.searchLow, "model");
                s.check(s.type == SettingType::Int ? s.searchHigh : std::nextafter(s.searchHigh, s.searchLow), "model");
                if (s.searchLog) QVERIFY2(s.searchLow > 0, s.key.c_str());
            }
            if (s.type == SettingType::Choice) QVERIFY2(!s.choices.empty(), s.key.c_str());
        }
        ModelConfig m;
        m.family = f->name();
        m.validate();
        QCOMPARE(ModelConfig::fromJson(m.toJson()).toJson(), m.toJson());
    }
}

void TestModelFamily::settingChecksNameTheRule()
{
    std::string e = errorOf([] { ModelConfig::fromJson(json{{"hidden_layers", 9}}); });
    QVERIFY2(contains(e, "model: 'hidden_layers' must be in 0..8 (hidden_layers = 9)"), e.c_str());
    e = errorOf([] { ModelConfig::fromJson(json{{"dropout", 1.0}}); });
    QVERIFY2(contains(e, "model: 'dropout' must be in [0, 1) (dropout = 1.0)"), e.c_str());
    e = errorOf([] { ModelConfig::fromJson(json{{"activation", "swish"}}); });
    QVERIFY2(contains(e, "'activation' must be one of relu, tanh, sigmoid, gelu (activation = 'swish')"), e.c_str());
    e = errorOf([] { ModelConfig::fromJson(json{{"units", 3.5}}); });
    QVERIFY2(contains(e, "'units' must be an integer (got 3.5)"), e.c_str());
    e = errorOf([] { ModelConfig::fromJson(json{{"unitz", 3}}, "spec.json"); });
    QVERIFY2(contains(e, "spec.json: model: unknown key 'unitz'") && contains(e, "hidden_layers"), e.c_str());
    // A key of another family is checked by that family's rules.
    e = errorOf([] { ModelConfig::fromJson(json{{"family", "mlp"}, {"filters_2", 0}}); });
    QVERIFY2(contains(e, "'filters_2' must be in 1..4096"), e.c_str());
    // A number where a text setting is read is its text: max_features 0.5 or "sqrt".
    const ModelConfig forest = ModelConfig::fromJson(json{{"family", "random_forest"}, {"max_features", 0.5}});
    QCOMPARE(forest.text("max_features"), std::string("0.5"));
    e = errorOf([] { ModelConfig::fromJson(json{{"family", "random_forest"}, {"max_features", true}}); });
    QVERIFY2(contains(e, "'max_features' must be a string"), e.c_str());
}

void TestModelFamily::configReadsDefaultsAndKeepsOtherFamiliesKeys()
{
    ModelConfig m;
    QCOMPARE(m.integer("hidden_layers"), 2);
    QCOMPARE(m.text("activation"), std::string("relu"));
    m.set("units", 64.0); // an integral number is an int
    QVERIFY(m.values["units"].is_number_integer());
    m.set("filters", 8);  // a cnn key on an mlp config: kept for when the family changes
    QVERIFY(m.toJson().contains("filters"));
    QVERIFY(!m.toJson().contains("kernel_size")); // cnn defaults are not the mlp's
    const std::string e = errorOf([&] { m.integer("filters"); });
    QVERIFY2(contains(e, "has no setting 'filters'"), e.c_str());
    m.family = "cnn";
    QCOMPARE(m.integer("filters"), 8);
    QCOMPARE(m.integer("kernel_size"), 3);
    QVERIFY(!m.has("filters_1")); // derived: filters x 2^(K-1)
}

void TestModelFamily::settingsRouteToTheFamilyFirst()
{
    ModelConfig m;
    TrainConfig t;
    setOption(m, t, "family", json("cnn"));
    setOption(m, t, "dropout_2", json(0.3));
    setOption(m, t, "learning_rate", json(0.05));
    QCOMPARE(m.family, std::string("cnn"));
    QCOMPARE(m.number("dropout_2"), 0.3);
    QCOMPARE(t.learningRate, 0.05);
    const std::string e = errorOf([&] { setOption(m, t, "n_trees", json(3)); });
    QVERIFY2(contains(e, "unknown setting 'n_trees'"), e.c_str());
}

void TestModelFamily::cnnBlocksTakeTheirOwnFiltersAndDropouts()
{
    const data::Dataset d = images(32, 8);
    TrainOptions o;
    o.model.family = "cnn";
    o.model.set("dense_units", 16);
    o.model.set("filters_1", 4);
    o.model.set("filters_2", 6);
    o.model.set("dropout_1", 0.25); // as the CNN notebook: dropout_1 fixed, dropout_2 searched
    o.model.set("dropout_2", 0.4);
    o.training.epochs = 2;
    o.training.batchSize = 8;
    o.training.device = "cpu";
    const TrainResult r = trainModel(d, d, o);
    QVERIFY2(r.status == TrainResult::Status::Completed, r.reason.c_str());
    // conv 1->4 (3x3), conv 4->6, dense 6*2*2 -> 16, 16 -> 2.
    QCOMPARE(r.parameters, int64_t((9 * 4 + 4) + (9 * 4 * 6 + 6) + (24 * 16 + 16) + (16 * 2 + 2)));
    // Without filters_K the blocks double `filters`.
    o.model.values.erase("filters_1");
    o.model.values.erase("filters_2");
    o.model.set("filters", 4);
    const TrainResult doubled = trainModel(d, d, o);
    QVERIFY2(doubled.status == TrainResult::Status::Completed, doubled.reason.c_str());
    QCOMPARE(doubled.parameters, int64_t((9 * 4 + 4) + (9 * 4 * 8 + 8) + (32 * 16 + 16) + (16 * 2 + 2)));
    // Tabular data cannot go into a cnn.
    data::Dataset rows = d;
    rows.sampleShape = {64};
    const std::string e = errorOf([&] { trainModel(rows, rows, o); });
    QVERIFY2(contains(e, "'family' cnn needs image samples {C,H,W} (sample shape {64})"), e.c_str());
}

void TestModelFamily::appliesSaysWhichSettingsMatter()
{
    const ModelFamily& mlp = modelFamily("mlp");
    QVERIFY(mlp.applies("hidden_layers"));
    QVERIFY(mlp.applies("learning_rate"));
    QVERIFY(mlp.applies("family"));
    QVERIFY(!mlp.applies("conv_blocks"));
    QVERIFY(!modelFamily("cnn").applies("hidden_layers"));
}

void TestModelFamily::trainingSchemaAgreesWithTheRules()
{
    const json defaults = TrainConfig().toJson();
    for (const auto& s : trainingSettings()) {
        const std::string key = s.key == "class_weight_K" ? std::string("class_weight_1") : s.key;
        QVERIFY2(TrainConfig::hasKey(key), key.c_str());
        if (s.key != "class_weight_K") QCOMPARE(s.defaultValue, defaults[s.key]);
        std::vector<json> probes;
        if (s.type == SettingType::Int || s.type == SettingType::Float) probes = {s.searchLow, s.searchHigh};
        for (const auto& c : s.choices) probes.push_back(c);
        for (const json& v : probes) {
            TrainConfig t;
            if (key == "loss" && v == "bce") continue; // legal, but for binary data only (checked with the data)
            t.set(key, v);
            const std::string e = errorOf([&] { t.validate(); });
            QVERIFY2(e.empty(), (key + " = " + v.dump() + ": " + e).c_str());
            s.check(v, "training");
        }
    }
    // Below the legal range: the schema says so as the rule does.
    const SettingInfo* lr = nullptr;
    for (const auto& s : trainingSettings())
        if (s.key == "learning_rate") lr = &s;
    QVERIFY(lr);
    const std::string e = errorOf([&] { lr->check(0.0, "training"); });
    QVERIFY2(contains(e, "'learning_rate' must be > 0"), e.c_str());
}

QTEST_GUILESS_MAIN(TestModelFamily)
#include "test_model_family.moc"
