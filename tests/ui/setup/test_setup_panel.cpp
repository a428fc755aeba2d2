// The setup panel: spec round trips, validity with reasons, the data preview
// (CSV types and missing counts, errors naming file and line, class balance
// and split sizes), spec files, read-only mode, drops, studies clicked
// together from the forms (the Hydra talk's Titanic search, the Ax
// notebook's text study) and screenshots.
#include "core/fortunes_data.h"
#include "data/csv.h"
#include "data/idx.h"
#include "setup/data_preview_model.h"
#include "setup/dataset_page.h"
#include "setup/search_space_editor.h"
#include "setup/search_space_model.h"
#include "setup/setup_panel.h"
#include "setup/training_form.h"
#include "study/study.h"
#include "train/tune.h"

#include <QAbstractItemDelegate>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMimeData>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QStandardItemModel>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QToolButton>
#include <QtTest>

#include <filesystem>
#include <fstream>

using namespace tw;
using ui::SearchSpaceModel;
using ui::SetupPanel;

namespace {

const QString kExamples = QStringLiteral(TW_SOURCE_DIR "/resources/examples/");
const QString kTitanic = QStringLiteral(TW_SOURCE_DIR "/../shared/datasets/titanic");

QString writeFile(const QTemporaryDir& dir, const QString& name, const char* text)
{
    const QString path = dir.filePath(name);
    std::ofstream(path.toStdString()) << text;
    return path;
}

QStringList balance(SetupPanel& p)
{
    auto* t = p.findChild<QTableWidget*>("classBalanceTable");
    QStringList rows;
    for (int r = 0; r < t->rowCount(); ++r) rows << t->item(r, 0)->text() + "=" + t->item(r, 1)->text();
    return rows;
}

QString label(SetupPanel& p, const char* name) { return p.findChild<QLabel*>(name)->text(); }

/// Shows one section of the panel and saves it as <build>/screenshots/<name>.png.
bool shoot(SetupPanel& panel, SetupPanel::Section section, const QString& name)
{
    panel.showSection(section);
    QApplication::processEvents();
    return QDir().mkpath(TW_BUILD_DIR "/screenshots") &&
           panel.grab().save(QStringLiteral(TW_BUILD_DIR "/screenshots/%1.png").arg(name));
}

/// Picks `name` in row `row`'s name cell through the table's delegate, as a
/// click in the picker would; false when the picker does not offer it.
bool pickName(ui::SearchSpaceEditor& editor, int row, const QString& name)
{
    QTableView* view = editor.view();
    const QModelIndex index = editor.model()->index(row, SearchSpaceModel::NameColumn);
    QAbstractItemDelegate* delegate = view->itemDelegateForColumn(SearchSpaceModel::NameColumn);
    std::unique_ptr<QWidget> w(delegate->createEditor(view->viewport(), QStyleOptionViewItem(), index));
    auto* combo = qobject_cast<QComboBox*>(w.get());
    if (!combo) return false;
    delegate->setEditorData(combo, index);
    const int i = combo->findData(name);
    if (i < 0) return false;
    combo->setCurrentIndex(i);
    delegate->setModelData(combo, editor.model(), index);
    return true;
}

} // namespace

