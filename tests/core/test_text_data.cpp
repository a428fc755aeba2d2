// Text columns: detection, the tokenizer (Unicode words, punctuation,
// character n-grams), the vocabulary fitted on training rows only
// (min_count, max_vocab, unknown words), truncation and padding, the
// preprocessing settings (messages, JSON, spec keys) and real quotations from
// Debian's fortunes package.
#include "data/preprocess.h"
#include "data/split.h"
#include "data/text.h"
#include "data/word_vectors.h"
#include "train/study_spec.h"
#include "util/errors.h"

#include "fortunes_data.h"
#include "test_support.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <QtTest>

#include <nlohmann/json.hpp>

using namespace tw::data;

namespace {

using Tokens = std::vector<std::string>;

/// The ids of sample `row`.
std::vector<int> ids(const Dataset& d, int64_t row)
{
    std::vector<int> out;
    for (int64_t k = 0; k < d.sampleSize(); ++k) out.push_back(int(d.features[size_t(row * d.sampleSize() + k)]));
    return out;
}

int64_t idOf(const Dataset& d, const std::string& token)
{
    const auto it = std::find(d.vocabulary.begin(), d.vocabulary.end(), token);
    return it == d.vocabulary.end() ? -1 : it - d.vocabulary.begin();
}

PreprocessOptions textOptions(int64_t maxLength = 6)
{
    PreprocessOptions o;
    o.columnTypes = {{"text", "text"}};
    o.text.maxLength = maxLength;
    return o;
}

} // namespace

class TestTextData : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void unicodeWords();
    void punctuationOption();
    void characterNgrams();
    void vocabularyCountsAndLimits();
    void vocabularyFromTrainingRowsOnly();
    void truncationAndPadding();
    void detection();
    void settingsMessages();
    void textMustBeTheOnlyFeature();
    void jsonRoundTrip();
    void specKeys();
    void fortunesQuotes();
    void wordVectors();
};

void TestTextData::unicodeWords()
{
    const TextOptions o;
    QCOMPARE(tokenize("El Ñandú corre, naïve CAFÉ!", o), (Tokens{"el", "ñandú", "corre", "naïve", "café"}));
    // Greek and Cyrillic capitals lower-cased; digits are words.
    QCOMPARE(tokenize("ΑΘΗΝΑ Москва 2026", o), (Tokens{"αθηνα", "москва", "2026"}));
    // An apostrophe between letters stays in the word (U+2019 written as '); quotes around a word do not.
    QCOMPARE(tokenize("Don't 'quote' it’s", o), (Tokens{"don't", "quote", "it's"}));
    // CJK ideographs and kana: one token per character; a Latin word next to them stays whole.
    QCOMPARE(tokenize("東京へ go", o), (Tokens{"東", "京", "へ", "go"}));
    // Unicode punctuation, emoji and spaces split words.
    QCOMPARE(tokenize("a\u00A0b—c “d” e😀f", o), (Tokens{"a", "b", "c", "d", "e", "f"}));
    // Invalid UTF-8 is a separator, not a crash.
    QCOMPARE(tokenize(std::string("ab\xFF" "cd"), o), (Tokens{"ab", "cd"}));
    TextOptions keepCase;
    keepCase.lowercase = false;
    QCOMPARE(tokenize("Ñandú İs", keepCase), (Tokens{"Ñandú", "İs"}));
    QCOMPARE(lowercaseUtf8("ÑANDÚ ŁÓDŹ İ Ÿ"), std::string("ñandú łódź i ÿ"));
}

void TestTextData::punctuationOption()
{
    TextOptions o;
    QCOMPARE(tokenize("Hi, there... ok?", o), (Tokens{"hi", "there", "ok"}));
    o.punctuation = Punctuation::Split;
    QCOMPARE(tokenize("Hi, there... ok?", o), (Tokens{"hi", ",", "there", ".", ".", ".", "ok", "?"}));
    QCOMPARE(tokenize("¡Sí!", o), (Tokens{"¡", "sí", "!"}));
    QVERIFY(punctuationFromString("split") == Punctuation::Split);
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([] { punctuationFromString("keep"); }), "'keep' is not one of drop, split");
}

