// The search-space table's name column: a picker of the settings the model
// family can search (train::tunableSettings), which fills the row with the
// setting's type and usual range.
#include "setup/search_space_editor.h"
#include "setup/search_space_model.h"
#include "setup/space_presets.h"
#include "train/model_family.h"
#include "train/study_spec.h"

#include <QAbstractItemDelegate>
#include <QComboBox>
#include <QTableView>
#include <QtTest>

#include <memory>

using namespace tw;
using tw::ui::SearchSpaceModel;

namespace {

QStringList keys(const std::vector<train::SettingInfo>& settings)
{
    QStringList out;
    for (const auto& s : settings) out << QString::fromStdString(s.key);
    return out;
}

/// Picks `name` in row `row`'s name cell through the view's delegate, as a click would.
void pick(ui::SearchSpaceEditor& editor, int row, const QString& name)
{
    QTableView* view = editor.view();
    const QModelIndex index = editor.model()->index(row, SearchSpaceModel::NameColumn);
    QAbstractItemDelegate* delegate = view->itemDelegateForColumn(SearchSpaceModel::NameColumn);
    QWidget* w = delegate->createEditor(view->viewport(), QStyleOptionViewItem(), index);
    auto* combo = qobject_cast<QComboBox*>(w);
    QVERIFY(combo);
    delegate->setEditorData(combo, index);
    const int i = combo->findData(name);
    QVERIFY2(i >= 0, qPrintable(name));
    combo->setCurrentIndex(i);
    delegate->setModelData(combo, editor.model(), index);
    delete combo;
}

} // namespace

class TestSettingPicker : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void listsTheFamilysSettings();
    void pickingFillsTheRow();
    void aSettingNotOfTheListStaysShown();
    void modelFamilyPresetIsTheTalksSearch();
    void preprocessingSettingsFollowTheData();
    void textFamiliesHavePresetsOfTheirOwn();
};

void TestSettingPicker::listsTheFamilysSettings()
{
    const QStringList mlp = keys(train::tunableSettings("mlp", 2));
    QCOMPARE(mlp.first(), QStringLiteral("family"));
    for (const char* k : {"hidden_layers", "units", "learning_rate", "batch_size", "class_weight_0", "class_weight_1",
                          "numeric_impute", "standardize"})
        QVERIFY2(mlp.contains(QLatin1String(k)), k);
    QVERIFY(!mlp.contains(QStringLiteral("kernel_size"))); // a cnn setting
    QVERIFY(!mlp.contains(QStringLiteral("class_weight_K")));
    QVERIFY(!mlp.contains(QStringLiteral("seed")));        // not a search parameter
    const QStringList cnn = keys(train::tunableSettings("cnn", 10));
    QVERIFY(cnn.contains(QStringLiteral("dropout_2")));
    QVERIFY(cnn.contains(QStringLiteral("class_weight_9")));
    QVERIFY(!cnn.contains(QStringLiteral("hidden_layers")));
    // Every name offered is one the spec accepts.
    const auto all = train::StudySpec::settingKeys();
    for (const QString& k : cnn + mlp)
        QVERIFY2(k.startsWith(QLatin1String("class_weight_")) ||
                     std::find(all.begin(), all.end(), k.toStdString()) != all.end(),
                 qPrintable(k));
}

void TestSettingPicker::pickingFillsTheRow()
{
    ui::SearchSpaceEditor editor;
    editor.setFamily(QStringLiteral("cnn"), false);
    SearchSpaceModel* m = editor.model();
    const int r = m->addParameter();
    pick(editor, r, QStringLiteral("kernel_size"));
    QCOMPARE(m->row(r).name, QStringLiteral("kernel_size"));
    QCOMPARE(m->row(r).type, QStringLiteral("int"));
    QCOMPARE(m->row(r).low, QStringLiteral("3"));
    QCOMPARE(m->row(r).high, QStringLiteral("7"));
    pick(editor, r, QStringLiteral("learning_rate"));
    QCOMPARE(m->row(r).type, QStringLiteral("float"));
    QVERIFY(m->row(r).log);
    pick(editor, r, QStringLiteral("batch_norm"));
    QCOMPARE(m->row(r).type, QStringLiteral("categorical"));
    QCOMPARE(m->row(r).choices, QStringLiteral("true, false"));
    pick(editor, r, QStringLiteral("family"));
    QVERIFY(m->row(r).choices.startsWith(QStringLiteral("mlp, cnn")));
    QVERIFY2(!m->hasCellErrors(), qPrintable(m->firstCellError()));
    m->space(); // a valid space
}

