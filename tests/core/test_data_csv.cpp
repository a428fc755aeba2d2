// CSV reading: RFC 4180 quoting, delimiters, BOM and CRLF, missing values,
// type detection and overrides, error messages, the real Titanic files.
#include "data/csv.h"
#include "util/errors.h"

#include <QTemporaryDir>
#include "test_support.h"

#include <QtTest>

#include <clocale>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>

using namespace tw::data;

namespace {

std::string titanicDir()
{
    return std::string(TW_SOURCE_DIR) + "/../shared/datasets/titanic";
}

} // namespace

class TestDataCsv : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void quotedFields();
    void delimiters();
    void missingValues();
    void bomAndCrlf();
    void numbers();
    void fieldCountErrors();
    void structuralErrors();
    void typeOverride();
    void fileErrors();
    void selectRows();
    void localeIndependent();
    void titanicFiles();
};

void TestDataCsv::quotedFields()
{
    const Table t = parseCsv("name,comment,value\n"
                             "\"Smith, J\",\"He said \"\"hi\"\"\nthen left\",3\n"
                             "plain,\"\",4\n"
                             "  \"spaced\"  ,x,5\n",
                             "q.csv");
    QCOMPARE(t.delimiter, ',');
    QCOMPARE(t.rows(), int64_t(3));
    QCOMPARE(t.columns.size(), size_t(3));
    QCOMPARE(t.columns[0].text[0], std::string("Smith, J"));
    QCOMPARE(t.columns[1].text[0], std::string("He said \"hi\"\nthen left"));
    QCOMPARE(int(t.columns[1].missing[1]), 1); // "" is missing
    QCOMPARE(t.columns[0].text[2], std::string("spaced"));
    QVERIFY(t.columns[1].type == ColumnType::Categorical);
    QVERIFY(t.columns[2].type == ColumnType::Numeric);
    QCOMPARE(t.columns[2].numbers, (std::vector<double>{3, 4, 5}));
    // Rows start on lines 2, 4 (the quoted newline spans 2-3) and 5.
    QCOMPARE(t.lines, (std::vector<int64_t>{2, 4, 5}));
    QCOMPARE(t.where(1), std::string("q.csv:4"));
}

void TestDataCsv::delimiters()
{
    // Semicolons, with commas inside the fields (European decimals stay text).
    const Table semi = parseCsv("a;b;c\n1,5;x;2\n2,5;\"y;z\";3\n", "semi.csv");
    QCOMPARE(semi.delimiter, ';');
    QCOMPARE(semi.columns.size(), size_t(3));
    QVERIFY(semi.columns[0].type == ColumnType::Categorical);
    QCOMPARE(semi.columns[1].text[1], std::string("y;z"));
    QCOMPARE(semi.columns[2].numbers, (std::vector<double>{2, 3}));

    const Table tab = parseCsv("x\ty\tlabel\n0.5\t-1\tcat\n1.5\t2e3\tdog\n", "tab.tsv");
    QCOMPARE(tab.delimiter, '\t');
    QCOMPARE(tab.columnList(), std::string("x, y, label"));
    QCOMPARE(tab.columns[1].numbers, (std::vector<double>{-1, 2000}));

    // Commas win when they split every line consistently.
    const Table comma = parseCsv("a,b\n\"1;2\",3\n4,5\n", "c.csv");
    QCOMPARE(comma.delimiter, ',');
    QCOMPARE(comma.columns[0].text[0], std::string("1;2"));

    // An explicit delimiter is used as given; a bad one is refused.
    const Table forced = parseCsv("a,b;c\n1,2;3\n", "f.csv", CsvOptions{';', {}});
    QCOMPARE(forced.columnList(), std::string("a,b, c"));
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([] { parseCsv("a|b\n1|2\n", "p.csv", CsvOptions{'|', {}}); }),
                    "p.csv: delimiter '|' is not one of");
    // A single column.
    const Table one = parseCsv("only\n1\n2\n", "one.csv");
    QCOMPARE(one.columns.size(), size_t(1));
    QCOMPARE(one.rows(), int64_t(2));
}