void TestTextData::characterNgrams()
{
    QCOMPARE(charNgrams("cat", 3), (Tokens{"#<ca", "#cat", "#at>"}));
    QCOMPARE(charNgrams("ñu", 2), (Tokens{"#<ñ", "#ñu", "#u>"}));
    QCOMPARE(charNgrams("a", 4), Tokens{});
    TextOptions o;
    o.ngrams = 3;
    // Words first, then the n-grams of each word in order.
    QCOMPARE(tokenize("Cat ox", o), (Tokens{"cat", "ox", "#<ca", "#cat", "#at>", "#<ox", "#ox>"}));
}

void TestTextData::vocabularyCountsAndLimits()
{
    const std::vector<Tokens> docs{{"b", "a", "c"}, {"a", "b"}, {"a", "d"}};
    const Vocabulary all = Vocabulary::build(docs, 1, 0);
    // <pad>, <unk>, then by count (a 3, b 2), ties in byte order (c, d).
    QCOMPARE(all.tokens(), (Tokens{"<pad>", "<unk>", "a", "b", "c", "d"}));
    QCOMPARE(all.id("<pad>"), Vocabulary::kUnknown); // the reserved names are not tokens of a text
    QCOMPARE(all.id("zebra"), Vocabulary::kUnknown);
    QCOMPARE(Vocabulary::build(docs, 2, 0).tokens(), (Tokens{"<pad>", "<unk>", "a", "b"}));
    QCOMPARE(Vocabulary::build(docs, 1, 1).tokens(), (Tokens{"<pad>", "<unk>", "a"}));
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([] { Vocabulary::fromTokens({"<pad>", "<unk>", "x", "x"}); }),
                    "token 'x' listed twice");
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([] { Vocabulary::fromTokens({"x"}); }), "<pad> and <unk>");

    // Through the preprocessing.
    const Table t = parseCsv("text,y\nred red blue,a\nred green,b\nred blue,a\n", "v.csv");
    PreprocessOptions o = textOptions(4);
    o.text.minCount = 2;
    Dataset d = Preprocessor::fit(t, "y", o).transform(t);
    QCOMPARE(d.vocabulary, (Tokens{"<pad>", "<unk>", "red", "blue"}));
    QCOMPARE(ids(d, 1), (std::vector<int>{2, 1, 0, 0})); // green: below min_count -> unknown
    o.text.minCount = 1;
    o.text.maxVocab = 1;
    d = Preprocessor::fit(t, "y", o).transform(t);
    QCOMPARE(d.vocabulary, (Tokens{"<pad>", "<unk>", "red"}));
    QCOMPARE(ids(d, 0), (std::vector<int>{2, 2, 1, 0}));
}

void TestTextData::vocabularyFromTrainingRowsOnly()
{
    const Table all = parseCsv("text,y\nthe cat sat,a\nthe dog ran,b\nthe zebra sat,a\nthe dog sat,b\n", "all.csv");
    const Table train = selectRows(all, {0, 1, 3});
    const Table validation = selectRows(all, {2});
    const Preprocessor p = Preprocessor::fit(train, "y", textOptions());
    const Dataset v = p.transform(validation);
    QCOMPARE(v.sampleShape, (std::vector<int64_t>{6}));
    QVERIFY(v.task == Task::Binary);
    QCOMPARE(idOf(v, "zebra"), int64_t(-1));
    // "the zebra sat": zebra is only in the validation row -> unknown (1).
    const std::vector<int> row = ids(v, 0);
    QCOMPARE(row[0], int(idOf(v, "the")));
    QCOMPARE(row[1], 1);
    QCOMPARE(row[2], int(idOf(v, "sat")));
    QCOMPARE(row[3], 0);
    TransformStats stats;
    (void)p.transform(validation, &stats);
    QCOMPARE(stats.tokens, int64_t(3));
    QCOMPARE(stats.unknownTokens, int64_t(1));
    EXPECT_CONTAINS(p.transform(validation).provenance.preprocessing, "1 unknown of 3 tokens");
    EXPECT_CONTAINS(p.summary(), "text text: 7-token vocabulary (lower-cased, punctuation drop, min_count 1, max_vocab 20000), 6 ids per sample");
}

