#include "setup/search_space_editor.h"

#include "setup/search_space_model.h"
#include "setup/space_presets.h"
#include "train/study_spec.h"

#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <functional>

namespace tw::ui {

namespace {

/// The type column edits through a combo box of the three types.
class TypeDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    QWidget* createEditor(QWidget* parent, const QStyleOptionViewItem&, const QModelIndex&) const override
    {
        auto* combo = new QComboBox(parent);
        combo->addItems({QStringLiteral("float"), QStringLiteral("int"), QStringLiteral("categorical")});
        return combo;
    }
    void setEditorData(QWidget* editor, const QModelIndex& index) const override
    {
        auto* combo = static_cast<QComboBox*>(editor);
        combo->setCurrentText(index.data(Qt::EditRole).toString());
    }
    void setModelData(QWidget* editor, QAbstractItemModel* model, const QModelIndex& index) const override
    {
        model->setData(index, static_cast<QComboBox*>(editor)->currentText(), Qt::EditRole);
    }
};

/// A combo box of the settings the family can search, each with its help
/// and type as its tooltip.
QComboBox* settingCombo(QWidget* parent, const char* name, const std::vector<train::SettingInfo>& settings)
{
    auto* combo = new QComboBox(parent);
    combo->setObjectName(QString::fromLatin1(name));
    combo->setMaxVisibleItems(20);
    for (const auto& s : settings) {
        const QString key = QString::fromStdString(s.key);
        combo->addItem(key, key);
        combo->setItemData(combo->count() - 1,
                           QStringLiteral("%1 (%2)").arg(QString::fromStdString(s.help),
                                                         QString::fromStdString(train::toString(s.type))),
                           Qt::ToolTipRole);
    }
    return combo;
}

/// The name column picks one of the settings the family can search, with
/// its type and help in the list; picking one fills the row with that
/// setting's usual range (a name typed into a loaded file stays as it is
/// until another is picked).
class NameDelegate : public QStyledItemDelegate {
public:
    NameDelegate(std::function<std::vector<train::SettingInfo>()> settings, QObject* parent)
        : QStyledItemDelegate(parent), _settings(std::move(settings))
    {
    }
    QWidget* createEditor(QWidget* parent, const QStyleOptionViewItem&, const QModelIndex&) const override
    {
        return settingCombo(parent, "settingPicker", _settings());
    }
    void setEditorData(QWidget* editor, const QModelIndex& index) const override
    {
        auto* combo = static_cast<QComboBox*>(editor);
        const QString name = index.data(Qt::EditRole).toString();
        if (combo->findData(name) < 0) combo->insertItem(0, name, name); // not a setting: shown, marked invalid
        combo->setCurrentIndex(combo->findData(name));
    }
    void setModelData(QWidget* editor, QAbstractItemModel* model, const QModelIndex& index) const override
    {
        auto* combo = static_cast<QComboBox*>(editor);
        const QString name = combo->currentData().toString();
        if (name == index.data(Qt::EditRole).toString()) return;
        auto* space = qobject_cast<SearchSpaceModel*>(model);
        for (const auto& s : _settings())
            if (QString::fromStdString(s.key) == name && space) {
                space->applySetting(index.row(), s);
                return;
            }
        model->setData(index, name, Qt::EditRole);
    }

private:
    std::function<std::vector<train::SettingInfo>()> _settings;
};

/// The setting column of a parameter whose name is not a setting ("lr")
/// picks the setting it sets from the same list as the name column; the
/// row's range stays. A name that is itself a setting can go back to
/// setting itself.
class SettingDelegate : public QStyledItemDelegate {
public:
    SettingDelegate(std::function<std::vector<train::SettingInfo>()> settings, QObject* parent)
        : QStyledItemDelegate(parent), _settings(std::move(settings))
    {
    }
    QWidget* createEditor(QWidget* parent, const QStyleOptionViewItem&, const QModelIndex& index) const override
    {
        QComboBox* combo = settingCombo(parent, "settingOfParameterPicker", _settings());
        const QString name = index.siblingAtColumn(SearchSpaceModel::NameColumn).data(Qt::EditRole).toString();
        if (SearchSpaceModel::isSetting(name)) {
            combo->insertItem(0, SearchSpaceModel::tr("%1 (its name)").arg(name), name);
            combo->setItemData(0, SearchSpaceModel::tr("The parameter sets the setting it is named after"), Qt::ToolTipRole);
        }
        return combo;
    }
    void setEditorData(QWidget* editor, const QModelIndex& index) const override
    {
        auto* combo = static_cast<QComboBox*>(editor);
        const QString setting = index.data(Qt::EditRole).toString();
        if (!setting.isEmpty() && combo->findData(setting) < 0) combo->insertItem(0, setting, setting); // shown, marked invalid
        combo->setCurrentIndex(std::max(0, combo->findData(setting)));
    }
    void setModelData(QWidget* editor, QAbstractItemModel* model, const QModelIndex& index) const override
    {
        const QString setting = static_cast<QComboBox*>(editor)->currentData().toString();
        if (setting != index.data(Qt::EditRole).toString()) model->setData(index, setting, Qt::EditRole);
    }

private:
    std::function<std::vector<train::SettingInfo>()> _settings;
};

QPushButton* button(const QString& text, const QString& name, const QString& tip, QWidget* parent)
{
    auto* b = new QPushButton(text, parent);
    b->setObjectName(name);
    b->setToolTip(tip);
    return b;
}

} // namespace

