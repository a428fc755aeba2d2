#include "plots/contour_widgets.h"

#include "analysis/grid.h"
#include "plots/contour_field.h"
#include "plots/plot_export.h"

#include <QComboBox>
#include <QContextMenuEvent>
#include <QMenu>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHelpEvent>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QSlider>
#include <QToolTip>

#include <cmath>

namespace tw::ui {

namespace {
constexpr int kSteps = 1000;
}

ContourCanvas::ContourCanvas(QWidget* parent) : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setMinimumSize(480, 220);
    setMouseTracking(true);  // the pointer is marked on every panel
}

void ContourCanvas::setPlot(std::optional<ContourPlotData> plot)
{
    _plot = std::move(plot);
    _renderer.reset();
    _painted = QPixmap();
    if (_plot) _renderer.emplace(*_plot);
    update();
}

void ContourCanvas::setMessage(const QString& message)
{
    _message = message;
    _plot.reset();
    _renderer.reset();
    _painted = QPixmap();
    update();
}

void ContourCanvas::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    const QColor background = palette().color(QPalette::Base);
    const QColor text = palette().color(QPalette::Text);
    if (!_renderer) {
        p.fillRect(rect(), background);
        p.setPen(text);
        QFont f = font();
        f.setPixelSize(15);
        p.setFont(f);
        p.drawText(rect().adjusted(40, 40, -40, -40), Qt::AlignCenter | Qt::TextWordWrap, _message);
        return;
    }
    // The plot is painted once per size and palette; a move of the pointer
    // only draws its mark over that picture.
    const qreal dpr = devicePixelRatioF();
    const QSize pixels = (QSizeF(size()) * dpr).toSize();
    if (_painted.size() != pixels || _paintedBackground != background.rgba()) {
        _renderer->setColors(background, text);
        _painted = QPixmap(pixels);
        _painted.setDevicePixelRatio(dpr);
        _painted.fill(background);
        _paintedBackground = background.rgba();
        QPainter pp(&_painted);
        if (_logical.isEmpty()) {
            _renderer->paint(pp, QRectF(rect()));
        } else {
            const double scale = std::min(width() / double(_logical.width()), height() / double(_logical.height()));
            pp.translate((width() - scale * _logical.width()) / 2, (height() - scale * _logical.height()) / 2);
            pp.scale(scale, scale);
            _renderer->paint(pp, QRectF(QPointF(0, 0), QSizeF(_logical)));
        }
    }
    p.drawPixmap(0, 0, _painted);
    if (_logical.isEmpty() && underMouse())
        if (const auto probe = _renderer->probe(QRectF(rect()), mapFromGlobal(QCursor::pos())))
            _renderer->paintCursor(p, QRectF(rect()), probe->fraction);
}

std::optional<std::pair<double, double>> ContourCanvas::valuesAt(const QPointF& pos) const
{
    if (!_renderer || !_logical.isEmpty()) return std::nullopt;
    const auto probe = _renderer->probe(QRectF(rect()), pos);
    if (!probe) return std::nullopt;
    return std::make_pair(probe->x, probe->y);
}

QString ContourCanvas::probeText(const QPointF& pos) const
{
    if (!_renderer || !_logical.isEmpty()) return {};
    const auto probe = _renderer->probe(QRectF(rect()), pos);
    if (!probe) return {};
    const auto& g = _plot->grid;
    auto value = [](const analysis::Axis& a, int k, double v) {
        if (a.categorical && size_t(k) < a.labels.size()) return QString::fromStdString(a.labels[size_t(k)]);
        return a.integer ? QString::number(std::llround(v)) : formatNumber(v);
    };
    const QString objective = QString::fromStdString(_plot->objectiveName);
    QString text = tr("%1 = %2, %3 = %4\nmean %5: %6\nstandard error: %7")
                       .arg(QString::fromStdString(g.x.name), value(g.x, probe->column, probe->x),
                            QString::fromStdString(g.y.name), value(g.y, probe->row, probe->y), objective,
                            formatNumber(probe->mean),
                            std::abs(probe->se) >= kUnbounded ? tr("unbounded (the GP cannot bound it here)")
                                                              : formatNumber(probe->se));
    if (std::isfinite(probe->acquisition))
        text += tr("\nacquisition (%1): %2")
                    .arg(_plot->acquisitionName == "ucb" ? tr("UCB") : tr("log EI"), formatNumber(probe->acquisition));
    if (std::isfinite(probe->failure)) text += tr("\nP(failure): %1").arg(formatNumber(probe->failure));
    return text;
}

