#include "plots/contour_view.h"

#include "analysis/grid.h"
#include "gp/surrogate.h"
#include "plots/contour_plot_data.h"
#include "plots/contour_widgets.h"

#include <QCheckBox>
#include <QComboBox>
#include <QElapsedTimer>
#include <QEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QStackedWidget>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent>

#include <algorithm>
#include <cmath>

namespace tw::ui {

namespace {

constexpr int kSmallResolution = 30;
// A small multiple is the full-size plot laid out at this size, then scaled
// down to its tile; tiles are at least kMinTileWidth wide.
constexpr int kTileLogicalWidth = 900, kTileLogicalHeight = 460, kMinTileWidth = 520;

} // namespace

ContourView::ContourView(QWidget* parent)
    : QWidget(parent), _xBox(new QComboBox(this)), _yBox(new QComboBox(this)),
      _allBox(new QCheckBox(tr("All pairs"), this)), _resetButton(new QPushButton(tr("Reset to best"), this)),
      _status(new QLabel(this)), _stack(new QStackedWidget(this)), _single(new ContourCanvas(this)),
      _scroll(new QScrollArea(this)), _grid(new QWidget(this)), _gridLayout(new QGridLayout(_grid)),
      _fixedPanel(new FixedValuesPanel(this)), _debounce(new QTimer(this))
{
    _single->setObjectName("contourCanvas");
    _xBox->setObjectName("contourX");
    _yBox->setObjectName("contourY");
    _xBox->setToolTip(tr("The parameter on the horizontal axis"));
    _yBox->setToolTip(tr("The parameter on the vertical axis"));
    _allBox->setObjectName("contourAllPairs");
    _allBox->setToolTip(tr("Every pair of parameters as small multiples; click one to open it"));
    _resetButton->setToolTip(tr("Fix the other parameters at the best trial's values again"));
    _status->setToolTip(tr("What the plots show"));
    _single->setMessage(tr("The GP needs at least 2 completed trials."));

    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("X:"), this));
    controls->addWidget(_xBox);
    controls->addWidget(new QLabel(tr("Y:"), this));
    controls->addWidget(_yBox);
    controls->addWidget(_allBox);
    controls->addStretch(1);
    controls->addWidget(_status);

    _scroll->setWidget(_grid);
    _scroll->setWidgetResizable(true);
    _scroll->viewport()->installEventFilter(this);
    _gridLayout->setSpacing(6);
    _gridLayout->setContentsMargins(6, 6, 6, 6);
    _stack->addWidget(_single);
    _stack->addWidget(_scroll);

    auto* side = new QWidget(this);
    auto* sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(0, 0, 0, 0);
    auto* sideTitle = new QLabel(tr("<b>Other parameters fixed at</b>"), side);
    sideTitle->setToolTip(tr("The GP is a function of every parameter: the plots cut it at these values"));
    sideLayout->addWidget(sideTitle);
    auto* sideScroll = new QScrollArea(side);
    sideScroll->setWidget(_fixedPanel);
    sideScroll->setWidgetResizable(true);
    sideScroll->setFrameShape(QFrame::NoFrame);
    sideLayout->addWidget(sideScroll, 1);
    sideLayout->addWidget(_resetButton);
    side->setMinimumWidth(300);

    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(_stack);
    split->addWidget(side);
    split->setStretchFactor(0, 4);
    split->setStretchFactor(1, 1);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addWidget(split, 1);

    _debounce->setSingleShot(true);
    _debounce->setInterval(100);
    connect(_debounce, &QTimer::timeout, this, &ContourView::recompute);
    connect(&_watcher, &QFutureWatcher<std::shared_ptr<Computed>>::finished, this, &ContourView::onComputed);
    connect(_xBox, &QComboBox::activated, this, [this] {
        QString error;
        if (!setPair(_xBox->currentText(), _yBox->currentText(), &error)) {
            _status->setText(error);
            fillCombos();
        }
    });
    connect(_yBox, &QComboBox::activated, this, [this] {
        QString error;
        if (!setPair(_xBox->currentText(), _yBox->currentText(), &error)) {
            _status->setText(error);
            fillCombos();
        }
    });
    connect(_allBox, &QCheckBox::toggled, this, &ContourView::setAllPairs);
    connect(_resetButton, &QPushButton::clicked, this, &ContourView::resetFixedToBest);
    connect(_fixedPanel, &FixedValuesPanel::valuesEdited, this, [this](const std::vector<double>& v) {
        _fixed = v;
        _fixedByUser = true;
        scheduleRecompute();
        Q_EMIT fixedValuesChanged();
    });
}

