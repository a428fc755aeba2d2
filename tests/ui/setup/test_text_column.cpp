// The Data page with a text column: the preview names the type "text" and
// shows each document on one line (whole in the tooltip), "text" is one of
// the column types the form accepts, and the spec's text settings survive a
// round trip through the page. Screenshot: build/screenshots/text_column_preview.png.
#include "setup/data_preview_model.h"
#include "setup/dataset_page.h"
#include "setup/search_space_editor.h"
#include "setup/setup_panel.h"

#include <QDir>
#include <QLineEdit>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace tw;

namespace {

QString writeCsv(const QTemporaryDir& dir)
{
    const QString path = dir.filePath(QStringLiteral("tweets.csv"));
    std::ofstream out(path.toStdString());
    out << "text,label\n";
    const char* words[] = {"the", "weather", "is", "lovely", "today", "and", "the", "train", "was", "late", "again"};
    for (int i = 0; i < 30; ++i) {
        std::string s = "post " + std::to_string(i) + ":";
        for (int k = 0; k < 8 + i % 5; ++k) s += std::string(" ") + words[(i + k) % 11];
        if (i == 0) s += "\nsecond line";
        out << '"' << s << "\"," << (i % 3 == 0 ? "1" : "0") << "\n";
    }
    return path;
}

} // namespace

class TestTextColumn : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void previewShowsTextColumns();
    void textIsAnAcceptedType();
    void textSettingsSurvive();
};

void TestTextColumn::previewShowsTextColumns()
{
    QTemporaryDir dir;
    ui::SetupPanel panel;
    panel.resize(1100, 800);
    ui::DatasetPage& page = *panel.datasetPage();
    page.openCsv(writeCsv(dir));
    auto* preview = page.previewModel();
    QVERIFY2(page.dataError().isEmpty(), qPrintable(page.dataError()));
    QCOMPARE(preview->headerData(0, Qt::Horizontal).toString(), QStringLiteral("text\ntext"));
    // The search-space picker offers the tokenizer's settings for text data only.
    auto picks = [&] {
        QStringList out;
        for (const auto& s : panel.searchSpaceEditor()->settingsToPick()) out << QString::fromStdString(s.key);
        return out;
    };
    QVERIFY(picks().contains(QStringLiteral("text_max_length")));
    QVERIFY(!picks().contains(QStringLiteral("numeric_impute")));
    QVERIFY(preview->headerData(0, Qt::Horizontal, Qt::ToolTipRole).toString().contains("free text"));
    const QString shown = preview->data(preview->index(0, 0)).toString();
    QVERIFY2(!shown.contains(QLatin1Char('\n')) && shown.endsWith(QStringLiteral("second line")), qPrintable(shown));
    QVERIFY(preview->data(preview->index(0, 0), Qt::ToolTipRole).toString().contains(QStringLiteral("\nsecond line")));
    QVERIFY2(page.dataError().isEmpty(), qPrintable(page.dataError()));

    // Forced back to categorical, and then to text again.
    auto* types = page.findChild<QLineEdit*>("columnTypesEdit");
    types->setText(QStringLiteral("text=categorical"));
    Q_EMIT types->editingFinished();
    QCOMPARE(preview->headerData(0, Qt::Horizontal).toString(), QStringLiteral("text\ncategorical"));
    QVERIFY(!picks().contains(QStringLiteral("text_max_length")));
    QVERIFY(picks().contains(QStringLiteral("numeric_impute")));
    types->setText(QStringLiteral("text=text"));
    Q_EMIT types->editingFinished();
    QCOMPARE(preview->headerData(0, Qt::Horizontal).toString(), QStringLiteral("text\ntext"));

    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QVERIFY(QDir().mkpath(TW_BUILD_DIR "/screenshots"));
    QVERIFY(page.grab().save(QStringLiteral(TW_BUILD_DIR "/screenshots/text_column_preview.png")));
}

void TestTextColumn::textIsAnAcceptedType()
{
    ui::DatasetPage page;
    auto* types = page.findChild<QLineEdit*>("columnTypesEdit");
    QVERIFY(types->placeholderText().contains(QStringLiteral("=text")));
    types->setText(QStringLiteral("tweet=text, Age=numeric"));
    QVERIFY2(!page.formError().contains(QStringLiteral("column types")), qPrintable(page.formError()));
    nlohmann::json j = nlohmann::json::object();
    page.writeJson(j);
    QCOMPARE(j["preprocessing"]["column_types"]["tweet"].get<std::string>(), std::string("text"));
    types->setText(QStringLiteral("tweet=words"));
    QCOMPARE(page.formError(),
             QStringLiteral("Data, column types: 'tweet=words' must read COLUMN=numeric, COLUMN=categorical or COLUMN=text"));
}

void TestTextColumn::textSettingsSurvive()
{
    QTemporaryDir dir;
    nlohmann::json j = {{"dataset", {{"csv", writeCsv(dir).toStdString()}, {"target", "label"}}},
                        {"preprocessing", {{"text_max_length", 32}, {"text_ngrams", 3}, {"column_types", {{"text", "text"}}}}},
                        {"search_space", {{"parameters", {{{"name", "dropout"}, {"type", "float"}, {"low", 0}, {"high", 0.5}}}}}}};
    const auto spec = train::StudySpec::fromJson(j);
    ui::SetupPanel panel;
    panel.setSpec(spec);
    const train::StudySpec back = panel.spec();
    QCOMPARE(back.preprocessing.text.maxLength, int64_t(32));
    QCOMPARE(back.preprocessing.text.ngrams, 3);
    QCOMPARE(back.preprocessing.columnTypes.at("text"), std::string("text"));
}

QTEST_MAIN(TestTextColumn)
#include "test_text_column.moc"
