#include "setup/optimization_form.h"

#include "setup/number_edit.h"
#include "train/metrics.h"
#include "train/trainer.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QVBoxLayout>

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

QComboBox* combo(const char* name, const QStringList& items, const QString& tip)
{
    auto* c = named(new QComboBox, name, tip);
    for (const QString& i : items) c->addItem(i, i);
    return c;
}

QString q(const std::string& s) { return QString::fromStdString(s); }

} // namespace

OptimizationForm::OptimizationForm(QWidget* parent) : QWidget(parent)
{
    _name = named(new QLineEdit, "studyNameEdit", tr("Name of the study (shown in the window title and exports)"));
    _trials = named(new QSpinBox, "trialsSpin", tr("Number of trials (configurations trained) in the study"));
    _trials->setRange(1, 100000);
    _keepModels = named(new QSpinBox, "keepModelsSpin",
                        tr("The trained models of this many best trials stay with the study, to look at on the "
                           "Result page (confusion matrix, ROC, decision regions) without retraining; 0 keeps none"));
    _keepModels->setRange(0, train::StudySpec::kMaxKeptModels);
    _keepModels->setValue(3);
    _timeLimit = named(new NumberEdit, "timeLimitEdit", QString());
    _timeLimit->setHelp(tr("Stop starting trials after this many seconds; 0 = no limit"));

    _sampler = named(new QComboBox, "samplerCombo", tr("How the next configuration is chosen"));
    _sampler->addItem(tr("Gaussian process (Bayesian)"), QStringLiteral("gp"));
    _sampler->addItem(tr("Random"), QStringLiteral("random"));
    _sampler->addItem(tr("Quasi-random (Sobol)"), QStringLiteral("qmc"));
    _initial = named(new QSpinBox, "initialSpin",
                     tr("Quasi-random trials before the Gaussian process takes over; auto = max(5, 2 × parameters)"));
    _initial->setRange(-1, 100000);
    _initial->setSpecialValueText(tr("auto"));
    _acquisition = named(new QComboBox, "acquisitionCombo", tr("What the Gaussian process maximizes to pick the next trial"));
    _acquisition->addItem(tr("Log expected improvement (LogEI)"), QStringLiteral("logei"));
    _acquisition->addItem(tr("Noisy log expected improvement (LogNEI)"), QStringLiteral("lognei"));
    _acquisition->addItem(tr("Upper confidence bound (UCB)"), QStringLiteral("ucb"));
    _ucbBeta = named(new NumberEdit, "ucbBetaEdit", QString());
    _ucbBeta->setHelp(tr("UCB exploration: mean ± sqrt(beta) × standard error; larger explores more (> 0)"));
    _kernel = combo("kernelCombo", {QStringLiteral("matern52"), QStringLiteral("rbf")},
                    tr("Covariance kernel of the Gaussian process"));
    _samplerSeed = named(new QSpinBox, "samplerSeedSpin", tr("Seed of the sampler: the same seed proposes the same trials"));
    _samplerSeed->setRange(0, INT_MAX);

    _metric = named(new QComboBox, "metricCombo",
                    tr("Validation metric the study optimizes (at each trial's best epoch); precision, recall and F1 "
                       "of one positive class, or averaged over the classes (macro: each class alike; weighted: "
                       "by its number of samples)"));
    for (const auto& m : train::Metrics::names()) _metric->addItem(q(train::Metrics::label(m)), q(m));
    _direction = combo("directionCombo", {QStringLiteral("maximize"), QStringLiteral("minimize")},
                       tr("Whether larger or smaller is better; follows the metric when the metric changes"));
    _positiveClass = named(new QComboBox, "positiveClassCombo",
                           tr("Class of precision, recall and F1 (default: the second class); the averaged "
                              "metrics (macro, weighted) use every class"));
    _positiveClass->setEditable(true);

    _pruner = named(new QCheckBox(tr("Median pruning")), "prunerCheck",
                    tr("Stop a trial whose validation metric at an epoch is worse than the median of earlier trials at that epoch"));
    _warmupEpochs = named(new QSpinBox, "prunerWarmupSpin", tr("Never prune at epochs up to this one"));
    _warmupEpochs->setRange(0, 100000);
    _minTrials = named(new QSpinBox, "prunerMinTrialsSpin", tr("Earlier trials that must have reported the epoch before pruning"));
    _minTrials->setRange(1, 100000);

    _device = named(new QComboBox, "deviceCombo", tr("Where trials train: auto uses CUDA when present"));
    _device->addItem(tr("auto"), QStringLiteral("auto"));
    _device->addItem(tr("cpu"), QStringLiteral("cpu"));
    _device->addItem(tr("cuda"), QStringLiteral("cuda"));
    if (!train::cudaAvailable()) {
        auto* model = qobject_cast<QStandardItemModel*>(_device->model());
        model->item(2)->setEnabled(false);
        model->item(2)->setToolTip(tr("No CUDA device is available to this program"));
        _device->setToolTip(_device->toolTip() + tr(" (no CUDA device here: cuda is disabled)"));
    }

    auto* study = new QGroupBox(tr("Study and budget"));
    auto* f1 = new QFormLayout(study);
    f1->addRow(tr("Name"), _name);
    f1->addRow(tr("Trials"), _trials);
    f1->addRow(tr("Time limit (s)"), _timeLimit);
    f1->addRow(tr("Keep best models"), _keepModels);
    f1->addRow(tr("Device"), _device);
    auto* objective = new QGroupBox(tr("Objective"));
    auto* f2 = new QFormLayout(objective);
    f2->addRow(tr("Metric"), _metric);
    f2->addRow(tr("Direction"), _direction);
    f2->addRow(tr("Positive class"), _positiveClass);
    auto* sampler = new QGroupBox(tr("Sampler"));
    _samplerForm = new QFormLayout(sampler);
    _samplerForm->addRow(tr("Sampler"), _sampler);
    _samplerForm->addRow(tr("Initial random trials"), _initial);
    _samplerForm->addRow(tr("Acquisition"), _acquisition);
    _samplerForm->addRow(tr("UCB beta"), _ucbBeta);
    _samplerForm->addRow(tr("Kernel"), _kernel);
    _samplerForm->addRow(tr("Seed"), _samplerSeed);
    auto* pruner = new QGroupBox(tr("Pruning"));
    auto* f4 = new QFormLayout(pruner);
    f4->addRow(QString(), _pruner);
    f4->addRow(tr("Warm-up epochs"), _warmupEpochs);
    f4->addRow(tr("Minimum trials"), _minTrials);

    auto* left = new QVBoxLayout;
    left->addWidget(study);
    left->addWidget(objective);
    left->addStretch();
    auto* right = new QVBoxLayout;
    right->addWidget(sampler);
    right->addWidget(pruner);
    right->addStretch();
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(left, 1);
    layout->addLayout(right, 1);

    connect(_name, &QLineEdit::textChanged, this, [this] { edited(); });
    for (QSpinBox* s : {_trials, _keepModels, _initial, _samplerSeed, _warmupEpochs, _minTrials})
        connect(s, &QSpinBox::valueChanged, this, [this] { edited(); });
    for (NumberEdit* n : {_timeLimit, _ucbBeta}) connect(n, &NumberEdit::valueChanged, this, [this] { edited(); });
    for (QComboBox* c : {_sampler, _acquisition, _kernel, _direction})
        connect(c, &QComboBox::currentTextChanged, this, [this] { edited(); });
    connect(_positiveClass, &QComboBox::currentTextChanged, this, [this] {
        updateMetricLabels();
        edited();
    });
    connect(_pruner, &QCheckBox::toggled, this, [this] { edited(); });
    connect(_metric, &QComboBox::currentIndexChanged, this, [this] {
        const std::string m = metric().toStdString();
        if (!_loading) _direction->setCurrentText(train::Metrics::minimizes(m) ? QStringLiteral("minimize") : QStringLiteral("maximize"));
        edited();
    });
    connect(_device, &QComboBox::currentIndexChanged, this, [this] {
        if (!_loading) Q_EMIT deviceChanged(device());
    });
    setSpec({});
}

