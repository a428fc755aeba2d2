#include "plots/what_if_dialog.h"

#include "analysis/grid.h"
#include "plots/plot_export.h"
#include "plots/trust_note.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QFrame>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace tw::ui {

namespace {

/// A spin box for a float parameter: numbers as written ("1e-05", "0.25"),
/// arrows that step by a hundredth of the range (multiplicatively on a log scale).
class ValueSpinBox : public QDoubleSpinBox {
public:
    ValueSpinBox(const space::FloatParam& p, QWidget* parent) : QDoubleSpinBox(parent), _p(p)
    {
        setDecimals(15);  // the value is never rounded; the text shows it short
        setRange(p.low, p.high);
        setSingleStep(p.step ? *p.step : (p.high - p.low) / 100.0);
        setAccelerated(true);
    }
    QString textFromValue(double v) const override { return QString::number(v, 'g', 6); }
    double valueFromText(const QString& text) const override { return text.trimmed().toDouble(); }
    QValidator::State validate(QString& text, int&) const override
    {
        bool ok = false;
        const double v = text.trimmed().toDouble(&ok);
        if (!ok) return QValidator::Intermediate;
        return v >= minimum() && v <= maximum() ? QValidator::Acceptable : QValidator::Intermediate;
    }
    /// Shows `v` and answers it exactly while the box holds it (the box
    /// itself rounds to its decimals).
    void setExact(double v)
    {
        _exact = v;
        setValue(v);
    }
    double exact() const { return std::abs(value() - _exact) <= 1e-15 ? _exact : value(); }
    void stepBy(int steps) override
    {
        if (!_p.log || _p.step) return QDoubleSpinBox::stepBy(steps);
        setValue(std::clamp(value() * std::pow(_p.high / _p.low, steps / 100.0), _p.low, _p.high));
    }

private:
    space::FloatParam _p;
    double _exact = NAN;
};

double snap(const space::Param& p, double v)
{
    return std::visit(
        [v](const auto& q) -> double {
            using P = std::decay_t<decltype(q)>;
            if constexpr (std::is_same_v<P, space::CategoricalParam>) {
                return std::clamp(std::round(v), 0.0, double(q.choices.size()) - 1);
            } else if constexpr (std::is_same_v<P, space::IntParam>) {
                return std::clamp(std::round(v), double(q.low), double(q.high));
            } else {
                if (!q.step) return std::clamp(v, q.low, q.high);
                return std::clamp(q.low + std::round((v - q.low) / *q.step) * *q.step, q.low, q.high);
            }
        },
        p);
}

} // namespace

WhatIfDialog::WhatIfDialog(QWidget* parent)
    : QDialog(parent), _form(new QFormLayout), _meanLabel(new QLabel(this)), _failureLabel(new QLabel(this)),
      _acquisitionLabel(new QLabel(this)), _note(new QLabel(this)), _runMessage(new QLabel(this)),
      _runButton(new QPushButton(tr("Run this configuration next"), this))
{
    setObjectName("whatIfDialog");
    setWindowTitle(tr("What if"));
    setModal(false);
    _meanLabel->setObjectName("whatIfMean");
    _failureLabel->setObjectName("whatIfFailure");
    _acquisitionLabel->setObjectName("whatIfAcquisition");
    _runButton->setObjectName("whatIfRun");
    _runMessage->setObjectName("whatIfRunMessage");
    for (QLabel* l : {_meanLabel, _failureLabel, _acquisitionLabel, _note, _runMessage}) {
        l->setWordWrap(true);
        l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    }
    QFont big = _meanLabel->font();
    big.setPointSizeF(big.pointSizeF() * 1.25);
    _meanLabel->setFont(big);
    _meanLabel->setToolTip(tr("The GP posterior mean at this configuration ± one standard error, on the "
                              "objective's scale: the very model the sampler chooses with"));
    _failureLabel->setToolTip(tr("The probability that a trial here fails (a crash, a NaN), from the failed and "
                                 "finished trials nearby"));
    _acquisitionLabel->setToolTip(tr("The acquisition the sampler maximizes, here and at its next proposal: the "
                                     "larger, the more the sampler wants to try it"));

    auto* rows = new QWidget(this);
    rows->setLayout(_form);
    _form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(rows);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);

    auto* result = new QFrame(this);
    result->setFrameShape(QFrame::StyledPanel);
    auto* resultLayout = new QVBoxLayout(result);
    resultLayout->addWidget(_meanLabel);
    resultLayout->addWidget(_failureLabel);
    resultLayout->addWidget(_acquisitionLabel);
    resultLayout->addWidget(_note);

    auto* close = new QDialogButtonBox(QDialogButtonBox::Close, this);
    close->addButton(_runButton, QDialogButtonBox::ActionRole);
    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(_runButton, &QPushButton::clicked, this, [this] {
        _runMessage->clear();
        Q_EMIT runRequested(values());
    });

    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(tr("Type a configuration: the model's prediction follows each change."), this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    layout->addWidget(scroll, 1);
    layout->addWidget(result);
    layout->addWidget(_runMessage);
    layout->addWidget(close);
    resize(460, 440);
    setRunnable(false);
    refresh();
}

