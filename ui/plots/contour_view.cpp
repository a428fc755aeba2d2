#include "plots/contour_view.h"

#include "analysis/grid.h"
#include "gp/surrogate.h"
#include "plots/contour_widgets.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QEvent>
#include <QFileInfo>
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

#include <cmath>

namespace tw::ui {

namespace {

constexpr int kSmallResolution = 30;

bool save(const ContourRenderer& r, const QString& path, QString* error)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    bool ok = false;
    if (suffix == "png") ok = r.savePng(path);
    else if (suffix == "svg") ok = r.saveSvg(path);
    else if (suffix == "pdf") ok = r.savePdf(path);
    else {
        if (error) *error = QObject::tr("%1: unknown image format (use .png, .svg or .pdf)").arg(path);
        return false;
    }
    if (!ok && error) *error = QObject::tr("%1: cannot be written").arg(path);
    return ok;
}

} // namespace

ContourView::ContourView(QWidget* parent)
    : QWidget(parent), _xBox(new QComboBox(this)), _yBox(new QComboBox(this)),
      _allBox(new QCheckBox(tr("All pairs"), this)), _resetButton(new QPushButton(tr("Fix at best"), this)),
      _status(new QLabel(this)), _stack(new QStackedWidget(this)), _single(new ContourCanvas(this)),
      _scroll(new QScrollArea(this)), _grid(new QWidget(this)), _gridLayout(new QGridLayout(_grid)),
      _fixedPanel(new FixedValuesPanel(this)), _debounce(new QTimer(this))
{
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
    side->setMinimumWidth(240);

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
    if (!_error.isEmpty()) return _error;
    return {};
}

int ContourView::panelCount() const
{
    return emptyReason().isEmpty() ? 2 * int(_plots.size()) : 0;
}

std::vector<std::pair<int, int>> ContourView::pairs() const
{
    std::vector<std::pair<int, int>> out;
    for (int i = 0; i < int(_space.size()); ++i)
        for (int j = i + 1; j < int(_space.size()); ++j) out.emplace_back(i, j);
    return out;
}

analysis::Grid2D ContourView::grid(int x, int y, int resolution) const
{
    return analysis::contour(*_surrogate, space::nameOf(_space[size_t(x)]), space::nameOf(_space[size_t(y)]),
                             _fixed, resolution);
}

ContourPlotData ContourView::plotData(const analysis::Grid2D& g) const
{
    ContourPlotData d;
    d.grid = g;
    const size_t xi = size_t(g.x.param), yi = size_t(g.y.param);
    std::optional<study::Trial> best;
    for (const auto& t : _trials) {
        if (t.state != study::TrialState::Complete || !t.value || !std::isfinite(*t.value)) continue;
        if (t.params.size() <= std::max(xi, yi)) continue;
        d.observed.emplace_back(t.params[xi], t.params[yi]);
        if (!best || (_direction == study::Direction::Minimize ? *t.value < *best->value : *t.value > *best->value))
            best = t;
    }
    if (best) d.best = std::make_pair(best->params[xi], best->params[yi]);
    d.title = (_studyName.isEmpty() ? std::string() : _studyName.toStdString() + ": ") + g.x.name + " \u00d7 " +
              g.y.name;
    d.objectiveName = _objective.isEmpty() ? "objective" : _objective.toStdString();
    d.minimize = _direction == study::Direction::Minimize;
    return d;
}

void ContourView::scheduleRecompute()
{
    if (!emptyReason().isEmpty() && _error.isEmpty()) {
        _plots.clear();
        showPlots();
        return;
    }
    if (!_debounce->isActive()) _debounce->start();
}

void ContourView::recompute()
{
    if (_watcher.isRunning()) {  // one computation at a time; the newest settings run next
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
    // The worker reads copies only: the surrogate is immutable and shared.
    _watcher.setFuture(QtConcurrent::run([generation, todo, resolution, surrogate = _surrogate, fixed = _fixed] {
        auto out = std::make_shared<Computed>();
        out->generation = generation;
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
    if (_again) {
        _again = false;
        recompute();
        return;
    }
    if (c->generation != _generation) return;
    _shown = c->generation;
    _error = c->error;
    _plots.clear();
    for (const auto& g : c->grids) _plots.push_back(plotData(g));
    showPlots();
}

void ContourView::waitForGrids()
{
    // The watcher's finished event is posted after the future completes:
    // wait until the newest generation has been shown.
    QElapsedTimer clock;
    clock.start();
    while ((_debounce->isActive() || _watcher.isRunning() || _again || _shown != _generation) &&
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
    const auto ps = pairs();
    if (_small.size() != ps.size()) {
        for (auto* c : _small) c->deleteLater();
        _small.clear();
        // Two columns only where each plot keeps the full-size layout's room.
        const int columns = _scroll->viewport()->width() >= 1800 ? 2 : 1;
        for (size_t k = 0; k < ps.size(); ++k) {
            auto* c = new ContourCanvas(_grid);
            c->setMinimumSize(860, 400);
            c->setToolTip(tr("Click to open this pair"));
            const auto [x, y] = ps[k];
            connect(c, &ContourCanvas::clicked, this, [this, x = x, y = y] {
                setPair(QString::fromStdString(space::nameOf(_space[size_t(x)])),
                        QString::fromStdString(space::nameOf(_space[size_t(y)])));
            });
            _gridLayout->addWidget(c, int(k) / columns, int(k) % columns);
            _small.push_back(c);
        }
    }
    for (size_t k = 0; k < _small.size(); ++k)
        if (k < _plots.size()) _small[k]->setPlot(_plots[k]);
    _status->setText(tr("%1 pairs, GP on %2 completed trials").arg(ps.size()).arg(_surrogate->observations()));
}

void ContourView::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange) update();
    QWidget::changeEvent(event);
}

bool ContourView::exportImage(const QString& path, QString* error) const
{
    const QString reason = emptyReason();
    if (!reason.isEmpty()) {
        if (error) *error = tr("Nothing to export: %1").arg(reason);
        return false;
    }
    ContourRenderer r(plotData(grid(_x, _y, _resolution)));
    return save(r, path, error);
}

bool ContourView::exportAllPairs(const QString& folder, const QString& format, QString* error) const
{
    const QString reason = emptyReason();
    if (!reason.isEmpty()) {
        if (error) *error = tr("Nothing to export: %1").arg(reason);
        return false;
    }
    if (!QDir(folder).exists()) {
        if (error) *error = tr("%1: the folder does not exist").arg(folder);
        return false;
    }
    for (const auto& [x, y] : pairs()) {
        const QString name = QString::fromStdString(space::nameOf(_space[size_t(x)]) + "_vs_" +
                                                    space::nameOf(_space[size_t(y)]));
        ContourRenderer r(plotData(grid(x, y, _resolution)));
        if (!save(r, QDir(folder).filePath(name + '.' + format.toLower()), error)) return false;
    }
    return true;
}

bool ContourView::exportGridCsv(const QString& path, QString* error) const
{
    const QString reason = emptyReason();
    if (!reason.isEmpty()) {
        if (error) *error = tr("Nothing to export: %1").arg(reason);
        return false;
    }
    try {
        analysis::writeContourCsv(grid(_x, _y, _resolution), path.toStdString(), _studyName.toStdString());
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        return false;
    }
    return true;
}

} // namespace tw::ui
