// Conditional parameters ("when"): validation, the JSON form, active values,
// the cardinality per branch, the unit-cube encoding, the samplers (random,
// qmc, gp), the journal, the exports, the analysis grids and
// StudySpec::configure.
#include "analysis/grid.h"
#include "analysis/importance.h"
#include "bench/functions.h"
#include "gp/surrogate.h"
#include "sampler/common.h"
#include "sampler/gp_sampler.h"
#include "sampler/sampler.h"
#include "space/search_space.h"
#include "study/export.h"
#include "study/study.h"
#include "train/study_spec.h"

#include "test_support.h"

#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

using nlohmann::json;
using namespace tw;
using namespace tw::space;

namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

/// The talk's model-family study: logistic regression or a random forest,
/// each with its own parameters.
json familyJson()
{
    return json::parse(R"({"parameters": [
        {"name": "family", "type": "categorical", "choices": ["logistic_regression", "random_forest"]},
        {"name": "C", "type": "float", "low": 0.001, "high": 100, "log": true,
         "when": {"family": ["logistic_regression"]}},
        {"name": "fit_intercept", "type": "categorical", "choices": [true, false],
         "when": {"family": ["logistic_regression"]}},
        {"name": "n_estimators", "type": "int", "low": 10, "high": 300,
         "when": {"family": ["random_forest"]}},
        {"name": "max_depth", "type": "int", "low": 2, "high": 32, "log": true,
         "when": {"family": ["random_forest"]}},
        {"name": "min_samples_split", "type": "int", "low": 2, "high": 10,
         "when": {"family": ["random_forest"]}}
    ]})");
}

SearchSpace familySpace()
{
    return SearchSpace::fromJson(familyJson(), "family.json");
}

std::string fromJsonError(const json& j)
{
    return errorOf<std::invalid_argument>([&] { SearchSpace::fromJson(j, "space.json"); });
}

/// Same configuration, NaN equal to NaN.
bool sameValues(const std::vector<double>& a, const std::vector<double>& b)
{
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (!(std::isnan(a[i]) && std::isnan(b[i])) && a[i] != b[i]) return false;
    return true;
}

/// Fails unless `values` is a legal configuration of `space`: every active
/// parameter legal, every inactive one NaN.
void checkConfiguration(const SearchSpace& space, const std::vector<double>& values)
{
    QCOMPARE(values.size(), space.size());
    const auto act = space.active(values);
    for (size_t i = 0; i < values.size(); ++i) {
        const std::string what = nameOf(space[i]) + " = " + std::to_string(values[i]);
        if (act[i])
            QVERIFY2(space.contains(i, values[i]), ("active but not legal: " + what).c_str());
        else
            QVERIFY2(std::isnan(values[i]), ("inactive but given: " + what).c_str());
    }
    QVERIFY(space.contains(values));
}

study::StudyConfig familyConfig(const std::string& sampler, uint64_t seed = 5)
{
    study::StudyConfig c;
    c.name = "families";
    c.space = familySpace();
    c.sampler.name = sampler;
    c.sampler.seed = seed;
    c.direction = study::Direction::Maximize;
    return c;
}

/// A made-up validation accuracy with a different optimum in each family.
double familyScore(const std::vector<double>& v)
{
    if (v[0] == 0.0) return 0.8 - 0.01 * std::pow(std::log10(v[1]) - 0.5, 2) + (v[2] == 0.0 ? 0.01 : 0.0);
    return 0.84 - 1e-6 * std::pow(v[3] - 200, 2) - 0.002 * std::abs(v[4] - 12) - 0.001 * v[5];
}

} // namespace

class TestConditionalSpace : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void validationMessages_data();
    void validationMessages();
    void validateDirect();
    void jsonRoundTrip();
    void activeAndValues();
    void valuesFromJsonMessages();
    void chains();
    void cardinalityPerBranch();
    void unitEncoding();
    void seenConfigsWithNan();
    void randomAndQmcSampling_data();
    void randomAndQmcSampling();
    void gpSampling();
    void gpSwitchesFamily();
    void journalRoundTrip();
    void exports();
    void analysisGrids();
    void studySpecConfigure();
};

