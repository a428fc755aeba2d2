// Ax compatibility: Ax-style parameter lists as a search space (directly and
// through SearchSpace::fromJson / load), messages naming the parameter, and
// Ax / Keras / Optuna parameter names mapped onto settings in a study spec
// (the Ax notebook's tweet-classifier space runs unchanged).
#include "space/ax_format.h"
#include "space/search_space.h"
#include "train/setting_aliases.h"
#include "train/study_spec.h"

#include "test_support.h"

#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <fstream>

#include "core/ax_notebook.h"

using namespace tw;
using nlohmann::json;

namespace {

json specWith(const json& space)
{
    return {{"dataset", {{"builtin", "moons"}}}, {"model", {{"family", "mlp"}}}, {"search_space", space}};
}

} // namespace

class TestAxFormat : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void rangeChoiceFixed();
    void detection();
    void messages();
    void loadFile();
    void aliases();
    void notebookSpaceInASpec();
    void explicitSetting();
};

void TestAxFormat::rangeChoiceFixed()
{
    const space::SearchSpace s = space::fromAxJson(json::parse(R"([
        {"name": "lr", "type": "range", "bounds": [1e-6, 8e-5], "log_scale": true, "value_type": "float"},
        {"name": "epochs", "type": "range", "bounds": [1, 6], "value_type": "int"},
        {"name": "layers", "type": "range", "bounds": [1, 4]},
        {"name": "ratio", "type": "range", "bounds": [0, 0.5]},
        {"name": "optimizer", "type": "choice", "values": ["sgd", "adam"], "is_ordered": false},
        {"name": "batch_size", "type": "choice", "values": [16, 32, 64], "is_ordered": true, "sort_values": true},
        {"name": "seed", "type": "fixed", "value": 42}
    ])"));
    QCOMPARE(s.size(), size_t(7));
    const auto& lr = std::get<space::FloatParam>(s[0]);
    QCOMPARE(lr.low, 1e-6);
    QCOMPARE(lr.high, 8e-5);
    QVERIFY(lr.log);
    const auto& epochs = std::get<space::IntParam>(s[1]);
    QCOMPARE(epochs.high, 6.0);
    QVERIFY(!epochs.log);
    QVERIFY(std::holds_alternative<space::IntParam>(s[2]));   // integer bounds, no value_type: int (as Ax infers)
    QVERIFY(std::holds_alternative<space::FloatParam>(s[3])); // a float bound: float
    const auto& opt = std::get<space::CategoricalParam>(s[4]);
    QCOMPARE(opt.choices.size(), size_t(2));
    QVERIFY(std::get<std::string>(opt.choices[1]) == "adam");
    QCOMPARE(std::get<double>(std::get<space::CategoricalParam>(s[5]).choices[2]), 64.0);
    const auto& seed = std::get<space::CategoricalParam>(s[6]);
    QCOMPARE(seed.choices.size(), size_t(1));
    QCOMPARE(std::get<double>(seed.choices[0]), 42.0);
    // Also wrapped in {"parameters": [...]}, and through SearchSpace::fromJson.
    const json wrapped = {{"parameters", axNotebookParameters()}};
    QCOMPARE(space::SearchSpace::fromJson(wrapped).size(), size_t(6));
    QCOMPARE(space::SearchSpace::fromJson(axNotebookParameters()).toJson(), space::fromAxJson(wrapped).toJson());
}

void TestAxFormat::detection()
{
    QVERIFY(space::isAxFormat(axNotebookParameters()));
    QVERIFY(space::isAxFormat(json{{"parameters", axNotebookParameters()}}));
    QVERIFY(space::isAxFormat(json::parse(R"({"parameters": [{"name": "a", "bounds": [0, 1]}]})")));
    QVERIFY(!space::isAxFormat(json::parse(R"({"parameters": [{"name": "a", "type": "float", "low": 0, "high": 1}]})")));
    QVERIFY(!space::isAxFormat(json::object()));
    // The native format is read as before.
    QCOMPARE(space::SearchSpace::fromJson(json::parse(R"({"parameters": [{"name": "a", "type": "float", "low": 0, "high": 1}]})")).size(),
             size_t(1));
}

