#include "setup/setup_panel.h"

#include "setup/dataset_page.h"
#include "setup/optimization_form.h"
#include "setup/search_space_editor.h"
#include "setup/search_space_model.h"
#include "setup/training_form.h"
#include "util/printable.h"

#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QMimeData>
#include <QScrollArea>
#include <QStyle>
#include <QTabWidget>
#include <QVBoxLayout>

#include <stdexcept>

namespace tw::ui {

namespace {

QScrollArea* scrolled(QWidget* page, const char* name)
{
    auto* area = new QScrollArea;
    area->setObjectName(QString::fromLatin1(name));
    area->setWidgetResizable(true);
    area->setFrameShape(QFrame::NoFrame);
    auto* holder = new QWidget;
    auto* l = new QVBoxLayout(holder);
    l->setContentsMargins(10, 10, 10, 10);
    l->addWidget(page);
    area->setWidget(holder);
    return area;
}

/// Which section a core message ("training: 'batch_size' must be ...") is about.
int sectionOf(const QString& message)
{
    if (message.startsWith(QLatin1String("Data")) || message.startsWith(QLatin1String("dataset")) ||
        message.startsWith(QLatin1String("split")) || message.startsWith(QLatin1String("preprocessing")))
        return SetupPanel::DataSection;
    if (message.startsWith(QLatin1String("Model")) || message.startsWith(QLatin1String("model")) ||
        message.startsWith(QLatin1String("training")))
        return SetupPanel::ModelSection;
    if (message.startsWith(QLatin1String("Search space")) || message.startsWith(QLatin1String("search_space")))
        return SetupPanel::SearchSpaceSection;
    return SetupPanel::OptimizationSection;
}

/// A data path written relative to the spec's folder when it lies near it.
std::string relativePath(const std::string& path, const QDir& folder)
{
    if (path.empty() || !QFileInfo(QString::fromStdString(path)).isAbsolute()) return path;
    const QString rel = folder.relativeFilePath(QString::fromStdString(path));
    return rel.count(QStringLiteral("../")) <= 2 ? rel.toStdString() : path;
}

} // namespace

SetupPanel::SetupPanel(QWidget* parent)
    : QWidget(parent), _data(new DatasetPage), _training(new TrainingForm), _space(new SearchSpaceEditor),
      _optimization(new OptimizationForm)
{
    setAcceptDrops(true);
    _tabs = new QTabWidget(this);
    _tabs->setObjectName(QStringLiteral("setupSections"));
    _tabs->setDocumentMode(true);
    _tabs->addTab(scrolled(_data, "dataScroll"), tr("Data"));
    _tabs->addTab(scrolled(_training, "modelScroll"), tr("Model and training"));
    auto* spacePage = new QWidget;
    auto* spaceLayout = new QVBoxLayout(spacePage);
    spaceLayout->setContentsMargins(10, 10, 10, 10);
    spaceLayout->addWidget(_space);
    _tabs->addTab(spacePage, tr("Search space"));
    _tabs->addTab(scrolled(_optimization, "optimizationScroll"), tr("Optimization"));
    _tabs->setTabToolTip(DataSection, tr("The data set, its split and preprocessing, with a preview (drop a CSV file or an IDX folder here)"));
    _tabs->setTabToolTip(ModelSection, tr("The model family and the fixed training settings"));
    _tabs->setTabToolTip(SearchSpaceSection, tr("The parameters the study searches and their ranges"));
    _tabs->setTabToolTip(OptimizationSection, tr("Budget, sampler, objective, pruning and device"));

    _status = new QLabel(this);
    _status->setObjectName(QStringLiteral("validityLabel"));
    _status->setWordWrap(true);
    _status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    _status->setToolTip(tr("Whether the setup can run; the first problem otherwise (Run stays disabled until it is fixed)"));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(_tabs, 1);
    layout->addWidget(_status);

    connect(_data, &DatasetPage::changed, this, &SetupPanel::edited);
    connect(_data, &DatasetPage::datasetChosen, this, &SetupPanel::datasetChosen);
    connect(_data, &DatasetPage::dataLoaded, this, &SetupPanel::dataLoaded);
    connect(_training, &TrainingForm::changed, this, &SetupPanel::edited);
    connect(_training, &TrainingForm::familyChanged, this, [this](const QString& f) {
        _space->setFamily(f, _data->isImbalanced());
    });
    connect(_space->model(), &SearchSpaceModel::spaceEdited, this, [this] {
        updateSearched();
        edited();
    });
    connect(_optimization, &OptimizationForm::changed, this, &SetupPanel::edited);
    connect(_optimization, &OptimizationForm::deviceChanged, this, &SetupPanel::edited);

    // A new setup: the workshop's spirals with a typical MLP space.
    train::StudySpec s;
    s.name = "spirals";
    s.dataset.builtin = "spirals";
    s.training.epochs = 30;
    s.space = space::SearchSpace({space::FloatParam{"learning_rate", 1e-4, 1e-1, true, std::nullopt},
                                  space::IntParam{"hidden_layers", 1, 4, false}, space::IntParam{"units", 16, 256, true}});
    setSpec(s);
}

SearchSpaceModel* SetupPanel::searchSpaceModel() const { return _space->model(); }

void SetupPanel::showSection(Section section) { _tabs->setCurrentIndex(section); }

void SetupPanel::setSpec(const train::StudySpec& spec)
{
    _loading = true;
    _base = spec;
    _specPath = QString::fromStdString(spec.path);
    _training->setConfig(spec.model, spec.training);
    _optimization->setSpec(spec);
    _space->model()->setSpace(spec.space, spec.parameterSettings);
    _data->setSpec(spec); // loads the data: dataLoaded
    _space->setFamily(QString::fromStdString(spec.model.family), _data->isImbalanced());
    _loading = false;
    updateSearched();
    revalidate();
    Q_EMIT specChanged();
}

nlohmann::json SetupPanel::specJson() const
{
    nlohmann::json j = _base.toJson();
    _data->writeJson(j);
    _training->writeJson(j);
    _optimization->writeJson(j);
    j["search_space"] = _space->model()->specJson();
    return j;
}

train::StudySpec SetupPanel::spec() const
{
    for (const QString& e : {_data->formError(), _training->formError(), _optimization->formError()})
        if (!e.isEmpty()) throw std::invalid_argument(e.toStdString());
    if (const QString cell = _space->model()->firstCellError(); !cell.isEmpty())
        throw std::invalid_argument(tr("Search space, %1").arg(cell).toStdString());
    train::StudySpec s = train::StudySpec::fromJson(specJson());
    s.path = _specPath.toStdString();
    return s;
}

void SetupPanel::revalidate()
{
    if (_loading) return;
    QString reason;
    QStringList warnings;
    try {
        const train::StudySpec s = spec();
        for (const auto& w : s.warnings()) {
            QString text = QString::fromStdString(w.message);
            if (w.kind == train::SpecWarning::Kind::NoBayesianStep)
                text += tr(" (raise Trials above %1 or lower Initial random trials in Optimization)")
                            .arg(s.sampler.initialFor(s.space.size()));
            warnings << text;
        }
        if (!_data->dataError().isEmpty()) reason = tr("Data: %1").arg(_data->dataError());
        else if (!s.objective.positiveClass.empty() && !_data->classNames().isEmpty() &&
                 !_data->classNames().contains(QString::fromStdString(s.objective.positiveClass)))
            reason = tr("Optimization, positive class: '%1' is not a class of the data (classes: %2)")
                         .arg(QString::fromStdString(s.objective.positiveClass), _data->classNames().join(QStringLiteral(", ")));
    } catch (const std::exception& e) {
        reason = QString::fromStdString(tw::printable(e.what()));
        if (reason.isEmpty()) reason = tr("invalid setup");
        // A file that cannot be read explains more than what follows from it.
        if (!_data->dataError().isEmpty() && sectionOf(reason) == DataSection)
            reason = tr("Data: %1").arg(_data->dataError());
    }
    const int bad = reason.isEmpty() ? -1 : sectionOf(reason);
    for (int i = 0; i < _tabs->count(); ++i)
        _tabs->setTabIcon(i, i == bad ? style()->standardIcon(QStyle::SP_MessageBoxWarning) : QIcon());
    if (reason.isEmpty()) {
        const int n = _space->model()->rowCount();
        const QString ready = tr("Ready to run: %1 parameters searched, %2 trials.")
                                  .arg(n)
                                  .arg(specJson()["budget"]["trials"].get<int>());
        if (warnings.isEmpty()) {
            _status->setText(tr("✔ %1").arg(ready));
            _status->setStyleSheet(QStringLiteral("QLabel { color: #1e6b2f; background: #e6f4ea; padding: 6px 10px; }"));
        } else {
            // Runnable, but probably not what was meant: say so where Run is.
            _status->setText(tr("⚠ %1 Note: %2.").arg(ready, warnings.join(QStringLiteral("; "))));
            _status->setStyleSheet(QStringLiteral("QLabel { color: #7a4b00; background: #fff4e0; padding: 6px 10px; }"));
        }
    } else {
        _status->setText(tr("✖ %1").arg(reason));
        _status->setStyleSheet(QStringLiteral("QLabel { color: #b00020; background: #fdecea; padding: 6px 10px; }"));
    }
    if (reason != _reason) {
        _reason = reason;
        Q_EMIT validityChanged(reason.isEmpty(), reason);
    }
}

void SetupPanel::edited()
{
    if (_loading) return;
    revalidate();
    Q_EMIT specChanged();
}

void SetupPanel::datasetChosen(const QString& kind)
{
    _training->applyDefaultsFor(kind);
    _optimization->applyDefaultsFor(kind);
    nlohmann::json j = nlohmann::json::object();
    _data->writeJson(j);
    _optimization->setDataName(OptimizationForm::dataNameOf(j["dataset"]));
    _space->setFamily(_training->family(), _data->isImbalanced());
}

void SetupPanel::dataLoaded()
{
    _optimization->setClassNames(_data->classNames());
    _training->setDataKind(_data->isImages(), _data->isText());
    _space->setClassCount(int(_data->classNames().size()));
    _space->setDataKind(_data->kind() != QLatin1String("csv") ? SearchSpaceEditor::DataKind::BuiltIn
                        : _data->isText()                    ? SearchSpaceEditor::DataKind::Text
                                                             : SearchSpaceEditor::DataKind::Table);
    _space->setFamily(_training->family(), _data->isImbalanced());
    edited();
}

void SetupPanel::updateSearched()
{
    QSet<QString> keys;
    for (int r = 0; r < _space->model()->rowCount(); ++r) keys.insert(_space->model()->settingOf(r));
    _training->setSearched(keys);
}

void SetupPanel::locateMissingData(train::StudySpec& spec)
{
    auto ask = [this](const QString& missing, const QString& what) {
        if (_askMissing) return _askMissing(missing, what);
        const QString name = QFileInfo(missing).fileName();
        return QFileDialog::getOpenFileName(
            this, tr("Where is %1?").arg(name), QFileInfo(missing).absolutePath(),
            tr("%1 (%2);;CSV files (*.csv *.tsv *.txt);;All files (*)").arg(what, name));
    };
    auto exists = [](const std::string& p) { return !p.empty() && QFileInfo::exists(QString::fromStdString(p)); };
    QString chosenFolder;
    for (auto [file, what] : {std::pair{&spec.dataset.csv, tr("training CSV")}, std::pair{&spec.dataset.testCsv, tr("test CSV")}}) {
        if (file->empty() || exists(*file)) continue;
        const QString missing = QString::fromStdString(*file);
        // The talk's CSVs travel together: look next to the one just found first.
        if (!chosenFolder.isEmpty()) {
            const QString sibling = QDir(chosenFolder).filePath(QFileInfo(missing).fileName());
            if (QFileInfo::exists(sibling)) {
                *file = sibling.toStdString();
                continue;
            }
        }
        const QString answer = ask(missing, what);
        if (answer.isEmpty()) continue;  // left missing: the data page says so
        *file = QFileInfo(answer).absoluteFilePath().toStdString();
        chosenFolder = QFileInfo(answer).absolutePath();
    }
}

bool SetupPanel::loadSpecFile(const QString& path, QString* error)
{
    try {
        train::StudySpec spec = train::StudySpec::load(path.toStdString());
        locateMissingData(spec);
        setSpec(spec);
        return true;
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(tw::printable(e.what()));
        return false;
    }
}

bool SetupPanel::saveSpecFile(const QString& path, QString* error)
{
    try {
        nlohmann::json j = spec().toJson();
        const QDir folder = QFileInfo(path).absoluteDir();
        auto& d = j["dataset"];
        for (const char* key : {"csv", "test_csv", "idx_dir"})
            if (d.contains(key)) d[key] = relativePath(d[key].get<std::string>(), folder);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text))
            throw std::runtime_error(path.toStdString() + ": cannot write: " + f.errorString().toStdString());
        const std::string text = j.dump(2) + "\n";
        if (f.write(text.data(), qint64(text.size())) != qint64(text.size()))
            throw std::runtime_error(path.toStdString() + ": write failed: " + f.errorString().toStdString());
        f.close();
        _specPath = QFileInfo(path).absoluteFilePath();
        _base.path = _specPath.toStdString();
        return true;
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(tw::printable(e.what()));
        return false;
    }
}

