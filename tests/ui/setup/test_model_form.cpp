// The model box built from the family registry: a field per setting of
// every family, round trips, derived ("auto") settings, rule messages, and
// a screenshot of each family's page.
#include "setup/model_form.h"
#include "setup/number_edit.h"
#include "train/model_family.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QLineEdit>
#include <QSignalSpy>
#include <QSpinBox>
#include <QtTest>

using namespace tw;
using nlohmann::json;

class TestModelForm : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void everySettingOfEveryFamilyHasAField();
    void roundTripsAConfig();
    void derivedSettingsStayAutoUntilSet();
    void invalidValuesNameTheRule();
    void otherFamiliesKeepTheirChangedSettings();
    void searchedMarksAreCleared();
    void cnnShowsTheBlocksItHas();
    void screenshots();
};

void TestModelForm::everySettingOfEveryFamilyHasAField()
{
    ui::ModelForm form;
    auto* family = form.findChild<QComboBox*>("modelFamily");
    QVERIFY(family);
    QCOMPARE(family->count(), int(train::modelFamilies().size()));
    for (const train::ModelFamily* f : train::modelFamilies()) {
        QVERIFY(family->findText(QString::fromStdString(f->name())) >= 0);
        for (const auto& s : f->settings())
            QVERIFY2(form.field(QString::fromStdString(f->name()), QString::fromStdString(s.key)), s.key.c_str());
    }
    QCOMPARE(ui::settingLabel("hidden_layers"), QStringLiteral("Hidden layers"));
}

void TestModelForm::roundTripsAConfig()
{
    ui::ModelForm form;
    QSignalSpy familySpy(&form, &ui::ModelForm::familyChanged);
    train::ModelConfig m;
    m.family = "cnn";
    m.set("conv_blocks", 3);
    m.set("dropout_2", 0.3);
    m.set("batch_norm", true);
    form.setConfig(m);
    QCOMPARE(form.family(), QStringLiteral("cnn"));
    QCOMPARE(familySpy.count(), 0); // loading a config is not the user's choice
    const json j = form.toJson();
    QCOMPARE(j["family"].get<std::string>(), std::string("cnn"));
    QCOMPARE(j["conv_blocks"], json(3));
    QCOMPARE(j["dropout_2"], json(0.3));
    QCOMPARE(j["batch_norm"], json(true));
    QVERIFY(!j.contains("dropout_1")); // auto
    const train::ModelConfig back = train::ModelConfig::fromJson(j);
    QCOMPARE(back.toJson(), m.toJson());
    form.setFamily(QStringLiteral("mlp"));
    QCOMPARE(familySpy.count(), 1);
    QCOMPARE(form.toJson()["family"].get<std::string>(), std::string("mlp"));
}

void TestModelForm::derivedSettingsStayAutoUntilSet()
{
    ui::ModelForm form;
    form.setFamily(QStringLiteral("cnn"));
    auto* filters2 = qobject_cast<QSpinBox*>(form.field("cnn", "filters_2"));
    QVERIFY(filters2);
    QCOMPARE(filters2->value(), filters2->minimum());
    QCOMPARE(filters2->text(), QStringLiteral("auto"));
    QVERIFY(!form.toJson().contains("filters_2"));
    filters2->setValue(48);
    QCOMPARE(form.toJson()["filters_2"], json(48));
    auto* dropout1 = qobject_cast<ui::NumberEdit*>(form.field("cnn", "dropout_1"));
    QVERIFY(dropout1);
    QVERIFY(dropout1->isValid()); // empty is valid: auto
    dropout1->setText(QStringLiteral("0.25"));
    QCOMPARE(form.toJson()["dropout_1"], json(0.25));
    dropout1->setText(QString());
    QVERIFY(!form.toJson().contains("dropout_1"));
}

void TestModelForm::invalidValuesNameTheRule()
{
    ui::ModelForm form;
    QVERIFY(form.formError().isEmpty());
    auto* dropout = qobject_cast<ui::NumberEdit*>(form.field("mlp", "dropout"));
    dropout->setText(QStringLiteral("1.5"));
    QVERIFY2(form.formError().contains(QStringLiteral("'dropout' must be in [0, 1)")), qPrintable(form.formError()));
    dropout->setText(QStringLiteral("abc"));
    QVERIFY2(form.formError().contains(QStringLiteral("not a number")), qPrintable(form.formError()));
    dropout->setText(QStringLiteral("0.1"));
    QVERIFY(form.formError().isEmpty());
}

