// Search space: validation messages, JSON round trip, load(), value
// conversions, the unit-cube transform and the cardinality.
#include "space/search_space.h"
#include "util/errors.h"

#include <QTemporaryDir>
#include <QDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <functional>
#include <limits>
#include <random>

using nlohmann::json;
using namespace tw::space;

namespace {

/// The message of the std::invalid_argument that fromJson throws, or "" when
/// it does not throw.
std::string fromJsonError(const json& j, const std::string& source = {})
{
    try {
        SearchSpace::fromJson(j, source);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return {};
}

json spaceWith(json param)
{
    return json{{"parameters", json::array({std::move(param)})}};
}

void writeFile(const std::string& path, const std::string& text)
{
    std::ofstream(path, std::ios::binary) << text;
}

SearchSpace mixedSpace()
{
    return SearchSpace::fromJson(json::parse(R"({"parameters": [
        {"name": "lr", "type": "float", "low": 1e-6, "high": 0.1, "log": true},
        {"name": "dropout", "type": "float", "low": 0, "high": 0.5},
        {"name": "momentum", "type": "float", "low": 0.5, "high": 0.9, "step": 0.1},
        {"name": "epochs", "type": "int", "low": 1, "high": 6},
        {"name": "width", "type": "int", "low": 8, "high": 512, "log": true},
        {"name": "optimizer", "type": "categorical", "choices": ["sgd", "adam", "rmsprop"]},
        {"name": "batch", "type": "categorical", "choices": [16, 32, 64]}
    ]})"));
}

} // namespace

#define VERIFY_MESSAGE(msg, ...)                                                                   \
    do {                                                                                           \
        const std::string m_ = (msg);                                                              \
        for (const char* part : {__VA_ARGS__})                                                     \
            QVERIFY2(m_.find(part) != std::string::npos,                                           \
                     ("message '" + m_ + "' lacks '" + part + "'").c_str());                       \
    } while (0)

class TestSearchSpace : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void steppedValuesAreTheirDecimals();
    void validationMessages_data();
    void validationMessages();
    void validateDirect();
    void unknownKeysAndTypes();
    void jsonRoundTrip();
    void loadErrors();
    void saveAndLoad();
    void valuesJson();
    void valuesJsonErrors();
    void unitRoundTrip();
    void unitEncodingDetails();
    void fromUnitAlwaysLegal();
    void cardinality();
    void shippedExamplesAreValid();
};

void TestSearchSpace::validationMessages_data()
{
    QTest::addColumn<QString>("param");
    QTest::addColumn<QString>("expected");
    auto row = [](const char* name, const char* param, const char* expected) {
        QTest::newRow(name) << QString::fromUtf8(param) << QString::fromUtf8(expected);
    };
    row("low<high", R"({"name":"lr","type":"float","low":1,"high":1})", "needs low < high (low = 1, high = 1)");
    row("low>high", R"({"name":"lr","type":"float","low":2,"high":1})", "needs low < high (low = 2, high = 1)");
    row("log low 0", R"({"name":"lr","type":"float","low":0,"high":1,"log":true})",
        "log scale needs low > 0 (low = 0)");
    row("log int low 0", R"({"name":"lr","type":"int","low":0,"high":10,"log":true})",
        "log scale needs low > 0 (low = 0)");
    row("int low frac", R"({"name":"lr","type":"int","low":0.5,"high":3})", "int bounds must be integers");
    row("int high frac", R"({"name":"lr","type":"int","low":0,"high":3.5})", "high = 3.5");
    row("int same", R"({"name":"lr","type":"int","low":3,"high":3})", "needs low < high");
    row("step zero", R"({"name":"lr","type":"float","low":0,"high":1,"step":0})", "'step' must be > 0 (step = 0)");
    row("step negative", R"({"name":"lr","type":"float","low":0,"high":1,"step":-0.5})", "'step' must be > 0");
    row("step not dividing", R"({"name":"lr","type":"float","low":0,"high":1,"step":0.3})",
        "'step' must divide high - low");
    row("step too big", R"({"name":"lr","type":"float","low":0,"high":1,"step":2})", "'step' must divide");
    row("step with log", R"({"name":"lr","type":"float","low":0.1,"high":1,"log":true,"step":0.1})",
        "'step' cannot be combined with log scale");
    row("no choices", R"({"name":"lr","type":"categorical","choices":[]})", "needs at least one choice");
    row("duplicate choice", R"({"name":"lr","type":"categorical","choices":["a","b","a"]})",
        "duplicate choice 'a'");
    row("duplicate number choice", R"({"name":"lr","type":"categorical","choices":[1,2,2.0]})",
        "duplicate choice '2'");
    row("empty name", R"({"name":"","type":"float","low":0,"high":1})", "'name' must not be empty");
}

