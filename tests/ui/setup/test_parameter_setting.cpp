// The search-space table's Setting column: the setting a parameter whose
// name is not a setting sets. A space written for Ax (lr, warm_up_ratio,
// opt_weights_cls1) shows the settings the known aliases stand for; any
// setting of the name picker's list can be picked instead, and the spec
// records the choice as the parameter's "setting". Screenshots:
// build/screenshots/setup_space_settings.png, setup_space_setting_missing.png.
#include "setup/search_space_editor.h"
#include "setup/search_space_model.h"
#include "setup/setup_panel.h"

#include <QAbstractItemDelegate>
#include <QComboBox>
#include <QDir>
#include <QLineEdit>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <memory>

#include "core/ax_notebook.h"

using namespace tw;
using nlohmann::json;
using ui::SearchSpaceModel;

namespace {

train::StudySpec notebookSpec()
{
    return train::StudySpec::fromJson({{"name", "ax"},
                                       {"dataset", {{"builtin", "moons"}}},
                                       {"model", {{"family", "mlp"}}},
                                       {"search_space", axNotebookParameters()}});
}

QString shown(const SearchSpaceModel* m, const char* parameter)
{
    return m->data(m->index(m->indexOf(QString::fromLatin1(parameter)), SearchSpaceModel::SettingColumn)).toString();
}

/// The Setting cell's picker of row `row` (what a double-click opens).
std::unique_ptr<QComboBox> settingPicker(ui::SearchSpaceEditor& editor, int row)
{
    QTableView* view = editor.view();
    const QModelIndex index = editor.model()->index(row, SearchSpaceModel::SettingColumn);
    QAbstractItemDelegate* delegate = view->itemDelegateForColumn(SearchSpaceModel::SettingColumn);
    std::unique_ptr<QComboBox> combo(
        qobject_cast<QComboBox*>(delegate->createEditor(view->viewport(), QStyleOptionViewItem(), index)));
    if (combo) delegate->setEditorData(combo.get(), index);
    return combo;
}

/// Picks `setting` in row `row`'s Setting cell, as a click would; false when it is not offered.
bool pickSetting(ui::SearchSpaceEditor& editor, int row, const QString& setting)
{
    auto combo = settingPicker(editor, row);
    if (!combo) return false;
    const int i = combo->findData(setting);
    if (i < 0) return false;
    combo->setCurrentIndex(i);
    editor.view()->itemDelegateForColumn(SearchSpaceModel::SettingColumn)
        ->setModelData(combo.get(), editor.model(), editor.model()->index(row, SearchSpaceModel::SettingColumn));
    return true;
}

QStringList items(const QComboBox& c)
{
    QStringList out;
    for (int i = 0; i < c.count(); ++i) out << c.itemData(i).toString();
    return out;
}

} // namespace

class TestParameterSetting : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void axNamesShowTheirSettings();
    void pickingASettingReachesTheSpec();
    void aNameOfItsOwnNeedsASetting();
    void loadedSpaceFileUsesTheAliases();
};

void TestParameterSetting::axNamesShowTheirSettings()
{
    ui::SetupPanel panel;
    const train::StudySpec original = notebookSpec();
    panel.setSpec(original);
    SearchSpaceModel* m = panel.searchSpaceModel();
    QCOMPARE(SearchSpaceModel::columnName(SearchSpaceModel::SettingColumn), QStringLiteral("Setting"));
    QCOMPARE(shown(m, "lr"), QStringLiteral("learning_rate"));
    QCOMPARE(shown(m, "warm_up_ratio"), QStringLiteral("warmup_ratio"));
    QCOMPARE(shown(m, "opt_weights_cls0"), QStringLiteral("class_weight_0"));
    QCOMPARE(shown(m, "opt_weights_cls1"), QStringLiteral("class_weight_1"));
    // A name that is a setting sets itself: nothing to pick.
    const QModelIndex decay = m->index(m->indexOf("weight_decay"), SearchSpaceModel::SettingColumn);
    QCOMPARE(m->data(decay).toString(), QStringLiteral("—"));
    QVERIFY(!(m->flags(decay) & Qt::ItemIsEditable));
    QVERIFY(m->data(decay, Qt::ToolTipRole).toString().contains(QStringLiteral("is a setting")));
    const QModelIndex lr = m->index(m->indexOf("lr"), SearchSpaceModel::SettingColumn);
    QVERIFY(m->flags(lr) & Qt::ItemIsEditable);
    QVERIFY2(m->data(lr, Qt::ToolTipRole).toString().contains(QStringLiteral("known name of learning_rate")),
             qPrintable(m->data(lr, Qt::ToolTipRole).toString()));

    // Valid as it is, and the same spec back.
    QVERIFY2(panel.isValid(), qPrintable(panel.invalidReason()));
    const train::StudySpec back = panel.spec();
    QCOMPARE(back.parameterSettings, original.parameterSettings);
    QCOMPARE(back.toJson(), original.toJson());
    QCOMPARE(back.settingFor("lr"), std::string("learning_rate"));
    QVERIFY(back.warnings().empty());
    // The training form marks the settings the Ax names search.
    auto italic = [&](const char* name) {
        auto* w = panel.findChild<QWidget*>(name);
        return w && w->styleSheet().contains(QStringLiteral("italic"));
    };
    QVERIFY(italic("learningRateEdit"));
    QVERIFY(italic("warmupEdit"));
    QVERIFY(italic("classWeightsCombo"));

    // The picker lists what the name column's picker lists.
    auto lrPicker = settingPicker(*panel.searchSpaceEditor(), m->indexOf("lr"));
    QVERIFY(lrPicker);
    QCOMPARE(lrPicker->currentData().toString(), QStringLiteral("learning_rate"));
    QStringList names;
    for (const auto& s : panel.searchSpaceEditor()->settingsToPick()) names << QString::fromStdString(s.key);
    QCOMPARE(items(*lrPicker), names);
    lrPicker.reset();

    panel.resize(1280, 520);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    panel.showSection(ui::SetupPanel::SearchSpaceSection);
    QApplication::processEvents();
    QVERIFY(QDir().mkpath(TW_BUILD_DIR "/screenshots"));
    QVERIFY(panel.grab().save(TW_BUILD_DIR "/screenshots/setup_space_settings.png"));
}