ContourView::~ContourView()
{
    _watcher.waitForFinished();
}

void ContourView::setStudy(const space::SearchSpace& space, const std::vector<study::Trial>& trials,
                           study::Direction direction, const QString& objectiveName, const QString& studyName)
{
    const bool newSpace = space.toJson() != _space.toJson();
    _space = space;
    _trials = trials;
    _direction = direction;
    _objective = objectiveName;
    _studyName = studyName;
    if (newSpace) {
        ++_layout;
        _plots.clear();
        _x = 0;
        _y = space.size() > 1 ? 1 : 0;
        _fixedByUser = false;
        _surrogate.reset();
        fillCombos();
    }
    if (!_fixedByUser || _fixed.size() != space.size())
        _fixed = analysis::defaultFixedValues(space, trials, direction);
    _fixedPanel->setValues(_space, _fixed, _allPairs ? -1 : _x, _allPairs ? -1 : _y);
    scheduleRecompute();
}

void ContourView::setSurrogate(std::shared_ptr<const gp::Surrogate> surrogate)
{
    if (surrogate && surrogate->space().toJson() != _space.toJson()) surrogate.reset();
    _surrogate = std::move(surrogate);
    scheduleRecompute();
}

void ContourView::fillCombos()
{
    for (QComboBox* box : {_xBox, _yBox}) {
        const QSignalBlocker block(box);
        box->clear();
        for (size_t i = 0; i < _space.size(); ++i) box->addItem(QString::fromStdString(space::nameOf(_space[i])));
    }
    _xBox->setCurrentIndex(_x);
    _yBox->setCurrentIndex(_y);
}

bool ContourView::setPair(const QString& x, const QString& y, QString* error)
{
    auto index = [this](const QString& n) {
        for (size_t i = 0; i < _space.size(); ++i)
            if (space::nameOf(_space[i]) == n.toStdString()) return int(i);
        return -1;
    };
    const int xi = index(x), yi = index(y);
    QString why;
    if (xi < 0) why = tr("'%1' is not a parameter of the study").arg(x);
    else if (yi < 0) why = tr("'%1' is not a parameter of the study").arg(y);
    else if (xi == yi) why = tr("X and Y must be two different parameters (both are '%1')").arg(x);
    if (!why.isEmpty()) {
        if (error) *error = why;
        return false;
    }
    if (xi != _x || yi != _y) ++_layout;
    _x = xi;
    _y = yi;
    fillCombos();
    _fixedPanel->setValues(_space, _fixed, _x, _y);
    if (_allPairs) setAllPairs(false);
    scheduleRecompute();
    return true;
}

QString ContourView::xParameter() const
{
    return _x < int(_space.size()) ? QString::fromStdString(space::nameOf(_space[size_t(_x)])) : QString();
}

QString ContourView::yParameter() const
{
    return _y < int(_space.size()) ? QString::fromStdString(space::nameOf(_space[size_t(_y)])) : QString();
}

void ContourView::setAllPairs(bool on)
{
    if (_allPairs == on) return;
    _allPairs = on;
    ++_layout;
    {
        const QSignalBlocker block(_allBox);
        _allBox->setChecked(on);
    }
    _xBox->setEnabled(!on);
    _yBox->setEnabled(!on);
    // Each small multiple fixes every parameter but its own two.
    _fixedPanel->setValues(_space, _fixed, on ? -1 : _x, on ? -1 : _y);
    _plots.clear();
    _stack->setCurrentIndex(on ? 1 : 0);
    scheduleRecompute();
}