void TestConditionalSpace::validationMessages_data()
{
    QTest::addColumn<QString>("when");
    QTest::addColumn<QString>("expected");
    QTest::newRow("missing parent") << R"({"famly": ["random_forest"]})"
                                    << "space.json: parameter 'n_estimators': 'when' names an unknown parameter "
                                       "'famly' (the space has family, lr, n_estimators)";
    QTest::newRow("parent not categorical") << R"({"lr": [0.1]})"
                                            << "parameter 'n_estimators': 'when': parent 'lr' must be categorical "
                                               "(it is float)";
    QTest::newRow("value not a choice") << R"({"family": ["svm"]})"
                                        << "parameter 'n_estimators': 'when': \"svm\" is not one of the choices of "
                                           "'family' (\"logistic_regression\", \"random_forest\")";
    QTest::newRow("number for a string choice")
        << R"({"family": [1]})" << "'when': 1 is not one of the choices of 'family'";
    QTest::newRow("empty list") << R"({"family": []})"
                                << "parameter 'n_estimators': 'when': the list of values for 'family' must not be "
                                   "empty";
    QTest::newRow("repeated value") << R"({"family": ["random_forest", "random_forest"]})"
                                    << "\"random_forest\" is listed twice for 'family'";
    QTest::newRow("itself") << R"({"n_estimators": [10]})"
                            << "parameter 'n_estimators': 'when' cannot name the parameter itself";
    QTest::newRow("not an object") << R"(["family"])" << "parameter 'n_estimators': 'when' must be an object";
    QTest::newRow("empty object") << R"({})" << "'when' must be an object naming at least one parent";
    QTest::newRow("not a list") << R"({"family": "random_forest"})"
                                << "'when': the values for 'family' must be an array of its choices";
    QTest::newRow("null value") << R"({"family": [null]})"
                                << "'when': a value for 'family' must be a string, a number or true/false";
}

void TestConditionalSpace::validationMessages()
{
    QFETCH(QString, when);
    QFETCH(QString, expected);
    json j = json::parse(R"({"parameters": [
        {"name": "family", "type": "categorical", "choices": ["logistic_regression", "random_forest"]},
        {"name": "lr", "type": "float", "low": 0.01, "high": 1},
        {"name": "n_estimators", "type": "int", "low": 10, "high": 300}
    ]})");
    j["parameters"][2]["when"] = json::parse(when.toStdString());
    EXPECT_CONTAINS(fromJsonError(j), expected.toStdString());

    // Cycles, two and three long, named with the path.
    const json two = json::parse(R"({"parameters": [
        {"name": "a", "type": "categorical", "choices": ["x", "y"], "when": {"b": ["u"]}},
        {"name": "b", "type": "categorical", "choices": ["u", "v"], "when": {"a": ["x"]}}
    ]})");
    EXPECT_CONTAINS(fromJsonError(two), "space.json: parameter 'a': 'when' conditions form a cycle (a -> b -> a)");
    const json three = json::parse(R"({"parameters": [
        {"name": "top", "type": "categorical", "choices": [1, 2]},
        {"name": "a", "type": "categorical", "choices": [1, 2], "when": {"c": [1], "top": [1]}},
        {"name": "b", "type": "categorical", "choices": [1, 2], "when": {"a": [2]}},
        {"name": "c", "type": "categorical", "choices": [1, 2], "when": {"b": [1]}}
    ]})");
    EXPECT_CONTAINS(fromJsonError(three), "'when' conditions form a cycle (a -> c -> b -> a)");

    // Strictness is kept: an unknown key still fails and the message lists "when".
    json unknown = familyJson();
    unknown["parameters"][1]["if"] = json::object();
    EXPECT_CONTAINS(fromJsonError(unknown),
                    "parameter 'C': unknown key 'if' (a float parameter takes name, type, low, high, log, step, when)");
}

void TestConditionalSpace::validateDirect()
{
    // Built in code rather than from JSON: the same rules, through the constructor.
    const std::string twice = errorOf<std::invalid_argument>([] {
        SearchSpace({CategoricalParam{"family", {Choice{std::string("a")}, Choice{std::string("b")}}},
                     FloatParam{"x", 0, 1, false, std::nullopt,
                                {Condition{"family", {Choice{std::string("a")}}},
                                 Condition{"family", {Choice{std::string("b")}}}}}});
    });
    EXPECT_CONTAINS(twice, "parameter 'x': 'when' names 'family' twice");
    const std::string boolChoice = errorOf<std::invalid_argument>([] {
        SearchSpace({CategoricalParam{"flag", {Choice{true}, Choice{false}}},
                     IntParam{"n", 1, 3, false, {Condition{"flag", {Choice{std::string("true")}}}}}});
    });
    EXPECT_CONTAINS(boolChoice, "'when': \"true\" is not one of the choices of 'flag' (true, false)");
    // Booleans and numbers match as in the parent's choices.
    const SearchSpace ok({CategoricalParam{"flag", {Choice{true}, Choice{false}}},
                          CategoricalParam{"width", {Choice{16.0}, Choice{32.0}}},
                          IntParam{"n", 1, 3, false, {Condition{"flag", {Choice{true}}}, Condition{"width", {Choice{32.0}}}}}});
    QVERIFY(ok.conditional());
    QCOMPARE(ok.active({0, 1, 2})[2], true);
    QCOMPARE(ok.active({0, 0, 2})[2], false); // width = 16
    QCOMPARE(ok.active({1, 1, 2})[2], false); // flag = false
}