QString OptimizationForm::device() const { return _device->currentData().toString(); }

QString OptimizationForm::metric() const { return _metric->currentData().toString(); }

QString OptimizationForm::objectiveLabel() const
{
    return q(train::Metrics::label(metric().toStdString(), _positiveClass->currentText().trimmed().toStdString()));
}

void OptimizationForm::updateMetricLabels()
{
    const std::string positive = _positiveClass->currentText().trimmed().toStdString();
    for (int i = 0; i < _metric->count(); ++i)
        _metric->setItemText(i, q(train::Metrics::label(_metric->itemData(i).toString().toStdString(), positive)));
}

void OptimizationForm::setSpec(const train::StudySpec& spec)
{
    _loading = true;
    _name->setText(q(spec.name));
    _dataName = dataNameOf(spec.dataset.toJson());
    _trials->setValue(spec.budget.trials);
    _timeLimit->setValue(spec.budget.timeLimitSeconds);
    _keepModels->setValue(spec.keepModels);
    _sampler->setCurrentIndex(std::max(0, _sampler->findData(q(spec.sampler.name))));
    _initial->setValue(spec.sampler.initialTrials);
    _acquisition->setCurrentIndex(std::max(0, _acquisition->findData(q(spec.sampler.acquisition))));
    _ucbBeta->setValue(spec.sampler.ucbBeta);
    _kernel->setCurrentText(q(spec.sampler.kernel));
    _samplerSeed->setValue(int(std::min<uint64_t>(spec.sampler.seed, INT_MAX)));
    _metric->setCurrentIndex(std::max(0, _metric->findData(q(spec.objective.metric))));
    _direction->setCurrentText(q(study::toString(spec.objective.direction)));
    _positiveClass->setCurrentText(q(spec.objective.positiveClass));
    updateMetricLabels();
    _pruner->setChecked(spec.pruner.type == "median");
    _warmupEpochs->setValue(spec.pruner.warmupSteps);
    _minTrials->setValue(spec.pruner.minTrials);
    const int d = _device->findData(q(spec.training.device));
    _device->setCurrentIndex(d >= 0 ? d : 0);
    _loading = false;
    updateEnabled();
}