void TestParameterSetting::pickingASettingReachesTheSpec()
{
    ui::SetupPanel panel;
    panel.setSpec(notebookSpec());
    ui::SearchSpaceEditor& editor = *panel.searchSpaceEditor();
    SearchSpaceModel* m = panel.searchSpaceModel();
    const int lr = m->indexOf("lr"), warmup = m->indexOf("warm_up_ratio");

    // warm_up_ratio now sets the dropout: the spec says so, the forms follow.
    QVERIFY(pickSetting(editor, warmup, QStringLiteral("dropout")));
    QCOMPARE(shown(m, "warm_up_ratio"), QStringLiteral("dropout"));
    QVERIFY2(panel.isValid(), qPrintable(panel.invalidReason()));
    train::StudySpec spec = panel.spec();
    QCOMPARE(spec.parameterSettings.at("warm_up_ratio"), std::string("dropout"));
    QCOMPARE(spec.settingFor("warm_up_ratio"), std::string("dropout"));
    QCOMPARE(spec.parameterSettings.at("lr"), std::string("learning_rate"));
    QVERIFY(!panel.findChild<QWidget*>("warmupEdit")->styleSheet().contains(QStringLiteral("italic")));

    // Two parameters may not set one setting: the cell says which.
    QVERIFY(pickSetting(editor, lr, QStringLiteral("weight_decay")));
    QVERIFY(!panel.isValid());
    const QString reason = panel.invalidReason();
    QVERIFY2(reason.contains(QStringLiteral("both set weight_decay")), qPrintable(reason));
    QVERIFY(!m->cellError(m->indexOf("weight_decay"), SearchSpaceModel::NameColumn).isEmpty());
    QVERIFY(pickSetting(editor, lr, QStringLiteral("learning_rate")));
    QVERIFY2(panel.isValid(), qPrintable(panel.invalidReason()));

    // Saved and read back: the spec file carries each parameter's setting.
    QTemporaryDir dir;
    const QString path = dir.filePath("ax.json");
    QString error;
    QVERIFY2(panel.saveSpecFile(path, &error), qPrintable(error));
    std::ifstream in(path.toStdString());
    const json saved = json::parse(in);
    for (const auto& p : saved["search_space"]["parameters"])
        if (p["name"] == "warm_up_ratio") QCOMPARE(p["setting"].get<std::string>(), std::string("dropout"));
    ui::SetupPanel other;
    QVERIFY2(other.loadSpecFile(path, &error), qPrintable(error));
    QCOMPARE(shown(other.searchSpaceModel(), "warm_up_ratio"), QStringLiteral("dropout"));
    QCOMPARE(other.spec().parameterSettings, panel.spec().parameterSettings);

    // Picking a setting as the parameter's name makes it that setting again.
    const int w = m->indexOf("warm_up_ratio");
    QTableView* view = editor.view();
    const QModelIndex name = m->index(w, SearchSpaceModel::NameColumn);
    QAbstractItemDelegate* delegate = view->itemDelegateForColumn(SearchSpaceModel::NameColumn);
    std::unique_ptr<QComboBox> combo(qobject_cast<QComboBox*>(delegate->createEditor(view->viewport(), {}, name)));
    delegate->setEditorData(combo.get(), name);
    combo->setCurrentIndex(combo->findData(QStringLiteral("warmup_ratio")));
    delegate->setModelData(combo.get(), m, name);
    QCOMPARE(m->row(w).name, QStringLiteral("warmup_ratio"));
    QCOMPARE(m->data(m->index(w, SearchSpaceModel::SettingColumn)).toString(), QStringLiteral("—"));
    QVERIFY(!panel.spec().parameterSettings.count("warmup_ratio"));
}

