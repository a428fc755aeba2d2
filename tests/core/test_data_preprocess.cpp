// Preprocessing: fitted on the training table only (imputation values,
// standardization statistics, one-hot categories), the target and its task,
// option checks, messages, the JSON round trip and the Titanic files.
#include "data/preprocess.h"
#include "util/errors.h"

#include "test_support.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <functional>

using namespace tw::data;

namespace {

/// Feature `name` of sample `row`.
float feature(const Dataset& d, int64_t row, const std::string& name)
{
    const auto it = std::find(d.featureNames.begin(), d.featureNames.end(), name);
    if (it == d.featureNames.end()) throw std::runtime_error("no feature " + name);
    return d.features[size_t(row * d.sampleSize() + (it - d.featureNames.begin()))];
}

PreprocessOptions raw()
{
    PreprocessOptions o;
    o.standardize = false;
    return o;
}

} // namespace

class TestDataPreprocess : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void numericImputationUsesTrainingValues();
    void standardizationUsesTrainingStatistics();
    void oneHotUsesTrainingCategories();
    void missingCategory();
    void targetTasks();
    void targetErrors();
    void optionChecks();
    void dropAndColumnTypes();
    void jsonRoundTrip();
    void titanic();
};

void TestDataPreprocess::numericImputationUsesTrainingValues()
{
    // Training mean of x: (1 + 2 + 9) / 3 = 4, median 2; the test mean is 10.
    const Table train = parseCsv("x,y\n1,0\n2,1\nNA,0\n9,1\n", "train.csv");
    const Table test = parseCsv("x,y\n10,0\n,1\n10,1\n", "test.csv");
    Preprocessor mean = Preprocessor::fit(train, "y", raw());
    QCOMPARE(mean.columns()[0].fill, 4.0);
    TransformStats stats;
    const Dataset t = mean.transform(test, &stats);
    QCOMPARE(t.size(), int64_t(3));
    QCOMPARE(feature(t, 0, "x"), 10.0f);
    QCOMPARE(feature(t, 1, "x"), 4.0f); // the training mean, not the test's 10
    QCOMPARE(stats.imputed.at("x"), int64_t(1));
    const Dataset tr = mean.transform(train);
    QCOMPARE(feature(tr, 2, "x"), 4.0f);

    PreprocessOptions o = raw();
    o.numericImpute = "median";
    const Dataset m = Preprocessor::fit(train, "y", o).transform(test);
    QCOMPARE(feature(m, 1, "x"), 2.0f);
    // Even count: the mean of the two middle values.
    const Table even = parseCsv("x,y\n1,0\n2,1\n4,0\n100,1\nNA,1\n", "even.csv");
    QCOMPARE(Preprocessor::fit(even, "y", o).columns()[0].fill, 3.0);
}

void TestDataPreprocess::standardizationUsesTrainingStatistics()
{
    // Training x: 0, 2, 4 -> mean 2, population std sqrt(8/3); c is constant.
    const Table train = parseCsv("x,c,y\n0,5,a\n2,5,b\n4,5,a\n", "train.csv");
    const Table test = parseCsv("x,c,y\n100,7,a\n102,7,b\n", "test.csv");
    const Preprocessor p = Preprocessor::fit(train, "y");
    const double sd = std::sqrt(8.0 / 3.0);
    QCOMPARE(p.columns()[0].mean, 2.0);
    QVERIFY(std::abs(p.columns()[0].stddev - sd) < 1e-12);
    QCOMPARE(p.columns()[1].stddev, 1.0); // std 0 -> 1
    const Dataset t = p.transform(test);
    QVERIFY(std::abs(feature(t, 0, "x") - float((100 - 2) / sd)) < 1e-4f);
    QVERIFY(std::abs(feature(t, 1, "x") - float((102 - 2) / sd)) < 1e-4f);
    QCOMPARE(feature(t, 0, "c"), 2.0f); // (7 - 5) / 1
    const Dataset tr = p.transform(train);
    QVERIFY(std::abs(feature(tr, 0, "x") + float(2 / sd)) < 1e-6f);
    QCOMPARE(feature(tr, 1, "x"), 0.0f);

    // Standardization sees the imputed column: 0, 4, NA(-> mean 2) has std sqrt(8/3).
    const Table gap = parseCsv("x,y\n0,a\n4,b\nNA,a\n", "gap.csv");
    QVERIFY(std::abs(Preprocessor::fit(gap, "y").columns()[0].stddev - sd) < 1e-12);
}