SearchSpaceEditor::SearchSpaceEditor(QWidget* parent) : QWidget(parent), _model(new SearchSpaceModel(this))
{
    _view = new QTableView(this);
    _view->setObjectName(QStringLiteral("searchSpaceTable"));
    _view->setModel(_model);
    _view->setToolTip(tr("The parameters the study searches: each overrides the setting of the same name, or "
                         "the one its Setting cell names. "
                         "Double-click a cell to edit it; an invalid cell turns red and its tooltip says why."));
    _view->setSelectionBehavior(QAbstractItemView::SelectRows);
    _view->setSelectionMode(QAbstractItemView::SingleSelection);
    _view->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed |
                           QAbstractItemView::AnyKeyPressed | QAbstractItemView::SelectedClicked);
    _view->setItemDelegateForColumn(SearchSpaceModel::TypeColumn, new TypeDelegate(_view));
    _view->setItemDelegateForColumn(SearchSpaceModel::NameColumn,
                                    new NameDelegate([this] { return settingsToPick(); }, _view));
    _view->setItemDelegateForColumn(SearchSpaceModel::SettingColumn,
                                    new SettingDelegate([this] { return settingsToPick(); }, _view));
    _view->setAlternatingRowColors(false);
    _view->verticalHeader()->setDefaultSectionSize(_view->fontMetrics().height() + 12);
    auto* header = _view->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setStretchLastSection(true);
    const int em = _view->fontMetrics().horizontalAdvance(QLatin1Char('M'));
    _view->setColumnWidth(SearchSpaceModel::NameColumn, 13 * em);
    _view->setColumnWidth(SearchSpaceModel::SettingColumn, 12 * em);
    _view->setColumnWidth(SearchSpaceModel::TypeColumn, 8 * em);
    _view->setColumnWidth(SearchSpaceModel::LowColumn, 7 * em);
    _view->setColumnWidth(SearchSpaceModel::HighColumn, 7 * em);
    _view->setColumnWidth(SearchSpaceModel::LogColumn, 4 * em);
    _view->setColumnWidth(SearchSpaceModel::StepColumn, 6 * em);
    // Wide enough for "logistic_regression, random_forest"; "When" stretches.
    _view->setColumnWidth(SearchSpaceModel::ChoicesColumn, 22 * em);

    _add = button(tr("Add"), QStringLiteral("addParameterButton"), tr("Add a parameter (a float range to edit)"), this);
    _duplicate = button(tr("Duplicate"), QStringLiteral("duplicateParameterButton"),
                        tr("Copy the selected parameter below it (rename the copy)"), this);
    _remove = button(tr("Remove"), QStringLiteral("removeParameterButton"), tr("Remove the selected parameter"), this);
    _presets = new QToolButton(this);
    _presets->setObjectName(QStringLiteral("presetsButton"));
    _presets->setText(tr("Presets"));
    _presets->setToolTip(tr("Add typical parameters of the model family (learning rate on a log scale, layers, "
                            "units, activation, optimizer, dropout...)"));
    _presets->setPopupMode(QToolButton::InstantPopup);
    _presets->setToolButtonStyle(Qt::ToolButtonTextOnly);
    _presets->setMinimumHeight(_add->sizeHint().height());
    _load = button(tr("Load…"), QStringLiteral("loadSpaceButton"),
                   tr("Replace the table by a search-space JSON file ({\"parameters\": [...]})"), this);
    _save = button(tr("Save…"), QStringLiteral("saveSpaceButton"), tr("Save the table as a search-space JSON file"), this);

    auto* buttons = new QHBoxLayout;
    for (QWidget* w : std::initializer_list<QWidget*>{_add, _duplicate, _remove, _presets}) buttons->addWidget(w);
    buttons->addStretch();
    buttons->addWidget(_load);
    buttons->addWidget(_save);

    _summary = new QLabel(this);
    _summary->setObjectName(QStringLiteral("spaceSummaryLabel"));
    _summary->setToolTip(tr("Parameters searched"));
    _message = new QLabel(this);
    _message->setObjectName(QStringLiteral("spaceMessageLabel"));
    _message->setWordWrap(true);
    _message->setStyleSheet(QStringLiteral("QLabel { color: #b00020; }"));
    _message->setToolTip(tr("The first problem of the table; Run stays disabled until it is fixed"));
    _message->hide();

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(buttons);
    layout->addWidget(_view, 1);
    layout->addWidget(_summary);
    layout->addWidget(_message);

    connect(_add, &QPushButton::clicked, this, &SearchSpaceEditor::addParameter);
    connect(_remove, &QPushButton::clicked, this, &SearchSpaceEditor::removeSelected);
    connect(_duplicate, &QPushButton::clicked, this, &SearchSpaceEditor::duplicateSelected);
    connect(_load, &QPushButton::clicked, this, &SearchSpaceEditor::loadClicked);
    connect(_save, &QPushButton::clicked, this, &SearchSpaceEditor::saveClicked);
    connect(_model, &SearchSpaceModel::spaceEdited, this, &SearchSpaceEditor::updateButtons);
    connect(_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &SearchSpaceEditor::updateButtons);
    rebuildPresetMenu();
    updateButtons();
}