void TestDataCsv::missingValues()
{
    const Table t = parseCsv("num,cat\n"
                             "1.5,red\n"
                             ",\n"
                             "NA,NA\n"
                             "NaN,null\n"
                             "nan,N/A\n"
                             "?,n/a\n"
                             "NULL,  \n"
                             "2.5,blue\n",
                             "m.csv");
    QCOMPARE(t.rows(), int64_t(8));
    const Column& num = t.column("num");
    const Column& cat = t.column("cat");
    QVERIFY(num.type == ColumnType::Numeric);
    QVERIFY(cat.type == ColumnType::Categorical);
    QCOMPARE(num.missingCount(), int64_t(6));
    QCOMPARE(cat.missingCount(), int64_t(6));
    QCOMPARE(num.numbers[0], 1.5);
    QCOMPARE(num.numbers[7], 2.5);
    for (int r = 1; r <= 6; ++r) {
        QVERIFY(std::isnan(num.numbers[size_t(r)]));
        QCOMPARE(num.text[size_t(r)], std::string());
    }
    // A column with nothing but missing cells is numeric, every value NaN.
    const Table empty = parseCsv("a,b\n1,\n2,NA\n", "e.csv");
    QVERIFY(empty.columns[1].type == ColumnType::Numeric);
    QCOMPARE(empty.columns[1].missingCount(), int64_t(2));

    QVERIFY(isMissingToken(" na "));
    QVERIFY(!isMissingToken("nana"));
    QVERIFY(!isMissingToken("none"));
}

void TestDataCsv::bomAndCrlf()
{
    const Table t = parseCsv("\xEF\xBB\xBF" "id,sex\r\n1,male\r\n\r\n2,\"fe\r\nmale\"\r\n", "bom.csv");
    QCOMPARE(t.columns[0].name, std::string("id"));
    QVERIFY(t.columns[0].type == ColumnType::Numeric);
    QCOMPARE(t.columns[0].numbers, (std::vector<double>{1, 2}));
    QCOMPARE(t.columns[1].text[0], std::string("male"));
    QCOMPARE(t.columns[1].text[1], std::string("fe\nmale"));
    QCOMPARE(t.lines, (std::vector<int64_t>{2, 4})); // the blank line 3 is skipped
    // No trailing newline, old Mac line ends.
    const Table mac = parseCsv("a,b\r1,2\r3,4", "mac.csv");
    QCOMPARE(mac.rows(), int64_t(2));
    QCOMPARE(mac.columns[1].numbers, (std::vector<double>{2, 4}));
}

void TestDataCsv::numbers()
{
    double v = 0;
    QVERIFY(parseNumber("1e3", v) && v == 1000);
    QVERIFY(parseNumber("+1.5", v) && v == 1.5);
    QVERIFY(parseNumber(" -2 ", v) && v == -2);
    QVERIFY(parseNumber(".5", v) && v == 0.5);
    QVERIFY(!parseNumber("1.2.3", v));
    QVERIFY(!parseNumber("1,5", v));
    QVERIFY(!parseNumber("0x10", v));
    QVERIFY(!parseNumber("inf", v));
    QVERIFY(!parseNumber("+-1", v));
    QVERIFY(!parseNumber("12abc", v));
    QVERIFY(!parseNumber("", v));
    QCOMPARE(formatNumber(3), std::string("3"));
    QCOMPARE(formatNumber(-0.1), std::string("-0.1"));
    QCOMPARE(formatNumber(2.5e-7), std::string("2.5e-07"));
    // One non-number makes the column categorical.
    const Table t = parseCsv("a\n1\n2\nthree\n", "n.csv");
    QVERIFY(t.columns[0].type == ColumnType::Categorical);
    QVERIFY(t.columns[0].numbers.empty());
}

void TestDataCsv::fieldCountErrors()
{
    EXPECT_CONTAINS(errorOf<tw::ParseError>([] { parseCsv("a,b,c\n1,2,3\n1,2,3,4\n", "t.csv"); }),
                    "t.csv:3: 4 fields but the header has 3");
    EXPECT_CONTAINS(errorOf<tw::ParseError>([] { parseCsv("a,b,c\n1,2,3\n\"x\ny\",2,3\n5,6\n", "t.csv"); }),
                    "t.csv:5: 2 fields but the header has 3");
    // A trailing delimiter is one more (empty) field.
    EXPECT_CONTAINS(errorOf<tw::ParseError>([] { parseCsv("a,b\n1,2,\n", "t.csv"); }), "t.csv:2: 3 fields but the header has 2");
}

