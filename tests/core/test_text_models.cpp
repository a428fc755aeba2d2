// The text families (text_bag, text_cnn, text_transformer): their schemas
// and rules, learning a generated "keyword present" task and the two-class
// fortunes quotations (startrek vs food), word vectors as the initial
// embeddings, and a spec with a text column tuned through train::Tuner.
#include "data/preprocess.h"
#include "data/split.h"
#include "train/model_family.h"
#include "train/tune.h"

#include "fortunes_data.h"
#include "test_support.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace tw;
using nlohmann::json;

namespace {

/// Sentences of random filler words; class 1 when the keyword "zebra"
/// appears (anywhere). Written as a CSV; returns the path.
std::string keywordCsv(const std::string& dir, int rows)
{
    const std::vector<std::string> filler{"the", "a", "cat", "dog", "runs", "sleeps", "on", "under", "mat", "tree",
                                          "green", "small", "quickly", "house", "river", "stone"};
    std::mt19937_64 rng(11);
    const std::string path = dir + "/keyword.csv";
    std::ofstream out(path);
    out << "text,label\n";
    for (int r = 0; r < rows; ++r) {
        const bool positive = r % 2 == 1;
        const int n = 6 + int(rng() % 10);
        const int at = int(rng() % uint64_t(n));
        std::string s;
        for (int i = 0; i < n; ++i) {
            s += (i ? " " : "") + (positive && i == at ? std::string("zebra") : filler[rng() % filler.size()]);
        }
        out << "\"" << s << "\"," << (positive ? "yes" : "no") << "\n";
    }
    return path;
}

struct Splits {
    data::Dataset train, validation;
};

Splits split(const std::string& csv, int64_t maxLength)
{
    data::PreprocessOptions o;
    o.columnTypes = {{"text", "text"}};
    o.text.maxLength = maxLength;
    const data::Table all = data::readCsv(csv, {.delimiter = 0, .columnTypes = o.columnTypes});
    const data::Dataset whole = data::Preprocessor::fit(all, "label", o).transform(all);
    const auto idx = data::splitIndices(whole, {0.25, 0.0}, 5, true);
    const data::Table train = data::selectRows(all, idx.train);
    const auto pre = data::Preprocessor::fit(train, "label", o);
    return {pre.transform(train), pre.transform(data::selectRows(all, idx.validation))};
}

train::TrainOptions options(const std::string& family, int epochs, const json& model = json::object())
{
    train::TrainOptions o;
    json m = model;
    m["family"] = family;
    o.model = train::ModelConfig::fromJson(m);
    o.training.epochs = epochs;
    o.training.batchSize = 32;
    o.training.learningRate = family == "text_transformer" ? 1e-3 : 3e-3;
    o.training.device = "cpu";
    o.training.seed = 1;
    return o;
}

double validationAccuracy(const Splits& s, const train::TrainOptions& o)
{
    const train::TrainResult r = train::trainModel(s.train, s.validation, o);
    if (r.status != train::TrainResult::Status::Completed) throw std::runtime_error("training: " + r.reason);
    return r.best.accuracy;
}

} // namespace

class TestTextModels : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void schemasAndRules();
    void needsTokenIds();
    void keywordTask_data();
    void keywordTask();
    void fortunesTwoClass_data();
    void fortunesTwoClass();
    void wordVectorsInitializeEmbeddings();
    void tunerRunsATextSpec();
};