void TestTextData::truncationAndPadding()
{
    const Table t = parseCsv("text,y\none two three four five,a\nsix,b\nNA,a\n", "t.csv");
    TransformStats stats;
    const Preprocessor p = Preprocessor::fit(t, "y", textOptions(3));
    const Dataset d = p.transform(t, &stats);
    QCOMPARE(d.sampleShape, (std::vector<int64_t>{3}));
    QCOMPARE(d.features.size(), size_t(9));
    QCOMPARE(d.featureNames, (Tokens{"text[0]", "text[1]", "text[2]"}));
    // Kept in order, cut after three ids.
    QCOMPARE(ids(d, 0), (std::vector<int>{int(idOf(d, "one")), int(idOf(d, "two")), int(idOf(d, "three"))}));
    QVERIFY(idOf(d, "five") > 1); // in the vocabulary even though cut from the sample
    QCOMPARE(ids(d, 1), (std::vector<int>{int(idOf(d, "six")), 0, 0}));
    QCOMPARE(ids(d, 2), (std::vector<int>{0, 0, 0})); // a missing cell: all padding
    QCOMPARE(stats.truncated, int64_t(1));
    d.validate();
    Dataset bad = d;
    bad.features[0] = float(d.vocabulary.size());
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { bad.validate(); }), "is not an id of the 8-token vocabulary");
    // Subsets keep the vocabulary.
    QCOMPARE(d.subset({1}).vocabulary, d.vocabulary);
}

void TestTextData::detection()
{
    // 20 long, distinct, several-word cells: text; short repeated labels: categorical.
    std::string csv = "text,label,code\n";
    for (int i = 0; i < 20; ++i)
        csv += "\"this is sentence number " + std::to_string(i) + ", long enough\"," + (i % 2 ? "yes" : "no") + ",AB-" +
               std::to_string(i) + "\n";
    const Table t = parseCsv(csv, "d.csv");
    QVERIFY(t.column("text").type == ColumnType::Text);
    QVERIFY(t.column("label").type == ColumnType::Categorical);
    QVERIFY(t.column("code").type == ColumnType::Categorical); // distinct but one short word
    QVERIFY(t.column("text").numbers.empty());
    QCOMPARE(toString(ColumnType::Text), std::string("text"));
    QVERIFY(columnTypeFromString("text") == ColumnType::Text);
    // Fewer than 20 cells: not detected, but settable.
    const std::string few = "text,y\n\"a long sentence of several words here\",1\n\"another long sentence of words\",0\n";
    QVERIFY(parseCsv(few, "f.csv").column("text").type == ColumnType::Categorical);
    CsvOptions forced;
    forced.columnTypes = {{"text", "text"}};
    QVERIFY(parseCsv(few, "f.csv", forced).column("text").type == ColumnType::Text);
    // Half the cells repeated: still text at exactly 50% distinct, not below.
    std::vector<std::string> cells;
    for (int i = 0; i < 20; ++i) cells.push_back("a sentence with words " + std::to_string(i % 10));
    QVERIFY(looksLikeText(cells, std::vector<uint8_t>(20, 0)));
    for (int i = 0; i < 20; ++i) cells[size_t(i)] = "a sentence with words " + std::to_string(i % 9);
    QVERIFY(!looksLikeText(cells, std::vector<uint8_t>(20, 0)));
}