void WhatIfDialog::setModel(const space::SearchSpace& space, StudyModelPtr model, const QString& objectiveName)
{
    _objective = objectiveName;
    if (model && (!model->surrogate || model->surrogate->space().toJson() != space.toJson())) model.reset();
    _model = std::move(model);
    if (space.toJson() != _space.toJson() || _rows.size() != space.size()) {
        _space = space;
        rebuild();
    }
    refresh();
}

void WhatIfDialog::rebuild()
{
    _updating = true;
    while (_form->rowCount() > 0) _form->removeRow(0);
    _rows.assign(_space.size(), Row{});
    _shown = _space.fromUnitAll(Eigen::VectorXd::Constant(_space.encodedDim(), 0.5));
    for (size_t i = 0; i < _space.size(); ++i) {
        const QString name = QString::fromStdString(space::nameOf(_space[i]));
        Row& row = _rows[i];
        row.name = new QLabel(name, this);
        QWidget* field = nullptr;
        if (const auto* c = std::get_if<space::CategoricalParam>(&_space[i])) {
            row.combo = new QComboBox(this);
            for (const auto& choice : c->choices) row.combo->addItem(QString::fromStdString(space::choiceToString(choice)));
            connect(row.combo, &QComboBox::currentIndexChanged, this, [this] { refresh(); });
            field = row.combo;
        } else if (const auto* ip = std::get_if<space::IntParam>(&_space[i])) {
            auto* spin = new QSpinBox(this);
            spin->setRange(int(ip->low), int(ip->high));
            connect(spin, &QSpinBox::valueChanged, this, [this] { refresh(); });
            row.spin = spin;
            field = spin;
        } else {
            const auto& fp = std::get<space::FloatParam>(_space[i]);
            auto* spin = new ValueSpinBox(fp, this);
            connect(spin, &QDoubleSpinBox::valueChanged, this, [this] { refresh(); });
            row.spin = spin;
            field = spin;
            spin->setToolTip(tr("%1 to %2%3").arg(formatNumber(fp.low), formatNumber(fp.high),
                                                  fp.log ? tr(" (log scale: the arrows step by a factor)") : QString()));
        }
        field->setObjectName("whatIf_" + name);
        _form->addRow(row.name, field);
        showRow(i, _shown[i]);
    }
    _updating = false;
}

void WhatIfDialog::showRow(size_t i, double value)
{
    if (!std::isfinite(value)) return;
    Row& row = _rows[i];
    if (row.combo) row.combo->setCurrentIndex(int(std::lround(value)));
    else if (auto* d = dynamic_cast<ValueSpinBox*>(row.spin)) d->setExact(value);
    else if (auto* s = qobject_cast<QSpinBox*>(row.spin)) s->setValue(int(std::lround(value)));
}

double WhatIfDialog::rowValue(size_t i) const
{
    const Row& row = _rows[i];
    if (row.combo) return row.combo->currentIndex();
    if (auto* d = dynamic_cast<const ValueSpinBox*>(row.spin)) return d->exact();
    if (auto* s = qobject_cast<QSpinBox*>(row.spin)) return s->value();
    return NAN;
}

void WhatIfDialog::setValues(const std::vector<double>& values)
{
    if (values.size() != _space.size()) return;
    _updating = true;
    for (size_t i = 0; i < values.size(); ++i) showRow(i, values[i]);
    _updating = false;
    refresh();
}

