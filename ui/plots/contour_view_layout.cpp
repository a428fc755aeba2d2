// The contour view's plots and their layout: what each plot shows (its
// panels, the proposal, the trials), the single canvas and the grid of
// small multiples (see contour_view.h).
#include "plots/contour_view.h"

#include "analysis/grid.h"
#include "plots/contour_plot_data.h"
#include "plots/contour_widgets.h"
#include "plots/plot_export.h"

#include <QEvent>
#include <QGridLayout>
#include <QLabel>
#include <QScrollArea>

#include <algorithm>
#include <cmath>

namespace tw::ui {

namespace {

// A small multiple is the full-size plot laid out at this size (by its
// number of panels), then scaled down to its tile; tiles are at least
// kMinTileWidth wide.
constexpr int kMinTileWidth = 520;
QSize tileLogicalSize(int panels)
{
    if (panels >= 4) return {900, 880};
    if (panels == 3) return {1350, 460};
    return {900, 460};
}

} // namespace

ContourPlotData ContourView::plotData(const analysis::Grid2D& g) const
{
    const std::string study = _studyName.toStdString(), objective = _objective.toStdString();
    if (!_model) return makeContourPlotData(g, _trials, _direction, study, objective);
    return makeContourPlotData(g, _trials, _direction, study, objective, *_model, _fixed);
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
    const int panelsPerPlot = _plots.empty() ? 2 : int(_plots.front().panels.size());
    const QSize logical = tileLogicalSize(panelsPerPlot);
    if (_smallPairs != ps || (!_small.empty() && _small.front()->property("panels").toInt() != panelsPerPlot)) {
        _smallPairs = ps;
        for (auto* c : _small) c->deleteLater();
        _small.clear();
        _columns = 0;
        for (size_t k = 0; k < ps.size(); ++k) {
            auto* c = new ContourCanvas(_grid);
            c->setObjectName("contourSmallMultiple");
            c->setLogicalSize(logical);
            c->setProperty("panels", panelsPerPlot);
            c->setMinimumSize(kMinTileWidth, kMinTileWidth * logical.height() / logical.width());
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
    const QSize logical = tileLogicalSize(_small.front()->property("panels").toInt());
    const int tileHeight = tileWidth * logical.height() / logical.width();
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
