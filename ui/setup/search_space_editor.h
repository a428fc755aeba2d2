#pragma once
// The search-space section: the parameter table and its buttons (add,
// duplicate, remove, presets for the model family, load / save as JSON).
#include <QWidget>

#include <vector>

class QLabel;
class QTableView;
class QToolButton;
class QPushButton;

namespace tw::train { struct SettingInfo; }

namespace tw::ui {

class SearchSpaceModel;

class SearchSpaceEditor : public QWidget {
    Q_OBJECT
public:
    explicit SearchSpaceEditor(QWidget* parent = nullptr);

    SearchSpaceModel* model() const { return _model; }
    QTableView* view() const { return _view; }
    /// The family whose presets the Presets menu offers ("mlp", "text_cnn"...), and
    /// whether the data is imbalanced (class-weight presets first).
    void setFamily(const QString& family, bool imbalanced);
    /// The number of classes of the data (class_weight_0 ... in the picker).
    void setClassCount(int classes);
    /// What the data are, for the preprocessing settings the picker offers:
    /// a CSV table's imputation and scaling, a text column's tokenizer and
    /// vocabulary (text_*), none for a built-in set (not preprocessed).
    enum class DataKind { BuiltIn, Table, Text };
    void setDataKind(DataKind kind) { _dataKind = kind; }
    DataKind dataKind() const { return _dataKind; }
    /// What the name and setting columns' pickers offer: train::tunableSettings
    /// of the family, with the preprocessing settings of the data kind only.
    std::vector<train::SettingInfo> settingsToPick() const;
    /// Adds the parameters of preset `id` not already in the table; returns how many.
    int applyPreset(const QString& id);
    void setReadOnly(bool readOnly);
    /// Shows the first problem of the table (or hides the line when "").
    void setMessage(const QString& message);

    bool loadSpace(const QString& path, QString* error);
    bool saveSpace(const QString& path, QString* error);

private Q_SLOTS:
    void addParameter();
    void removeSelected();
    void duplicateSelected();
    void loadClicked();
    void saveClicked();

private:
    SearchSpaceModel* _model;
    QTableView* _view;
    QPushButton *_add, *_remove, *_duplicate, *_load, *_save;
    QToolButton* _presets;
    QLabel* _message;
    QLabel* _summary;
    QString _family = QStringLiteral("mlp");
    bool _imbalanced = false;
    int _classes = 2;
    DataKind _dataKind = DataKind::Table;
    bool _readOnly = false;

    void rebuildPresetMenu();
    void updateButtons();
    int currentRow() const;
};

} // namespace tw::ui