std::vector<double> WhatIfDialog::values() const
{
    std::vector<double> v(_space.size());
    for (size_t i = 0; i < _space.size(); ++i) v[i] = snap(_space[i], rowValue(i));
    return _space.size() > 0 ? analysis::completeFixedValues(_space, v) : v;
}

QString WhatIfDialog::predictionText() const
{
    return _meanLabel->text() + '\n' + _failureLabel->text() + '\n' + _acquisitionLabel->text();
}

void WhatIfDialog::setRunnable(bool on, const QString& whyNot)
{
    _runnable = on;
    _whyNot = whyNot;
    _runButton->setEnabled(on && !(_space.size() == 0));
    _runButton->setToolTip(on ? tr("Queue this configuration: the study runs it as its next trial")
                              : tr("Cannot run: %1").arg(whyNot));
}

void WhatIfDialog::setRunMessage(const QString& message, bool error)
{
    _runMessage->setText(message);
    _runMessage->setStyleSheet(error ? "color: #c0392b;" : QString());
}

void WhatIfDialog::refresh()
{
    if (_updating) return;
    const std::vector<double> v = values();
    // Rows of parameters inactive at these values are greyed.
    if (!(_space.size() == 0)) {
        const std::vector<bool> active = _space.active(v);
        for (size_t i = 0; i < _rows.size(); ++i) {
            QWidget* w = _rows[i].combo ? static_cast<QWidget*>(_rows[i].combo) : static_cast<QWidget*>(_rows[i].spin);
            w->setEnabled(active[i]);
            _rows[i].name->setEnabled(active[i]);
            _rows[i].name->setToolTip(active[i] ? QString() : QString::fromStdString(_space.inactiveReason(i, v)));
        }
    }
    _prediction = {};
    _acquisitionLabel->clear();
    _failureLabel->clear();
    const QString objective = _objective.isEmpty() ? tr("objective") : _objective;
    if (!_model || !_model->surrogate || (_space.size() == 0)) {
        _meanLabel->setText(tr("No prediction yet: the GP needs at least 2 completed trials."));
        _note->clear();
        setRunnable(_runnable, _whyNot);
        return;
    }
    const Eigen::VectorXd unit = _space.toUnit(v);
    if (_model->model) {
        const auto post = _model->model->posterior(unit);
        _prediction.mean = post.mean;
        _prediction.se = post.se;
        const Eigen::MatrixXd row = unit.transpose();
        _prediction.failure = 1.0 - _model->model->feasibility(row)[0];
        if (_model->choosing) _prediction.acquisition = _model->model->acquisition(unit);
    } else {
        Eigen::VectorXd mean, se;
        _model->surrogate->predictUnit(unit.transpose(), mean, se);
        _prediction.mean = mean[0];
        _prediction.se = se[0];
    }
    _prediction.valid = std::isfinite(_prediction.mean);
    _meanLabel->setText(tr("<b>%1</b>: %2 ± %3")
                            .arg(objective.toHtmlEscaped(), formatNumber(_prediction.mean), formatNumber(_prediction.se)));
    if (std::isfinite(_prediction.failure))
        _failureLabel->setText(_model->model->failedCount() > 0
                                   ? tr("P(failure): %1").arg(formatNumber(_prediction.failure))
                                   : tr("P(failure): no trial has failed yet"));
    if (std::isfinite(_prediction.acquisition)) {
        QString text = tr("Acquisition (%1): %2")
                           .arg(_model->acquisition == "ucb" ? tr("UCB") : tr("log EI"), formatNumber(_prediction.acquisition));
        if (_model->next && _model->next->size() == _space.size())
            text += tr(" (at the next proposal: %1)")
                        .arg(formatNumber(_model->model->acquisition(_space.toUnit(*_model->next))));
        _acquisitionLabel->setText(text);
    }
    QString note = tr("The model of trial %1, fitted on %2 observations.").arg(_model->number).arg(_model->surrogate->observations());
    if (const QString few = fewObservationsNote(_model->surrogate->observations(), int(_space.size())); !few.isEmpty())
        note += ' ' + few;
    _note->setText(note);
    setRunnable(_runnable, _whyNot);
}

} // namespace tw::ui