void TestDataPreprocess::oneHotUsesTrainingCategories()
{
    const Table train = parseCsv("color,size,y\nred,1,0\nblue,2,1\nred,3,0\nNA,4,1\n", "train.csv");
    const Table test = parseCsv("color,size,y\ngreen,1,0\nred,2,1\n,3,1\nblue,4,0\npurple,5,0\n", "test.csv");
    const Preprocessor p = Preprocessor::fit(train, "y");
    QCOMPARE(p.featureNames(), (std::vector<std::string>{"color=blue", "color=red", "size"}));
    QCOMPARE(p.columns()[0].fillCategory, std::string("red"));
    TransformStats stats;
    const Dataset t = p.transform(test, &stats);
    QCOMPARE(t.sampleShape, (std::vector<int64_t>{3}));
    // green: unseen -> zeros; red; missing -> most frequent (red); blue; purple unseen.
    const std::vector<float> blue = {0, 0, 0, 1, 0}, red = {0, 1, 1, 0, 0};
    for (int64_t r = 0; r < 5; ++r) {
        QCOMPARE(feature(t, r, "color=blue"), blue[size_t(r)]);
        QCOMPARE(feature(t, r, "color=red"), red[size_t(r)]);
    }
    QCOMPARE(stats.unseenCategories, int64_t(2));
    QCOMPARE(stats.unseenByColumn.at("color"), int64_t(2));
    QCOMPARE(stats.imputed.at("color"), int64_t(1));
    EXPECT_CONTAINS(t.provenance.preprocessing, "2 unseen categories encoded as zeros (color: 2)");
    EXPECT_CONTAINS(t.provenance.preprocessing, "fitted on train.csv");
    // One-hot columns are not standardized; size is.
    QCOMPARE(feature(p.transform(train), 0, "size"), float((1 - 2.5) / std::sqrt(1.25)));
    // Column order in the other table does not matter; extra columns are ignored.
    const Table shuffled = parseCsv("extra,y,size,color\nq,1,2,blue\n", "s.csv");
    const Dataset s = p.transform(shuffled);
    QCOMPARE(feature(s, 0, "color=blue"), 1.0f);
    QCOMPARE(s.labels, (std::vector<int64_t>{1}));
}

void TestDataPreprocess::missingCategory()
{
    PreprocessOptions o = raw();
    o.categoricalImpute = "missing_category";
    const Table train = parseCsv("port,other,y\nS,a,0\nC,b,1\nNA,a,0\nS,a,1\n", "train.csv");
    const Preprocessor p = Preprocessor::fit(train, "y", o);
    // Only a column with missing training cells gets the extra category.
    QCOMPARE(p.featureNames(), (std::vector<std::string>{"port=C", "port=S", "port=(missing)", "other=a", "other=b"}));
    const Dataset t = p.transform(parseCsv("port,other,y\n?,NA,0\nQ,a,1\n", "test.csv"));
    QCOMPARE(feature(t, 0, "port=(missing)"), 1.0f);
    QCOMPARE(feature(t, 0, "port=S"), 0.0f);
    QCOMPARE(feature(t, 0, "other=a"), 1.0f); // no (missing) column: the most frequent value
    QCOMPARE(feature(t, 1, "port=(missing)"), 0.0f);
    QCOMPARE(feature(t, 1, "port=C") + feature(t, 1, "port=S"), 0.0f); // Q unseen
}