void ContourView::fixAtTrial(const study::Trial& t)
{
    if (t.params.size() != _space.size()) return;
    _fixed = t.params;
    _fixedByUser = true;
    _fixedPanel->setValues(_space, _fixed, _allPairs ? -1 : _x, _allPairs ? -1 : _y);
    scheduleRecompute();
    _status->setText(tr("Fixed at trial %1").arg(t.number));
    Q_EMIT fixedValuesChanged();
}

void ContourView::resetFixedToBest()
{
    _fixedByUser = false;
    _fixed = analysis::defaultFixedValues(_space, _trials, _direction);
    _fixedPanel->setValues(_space, _fixed, _allPairs ? -1 : _x, _allPairs ? -1 : _y);
    scheduleRecompute();
    Q_EMIT fixedValuesChanged();
}

QString ContourView::emptyReason() const
{
    if (_space.size() < 2) return tr("Contour plots need at least two parameters.");
    if (!_surrogate) {
        int complete = 0;
        for (const auto& t : _trials) complete += t.state == study::TrialState::Complete && t.value.has_value();
        return tr("The GP needs at least 2 completed trials (%1 so far). The plots appear after the next one "
                  "completes.")
            .arg(complete);
    }
    if (_allPairs && pairs().empty())
        return tr("No two parameters are active together at the fixed values: change the fixed value of a "
                  "parent (a categorical parameter others depend on) to see another branch.");
    if (!_error.isEmpty()) return _error;
    return {};
}

int ContourView::panelCount() const
{
    return emptyReason().isEmpty() ? 2 * int(_plots.size()) : 0;
}

std::vector<std::pair<int, int>> ContourView::pairs() const
{
    // Every pair; with conditional parameters, those active together at the
    // fixed values (the active branch).
    if (_fixed.size() != _space.size()) return {};
    return analysis::activePairs(_space, _fixed);
}

analysis::Grid2D ContourView::grid(int x, int y, int resolution) const
{
    return analysis::contour(*_surrogate, space::nameOf(_space[size_t(x)]), space::nameOf(_space[size_t(y)]),
                             _fixed, resolution);
}

ContourPlotData ContourView::plotData(const analysis::Grid2D& g) const
{
    return makeContourPlotData(g, _trials, _direction, _studyName.toStdString(), _objective.toStdString());
}

void ContourView::scheduleRecompute()
{
    if (!emptyReason().isEmpty() && _error.isEmpty()) {
        _shown = _generation;  // nothing to wait for: a running computation is dropped
        _plots.clear();
        showPlots();
        return;
    }
    if (!_debounce->isActive()) _debounce->start();
}

void ContourView::recompute()
{
    if (_computing) {  // one computation at a time; the newest settings run next
        _again = true;
        return;
    }
    _error.clear();
    if (!emptyReason().isEmpty()) {
        _shown = _generation;
        _plots.clear();
        showPlots();
        return;
    }
    const int generation = ++_generation;
    std::vector<std::pair<std::string, std::string>> todo;
    if (_allPairs)
        for (const auto& [x, y] : pairs()) todo.emplace_back(space::nameOf(_space[size_t(x)]), space::nameOf(_space[size_t(y)]));
    else
        todo.emplace_back(space::nameOf(_space[size_t(_x)]), space::nameOf(_space[size_t(_y)]));
    const int resolution = _allPairs ? kSmallResolution : _resolution;
    _computing = true;
    // The worker reads copies only: the surrogate is immutable and shared.
    _watcher.setFuture(QtConcurrent::run([generation, layout = _layout, todo, resolution, surrogate = _surrogate,
                                          fixed = _fixed] {
        auto out = std::make_shared<Computed>();
        out->generation = generation;
        out->layout = layout;
        try {
            for (const auto& [x, y] : todo) out->grids.push_back(analysis::contour(*surrogate, x, y, fixed, resolution));
        } catch (const std::exception& e) {
            out->error = QString::fromStdString(e.what());
        }
        return out;
    }));
}