void TestSettingPicker::aSettingNotOfTheListStaysShown()
{
    ui::SearchSpaceEditor editor;
    SearchSpaceModel* m = editor.model();
    SearchSpaceModel::Row row;
    row.name = QStringLiteral("lr_typo");
    row.low = QStringLiteral("0.001");
    row.high = QStringLiteral("0.1");
    const int r = m->appendRow(row);
    QVERIFY(!m->cellError(r, SearchSpaceModel::NameColumn).isEmpty());
    QTableView* view = editor.view();
    const QModelIndex index = m->index(r, SearchSpaceModel::NameColumn);
    QAbstractItemDelegate* delegate = view->itemDelegateForColumn(SearchSpaceModel::NameColumn);
    auto* combo = qobject_cast<QComboBox*>(delegate->createEditor(view->viewport(), QStyleOptionViewItem(), index));
    delegate->setEditorData(combo, index);
    QCOMPARE(combo->currentText(), QStringLiteral("lr_typo"));
    delegate->setModelData(combo, m, index); // unchanged: the row keeps its range
    QCOMPARE(m->row(r).low, QStringLiteral("0.001"));
    delete combo;
}

void TestSettingPicker::modelFamilyPresetIsTheTalksSearch()
{
    // The Hydra + Optuna talk's search in one click, from a tabular family's presets.
    for (const char* family : {"mlp", "logistic_regression", "random_forest"}) {
        ui::SearchSpaceEditor editor;
        editor.setFamily(QString::fromLatin1(family), false);
        QCOMPARE(editor.applyPreset(QStringLiteral("space:model_family")), 8);
        const space::SearchSpace space = editor.model()->space();
        QVERIFY(space.conditional());
        QCOMPARE(space.indexOf("family") >= 0, true);
        const int c = space.indexOf("C"), trees = space.indexOf("n_estimators");
        QCOMPARE(space::conditionsOf(space[size_t(c)]).front().parent, std::string("family"));
        QCOMPARE(space::conditionsOf(space[size_t(trees)]).front().parent, std::string("family"));
        QVERIFY2(!editor.model()->hasCellErrors(), qPrintable(editor.model()->firstCellError()));
        // Every parameter names a setting of a family the study can run.
        nlohmann::json spec = nlohmann::json::parse(R"({"dataset": {"builtin": "moons"}, "model": {"family": "mlp"}})");
        spec["search_space"] = editor.model()->toJson();
        const auto loaded = train::StudySpec::fromJson(spec);
        QVERIFY(loaded.warnings().empty());
    }
    // A classic family's presets are its own settings.
    QStringList ids;
    for (const auto& p : ui::spacePresets(QStringLiteral("random_forest"))) ids << p.id;
    QVERIFY2(ids.contains(QStringLiteral("max_depth")), qPrintable(ids.join(QStringLiteral(", "))));
    QVERIFY(!ids.contains(QStringLiteral("optimizer")));
}

void TestSettingPicker::preprocessingSettingsFollowTheData()
{
    ui::SearchSpaceEditor editor;
    using Kind = ui::SearchSpaceEditor::DataKind;
    QCOMPARE(editor.dataKind(), Kind::Table);
    QStringList table = keys(editor.settingsToPick());
    for (const char* k : {"numeric_impute", "categorical_impute", "standardize"}) QVERIFY2(table.contains(QLatin1String(k)), k);
    for (const QString& k : table) QVERIFY2(!k.startsWith(QLatin1String("text_")), qPrintable(k));
    // Text data: the tokenizer's settings, not the table's.
    editor.setDataKind(Kind::Text);
    editor.setFamily(QStringLiteral("text_cnn"), false);
    const QStringList text = keys(editor.settingsToPick());
    for (const char* k : {"text_ngrams", "text_max_length", "text_max_vocab", "text_min_count", "text_lowercase",
                          "text_punctuation", "filters", "learning_rate"})
        QVERIFY2(text.contains(QLatin1String(k)), k);
    for (const char* k : {"numeric_impute", "categorical_impute", "standardize"}) QVERIFY2(!text.contains(QLatin1String(k)), k);
    // A built-in set is not preprocessed.
    editor.setDataKind(Kind::BuiltIn);
    editor.setFamily(QStringLiteral("mlp"), false);
    const QStringList builtin = keys(editor.settingsToPick());
    for (const auto& p : train::preprocessingSettings())
        QVERIFY2(!builtin.contains(QString::fromStdString(p.key)), p.key.c_str());
    QVERIFY(builtin.contains(QStringLiteral("units")));
    // The Setting column offers the same list.
    SearchSpaceModel::Row row;
    row.name = QStringLiteral("ngram_length");
    row.type = QStringLiteral("int");
    row.low = QStringLiteral("0");
    row.high = QStringLiteral("3");
    const int r = editor.model()->appendRow(row);
    editor.setDataKind(Kind::Text);
    QTableView* view = editor.view();
    const QModelIndex index = editor.model()->index(r, SearchSpaceModel::SettingColumn);
    QAbstractItemDelegate* delegate = view->itemDelegateForColumn(SearchSpaceModel::SettingColumn);
    std::unique_ptr<QComboBox> combo(qobject_cast<QComboBox*>(delegate->createEditor(view->viewport(), {}, index)));
    QVERIFY(combo && combo->findData(QStringLiteral("text_ngrams")) >= 0);
    QVERIFY(combo->findData(QStringLiteral("standardize")) < 0);
}

