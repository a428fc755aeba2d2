#include "plots/contour_view.h"

#include "analysis/grid.h"
#include "gp/surrogate.h"
#include "plots/contour_plot_data.h"
#include "plots/contour_widgets.h"
#include "plots/plot_export.h"
#include "plots/trust_note.h"
#include "util/printable.h"

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

} // namespace

ContourView::ContourView(QWidget* parent)
    : QWidget(parent), _xBox(new QComboBox(this)), _yBox(new QComboBox(this)),
      _allBox(new QCheckBox(tr("All pairs"), this)), _resetButton(new QPushButton(tr("Reset to best"), this)),
      _nextButton(new QPushButton(tr("At next trial"), this)), _whatIfButton(new QPushButton(tr("What if…"), this)),
      _status(new QLabel(this)), _trust(makeTrustLabel(this)), _stack(new QStackedWidget(this)), _single(new ContourCanvas(this)),
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
    _nextButton->setObjectName("contourAtNext");
    _nextButton->setToolTip(tr("Fix the other parameters at the values of the trial the sampler proposes next: the "
                               "acquisition panel then cuts through its proposal"));
    _whatIfButton->setObjectName("contourWhatIf");
    _whatIfButton->setToolTip(tr("Type any configuration and read the GP's prediction for it (double-click a plot "
                                 "to start from that point)"));
    _status->setToolTip(tr("What the plots show"));
    _single->setMessage(tr("The GP needs at least 2 completed trials."));

    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("X:"), this));
    controls->addWidget(_xBox);
    controls->addWidget(new QLabel(tr("Y:"), this));
    controls->addWidget(_yBox);
    controls->addWidget(_allBox);
    controls->addWidget(_whatIfButton);
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
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(_resetButton);
    buttons->addWidget(_nextButton);
    sideLayout->addLayout(buttons);
    side->setMinimumWidth(300);

    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(_stack);
    split->addWidget(side);
    split->setStretchFactor(0, 4);
    split->setStretchFactor(1, 1);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addWidget(_trust);
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
    connect(_nextButton, &QPushButton::clicked, this, &ContourView::fixAtNext);
    connect(_whatIfButton, &QPushButton::clicked, this, [this] {
        if (_fixed.size() == _space.size()) Q_EMIT whatIfRequested(analysis::completeFixedValues(_space, _fixed));
    });
    connect(_single, &ContourCanvas::pointPicked, this, [this](double x, double y) {
        if (_fixed.size() != _space.size() || _allPairs) return;
        std::vector<double> v = _fixed;
        v[size_t(_x)] = x;
        v[size_t(_y)] = y;
        Q_EMIT whatIfRequested(analysis::completeFixedValues(_space, v));
    });
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
        _model.reset();
        _surrogate.reset();
        fillCombos();
    }
    if (!_fixedByUser || _fixed.size() != space.size())
        _fixed = analysis::defaultFixedValues(space, trials, direction);
    _fixedPanel->setValues(_space, _fixed, _allPairs ? -1 : _x, _allPairs ? -1 : _y);
    updateButtons();
    scheduleRecompute();
}

void ContourView::setSurrogate(std::shared_ptr<const gp::Surrogate> surrogate)
{
    setModel(StudyModel::ofSurrogate(std::move(surrogate)));
}

void ContourView::setModel(StudyModelPtr model)
{
    if (model && (!model->surrogate || model->surrogate->space().toJson() != _space.toJson())) model.reset();
    if (model && _model && model->model && model->model == _model->model && !_plots.empty()) {
        // The same model with its proposal now: the grids stand, the markers change.
        _model = std::move(model);
        for (auto& plot : _plots) {
            auto lines = std::move(plot.lines);
            plot = plotData(plot.grid);
            plot.lines = std::move(lines);
        }
        updateButtons();
        showPlots();
        return;
    }
    _model = std::move(model);
    _surrogate = _model ? _model->surrogate : nullptr;
    updateButtons();
    scheduleRecompute();
}

void ContourView::updateButtons()
{
    _nextButton->setEnabled(_model && _model->next && _model->next->size() == _space.size());
    _whatIfButton->setEnabled(_surrogate != nullptr);
    showTrustNote(_trust, _surrogate ? _surrogate->observations() : 0, int(_space.size()));
}

QString ContourView::trustNote() const
{
    return _trust->isHidden() ? QString() : _trust->text();
}

bool ContourView::wantsAcquisition() const
{
    return _model && ui::wantsAcquisition(*_model);
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
    fixAt(t.params, tr("Fixed at trial %1").arg(t.number));
}

bool ContourView::fixAtNext()
{
    if (!_model || !_model->next || _model->next->size() != _space.size()) return false;
    fixAt(*_model->next, tr("Fixed at the next trial's proposal (trial %1)").arg(_model->number));
    return true;
}

void ContourView::fixAt(const std::vector<double>& values, const QString& why)
{
    _fixed = values;
    _fixedByUser = true;
    _fixedPanel->setValues(_space, _fixed, _allPairs ? -1 : _x, _allPairs ? -1 : _y);
    scheduleRecompute();
    _status->setText(why);
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
    if (!emptyReason().isEmpty()) return 0;
    int n = 0;
    for (const auto& p : _plots) n += int(p.panels.size());
    return n;
}

std::vector<ContourPanel> ContourView::panels() const
{
    if (!emptyReason().isEmpty() || _plots.empty()) return {};
    return _plots.front().panels;
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
    return modelGrid(*_model, space::nameOf(_space[size_t(x)]), space::nameOf(_space[size_t(y)]), _fixed, resolution,
                     wantsAcquisition());
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
    // The worker reads copies only: the model is immutable and shared.
    const bool failures = _model->model && _model->model->failedCount() > 0;
    _watcher.setFuture(QtConcurrent::run([generation, layout = _layout, todo, resolution, model = _model,
                                          fixed = _fixed, acquisition = wantsAcquisition(), failures] {
        auto out = std::make_shared<Computed>();
        out->generation = generation;
        out->layout = layout;
        try {
            for (const auto& [x, y] : todo) {
                out->grids.push_back(modelGrid(*model, x, y, fixed, resolution, acquisition));
                // The contour lines too: tracing them is most of a new plot's painting.
                const auto& g = out->grids.back();
                auto& lines = out->lines.emplace_back();
                for (const ContourPanel p : {ContourPanel::Mean, ContourPanel::StandardError, ContourPanel::Acquisition,
                                             ContourPanel::Failure}) {
                    if (p == ContourPanel::Failure && !failures) continue;
                    if (panelValues(g, p).size() > 0) lines[p] = panelContourLines(g, p, model->acquisition);
                }
            }
        } catch (const std::exception& e) {
            out->error = QString::fromStdString(tw::printable(e.what()));
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
        for (size_t k = 0; k < c->grids.size(); ++k) {
            const auto& g = c->grids[k];
            _plots.push_back(plotData(g));
            if (k < c->lines.size()) _plots.back().lines = c->lines[k];
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

} // namespace tw::ui