void SetupPanel::setReadOnly(bool readOnly)
{
    _readOnly = readOnly;
    _data->setReadOnly(readOnly);
    _training->setReadOnly(readOnly);
    _space->setReadOnly(readOnly);
    _optimization->setReadOnly(readOnly);
    setAcceptDrops(!readOnly);
}

void SetupPanel::dragEnterEvent(QDragEnterEvent* event)
{
    if (_readOnly || !event->mimeData()->hasUrls()) return;
    for (const QUrl& url : event->mimeData()->urls())
        if (url.isLocalFile()) {
            event->acceptProposedAction();
            return;
        }
}

void SetupPanel::dropEvent(QDropEvent* event)
{
    if (_readOnly) return;
    for (const QUrl& url : event->mimeData()->urls()) {
        if (!url.isLocalFile()) continue;
        const QFileInfo info(url.toLocalFile());
        if (info.isDir()) {
            _data->openIdxFolder(info.absoluteFilePath());
            showSection(DataSection);
        } else if (info.suffix().compare(QLatin1String("json"), Qt::CaseInsensitive) == 0) {
            QString error;
            if (!loadSpecFile(info.absoluteFilePath(), &error)) _status->setText(tr("✖ %1").arg(error));
        } else {
            _data->openCsv(info.absoluteFilePath());
            showSection(DataSection);
        }
        event->acceptProposedAction();
        return;
    }
}

} // namespace tw::ui
