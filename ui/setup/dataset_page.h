#pragma once
// The "Data" section: the data set (a built-in set, a CSV file or a folder of
// IDX files), its split and its preprocessing, with a preview of the rows,
// the class balance and the split sizes. Data is read once and cached; load
// errors (core's messages, naming the file and line) show in the section.
#include "train/study_spec.h"

#include <QWidget>

#include <nlohmann/json.hpp>

class QCheckBox;
class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableView;
class QTableWidget;

namespace tw::ui {

class DataPreviewModel;
class NumberEdit;

class DatasetPage : public QWidget {
    Q_OBJECT
public:
    explicit DatasetPage(QWidget* parent = nullptr);

    /// Fills the forms from the spec's dataset, split and preprocessing, and loads the data.
    void setSpec(const train::StudySpec& spec);
    /// Overwrites the "dataset", "split" and "preprocessing" sections of a spec's JSON.
    void writeJson(nlohmann::json& spec) const;
    /// "" or the first field that does not parse: "Data, validation share: 'x' is not a number".
    QString formError() const;
    /// "" or the error of the last load (core's message).
    QString dataError() const { return _error; }

    /// As the file dialogs and drops do; they emit datasetChosen.
    void openCsv(const QString& path);
    void openIdxFolder(const QString& dir);
    void chooseBuiltin(const QString& name);

    /// "csv" or the built-in name.
    QString kind() const;
    QStringList classNames() const { return _classNames; }
    bool isImages() const { return kind() == QLatin1String("fashion-mnist"); }
    /// True when a feature column of the CSV is text (the text families apply).
    bool isText() const { return _text; }
    /// True when the rarest class has under a quarter of the samples of the largest.
    bool isImbalanced() const { return _imbalanced; }
    bool isRegression() const { return _regression; }
    DataPreviewModel* previewModel() const { return _preview; }
    void setReadOnly(bool readOnly);

public Q_SLOTS:
    /// Reads the data (cached) and updates the preview, balance and sizes.
    void refresh();

Q_SIGNALS:
    void changed();
    /// The user chose another data set (not setSpec): the panel applies defaults.
    void datasetChosen(const QString& kind);
    /// The data were read (or failed): class names and error may have changed.
    void dataLoaded();

private:
    QComboBox* _source;
    QLineEdit *_csv, *_testCsv, *_idxDir, *_drop, *_columnTypes;
    bool _text = false;
    nlohmann::json _textSettings = nlohmann::json::object(); // the spec's text_* preprocessing keys
    std::string _task = "auto";                              // the spec's dataset "task" (no field: kept as loaded)
    QPushButton *_browseCsv, *_browseTestCsv, *_browseIdx;
    QComboBox* _target;
    QSpinBox* _limit;
    NumberEdit *_validation, *_test;
    QSpinBox* _splitSeed;
    QCheckBox *_stratify, *_standardize;
    QComboBox *_numericImpute, *_categoricalImpute;
    QFormLayout* _sourceForm;
    QWidget *_csvRow, *_testRow, *_idxRow;
    QWidget* _preprocessBox;
    QLabel *_summary, *_errorLabel, *_sizes;
    QTableView* _previewView;
    QTableWidget* _balance;
    DataPreviewModel* _preview;
    QString _error;
    QStringList _classNames;
    bool _imbalanced = false, _regression = false;
    bool _loading = false;

    QWidget* buildSourceBox();
    QWidget* buildSplitBox();
    QWidget* buildPreprocessBox();
    QWidget* buildPreviewBox();
    void updateVisibility();
    void userChangedSource();
    void edited();
    void loadCsv(const QString& path, const QString& testPath);
    void loadBuiltin(const std::string& name);
    void showBalance(const std::vector<std::string>& names, const std::vector<int64_t>& counts);
    void showSizes(int64_t train, int64_t validation, int64_t test, const QString& note);
    train::StudySpec currentSpec() const; // dataset, split and preprocessing only
};

} // namespace tw::ui