bool ContourCanvas::event(QEvent* event)
{
    if (event->type() == QEvent::Leave) update();  // the pointer's mark goes
    if (event->type() == QEvent::ToolTip) {
        const auto* help = static_cast<QHelpEvent*>(event);
        const QString text = probeText(help->pos());
        if (!text.isEmpty()) {
            QToolTip::showText(help->globalPos(), text, this);
            return true;
        }
    }
    return QWidget::event(event);
}

void ContourCanvas::setLogicalSize(const QSize& size)
{
    _logical = size;
    update();
}

void ContourCanvas::mouseReleaseEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton) Q_EMIT clicked();
    QWidget::mouseReleaseEvent(event);
}

void ContourCanvas::mouseMoveEvent(QMouseEvent* event)
{
    if (_renderer && _logical.isEmpty()) update();  // the pointer's mark follows on every panel
    QWidget::mouseMoveEvent(event);
}

void ContourCanvas::mouseDoubleClickEvent(QMouseEvent* event)
{
    if (const auto v = valuesAt(event->position()); v && event->button() == Qt::LeftButton) {
        Q_EMIT pointPicked(v->first, v->second);
        return;
    }
    QWidget::mouseDoubleClickEvent(event);
}

void ContourCanvas::contextMenuEvent(QContextMenuEvent* event)
{
    const auto v = valuesAt(event->pos());
    if (!v) return QWidget::contextMenuEvent(event);
    QMenu menu(this);
    QAction* whatIf = menu.addAction(tr("What if… (this point)"));
    whatIf->setToolTip(tr("The GP's prediction at this point, with the other parameters at their fixed values"));
    if (menu.exec(event->globalPos()) == whatIf) Q_EMIT pointPicked(v->first, v->second);
}

FixedValuesPanel::FixedValuesPanel(QWidget* parent) : QWidget(parent), _form(new QFormLayout(this))
{
    _form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    _form->setContentsMargins(6, 6, 6, 6);
}

double FixedValuesPanel::fromSlider(size_t i, int position) const
{
    const double t = double(position) / kSteps;
    return std::visit(
        [t](const auto& p) -> double {
            using P = std::decay_t<decltype(p)>;
            if constexpr (std::is_same_v<P, space::CategoricalParam>) {
                return 0.0;
            } else {
                double v = p.log ? std::exp(std::log(p.low) + t * (std::log(p.high) - std::log(p.low)))
                                 : p.low + t * (p.high - p.low);
                if constexpr (std::is_same_v<P, space::IntParam>) v = std::round(v);
                return std::clamp(v, p.low, p.high);
            }
        },
        _space[i]);
}

int FixedValuesPanel::toSlider(size_t i, double value) const
{
    return std::visit(
        [value](const auto& p) -> int {
            using P = std::decay_t<decltype(p)>;
            if constexpr (std::is_same_v<P, space::CategoricalParam>) {
                return 0;
            } else {
                const double t = p.log ? (std::log(value) - std::log(p.low)) / (std::log(p.high) - std::log(p.low))
                                       : (value - p.low) / (p.high - p.low);
                return int(std::lround(std::clamp(std::isfinite(t) ? t : 0.0, 0.0, 1.0) * kSteps));
            }
        },
        _space[i]);
}

void FixedValuesPanel::showValue(size_t i)
{
    if (_rows[i].value) _rows[i].value->setText(formatParamValue(_space, i, _values[i]));
}

bool FixedValuesPanel::rowEnabled(size_t i) const
{
    if (i >= _rows.size() || int(i) == _xAxis || int(i) == _yAxis) return false;
    if (!_space.conditional()) return true;
    // Active somewhere on the plot: at the fixed values, or where an axis
    // that is one of its parents takes another value.
    return analysis::activeOnAxis(_space, _values, int(i), _xAxis) ||
           (_yAxis >= 0 && analysis::activeOnAxis(_space, _values, int(i), _yAxis));
}