void TestConditionalSpace::jsonRoundTrip()
{
    const SearchSpace s = familySpace();
    QVERIFY(s.conditional());
    const json j = s.toJson();
    QCOMPARE(j["parameters"][1]["when"], json::parse(R"({"family": ["logistic_regression"]})"));
    QVERIFY(!j["parameters"][0].contains("when"));
    const SearchSpace back = SearchSpace::fromJson(j);
    QCOMPARE(back.toJson(), j);
    QCOMPARE(conditionsOf(back[3]), conditionsOf(s[3]));
    QCOMPARE(conditionsOf(back[3]).front().parent, std::string("family"));
    QCOMPARE(conditionText(conditionsOf(back[3]).front()), std::string("family in [random_forest]"));

    // Several parents and typed values survive as written.
    const json typed = json::parse(R"({"parameters": [
        {"name": "flag", "type": "categorical", "choices": [true, false]},
        {"name": "width", "type": "categorical", "choices": [16, 32, 64]},
        {"name": "n", "type": "int", "low": 1, "high": 4, "when": {"flag": [true], "width": [32, 64]}}
    ]})");
    QCOMPARE(SearchSpace::fromJson(typed).toJson(), typed);

    // Save and load through a file.
    QTemporaryDir dir;
    const std::string path = dir.filePath("space.json").toStdString();
    s.save(path);
    QCOMPARE(SearchSpace::load(path).toJson(), j);
}

void TestConditionalSpace::activeAndValues()
{
    const SearchSpace s = familySpace();
    std::vector<double> lr{0, 0.5, 1, 100, 8, 3};
    QCOMPARE(s.active(lr), (std::vector<bool>{true, true, true, false, false, false}));
    s.deactivate(lr);
    QVERIFY(sameValues(lr, {0, 0.5, 1, kNan, kNan, kNan}));
    QVERIFY(s.contains(lr));
    QVERIFY(!s.contains(std::vector<double>{0, 0.5, 1, 100, 8, 3})); // a value for an inactive parameter
    QVERIFY(!s.contains(std::vector<double>{1, 0.5, 1, 100, 8, kNan})); // an active one missing
    QVERIFY(!s.contains(3, kNan)); // NaN is never a value of a parameter

    // valuesToJson leaves inactive parameters out, whatever their value.
    QCOMPARE(s.valuesToJson(lr), json::parse(R"({"family": "logistic_regression", "C": 0.5, "fit_intercept": false})"));
    QCOMPARE(s.valuesToJson({0, 0.5, 1, 100, 8, 3}), s.valuesToJson(lr));
    const std::vector<double> rf{1, kNan, kNan, 120, 8, 3};
    QCOMPARE(s.valuesToJson(rf),
             json::parse(R"({"family": "random_forest", "n_estimators": 120, "max_depth": 8, "min_samples_split": 3})"));
    // An active parameter without a value is still an error.
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { s.valuesToJson({1, kNan, kNan, kNan, 8, 3}); }),
                    "parameter 'n_estimators': value nan is not a legal value");

    // ... and valuesFromJson reads them back with NaN.
    QVERIFY(sameValues(s.valuesFromJson(s.valuesToJson(rf)), rf));
    QVERIFY(sameValues(s.valuesFromJson(s.valuesToJson(lr)), lr));
    QCOMPARE(s.inactiveReason(1, rf), std::string("it needs family in [logistic_regression] (family = random_forest)"));
    QCOMPARE(s.inactiveReason(3, rf), std::string());
}