void SearchSpaceEditor::setFamily(const QString& family, bool imbalanced)
{
    if (family == _family && imbalanced == _imbalanced) return;
    _family = family;
    _imbalanced = imbalanced;
    rebuildPresetMenu();
}

void SearchSpaceEditor::setClassCount(int classes)
{
    _classes = classes;
}

std::vector<train::SettingInfo> SearchSpaceEditor::settingsToPick() const
{
    std::vector<train::SettingInfo> all;
    try {
        all = train::tunableSettings(_family.toStdString(), _classes);
    } catch (const std::invalid_argument&) {
        all = train::tunableSettings("mlp", _classes);
    }
    // A text column is the only feature of text data: the imputations and
    // the scaling change nothing there, the tokenizer nothing elsewhere.
    const auto& preprocessing = train::preprocessingSettings();
    const auto unused = [&](const train::SettingInfo& s) {
        const bool pre = std::any_of(preprocessing.begin(), preprocessing.end(),
                                     [&](const train::SettingInfo& p) { return p.key == s.key; });
        if (!pre) return false;
        const bool text = s.key.rfind("text_", 0) == 0;
        return _dataKind == DataKind::BuiltIn || text != (_dataKind == DataKind::Text);
    };
    all.erase(std::remove_if(all.begin(), all.end(), unused), all.end());
    return all;
}

