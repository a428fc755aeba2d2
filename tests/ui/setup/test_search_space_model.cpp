// The search-space table: per-cell validation with reasons, editing
// operations, presets and the JSON file round trip.
#include "setup/search_space_editor.h"
#include "setup/search_space_model.h"
#include "setup/space_presets.h"

#include <QDir>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

using namespace tw;
using ui::SearchSpaceModel;

class TestSearchSpaceModel : public QObject {
    Q_OBJECT
private:
    static space::SearchSpace example()
    {
        return space::SearchSpace({space::FloatParam{"learning_rate", 1e-4, 1e-1, true, std::nullopt},
                                   space::IntParam{"units", 8, 128, true},
                                   space::CategoricalParam{"activation", {space::Choice{"relu"}, space::Choice{"tanh"}}}});
    }
    static bool set(SearchSpaceModel& m, int row, int column, const QVariant& v)
    {
        return m.setData(m.index(row, column), v, Qt::EditRole);
    }
    static QString tip(SearchSpaceModel& m, int row, int column)
    {
        return m.data(m.index(row, column), Qt::ToolTipRole).toString();
    }

private Q_SLOTS:
    void roundTripsASpace()
    {
        SearchSpaceModel m;
        m.setSpace(example());
        QCOMPARE(m.rowCount(), 3);
        QVERIFY(!m.hasCellErrors());
        QCOMPARE(m.space().toJson(), example().toJson());
        QCOMPARE(m.headerData(SearchSpaceModel::LowColumn, Qt::Horizontal).toString().toLower(), QStringLiteral("low"));
        QCOMPARE(m.data(m.index(1, SearchSpaceModel::LogColumn), Qt::CheckStateRole).toInt(), int(Qt::Checked));
    }