void TestTextData::settingsMessages()
{
    PreprocessOptions o;
    o.text.ngrams = 7;
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { o.validate(); }),
                    "preprocessing: 'text_ngrams' must be 0 or in 2..5 (text_ngrams = 7)");
    o = {};
    o.text.minCount = 0;
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { o.validate(); }), "'text_min_count' must be >= 1 (text_min_count = 0)");
    o = {};
    o.text.maxVocab = -1;
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { o.validate(); }), "'text_max_vocab' must be >= 0 (0: no limit)");
    o = {};
    o.text.maxLength = 0;
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { o.validate(); }), "'text_max_length' must be in 1..4096 (text_max_length = 0)");
    o = {};
    o.columnTypes = {{"x", "words"}};
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { o.validate(); }), "must be one of numeric, categorical, text (got 'words')");

    // In a spec: the section and key named.
    auto spec = [](const nlohmann::json& pre) {
        return nlohmann::json{{"dataset", {{"builtin", "spirals"}}},
                              {"preprocessing", pre},
                              {"search_space", {{"parameters", {{{"name", "dropout"}, {"type", "float"}, {"low", 0}, {"high", 0.5}}}}}}};
    };
    using tw::train::StudySpec;
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { StudySpec::fromJson(spec({{"text_ngrams", 9}}), "s.json"); }),
                    "'text_ngrams' must be 0 or in 2..5 (text_ngrams = 9)");
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { StudySpec::fromJson(spec({{"text_max_length", "long"}}), "s.json"); }),
                    "preprocessing: 'text_max_length' must be an integer");
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { StudySpec::fromJson(spec({{"text_punctuation", "keep"}}), "s.json"); }),
                    "'text_punctuation' must be one of drop, split (text_punctuation = 'keep')");
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { StudySpec::fromJson(spec({{"text_lowercase", "yes"}}), "s.json"); }),
                    "'text_lowercase' must be true or false");
}

void TestTextData::textMustBeTheOnlyFeature()
{
    const Table t = parseCsv("text,n,y\nsome words,1,a\nother words,2,b\n", "m.csv");
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { Preprocessor::fit(t, "y", textOptions()); }),
                    "m.csv: text column 'text' must be the only feature column (also: n); drop the others");
    PreprocessOptions o = textOptions();
    o.drop = {"n"};
    QCOMPARE(Preprocessor::fit(t, "y", o).featureNames().size(), size_t(6));
    o.drop.clear();
    o.columnTypes["n"] = "text";
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { Preprocessor::fit(t, "y", o); }), "2 text columns (text, n)");
    // A text-typed target is a class label.
    o = textOptions();
    o.drop = {"n"};
    o.columnTypes["y"] = "text";
    QCOMPARE(Preprocessor::fit(t, "y", o).classNames(), (Tokens{"a", "b"}));
}

void TestTextData::jsonRoundTrip()
{
    const Table t = parseCsv("text,y\nHello world!,a\nworld peace,b\n", "j.csv");
    PreprocessOptions o = textOptions(5);
    o.text.ngrams = 2;
    o.text.punctuation = Punctuation::Split;
    o.text.lowercase = false;
    const Preprocessor p = Preprocessor::fit(t, "y", o);
    const Preprocessor back = Preprocessor::fromJson(p.toJson());
    QCOMPARE(back.options().text, o.text);
    QCOMPARE(back.columns()[0].vocabulary.tokens(), p.columns()[0].vocabulary.tokens());
    QCOMPARE(back.transform(t).features, p.transform(t).features);
    QCOMPARE(back.featureNames(), p.featureNames());
    nlohmann::json broken = p.toJson();
    broken["columns"][0]["vocabulary"] = {"a", "b"};
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { Preprocessor::fromJson(broken); }),
                    "preprocessor JSON: vocabulary: the first two tokens must be <pad> and <unk>");
}

