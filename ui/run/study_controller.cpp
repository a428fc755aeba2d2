#include "run/study_controller.h"

#include "study/model_store.h"
#include "study/storage_backend.h"

#include "train/tune.h"
#include "util/printable.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QThread>

#include <algorithm>
#include <cmath>
#include <filesystem>

namespace tw::ui {

namespace {

const space::SearchSpace& emptySpace()
{
    static const space::SearchSpace s;
    return s;
}

} // namespace

StudyController::StudyController(QObject* parent)
    : QObject(parent), _trials(std::make_shared<const std::vector<study::Trial>>())
{
    qRegisterMetaType<TrialList>();
    qRegisterMetaType<EpochEvent>();
    qRegisterMetaType<TrialEvent>();
    qRegisterMetaType<State>();
}

StudyController::~StudyController()
{
    if (!_thread) return;
    _worker->requestStop();
    _thread->quit();
    _thread->wait();
    delete _worker;
}

QString StudyController::studyName() const
{
    return _study ? QString::fromStdString(_study->config().name) : QString();
}

const space::SearchSpace& StudyController::space() const
{
    return _study ? _study->space() : emptySpace();
}

study::Direction StudyController::direction() const
{
    return _study ? _study->direction() : _spec.objective.direction;
}

sampler::SamplerConfig StudyController::samplerConfig() const
{
    return _study ? _study->config().sampler : _spec.sampler;
}

std::optional<study::Trial> StudyController::bestTrial() const
{
    const auto best = study::bestTrialNumbers(*_trials, direction(), 1);
    if (best.empty()) return std::nullopt;
    for (const auto& t : *_trials)
        if (t.number == best.front()) return t;
    return std::nullopt;
}

bool StudyController::newStudy(const train::StudySpec& spec, const QString& path, QString* error)
{
    if (running()) {
        if (error) *error = tr("A study is running; stop it first.");
        return false;
    }
    std::shared_ptr<study::Study> st;
    try {
        const std::string p = path.toStdString();
        if (!p.empty() && std::filesystem::exists(p) && std::filesystem::file_size(p) > 0) {
            st = study::Study::openFile(p);
            if (st->space().toJson() != spec.space.toJson() || st->direction() != spec.objective.direction)
                throw std::invalid_argument(
                    p + ": this study was created with another search space or direction than the setup; "
                        "choose a new study file");
            train::recordSpec(*st, spec);
        } else {
            const study::StudyConfig config = train::studyConfigFor(spec);
            st = p.empty() ? std::shared_ptr<study::Study>(study::Study::createInMemory(config))
                           : std::shared_ptr<study::Study>(study::Study::createFile(p, config));
        }
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(tw::printable(e.what()));
        return false;
    }
    adopt(std::move(st), spec, path, {});
    return true;
}

bool StudyController::openStudy(const QString& path, QString* error, bool* damaged)
{
    if (damaged) *damaged = false;
    if (running()) {
        if (error) *error = tr("A study is running; stop it first.");
        return false;
    }
    std::shared_ptr<study::Study> st;
    try {
        st = study::Study::openFile(path.toStdString());
    } catch (const study::DamagedStudyError& e) {
        if (error) *error = QString::fromStdString(tw::printable(e.what()));
        if (damaged) *damaged = true;
        return false;
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(tw::printable(e.what()));
        return false;
    }
    adoptOpened(std::move(st), path, path, {});
    return true;
}

bool StudyController::openDatabaseStudy(const QString& url, const QString& name, QString* error)
{
    if (running()) {
        if (error) *error = tr("A study is running; stop it first.");
        return false;
    }
    std::shared_ptr<study::Study> st;
    try {
        auto backend = study::connectBackend(url.toStdString());
        st = study::Study::open(backend->study(name.toStdString(), study::StorageBackend::Mode::Open));
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(tw::printable(e.what()));
        return false;
    }
    const QString shown = QString::fromStdString(study::redactUrl(url.toStdString()));
    adoptOpened(std::move(st), tr("%1 study '%2'").arg(shown, name), {}, shown);
    return true;
}

void StudyController::adoptOpened(std::shared_ptr<study::Study> st, const QString& label, const QString& path,
                                  const QString& storageUrl)
{
    QStringList warnings;
    train::StudySpec spec;
    const auto& attrs = st->config().userAttrs;
    bool readOnly = true;
    // A file's spec names its data relative to the file; a database study's
    // relative to where the window runs (as tw worker reads it).
    const std::string base = path.isEmpty() ? QDir::currentPath().toStdString()
                                            : QFileInfo(path).absolutePath().toStdString();
    if (attrs.is_object() && attrs.contains("spec")) {
        try {
            spec = train::StudySpec::fromJson(attrs["spec"], label.toStdString() + ": spec", base);
            readOnly = false;
        } catch (const std::exception& e) {
            warnings << tr("%1 The study is shown; describe its data and model in Setup to run it.").arg(QString::fromStdString(tw::printable(e.what())));
        }
    } else {
        warnings << tr("%1: this study has no study spec (it was created with `tw create`); the workbench shows "
                       "it, and runs it once Setup describes its data and model with the same search space.")
                        .arg(label);
    }
    if (readOnly) {
        spec = train::StudySpec{};
        spec.name = st->config().name;
        spec.space = st->space();
        spec.objective.direction = st->direction();
        spec.budget.trials = 0;
    }
    adopt(std::move(st), std::move(spec), path, warnings, storageUrl);
}

QString StudyController::studyLabel() const
{
    if (!_study) return {};
    if (!_storageUrl.isEmpty()) return tr("%1 study '%2'").arg(_storageUrl, studyName());
    return _path.isEmpty() ? tr("(in memory)") : _path;
}

TrialList StudyController::seen() const
{
    return std::make_shared<const std::vector<study::Trial>>(_study->trialsSeen());
}

bool StudyController::stopForEveryone(QString* error)
{
    if (!_study) {
        if (error) *error = tr("No study is open.");
        return false;
    }
    try {
        const int counted = std::max(1, _study->countedTrials()); // kept as events apply: no copy
        if (_spec.budget.trials > 0) {
            // The spec's budget is the study's: both say it (train::recordSpec).
            train::StudySpec spec = _spec;
            spec.budget.trials = counted;
            train::recordSpec(*_study, spec);
            _spec = spec;
        } else {
            study::Budget b = _study->config().budget;
            b.trials = counted;
            _study->setBudget(b);
        }
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(tw::printable(e.what()));
        return false;
    }
    pause();
    setTrials(seen());
    return true;
}

QString StudyController::modelsFolder() const
{
    if (!_study) return {};
    if (!_path.isEmpty()) return QString::fromStdString(study::modelFolderFor(_path.toStdString()));
    // Where tw worker keeps a database study's models: ./NAME.models.
    if (!_storageUrl.isEmpty())
        return QDir::current().filePath(QString::fromStdString(tw::safeFileName(studyName().toStdString())) +
                                        QStringLiteral(".models"));
    if (!_memoryModels) _memoryModels = std::make_unique<QTemporaryDir>();
    return _memoryModels->isValid() ? _memoryModels->filePath("models") : QString();
}

void StudyController::adopt(std::shared_ptr<study::Study> study, train::StudySpec spec, const QString& path,
                            QStringList warnings, const QString& storageUrl)
{
    _watcher.reset();
    _study = std::move(study);
    _spec = std::move(spec);
    _path = path;
    _storageUrl = storageUrl;
    if (!_path.isEmpty() || !_storageUrl.isEmpty()) {
        // Shared with other processes: their trials appear as they come.
        _watcher = std::make_unique<StudyWatcher>(_study, _watchPoll);
        connect(_watcher.get(), &StudyWatcher::changed, this, [this] {
            if (_study) setTrials(seen());
        });
        connect(_watcher.get(), &StudyWatcher::problem, this, &StudyController::watchProblem);
    }
    _memoryModels.reset();
    for (const auto& w : _study->warnings()) warnings << QString::fromStdString(w);
    _warnings = warnings;
    setTrials(std::make_shared<const std::vector<study::Trial>>(_study->trials()));
}

void StudyController::close()
{
    if (running()) return;
    _watcher.reset();
    _study.reset();
    _spec = train::StudySpec{};
    _path.clear();
    _storageUrl.clear();
    _memoryModels.reset();
    _warnings.clear();
    _dataDescription.clear();
    _device.clear();
    setTrials(nullptr);
}

bool StudyController::matches(const train::StudySpec& spec) const
{
    return _study && _study->space().toJson() == spec.space.toJson() &&
           _study->direction() == spec.objective.direction;
}

bool StudyController::updateSpec(const train::StudySpec& spec, QString* error)
{
    if (running() || !matches(spec)) {
        if (error)
            *error = running() ? tr("A study is running; stop it first.")
                               : tr("The setup's search space or direction differs from the open study's.");
        return false;
    }
    try {
        // Recorded in the study, so that reopening it runs with this setup.
        train::recordSpec(*_study, spec);
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(tw::printable(e.what()));
        return false;
    }
    _spec = spec;
    return true;
}

void StudyController::refresh()
{
    if (!_study || running()) return;
    setTrials(std::make_shared<const std::vector<study::Trial>>(_study->trials()));
}

int StudyController::countedTrials() const
{
    return study::countedTrials(*_trials);
}

double StudyController::elapsedSeconds() const
{
    return _clock.isValid() ? _clock.elapsed() / 1000.0 : 0.0;
}

std::optional<double> StudyController::etaSeconds() const
{
    double total = 0;
    int n = 0;
    for (const auto& t : *_trials)
        if (train::countsTowardBudget(t) && t.duration().value_or(0.0) > 0) {
            total += *t.duration();
            ++n;
        }
    if (n == 0) return std::nullopt;
    const double mean = total / n;
    const int left = std::max(0, budget() - countedTrials());
    double eta = mean * left;
    if (_runningTrial >= 0 && _trialClock.isValid() && left > 0)
        eta -= std::min(mean, _trialClock.elapsed() / 1000.0);
    if (_spec.budget.timeLimitSeconds > 0)
        eta = std::min(eta, std::max(0.0, _spec.budget.timeLimitSeconds - elapsedSeconds()));
    return std::max(0.0, eta);
}

bool StudyController::start(const QString& device, QString* error)
{
    auto fail = [&](const QString& why) {
        if (error) *error = why;
        return false;
    };
    if (running()) return fail(tr("The study is already running."));
    if (!_study) return fail(tr("No study is open."));
    if (_spec.budget.trials <= 0)
        return fail(tr("This study has no study spec to train: describe the data and model in Setup "
                       "(with the study's search space) and run again."));
    if (countedTrials() >= _spec.budget.trials)
        return fail(tr("The budget of %1 trials is spent; raise it to continue.").arg(_spec.budget.trials));

    _thread = new QThread(this);
    _worker = new StudyWorker(_spec, _study, device.toStdString(), modelsFolder().toStdString());
    _worker->moveToThread(_thread);
    connect(_thread, &QThread::started, _worker, &StudyWorker::run);
    connect(_worker, &StudyWorker::started, this, [this](const QString& data, const QString& dev, int) {
        _dataDescription = data;
        _device = dev;
        Q_EMIT runStarted(data, dev);
    });
    connect(_worker, &StudyWorker::trialStarted, this, [this](int number, int epochs, TrialList) {
        _runningTrial = number;
        _plannedEpochs = epochs;
        _epochs.clear();
        _trialClock.start();
        // The study as last read: the worker's snapshot, or newer (a watcher
        // may have read other workers' trials since).
        setTrials(seen());
        Q_EMIT trialStarted(number);
    });
    connect(_worker, &StudyWorker::epochFinished, this, [this](const EpochEvent& e) {
        if (e.trial != _runningTrial) return;
        _epochs.push_back(e);
        Q_EMIT epochFinished(e);
    });
    connect(_worker, &StudyWorker::trialFinished, this, [this](const TrialEvent& e, TrialList) {
        _runningTrial = -1;
        setTrials(seen());
        Q_EMIT trialFinished(e);
    });
    connect(_worker, &StudyWorker::trialQueued, this, [this](int number, const QString& why, TrialList) {
        if (number >= 0) setTrials(seen());
        Q_EMIT trialQueued(number, why);
    });
    connect(_worker, &StudyWorker::finished, this, &StudyController::onWorkerFinished);
    // Quit the thread's event loop from the worker itself: waitForIdle blocks
    // the GUI thread in wait(), so a queued quit would never arrive.
    connect(_worker, &StudyWorker::finished, _thread, &QThread::quit, Qt::DirectConnection);

    _clock.start();
    _device.clear();
    setState(State::Running);
    _thread->start();
    return true;
}

bool StudyController::enqueue(const std::vector<double>& params, QString* error, int* number)
{
    auto fail = [&](const QString& why) {
        if (error) *error = why;
        return false;
    };
    if (number) *number = -1;
    if (!_study) return fail(tr("No study is open."));
    if (_spec.budget.trials <= 0)
        return fail(tr("This study has no study spec to train: describe the data and model in Setup (with the "
                       "study's search space) to run a configuration."));
    try {
        _study->space().valuesToJson(params);  // names the parameter and the rule broken
    } catch (const std::exception& e) {
        return fail(QString::fromStdString(tw::printable(e.what())));
    }
    if (running() && _worker) {
        // The worker owns the study while it runs: it records the trial itself.
        _worker->requestEnqueue(params);
        return true;
    }
    try {
        const study::Trial t = _study->enqueue(params);
        if (number) *number = t.number;
        setTrials(std::make_shared<const std::vector<study::Trial>>(_study->trials()));
        Q_EMIT trialQueued(t.number, QString());
    } catch (const std::exception& e) {
        return fail(QString::fromStdString(tw::printable(e.what())));
    }
    return true;
}

void StudyController::pause()
{
    if (_state != State::Running || !_worker) return;
    _worker->requestPause();
    setState(State::Pausing);
}

void StudyController::stop()
{
    if (!running() || !_worker) return;
    _worker->requestStop();
    setState(State::Stopping);
}

void StudyController::waitForIdle()
{
    if (!_thread) return;
    _thread->wait();
    // Deliver the worker's queued events; the last, finished, ends the run.
    QCoreApplication::sendPostedEvents(this);
}

void StudyController::onWorkerFinished(const QString& why, const QString& message)
{
    _runningTrial = -1;
    _epochs.clear();
    if (_thread) {
        _thread->quit();
        _thread->wait();
        delete _worker;
        delete _thread;
        _thread = nullptr;
        _worker = nullptr;
    }
    if (_study) setTrials(std::make_shared<const std::vector<study::Trial>>(_study->trials()));
    setState(State::Idle);
    Q_EMIT runFinished(why, message);
}

void StudyController::setState(State s)
{
    if (_state == s) return;
    _state = s;
    Q_EMIT stateChanged(s);
}

void StudyController::setTrials(TrialList trials)
{
    // A trial whose process died shows as abandoned at once; the file says so
    // once the study is resumed (Tuner::failOrphans).
    if (trials && std::any_of(trials->begin(), trials->end(), [](const auto& t) { return study::isOrphaned(t); })) {
        std::vector<study::Trial> shown = *trials;
        study::markOrphansAbandoned(shown);
        trials = std::make_shared<const std::vector<study::Trial>>(std::move(shown));
    }
    _trials = trials ? std::move(trials) : std::make_shared<const std::vector<study::Trial>>();
    Q_EMIT trialsChanged();
}

} // namespace tw::ui