void TestDataPreprocess::targetTasks()
{
    const Preprocessor text = Preprocessor::fit(parseCsv("x,y\n1,yes\n2,no\n3,yes\n", "a.csv"), "y");
    QVERIFY(text.task() == Task::Binary);
    QCOMPARE(text.classNames(), (std::vector<std::string>{"no", "yes"}));
    QCOMPARE(text.transform(parseCsv("x,y\n1,yes\n2,no\n", "b.csv")).labels, (std::vector<int64_t>{1, 0}));

    const Table digits = parseCsv("x,y\n1,2\n2,0\n3,10\n4,2\n", "d.csv");
    const Preprocessor multi = Preprocessor::fit(digits, "y");
    QVERIFY(multi.task() == Task::Multiclass);
    QCOMPARE(multi.classNames(), (std::vector<std::string>{"0", "2", "10"})); // numeric order
    const Dataset dd = multi.transform(digits);
    QCOMPARE(dd.labels, (std::vector<int64_t>{1, 0, 2, 1}));
    QCOMPARE(dd.classCounts(), (std::vector<int64_t>{1, 2, 1}));
    dd.validate();

    PreprocessOptions o;
    o.task = "multiclass";
    QVERIFY(Preprocessor::fit(parseCsv("x,y\n1,0\n2,1\n", "m.csv"), "y", o).task() == Task::Multiclass);
    o.task = "regression";
    const Preprocessor reg = Preprocessor::fit(digits, "y", o);
    QVERIFY(reg.task() == Task::Regression);
    QVERIFY(reg.classNames().empty());
    QCOMPARE(reg.transform(digits).targets, (std::vector<float>{2, 0, 10, 2}));

    // Non-integers, or more than 20 distinct integers: regression.
    QVERIFY(Preprocessor::fit(parseCsv("x,y\n1,0.5\n2,1\n", "r.csv"), "y").task() == Task::Regression);
    std::string many = "x,y\n";
    for (int i = 0; i < 21; ++i) many += std::to_string(i) + "," + std::to_string(i) + "\n";
    QVERIFY(Preprocessor::fit(parseCsv(many, "many.csv"), "y").task() == Task::Regression);
    many += "21,3\n"; // still 21 distinct
    QVERIFY(Preprocessor::fit(parseCsv(many, "many.csv"), "y").task() == Task::Regression);
    std::string twenty = "x,y\n";
    for (int i = 0; i < 20; ++i) twenty += std::to_string(i) + "," + std::to_string(i) + "\n";
    QVERIFY(Preprocessor::fit(parseCsv(twenty, "t.csv"), "y").task() == Task::Multiclass);
}

void TestDataPreprocess::targetErrors()
{
    const Table train = parseCsv("PassengerId,Survived,Age\n1,0,22\n2,1,38\n3,1,NA\n", "train.csv");
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { Preprocessor::fit(train, "Survivd"); }),
                    "train.csv: target column 'Survivd' not found (columns: PassengerId, Survived, Age)");
    const Preprocessor p = Preprocessor::fit(train, "Survived");
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { p.transform(parseCsv("PassengerId,Age\n1,2\n", "test.csv")); }),
                    "test.csv: target column 'Survived' not found (columns: PassengerId, Age)");
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { p.transform(parseCsv("PassengerId,Survived\n1,1\n", "test.csv")); }),
                    "test.csv: column 'Age' (a feature fitted on train.csv) not found");
    EXPECT_CONTAINS(errorOf<tw::ParseError>([&] { Preprocessor::fit(parseCsv("x,y\n1,0\n2,\n3,1\n", "t.csv"), "y"); }),
                    "t.csv:3: target 'y' is missing");
    EXPECT_CONTAINS(errorOf<tw::ParseError>([&] { p.transform(parseCsv("PassengerId,Survived,Age\n1,0,3\n2,2,4\n", "test.csv")); }),
                    "test.csv:3: target 'Survived': class '2' is not among the training classes (0, 1)");
    EXPECT_CONTAINS(errorOf<tw::ParseError>([&] { p.transform(parseCsv("PassengerId,Survived,Age\n1,0,3\n2,1,old\n", "test.csv")); }),
                    "test.csv:3: column 'Age': 'old' is not a number (numeric in the training data train.csv)");
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([] { Preprocessor::fit(parseCsv("x,y\n1,a\n2,a\n", "s.csv"), "y"); }),
                    "s.csv: target 'y' has a single class 'a'");
    PreprocessOptions o;
    o.task = "binary";
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { Preprocessor::fit(parseCsv("x,y\n1,a\n2,b\n3,c\n", "b.csv"), "y", o); }),
                    "b.csv: task binary needs 2 classes; target 'y' has 3 (a, b, c)");
    o.task = "regression";
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { Preprocessor::fit(parseCsv("x,y\n1,a\n2,b\n", "r.csv"), "y", o); }),
                    "r.csv: task regression needs a numeric target; 'y' is categorical");
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([] { Preprocessor::fit(parseCsv("x,y\nNA,0\n,1\n", "e.csv"), "y"); }),
                    "e.csv: column 'x' has no value (all 2 cells missing); drop it");
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([] { Preprocessor::fit(parseCsv("y\n0\n1\n", "o.csv"), "y"); }),
                    "o.csv: no feature column left besides the target 'y'");
}