void TestConditionalSpace::valuesFromJsonMessages()
{
    const SearchSpace s = familySpace();
    const auto err = [&](const char* text) {
        return errorOf<std::invalid_argument>([&] { s.valuesFromJson(json::parse(text), "best.json"); });
    };
    QCOMPARE(err(R"({"family": "logistic_regression", "C": 1, "fit_intercept": true, "n_estimators": 50})"),
             std::string("best.json: parameter 'n_estimators' is inactive: it needs family in [random_forest] "
                         "(family = logistic_regression)"));
    QCOMPARE(err(R"({"family": "random_forest", "n_estimators": 50, "max_depth": 4})"),
             std::string("best.json: parameter 'min_samples_split': missing value"));
    QCOMPARE(err(R"({"C": 1})"), std::string("best.json: parameter 'family': missing value"));
    EXPECT_CONTAINS(err(R"({"family": "random_forest", "n_estimators": 5, "max_depth": 4, "min_samples_split": 2})"),
                    "parameter 'n_estimators': value 5 is outside [10, 300]");
    EXPECT_CONTAINS(err(R"({"family": "svm"})"), "parameter 'family': \"svm\" is not one of the choices");
}

void TestConditionalSpace::chains()
{
    // optimizer -> momentum_kind (sgd only) -> nesterov_gamma (nesterov only).
    const SearchSpace s = SearchSpace::fromJson(json::parse(R"({"parameters": [
        {"name": "gamma", "type": "float", "low": 0.1, "high": 0.9, "when": {"momentum_kind": ["nesterov"]}},
        {"name": "momentum_kind", "type": "categorical", "choices": ["plain", "nesterov"],
         "when": {"optimizer": ["sgd"]}},
        {"name": "optimizer", "type": "categorical", "choices": ["sgd", "adam"]}
    ]})"));
    // Parents come before children whatever the order of the list.
    QCOMPARE(s.order(), (std::vector<size_t>{2, 1, 0}));
    QCOMPARE(s.active({0.5, 1, 0}), (std::vector<bool>{true, true, true}));
    QCOMPARE(s.active({0.5, 1, 1}), (std::vector<bool>{false, false, true})); // adam: the whole chain is off
    QCOMPARE(s.active({0.5, 0, 0}), (std::vector<bool>{false, true, true}));
    QCOMPARE(s.inactiveReason(0, {0.5, 1, 1}), std::string("it needs momentum_kind in [nesterov] (momentum_kind is inactive)"));
    EXPECT_CONTAINS(errorOf<std::invalid_argument>(
                        [&] { s.valuesFromJson(json::parse(R"({"optimizer": "adam", "gamma": 0.5})")); }),
                    "parameter 'gamma' is inactive: it needs momentum_kind in [nesterov] (momentum_kind is inactive)");
    QVERIFY(sameValues(s.valuesFromJson(json::parse(R"({"optimizer": "adam"})")), {kNan, kNan, 1}));
    QCOMPARE(s.cardinality(), std::nullopt); // gamma is continuous
    std::mt19937_64 rng(3);
    for (int i = 0; i < 200; ++i) checkConfiguration(s, sampler::randomValues(s, rng));
}

void TestConditionalSpace::cardinalityPerBranch()
{
    // (x: 3 | y: 4) * z: 2, plus a chain: w (2 values) only when x's branch has k = on.
    const SearchSpace s = SearchSpace::fromJson(json::parse(R"({"parameters": [
        {"name": "branch", "type": "categorical", "choices": ["a", "b"]},
        {"name": "x", "type": "int", "low": 1, "high": 3, "when": {"branch": ["a"]}},
        {"name": "y", "type": "int", "low": 1, "high": 4, "when": {"branch": ["b"]}},
        {"name": "z", "type": "int", "low": 1, "high": 2}
    ]})"));
    QCOMPARE(s.cardinality(), std::optional<double>(14.0));
    const SearchSpace chain = SearchSpace::fromJson(json::parse(R"({"parameters": [
        {"name": "branch", "type": "categorical", "choices": ["a", "b"]},
        {"name": "k", "type": "categorical", "choices": ["on", "off"], "when": {"branch": ["a"]}},
        {"name": "w", "type": "float", "low": 0, "high": 1, "step": 1, "when": {"k": ["on"]}}
    ]})"));
    // a/on/w=0, a/on/w=1, a/off, b.
    QCOMPARE(chain.cardinality(), std::optional<double>(4.0));
    // Exhaustion counts branches: the random sampler tries exactly 4, then stops.
    study::StudyConfig c;
    c.name = "small";
    c.space = chain;
    c.sampler.name = "random";
    auto st = study::Study::createInMemory(c);
    std::set<std::string> seen;
    for (int i = 0; i < 4; ++i) {
        const auto t = st->ask();
        seen.insert(chain.valuesToJson(t.params).dump());
        st->tell(t.number, study::Outcome::complete(double(i)));
    }
    QCOMPARE(int(seen.size()), 4);
    EXPECT_CONTAINS(errorOf<std::runtime_error>([&] { st->ask(); }), "search space exhausted: all 4 configurations");
    QCOMPARE(familySpace().cardinality(), std::nullopt);
}