void TestSettingPicker::textFamiliesHavePresetsOfTheirOwn()
{
    for (const char* family : {"text_bag", "text_cnn", "text_transformer"}) {
        QStringList ids;
        for (const auto& p : ui::spacePresets(QString::fromLatin1(family))) ids << p.id;
        const QString all = ids.join(QStringLiteral(", "));
        QCOMPARE(ids.front(), QStringLiteral("space:") + QString::fromLatin1(family));
        // Its own settings (free text and derived ones aside), the training's, the tokenizer's.
        const train::ModelFamily& f = train::modelFamily(family);
        for (const auto& s : f.settings())
            if (s.type != train::SettingType::Text && !s.defaultValue.is_null())
                QVERIFY2(ids.contains(QString::fromStdString(s.key)), qPrintable(QString::fromStdString(s.key) + ": " + all));
        for (const char* k : {"learning_rate", "optimizer", "weight_decay", "warmup_ratio", "class_weight_1", "text_ngrams",
                              "text_max_length", "text_max_vocab", "text_lowercase"})
            QVERIFY2(ids.contains(QLatin1String(k)), qPrintable(QLatin1String(k) + QStringLiteral(": ") + all));
        // Not the MLP's, nor a table's.
        for (const char* k : {"space:mlp", "activation", "numeric_impute", "categorical_impute", "standardize",
                              "space:model_family", "embeddings_file", "kernel_sizes"})
            QVERIFY2(!ids.contains(QLatin1String(k)), qPrintable(QLatin1String(k) + QStringLiteral(": ") + all));

        // Every preset at once: a valid space, valid in a spec of the family, every parameter used.
        ui::SearchSpaceEditor editor;
        editor.setFamily(QString::fromLatin1(family), false);
        editor.setDataKind(ui::SearchSpaceEditor::DataKind::Text);
        for (const QString& id : ids) QVERIFY2(editor.applyPreset(id) > 0 || id.startsWith(QLatin1String("space:")) ||
                                                   editor.model()->indexOf(id) >= 0,
                                               qPrintable(id));
        QVERIFY2(!editor.model()->hasCellErrors(), qPrintable(editor.model()->firstCellError()));
        nlohmann::json spec = {{"dataset", {{"builtin", "moons"}}}, {"model", {{"family", family}}}};
        spec["search_space"] = editor.model()->specJson();
        spec["budget"] = {{"trials", 100}}; // more than the initial quasi-random design of all of them
        const auto loaded = train::StudySpec::fromJson(spec);
        const auto warnings = loaded.warnings();
        QVERIFY2(warnings.empty(), warnings.empty() ? "" : warnings.front().message.c_str());
    }
    // The typical spaces.
    auto typical = [](const char* family) {
        QStringList names;
        for (const auto& p : ui::spacePreset(QString::fromLatin1(family), QStringLiteral("space:") + family).params)
            names << QString::fromStdString(space::nameOf(p));
        return names.join(QStringLiteral(", "));
    };
    QCOMPARE(typical("text_bag"), QStringLiteral("learning_rate, embedding_dim, hidden_layers, units, dropout"));
    QCOMPARE(typical("text_cnn"), QStringLiteral("learning_rate, embedding_dim, filters, dropout"));
    QCOMPARE(typical("text_transformer"), QStringLiteral("learning_rate, model_dim, heads, layers, dropout"));
    // A transformer's heads always divide its width.
    const auto heads = ui::spacePreset(QStringLiteral("text_transformer"), QStringLiteral("heads")).params.front();
    QCOMPARE(space::typeName(heads), std::string("categorical"));
}

QTEST_MAIN(TestSettingPicker)
#include "test_setting_picker.moc"
