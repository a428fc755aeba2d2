#pragma once
// The study setup: forms for the data, the model and its training, the
// search space and the optimization, which together describe a StudySpec.
// The panel checks the whole spec with core's validation after every edit and
// reports the first problem (validityChanged), so the window can keep Run
// disabled while the setup is invalid.
#include "train/study_spec.h"

#include <QWidget>

#include <functional>

#include <nlohmann/json.hpp>

class QLabel;
class QTabWidget;

namespace tw::ui {

class DatasetPage;
class OptimizationForm;
class SearchSpaceEditor;
class SearchSpaceModel;
class TrainingForm;

class SetupPanel : public QWidget {
    Q_OBJECT
public:
    enum Section { DataSection, ModelSection, SearchSpaceSection, OptimizationSection };

    explicit SetupPanel(QWidget* parent = nullptr);

    /// Fills every form (and loads the data for the preview).
    void setSpec(const train::StudySpec& spec);
    /// The spec the forms describe; throws std::invalid_argument naming the
    /// field and the rule when it is invalid.
    train::StudySpec spec() const;
    /// The forms as spec JSON, valid or not (what spec() checks).
    nlohmann::json specJson() const;
    bool isValid() const { return _reason.isEmpty(); }
    /// "" when valid, e.g. "Search space, row 2 'lr', low: log scale needs low > 0 (low = 0)".
    QString invalidReason() const { return _reason; }

    /// StudySpec::load + setSpec; on failure *error holds core's message. A
    /// data file the spec names that does not exist is asked for (the asker,
    /// by default a file dialog naming it); a test CSV of the same name next
    /// to the chosen training CSV is taken without asking.
    bool loadSpecFile(const QString& path, QString* error);
    /// Where a missing data file is: `missing` is the path the spec names,
    /// `what` says which file ("training CSV"); "" leaves it missing.
    using MissingFileAsker = std::function<QString(const QString& missing, const QString& what)>;
    /// Replaces the file dialog (tests answer without one).
    void setMissingFileAsker(MissingFileAsker asker) { _askMissing = std::move(asker); }
    /// Writes spec().toJson(), data paths relative to the spec's folder where possible.
    bool saveSpecFile(const QString& path, QString* error);
    /// The file last loaded or saved ("" for a new setup).
    QString specPath() const { return _specPath; }

    SearchSpaceModel* searchSpaceModel() const;
    SearchSpaceEditor* searchSpaceEditor() const { return _space; }
    DatasetPage* datasetPage() const { return _data; }
    TrainingForm* trainingForm() const { return _training; }
    OptimizationForm* optimizationForm() const { return _optimization; }
    QTabWidget* sections() const { return _tabs; }
    void showSection(Section section);

    /// While a study runs: every form is shown but cannot be edited.
    void setReadOnly(bool readOnly);
    bool isReadOnly() const { return _readOnly; }

Q_SIGNALS:
    void validityChanged(bool valid, const QString& reason);
    void specChanged();

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    QTabWidget* _tabs;
    DatasetPage* _data;
    TrainingForm* _training;
    SearchSpaceEditor* _space;
    OptimizationForm* _optimization;
    QLabel* _status;
    QString _reason = QStringLiteral("?");
    QString _specPath;
    train::StudySpec _base; // keeps the settings no form shows
    bool _readOnly = false;
    bool _loading = false;
    MissingFileAsker _askMissing;
    void locateMissingData(train::StudySpec& spec);

    void revalidate();
    void edited();
    void datasetChosen(const QString& kind);
    void dataLoaded();
    void updateSearched();
};

} // namespace tw::ui