void TestConditionalSpace::unitEncoding()
{
    const SearchSpace s = familySpace();
    QCOMPARE(s.encodedDim(), 2 + 1 + 2 + 1 + 1 + 1);
    const std::vector<double> lr{0, 1.0, 0, kNan, kNan, kNan};
    const Eigen::VectorXd u = s.toUnit(lr);
    QVERIFY(u.allFinite());
    // The random forest's dimensions sit at the neutral 0.5.
    for (int k = s.encodedOffset(3); k < s.encodedDim(); ++k) QCOMPARE(u[k], 0.5);
    // Values for inactive parameters change nothing.
    QCOMPARE(s.toUnit({0, 1.0, 0, 300, 32, 10}), u);
    // An inactive categorical is 0 on every one-hot coordinate.
    const Eigen::VectorXd rf = s.toUnit({1, kNan, kNan, 100, 8, 4});
    QCOMPARE(rf[s.encodedOffset(1)], 0.5);
    QCOMPARE(rf[s.encodedOffset(2)], 0.0);
    QCOMPARE(rf[s.encodedOffset(2) + 1], 0.0);
    QCOMPARE(s.neutralUnit(s.encodedOffset(2)), 0.0);
    QCOMPARE(s.neutralUnit(s.encodedOffset(3)), 0.5);
    // fromUnit masks, fromUnitAll does not; project() resets inactive dims.
    Eigen::VectorXd any = Eigen::VectorXd::Constant(s.encodedDim(), 0.3);
    any[0] = 0.9; // logistic regression
    const auto masked = s.fromUnit(any);
    checkConfiguration(s, masked);
    QVERIFY(std::isnan(masked[3]));
    QVERIFY(!std::isnan(s.fromUnitAll(any)[3]));
    const Eigen::VectorXd p = s.project(any);
    QCOMPARE(p[s.encodedOffset(3)], 0.5);
    QVERIFY(sameValues(s.fromUnit(p), masked));
}

void TestConditionalSpace::seenConfigsWithNan()
{
    const SearchSpace s = familySpace();
    std::vector<study::Trial> trials(3);
    trials[0].params = {0, 1.0, 0, kNan, kNan, kNan};
    trials[1].params = {1, kNan, kNan, 100, 8, 4};
    trials[2].params = {0, 2.0, 1, 50, 4, 2}; // enqueued with values for inactive parameters
    const sampler::History h{s, study::Direction::Minimize, trials};
    // Built from the trials at once, and kept trial by trial as a study does.
    sampler::SeenConfigs kept;
    for (const auto& t : trials) QVERIFY(kept.insert(s, t.params));
    QVERIFY(!kept.insert(s, {0, 2.0, 1, 7, 7, 7})); // the same configuration as trial 2
    for (const sampler::SeenConfigs& seen : {sampler::seenConfigs(h), kept}) {
        QCOMPARE(int(seen.size()), 3);
        QVERIFY(seen.contains({0, 1.0, 0, kNan, kNan, kNan}));
        QVERIFY(seen.contains({1, kNan, kNan, 100, 8, 4}));
        QVERIFY(seen.contains({0, 2.0, 1, kNan, kNan, kNan}));
        QVERIFY(!seen.contains({1, kNan, kNan, 100, 8, 5}));
        QVERIFY(!seen.contains({0, 1.0, 1, kNan, kNan, kNan}));
    }
    // A strict weak order: NaN equals NaN and sorts first.
    const sampler::ConfigLess less;
    QVERIFY(!less({kNan, 1}, {kNan, 1}));
    QVERIFY(less({kNan, 1}, {0, 1}));
    QVERIFY(!less({0, 1}, {kNan, 1}));
    QVERIFY(less({kNan, 1}, {kNan, 2}));
}

void TestConditionalSpace::randomAndQmcSampling_data()
{
    QTest::addColumn<QString>("sampler");
    QTest::newRow("random") << "random";
    QTest::newRow("qmc") << "qmc";
}