void TestDataCsv::structuralErrors()
{
    EXPECT_CONTAINS(errorOf<tw::ParseError>([] { parseCsv("", "e.csv"); }), "e.csv: empty file");
    EXPECT_CONTAINS(errorOf<tw::ParseError>([] { parseCsv("\xEF\xBB\xBF\r\n\n", "e.csv"); }), "e.csv: empty file");
    EXPECT_CONTAINS(errorOf<tw::ParseError>([] { parseCsv("a,b\n", "h.csv"); }),
                    "h.csv: no data rows after the header (columns: a, b)");
    EXPECT_CONTAINS(errorOf<tw::ParseError>([] { parseCsv("a,b,a\n1,2,3\n", "d.csv"); }),
                    "d.csv:1: duplicate column name 'a' (columns 1 and 3)");
    EXPECT_CONTAINS(errorOf<tw::ParseError>([] { parseCsv("a,b\n1,\"open\n2,3\n", "u.csv"); }),
                    "u.csv:2: field 2: quoted field not closed");
    EXPECT_CONTAINS(errorOf<tw::ParseError>([] { parseCsv("a,b\n1,\"x\"y\n", "x.csv"); }),
                    "x.csv:2: field 2: unexpected character 'y' after a closing quote");
    // An empty header name gets pandas' name.
    const Table t = parseCsv(",a\n0,1\n", "i.csv");
    QCOMPARE(t.columns[0].name, std::string("Unnamed: 0"));
}

void TestDataCsv::typeOverride()
{
    const std::string text = "id,grade,name\n1,3,ann\n2,1,bob\n3,x,cy\n";
    CsvOptions o;
    o.columnTypes = {{"id", "categorical"}};
    const Table t = parseCsv(text, "o.csv", o);
    QVERIFY(t.column("id").type == ColumnType::Categorical);
    QCOMPARE(t.column("id").text[2], std::string("3"));
    QVERIFY(t.column("id").numbers.empty());

    o.columnTypes = {{"grade", "numeric"}};
    EXPECT_CONTAINS(errorOf<tw::ParseError>([&] { parseCsv(text, "o.csv", o); }),
                    "o.csv:4: column 'grade': 'x' is not a number (column type forced to numeric)");
    o.columnTypes = {{"grad", "numeric"}};
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { parseCsv(text, "o.csv", o); }),
                    "o.csv: column type for 'grad': no such column (columns: id, grade, name)");
    o.columnTypes = {{"grade", "integer"}};
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { parseCsv(text, "o.csv", o); }),
                    "column 'grade': column type 'integer' is not one of numeric, categorical");

    // Setting a type afterwards.
    Table u = parseCsv("a,b\n1,2\n3,NA\n", "s.csv");
    setColumnType(u, 1, ColumnType::Categorical);
    QVERIFY(u.columns[1].type == ColumnType::Categorical);
    setColumnType(u, 1, ColumnType::Numeric);
    QCOMPARE(u.columns[1].numbers[0], 2.0);
    QVERIFY(std::isnan(u.columns[1].numbers[1]));
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { (void)u.column("zz"); }), "s.csv: no column 'zz' (columns: a, b)");
}

void TestDataCsv::fileErrors()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string missing = dir.filePath(QStringLiteral("absent.csv")).toStdString();
    const std::string msg = errorOf<tw::IoError>([&] { readCsv(missing); });
    EXPECT_CONTAINS(msg, missing + ": cannot open");
    EXPECT_CONTAINS(errorOf<tw::IoError>([&] { readCsv(dir.path().toStdString()); }), "is a directory");

    const std::string path = dir.filePath(QStringLiteral("ok.csv")).toStdString();
    std::ofstream(path, std::ios::binary) << "a;b\n1;x\n";
    const Table t = readCsv(path);
    QCOMPARE(t.source, path);
    QCOMPARE(t.delimiter, ';');
    const std::string bad = dir.filePath(QStringLiteral("bad.csv")).toStdString();
    std::ofstream(bad, std::ios::binary) << "a,b\n1,2\n3\n";
    EXPECT_CONTAINS(errorOf<tw::ParseError>([&] { readCsv(bad); }), bad + ":3: 1 field but the header has 2");
}