void ContourView::onComputed()
{
    const auto c = _watcher.result();
    _computing = false;
    // A result for slightly older fixed values still shows (a slider being
    // dragged updates the plots as it goes); one for another pair, mode or
    // space does not.
    if (c->layout == _layout && c->generation > _shown && _surrogate) {
        _shown = c->generation;
        _error = c->error;
        _plots.clear();
        _plotPairs.clear();
        for (const auto& g : c->grids) {
            _plots.push_back(plotData(g));
            _plotPairs.emplace_back(g.x.param, g.y.param);
        }
        showPlots();
    }
    if (_again) {
        _again = false;
        recompute();
    }
}

void ContourView::waitForGrids()
{
    // The watcher's finished event is posted after the future completes:
    // wait until the newest generation has been shown.
    QElapsedTimer clock;
    clock.start();
    while ((_debounce->isActive() || _computing || _again || _shown != _generation) &&
           clock.elapsed() < 60000) {
        if (_debounce->isActive()) {
            _debounce->stop();
            recompute();
        }
        _watcher.waitForFinished();
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    }
}

void ContourView::showPlots()
{
    const QString reason = emptyReason();
    if (!reason.isEmpty()) {
        _single->setMessage(reason);
        for (auto* c : _small) c->setMessage(reason);
        _status->setText(_space.size() >= 2 ? tr("Waiting for data") : QString());
        return;
    }
    if (!_allPairs) {
        if (!_plots.empty()) _single->setPlot(_plots.front());
        _status->setText(tr("GP on %1 completed trials").arg(_surrogate->observations()));
        return;
    }
    const auto ps = _plotPairs;
    if (_smallPairs != ps) {
        _smallPairs = ps;
        for (auto* c : _small) c->deleteLater();
        _small.clear();
        _columns = 0;
        for (size_t k = 0; k < ps.size(); ++k) {
            auto* c = new ContourCanvas(_grid);
            c->setObjectName("contourSmallMultiple");
            c->setLogicalSize(QSize(kTileLogicalWidth, kTileLogicalHeight));
            c->setMinimumSize(kMinTileWidth, kMinTileWidth * kTileLogicalHeight / kTileLogicalWidth);
            c->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
            c->setCursor(Qt::PointingHandCursor);
            const auto [x, y] = ps[k];
            c->setToolTip(tr("%1 × %2: click to open this pair")
                              .arg(QString::fromStdString(space::nameOf(_space[size_t(x)])),
                                   QString::fromStdString(space::nameOf(_space[size_t(y)]))));
            connect(c, &ContourCanvas::clicked, this, [this, x = x, y = y] {
                setPair(QString::fromStdString(space::nameOf(_space[size_t(x)])),
                        QString::fromStdString(space::nameOf(_space[size_t(y)])));
            });
            _small.push_back(c);
        }
        layoutSmallMultiples();
    }
    for (size_t k = 0; k < _small.size(); ++k)
        if (k < _plots.size()) _small[k]->setPlot(_plots[k]);
    _status->setText(tr("%1 pairs, GP on %2 completed trials").arg(ps.size()).arg(_surrogate->observations()));
}

void ContourView::layoutSmallMultiples()
{
    if (_small.empty()) return;
    const int spacing = _gridLayout->spacing();
    const QMargins m = _gridLayout->contentsMargins();
    const int available = _scroll->viewport()->width() - m.left() - m.right();
    const int columns = std::clamp((available + spacing) / (kMinTileWidth + spacing), 1, 3);
    const int tileWidth = std::max(kMinTileWidth, (available - (columns - 1) * spacing) / columns);
    const int tileHeight = tileWidth * kTileLogicalHeight / kTileLogicalWidth;
    for (auto* c : _small) c->setFixedHeight(tileHeight);
    if (columns == _columns) return;
    _columns = columns;
    for (auto* c : _small) _gridLayout->removeWidget(c);
    for (size_t k = 0; k < _small.size(); ++k)
        _gridLayout->addWidget(_small[k], int(k) / columns, int(k) % columns);
    for (int c = 0; c < 3; ++c) _gridLayout->setColumnStretch(c, c < columns ? 1 : 0);
    _gridLayout->setRowStretch(int(_small.size() + size_t(columns) - 1) / columns, 1);
}

bool ContourView::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == _scroll->viewport() && event->type() == QEvent::Resize) layoutSmallMultiples();
    return QWidget::eventFilter(watched, event);
}

} // namespace tw::ui