void TestParameterSetting::aNameOfItsOwnNeedsASetting()
{
    ui::SearchSpaceEditor editor;
    SearchSpaceModel* m = editor.model();
    SearchSpaceModel::Row row;
    row.name = QStringLiteral("depth");
    row.type = QStringLiteral("int");
    row.low = QStringLiteral("1");
    row.high = QStringLiteral("4");
    const int r = m->appendRow(row);
    // Neither a setting nor a known alias: both cells say what to do.
    QVERIFY2(m->cellError(r, SearchSpaceModel::NameColumn).contains(QStringLiteral("is not a setting: pick the setting it sets")),
             qPrintable(m->cellError(r, SearchSpaceModel::NameColumn)));
    QCOMPARE(m->cellError(r, SearchSpaceModel::SettingColumn), QStringLiteral("pick the setting that 'depth' sets"));
    QCOMPARE(m->data(m->index(r, SearchSpaceModel::SettingColumn)).toString(), QStringLiteral("(pick one)"));
    QCOMPARE(m->data(m->index(r, SearchSpaceModel::SettingColumn), Qt::EditRole).toString(), QString());
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, m->space());
    editor.resize(1100, 220);
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
    QVERIFY(QDir().mkpath(TW_BUILD_DIR "/screenshots"));
    QVERIFY(editor.grab().save(TW_BUILD_DIR "/screenshots/setup_space_setting_missing.png"));
    // The picker opens on the first setting, without writing one.
    auto picker = settingPicker(editor, r);
    QVERIFY(picker && picker->count() > 0);
    QVERIFY(m->row(r).setting.isEmpty());
    QVERIFY(pickSetting(editor, r, QStringLiteral("hidden_layers")));
    QVERIFY2(!m->hasCellErrors(), qPrintable(m->firstCellError()));
    QCOMPARE(m->specJson()["parameters"][0]["setting"].get<std::string>(), std::string("hidden_layers"));
    QVERIFY(!m->toJson()["parameters"][0].contains("setting")); // a space file has none
    // A range the setting does not take is marked on its bound.
    QVERIFY(m->setData(m->index(r, SearchSpaceModel::HighColumn), 20));
    QVERIFY2(m->cellError(r, SearchSpaceModel::HighColumn).contains(QStringLiteral("hidden_layers")),
             qPrintable(m->cellError(r, SearchSpaceModel::HighColumn)));
    // A setting typed that is not one.
    QVERIFY(m->setData(m->index(r, SearchSpaceModel::HighColumn), 4));
    QVERIFY(m->setData(m->index(r, SearchSpaceModel::SettingColumn), QStringLiteral("depthh")));
    QVERIFY2(m->cellError(r, SearchSpaceModel::SettingColumn).startsWith(QStringLiteral("'depthh' is not a setting")),
             qPrintable(m->cellError(r, SearchSpaceModel::SettingColumn)));
    QVERIFY(m->firstCellError().contains(QStringLiteral("row 1 'depth', setting")));
}

void TestParameterSetting::loadedSpaceFileUsesTheAliases()
{
    // "Load…" of the notebook's Ax list into a setup: the aliases apply,
    // and a changed setting reaches the spec.
    QTemporaryDir dir;
    const QString path = dir.filePath("ax_space.json");
    std::ofstream(path.toStdString()) << axNotebookParameters().dump(2);
    ui::SetupPanel panel;
    QString error;
    QVERIFY2(panel.searchSpaceEditor()->loadSpace(path, &error), qPrintable(error));
    SearchSpaceModel* m = panel.searchSpaceModel();
    QCOMPARE(m->rowCount(), 6);
    QCOMPARE(shown(m, "lr"), QStringLiteral("learning_rate"));
    QVERIFY(m->row(m->indexOf("lr")).setting.isEmpty()); // the alias's, not one written down
    QVERIFY2(panel.isValid(), qPrintable(panel.invalidReason()));
    QCOMPARE(panel.spec().parameterSettings.at("lr"), std::string("learning_rate"));
    QCOMPARE(panel.spec().parameterSettings.at("opt_weights_cls1"), std::string("class_weight_1"));
    QVERIFY(pickSetting(*panel.searchSpaceEditor(), m->indexOf("lr"), QStringLiteral("momentum")));
    QCOMPARE(shown(m, "lr"), QStringLiteral("momentum"));
    QVERIFY2(panel.isValid(), qPrintable(panel.invalidReason()));
    QCOMPARE(panel.spec().parameterSettings.at("lr"), std::string("momentum"));
}

QTEST_MAIN(TestParameterSetting)
#include "test_parameter_setting.moc"