void TestModelForm::otherFamiliesKeepTheirChangedSettings()
{
    ui::ModelForm form;
    qobject_cast<QSpinBox*>(form.field("cnn", "kernel_size"))->setValue(5);
    const json j = form.toJson(); // family mlp
    QCOMPARE(j["family"].get<std::string>(), std::string("mlp"));
    QCOMPARE(j["kernel_size"], json(5));       // changed from the default: kept for a searched family
    QVERIFY(!j.contains("dense_units"));        // a default: not written
    train::ModelConfig::fromJson(j).validate(); // and the spec stays valid
}

void TestModelForm::searchedMarksAreCleared()
{
    // Marked and unmarked while its page is hidden, then shown: no italics
    // stay behind in a spin box's line edit.
    ui::ModelForm form;
    form.setFamily(QStringLiteral("text_bag"));
    form.show();
    QVERIFY(QTest::qWaitForWindowExposed(&form));
    form.setSearched({QStringLiteral("units"), QStringLiteral("hidden_layers")});
    QApplication::processEvents();
    auto* units = qobject_cast<QSpinBox*>(form.field("text_bag", "units"));
    QVERIFY(units->findChild<QLineEdit*>()->font().italic());
    QVERIFY(units->toolTip().contains(QStringLiteral("Searched")));
    form.setSearched({});
    form.setFamily(QStringLiteral("mlp"));
    QApplication::processEvents();
    for (const char* family : {"mlp", "text_bag"}) {
        auto* spin = qobject_cast<QSpinBox*>(form.field(family, "units"));
        QVERIFY2(!spin->findChild<QLineEdit*>()->font().italic(), family);
        QVERIFY(!spin->toolTip().contains(QStringLiteral("Searched")));
    }
    // An empty text setting says what empty means.
    auto* file = qobject_cast<QLineEdit*>(form.field("text_bag", "embeddings_file"));
    QCOMPARE(file->placeholderText(), QStringLiteral("none"));
}

void TestModelForm::cnnShowsTheBlocksItHas()
{
    ui::ModelForm form;
    form.setFamily(QStringLiteral("cnn"));
    form.show();
    QVERIFY(QTest::qWaitForWindowExposed(&form));
    auto shown = [&] {
        QStringList out;
        for (int k = 1; k <= 6; ++k)
            if (form.field("cnn", QStringLiteral("filters_%1").arg(k))->isVisibleTo(&form)) out << QString::number(k);
        return out.join(QLatin1Char(','));
    };
    auto* blocks = qobject_cast<QSpinBox*>(form.field("cnn", "conv_blocks"));
    QCOMPARE(blocks->value(), 2);
    QCOMPARE(shown(), QStringLiteral("1,2"));
    blocks->setValue(4);
    QCOMPARE(shown(), QStringLiteral("1,2,3,4"));
    // A filters value of a block that is gone is kept for when it returns.
    qobject_cast<QSpinBox*>(form.field("cnn", "filters_4"))->setValue(96);
    blocks->setValue(1);
    QCOMPARE(shown(), QStringLiteral("1"));
    blocks->setValue(4);
    QCOMPARE(form.toJson()["filters_4"], json(96));
    // Searched: any block may exist.
    blocks->setValue(2);
    form.setSearched({QStringLiteral("conv_blocks")});
    QCOMPARE(shown(), QStringLiteral("1,2,3,4,5,6"));
    form.setSearched({});
    QCOMPARE(shown(), QStringLiteral("1,2"));
    // A loaded config shows its blocks; the block-independent settings stay.
    train::ModelConfig m;
    m.family = "cnn";
    m.set("conv_blocks", 3);
    form.setConfig(m);
    QCOMPARE(shown(), QStringLiteral("1,2,3"));
    for (const char* key : {"filters", "kernel_size", "dense_units", "dropout", "dropout_1", "dropout_2", "batch_norm"})
        QVERIFY2(form.field("cnn", key)->isVisibleTo(&form), key);
}

void TestModelForm::screenshots()
{
    QVERIFY(QDir().mkpath(TW_BUILD_DIR "/screenshots"));
    ui::ModelForm form;
    form.resize(360, 10);
    for (const train::ModelFamily* f : train::modelFamilies()) {
        form.setFamily(QString::fromStdString(f->name()));
        form.adjustSize();
        QVERIFY(form.grab().save(QStringLiteral(TW_BUILD_DIR "/screenshots/model_form_%1.png")
                                     .arg(QString::fromStdString(f->name()))));
    }
}

QTEST_MAIN(TestModelForm)
#include "test_model_form.moc"