void TestSearchSpace::validationMessages()
{
    QFETCH(QString, param);
    QFETCH(QString, expected);
    const json p = json::parse(param.toStdString());
    const std::string msg = fromJsonError(spaceWith(p), "space.json");
    QVERIFY2(!msg.empty(), "no error thrown");
    const std::string expectedText = expected.toStdString();
    VERIFY_MESSAGE(msg, "space.json: ", expectedText.c_str());
    if (!p["name"].get<std::string>().empty()) VERIFY_MESSAGE(msg, "parameter 'lr': ");
}

void TestSearchSpace::validateDirect()
{
    // The constructor validates the same rules, without a file name.
    try {
        SearchSpace({FloatParam{"lr", 0.0, 1.0, true, std::nullopt}});
        QFAIL("no error");
    } catch (const std::invalid_argument& e) {
        QCOMPARE(std::string(e.what()), std::string("parameter 'lr': log scale needs low > 0 (low = 0)"));
    }
    // Non-finite numbers (not expressible in JSON, but in code).
    const double inf = std::numeric_limits<double>::infinity();
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, SearchSpace({FloatParam{"x", 0.0, inf, false, {}}}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             SearchSpace({CategoricalParam{"c", {std::numeric_limits<double>::quiet_NaN()}}}));
    // Names unique.
    try {
        SearchSpace({IntParam{"n", 1, 3, false}, FloatParam{"n", 0, 1, false, {}}});
        QFAIL("no error");
    } catch (const std::invalid_argument& e) {
        VERIFY_MESSAGE(e.what(), "parameter 'n'", "duplicate name");
    }
    // Empty space.
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, SearchSpace(std::vector<Param>{}));
    // Step dividing the range up to rounding error is accepted.
    SearchSpace ok({FloatParam{"m", 0.0, 1.0, false, 0.1}, CategoricalParam{"single", {std::string("only")}}});
    QCOMPARE(ok.size(), size_t(2));
}