void TestDataPreprocess::optionChecks()
{
    const Table t = parseCsv("x,y\n1,0\n2,1\n", "t.csv");
    auto fitWith = [&](const std::function<void(PreprocessOptions&)>& change) {
        PreprocessOptions o;
        change(o);
        return errorOf<std::invalid_argument>([&] { Preprocessor::fit(t, "y", o); });
    };
    EXPECT_CONTAINS(fitWith([](auto& o) { o.numericImpute = "mode"; }),
                    "preprocessing: 'numeric_impute' must be one of mean, median (numeric_impute = 'mode')");
    EXPECT_CONTAINS(fitWith([](auto& o) { o.categoricalImpute = "frequent"; }),
                    "preprocessing: 'categorical_impute' must be one of most_frequent, missing_category (categorical_impute = 'frequent')");
    EXPECT_CONTAINS(fitWith([](auto& o) { o.task = "ordinal"; }),
                    "preprocessing: 'task' must be one of auto, classification, binary, multiclass, regression (task = 'ordinal')");
    EXPECT_CONTAINS(fitWith([](auto& o) { o.columnTypes = {{"x", "words"}}; }),
                    "preprocessing: 'column_types' of column 'x' must be one of numeric, categorical, text (got 'words')");
    EXPECT_CONTAINS(fitWith([](auto& o) { o.drop = {"x", "x"}; }), "preprocessing: 'drop' lists column 'x' twice");
    EXPECT_CONTAINS(fitWith([](auto& o) { o.drop = {"z"}; }), "t.csv: column 'z' to drop not found (columns: x, y)");
    EXPECT_CONTAINS(fitWith([](auto& o) { o.drop = {"y"}; }), "t.csv: cannot drop the target column 'y'");
    EXPECT_CONTAINS(fitWith([](auto& o) { o.columnTypes = {{"w", "numeric"}}; }),
                    "t.csv: column type for 'w': no such column (columns: x, y)");
    QCOMPARE(fitWith([](auto&) {}), std::string());
}

void TestDataPreprocess::dropAndColumnTypes()
{
    const Table train = parseCsv("id,class,fare,y\n1,3,7.5,0\n2,1,80,1\n3,3,8,0\n4,2,20,1\n", "train.csv");
    PreprocessOptions o;
    o.drop = {"id"};
    o.columnTypes = {{"class", "categorical"}};
    const Preprocessor p = Preprocessor::fit(train, "y", o);
    QCOMPARE(p.featureNames(), (std::vector<std::string>{"class=1", "class=2", "class=3", "fare"}));
    QCOMPARE(p.summary(), std::string("target y (binary: 0, 1); drop id; impute numeric mean (none missing), categorical "
                                      "most_frequent (none missing); one-hot class (3 columns); standardize 1 column"));
    const Dataset d = p.transform(train);
    QCOMPARE(d.name, std::string("train"));
    QCOMPARE(d.provenance.source, std::string("train.csv"));
    QCOMPARE(d.provenance.rows, int64_t(4));
    QCOMPARE(d.provenance.columns, int64_t(4));
    QCOMPARE(d.provenance.preprocessing, p.summary());
    QCOMPARE(feature(d, 0, "class=3"), 1.0f);
    d.validate();

    // A categorical column forced to numeric in the options must hold numbers.
    o.drop.clear();
    o.columnTypes = {{"fare", "numeric"}};
    const Table text = parseCsv("fare,y\n7.5,0\ncheap,1\n", "f.csv");
    EXPECT_CONTAINS(errorOf<tw::ParseError>([&] { Preprocessor::fit(text, "y", o); }),
                    "f.csv:3: column 'fare': 'cheap' is not a number (column type forced to numeric)");
}

void TestDataPreprocess::jsonRoundTrip()
{
    const Table train = parseCsv("a,b,c,y\n1,x,NA,u\n2,NA,5,v\nNA,y,6,w\n", "train.csv");
    PreprocessOptions o;
    o.categoricalImpute = "missing_category";
    o.numericImpute = "median";
    const Preprocessor p = Preprocessor::fit(train, "y", o);
    const nlohmann::json j = p.toJson();
    const Preprocessor q = Preprocessor::fromJson(nlohmann::json::parse(j.dump()));
    QCOMPARE(q.toJson(), j);
    QCOMPARE(q.featureNames(), p.featureNames());
    const Table test = parseCsv("a,b,c,y\n7,z,NA,w\n", "test.csv");
    QCOMPARE(q.transform(test).features, p.transform(test).features);
    QCOMPARE(q.summary(), p.summary());

    nlohmann::json broken = j;
    broken.erase("target");
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { Preprocessor::fromJson(broken); }), "preprocessor JSON: ");
    broken = j;
    broken["options"]["numeric_impute"] = "mode";
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { Preprocessor::fromJson(broken); }), "'numeric_impute' must be one of mean, median (numeric_impute = 'mode')");
}