class TestSetupPanel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void roundTripsTheExamples_data()
    {
        QTest::addColumn<QString>("file");
        for (const char* f : {"spirals.json", "class-weights.json", "fashion-mnist-cnn.json", "fashion-mnist-mlp.json", "titanic.json"})
            QTest::newRow(f) << QString::fromLatin1(f);
    }
    void roundTripsTheExamples()
    {
        QFETCH(QString, file);
        const auto original = train::StudySpec::load((kExamples + file).toStdString());
        SetupPanel panel;
        panel.setSpec(original);
        QCOMPARE(QString::fromStdString(panel.spec().toJson().dump(2)), QString::fromStdString(original.toJson().dump(2)));
        QCOMPARE(panel.searchSpaceModel()->rowCount(), int(original.space.size()));
        if (file == QLatin1String("spirals.json")) {
            QVERIFY2(panel.isValid(), qPrintable(panel.invalidReason()));
            QVERIFY(panel.invalidReason().isEmpty());
        }
    }

    void invalidCellsDisableAndFixingRestores()
    {
        SetupPanel panel;
        panel.setSpec(train::StudySpec::load((kExamples + "spirals.json").toStdString()));
        QVERIFY(panel.isValid());
        QSignalSpy validity(&panel, &SetupPanel::validityChanged);
        SearchSpaceModel* m = panel.searchSpaceModel();
        const int lr = m->indexOf("learning_rate");
        QVERIFY(m->setData(m->index(lr, SearchSpaceModel::LowColumn), 0.0));
        QVERIFY(!panel.isValid());
        QCOMPARE(panel.invalidReason(),
                 QStringLiteral("Search space, row %1 'learning_rate', low: log scale needs low > 0 (low = 0)").arg(lr + 1));
        QCOMPARE(validity.size(), 1);
        QCOMPARE(validity.last().at(0).toBool(), false);
        QCOMPARE(validity.last().at(1).toString(), panel.invalidReason());
        QVERIFY(m->data(m->index(lr, SearchSpaceModel::LowColumn), Qt::ToolTipRole).toString().contains("log scale"));
        QVERIFY(label(panel, "validityLabel").contains("log scale"));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, panel.spec());
        QVERIFY(m->setData(m->index(lr, SearchSpaceModel::LowColumn), 1e-4));
        QVERIFY(panel.isValid());
        QCOMPARE(validity.size(), 2);
        QCOMPARE(validity.last().at(0).toBool(), true);

        // low > high, an unknown setting, a duplicate name.
        QVERIFY(m->setData(m->index(0, SearchSpaceModel::LowColumn), 9));
        QVERIFY2(panel.invalidReason().contains("row 1 'hidden_layers'") && panel.invalidReason().contains("low < high"),
                 qPrintable(panel.invalidReason()));
        QVERIFY(m->setData(m->index(0, SearchSpaceModel::LowColumn), 1));
        QVERIFY(m->setData(m->index(0, SearchSpaceModel::NameColumn), "depth"));
        QVERIFY2(panel.invalidReason().contains("row 1 'depth', name") && panel.invalidReason().contains("not a setting"),
                 qPrintable(panel.invalidReason()));
        QVERIFY(m->setData(m->index(0, SearchSpaceModel::NameColumn), "units"));
        QVERIFY2(panel.invalidReason().contains("duplicate name"), qPrintable(panel.invalidReason()));
        QVERIFY(m->setData(m->index(0, SearchSpaceModel::NameColumn), "hidden_layers"));
        QVERIFY(panel.isValid());
    }

    void formsReportCoreRules()
    {
        SetupPanel panel;
        panel.setSpec(train::StudySpec::load((kExamples + "spirals.json").toStdString()));
        auto* lr = panel.findChild<QLineEdit*>("learningRateEdit");
        lr->setText("abc");
        QVERIFY(!panel.isValid());
        QVERIFY2(panel.invalidReason().contains("learning_rate") && panel.invalidReason().contains("not a number"),
                 qPrintable(panel.invalidReason()));
        lr->setText("0");
        QVERIFY2(panel.invalidReason().startsWith("training: 'learning_rate'"), qPrintable(panel.invalidReason()));
        lr->setText("0.003");
        QVERIFY(panel.isValid());
        QCOMPARE(panel.spec().training.learningRate, 0.003);

        auto* trials = panel.findChild<QSpinBox*>("trialsSpin");
        trials->setValue(7);
        QCOMPARE(panel.spec().budget.trials, 7);
        // The metric sets the direction; beta only with UCB.
        auto* metric = panel.findChild<QComboBox*>("metricCombo");
        metric->setCurrentIndex(metric->findData("loss"));
        QCOMPARE(metric->currentText(), QString("validation loss"));
        QVERIFY(panel.spec().objective.direction == study::Direction::Minimize);
        metric->setCurrentIndex(metric->findData("f1"));
        QVERIFY(panel.spec().objective.direction == study::Direction::Maximize);
        auto* acquisition = panel.findChild<QComboBox*>("acquisitionCombo");
        auto* beta = panel.findChild<QLineEdit*>("ucbBetaEdit");
        QVERIFY(!beta->isEnabled());
        acquisition->setCurrentIndex(acquisition->findData("ucb"));
        QVERIFY(beta->isEnabled());
        beta->setText("-1");
        QVERIFY2(panel.invalidReason().contains("ucb_beta"), qPrintable(panel.invalidReason()));
        beta->setText("2");
        QCOMPARE(panel.spec().sampler.ucbBeta, 2.0);
        // A positive class that is not a class of the data.
        auto* positive = panel.findChild<QComboBox*>("positiveClassCombo");
        positive->setCurrentText("7");
        QVERIFY2(panel.invalidReason().contains("positive class"), qPrintable(panel.invalidReason()));
        positive->setCurrentText("1");
        QVERIFY(panel.isValid());
        // The metric names its class; averaged metrics need none.
        QCOMPARE(metric->currentText(), QString("F1 (class '1')"));
        QVERIFY(positive->isEnabled());
        metric->setCurrentIndex(metric->findData("f1_weighted"));
        QCOMPARE(metric->currentText(), QString("F1 (weighted)"));
        QCOMPARE(panel.spec().objective.metric, std::string("f1_weighted"));
        QVERIFY(!positive->isEnabled());
        QVERIFY(metric->findData("precision_macro") >= 0 && metric->findData("recall_macro") >= 0);
        metric->setCurrentIndex(metric->findData("f1"));
        // cuda is offered only when present.
        auto* device = panel.findChild<QComboBox*>("deviceCombo");
        QCOMPARE(device->count(), 3);
    }

    void builtinSpiralsShowsBalanceAndSizes()
    {
        SetupPanel panel;
        panel.setSpec(train::StudySpec::load((kExamples + "spirals.json").toStdString()));
        QCOMPARE(balance(panel), QStringList({"0=2000", "1=2000"}));
        QVERIFY2(label(panel, "splitSizesLabel").contains("train 4,000 · validation 1,000"), qPrintable(label(panel, "splitSizesLabel")));
        auto* preview = panel.datasetPage()->previewModel();
        QCOMPARE(preview->rowCount(), 4000);
        QCOMPARE(preview->columnCount(), 3); // x, y, class
        // Built-in data are not preprocessed: the picker offers no preprocessing.
        QVERIFY(panel.searchSpaceEditor()->dataKind() == ui::SearchSpaceEditor::DataKind::BuiltIn);

        // Imbalanced: split shares apply; choosing it sets F1 of class 1.
        panel.datasetPage()->chooseBuiltin("imbalanced");
        QCOMPARE(balance(panel), QStringList({"0=4500", "1=500"}));
        QVERIFY2(label(panel, "splitSizesLabel").contains("train 4,000 · validation 1,000 · test 0"),
                 qPrintable(label(panel, "splitSizesLabel")));
        QCOMPARE(panel.spec().objective.metric, std::string("f1"));
        QCOMPARE(panel.spec().dataset.builtin, std::string("imbalanced"));
    }

    void csvPreviewTypesAndMissing()
    {
        QTemporaryDir dir;
        const QString csv = writeFile(dir, "train.csv",
                                      "id,age,colour,label\n1,20,red,yes\n2,,blue,no\n3,31,red,yes\n4,45,NA,no\n5,50,green,yes\n"
                                      "6,33,red,no\n7,29,blue,yes\n8,41,red,yes\n9,38,green,no\n10,27,red,yes\n");
        SetupPanel panel;
        panel.datasetPage()->openCsv(csv);
        auto* preview = panel.datasetPage()->previewModel();
        QCOMPARE(preview->rowCount(), 10);
        QCOMPARE(preview->columnCount(), 4);
        QCOMPARE(preview->headerData(1, Qt::Horizontal).toString(), QStringLiteral("age\nnumeric · 1 missing"));
        QCOMPARE(preview->headerData(2, Qt::Horizontal).toString(), QStringLiteral("colour\ncategorical · 1 missing"));
        QVERIFY(preview->headerData(2, Qt::Horizontal, Qt::ToolTipRole).toString().contains("1 missing of 10 rows"));
        QCOMPARE(preview->data(preview->index(1, 1)).toString(), QStringLiteral("NA"));
        QCOMPARE(preview->headerData(1, Qt::Vertical).toInt(), 3); // line of the second row
        QCOMPARE(panel.findChild<QComboBox*>("targetCombo")->currentText(), QStringLiteral("label"));
        QCOMPARE(balance(panel), QStringList({"no=4", "yes=6"}));
        QVERIFY2(label(panel, "splitSizesLabel").contains("train 8 · validation 2"), qPrintable(label(panel, "splitSizesLabel")));
        QVERIFY2(panel.isValid(), qPrintable(panel.invalidReason()));
        QCOMPARE(panel.spec().dataset.csv, QFileInfo(csv).absoluteFilePath().toStdString());
        QCOMPARE(panel.spec().model.family, std::string("mlp"));
        QVERIFY(panel.searchSpaceEditor()->dataKind() == ui::SearchSpaceEditor::DataKind::Table);

        // Saved next to the data: the path is relative; loading resolves it again.
        const QString specPath = dir.filePath("study.json");
        QString error;
        QVERIFY2(panel.saveSpecFile(specPath, &error), qPrintable(error));
        std::ifstream in(specPath.toStdString());
        const auto saved = nlohmann::json::parse(in);
        QCOMPARE(saved["dataset"]["csv"].get<std::string>(), std::string("train.csv"));
        SetupPanel other;
        QVERIFY2(other.loadSpecFile(specPath, &error), qPrintable(error));
        QCOMPARE(other.spec().toJson(), panel.spec().toJson());
        QVERIFY(other.isValid());
        QCOMPARE(other.specPath(), specPath);

        // A dataset "task" has no field of its own: a loaded spec keeps it.
        train::StudySpec declared = other.spec();
        declared.dataset.task = declared.preprocessing.task = "classification";
        SetupPanel third;
        third.setSpec(declared);
        QCOMPARE(third.spec().dataset.task, std::string("classification"));
        QCOMPARE(third.spec().preprocessing.task, std::string("classification"));
    }

    void malformedCsvNamesFileAndLine()
    {
        QTemporaryDir dir;
        const QString csv = writeFile(dir, "broken.csv", "a,b,label\n1,2,x\n3,4\n5,6,y\n");
        SetupPanel panel;
        QSignalSpy validity(&panel, &SetupPanel::validityChanged);
        panel.datasetPage()->openCsv(csv);
        const QString error = label(panel, "dataErrorLabel");
        QVERIFY2(error.contains("broken.csv:3"), qPrintable(error));
        QVERIFY(panel.findChild<QLabel*>("dataErrorLabel")->isVisibleTo(&panel));
        QVERIFY(!panel.isValid());
        QVERIFY2(panel.invalidReason().startsWith("Data: ") && panel.invalidReason().contains("broken.csv:3"),
                 qPrintable(panel.invalidReason()));
        QVERIFY(!validity.isEmpty());
        QString loadError;
        QVERIFY(!panel.loadSpecFile(dir.filePath("missing.json"), &loadError));
        QVERIFY2(loadError.contains("missing.json"), qPrintable(loadError));
    }

    void fashionMnistSizesAndBalance()
    {
        if (!QFileInfo::exists(QString::fromLatin1(data::kFashionMnistDir)))
            QSKIP("dataset-fashion-mnist is not installed");
        SetupPanel panel;
        panel.setSpec(train::StudySpec::load((kExamples + "fashion-mnist-mlp.json").toStdString()));
        QVERIFY2(panel.isValid(), qPrintable(panel.invalidReason()));
        QCOMPARE(balance(panel).size(), 10);
        QCOMPARE(balance(panel).front(), QStringLiteral("T-shirt/top=6000"));
        QVERIFY2(label(panel, "splitSizesLabel").contains("train 55,000 · validation 5,000 · test 10,000"),
                 qPrintable(label(panel, "splitSizesLabel")));
        QCOMPARE(panel.datasetPage()->previewModel()->columnCount(), 2);
        // A folder without IDX files: the package is named.
        QTemporaryDir empty;
        panel.datasetPage()->openIdxFolder(empty.path());
        QVERIFY2(panel.invalidReason().contains("dataset-fashion-mnist"), qPrintable(panel.invalidReason()));
    }

    void titanicCsv()
    {
        if (!QFileInfo::exists(kTitanic + "/data-train-large.csv")) QSKIP("../shared/datasets/titanic is absent");
        QTemporaryDir dir;
        auto spec = train::StudySpec::load((kExamples + "titanic.json").toStdString());
        spec.dataset.csv = (kTitanic + "/data-train-large.csv").toStdString();
        spec.dataset.testCsv = (kTitanic + "/data-test-large.csv").toStdString();
        SetupPanel panel;
        panel.setSpec(spec);
        QVERIFY2(panel.isValid(), qPrintable(panel.invalidReason()));
        auto* preview = panel.datasetPage()->previewModel();
        const auto* table = preview->table();
        QVERIFY(table);
        const int age = table->columnIndex("Age");
        QVERIFY(table->columns[size_t(age)].missingCount() > 0);
        QVERIFY(preview->headerData(age, Qt::Horizontal).toString().contains("missing"));
        QCOMPARE(balance(panel).size(), 2);
        const auto testRows = data::readCsv(spec.dataset.testCsv).rows();
        QVERIFY2(label(panel, "splitSizesLabel").contains(QStringLiteral("test %1").arg(testRows)),
                 qPrintable(label(panel, "splitSizesLabel")));
        panel.resize(1280, 800);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        panel.showSection(SetupPanel::DataSection);
        QApplication::processEvents();
        QVERIFY(QDir().mkpath(TW_BUILD_DIR "/screenshots"));
        panel.grab().save(TW_BUILD_DIR "/screenshots/setup_data_titanic.png");
    }

    void hydraModelFamilyStudyFromTheForms()
    {
        // The Hydra + Optuna talk's search, clicked together: the Titanic CSV,
        // the "Model family" preset, logistic regression as the fixed family.
        if (!QFileInfo::exists(kTitanic + "/data-train-large.csv")) QSKIP("../shared/datasets/titanic is absent");
        SetupPanel panel;
        panel.datasetPage()->openCsv(kTitanic + "/data-train-large.csv");
        QCOMPARE(panel.findChild<QComboBox*>("targetCombo")->currentText(), QStringLiteral("Survived"));
        auto* family = panel.findChild<QComboBox*>("modelFamily");
        family->setCurrentIndex(family->findText(QStringLiteral("logistic_regression")));
        SearchSpaceModel* m = panel.searchSpaceModel();
        while (m->rowCount() > 0) m->removeRows(0, 1);
        QCOMPARE(panel.searchSpaceEditor()->applyPreset(QStringLiteral("space:model_family")), 8);
        QVERIFY2(panel.isValid(), qPrintable(panel.invalidReason()));
        const train::StudySpec spec = panel.spec();
        QCOMPARE(spec.model.family, std::string("logistic_regression"));
        const int trees = spec.space.indexOf("n_estimators");
        QVERIFY(trees >= 0);
        QCOMPARE(space::conditionsOf(spec.space[size_t(trees)]).front().parent, std::string("family"));
        QVERIFY(spec.warnings().empty());
        QVERIFY2(label(panel, "validityLabel").startsWith(QStringLiteral("✔")), qPrintable(label(panel, "validityLabel")));
        // Text families are offered for text data only.
        auto* items = qobject_cast<QStandardItemModel*>(family->model());
        QVERIFY(items && !items->item(family->findText(QStringLiteral("text_cnn")))->isEnabled());
        QVERIFY(items->item(family->findText(QStringLiteral("random_forest")))->isEnabled());
        // The optimizer does not train a logistic regression: greyed; a network's is not.
        QVERIFY(!panel.findChild<QComboBox*>("optimizerCombo")->isEnabled());
        family->setCurrentIndex(family->findText(QStringLiteral("mlp")));
        QVERIFY(panel.findChild<QComboBox*>("optimizerCombo")->isEnabled());
        family->setCurrentIndex(family->findText(QStringLiteral("logistic_regression")));
        panel.resize(1280, 800);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QVERIFY(QDir().mkpath(TW_BUILD_DIR "/screenshots"));
        panel.showSection(SetupPanel::SearchSpaceSection);
        QApplication::processEvents();
        QVERIFY(panel.grab().save(TW_BUILD_DIR "/screenshots/setup_model_family_space.png"));
        panel.showSection(SetupPanel::ModelSection);
        QApplication::processEvents();
        QVERIFY(panel.grab().save(TW_BUILD_DIR "/screenshots/setup_model_family_model.png"));
    }

    void axTextStudyFromTheForms()
    {
        // The Ax notebook's text study, clicked together: a two-class text
        // CSV (Debian's fortunes, startrek against food), a text family, the
        // notebook's parameters picked by name (learning rate on a log scale,
        // weight decay, warm-up, epochs, one weight per class), the F1 of
        // the positive class as the objective.
        TW_FORTUNES_OR_SKIP(fortunes::kTwoClass);
        QTemporaryDir dir;
        const QString csv = QString::fromStdString(fortunes::writeCsv(dir.path().toStdString(), "quotes.csv", fortunes::kTwoClass));
        SetupPanel panel;
        panel.resize(1280, 800);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        panel.datasetPage()->openCsv(csv);
        QVERIFY2(panel.datasetPage()->dataError().isEmpty(), qPrintable(panel.datasetPage()->dataError()));
        QCOMPARE(panel.findChild<QComboBox*>("targetCombo")->currentText(), QStringLiteral("label"));
        QCOMPARE(panel.datasetPage()->previewModel()->headerData(0, Qt::Horizontal).toString(), QStringLiteral("text\ntext"));
        QVERIFY(panel.datasetPage()->isText());
        QVERIFY(panel.searchSpaceEditor()->dataKind() == ui::SearchSpaceEditor::DataKind::Text);
        QCOMPARE(balance(panel), QStringList({"food=198", "startrek=227"}));
        // The study is named after the file, no longer after the spirals it replaced.
        QCOMPARE(panel.findChild<QLineEdit*>("studyNameEdit")->text(), QStringLiteral("quotes"));
        QVERIFY(shoot(panel, SetupPanel::DataSection, "setup_ax_text_data"));

        // Only the text families take the data.
        auto* family = panel.findChild<QComboBox*>("modelFamily");
        auto* items = qobject_cast<QStandardItemModel*>(family->model());
        QVERIFY(items && items->item(family->findText(QStringLiteral("text_bag")))->isEnabled());
        QVERIFY(!items->item(family->findText(QStringLiteral("random_forest")))->isEnabled());
        family->setCurrentIndex(family->findText(QStringLiteral("text_bag")));
        QCOMPARE(panel.trainingForm()->family(), QStringLiteral("text_bag"));
        auto* optimizer = panel.findChild<QComboBox*>("optimizerCombo");
        QVERIFY(optimizer->isEnabled());
        optimizer->setCurrentText(QStringLiteral("adamw"));

        // The parameters, each added with the Add button and named with the picker.
        ui::SearchSpaceEditor* editor = panel.searchSpaceEditor();
        SearchSpaceModel* m = panel.searchSpaceModel();
        while (m->rowCount() > 0) m->removeRows(0, 1);
        struct Wanted {
            const char* name;
            const char* low; // "" keeps the picker's range
            const char* high;
        };
        const Wanted wanted[] = {{"learning_rate", "", ""},      {"weight_decay", "0.005", "0.5"},
                                 {"warmup_ratio", "0", "0.8"},   {"epochs", "1", "3"},
                                 {"class_weight_0", "0.6", "1"}, {"class_weight_1", "1", "3.5"}};
        auto* add = panel.findChild<QPushButton*>("addParameterButton");
        for (const Wanted& w : wanted) {
            QTest::mouseClick(add, Qt::LeftButton);
            const int r = m->rowCount() - 1;
            QVERIFY2(pickName(*editor, r, QString::fromLatin1(w.name)), w.name);
            QCOMPARE(m->row(r).name, QString::fromLatin1(w.name));
            if (*w.low) QVERIFY(m->setData(m->index(r, SearchSpaceModel::LowColumn), QString::fromLatin1(w.low)));
            if (*w.high) QVERIFY(m->setData(m->index(r, SearchSpaceModel::HighColumn), QString::fromLatin1(w.high)));
            QVERIFY2(!m->hasCellErrors(), qPrintable(m->firstCellError()));
        }
        // The notebook's log scales: the learning rate, the weight decay and the class weights.
        for (const char* name : {"weight_decay", "class_weight_0", "class_weight_1"})
            QVERIFY(m->setData(m->index(m->indexOf(QString::fromLatin1(name)), SearchSpaceModel::LogColumn), Qt::Checked,
                               Qt::CheckStateRole));
        QVERIFY(shoot(panel, SetupPanel::SearchSpaceSection, "setup_ax_text_space"));
        // The Presets menu offers text_bag's own presets, not an MLP's.
        QMenu* presets = panel.findChild<QToolButton*>("presetsButton")->menu();
        QVERIFY(presets->findChild<QAction*>("preset_space:text_bag"));
        QVERIFY(presets->findChild<QAction*>("preset_text_ngrams"));
        QVERIFY(!presets->findChild<QAction*>("preset_space:mlp"));
        QVERIFY(!presets->findChild<QAction*>("preset_activation"));
        presets->popup(panel.mapToGlobal(QPoint(10, 60)));
        QVERIFY(QTest::qWaitForWindowExposed(presets));
        QVERIFY(presets->grab().save(TW_BUILD_DIR "/screenshots/setup_ax_text_presets.png"));
        presets->hide();
        // An int's step does not apply: its dash sits in the middle as the others' do.
        QCOMPARE(m->data(m->index(m->indexOf("epochs"), SearchSpaceModel::StepColumn), Qt::TextAlignmentRole).toInt(),
                 int(Qt::AlignCenter));

        // The objective: F1 of the positive class.
        auto* metric = panel.findChild<QComboBox*>("metricCombo");
        metric->setCurrentIndex(metric->findData("f1"));
        panel.findChild<QComboBox*>("positiveClassCombo")->setCurrentText(QStringLiteral("startrek"));
        QCOMPARE(metric->currentText(), QStringLiteral("F1 (class 'startrek')"));
        // Searched settings in blue italics, and only those: the weights of
        // the classes override the fixed class weights; the units the first
        // space searched are fixed again.
        auto italic = [&](const char* name) {
            auto* w = panel.findChild<QWidget*>(name);
            auto* edit = w ? w->findChild<QLineEdit*>() : nullptr;
            return edit && edit->font().italic();
        };
        QVERIFY(italic("epochsSpin"));
        QVERIFY(italic("classWeightsCombo"));
        QVERIFY(!italic("text_bag.units"));
        QVERIFY(!italic("text_bag.hidden_layers"));
        QVERIFY(!italic("batchSizeSpin"));
        QVERIFY(shoot(panel, SetupPanel::ModelSection, "setup_ax_text_model"));
        QVERIFY(shoot(panel, SetupPanel::OptimizationSection, "setup_ax_text_optimization"));

        QVERIFY2(panel.isValid(), qPrintable(panel.invalidReason()));
        const train::StudySpec spec = panel.spec();
        QCOMPARE(spec.name, std::string("quotes"));
        QCOMPARE(spec.model.family, std::string("text_bag"));
        QCOMPARE(spec.training.optimizer, std::string("adamw"));
        QCOMPARE(spec.dataset.target, std::string("label"));
        QCOMPARE(spec.objective.metric, std::string("f1"));
        QCOMPARE(spec.objective.positiveClass, std::string("startrek"));
        QVERIFY(spec.objective.direction == study::Direction::Maximize);
        QCOMPARE(spec.space.size(), size_t(6));
        for (const Wanted& w : wanted) QVERIFY2(spec.space.indexOf(w.name) >= 0, w.name);
        const auto& lr = std::get<space::FloatParam>(spec.space[size_t(spec.space.indexOf("learning_rate"))]);
        QVERIFY(lr.log && lr.low > 0 && lr.low < lr.high);
        const auto& decay = std::get<space::FloatParam>(spec.space[size_t(spec.space.indexOf("weight_decay"))]);
        QVERIFY(decay.log);
        QCOMPARE(decay.low, 0.005);
        QCOMPARE(decay.high, 0.5);
        const auto& epochs = std::get<space::IntParam>(spec.space[size_t(spec.space.indexOf("epochs"))]);
        QCOMPARE(epochs.high, 3.0);
        const auto& w1 = std::get<space::FloatParam>(spec.space[size_t(spec.space.indexOf("class_weight_1"))]);
        QVERIFY(w1.log);
        QCOMPARE(w1.high, 3.5);
        QVERIFY(spec.warnings().empty());
        QVERIFY2(label(panel, "validityLabel").startsWith(QStringLiteral("✔")), qPrintable(label(panel, "validityLabel")));
        // What the panel built reads back as the same spec.
        QCOMPARE(train::StudySpec::fromJson(spec.toJson()).toJson(), spec.toJson());

        // Two short trials of it run.
        auto st = study::Study::createInMemory(train::studyConfigFor(spec));
        train::DataSource data(spec);
        train::Tuner tuner(spec, *st, data);
        for (int i = 0; i < 2; ++i) {
            const train::TrialSummary t = tuner.runTrial(nullptr, "cpu");
            QVERIFY2(t.state == study::TrialState::Complete, t.reason.c_str());
            QVERIFY(t.value && *t.value >= 0 && *t.value <= 1);
        }
    }

    void missingDataFileIsAskedFor()
    {
        // titanic.json names data-train-large.csv next to itself, where it is not.
        if (!QFileInfo::exists(kTitanic + "/data-train-large.csv")) QSKIP("../shared/datasets/titanic is absent");
        SetupPanel panel;
        QStringList asked;
        panel.setMissingFileAsker([&](const QString& missing, const QString& what) {
            asked << QFileInfo(missing).fileName() + " (" + what + ")";
            return kTitanic + "/" + QFileInfo(missing).fileName();
        });
        QString error;
        QVERIFY2(panel.loadSpecFile(kExamples + "titanic.json", &error), qPrintable(error));
        // Asked once, naming the file; the test CSV next to it is found without asking.
        QCOMPARE(asked, QStringList{"data-train-large.csv (training CSV)"});
        const auto spec = panel.spec();
        QCOMPARE(QFileInfo(QString::fromStdString(spec.dataset.csv)).canonicalFilePath(),
                 QFileInfo(kTitanic + "/data-train-large.csv").canonicalFilePath());
        QCOMPARE(QFileInfo(QString::fromStdString(spec.dataset.testCsv)).canonicalFilePath(),
                 QFileInfo(kTitanic + "/data-test-large.csv").canonicalFilePath());
        QVERIFY2(panel.isValid(), qPrintable(panel.invalidReason()));
        QCOMPARE(balance(panel).size(), 2); // Survived: 0 and 1
        // No answer: loading goes on and the data page names the missing file.
        SetupPanel unanswered;
        unanswered.setMissingFileAsker([](const QString&, const QString&) { return QString(); });
        QVERIFY2(unanswered.loadSpecFile(kExamples + "titanic.json", &error), qPrintable(error));
        QVERIFY(!unanswered.isValid());
        QVERIFY2(unanswered.invalidReason().contains("data-train-large.csv"), qPrintable(unanswered.invalidReason()));
    }

    void warnsWhenInitialTrialsUseTheBudget()
    {
        SetupPanel panel;
        auto spec = train::StudySpec::load((kExamples + "spirals.json").toStdString());
        spec.sampler.name = "gp";
        spec.sampler.initialTrials = -1; // auto: max(5, 2 x parameters)
        panel.setSpec(spec);
        auto* trials = panel.findChild<QSpinBox*>("trialsSpin");
        auto* initial = panel.findChild<QSpinBox*>("initialSpin");
        const int automatic = spec.sampler.initialFor(spec.space.size());
        trials->setValue(automatic);
        QVERIFY(panel.isValid()); // a warning, not an error: Run stays enabled
        QVERIFY2(label(panel, "validityLabel").contains("no Bayesian step"), qPrintable(label(panel, "validityLabel")));
        trials->setValue(automatic + 1);
        QVERIFY2(label(panel, "validityLabel").startsWith("✔"), qPrintable(label(panel, "validityLabel")));
        initial->setValue(automatic + 1);
        QVERIFY(label(panel, "validityLabel").contains("no Bayesian step"));
        auto* metric = panel.findChild<QComboBox*>("metricCombo");
        metric->setCurrentIndex(metric->findData("f1"));
        panel.findChild<QComboBox*>("positiveClassCombo")->setCurrentText("1");
        panel.resize(1100, 560);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        panel.showSection(SetupPanel::OptimizationSection);
        QApplication::processEvents();
        QVERIFY(QDir().mkpath(TW_BUILD_DIR "/screenshots"));
        panel.grab().save(TW_BUILD_DIR "/screenshots/setup_budget_warning.png");
        initial->setValue(2);
        QVERIFY(label(panel, "validityLabel").startsWith("✔"));
        // Without the Gaussian process there is nothing to warn about.
        trials->setValue(2);
        QVERIFY(label(panel, "validityLabel").contains("no Bayesian step"));
        auto* sampler = panel.findChild<QComboBox*>("samplerCombo");
        sampler->setCurrentIndex(sampler->findData("random"));
        QVERIFY(label(panel, "validityLabel").startsWith("✔"));
    }

    void readOnlyWhileRunning()
    {
        SetupPanel panel;
        panel.setReadOnly(true);
        QVERIFY(!panel.findChild<QSpinBox*>("trialsSpin")->isEnabled());
        QVERIFY(!panel.findChild<QComboBox*>("datasetBuiltin")->isEnabled());
        QVERIFY(!panel.findChild<QWidget*>("addParameterButton")->isEnabled());
        SearchSpaceModel* m = panel.searchSpaceModel();
        QVERIFY(!m->setData(m->index(0, SearchSpaceModel::LowColumn), 0.5));
        panel.setReadOnly(false);
        QVERIFY(panel.findChild<QSpinBox*>("trialsSpin")->isEnabled());
        QVERIFY(m->setData(m->index(0, SearchSpaceModel::LowColumn), 0.5));
    }

    void dropCsvOnThePanel()
    {
        QTemporaryDir dir;
        const QString csv = writeFile(dir, "drop.csv", "x,y\n1,a\n2,b\n3,a\n4,b\n5,a\n6,b\n");
        SetupPanel panel;
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(csv)});
        QDragEnterEvent enter(QPoint(5, 5), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&panel, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(5, 5), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&panel, &drop);
        QCOMPARE(panel.spec().dataset.csv, QFileInfo(csv).absoluteFilePath().toStdString());
        QCOMPARE(panel.spec().dataset.target, std::string("y"));
        QCOMPARE(panel.spec().name, std::string("drop"));
        // A name typed by the user stays when other data are opened.
        panel.findChild<QLineEdit*>("studyNameEdit")->setText("mine");
        panel.datasetPage()->openCsv(writeFile(dir, "other.csv", "x,y\n1,a\n2,b\n3,a\n4,b\n"));
        QCOMPARE(panel.spec().name, std::string("mine"));
    }

    void screenshots()
    {
        SetupPanel panel;
        panel.setSpec(train::StudySpec::load((kExamples + "spirals.json").toStdString()));
        panel.resize(1280, 800);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QVERIFY(QDir().mkpath(TW_BUILD_DIR "/screenshots"));
        const char* names[] = {"data", "model", "space", "optimization"};
        for (int i = 0; i < 4; ++i) {
            panel.showSection(SetupPanel::Section(i));
            QApplication::processEvents();
            QVERIFY(panel.grab().save(QStringLiteral(TW_BUILD_DIR "/screenshots/setup_%1.png").arg(names[i])));
        }
        SearchSpaceModel* m = panel.searchSpaceModel();
        m->setData(m->index(m->indexOf("learning_rate"), SearchSpaceModel::LowColumn), 0.0);
        panel.showSection(SetupPanel::SearchSpaceSection);
        QApplication::processEvents();
        QVERIFY(panel.grab().save(TW_BUILD_DIR "/screenshots/setup_space_invalid.png"));
    }
};

QTEST_MAIN(TestSetupPanel)
#include "test_setup_panel.moc"