void TestSearchSpace::unknownKeysAndTypes()
{
    std::string m = fromJsonError(spaceWith(json::parse(R"({"name":"lr","type":"float","lo":0,"high":1})")));
    VERIFY_MESSAGE(m, "parameter 'lr': unknown key 'lo'");
    m = fromJsonError(spaceWith(json::parse(R"({"name":"n","type":"int","low":0,"high":4,"step":2})")));
    VERIFY_MESSAGE(m, "parameter 'n': unknown key 'step'");
    m = fromJsonError(spaceWith(json::parse(R"({"name":"lr","type":"float","low":"0","high":1})")));
    VERIFY_MESSAGE(m, "parameter 'lr': 'low' must be a number");
    m = fromJsonError(spaceWith(json::parse(R"({"name":"lr","type":"float","low":0,"high":true})")));
    VERIFY_MESSAGE(m, "parameter 'lr': 'high' must be a number");
    m = fromJsonError(spaceWith(json::parse(R"({"name":"lr","type":"float","low":0,"high":1,"log":"yes"})")));
    VERIFY_MESSAGE(m, "parameter 'lr': 'log' must be true or false");
    m = fromJsonError(spaceWith(json::parse(R"({"name":"lr","type":"float","high":1})")));
    VERIFY_MESSAGE(m, "parameter 'lr': missing 'low'");
    m = fromJsonError(spaceWith(json::parse(R"({"name":"lr","type":"double","low":0,"high":1})")));
    VERIFY_MESSAGE(m, "parameter 'lr': unknown type 'double'");
    m = fromJsonError(spaceWith(json::parse(R"({"name":"c","type":"categorical","choices":"a"})")));
    VERIFY_MESSAGE(m, "parameter 'c': 'choices' must be an array");
    m = fromJsonError(spaceWith(json::parse(R"({"name":"c","type":"categorical","choices":["a",null]})")));
    VERIFY_MESSAGE(m, "parameter 'c': choice #2 must be a string, a number or true/false");
    // Boolean choices round-trip and read back as booleans.
    {
        const SearchSpace b = SearchSpace::fromJson(spaceWith(json::parse(R"({"name":"std","type":"categorical","choices":[true,false]})")));
        QCOMPARE(b.toJson(), spaceWith(json::parse(R"({"name":"std","type":"categorical","choices":[true,false]})")));
        QCOMPARE(b.valuesToJson({1.0})["std"], json(false));
        QCOMPARE(b.valuesFromJson(json::parse(R"({"std":true})")), std::vector<double>{0.0});
        QCOMPARE(b.valuesFromJson(json::parse(R"({"std":"false"})")), std::vector<double>{1.0});
        QCOMPARE(QString::fromStdString(choiceToString(std::get<CategoricalParam>(b[0]).choices[0])), QString("true"));
    }
    m = fromJsonError(spaceWith(json::parse(R"({"name":5,"type":"float","low":0,"high":1})")));
    VERIFY_MESSAGE(m, "parameter #1: 'name' must be a string");
    m = fromJsonError(spaceWith(json::parse(R"({"type":"float","low":0,"high":1})")));
    VERIFY_MESSAGE(m, "parameter #1: missing 'name'");
    m = fromJsonError(spaceWith(json::parse(R"({"name":"lr","low":0,"high":1})")));
    VERIFY_MESSAGE(m, "parameter 'lr': missing 'type'");
    m = fromJsonError(json::parse(R"({"parameters":[], "x": 1})"));
    VERIFY_MESSAGE(m, "unknown key 'x'");
    m = fromJsonError(json::parse(R"({"parameters":[]})"));
    VERIFY_MESSAGE(m, "'parameters' must be a non-empty array");
    m = fromJsonError(json::parse(R"({"parameters":{"a":1}})"));
    VERIFY_MESSAGE(m, "'parameters' must be a non-empty array");
    m = fromJsonError(json::parse(R"({})"));
    VERIFY_MESSAGE(m, "missing 'parameters'");
    m = fromJsonError(json::parse(R"([1])"));
    VERIFY_MESSAGE(m, "JSON object");
    m = fromJsonError(json::parse(R"({"parameters":[3]})"));
    VERIFY_MESSAGE(m, "parameter #1: must be a JSON object");
    m = fromJsonError(json::parse(R"({"parameters":[{"name":"a","type":"float","low":0,"high":1},
                                                    {"name":"a","type":"int","low":0,"high":1}]})"));
    VERIFY_MESSAGE(m, "parameter 'a': duplicate name");
}

void TestSearchSpace::jsonRoundTrip()
{
    const SearchSpace s = mixedSpace();
    const json j = s.toJson();
    const SearchSpace back = SearchSpace::fromJson(j);
    QCOMPARE(back.toJson(), j);
    QCOMPARE(back.size(), s.size());
    QVERIFY(std::get<CategoricalParam>(back[6]).choices == std::get<CategoricalParam>(s[6]).choices);
    for (size_t i = 0; i < s.size(); ++i) {
        QCOMPARE(nameOf(back[i]), nameOf(s[i]));
        QCOMPARE(typeName(back[i]), typeName(s[i]));
    }
    const auto& lr = std::get<FloatParam>(back[0]);
    QCOMPARE(lr.low, 1e-6);
    QVERIFY(lr.log);
    QVERIFY(!std::get<FloatParam>(back[1]).log);
    QCOMPARE(*std::get<FloatParam>(back[2]).step, 0.1);
    // Integers stay integers, "log": false and absent "step" are omitted...
    QVERIFY(j["parameters"][3]["low"].is_number_integer());
    QVERIFY(!j["parameters"][1].contains("log"));
    QVERIFY(!j["parameters"][1].contains("step"));
    QVERIFY(j["parameters"][6]["choices"][0].is_number_integer());
    // ...but fromJson accepts them spelled out.
    const SearchSpace explicitForm = SearchSpace::fromJson(
        json::parse(R"({"parameters":[{"name":"x","type":"float","low":0,"high":1,"log":false}]})"));
    QVERIFY(!std::get<FloatParam>(explicitForm[0]).log);
    QCOMPARE(s.indexOf("epochs"), 3);
    QCOMPARE(s.indexOf("nope"), -1);
}