void TestConditionalSpace::randomAndQmcSampling()
{
    QFETCH(QString, sampler);
    auto st = study::Study::createInMemory(familyConfig(sampler.toStdString()));
    int families[2] = {0, 0};
    for (int i = 0; i < 200; ++i) {
        const auto t = st->ask();
        checkConfiguration(st->space(), t.params);
        ++families[int(t.params[0])];
        st->tell(t.number, study::Outcome::complete(familyScore(t.params)));
    }
    // Both branches are explored, about evenly.
    QVERIFY2(families[0] > 60 && families[1] > 60,
             (std::to_string(families[0]) + " / " + std::to_string(families[1])).c_str());
}

void TestConditionalSpace::gpSampling()
{
    auto config = familyConfig("gp");
    config.sampler.initialTrials = 6;
    auto st = study::Study::createInMemory(config);
    int families[2] = {0, 0};
    int byGp = 0;
    for (int i = 0; i < 40; ++i) {
        const auto t = st->ask();
        checkConfiguration(st->space(), t.params);
        ++families[int(t.params[0])];
        byGp += t.samplerInfo.value("kind", "") == "gp";
        st->tell(t.number, study::Outcome::complete(familyScore(t.params)));
    }
    QVERIFY(byGp >= 30);
    QVERIFY(families[0] > 0 && families[1] > 0);
    // The GP finds the better family (the forest: 0.84 against 0.81).
    const auto best = st->bestTrial();
    QVERIFY(best);
    QCOMPARE(best->params[0], 1.0);
    QVERIFY2(*best->value > 0.8, std::to_string(*best->value).c_str());

    // 200 draws from one history with both branches: every suggestion legal.
    const auto trials = st->trials();
    sampler::SamplerConfig sc = config.sampler;
    const auto gp = sampler::makeSampler(sc);
    for (int k = 0; k < 200; ++k) {
        const auto s = gp->suggest({st->space(), st->direction(), trials}, int(trials.size()) + k);
        checkConfiguration(st->space(), s.params);
    }
}

void TestConditionalSpace::gpSwitchesFamily()
{
    // A history that switches family every few trials, with pending, failed
    // and pruned trials in both branches.
    const SearchSpace s = familySpace();
    std::vector<study::Trial> trials;
    std::mt19937_64 rng(11);
    for (int i = 0; i < 24; ++i) {
        study::Trial t;
        t.number = i;
        t.params = sampler::randomValues(s, rng);
        t.params[0] = double((i / 3) % 2);
        std::vector<double> all = s.fromUnitAll(Eigen::VectorXd::Constant(s.encodedDim(), 0.4));
        for (size_t k = 1; k < s.size(); ++k)
            if (std::isnan(t.params[k])) t.params[k] = all[k];
        s.deactivate(t.params);
        checkConfiguration(s, t.params);
        t.state = i == 20 ? study::TrialState::Running
                  : i == 21 ? study::TrialState::Failed
                  : i == 22 ? study::TrialState::Pruned
                            : study::TrialState::Complete;
        if (t.state == study::TrialState::Complete) t.value = familyScore(t.params);
        if (t.state == study::TrialState::Pruned) t.intermediate = {{1, 0.5}};
        if (t.state == study::TrialState::Failed) t.reason = "diverged";
        t.finishedAt = t.state == study::TrialState::Running ? 0.0 : 1.0;
        trials.push_back(std::move(t));
    }
    // The GP's inputs: no NaN anywhere.
    Eigen::MatrixXd X;
    Eigen::VectorXd y;
    gp::Surrogate::trainingData(s, trials, X, y);
    QCOMPARE(int(X.rows()), 21);
    QVERIFY(X.allFinite());
    QVERIFY(y.allFinite());
    const auto surrogate = gp::Surrogate::fit(s, trials);
    QVERIFY(surrogate);
    Eigen::VectorXd mean, se;
    surrogate->predict({trials[0].params, trials[3].params}, mean, se);
    QVERIFY(mean.allFinite() && se.allFinite());

    sampler::SamplerConfig sc;
    sc.name = "gp";
    sc.seed = 2;
    sc.initialTrials = 4;
    const auto gp = sampler::makeSampler(sc);
    std::set<std::string> proposed;
    for (int number = 24; number < 30; ++number) {
        const auto sug = gp->suggest({s, study::Direction::Maximize, trials}, number);
        checkConfiguration(s, sug.params);
        QCOMPARE(sug.info.value("kind", ""), std::string("gp"));
        QVERIFY(std::isfinite(sug.info.value("acq_value", kNan)));
        // Never a configuration already tried (inactive parameters aside).
        for (const auto& t : trials) QVERIFY(!sameValues(t.params, sug.params));
        proposed.insert(s.valuesToJson(sug.params).dump());
    }
    QVERIFY(!proposed.empty());
    // Importance over a conditional space: finite shares that sum to 1.
    const auto imp = analysis::importance(*surrogate, 256);
    double sum = 0;
    for (const auto& p : imp) {
        QVERIFY(std::isfinite(p.importance));
        sum += p.importance;
    }
    QVERIFY(std::abs(sum - 1.0) < 1e-9);
}

