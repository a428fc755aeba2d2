#pragma once
// Ax-style contour plots of a GP surrogate over two parameters: panels of the
// posterior mean, its standard error, the acquisition of the model that
// chooses the next trial and the probability that a trial fails, side by
// side (or two by two where that leaves them larger), with colour bars,
// contour lines, the observed trials, the best one, the running and failed
// trials and the next proposal. The heat maps are drawn smoothly (the grid
// resampled to the display's pixels). Paints on any QPainter and exports
// PNG, SVG and PDF; needs a QGuiApplication (fonts), no widget.
#include "analysis/grid.h"

#include <QColor>
#include <QImage>
#include <QPainterPath>
#include <QPointF>
#include <QRectF>
#include <QSize>
#include <QString>

#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

class QPainter;

namespace tw::ui {

/// What a panel of a contour plot shows.
enum class ContourPanel {
    Mean,          ///< the GP posterior mean (yellow = better)
    StandardError, ///< its standard error (yellow = more uncertain)
    Acquisition,   ///< the acquisition the sampler maximizes (yellow = what it tries next); grid.acquisition
    Failure,       ///< P(a trial fails) = 1 - grid.feasible (dark red = likely)
};

struct ContourPlotData {
    analysis::Grid2D grid;
    std::vector<std::pair<double, double>> observed;  // x, y values of completed trials
    std::optional<std::pair<double, double>> best;    // x, y values of the best trial
    std::vector<std::pair<double, double>> pending;   // running trials (on the acquisition panel)
    std::vector<std::pair<double, double>> failed;    // failed trials (acquisition and failure panels)
    std::optional<std::pair<double, double>> next;    // the sampler's next proposal (acquisition panel)
    std::string nextElsewhere;  // its other values where they differ from the fixed ones ("optimizer = adam")
    std::vector<ContourPanel> panels{ContourPanel::Mean, ContourPanel::StandardError};
    std::string title;
    std::string objectiveName;
    std::string acquisitionName = "logei";  // the sampler's acquisition: "logei" or "ucb"
    bool minimize = true;  // the mean's colour map puts better (yellow) on this side
    /// Contour lines computed ahead (panelContourLines, off the window's
    /// thread); a panel without them gets them when first painted.
    std::map<ContourPanel, std::vector<QPainterPath>> lines;
};

/// A panel's values on the grid (P(failure) = 1 - feasible); empty when the grid lacks them.
Eigen::MatrixXd panelValues(const analysis::Grid2D& g, ContourPanel panel);
/// Its colour range over the bounded values: P(failure) 0 to 1; the SE's
/// stops at twice the mean's spread, log EI's 12 below its top.
std::pair<double, double> panelRange(const analysis::Grid2D& g, ContourPanel panel,
                                     const std::string& acquisitionName = "logei");
/// Its contour lines (about eight levels of its range; P(failure) at 0.1,
/// 0.25, 0.5, 0.75, 0.9) on the grid resampled 4x finer, in fractions of the
/// plot area with y up. No Qt GUI state: any thread may call it.
std::vector<QPainterPath> panelContourLines(const analysis::Grid2D& g, ContourPanel panel,
                                            const std::string& acquisitionName = "logei");

/// "Mean", "Standard error", "Acquisition (log EI)", "P(failure)".
QString panelTitle(ContourPanel panel, const std::string& acquisitionName = "logei");

class ContourRenderer {
public:
    explicit ContourRenderer(ContourPlotData data);

    /// Draws the panels in `area`, the title above, a legend of the markers
    /// and a caption with the fixed values below.
    void paint(QPainter& p, const QRectF& area) const;
    /// 700 x 560 for one panel, 1200 x 520 for two, 1800 x 520 for three in
    /// a row, 1200 x 1000 for four (two by two).
    QSize preferredSize() const;

    /// Background and text colours (default: white, and the palette's text
    /// colour when it reads on white, black otherwise).
    void setColors(const QColor& background, const QColor& text);
    /// Marks a point on every panel painted in `area` (fractions of the plot
    /// area from its bottom left): where the pointer is on one of them.
    void paintCursor(QPainter& p, const QRectF& area, const QPointF& fraction) const;

    bool savePng(const QString& path, qreal scale = 2.0) const;
    bool saveSvg(const QString& path) const;
    bool savePdf(const QString& path) const;
    /// One of the three by the path's suffix (.png, .svg, .pdf, any case);
    /// false with `*error` naming the path when the suffix is another or the
    /// file cannot be written.
    bool save(const QString& path, QString* error = nullptr) const;

    const ContourPlotData& data() const { return _data; }
    int panelCount() const { return int(_data.panels.size()); }
    /// The panels' rectangles in `area`, in the order of data().panels, and
    /// the plot area (the heat map) of each.
    std::vector<QRectF> panelRects(const QRectF& area) const;
    std::vector<QRectF> plotAreas(const QRectF& area) const;
    /// Where values (x, y) lie in a plot area; nullopt when not drawable.
    std::optional<QPointF> position(const QRectF& plot, double x, double y) const;

    /// What lies under `pos` when the plot is painted in `area`: the panel,
    /// the grid cell's parameter values (a choice index for a categorical
    /// axis) and the value of every panel drawn there (NaN for one not drawn);
    /// nullopt outside the plot areas.
    struct Probe {
        int panel = 0;
        ContourPanel kind = ContourPanel::Mean;
        int column = 0, row = 0;  // grid indices (x, y)
        double x = 0, y = 0, mean = 0, se = 0;
        double acquisition = NAN, failure = NAN;
        QPointF fraction;         // within the plot area, from its bottom left
    };
    std::optional<Probe> probe(const QRectF& area, const QPointF& pos) const;

    /// The colour range of a panel (over its bounded grid values; see kUnbounded).
    std::pair<double, double> valueRange(ContourPanel panel) const;

private:
    void paintAll(QPainter& p, const QRectF& area, double imageScale) const;
    QRectF plotRect(const QRectF& panel) const;
    void paintPanel(QPainter& p, const QRectF& r, ContourPanel panel, double imageScale) const;
    void paintMarkers(QPainter& p, const QRectF& plot, ContourPanel panel, double imageScale) const;
    void paintColourBar(QPainter& p, const QRectF& r, const QRectF& plot, ContourPanel panel) const;
    double legendHeight() const;
    void paintLegend(QPainter& p, const QRectF& strip) const;
    const Eigen::MatrixXd& values(ContourPanel panel) const;
    /// The panel's smooth heat map at this pixel size (cached).
    const QImage& heat(ContourPanel panel, int width, int height) const;
    /// The panel's contour lines in fractions of the plot area, y up (cached).
    const std::vector<QPainterPath>& lines(ContourPanel panel) const;

    ContourPlotData _data;
    QColor _background, _text;
    Eigen::MatrixXd _failure;  // 1 - grid.feasible
    mutable std::map<std::tuple<int, int, int>, QImage> _heat;
    mutable std::map<int, std::vector<QPainterPath>> _lines;
};

} // namespace tw::ui