void TestAxFormat::messages()
{
    auto error = [](const char* text) {
        return errorOf<std::invalid_argument>([&] { space::fromAxJson(json::parse(text), "ax.json"); });
    };
    EXPECT_CONTAINS(error(R"([{"name": "lr", "type": "range", "bounds": [1]}])"),
                    "ax.json: parameter 'lr': 'bounds' must be [low, high] (two numbers)");
    EXPECT_CONTAINS(error(R"([{"name": "lr", "type": "range", "bounds": [0, 1], "log_scale": true}])"),
                    "ax.json: parameter 'lr': log scale needs low > 0 (low = 0)");
    EXPECT_CONTAINS(error(R"([{"name": "lr", "type": "range", "bounds": [2, 1]}])"), "parameter 'lr': needs low < high");
    EXPECT_CONTAINS(error(R"([{"name": "n", "type": "range", "bounds": [0.5, 3], "value_type": "int"}])"),
                    "parameter 'n': int bounds must be integers (low = 0.5)");
    EXPECT_CONTAINS(error(R"([{"name": "n", "type": "range", "bounds": [0, 3], "value_type": "str"}])"),
                    "parameter 'n': a range needs value_type int or float (value_type = str)");
    EXPECT_CONTAINS(error(R"([{"name": "n", "type": "range", "bounds": [0, 3], "value_type": "double"}])"),
                    "parameter 'n': 'value_type' 'double' is not one of int, float, str, bool");
    EXPECT_CONTAINS(error(R"([{"name": "o", "type": "choice", "values": []}])"), "parameter 'o': a choice needs 'values': a non-empty array");
    EXPECT_CONTAINS(error(R"([{"name": "o", "type": "choice", "values": ["a", "a"]}])"), "parameter 'o': duplicate choice 'a'");
    EXPECT_CONTAINS(error(R"([{"name": "o", "type": "choice", "values": [[1]]}])"), "parameter 'o': value #1 must be a string");
    EXPECT_CONTAINS(error(R"([{"name": "s", "type": "fixed"}])"), "parameter 's': a fixed parameter needs 'value'");
    EXPECT_CONTAINS(error(R"([{"name": "s", "type": "uniform", "bounds": [0, 1]}])"),
                    "parameter 's': unknown type 'uniform' (an Ax parameter is range, choice or fixed)");
    EXPECT_CONTAINS(error(R"([{"name": "s", "type": "range", "bounds": [0, 1], "low": 0}])"),
                    "parameter 's': unknown key 'low' (an Ax range parameter takes");
    EXPECT_CONTAINS(error(R"([{"type": "range", "bounds": [0, 1]}])"), "ax.json: parameter #1: 'name' must be a non-empty string");
    EXPECT_CONTAINS(error(R"([{"name": "a", "type": "range", "bounds": [0, 1]}, {"name": "a", "type": "range", "bounds": [0, 1]}])"),
                    "parameter 'a': duplicate name");
    EXPECT_CONTAINS(error(R"([])"), "ax.json: the parameter list is empty");
}

void TestAxFormat::loadFile()
{
    // The window's "Load space" reads a file with SearchSpace::load.
    QTemporaryDir dir;
    const std::string path = dir.filePath("ax_space.json").toStdString();
    std::ofstream(path) << axNotebookParameters().dump(2);
    const space::SearchSpace s = space::SearchSpace::load(path);
    QCOMPARE(s.size(), size_t(6));
    QCOMPARE(space::nameOf(s[2]), std::string("warm_up_ratio"));
    std::ofstream(path) << R"([{"name": "lr", "type": "range", "bounds": [0, 1], "log_scale": true}])";
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { space::SearchSpace::load(path); }),
                    path + ": parameter 'lr': log scale needs low > 0");
}

void TestAxFormat::aliases()
{
    QCOMPARE(train::settingAlias("lr").value_or(""), std::string("learning_rate"));
    QCOMPARE(train::settingAlias("warm_up_ratio").value_or(""), std::string("warmup_ratio"));
    QCOMPARE(train::settingAlias("opt_weights_cls0").value_or(""), std::string("class_weight_0"));
    QCOMPARE(train::settingAlias("opt_weights_cls1").value_or(""), std::string("class_weight_1"));
    QCOMPARE(train::settingAlias("wd").value_or(""), std::string("weight_decay"));
    QCOMPARE(train::settingAlias("num_epochs").value_or(""), std::string("epochs"));
    QCOMPARE(train::settingAlias("batch").value_or(""), std::string("batch_size"));
    QVERIFY(!train::settingAlias("learning_rate")); // a setting is not an alias
    QVERIFY(!train::settingAlias("LR"));
    // Every alias names a real setting.
    const auto keys = train::StudySpec::settingKeys();
    for (const auto& [alias, setting] : train::settingAliases())
        QVERIFY2(setting.rfind("class_weight_", 0) == 0 || std::find(keys.begin(), keys.end(), setting) != keys.end(),
                 (alias + " -> " + setting).c_str());
}