void OptimizationForm::writeJson(nlohmann::json& spec) const
{
    spec["name"] = _name->text().trimmed().toStdString();
    nlohmann::json objective = {{"metric", metric().toStdString()},
                                {"direction", _direction->currentText().toStdString()}};
    if (!_positiveClass->currentText().trimmed().isEmpty())
        objective["positive_class"] = _positiveClass->currentText().trimmed().toStdString();
    spec["objective"] = objective;
    spec["sampler"] = {{"name", _sampler->currentData().toString().toStdString()},
                       {"seed", uint64_t(_samplerSeed->value())},
                       {"initial", _initial->value()},
                       {"acquisition", _acquisition->currentData().toString().toStdString()},
                       {"ucb_beta", _ucbBeta->value()},
                       {"kernel", _kernel->currentText().toStdString()}};
    spec["pruner"] = {{"type", _pruner->isChecked() ? "median" : "none"},
                      {"warmup_epochs", _warmupEpochs->value()},
                      {"min_trials", _minTrials->value()}};
    spec["budget"] = {{"trials", _trials->value()}, {"time_limit_s", _timeLimit->value()}};
    spec["keep_models"] = _keepModels->value();
    if (spec.contains("training")) spec["training"]["device"] = device().toStdString();
}

QString OptimizationForm::formError() const
{
    if (!_timeLimit->isValid()) return tr("Optimization, time limit: %1").arg(_timeLimit->error());
    if (!_ucbBeta->isValid()) return tr("Optimization, UCB beta: %1").arg(_ucbBeta->error());
    return {};
}

void OptimizationForm::setClassNames(const QStringList& names)
{
    const QString keep = _positiveClass->currentText();
    const bool was = _positiveClass->blockSignals(true);
    _positiveClass->clear();
    _positiveClass->addItems(names);
    _positiveClass->setCurrentText(keep);
    _positiveClass->blockSignals(was);
    updateMetricLabels();
}

void OptimizationForm::applyDefaultsFor(const QString& kind)
{
    if (kind == QLatin1String("imbalanced")) {
        _metric->setCurrentIndex(_metric->findData(QStringLiteral("f1")));
        _positiveClass->setCurrentText(QStringLiteral("1"));
    } else {
        _metric->setCurrentIndex(_metric->findData(QStringLiteral("accuracy")));
        _positiveClass->setCurrentText(QString());
    }
}

QString OptimizationForm::dataNameOf(const nlohmann::json& dataset)
{
    if (dataset.contains("csv") && dataset["csv"].is_string())
        return QFileInfo(q(dataset["csv"].get<std::string>())).completeBaseName();
    if (dataset.contains("builtin") && dataset["builtin"].is_string()) return q(dataset["builtin"].get<std::string>());
    return {};
}

void OptimizationForm::setDataName(const QString& dataName)
{
    const QString name = _name->text().trimmed();
    if (!dataName.isEmpty() && (name.isEmpty() || name == _dataName)) _name->setText(dataName);
    _dataName = dataName;
}

void OptimizationForm::updateEnabled()
{
    const bool gp = _sampler->currentData() == QLatin1String("gp");
    const bool ucb = _acquisition->currentData() == QLatin1String("ucb");
    const bool editable = _name->isEnabled();
    _initial->setEnabled(editable && gp);
    _acquisition->setEnabled(editable && gp);
    _kernel->setEnabled(editable && gp);
    _ucbBeta->setEnabled(editable && gp && ucb);
    _positiveClass->setEnabled(editable && train::Metrics::usesPositiveClass(metric().toStdString()));
    _warmupEpochs->setEnabled(editable && _pruner->isChecked());
    _minTrials->setEnabled(editable && _pruner->isChecked());
}

void OptimizationForm::setReadOnly(bool readOnly)
{
    for (QWidget* w : findChildren<QWidget*>())
        if (qobject_cast<QLineEdit*>(w) || qobject_cast<QSpinBox*>(w) || qobject_cast<QComboBox*>(w) || qobject_cast<QCheckBox*>(w))
            w->setEnabled(!readOnly);
    updateEnabled();
}

void OptimizationForm::edited()
{
    updateEnabled();
    if (!_loading) Q_EMIT changed();
}

} // namespace tw::ui