void TestSearchSpace::loadErrors()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string missing = dir.filePath("missing.json").toStdString();
    try {
        SearchSpace::load(missing);
        QFAIL("no error");
    } catch (const tw::IoError& e) {
        VERIFY_MESSAGE(e.what(), "cannot open ", "missing.json", "No such file");
    }
    const std::string bad = dir.filePath("bad.json").toStdString();
    writeFile(bad, "{\"parameters\": [\n  {\"name\": \"lr\",\n   \"type\": \"float\" \"low\": 1}\n]}\n");
    try {
        SearchSpace::load(bad);
        QFAIL("no error");
    } catch (const tw::ParseError& e) {
        VERIFY_MESSAGE(e.what(), "bad.json:3:", "invalid JSON");
    }
    const std::string huge = dir.filePath("huge.json").toStdString();
    writeFile(huge, R"({"parameters":[{"name":"lr","type":"float","low":-1e400,"high":1}]})");
    try {
        SearchSpace::load(huge);
        QFAIL("no error");
    } catch (const tw::ParseError& e) {
        VERIFY_MESSAGE(e.what(), "huge.json:1:50", "outside the range of a double", "-1e400");
    }
    const std::string invalid = dir.filePath("space.json").toStdString();
    writeFile(invalid, R"({"parameters":[{"name":"lr","type":"float","low":0,"high":1,"log":true}]})");
    try {
        SearchSpace::load(invalid);
        QFAIL("no error");
    } catch (const std::invalid_argument& e) {
        VERIFY_MESSAGE(e.what(), "space.json: parameter 'lr': log scale needs low > 0 (low = 0)");
    }
}

void TestSearchSpace::saveAndLoad()
{
    QTemporaryDir dir;
    const std::string path = dir.filePath("s.json").toStdString();
    const SearchSpace s = mixedSpace();
    s.save(path);
    QCOMPARE(SearchSpace::load(path).toJson(), s.toJson());
    QVERIFY_THROWS_EXCEPTION(tw::IoError, s.save(dir.filePath("no/such/dir/s.json").toStdString()));
}

void TestSearchSpace::valuesJson()
{
    const SearchSpace s = mixedSpace();
    const std::vector<double> v{1e-3, 0.25, 0.7, 4, 64, 1, 2};
    const json j = s.valuesToJson(v);
    QCOMPARE(j["lr"].get<double>(), 1e-3);
    QVERIFY(j["epochs"].is_number_integer());
    QCOMPARE(j["epochs"].get<int>(), 4);
    QCOMPARE(j["optimizer"].get<std::string>(), std::string("adam"));
    QVERIFY(j["batch"].is_number_integer());
    QCOMPARE(j["batch"].get<int>(), 64);
    QCOMPARE(s.valuesFromJson(j), v);
    // A categorical may be named by its text, a stepped float up to rounding.
    json k = j;
    k["batch"] = "32";
    k["momentum"] = 0.30000000000000004 + 0.4;
    const auto w = s.valuesFromJson(k);
    QCOMPARE(w[6], 1.0);
    QCOMPARE(w[2], 0.7);
    QVERIFY(s.contains(3, 6));
    QVERIFY(!s.contains(3, 7));
    QVERIFY(!s.contains(3, 2.5));
    QVERIFY(!s.contains(5, 3));
    QVERIFY(s.contains(2, 0.8));
    QVERIFY(!s.contains(2, 0.85));
}