void TestTextModels::schemasAndRules()
{
    for (const char* name : {"text_bag", "text_cnn", "text_transformer"}) {
        const train::ModelFamily* f = train::findModelFamily(name);
        QVERIFY2(f, name);
        QVERIFY(f->setting("embedding_dim") && f->setting("dropout") && f->setting("embeddings_file"));
    }
    const auto* t = train::findModelFamily("text_transformer");
    for (const char* key : {"layers", "heads", "model_dim", "ff_dim", "pooling"}) QVERIFY2(t->setting(key), key);
    QVERIFY(train::findModelFamily("text_cnn")->setting("kernel_sizes"));
    // Their sizes are settings a search may name.
    const auto keys = train::StudySpec::settingKeys();
    for (const char* key : {"embedding_dim", "kernel_sizes", "model_dim", "heads", "ff_dim", "pooling", "embeddings_file"})
        QVERIFY2(std::find(keys.begin(), keys.end(), key) != keys.end(), key);

    EXPECT_CONTAINS(errorOf<std::invalid_argument>([] {
                        train::ModelConfig::fromJson({{"family", "text_transformer"}, {"model_dim", 30}, {"heads", 4}});
                    }),
                    "model: 'model_dim' must be divisible by 'heads' (model_dim = 30, heads = 4)");
    EXPECT_CONTAINS(errorOf<std::invalid_argument>(
                        [] { train::ModelConfig::fromJson({{"family", "text_cnn"}, {"kernel_sizes", "3,x"}}); }),
                    "model: 'kernel_sizes' must be comma-separated integers in 1..15 (kernel_sizes = '3,x')");
    EXPECT_CONTAINS(errorOf<std::invalid_argument>(
                        [] { train::ModelConfig::fromJson({{"family", "text_cnn"}, {"kernel_sizes", "3,40"}}); }),
                    "'kernel_sizes' must be comma-separated integers in 1..15");
    EXPECT_CONTAINS(errorOf<std::invalid_argument>(
                        [] { train::ModelConfig::fromJson({{"family", "text_transformer"}, {"pooling", "max"}}); }),
                    "pooling");
}

void TestTextModels::needsTokenIds()
{
    // Tabular data: the family says what it needs.
    data::Dataset d;
    d.name = "rows";
    d.task = data::Task::Binary;
    d.sampleShape = {2};
    d.classNames = {"a", "b"};
    d.features = {0, 1, 1, 0, 0, 0, 1, 1};
    d.labels = {0, 1, 0, 1};
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { train::trainModel(d, d, options("text_bag", 1)); }),
                    "model: 'family' text_bag needs token ids from a text column");
    // A convolution wider than the texts.
    QTemporaryDir dir;
    const Splits s = split(keywordCsv(dir.path().toStdString(), 40), 4);
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { train::trainModel(s.train, s.validation, options("text_cnn", 1)); }),
                    "model: 'kernel_sizes' 3,4,5 needs text_max_length >= 5 (text_max_length = 4)");
}

void TestTextModels::keywordTask_data()
{
    QTest::addColumn<QString>("family");
    QTest::addColumn<int>("epochs");
    QTest::addColumn<double>("atLeast");
    QTest::newRow("text_bag") << "text_bag" << 12 << 0.9;
    QTest::newRow("text_cnn") << "text_cnn" << 6 << 0.95;
    QTest::newRow("text_transformer") << "text_transformer" << 10 << 0.9;
}

void TestTextModels::keywordTask()
{
    // "zebra" somewhere among 6-15 filler words: a bag of words sees it, a
    // convolution finds it anywhere, attention too. Chance is 50%.
    QFETCH(QString, family);
    QFETCH(int, epochs);
    QFETCH(double, atLeast);
    QTemporaryDir dir;
    const Splits s = split(keywordCsv(dir.path().toStdString(), 400), 16);
    const double acc = validationAccuracy(s, options(family.toStdString(), epochs));
    qInfo("%s: keyword task validation accuracy %.3f", qPrintable(family), acc);
    QVERIFY2(acc >= atLeast, (family.toStdString() + ": validation accuracy " + std::to_string(acc)).c_str());
}

void TestTextModels::fortunesTwoClass_data()
{
    QTest::addColumn<QString>("family");
    QTest::addColumn<int>("epochs");
    QTest::addColumn<double>("atLeast");
    // TF-IDF + logistic regression reaches about 0.95 on such a split (tests/bench/bench_text.py).
    QTest::newRow("text_bag") << "text_bag" << 20 << 0.75;
    QTest::newRow("text_cnn") << "text_cnn" << 8 << 0.8;
    QTest::newRow("text_transformer") << "text_transformer" << 12 << 0.7;
}