void TestDataPreprocess::titanic()
{
    const std::string dir = std::string(TW_SOURCE_DIR) + "/../shared/datasets/titanic";
    if (!std::filesystem::exists(dir + "/data-train-large.csv"))
        QSKIP(qPrintable(QStringLiteral("the Titanic CSVs are not at %1 (they live outside the repository)")
                             .arg(QString::fromStdString(dir))));

    PreprocessOptions o;
    o.columnTypes = {{"Pclass", "categorical"}};
    const CsvDatasets large = loadCsvDataset(dir + "/data-train-large.csv", dir + "/data-test-large.csv", "Survived", o);
    QVERIFY(large.test.has_value());
    const Dataset& train = large.train;
    const Dataset& test = *large.test;
    QCOMPARE(train.size(), int64_t(668));
    QCOMPARE(test.size(), int64_t(223));
    QVERIFY(train.task == Task::Binary);
    QCOMPARE(train.classNames, (std::vector<std::string>{"0", "1"}));
    QCOMPARE(train.classCounts(), (std::vector<int64_t>{410, 258}));
    QCOMPARE(test.classCounts(), (std::vector<int64_t>{139, 84}));
    QCOMPARE(train.featureNames,
             (std::vector<std::string>{"PassengerId", "Age", "SibSp", "Parch", "Fare", "Sex=female", "Sex=male", "Embarked=C",
                                       "Embarked=Q", "Embarked=S", "Pclass=1", "Pclass=2", "Pclass=3"}));
    QCOMPARE(test.featureNames, train.featureNames);
    train.validate();
    test.validate();
    QCOMPARE(large.testStats.unseenCategories, int64_t(0));
    QCOMPARE(large.testStats.imputed.at("Age"), int64_t(38));

    // The imputed Age is the training mean; standardized with the training
    // statistics it is 0 in both files.
    const auto& age = large.preprocessor.columns()[1];
    QCOMPARE(age.name, std::string("Age"));
    QVERIFY(std::abs(age.fill - 29.934328922495276) < 1e-9);
    QCOMPARE(age.mean, age.fill);
    const Table testTable = readCsv(dir + "/data-test-large.csv", CsvOptions{0, o.columnTypes});
    int zeros = 0;
    for (int64_t r = 0; r < test.size(); ++r)
        if (testTable.column("Age").missing[size_t(r)]) {
            QCOMPARE(feature(test, r, "Age"), 0.0f);
            ++zeros;
        }
    QCOMPARE(zeros, 38);
    // Training features are standardized: mean 0, std 1 (Age, over the imputed column).
    double sum = 0, sq = 0;
    for (int64_t r = 0; r < train.size(); ++r) sum += feature(train, r, "Fare");
    for (int64_t r = 0; r < train.size(); ++r) sq += std::pow(feature(train, r, "Fare") - sum / 668, 2);
    QVERIFY(std::abs(sum / 668) < 1e-5);
    QVERIFY(std::abs(std::sqrt(sq / 668) - 1) < 1e-5);
    // The test Fare is scaled with the training statistics, not its own.
    const auto& fare = large.preprocessor.columns()[4];
    QCOMPARE(feature(test, 0, "Fare"), float((11.1333 - fare.mean) / fare.stddev));
    // The two passengers without a port get the most frequent one, S.
    QCOMPARE(large.preprocessor.columns()[6].fillCategory, std::string("S"));

    QCOMPARE(train.provenance.preprocessing,
             std::string("target Survived (binary: 0, 1); impute numeric mean (Age: 139 missing), categorical most_frequent "
                         "(Embarked: 2 missing); one-hot Sex, Embarked, Pclass (8 columns); standardize 5 columns"));
    EXPECT_CONTAINS(test.provenance.preprocessing, "(Age: 38 missing)");
    EXPECT_CONTAINS(test.provenance.preprocessing, "fitted on " + dir + "/data-train-large.csv");
    QCOMPARE(train.provenance.columns, int64_t(9));
    QCOMPARE(train.name, std::string("data-train-large"));

    // The numeric-only files, without a test file.
    const CsvDatasets small = loadCsvDataset(dir + "/data-train-small.csv", "", "Survived");
    QVERIFY(!small.test.has_value());
    QCOMPARE(small.train.sampleShape, (std::vector<int64_t>{5}));
    QCOMPARE(small.train.featureNames, (std::vector<std::string>{"PassengerId", "Age", "SibSp", "Parch", "Fare"}));
}

QTEST_APPLESS_MAIN(TestDataPreprocess)
#include "test_data_preprocess.moc"