    void lowAboveHighMarksTheCell()
    {
        SearchSpaceModel m;
        m.setSpace(example());
        QSignalSpy edits(&m, &SearchSpaceModel::spaceEdited);
        QVERIFY(set(m, 1, SearchSpaceModel::LowColumn, 200.0));
        QVERIFY(edits.size() >= 1);
        const QString reason = m.cellError(1, SearchSpaceModel::LowColumn);
        QVERIFY2(reason.contains("low < high"), qPrintable(reason));
        QCOMPARE(tip(m, 1, SearchSpaceModel::LowColumn), reason);
        QVERIFY(m.data(m.index(1, SearchSpaceModel::LowColumn), Qt::BackgroundRole).isValid());
        QVERIFY(m.firstCellError().contains("row 2 'units'"));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, m.space());
        QVERIFY(set(m, 1, SearchSpaceModel::LowColumn, 8));
        QVERIFY(!m.hasCellErrors());
        QVERIFY(!m.data(m.index(1, SearchSpaceModel::LowColumn), Qt::BackgroundRole).isValid());
    }

    void logWithZeroLow()
    {
        SearchSpaceModel m;
        m.setSpace(example());
        QVERIFY(set(m, 0, SearchSpaceModel::LowColumn, 0.0));
        QCOMPARE(m.cellError(0, SearchSpaceModel::LowColumn), QStringLiteral("log scale needs low > 0 (low = 0)"));
        QCOMPARE(m.firstCellError(), QStringLiteral("row 1 'learning_rate', low: log scale needs low > 0 (low = 0)"));
        // Unchecking log makes 0 legal for the range, but not for the setting.
        QVERIFY(m.setData(m.index(0, SearchSpaceModel::LogColumn), Qt::Unchecked, Qt::CheckStateRole));
        QVERIFY2(m.cellError(0, SearchSpaceModel::LowColumn).contains("learning_rate"),
                 qPrintable(m.cellError(0, SearchSpaceModel::LowColumn)));
        QVERIFY(set(m, 0, SearchSpaceModel::LowColumn, "1e-5"));
        QVERIFY(!m.hasCellErrors());
    }

    void namesMustBeUniqueSettings()
    {
        SearchSpaceModel m;
        m.setSpace(example());
        QVERIFY(set(m, 2, SearchSpaceModel::NameColumn, "units"));
        QVERIFY2(m.cellError(2, SearchSpaceModel::NameColumn).contains("duplicate name"),
                 qPrintable(m.cellError(2, SearchSpaceModel::NameColumn)));
        QVERIFY(m.cellError(1, SearchSpaceModel::NameColumn).isEmpty());
        QVERIFY(set(m, 2, SearchSpaceModel::NameColumn, "swish_factor"));
        QVERIFY2(tip(m, 2, SearchSpaceModel::NameColumn).contains("is not a setting"), qPrintable(tip(m, 2, 0)));
        QVERIFY(set(m, 2, SearchSpaceModel::NameColumn, "class_weight_3"));
        QVERIFY2(m.cellError(2, SearchSpaceModel::NameColumn).isEmpty(), qPrintable(m.cellError(2, 0)));
        QVERIFY(set(m, 2, SearchSpaceModel::NameColumn, "activation"));
        QVERIFY(!m.hasCellErrors());
    }

    void intBoundsAndChoices()
    {
        SearchSpaceModel m;
        m.setSpace(example());
        QVERIFY(set(m, 1, SearchSpaceModel::HighColumn, 12.5));
        QVERIFY2(m.cellError(1, SearchSpaceModel::HighColumn).contains("int bounds must be integers"),
                 qPrintable(m.cellError(1, SearchSpaceModel::HighColumn)));
        QVERIFY(set(m, 1, SearchSpaceModel::HighColumn, "abc"));
        QVERIFY(m.cellError(1, SearchSpaceModel::HighColumn).contains("must be a finite number"));
        QVERIFY(set(m, 1, SearchSpaceModel::HighColumn, 128));
        QVERIFY(set(m, 2, SearchSpaceModel::ChoicesColumn, ""));
        QCOMPARE(m.cellError(2, SearchSpaceModel::ChoicesColumn), QStringLiteral("needs at least one choice"));
        QVERIFY(set(m, 2, SearchSpaceModel::ChoicesColumn, "relu, swish"));
        QVERIFY2(m.cellError(2, SearchSpaceModel::ChoicesColumn).contains("'activation' must be one of"),
                 qPrintable(m.cellError(2, SearchSpaceModel::ChoicesColumn)));
        QVERIFY(set(m, 2, SearchSpaceModel::ChoicesColumn, "relu, relu"));
        QVERIFY(m.cellError(2, SearchSpaceModel::ChoicesColumn).contains("duplicate choice"));
        QVERIFY(set(m, 2, SearchSpaceModel::ChoicesColumn, "relu, gelu"));
        QVERIFY(!m.hasCellErrors());
        // The hidden-layer rule of the setting (0..8) marks the high cell.
        QVERIFY(set(m, 1, SearchSpaceModel::NameColumn, "hidden_layers"));
        QVERIFY(m.cellError(1, SearchSpaceModel::HighColumn).contains("hidden_layers"));
    }

    void choicesText()
    {
        const auto choices = SearchSpaceModel::choicesFromText("16, 32, true, adam, \"1,5\", \"7\"");
        QCOMPARE(int(choices.size()), 6);
        QVERIFY(std::holds_alternative<double>(choices[0]));
        QVERIFY(std::holds_alternative<bool>(choices[2]));
        QCOMPARE(std::get<std::string>(choices[4]), std::string("1,5"));
        QCOMPARE(std::get<std::string>(choices[5]), std::string("7"));
        QCOMPARE(SearchSpaceModel::choicesToText(choices), QStringLiteral("16, 32, true, adam, \"1,5\", \"7\""));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, SearchSpaceModel::choicesFromText("a, \"b"));
    }

    void addRemoveDuplicate()
    {
        ui::SearchSpaceEditor editor;
        SearchSpaceModel& m = *editor.model();
        m.setSpace(example());
        auto* add = editor.findChild<QPushButton*>("addParameterButton");
        auto* remove = editor.findChild<QPushButton*>("removeParameterButton");
        auto* duplicate = editor.findChild<QPushButton*>("duplicateParameterButton");
        QVERIFY(add && remove && duplicate);
        add->click();
        QCOMPARE(m.rowCount(), 4);
        QCOMPARE(m.row(3).name, QStringLiteral("weight_decay")); // a setting not yet searched
        QVERIFY(!m.hasCellErrors());
        editor.view()->selectRow(0);
        duplicate->click();
        QCOMPARE(m.rowCount(), 5);
        QCOMPARE(m.row(1).name, QStringLiteral("learning_rate_copy"));
        QVERIFY(m.cellError(1, SearchSpaceModel::NameColumn).contains("not a setting"));
        remove->click(); // the copy is selected
        QCOMPARE(m.rowCount(), 4);
        QVERIFY(!m.hasCellErrors());
        editor.setReadOnly(true);
        QVERIFY(!add->isEnabled());
        QVERIFY(!(m.flags(m.index(0, 0)) & Qt::ItemIsEditable));
        QVERIFY(!m.setData(m.index(0, 0), "units"));
    }

    void presetsAreValidSettings()
    {
        for (const QString& family : {QStringLiteral("mlp"), QStringLiteral("cnn")}) {
            ui::SearchSpaceEditor editor;
            editor.setFamily(family, true);
            for (const auto& p : ui::spacePresets(family, true)) editor.applyPreset(p.id);
            SearchSpaceModel& m = *editor.model();
            QVERIFY(m.rowCount() >= 8);
            QVERIFY2(!m.hasCellErrors(), qPrintable(m.firstCellError()));
            const int before = m.rowCount();
            QCOMPARE(editor.applyPreset(QStringLiteral("learning_rate")), 0); // already there
            QCOMPARE(m.rowCount(), before);
            QCOMPARE(m.space().size(), size_t(before));
        }
        // The loss function and both imputations have presets.
        for (const char* id : {"loss", "categorical_impute", "numeric_impute"}) {
            const auto p = ui::spacePreset(QStringLiteral("mlp"), QString::fromLatin1(id));
            QVERIFY2(p.params.size() == 1, id);
            QCOMPARE(space::nameOf(p.params.front()), std::string(id));
            QVERIFY(std::holds_alternative<space::CategoricalParam>(p.params.front()));
        }
        QCOMPARE(std::get<space::CategoricalParam>(ui::spacePreset("mlp", "categorical_impute").params.front()).choices.size(),
                 size_t(2));
        QVERIFY(ui::spacePreset(QStringLiteral("cnn"), QStringLiteral("loss")).params.size() == 1);
        QVERIFY(ui::spacePreset(QStringLiteral("mlp"), QStringLiteral("loss")).title.contains("Loss function"));
        ui::SearchSpaceEditor editor;
        QCOMPARE(editor.applyPreset(QStringLiteral("space:mlp")), 5);
        QVERIFY(editor.model()->indexOf("hidden_layers") >= 0);
    }

    void loadAndSaveJson()
    {
        QTemporaryDir dir;
        SearchSpaceModel m;
        QString error;
        const auto original = example();
        original.save(dir.filePath("in.json").toStdString());
        QVERIFY2(m.loadFile(dir.filePath("in.json"), &error), qPrintable(error));
        QCOMPARE(m.space().toJson(), original.toJson());
        const QString out = dir.filePath("space.json");
        QVERIFY2(m.saveFile(out, &error), qPrintable(error));
        QCOMPARE(space::SearchSpace::load(out.toStdString()).toJson(), original.toJson());
        // Invalid tables do not save; broken files name the file.
        QVERIFY(m.setData(m.index(0, SearchSpaceModel::NameColumn), ""));
        QVERIFY(!m.saveFile(out, &error));
        QVERIFY2(error.contains("space.json") && error.contains("name must not be empty"), qPrintable(error));
        QFile bad(dir.filePath("bad.json"));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("{\"parameters\": [{\"name\": \"lr\", \"type\": \"float\", \"low\": 0, \"high\": 1, \"log\": true}]}");
        bad.close();
        QVERIFY(!m.loadFile(bad.fileName(), &error));
        QVERIFY2(error.contains("bad.json") && error.contains("log scale needs low > 0"), qPrintable(error));
    }

    void whenColumn()
    {
        // momentum for sgd only; beta1 for adam and adamw.
        SearchSpaceModel m;
        m.setSpace(space::SearchSpace::fromJson(nlohmann::json::parse(R"({"parameters": [
            {"name": "optimizer", "type": "categorical", "choices": ["sgd", "adam", "adamw"]},
            {"name": "momentum", "type": "float", "low": 0.1, "high": 0.99, "when": {"optimizer": ["sgd"]}},
            {"name": "beta1", "type": "float", "low": 0.7, "high": 0.99, "when": {"optimizer": ["adam", "adamw"]}}
        ]})")));
        QCOMPARE(m.columnCount(), int(SearchSpaceModel::ColumnCount));
        QCOMPARE(m.headerData(SearchSpaceModel::WhenColumn, Qt::Horizontal).toString(), QStringLiteral("When"));
        QCOMPARE(m.data(m.index(0, SearchSpaceModel::WhenColumn)).toString(), QString());
        QCOMPARE(m.data(m.index(1, SearchSpaceModel::WhenColumn)).toString(), QStringLiteral("optimizer = sgd"));
        QCOMPARE(m.data(m.index(2, SearchSpaceModel::WhenColumn)).toString(), QStringLiteral("optimizer = adam, adamw"));
        QVERIFY(!m.hasCellErrors());
        QCOMPARE(m.space().toJson()["parameters"][2]["when"], nlohmann::json::parse(R"({"optimizer": ["adam", "adamw"]})"));

        // Each rule, on the When cell, with the reason as its tooltip.
        const auto whenError = [&](const char* text) {
            set(m, 1, SearchSpaceModel::WhenColumn, text);
            const QString e = m.cellError(1, SearchSpaceModel::WhenColumn);
            if (!e.isEmpty()) {
                if (tip(m, 1, SearchSpaceModel::WhenColumn) != e) return QStringLiteral("tooltip differs");
                if (!m.data(m.index(1, SearchSpaceModel::WhenColumn), Qt::BackgroundRole).isValid())
                    return QStringLiteral("no background");
            }
            return e;
        };
        QCOMPARE(whenError("optimiser = sgd"),
                 QStringLiteral("'when' names an unknown parameter 'optimiser' (the space has optimizer, momentum, beta1)"));
        QCOMPARE(whenError("beta1 = 0.9"), QStringLiteral("'when': parent 'beta1' must be categorical (it is float)"));
        QCOMPARE(whenError("optimizer = rmsprop"),
                 QStringLiteral("'when': \"rmsprop\" is not one of the choices of 'optimizer' (\"sgd\", \"adam\", \"adamw\")"));
        QCOMPARE(whenError("optimizer ="), QStringLiteral("'when': the list of values for 'optimizer' must not be empty"));
        QCOMPARE(whenError("momentum = 1"), QStringLiteral("'when' cannot name the parameter itself"));
        QCOMPARE(whenError("optimizer sgd"), QStringLiteral("'optimizer sgd' needs '=' (write parent = choice, choice)"));
        QVERIFY(m.firstCellError().contains("row 2 'momentum', when:"));
        QVERIFY(whenError("optimizer = sgd").isEmpty());
        QVERIFY(!m.hasCellErrors());

        // A cycle: optimizer conditioned on a categorical that depends on it.
        set(m, 2, SearchSpaceModel::TypeColumn, "categorical");
        set(m, 2, SearchSpaceModel::ChoicesColumn, "0.9, 0.95");
        set(m, 2, SearchSpaceModel::NameColumn, "beta1");
        set(m, 0, SearchSpaceModel::WhenColumn, "beta1 = 0.9");
        QVERIFY2(m.cellError(0, SearchSpaceModel::WhenColumn).contains("form a cycle (optimizer -> beta1 -> optimizer)"),
                 qPrintable(m.cellError(0, SearchSpaceModel::WhenColumn)));
        set(m, 0, SearchSpaceModel::WhenColumn, "");
        QVERIFY2(!m.hasCellErrors(), qPrintable(m.firstCellError()));
        // Changing the parent's choices re-checks its children.
        set(m, 0, SearchSpaceModel::ChoicesColumn, "adam, adamw");
        QVERIFY(m.cellError(1, SearchSpaceModel::WhenColumn).contains("\"sgd\" is not one of the choices"));

        // In the editor: the When column shows the conditions; a bad one is marked.
        ui::SearchSpaceEditor editor;
        editor.resize(1100, 260);
        editor.model()->setSpace(space::SearchSpace::fromJson(nlohmann::json::parse(R"({"parameters": [
            {"name": "optimizer", "type": "categorical", "choices": ["sgd", "adam", "adamw"]},
            {"name": "momentum", "type": "float", "low": 0.1, "high": 0.99, "when": {"optimizer": ["sgd"]}},
            {"name": "beta1", "type": "float", "low": 0.7, "high": 0.99, "when": {"optimizer": ["adam", "adamw"]}}
        ]})")));
        set(*editor.model(), 1, SearchSpaceModel::WhenColumn, "optimizer = rmsprop");
        editor.show();
        QTest::qWait(50);
        QDir().mkpath(TW_BUILD_DIR "/screenshots");
        QVERIFY(editor.grab().save(TW_BUILD_DIR "/screenshots/search_space_when_column.png"));
    }
};

QTEST_MAIN(TestSearchSpaceModel)
#include "test_search_space_model.moc"