void TestSearchSpace::valuesJsonErrors()
{
    const SearchSpace s = mixedSpace();
    const json good = s.valuesToJson({1e-3, 0.25, 0.7, 4, 64, 1, 2});
    auto errorFor = [&](const std::function<void(json&)>& edit) {
        json j = good;
        edit(j);
        try {
            s.valuesFromJson(j, "params.json");
        } catch (const std::invalid_argument& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    VERIFY_MESSAGE(errorFor([](json& j) { j.erase("lr"); }), "params.json: ", "parameter 'lr'", "missing");
    VERIFY_MESSAGE(errorFor([](json& j) { j["extra"] = 1; }), "unknown parameter 'extra'");
    VERIFY_MESSAGE(errorFor([](json& j) { j["lr"] = "big"; }), "parameter 'lr'", "must be a number");
    VERIFY_MESSAGE(errorFor([](json& j) { j["lr"] = 1.0; }), "parameter 'lr'", "outside");
    VERIFY_MESSAGE(errorFor([](json& j) { j["epochs"] = 2.5; }), "parameter 'epochs'", "must be an integer");
    VERIFY_MESSAGE(errorFor([](json& j) { j["epochs"] = 0; }), "parameter 'epochs'", "outside [1, 6]");
    VERIFY_MESSAGE(errorFor([](json& j) { j["momentum"] = 0.65; }), "parameter 'momentum'", "not on the grid");
    VERIFY_MESSAGE(errorFor([](json& j) { j["optimizer"] = "adagrad"; }), "parameter 'optimizer'",
                   "not one of the choices (sgd, adam, rmsprop)");
    VERIFY_MESSAGE(errorFor([](json& j) { j["batch"] = 48; }), "parameter 'batch'", "not one of the choices");
    VERIFY_MESSAGE(errorFor([](json& j) { j["optimizer"] = true; }), "parameter 'optimizer'");
    VERIFY_MESSAGE(errorFor([](json& j) { j = json::array(); }), "JSON object");
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, s.valuesToJson({1.0}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, s.valuesToJson({1e-3, 0.25, 0.7, 4, 64, 3, 2}));
}

void TestSearchSpace::unitRoundTrip()
{
    const SearchSpace s = mixedSpace();
    QCOMPARE(s.encodedDim(), 5 + 3 + 3);
    QCOMPARE(s.encodedOffset(5), 5);
    QCOMPARE(s.encodedOffset(6), 8);
    const std::vector<std::vector<double>> configs{
        {1e-6, 0.0, 0.5, 1, 8, 0, 0},
        {0.1, 0.5, 0.9, 6, 512, 2, 2},
        {3.3e-4, 0.123, 0.6, 3, 100, 1, 1},
    };
    for (const auto& v : configs) {
        const Eigen::VectorXd u = s.toUnit(v);
        QVERIFY(u.minCoeff() >= 0.0 && u.maxCoeff() <= 1.0);
        const auto back = s.fromUnit(u);
        QCOMPARE(back.size(), v.size());
        for (size_t i = 0; i < v.size(); ++i) {
            QVERIFY2(std::abs(back[i] - v[i]) <= 1e-12 * std::max(1.0, std::abs(v[i])),
                     (nameOf(s[i]) + ": " + std::to_string(back[i]) + " != " + std::to_string(v[i])).c_str());
        }
        // Discrete values come back exactly; project is idempotent.
        for (size_t i : {2u, 3u, 4u, 5u, 6u}) QCOMPARE(back[i], v[i]);
        QVERIFY((s.project(u) - u).norm() < 1e-12);
    }
}

void TestSearchSpace::unitEncodingDetails()
{
    SearchSpace s({IntParam{"n", 1, 4, false}, IntParam{"w", 1, 100, true}, FloatParam{"m", 0.0, 1.0, false, 0.25},
                   CategoricalParam{"c", {std::string("a"), std::string("b"), 3.0}}});
    // int cells: [0.5, 4.5] -> value 2 is centred at (2 - 1 + 0.5) / 4.
    QCOMPARE(s.toUnit({2, 10, 0.5, 0})[0], 0.375);
    // log int over [ln 0.5, ln 100.5].
    QVERIFY(std::abs(s.toUnit({1, 10, 0, 0})[1] - (std::log(10) - std::log(0.5)) / (std::log(100.5) - std::log(0.5))) < 1e-15);
    // step float: 5 cells, index 2 at the centre.
    QCOMPARE(s.toUnit({1, 1, 0.5, 0})[2], 0.5);
    // one-hot.
    const Eigen::VectorXd u = s.toUnit({1, 1, 0, 2});
    QCOMPARE(u.size(), 6);
    QCOMPARE(u[3], 0.0);
    QCOMPARE(u[4], 0.0);
    QCOMPARE(u[5], 1.0);
    // Cell edges and clamping.
    Eigen::VectorXd x(6);
    x << 0.0, 1.0, 1.0, 0.2, 0.2, 0.2; // categorical tie -> lowest index
    auto v = s.fromUnit(x);
    QCOMPARE(v[0], 1.0);
    QCOMPARE(v[1], 100.0);
    QCOMPARE(v[2], 1.0);
    QCOMPARE(v[3], 0.0);
    x << -5.0, 7.0, 0.49, 0.1, 0.9, 0.3;
    v = s.fromUnit(x);
    QCOMPARE(v[0], 1.0);
    QCOMPARE(v[1], 100.0);
    QCOMPARE(v[2], 0.5);
    QCOMPARE(v[3], 1.0);
    // NaN is treated as 0.5.
    const double nan = std::numeric_limits<double>::quiet_NaN();
    x << nan, 0.0, nan, nan, 0.4, 0.6;
    v = s.fromUnit(x);
    QCOMPARE(v[0], 3.0); // round(0.5 + 0.5 * 4) = round(2.5) = 3
    QCOMPARE(v[1], 1.0);
    QCOMPARE(v[2], 0.5);
    QCOMPARE(v[3], 2.0);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, s.fromUnit(Eigen::VectorXd::Zero(3)));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, s.toUnit({1, 1}));
    // Every int value maps into its own cell and back.
    for (double n = 1; n <= 100; ++n) QCOMPARE(s.fromUnit(s.toUnit({1, n, 0, 0}))[1], n);
    for (double k = 0; k <= 4; ++k) QCOMPARE(s.fromUnit(s.toUnit({1, 1, k * 0.25, 0}))[2], k * 0.25);
}