void TestTextData::specKeys()
{
    using tw::train::StudySpec;
    const auto keys = StudySpec::settingKeys();
    for (const char* k : {"text_lowercase", "text_punctuation", "text_ngrams", "text_min_count", "text_max_vocab", "text_max_length"})
        QVERIFY2(std::find(keys.begin(), keys.end(), k) != keys.end(), k);
    tw::train::ModelConfig m;
    tw::train::TrainConfig tr;
    PreprocessOptions p;
    StudySpec::setSetting(m, tr, p, "text_max_length", 32.0);
    StudySpec::setSetting(m, tr, p, "text_ngrams", 3);
    StudySpec::setSetting(m, tr, p, "text_punctuation", "split");
    StudySpec::setSetting(m, tr, p, "text_lowercase", false);
    QCOMPARE(p.text.maxLength, int64_t(32));
    QCOMPARE(p.text.ngrams, 3);
    QVERIFY(p.text.punctuation == Punctuation::Split);
    QVERIFY(!p.text.lowercase);

    // A search parameter over a text setting validates every value, and the JSON round trip keeps them.
    nlohmann::json j{{"dataset", {{"builtin", "spirals"}}},
                     {"preprocessing", {{"text_max_vocab", 500}, {"column_types", {{"text", "text"}}}}},
                     {"search_space", {{"parameters", {{{"name", "text_ngrams"}, {"type", "int"}, {"low", 2}, {"high", 6}}}}}}};
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { StudySpec::fromJson(j, "k.json"); }),
                    "search parameter 'text_ngrams' = 6: preprocessing: 'text_ngrams' must be 0 or in 2..5");
    j["search_space"]["parameters"][0]["high"] = 4;
    const StudySpec s = StudySpec::fromJson(j, "k.json");
    QVERIFY(s.searchesPreprocessing());
    QCOMPARE(s.preprocessing.text.maxVocab, int64_t(500));
    QCOMPARE(StudySpec::fromJson(s.toJson()).preprocessing.text, s.preprocessing.text);
    QCOMPARE(s.toJson()["preprocessing"]["column_types"]["text"].get<std::string>(), std::string("text"));
}

void TestTextData::fortunesQuotes()
{
    TW_FORTUNES_OR_SKIP(fortunes::kMultiClass);
    QTemporaryDir dir;
    const std::string two = fortunes::writeCsv(dir.path().toStdString(), "two.csv", fortunes::kTwoClass);
    const std::string many = fortunes::writeCsv(dir.path().toStdString(), "many.csv", fortunes::kMultiClass);
    const Table t = readCsv(two);
    QCOMPARE(t.rows(), int64_t(227 + 198));
    QVERIFY(t.column("text").type == ColumnType::Text); // detected, multi-line quoted cells included
    QVERIFY(t.column("label").type == ColumnType::Categorical);
    QVERIFY(t.column("text").text[0].find('\n') != std::string::npos || t.column("text").text[1].find('\n') != std::string::npos);

    // A stratified split; the vocabulary comes from the training rows only.
    const auto loaded = loadCsvDataset(many, "", "label", PreprocessOptions{});
    QCOMPARE(loaded.train.numClasses(), 4);
    const auto idx = splitIndices(loaded.train, {0.25, 0.0}, 7, true);
    const Table all = readCsv(many);
    const Table train = selectRows(all, idx.train);
    const Table validation = selectRows(all, idx.validation);
    const Preprocessor p = Preprocessor::fit(train, "label", PreprocessOptions{});
    TransformStats stats;
    const Dataset v = p.transform(validation, &stats);
    v.validate();
    QCOMPARE(v.sampleShape, (std::vector<int64_t>{64}));
    QVERIFY(v.vocabulary.size() > 2000);
    QVERIFY(stats.unknownTokens > 0);                   // words only in validation quotes
    QVERIFY(stats.unknownTokens < stats.tokens / 5);    // but most words were seen in training
    QVERIFY(stats.truncated > 0);                       // some quotes are longer than 64 words
}