void TestAxFormat::notebookSpaceInASpec()
{
    const train::StudySpec s = train::StudySpec::fromJson(specWith(axNotebookParameters()), "ax_spec.json");
    // The parameters keep their own names; each maps onto a setting.
    QCOMPARE(space::nameOf(s.space[0]), std::string("lr"));
    QCOMPARE(s.settingFor("lr"), std::string("learning_rate"));
    QCOMPARE(s.settingFor("weight_decay"), std::string("weight_decay"));
    QCOMPARE(s.settingFor("warm_up_ratio"), std::string("warmup_ratio"));
    QCOMPARE(s.settingFor("opt_weights_cls1"), std::string("class_weight_1"));
    // Every one of them changes what an MLP trains: no warning.
    QVERIFY(s.warnings().empty());
    // A trial's values reach the settings.
    const std::vector<double> values{3e-5, 0.01, 0.25, 4, 0.8, 2.5};
    train::ModelConfig m;
    train::TrainConfig t;
    data::PreprocessOptions p;
    s.configure(values, m, t, p);
    QCOMPARE(t.learningRate, 3e-5);
    QCOMPARE(t.weightDecay, 0.01);
    QCOMPARE(t.warmupRatio, 0.25);
    QCOMPARE(t.epochs, 4);
    QCOMPARE(t.classWeights, std::string("0.8,2.5"));
    // The spec records the mapping explicitly and reads it back.
    const json out = s.toJson();
    QCOMPARE(out["search_space"]["parameters"][0]["setting"].get<std::string>(), std::string("learning_rate"));
    QVERIFY(!out["search_space"]["parameters"][1].contains("setting"));
    const train::StudySpec back = train::StudySpec::fromJson(out);
    QCOMPARE(back.parameterSettings, s.parameterSettings);
    QCOMPARE(back.space.toJson(), s.space.toJson());
}

void TestAxFormat::explicitSetting()
{
    json space = json::parse(R"({"parameters": [
        {"name": "step_size", "type": "float", "low": 0.001, "high": 0.1, "log": true, "setting": "learning_rate"}]})");
    const train::StudySpec s = train::StudySpec::fromJson(specWith(space), "e.json");
    QCOMPARE(s.settingFor("step_size"), std::string("learning_rate"));
    train::ModelConfig m;
    train::TrainConfig t;
    data::PreprocessOptions p;
    s.configure({0.05}, m, t, p);
    QCOMPARE(t.learningRate, 0.05);
    // A setting the family does not read is warned about by the parameter's name.
    json unused = space;
    unused["parameters"].push_back(json::parse(R"({"name": "width", "type": "int", "low": 3, "high": 7, "setting": "kernel_size"})"));
    const auto warnings = train::StudySpec::fromJson(specWith(unused), "e.json").warnings();
    QCOMPARE(warnings.size(), size_t(1));
    QCOMPARE(warnings[0].message, std::string("search parameter 'width' changes nothing: family mlp does not use it"));

    space["parameters"][0]["setting"] = "speed";
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { train::StudySpec::fromJson(specWith(space), "e.json"); }),
                    "e.json: search_space: parameter 'step_size': setting 'speed' is not a setting");
    space["parameters"][0]["setting"] = 3;
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { train::StudySpec::fromJson(specWith(space), "e.json"); }),
                    "parameter 'step_size': 'setting' must be a string");
    // An unknown name without a setting says how to map it.
    space["parameters"][0].erase("setting");
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { train::StudySpec::fromJson(specWith(space), "e.json"); }),
                    "a parameter of another name sets one with \"setting\": KEY");
    // Two parameters may not set one setting.
    const json both = json::parse(R"([
        {"name": "lr", "type": "range", "bounds": [0.001, 0.1]},
        {"name": "learning_rate", "type": "range", "bounds": [0.001, 0.1]}])");
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { train::StudySpec::fromJson(specWith(both), "e.json"); }),
                    "parameters 'lr' and 'learning_rate' both set 'learning_rate'");
    // An out-of-range value of an aliased parameter names the parameter.
    const json bad = json::parse(R"([{"name": "warm_up_ratio", "type": "range", "bounds": [0.0, 1.5]}])");
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { train::StudySpec::fromJson(specWith(bad), "e.json"); }),
                    "search parameter 'warm_up_ratio' = 1.5");
}

QTEST_GUILESS_MAIN(TestAxFormat)
#include "test_ax_format.moc"