void SearchSpaceEditor::rebuildPresetMenu()
{
    auto* menu = new QMenu(_presets);
    menu->setToolTipsVisible(true);
    bool first = true;
    for (const auto& p : spacePresets(_family, _imbalanced)) {
        QAction* a = menu->addAction(p.title);
        a->setObjectName(QStringLiteral("preset_") + p.id);
        a->setToolTip(p.tooltip);
        const QString id = p.id;
        connect(a, &QAction::triggered, this, [this, id] { applyPreset(id); });
        if (first) menu->addSeparator();
        first = false;
    }
    QMenu* old = _presets->menu();
    _presets->setMenu(menu);
    delete old;
}

int SearchSpaceEditor::applyPreset(const QString& id)
{
    if (_readOnly) return 0;
    int added = 0, last = -1;
    for (const auto& p : spacePreset(_family, id).params) {
        const QString name = QString::fromStdString(space::nameOf(p));
        if (_model->indexOf(name) >= 0) continue;
        last = _model->appendParam(p);
        ++added;
    }
    if (last >= 0) _view->selectRow(last);
    return added;
}

void SearchSpaceEditor::setReadOnly(bool readOnly)
{
    _readOnly = readOnly;
    _model->setReadOnly(readOnly);
    updateButtons();
}

void SearchSpaceEditor::setMessage(const QString& message)
{
    _message->setText(message);
    _message->setVisible(!message.isEmpty());
}

int SearchSpaceEditor::currentRow() const
{
    const auto rows = _view->selectionModel()->selectedRows();
    if (!rows.isEmpty()) return rows.front().row();
    return _view->currentIndex().isValid() ? _view->currentIndex().row() : -1;
}

void SearchSpaceEditor::updateButtons()
{
    const bool selected = currentRow() >= 0;
    _add->setEnabled(!_readOnly);
    _presets->setEnabled(!_readOnly);
    _load->setEnabled(!_readOnly);
    _remove->setEnabled(!_readOnly && selected);
    _duplicate->setEnabled(!_readOnly && selected);
    const int n = _model->rowCount();
    _summary->setText(n == 1 ? tr("1 parameter") : tr("%1 parameters").arg(n));
}

void SearchSpaceEditor::addParameter()
{
    const int row = _model->addParameter();
    _view->selectRow(row);
    _view->setCurrentIndex(_model->index(row, SearchSpaceModel::NameColumn));
}

void SearchSpaceEditor::removeSelected()
{
    const int row = currentRow();
    if (row < 0) return;
    _model->removeRows(row, 1);
    if (_model->rowCount() > 0) _view->selectRow(std::min(row, _model->rowCount() - 1));
    updateButtons();
}

void SearchSpaceEditor::duplicateSelected()
{
    const int row = _model->duplicateRow(currentRow());
    if (row >= 0) _view->selectRow(row);
}

bool SearchSpaceEditor::loadSpace(const QString& path, QString* error)
{
    if (_readOnly) return false;
    return _model->loadFile(path, error);
}

bool SearchSpaceEditor::saveSpace(const QString& path, QString* error) { return _model->saveFile(path, error); }

void SearchSpaceEditor::loadClicked()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Load search space"), {}, tr("Search space (*.json)"));
    if (path.isEmpty()) return;
    QString error;
    setMessage(loadSpace(path, &error) ? QString() : error);
}

void SearchSpaceEditor::saveClicked()
{
    QString path = QFileDialog::getSaveFileName(this, tr("Save search space"), {}, tr("Search space (*.json)"));
    if (path.isEmpty()) return;
    if (!path.endsWith(QLatin1String(".json"))) path += QStringLiteral(".json");
    QString error;
    if (!saveSpace(path, &error)) setMessage(error);
}

} // namespace tw::ui
