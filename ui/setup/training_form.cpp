#include "setup/training_form.h"

#include "setup/model_form.h"
#include "setup/number_edit.h"
#include "train/model_family.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QRegularExpression>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <climits>

namespace tw::ui {

namespace {

QSpinBox* spin(const char* name, int low, int high, const QString& tip)
{
    auto* s = new QSpinBox;
    s->setObjectName(QString::fromLatin1(name));
    s->setRange(low, high);
    s->setToolTip(tip);
    s->setAccelerated(true);
    return s;
}

NumberEdit* number(const char* name, const QString& tip)
{
    auto* e = new NumberEdit;
    e->setObjectName(QString::fromLatin1(name));
    e->setHelp(tip);
    return e;
}

QComboBox* combo(const char* name, const QStringList& items, const QString& tip)
{
    auto* c = new QComboBox;
    c->setObjectName(QString::fromLatin1(name));
    c->addItems(items);
    c->setToolTip(tip);
    return c;
}

QString q(const std::string& s) { return QString::fromStdString(s); }
std::string s(const QString& q) { return q.toStdString(); }

} // namespace

TrainingForm::TrainingForm(QWidget* parent) : QWidget(parent)
{
    _model = new ModelForm;

    _optimizer = combo("optimizerCombo", {QStringLiteral("sgd"), QStringLiteral("adam"), QStringLiteral("adamw"), QStringLiteral("rmsprop")},
                       tr("The update rule"));
    _learningRate = number("learningRateEdit", tr("Step size of the optimizer, > 0 (e.g. 0.001)"));
    _weightDecay = number("weightDecayEdit", tr("L2 penalty (decoupled for adamw), >= 0"));
    _momentum = number("momentumEdit", tr("SGD momentum, in [0, 1)"));
    _nesterov = new QCheckBox(tr("Nesterov momentum"));
    _nesterov->setObjectName(QStringLiteral("nesterovCheck"));
    _nesterov->setToolTip(tr("SGD with Nesterov momentum (needs momentum > 0)"));
    _beta1 = number("beta1Edit", tr("Adam / AdamW first-moment decay, in [0, 1)"));
    _beta2 = number("beta2Edit", tr("Adam / AdamW second-moment decay, in [0, 1)"));
    _epsilon = number("epsilonEdit", tr("Denominator term of Adam, AdamW and RMSprop, > 0"));
    _batchSize = spin("batchSizeSpin", 1, 1 << 20, tr("Samples per optimizer step"));
    _epochs = spin("epochsSpin", 1, 100000, tr("Passes over the training data per trial"));
    _warmup = number("warmupEdit", tr("Share of all steps with a linear learning-rate warm-up, in [0, 1]"));
    _schedule = combo("scheduleCombo", {QStringLiteral("constant"), QStringLiteral("linear"), QStringLiteral("cosine"), QStringLiteral("step")},
                      tr("Learning rate after the warm-up: constant, linear or cosine decay to 0, or step (×0.1 at 50%, ×0.01 at 75%)"));
    _loss = combo("lossCombo", {QStringLiteral("auto"), QStringLiteral("cross_entropy"), QStringLiteral("bce"), QStringLiteral("mse")},
                  tr("auto: cross-entropy for classification, MSE for regression; bce: binary tasks only"));
    _classWeights = combo("classWeightsCombo", {QStringLiteral("none"), QStringLiteral("balanced")},
                          tr("Loss weight per class: none, balanced (n / (k · count)) or a list such as 1,5"));
    _classWeights->setEditable(true);
    _patience = spin("patienceSpin", 0, 100000, tr("Early stopping: epochs without improvement of the objective; 0 = off"));
    _patience->setSpecialValueText(tr("off"));
    _clipNorm = number("clipNormEdit", tr("Clip the global gradient norm to this value; 0 = off"));
    _seed = spin("trainingSeedSpin", 0, INT_MAX, tr("Seed of the initialization, data order and dropout"));

    auto* modelBox = new QGroupBox(tr("Model"));
    _modelForm = new QFormLayout(modelBox);
    _modelForm->addRow(_model);

    auto* trainBox = new QGroupBox(tr("Training"));
    _trainForm = new QFormLayout(trainBox);
    _trainForm->addRow(tr("Epochs"), _epochs);
    _trainForm->addRow(tr("Batch size"), _batchSize);
    _trainForm->addRow(tr("Learning rate"), _learningRate);
    _trainForm->addRow(tr("Schedule"), _schedule);
    _trainForm->addRow(tr("Warm-up ratio"), _warmup);
    _trainForm->addRow(tr("Loss"), _loss);
    _trainForm->addRow(tr("Class weights"), _classWeights);
    _trainForm->addRow(tr("Early stopping"), _patience);
    _trainForm->addRow(tr("Gradient clipping"), _clipNorm);
    _trainForm->addRow(tr("Seed"), _seed);

    auto* optBox = new QGroupBox(tr("Optimizer"));
    _optimizerForm = new QFormLayout(optBox);
    _optimizerForm->addRow(tr("Optimizer"), _optimizer);
    _optimizerForm->addRow(tr("Weight decay"), _weightDecay);
    _optimizerForm->addRow(tr("Momentum"), _momentum);
    _optimizerForm->addRow(QString(), _nesterov);
    _optimizerForm->addRow(tr("Beta 1"), _beta1);
    _optimizerForm->addRow(tr("Beta 2"), _beta2);
    _optimizerForm->addRow(tr("Epsilon"), _epsilon);

    auto* left = new QVBoxLayout;
    left->addWidget(modelBox);
    left->addStretch();
    auto* right = new QVBoxLayout;
    right->addWidget(optBox);
    right->addStretch();
    auto* columns = new QHBoxLayout;
    columns->addLayout(left, 1);
    columns->addWidget(trainBox, 1, Qt::AlignTop);
    columns->addLayout(right, 1);
    auto* note = new QLabel(tr("Fixed settings of every trial. Values in <i style='color:#1a56b0'>blue italics</i> are "
                               "searched: the search space overrides them in each trial."));
    note->setObjectName(QStringLiteral("searchedNote"));
    note->setWordWrap(true);
    note->setToolTip(tr("Edit the ranges of searched settings on the Search space tab"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(note);
    layout->addLayout(columns);

    _byKey = {{"optimizer", _optimizer}, {"learning_rate", _learningRate},
              {"weight_decay", _weightDecay}, {"momentum", _momentum}, {"nesterov", _nesterov}, {"beta1", _beta1},
              {"beta2", _beta2}, {"epsilon", _epsilon}, {"batch_size", _batchSize}, {"epochs", _epochs},
              {"warmup_ratio", _warmup}, {"schedule", _schedule}, {"loss", _loss}, {"class_weights", _classWeights},
              {"patience", _patience}, {"clip_norm", _clipNorm}};
    for (auto it = _byKey.begin(); it != _byKey.end(); ++it) {
        QWidget* w = it.value();
        if (auto* c = qobject_cast<QComboBox*>(w)) {
            connect(c, &QComboBox::currentTextChanged, this, [this] { edited(); });
        } else if (auto* sb = qobject_cast<QSpinBox*>(w)) {
            connect(sb, &QSpinBox::valueChanged, this, [this] { edited(); });
        } else if (auto* cb = qobject_cast<QCheckBox*>(w)) {
            connect(cb, &QCheckBox::toggled, this, [this] { edited(); });
        } else if (auto* n = qobject_cast<NumberEdit*>(w)) {
            connect(n, &NumberEdit::valueChanged, this, [this] { edited(); });
        }
    }
    connect(_seed, &QSpinBox::valueChanged, this, [this] { edited(); });
    connect(_model, &ModelForm::changed, this, [this] { edited(); });
    connect(_model, &ModelForm::familyChanged, this, [this](const QString& f) {
        updateApplicable();
        if (!_loading) Q_EMIT familyChanged(f);
    });
    connect(_optimizer, &QComboBox::currentTextChanged, this, [this] { updateVisibility(); });
    setConfig({}, {});
}

QString TrainingForm::family() const { return _model->family(); }

void TrainingForm::updateVisibility()
{
    const QString o = _optimizer->currentText();
    const bool sgd = o == QLatin1String("sgd"), adam = o.startsWith(QLatin1String("adam"));
    _optimizerForm->setRowVisible(_momentum, sgd);
    _optimizerForm->setRowVisible(_nesterov, sgd);
    _optimizerForm->setRowVisible(_beta1, adam);
    _optimizerForm->setRowVisible(_beta2, adam);
    _optimizerForm->setRowVisible(_epsilon, !sgd);
}

void TrainingForm::setConfig(const train::ModelConfig& m, const train::TrainConfig& t)
{
    _loading = true;
    _model->setConfig(m);
    updateApplicable();
    _optimizer->setCurrentText(q(t.optimizer));
    _learningRate->setValue(t.learningRate);
    _weightDecay->setValue(t.weightDecay);
    _momentum->setValue(t.momentum);
    _nesterov->setChecked(t.nesterov);
    _beta1->setValue(t.beta1);
    _beta2->setValue(t.beta2);
    _epsilon->setValue(t.epsilon);
    _batchSize->setValue(t.batchSize);
    _epochs->setValue(t.epochs);
    _warmup->setValue(t.warmupRatio);
    _schedule->setCurrentText(q(t.schedule));
    _loss->setCurrentText(q(t.loss));
    _classWeights->setCurrentText(q(t.classWeights));
    _patience->setValue(t.patience);
    _clipNorm->setValue(t.clipNorm);
    _seed->setValue(int(std::min<uint64_t>(t.seed, INT_MAX)));
    _device = q(t.device);
    _loading = false;
    updateVisibility();
}

void TrainingForm::writeJson(nlohmann::json& spec) const
{
    spec["model"] = _model->toJson();
    spec["training"] = {{"optimizer", s(_optimizer->currentText())},
                        {"learning_rate", _learningRate->value()},
                        {"weight_decay", _weightDecay->value()},
                        {"momentum", _momentum->value()},
                        {"nesterov", _nesterov->isChecked()},
                        {"beta1", _beta1->value()},
                        {"beta2", _beta2->value()},
                        {"epsilon", _epsilon->value()},
                        {"batch_size", _batchSize->value()},
                        {"epochs", _epochs->value()},
                        {"warmup_ratio", _warmup->value()},
                        {"schedule", s(_schedule->currentText())},
                        {"loss", s(_loss->currentText())},
                        {"class_weights", s(_classWeights->currentText().trimmed())},
                        {"patience", _patience->value()},
                        {"clip_norm", _clipNorm->value()},
                        {"seed", uint64_t(_seed->value())},
                        {"device", s(_device)}};
}

QString TrainingForm::formError() const
{
    if (const QString e = _model->formError(); !e.isEmpty()) return e;
    for (auto it = _byKey.begin(); it != _byKey.end(); ++it)
        if (auto* n = qobject_cast<NumberEdit*>(it.value()); n && !n->isValid())
            return tr("Model and training, %1: %2").arg(it.key(), n->error());
    return {};
}

void TrainingForm::setSearched(const QSet<QString>& keys)
{
    _model->setSearched(keys);
    static const QRegularExpression kClassWeight(QStringLiteral("^class_weight_[0-9]+$"));
    const bool classWeight = std::any_of(keys.begin(), keys.end(), [](const QString& k) { return kClassWeight.match(k).hasMatch(); });
    for (auto it = _byKey.begin(); it != _byKey.end(); ++it) {
        QWidget* w = it.value();
        // A searched class_weight_K overrides the fixed class weights.
        const bool searched = keys.contains(it.key()) || (it.key() == QLatin1String("class_weights") && classWeight);
        if (auto* n = qobject_cast<NumberEdit*>(w)) {
            n->setSearched(searched);
            continue;
        }
        markSearched(w, searched);
    }
}

void TrainingForm::setDataKind(bool images, bool text)
{
    for (const train::ModelFamily* f : train::modelFamilies()) {
        const QString name = QString::fromStdString(f->name());
        if (name == QLatin1String("cnn"))
            _model->setFamilyEnabled(name, images, tr("a CNN needs image data (Fashion-MNIST or IDX files)"));
        else if (name.startsWith(QLatin1String("text_")))
            _model->setFamilyEnabled(name, text, tr("a text model needs a CSV with a text column"));
        else
            _model->setFamilyEnabled(name, !text, tr("the data are text: choose a text model"));
    }
}

void TrainingForm::applyDefaultsFor(const QString& kind)
{
    if (kind == QLatin1String("fashion-mnist")) {
        _epochs->setValue(5);
        _batchSize->setValue(128);
        _learningRate->setValue(1e-3);
    } else {
        if (family() == QLatin1String("cnn")) _model->setFamily(QStringLiteral("mlp"));
        _epochs->setValue(kind == QLatin1String("csv") ? 40 : 30);
        _batchSize->setValue(kind == QLatin1String("csv") ? 32 : 64);
        if (kind == QLatin1String("imbalanced")) _schedule->setCurrentText(QStringLiteral("linear"));
    }
}

void TrainingForm::setDevice(const QString& device)
{
    if (_device == device) return;
    _device = device;
    edited();
}

void TrainingForm::setReadOnly(bool readOnly)
{
    _readOnly = readOnly;
    _model->setReadOnly(readOnly);
    updateApplicable();
}

void TrainingForm::updateApplicable()
{
    // A training setting the family does not read (the optimizer of a
    // random forest) is greyed, saying why.
    const train::ModelFamily* f = train::findModelFamily(family().toStdString());
    for (auto it = _byKey.begin(); it != _byKey.end(); ++it) {
        const bool used = !f || f->usesTrainingSetting(it.key().toStdString());
        it.value()->setEnabled(!_readOnly && used);
        const QString note = tr("\n\nNot used by %1.").arg(family());
        QString tip = it.value()->toolTip().remove(note);
        it.value()->setToolTip(used ? tip : tip + note);
    }
    _seed->setEnabled(!_readOnly && (!f || f->usesTrainingSetting("seed")));
}

void TrainingForm::edited()
{
    if (!_loading) Q_EMIT changed();
}

} // namespace tw::ui