void FixedValuesPanel::updateEnabled()
{
    for (size_t i = 0; i < _rows.size(); ++i) {
        const bool axis = int(i) == _xAxis || int(i) == _yAxis;
        const bool on = rowEnabled(i);
        const QString name = QString::fromStdString(space::nameOf(_space[i]));
        const QString why = !axis && !on ? QString::fromStdString(_space.inactiveReason(i, _values)) : QString();
        const QString tip = !why.isEmpty()    ? tr("%1 is inactive here: %2").arg(name, why)
                            : _rows[i].combo ? tr("The value %1 is fixed at in the plots").arg(name)
                                             : tr("The value %1 is fixed at in the plots (drag; the plots follow)").arg(name);
        QWidget* w = _rows[i].combo ? static_cast<QWidget*>(_rows[i].combo) : static_cast<QWidget*>(_rows[i].slider);
        w->setEnabled(on);
        w->setToolTip(tip);
        if (_rows[i].name) _rows[i].name->setEnabled(on || axis);
        if (_rows[i].value) {
            _rows[i].value->setEnabled(on);
            if (axis) _rows[i].value->setText(int(i) == _xAxis ? tr("x axis") : tr("y axis"));
            else if (!on) _rows[i].value->setText(tr("inactive"));
            else showValue(i);
            _rows[i].value->setToolTip(why);
        }
    }
}

void FixedValuesPanel::setValues(const space::SearchSpace& space, const std::vector<double>& values, int xAxis,
                                 int yAxis)
{
    _updating = true;
    if (space.toJson() != _space.toJson() || _rows.size() != space.size()) {
        while (_form->rowCount() > 0) _form->removeRow(0);
        _rows.assign(space.size(), Row{});
        _space = space;
        _values.clear(); // another space: start from its centre
        for (size_t i = 0; i < space.size(); ++i) {
            const QString name = QString::fromStdString(space::nameOf(space[i]));
            if (const auto* c = std::get_if<space::CategoricalParam>(&space[i])) {
                auto* combo = new QComboBox(this);
                combo->setObjectName("fixed_" + name);
                for (const auto& choice : c->choices) combo->addItem(QString::fromStdString(space::choiceToString(choice)));
                combo->setToolTip(tr("The value %1 is fixed at in the plots").arg(name));
                connect(combo, &QComboBox::currentIndexChanged, this, [this, i](int index) {
                    if (_updating || index < 0) return;
                    _values[i] = index;
                    updateEnabled(); // a parent switches its children on or off
                    Q_EMIT valuesEdited(_values);
                });
                _rows[i].combo = combo;
                _rows[i].name = new QLabel(name, this);
                _form->addRow(_rows[i].name, combo);
            } else {
                auto* slider = new QSlider(Qt::Horizontal, this);
                slider->setRange(0, kSteps);
                slider->setObjectName("fixed_" + name);
                slider->setToolTip(tr("The value %1 is fixed at in the plots (drag; the plots follow)").arg(name));
                auto* label = new QLabel(this);
                label->setMinimumWidth(64);
                label->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
                connect(slider, &QSlider::valueChanged, this, [this, i](int position) {
                    if (_updating) return;
                    _values[i] = fromSlider(i, position);
                    showValue(i);
                    Q_EMIT valuesEdited(_values);
                });
                auto* row = new QHBoxLayout;
                row->addWidget(slider, 1);
                row->addWidget(label);
                _rows[i].slider = slider;
                _rows[i].value = label;
                _rows[i].name = new QLabel(name, this);
                _form->addRow(_rows[i].name, row);
            }
        }
    }
    // A NaN (a parameter inactive in the fixed trial's branch) keeps the
    // value the row had, the centre of the range at first.
    const std::vector<double> centre = space.fromUnitAll(Eigen::VectorXd::Constant(space.encodedDim(), 0.5));
    if (_values.size() != space.size()) _values = centre;
    for (size_t i = 0; i < space.size(); ++i) {
        if (i < values.size() && std::isfinite(values[i])) _values[i] = values[i];
        else if (!std::isfinite(_values[i])) _values[i] = centre[i];
    }
    _xAxis = xAxis;
    _yAxis = yAxis;
    for (size_t i = 0; i < _rows.size(); ++i) {
        if (_rows[i].combo) _rows[i].combo->setCurrentIndex(int(_values[i]));
        else _rows[i].slider->setValue(toSlider(i, _values[i]));
    }
    updateEnabled();
    _updating = false;
}

} // namespace tw::ui