void TestConditionalSpace::journalRoundTrip()
{
    QTemporaryDir dir;
    const std::string path = dir.filePath("families.study").toStdString();
    auto file = study::Study::createFile(path, familyConfig("random", 9));
    auto memory = study::Study::createInMemory(familyConfig("random", 9));
    for (int i = 0; i < 12; ++i) {
        const auto a = file->ask();
        const auto b = memory->ask();
        QVERIFY(sameValues(a.params, b.params));
        file->tell(a.number, study::Outcome::complete(familyScore(a.params)));
        memory->tell(b.number, study::Outcome::complete(familyScore(b.params)));
    }
    // An enqueued configuration with a value for an inactive parameter is
    // stored without it.
    file->enqueue({1, 5.0, 0, 60, 4, 2});
    memory->enqueue({1, 5.0, 0, 60, 4, 2});

    const auto reopened = study::Study::openFile(path);
    QCOMPARE(reopened->space().toJson(), familySpace().toJson());
    QVERIFY(reopened->space().conditional());
    const auto fromFile = reopened->trials();
    const auto fromMemory = memory->trials();
    QCOMPARE(fromFile.size(), fromMemory.size());
    for (size_t i = 0; i < fromFile.size(); ++i) {
        QVERIFY(sameValues(fromFile[i].params, fromMemory[i].params));
        QCOMPARE(fromFile[i].value, fromMemory[i].value);
        checkConfiguration(reopened->space(), fromFile[i].params);
    }
    QVERIFY(std::isnan(fromFile.back().params[1]));
    QCOMPARE(fromFile.back().params[3], 60.0);

    // The journal's study_created event carries "when"; trial_asked params
    // leave inactive parameters out.
    std::ifstream in(path);
    std::string line;
    int asked = 0;
    while (std::getline(in, line)) {
        const json ev = json::parse(line);
        if (ev["event"] == "study_created") {
            QCOMPARE(ev["config"]["space"]["parameters"][3]["when"], json::parse(R"({"family": ["random_forest"]})"));
        } else if (ev["event"] == "trial_asked") {
            ++asked;
            const json& p = ev["params"];
            const bool forest = p["family"] == "random_forest";
            QCOMPARE(p.contains("C"), !forest);
            QCOMPARE(p.contains("n_estimators"), forest);
            QCOMPARE(int(p.size()), forest ? 4 : 3);
        }
    }
    QCOMPARE(asked, 13);
}

void TestConditionalSpace::exports()
{
    auto st = study::Study::createInMemory(familyConfig("random", 4));
    for (int i = 0; i < 6; ++i) {
        const auto t = st->ask();
        st->tell(t.number, study::Outcome::complete(familyScore(t.params)));
    }
    const auto trials = st->trials();
    QTemporaryDir dir;
    const std::string csv = dir.filePath("trials.csv").toStdString();
    study::writeTrialsCsv(csv, st->space(), trials);
    std::ifstream in(csv);
    std::string header;
    std::getline(in, header);
    QVERIFY(header.rfind("number,family,C,fit_intercept,n_estimators,max_depth,min_samples_split,value", 0) == 0);
    int rows = 0, forests = 0;
    std::string line;
    while (std::getline(in, line)) {
        std::vector<std::string> cells;
        std::stringstream ss(line);
        std::string cell;
        while (std::getline(ss, cell, ',')) cells.push_back(cell);
        const auto& t = trials[size_t(rows++)];
        const bool forest = t.params[0] == 1.0;
        forests += forest;
        QCOMPARE(cells[1], std::string(forest ? "random_forest" : "logistic_regression"));
        // Inactive parameters: empty cells; active ones: their values.
        QCOMPARE(cells[2].empty(), forest);
        QCOMPARE(cells[3].empty(), forest);
        QCOMPARE(cells[4].empty(), !forest);
        QCOMPARE(cells[5].empty(), !forest);
        QCOMPARE(cells[6].empty(), !forest);
        QVERIFY(!cells[7].empty()); // value
    }
    QCOMPARE(rows, 6);
    QVERIFY(forests > 0 && forests < 6);
    // JSON exports and the best configuration leave them out as well.
    const auto best = st->bestTrial();
    const auto bj = study::bestJson(st->space(), *best);
    QCOMPARE(int(bj["params"].size()), best->params[0] == 1.0 ? 4 : 3);
    QCOMPARE(bj["params"].begin().key(), std::string("family"));
}