void TestDataCsv::selectRows()
{
    const Table t = parseCsv("a,b\n1,x\n\n2,NA\n3,z\n", "s.csv");
    const Table u = tw::data::selectRows(t, {2, 1});
    QCOMPARE(u.rows(), int64_t(2));
    QCOMPARE(u.lines, (std::vector<int64_t>{5, 4}));
    QCOMPARE(u.columns[0].numbers, (std::vector<double>{3, 2}));
    QCOMPARE(u.columns[1].text, (std::vector<std::string>{"z", ""}));
    QCOMPARE(u.columns[1].missingCount(), int64_t(1));
    QCOMPARE(u.where(0), std::string("s.csv:5"));
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { tw::data::selectRows(t, {3}); }),
                    "s.csv: row index 3 out of range (3 rows)");
}

void TestDataCsv::localeIndependent()
{
    // Qt applications adopt the user's locale; numbers in files still use '.'.
    const char* found = nullptr;
    for (const char* name : {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8"})
        if (std::setlocale(LC_NUMERIC, name)) {
            found = name;
            break;
        }
    if (!found) QSKIP("no locale with a decimal comma is installed (de_DE, fr_FR)");
    double v = 0;
    const bool parsed = parseNumber("1.5", v);
    const std::string text = formatNumber(0.25);
    const Table t = parseCsv("x\n0.5\n", "l.csv");
    std::setlocale(LC_NUMERIC, "C");
    QVERIFY(parsed && v == 1.5);
    QCOMPARE(text, std::string("0.25"));
    QVERIFY(t.columns[0].type == ColumnType::Numeric);
}

void TestDataCsv::titanicFiles()
{
    const std::string dir = titanicDir();
    if (!std::filesystem::exists(dir + "/data-train-large.csv"))
        QSKIP(qPrintable(QStringLiteral("the Titanic CSVs are not at %1 (they live outside the repository)")
                             .arg(QString::fromStdString(dir))));

    const Table large = readCsv(dir + "/data-train-large.csv");
    QCOMPARE(large.rows(), int64_t(668));
    QCOMPARE(large.columnList(), std::string("PassengerId, Survived, Age, SibSp, Parch, Fare, Sex, Embarked, Pclass"));
    for (const char* name : {"PassengerId", "Survived", "Age", "SibSp", "Parch", "Fare", "Pclass"})
        QVERIFY(large.column(name).type == ColumnType::Numeric);
    QVERIFY(large.column("Sex").type == ColumnType::Categorical);
    QVERIFY(large.column("Embarked").type == ColumnType::Categorical);
    QCOMPARE(large.column("Age").missingCount(), int64_t(139));
    QCOMPARE(large.column("Embarked").missingCount(), int64_t(2));
    QCOMPARE(large.column("Sex").missingCount(), int64_t(0));
    QCOMPARE(large.column("Fare").missingCount(), int64_t(0));
    // The two passengers without a port of embarkation, by line.
    std::vector<int64_t> lines;
    for (int64_t r = 0; r < large.rows(); ++r)
        if (large.column("Embarked").missing[size_t(r)]) lines.push_back(large.lines[size_t(r)]);
    QCOMPARE(lines, (std::vector<int64_t>{342, 544}));
    QCOMPARE(large.column("Fare").numbers[0], 133.65);

    const Table small = readCsv(dir + "/data-train-small.csv");
    QCOMPARE(small.rows(), int64_t(668));
    QCOMPARE(small.columns.size(), size_t(6));
    for (const Column& c : small.columns) QVERIFY(c.type == ColumnType::Numeric);
    QCOMPARE(small.column("Age").missingCount(), int64_t(139));

    const Table test = readCsv(dir + "/data-test-large.csv");
    QCOMPARE(test.rows(), int64_t(223));
    QCOMPARE(test.column("Age").missingCount(), int64_t(38));
    QCOMPARE(test.column("Embarked").missingCount(), int64_t(0));
    const Table testSmall = readCsv(dir + "/data-test-small.csv");
    QCOMPARE(testSmall.rows(), int64_t(223));
    QCOMPARE(testSmall.column("Age").missingCount(), int64_t(38));

    // Pclass as a category, as the Titanic example study asks.
    const Table forced = readCsv(dir + "/data-train-large.csv", CsvOptions{0, {{"Pclass", "categorical"}}});
    QVERIFY(forced.column("Pclass").type == ColumnType::Categorical);
}

QTEST_APPLESS_MAIN(TestDataCsv)
#include "test_data_csv.moc"
