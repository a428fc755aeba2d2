#include "setup/dataset_page.h"

#include "data/idx.h"
#include "setup/data_preview_model.h"
#include "setup/data_summary.h"
#include "setup/number_edit.h"
#include "util/printable.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>

#include <QFontMetrics>

#include <algorithm>
#include <climits>

namespace tw::ui {

namespace {

template <typename W>
W* named(W* w, const char* name, const QString& tip)
{
    w->setObjectName(QString::fromLatin1(name));
    w->setToolTip(tip);
    return w;
}

QWidget* pathRow(QLineEdit* edit, QPushButton* browse)
{
    auto* row = new QWidget;
    auto* l = new QHBoxLayout(row);
    l->setContentsMargins(0, 0, 0, 0);
    l->addWidget(edit, 1);
    l->addWidget(browse);
    return row;
}

QString q(const std::string& s) { return QString::fromStdString(s); }

} // namespace

DatasetPage::DatasetPage(QWidget* parent) : QWidget(parent), _preview(new DataPreviewModel(this))
{
    auto* forms = new QVBoxLayout;
    forms->addWidget(buildSourceBox());
    forms->addWidget(buildSplitBox());
    forms->addWidget(buildPreprocessBox());
    forms->addStretch();
    auto* left = new QWidget;
    left->setLayout(forms);
    left->setMinimumWidth(400);
    left->setMaximumWidth(480);
    forms->setContentsMargins(0, 0, 0, 0);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(left);
    layout->addWidget(buildPreviewBox(), 1);
    updateVisibility();
}

QWidget* DatasetPage::buildSourceBox()
{
    auto* box = new QGroupBox(tr("Data set"));
    _source = named(new QComboBox, "datasetBuiltin",
                    tr("A built-in data set of the notebooks, or a CSV file of your own (drop a CSV file or an IDX folder on the panel)"));
    _source->addItem(tr("Two spirals (built-in, 4000 / 1000)"), QStringLiteral("spirals"));
    _source->addItem(tr("Moons (built-in, 2000 / 500)"), QStringLiteral("moons"));
    _source->addItem(tr("Circles (built-in, 2000 / 500)"), QStringLiteral("circles"));
    _source->addItem(tr("Imbalanced binary (built-in, 10% positives)"), QStringLiteral("imbalanced"));
    _source->addItem(tr("Fashion-MNIST (images, 60,000 / 10,000)"), QStringLiteral("fashion-mnist"));
    _source->addItem(tr("CSV file…"), QStringLiteral("csv"));

    _csv = named(new QLineEdit, "csvPathEdit", tr("The training CSV (comma, semicolon or tab separated, header first)"));
    _csv->setPlaceholderText(tr("path/to/train.csv"));
    _browseCsv = named(new QPushButton(tr("Browse…")), "browseCsvButton", tr("Choose the training CSV file"));
    _testCsv = named(new QLineEdit, "testCsvPathEdit",
                     tr("Optional test CSV with the same columns; it replaces the test share of the split"));
    _testCsv->setPlaceholderText(tr("optional"));
    _browseTestCsv = named(new QPushButton(tr("Browse…")), "browseTestCsvButton", tr("Choose the test CSV file"));
    _target = named(new QComboBox, "targetCombo", tr("The column to predict; the others are features"));
    _idxDir = named(new QLineEdit, "idxDirEdit",
                    tr("Folder of the four Fashion-MNIST IDX files (empty: Debian's package dataset-fashion-mnist)"));
    _idxDir->setPlaceholderText(QString::fromLatin1(data::kFashionMnistDir));
    _browseIdx = named(new QPushButton(tr("Browse…")), "browseIdxButton", tr("Choose a folder of IDX files"));
    _limit = named(new QSpinBox, "limitSpin", tr("Use only the first N samples (quick experiments); 0 uses all"));
    _limit->setRange(0, INT_MAX);
    _limit->setSpecialValueText(tr("all samples"));
    _limit->setSingleStep(1000);

    _sourceForm = new QFormLayout(box);
    _sourceForm->addRow(tr("Source"), _source);
    _sourceForm->addRow(tr("Training CSV"), _csvRow = pathRow(_csv, _browseCsv));
    _sourceForm->addRow(tr("Target"), _target);
    _sourceForm->addRow(tr("Test CSV"), _testRow = pathRow(_testCsv, _browseTestCsv));
    _sourceForm->addRow(tr("IDX folder"), _idxRow = pathRow(_idxDir, _browseIdx));
    _sourceForm->addRow(tr("Limit"), _limit);

    connect(_source, qOverload<int>(&QComboBox::activated), this, [this] { userChangedSource(); });
    connect(_csv, &QLineEdit::editingFinished, this, [this] { edited(); });
    connect(_testCsv, &QLineEdit::editingFinished, this, [this] { edited(); });
    connect(_idxDir, &QLineEdit::editingFinished, this, [this] { edited(); });
    connect(_target, &QComboBox::currentTextChanged, this, [this] { if (!_loading) edited(); });
    connect(_limit, &QSpinBox::editingFinished, this, [this] { edited(); });
    connect(_browseCsv, &QPushButton::clicked, this, [this] {
        const QString p = QFileDialog::getOpenFileName(this, tr("Training CSV"), _csv->text(), tr("CSV files (*.csv *.tsv *.txt);;All files (*)"));
        if (!p.isEmpty()) openCsv(p);
    });
    connect(_browseTestCsv, &QPushButton::clicked, this, [this] {
        const QString p = QFileDialog::getOpenFileName(this, tr("Test CSV"), _testCsv->text(), tr("CSV files (*.csv *.tsv *.txt);;All files (*)"));
        if (!p.isEmpty()) {
            _testCsv->setText(p);
            edited();
        }
    });
    connect(_browseIdx, &QPushButton::clicked, this, [this] {
        const QString d = QFileDialog::getExistingDirectory(this, tr("Folder of IDX files"), _idxDir->text());
        if (!d.isEmpty()) openIdxFolder(d);
    });
    return box;
}

QWidget* DatasetPage::buildSplitBox()
{
    auto* box = new QGroupBox(tr("Split"));
    _validation = named(new NumberEdit, "validationEdit", QString());
    _validation->setHelp(tr("Share of the training data held out for validation (the objective is measured on it), in (0, 1)"));
    _test = named(new NumberEdit, "testEdit", QString());
    _test->setHelp(tr("Share held out as a test set, >= 0; a test CSV or the data set's own test set takes precedence"));
    _splitSeed = named(new QSpinBox, "splitSeedSpin", tr("Seed of the split (and of the built-in generators)"));
    _splitSeed->setRange(0, INT_MAX);
    _stratify = named(new QCheckBox(tr("Stratify by class")), "stratifyCheck",
                      tr("Keep the class proportions in every part of the split"));
    auto* form = new QFormLayout(box);
    form->addRow(tr("Validation share"), _validation);
    form->addRow(tr("Test share"), _test);
    form->addRow(tr("Seed"), _splitSeed);
    form->addRow(QString(), _stratify);
    for (NumberEdit* e : {_validation, _test}) connect(e, &QLineEdit::editingFinished, this, [this] { edited(); });
    connect(_splitSeed, &QSpinBox::editingFinished, this, [this] { edited(); });
    connect(_stratify, &QCheckBox::toggled, this, [this] { edited(); });
    return box;
}

QWidget* DatasetPage::buildPreprocessBox()
{
    auto* box = new QGroupBox(tr("Preprocessing (CSV)"));
    box->setToolTip(tr("Fitted on the training split only, then applied to the validation and test data"));
    _preprocessBox = box;
    _numericImpute = named(new QComboBox, "numericImputeCombo", tr("How missing numbers are filled: the training mean or median"));
    _numericImpute->addItems({QStringLiteral("mean"), QStringLiteral("median")});
    _categoricalImpute = named(new QComboBox, "categoricalImputeCombo",
                               tr("most_frequent: the commonest category; missing_category: a COLUMN=(missing) indicator"));
    _categoricalImpute->addItems({QStringLiteral("most_frequent"), QStringLiteral("missing_category")});
    _standardize = named(new QCheckBox(tr("Standardize numeric columns")), "standardizeCheck",
                         tr("Scale numeric columns to mean 0 and standard deviation 1 (training statistics)"));
    _drop = named(new QLineEdit, "dropColumnsEdit", tr("Columns left out of the features, comma separated (e.g. an id)"));
    _drop->setPlaceholderText(tr("e.g. PassengerId"));
    _columnTypes = named(new QLineEdit, "columnTypesEdit",
                         tr("Override detected column types (numeric, categorical or text): Pclass=categorical, "
                            "Age=numeric, tweet=text. A text column is tokenized into word ids for the text models"));
    _columnTypes->setPlaceholderText(tr("e.g. Pclass=categorical, tweet=text"));
    auto* form = new QFormLayout(box);
    form->addRow(tr("Numeric imputation"), _numericImpute);
    form->addRow(tr("Categorical imputation"), _categoricalImpute);
    form->addRow(QString(), _standardize);
    form->addRow(tr("Drop columns"), _drop);
    form->addRow(tr("Column types"), _columnTypes);
    connect(_numericImpute, &QComboBox::activated, this, [this] { edited(); });
    connect(_categoricalImpute, &QComboBox::activated, this, [this] { edited(); });
    connect(_standardize, &QCheckBox::toggled, this, [this] { edited(); });
    connect(_drop, &QLineEdit::editingFinished, this, [this] { edited(); });
    connect(_columnTypes, &QLineEdit::editingFinished, this, [this] { edited(); });
    return box;
}

QWidget* DatasetPage::buildPreviewBox()
{
    auto* box = new QGroupBox(tr("Preview"));
    _summary = named(new QLabel, "dataSummaryLabel", tr("What was read"));
    _summary->setWordWrap(true);
    _errorLabel = named(new QLabel, "dataErrorLabel", tr("Why the data could not be read"));
    _errorLabel->setWordWrap(true);
    _errorLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    _errorLabel->setStyleSheet(QStringLiteral("QLabel { color: #b00020; background: #fdecea; padding: 6px; border-radius: 3px; }"));
    _errorLabel->hide();
    _previewView = named(new QTableView, "previewTable",
                         tr("The first rows as read; each column header gives its detected type and missing count"));
    _previewView->setModel(_preview);
    _previewView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    _previewView->verticalHeader()->setDefaultSectionSize(_previewView->fontMetrics().height() + 6);
    _previewView->horizontalHeader()->setDefaultSectionSize(110);
    _balance = named(new QTableWidget(0, 3), "classBalanceTable", tr("Samples per class in the data the split draws from"));
    _balance->setHorizontalHeaderLabels({tr("Class"), tr("Count"), tr("Share")});
    _balance->verticalHeader()->hide();
    _balance->setEditTriggers(QAbstractItemView::NoEditTriggers);
    _balance->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    _balance->verticalHeader()->setDefaultSectionSize(_balance->fontMetrics().height() + 6);
    _balance->setMinimumWidth(260);
    _sizes = named(new QLabel, "splitSizesLabel", tr("Samples in the training, validation and test sets with the split settings"));
    _sizes->setWordWrap(true);

    auto* balanceBox = new QVBoxLayout;
    auto* balanceTitle = new QLabel(tr("<b>Class balance</b>"));
    balanceBox->addWidget(balanceTitle);
    balanceBox->addWidget(_balance);
    auto* sizesBox = new QVBoxLayout;
    sizesBox->addWidget(new QLabel(tr("<b>Split sizes</b>")));
    sizesBox->addWidget(_sizes);
    sizesBox->addStretch();
    auto* bottom = new QHBoxLayout;
    bottom->addLayout(balanceBox, 1);
    bottom->addLayout(sizesBox, 1);

    auto* l = new QVBoxLayout(box);
    l->addWidget(_summary);
    l->addWidget(_errorLabel);
    l->addWidget(_previewView, 1);
    l->addLayout(bottom);
    return box;
}

QString DatasetPage::kind() const { return _source->currentData().toString(); }

void DatasetPage::updateVisibility()
{
    const bool csv = kind() == QLatin1String("csv");
    _sourceForm->setRowVisible(_csvRow, csv);
    _sourceForm->setRowVisible(_target, csv);
    _sourceForm->setRowVisible(_testRow, csv);
    _sourceForm->setRowVisible(_idxRow, isImages());
    _sourceForm->setRowVisible(_limit, !csv);
    _preprocessBox->setEnabled(csv && _source->isEnabled());
}

void DatasetPage::setSpec(const train::StudySpec& spec)
{
    _loading = true;
    const auto& d = spec.dataset;
    const int at = _source->findData(d.builtin.empty() ? QStringLiteral("csv") : q(d.builtin));
    _source->setCurrentIndex(at >= 0 ? at : 0);
    _csv->setText(q(d.csv));
    _testCsv->setText(q(d.testCsv));
    _idxDir->setText(q(d.idxDir));
    _task = d.task;
    _target->clear();
    if (!d.target.empty()) _target->addItem(q(d.target));
    _limit->setValue(int(std::min<int64_t>(d.limit, INT_MAX)));
    _validation->setValue(spec.split.validation);
    _test->setValue(spec.split.test);
    _splitSeed->setValue(int(std::min<uint64_t>(spec.split.seed, INT_MAX)));
    _stratify->setChecked(spec.split.stratify);
    const auto& p = spec.preprocessing;
    _numericImpute->setCurrentText(q(p.numericImpute));
    _categoricalImpute->setCurrentText(q(p.categoricalImpute));
    _standardize->setChecked(p.standardize);
    QStringList drop, types;
    for (const auto& c : p.drop) drop << q(c);
    for (const auto& [c, t] : p.columnTypes) types << q(c) + QLatin1Char('=') + q(t);
    _drop->setText(drop.join(QStringLiteral(", ")));
    _columnTypes->setText(types.join(QStringLiteral(", ")));
    // The text settings have no fields here: kept as loaded.
    _textSettings = nlohmann::json::object();
    const nlohmann::json written = spec.toJson();
    for (const auto& [key, value] : written.at("preprocessing").items())
        if (key.rfind("text_", 0) == 0) _textSettings[key] = value;
    _loading = false;
    updateVisibility();
    refresh();
}

void DatasetPage::writeJson(nlohmann::json& spec) const
{
    nlohmann::json d = nlohmann::json::object();
    if (kind() == QLatin1String("csv")) {
        d["csv"] = _csv->text().trimmed().toStdString();
        if (!_target->currentText().isEmpty()) d["target"] = _target->currentText().toStdString();
        if (!_testCsv->text().trimmed().isEmpty()) d["test_csv"] = _testCsv->text().trimmed().toStdString();
        if (_task != "auto") d["task"] = _task;
    } else {
        d["builtin"] = kind().toStdString();
        if (isImages() && !_idxDir->text().trimmed().isEmpty()) d["idx_dir"] = _idxDir->text().trimmed().toStdString();
        if (_limit->value() > 0) d["limit"] = _limit->value();
    }
    spec["dataset"] = d;
    spec["split"] = {{"validation", _validation->value()}, {"test", _test->value()},
                     {"seed", uint64_t(_splitSeed->value())}, {"stratify", _stratify->isChecked()}};
    nlohmann::json p = {{"numeric_impute", _numericImpute->currentText().toStdString()},
                        {"categorical_impute", _categoricalImpute->currentText().toStdString()},
                        {"standardize", _standardize->isChecked()}};
    nlohmann::json drop = nlohmann::json::array();
    for (const QString& c : _drop->text().split(QLatin1Char(','), Qt::SkipEmptyParts))
        if (!c.trimmed().isEmpty()) drop.push_back(c.trimmed().toStdString());
    if (!drop.empty()) p["drop"] = drop;
    nlohmann::json types = nlohmann::json::object();
    for (const QString& item : _columnTypes->text().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QStringList kv = item.split(QLatin1Char('='));
        if (kv.size() == 2) types[kv[0].trimmed().toStdString()] = kv[1].trimmed().toStdString();
    }
    if (!types.empty()) p["column_types"] = types;
    for (const auto& [key, value] : _textSettings.items()) p[key] = value;
    spec["preprocessing"] = p;
}

QString DatasetPage::formError() const
{
    if (!_validation->isValid()) return tr("Data, validation share: %1").arg(_validation->error());
    if (!_test->isValid()) return tr("Data, test share: %1").arg(_test->error());
    static const QStringList kTypes{QStringLiteral("numeric"), QStringLiteral("categorical"), QStringLiteral("text")};
    for (const QString& item : _columnTypes->text().split(QLatin1Char(','), Qt::SkipEmptyParts))
        if (item.split(QLatin1Char('=')).size() != 2 || item.section(QLatin1Char('='), 0, 0).trimmed().isEmpty() ||
            !kTypes.contains(item.section(QLatin1Char('='), 1, 1).trimmed()))
            return tr("Data, column types: '%1' must read COLUMN=numeric, COLUMN=categorical or COLUMN=text")
                .arg(item.trimmed());
    if (kind() == QLatin1String("csv") && _csv->text().trimmed().isEmpty())
        return tr("Data: choose a CSV file (or a built-in data set)");
    return {};
}

train::StudySpec DatasetPage::currentSpec() const
{
    nlohmann::json j = {{"search_space", {{"parameters", {{{"name", "dropout"}, {"type", "float"}, {"low", 0}, {"high", 0.5}}}}}}};
    writeJson(j);
    // Before a target is chosen the file is still read, to list its columns.
    const bool noTarget = j["dataset"].contains("csv") && !j["dataset"].contains("target");
    if (noTarget) j["dataset"]["target"] = "?";
    train::StudySpec s = train::StudySpec::fromJson(j); // throws core's message for the dataset, split or preprocessing
    if (noTarget) s.dataset.target.clear();
    return s;
}

void DatasetPage::refresh()
{
    if (_loading) return;
    _loading = true;
    QApplication::setOverrideCursor(Qt::WaitCursor);
    _error.clear();
    QString warning;
    DataSummary s;
    try {
        if (formError().isEmpty()) s = summarizeData(currentSpec());
    } catch (const std::exception& e) {
        _error = q(tw::printable(e.what()));
    }
    warning = q(s.warning);
    _text = false;
    // The target list follows the CSV's columns.
    if (s.table) {
        const QString keep = _target->currentText();
        _target->clear();
        for (const auto& c : s.table->columns) _target->addItem(q(c.name));
        _target->setCurrentIndex(std::max(0, _target->findText(keep)));
        if (keep.isEmpty() || _target->findText(keep) < 0) {
            _target->setCurrentIndex(_target->count() - 1);
            for (const char* guess : {"target", "label", "class", "y", "Survived"})
                if (const int i = _target->findText(QString::fromLatin1(guess), Qt::MatchFixedString); i >= 0) _target->setCurrentIndex(i);
            if (keep != _target->currentText()) {
                _loading = false;
                QApplication::restoreOverrideCursor();
                refresh(); // with the chosen target
                Q_EMIT changed();
                return;
            }
        }
        _preview->setTable(s.table);
        _preview->setTarget(_target->currentText());
        // Wide enough for the header's two lines (name; type and missing count).
        const QFontMetrics fm = _previewView->horizontalHeader()->fontMetrics();
        for (int c = 0; c < _preview->columnCount(); ++c) {
            int w = 80;
            for (const QString& line : _preview->headerData(c, Qt::Horizontal).toString().split(QLatin1Char('\n')))
                w = std::max(w, fm.horizontalAdvance(line) + 28);
            // A text column: wide enough to read the start of each document.
            if (s.table->columns[size_t(c)].type == data::ColumnType::Text) {
                w = std::max(w, 360);
                if (q(s.table->columns[size_t(c)].name) != _target->currentText()) _text = true;
            }
            _previewView->setColumnWidth(c, std::min(w, 360));
        }
    } else if (s.preview) {
        _preview->setDataset(s.preview);
    } else {
        _preview->clear();
    }
    QString summary = q(s.description);
    if (s.preview && isImages())
        summary += tr("\nThe preview lists the first %1 images (class and a pixel summary).").arg(s.preview->size());
    _summary->setText(summary);
    _summary->setVisible(!summary.isEmpty());
    if (_error.isEmpty()) _error = warning; // a target that cannot be read fails every trial too
    const QString shown = _error;
    _errorLabel->setText(shown);
    _errorLabel->setVisible(!shown.isEmpty());
    _classNames.clear();
    for (const auto& c : s.classNames) _classNames << q(c);
    _regression = s.regression;
    showBalance(s.classNames, s.classCounts);
    if (s.train > 0) showSizes(s.train, s.validation, s.test, q(s.splitNote));
    else _sizes->setText(tr("—"));
    QApplication::restoreOverrideCursor();
    _loading = false;
    Q_EMIT dataLoaded();
}

void DatasetPage::showBalance(const std::vector<std::string>& names, const std::vector<int64_t>& counts)
{
    _balance->setRowCount(0);
    int64_t total = 0, low = INT64_MAX, high = 0;
    for (int64_t c : counts) total += c, low = std::min(low, c), high = std::max(high, c);
    _imbalanced = counts.size() >= 2 && low * 4 < high;
    _balance->setRowCount(int(counts.size()));
    for (size_t i = 0; i < counts.size() && i < names.size(); ++i) {
        auto* name = new QTableWidgetItem(q(names[i]));
        auto* count = new QTableWidgetItem(QString::number(counts[i]));
        auto* share = new QTableWidgetItem(total > 0 ? QStringLiteral("%1 %").arg(100.0 * double(counts[i]) / double(total), 0, 'f', 1) : QString());
        count->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        share->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        _balance->setItem(int(i), 0, name);
        _balance->setItem(int(i), 1, count);
        _balance->setItem(int(i), 2, share);
    }
    const int rows = std::clamp(int(counts.size()), 2, 10);
    _balance->setFixedHeight(_balance->horizontalHeader()->sizeHint().height() +
                             rows * _balance->verticalHeader()->defaultSectionSize() + 2 * _balance->frameWidth());
    _balance->setToolTip(_regression ? tr("A regression target has no classes")
                                     : _imbalanced ? tr("Imbalanced: consider class weights and the F1 of the rare class")
                                                   : tr("Samples per class in the data the split draws from"));
}

void DatasetPage::showSizes(int64_t train, int64_t validation, int64_t test, const QString& note)
{
    QString text = tr("train %L1 · validation %L2 · test %L3").arg(train).arg(validation).arg(test);
    if (!note.isEmpty()) text += QStringLiteral("\n") + note;
    _sizes->setText(text);
}

void DatasetPage::userChangedSource()
{
    updateVisibility();
    if (kind() == QLatin1String("csv") && _csv->text().isEmpty()) {
        const QString p = QFileDialog::getOpenFileName(this, tr("Training CSV"), {}, tr("CSV files (*.csv *.tsv *.txt);;All files (*)"));
        if (!p.isEmpty()) _csv->setText(p);
    }
    refresh();
    Q_EMIT datasetChosen(kind());
    Q_EMIT changed();
}

void DatasetPage::openCsv(const QString& path)
{
    _source->setCurrentIndex(_source->findData(QStringLiteral("csv")));
    _csv->setText(QFileInfo(path).absoluteFilePath());
    _target->clear();
    updateVisibility();
    refresh();
    Q_EMIT datasetChosen(kind());
    Q_EMIT changed();
}

void DatasetPage::openIdxFolder(const QString& dir)
{
    _source->setCurrentIndex(_source->findData(QStringLiteral("fashion-mnist")));
    const QString abs = QFileInfo(dir).absoluteFilePath();
    _idxDir->setText(abs == QLatin1String(data::kFashionMnistDir) ? QString() : abs);
    updateVisibility();
    refresh();
    Q_EMIT datasetChosen(kind());
    Q_EMIT changed();
}

void DatasetPage::chooseBuiltin(const QString& name)
{
    const int at = _source->findData(name);
    if (at < 0) return;
    _source->setCurrentIndex(at);
    userChangedSource();
}

void DatasetPage::edited()
{
    if (_loading) return;
    refresh();
    Q_EMIT changed();
}

void DatasetPage::setReadOnly(bool readOnly)
{
    for (QWidget* w : std::initializer_list<QWidget*>{_source, _csv, _testCsv, _idxDir, _browseCsv, _browseTestCsv, _browseIdx,
                                                      _target, _limit, _validation, _test, _splitSeed, _stratify})
        w->setEnabled(!readOnly);
    _preprocessBox->setEnabled(!readOnly && kind() == QLatin1String("csv"));
}

} // namespace tw::ui
