#pragma once
// The search space as an editable table: one row per parameter, columns
// name, setting, type, low, high, log, step, choices, when. A parameter
// whose name is not a setting ("lr", as Ax and Keras scripts name it) sets
// the setting of its Setting cell: a known alias's by default
// (train/setting_aliases.h), or any setting picked there; the spec records
// it as the parameter's "setting". Cells hold what the user typed,
// so a half-edited row can be shown and marked: every invalid cell gets a red
// background, a warning icon and its reason as Qt::ToolTipRole at once. The
// rules of the whole space (and of each setting) stay in core; the model only
// splits them per cell.
#include "space/search_space.h"

#include <QAbstractTableModel>
#include <QString>
#include <QVector>

#include <nlohmann/json.hpp>

#include <map>
#include <string>

namespace tw::train { struct SettingInfo; }

namespace tw::ui {

class SearchSpaceModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        NameColumn,
        SettingColumn,
        TypeColumn,
        LowColumn,
        HighColumn,
        LogColumn,
        StepColumn,
        ChoicesColumn,
        WhenColumn,
        ColumnCount
    };

    /// One parameter as typed: numbers and choices are text.
    struct Row {
        QString name;
        QString type = QStringLiteral("float"); // float | int | categorical
        QString low, high, step;
        bool log = false;
        QString choices; // comma separated; "quoted" for a string that looks like a number
        QString when;    // "optimizer = sgd, adamw; batch_norm = true"; empty: always active
        QString setting; // the setting it sets when that is not its name; empty: its name, or its alias's
    };

    explicit SearchSpaceModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    bool removeRows(int row, int count, const QModelIndex& parent = {}) override;

    /// Replaces every row (no validation needed: a SearchSpace is valid);
    /// `settings` maps a parameter to the setting it sets (StudySpec::parameterSettings).
    void setSpace(const space::SearchSpace& space, const std::map<std::string, std::string>& settings = {});
    /// The space the rows describe; throws std::invalid_argument with the
    /// first cell's reason, or core's message ("search_space: parameter ...").
    space::SearchSpace space() const;
    /// The rows as search-space JSON (DESIGN.md), numbers parsed where they
    /// parse; what core reads when the whole spec is checked.
    nlohmann::json toJson() const;
    /// toJson() with each parameter's "setting" where it differs from the
    /// name (an alias's too): a spec's search_space.
    nlohmann::json specJson() const;
    /// The setting row `r` sets: its Setting cell, else its name when that
    /// is a setting, else the alias's setting; "" when none.
    QString settingOf(int r) const;
    /// Whether `name` is itself a setting key (class_weight_3 included).
    static bool isSetting(const QString& name);

    const Row& row(int r) const { return _rows[r]; }
    /// Appends a row; returns its index.
    int appendRow(const Row& row);
    /// Appends a parameter (a preset); returns its row.
    int appendParam(const space::Param& param);
    /// A new float row with a unique placeholder name; returns its row.
    int addParameter();
    /// Inserts a copy of row `r` below it, named "<name>_copy"; returns the new row.
    int duplicateRow(int r);
    /// Row index of the parameter with this name, or -1.
    int indexOf(const QString& name) const;

    /// File I/O in the DESIGN.md format; errors name the file (and core's rule).
    bool loadFile(const QString& path, QString* error);
    bool saveFile(const QString& path, QString* error) const;

    /// "" when the cell is valid, else the rule it breaks.
    QString cellError(int row, int column) const;
    bool hasCellErrors() const;
    /// The first invalid cell as "row 2 'lr', low: log scale needs low > 0 (low = 0)", or "".
    QString firstCellError() const;

    void setReadOnly(bool readOnly);
    bool isReadOnly() const { return _readOnly; }

    static Row rowFromParam(const space::Param& param);
    /// A row that searches a setting over its schema's usual range: an int
    /// or float range (log where the schema says so), a categorical of its
    /// choices, true/false for a flag.
    static Row rowForSetting(const train::SettingInfo& setting);
    /// Row `r` becomes a search over `setting` (rowForSetting); its "when"
    /// stays. Returns false when read-only or out of range.
    bool applySetting(int r, const train::SettingInfo& setting);
    static QString columnName(int column);
    /// Choices <-> text: "relu, tanh" <-> ["relu", "tanh"]; numbers and
    /// true/false become numbers and booleans, "quoted" text stays a string.
    static QString choicesToText(const std::vector<space::Choice>& choices);
    /// Throws std::invalid_argument naming the rule (unterminated quote, empty choice).
    static std::vector<space::Choice> choicesFromText(const QString& text);
    /// Conditions <-> text: "family = random_forest, logistic_regression;
    /// depth_kind = fixed" (one "parent = choices" per condition, separated by
    /// ';'; the choices written as in the Choices column). Empty: none.
    static QString whenToText(const std::vector<space::Condition>& when);
    /// Throws std::invalid_argument naming the rule (no '=', no parent name).
    static std::vector<space::Condition> whenFromText(const QString& text);

Q_SIGNALS:
    /// Any edit, insert, removal or reset.
    void spaceEdited();

private:
    QVector<Row> _rows;
    QVector<QVector<QString>> _errors; // per row, per column
    bool _readOnly = false;

    void revalidate();
    QVector<QString> rowErrors(int r) const;
    QString whenError(int r) const;
    void changed();
};

} // namespace tw::ui