void TestConditionalSpace::analysisGrids()
{
    const SearchSpace s = familySpace();
    std::vector<study::Trial> trials;
    auto st = study::Study::createInMemory(familyConfig("qmc", 1));
    for (int i = 0; i < 16; ++i) {
        const auto t = st->ask();
        st->tell(t.number, study::Outcome::complete(familyScore(t.params)));
    }
    trials = st->trials();
    const auto surrogate = gp::Surrogate::fit(s, trials);
    QVERIFY(surrogate);
    std::vector<double> fixed = analysis::defaultFixedValues(s, trials, study::Direction::Maximize);
    checkConfiguration(s, fixed);
    // Fix the forest; its parameters (NaN when the best is a regression) get the centre.
    fixed[0] = 1.0;
    const auto done = analysis::completeFixedValues(s, fixed);
    checkConfiguration(s, done);
    QCOMPARE(done[0], 1.0);
    const auto g = analysis::contour(*surrogate, "n_estimators", "max_depth", fixed, 12);
    QVERIFY(g.mean.allFinite() && g.se.allFinite());
    QVERIFY(g.fixedJson.contains("min_samples_split"));
    QVERIFY(!g.fixedJson.contains("C"));
    QVERIFY(g.fixedJson.contains("family"));
    // A pair outside the fixed branch is refused, naming the reason.
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { analysis::contour(*surrogate, "C", "n_estimators", fixed, 8); }),
                    "contour: parameter 'C' is inactive at the fixed values: it needs family in "
                    "[logistic_regression] (family = random_forest)");
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { analysis::slice(*surrogate, "C", fixed, 8); }),
                    "slice: parameter 'C' is inactive at the fixed values");
    // The parent against a child: C varies only where the family is a regression.
    const auto pg = analysis::contour(*surrogate, "family", "C", fixed, 10);
    QVERIFY(pg.mean.allFinite());
    for (Eigen::Index r = 1; r < pg.mean.rows(); ++r) QCOMPARE(pg.mean(r, 1), pg.mean(0, 1)); // the forest column
    const auto sl = analysis::slice(*surrogate, "max_depth", fixed, 10);
    QVERIFY(sl.mean.allFinite());
}

void TestConditionalSpace::studySpecConfigure()
{
    const json j = json::parse(R"({
      "name": "optimizers",
      "dataset": {"builtin": "spirals"},
      "model": {"hidden_layers": 1, "units": 8},
      "training": {"optimizer": "adam", "epochs": 1, "momentum": 0.5, "beta1": 0.8},
      "objective": {"metric": "accuracy"},
      "search_space": {"parameters": [
        {"name": "momentum", "type": "float", "low": 0.1, "high": 0.99, "when": {"optimizer": ["sgd"]}},
        {"name": "beta1", "type": "float", "low": 0.7, "high": 0.99, "when": {"optimizer": ["adam"]}},
        {"name": "optimizer", "type": "categorical", "choices": ["sgd", "adam"]}
      ]}
    })");
    const auto spec = train::StudySpec::fromJson(j, "optimizers.json");
    train::ModelConfig m;
    train::TrainConfig t;
    data::PreprocessOptions p;
    spec.configure({0.95, kNan, 0}, m, t, p); // sgd
    QCOMPARE(t.optimizer, std::string("sgd"));
    QCOMPARE(t.momentum, 0.95);
    QCOMPARE(t.beta1, 0.8); // inactive: the spec's setting
    spec.configure({kNan, 0.75, 1}, m, t, p); // adam
    QCOMPARE(t.optimizer, std::string("adam"));
    QCOMPARE(t.beta1, 0.75);
    QCOMPARE(t.momentum, 0.5);
}

QTEST_APPLESS_MAIN(TestConditionalSpace)
#include "test_conditional_space.moc"