void TestSearchSpace::fromUnitAlwaysLegal()
{
    const SearchSpace s = mixedSpace();
    std::mt19937_64 rng(42);
    std::uniform_real_distribution<double> wide(-0.5, 1.5);
    for (int trial = 0; trial < 2000; ++trial) {
        Eigen::VectorXd u(s.encodedDim());
        for (auto& x : u) x = trial % 7 == 0 ? std::numeric_limits<double>::quiet_NaN() : wide(rng);
        const auto v = s.fromUnit(u);
        for (size_t i = 0; i < s.size(); ++i)
            QVERIFY2(s.contains(i, v[i]), (nameOf(s[i]) + " = " + std::to_string(v[i])).c_str());
        // Legal values convert to JSON and back unchanged.
        QCOMPARE(s.valuesFromJson(s.valuesToJson(v)), v);
        const auto again = s.fromUnit(s.project(u));
        for (size_t i = 0; i < s.size(); ++i)
            QVERIFY(std::abs(again[i] - v[i]) <= 1e-12 * std::max(1.0, std::abs(v[i])));
    }
}

void TestSearchSpace::cardinality()
{
    QVERIFY(!mixedSpace().cardinality());
    SearchSpace d({IntParam{"n", 1, 6, false}, FloatParam{"m", 0.5, 0.9, false, 0.1},
                   CategoricalParam{"c", {std::string("a"), 2.0}}});
    QCOMPARE(*d.cardinality(), 6.0 * 5.0 * 2.0);
    SearchSpace big({IntParam{"a", 0, 999999, false}, IntParam{"b", 0, 999999, false},
                     IntParam{"c", 0, 9, false}});
    QVERIFY(!big.cardinality());
    SearchSpace edge({IntParam{"a", 1, 1000000, false}, IntParam{"b", 1, 1000000, false}});
    QCOMPARE(*edge.cardinality(), 1e12);
}

void TestSearchSpace::shippedExamplesAreValid()
{
    const QDir dir(QStringLiteral(TW_SOURCE_DIR "/resources/examples"));
    const auto files = dir.entryList({"*space*.json"}, QDir::Files);
    QVERIFY(files.size() >= 2);
    for (const QString& f : files) {
        const std::string path = dir.filePath(f).toStdString();
        try {
            const SearchSpace s = SearchSpace::load(path);
            QVERIFY(s.size() > 0);
        } catch (const std::exception& e) {
            QFAIL(e.what());
        }
    }
}

void TestSearchSpace::steppedValuesAreTheirDecimals()
{
    // 0.1 + 6 * 0.1 is 0.7000000000000001 in binary: the grid reads 0.7.
    const SearchSpace space({FloatParam{"split", 0.1, 1.0, false, 0.1}, FloatParam{"w", 0.0, 0.5, false, 0.05}});
    for (int k = 0; k <= 9; ++k) {
        Eigen::VectorXd u(2);
        u << (k + 0.5) / 10.0, (k + 0.5) / 11.0;
        const auto v = space.fromUnit(u);
        QCOMPARE(v[0], double(k + 1) / 10.0);
        QCOMPARE(v[1], double(k) * 5.0 / 100.0);
        QVERIFY(space.contains(0, v[0]));
        QCOMPARE(space.valuesToJson(v)["split"].dump().size() <= 3, true);
    }
}

QTEST_APPLESS_MAIN(TestSearchSpace)
#include "test_search_space.moc"