void TestTextData::wordVectors()
{
    QTemporaryDir dir;
    const auto write = [&](const std::string& name, const std::string& text) {
        const std::string path = dir.filePath(QString::fromStdString(name)).toStdString();
        std::ofstream(path, std::ios::binary) << text;
        return path;
    };
    // GloVe: no header.
    const WordVectors glove = readWordVectors(write("g.txt", "the 0.1 0.2 0.3\ncat -1 0 1.5\nñandú 2 2 2\r\n\nthe 9 9 9\n"));
    QCOMPARE(glove.dim, int64_t(3));
    QCOMPARE(glove.size(), int64_t(3));
    QCOMPARE(glove.find("cat")[2], 1.5f);
    QCOMPARE(glove.find("the")[0], 0.1f); // the first occurrence wins
    QVERIFY(glove.find("dog") == nullptr);
    // word2vec: a "N D" header.
    const WordVectors w2v = readWordVectors(write("w.txt", "2 2\nRed 1 2\nblue 3 4\n"));
    QCOMPARE(w2v.dim, int64_t(2));
    QCOMPARE(w2v.size(), int64_t(2));

    // Messages name file:line and the rule.
    const std::string ragged = write("r.txt", "a 1 2 3\nb 1 2\n");
    EXPECT_CONTAINS(errorOf<tw::ParseError>([&] { readWordVectors(ragged); }),
                    ragged + ":2: word 'b' has 2 values; expected 3 (the first vector's, line 1)");
    const std::string header = write("h.txt", "2 3\na 1 2\n");
    EXPECT_CONTAINS(errorOf<tw::ParseError>([&] { readWordVectors(header); }),
                    header + ":2: word 'a' has 2 values; expected 3 (the header's dimension)");
    const std::string count = write("c.txt", "3 2\na 1 2\n");
    EXPECT_CONTAINS(errorOf<tw::ParseError>([&] { readWordVectors(count); }), count + ": header says 3 vectors; the file has 1");
    const std::string bad = write("b.txt", "a 1 x\n");
    EXPECT_CONTAINS(errorOf<tw::ParseError>([&] { readWordVectors(bad); }), bad + ":1: word 'a': value 2 'x' is not a finite number");
    EXPECT_CONTAINS(errorOf<tw::ParseError>([&] { readWordVectors(write("e.txt", "\n")); }), "no word vectors");
    EXPECT_CONTAINS(errorOf<tw::IoError>([&] { readWordVectors(dir.filePath("none.txt").toStdString()); }),
                    "none.txt: cannot open word vectors");

    // The matrix of a vocabulary: padding zeros, known words their vectors
    // (lower-cased when needed), others small noise.
    EmbeddingMatch match;
    const std::vector<std::string> vocab{"<pad>", "<unk>", "red", "blue", "green"};
    const std::vector<float> m = embeddingMatrix(w2v, vocab, 3, &match);
    QCOMPARE(m.size(), size_t(10));
    QCOMPARE(m[0], 0.0f);
    QCOMPARE(m[1], 0.0f);
    QCOMPARE(m[4], 1.0f); // "red" matches the file's "Red"
    QCOMPARE(m[5], 2.0f);
    QCOMPARE(m[6], 3.0f);
    QCOMPARE(m[7], 4.0f);
    QVERIFY(m[8] != 0.0f && std::abs(m[8]) < 1.0f);
    QVERIFY(m[2] != 0.0f); // unknown: noise
    QCOMPARE(match.matched, int64_t(2));
    QCOMPARE(match.total, int64_t(3));
    QCOMPARE(embeddingMatrix(w2v, vocab, 3), m); // seeded
}

QTEST_GUILESS_MAIN(TestTextData)
#include "test_text_data.moc"