void TestTextModels::fortunesTwoClass()
{
    TW_FORTUNES_OR_SKIP(fortunes::kTwoClass);
    QFETCH(QString, family);
    QFETCH(int, epochs);
    QFETCH(double, atLeast);
    QTemporaryDir dir;
    const Splits s = split(fortunes::writeCsv(dir.path().toStdString(), "two.csv", fortunes::kTwoClass), 48);
    QCOMPARE(s.train.numClasses(), 2);
    train::TrainOptions o = options(family.toStdString(), epochs);
    if (family == QLatin1String("text_bag")) o.training.learningRate = 1e-2;
    const double acc = validationAccuracy(s, o);
    qInfo("%s: fortunes validation accuracy %.3f", qPrintable(family), acc);
    QVERIFY2(acc >= atLeast, (family.toStdString() + ": validation accuracy " + std::to_string(acc)).c_str());
}

void TestTextModels::wordVectorsInitializeEmbeddings()
{
    // Vectors that put "zebra" far from every filler word: a linear bag model
    // whose embeddings start there (the file's dimension 4, not 99) separates
    // the classes within a few epochs.
    QTemporaryDir dir;
    const std::string root = dir.path().toStdString();
    const Splits s = split(keywordCsv(root, 200), 16);
    const std::string vectors = root + "/vectors.txt";
    {
        std::ofstream out(vectors);
        out << s.train.vocabulary.size() - 2 << " 4\n";
        for (size_t i = 2; i < s.train.vocabulary.size(); ++i) {
            const bool key = s.train.vocabulary[i] == "zebra";
            out << s.train.vocabulary[i] << (key ? " 5 5 5 5\n" : " 0.1 -0.1 0.1 -0.1\n");
        }
    }
    const json model{{"embeddings_file", vectors}, {"embedding_dim", 99}, {"hidden_layers", 0}};
    train::TrainOptions o = options("text_bag", 3, model);
    o.training.learningRate = 0.05;
    const double acc = validationAccuracy(s, o);
    QVERIFY2(acc >= 0.9, std::to_string(acc).c_str());
    // A ragged file fails the trial with the file:line.
    std::ofstream(vectors) << "zebra 1 2\ncat 1\n";
    EXPECT_CONTAINS(errorOf<std::exception>([&] { validationAccuracy(s, options("text_bag", 1, model)); }),
                    vectors + ":2: word 'cat' has 1 values; expected 2");
}

void TestTextModels::tunerRunsATextSpec()
{
    QTemporaryDir dir;
    const std::string csv = keywordCsv(dir.path().toStdString(), 200);
    const json j = {
        {"name", "keyword"},
        {"dataset", {{"csv", csv}, {"target", "label"}}},
        {"preprocessing", {{"text_max_length", 16}}}, // the column is detected as text
        {"model", {{"family", "text_bag"}}},
        {"training", {{"epochs", 3}, {"batch_size", 32}}},
        {"objective", {{"metric", "f1"}, {"positive_class", "yes"}}},
        {"search_space", json::parse(R"([
            {"name": "lr", "type": "range", "bounds": [0.001, 0.02], "log_scale": true},
            {"name": "embedding_dim", "type": "choice", "values": [16, 32]},
            {"name": "text_ngrams", "type": "choice", "values": [0, 3]}])")},
        {"sampler", {{"name", "random"}, {"seed", 3u}}},
        {"budget", {{"trials", 3}}}};
    const auto spec = train::StudySpec::fromJson(j, "keyword.json");
    QCOMPARE(spec.settingFor("lr"), std::string("learning_rate"));
    study::StudyConfig c = train::studyConfigFor(spec);
    auto st = study::Study::createInMemory(c);
    train::DataSource data(spec);
    train::Tuner tuner(spec, *st, data);
    for (int i = 0; i < 3; ++i) {
        const auto s = tuner.runTrial();
        QVERIFY2(s.state == study::TrialState::Complete, s.reason.c_str());
        QVERIFY(s.value && *s.value >= 0 && *s.value <= 1);
    }
    QCOMPARE(tuner.countedTrials(), 3);
    EXPECT_CONTAINS(data.describe(spec.preprocessing), "16 features");
}

QTEST_GUILESS_MAIN(TestTextModels)
#include "test_text_models.moc"
