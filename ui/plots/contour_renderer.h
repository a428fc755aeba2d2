#pragma once
// Ax-style contour plots of a GP surrogate over two parameters: the posterior
// mean and standard error side by side, with colour bars, contour lines, the
// observed trials and the best one. Paints on any QPainter and exports PNG,
// SVG and PDF; needs a QGuiApplication (fonts), no widget.
#include "analysis/grid.h"

#include <QColor>
#include <QPointF>
#include <QRectF>
#include <QSize>
#include <QString>

#include <optional>
#include <string>
#include <utility>
#include <vector>

class QPainter;

namespace tw::ui {

struct ContourPlotData {
    analysis::Grid2D grid;
    std::vector<std::pair<double, double>> observed;  // x, y values of completed trials
    std::optional<std::pair<double, double>> best;    // x, y values of the best trial
    std::string title;
    std::string objectiveName;
    bool minimize = true;  // the mean's colour map puts better (yellow) on this side
};

class ContourRenderer {
public:
    explicit ContourRenderer(ContourPlotData data);

    /// Draws the two panels ("Mean", "Standard error") side by side in `area`,
    /// the title above and a caption with the fixed values below.
    void paint(QPainter& p, const QRectF& area) const;
    QSize preferredSize() const { return QSize(1200, 520); }

    /// Background and text colours (default: white, and the palette's text
    /// colour when it reads on white, black otherwise).
    void setColors(const QColor& background, const QColor& text);

    bool savePng(const QString& path, qreal scale = 2.0) const;
    bool saveSvg(const QString& path) const;
    bool savePdf(const QString& path) const;

    const ContourPlotData& data() const { return _data; }

    /// What lies under `pos` when the plot is painted in `area`: the grid
    /// cell's parameter values (a choice index for a categorical axis) and the
    /// mean and standard error there; nullopt outside both plot areas.
    struct Probe {
        bool meanPanel = true;
        int column = 0, row = 0;  // grid indices (x, y)
        double x = 0, y = 0, mean = 0, se = 0;
    };
    std::optional<Probe> probe(const QRectF& area, const QPointF& pos) const;

private:
    /// The mean and SE panels' rectangles in `area`, and a panel's plot area.
    std::pair<QRectF, QRectF> panels(const QRectF& area) const;
    QRectF plotRect(const QRectF& panel) const;
    void paintPanel(QPainter& p, const QRectF& r, bool meanPanel) const;

    ContourPlotData _data;
    QColor _background, _text;
};

} // namespace tw::ui
