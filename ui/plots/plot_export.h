#pragma once
// Export of plots to PNG (at 2x), SVG and PDF, chosen by the file's suffix,
// from a painter callback, a widget or a QChart; and the shared look of the
// Qt Charts plots (fonts, colours, light and dark themes), consistent with
// the contour renderer.
#include "space/search_space.h"

#include <QColor>
#include <QFont>
#include <QRectF>
#include <QSize>
#include <QString>

#include <functional>
#include <optional>
#include <utility>
#include <vector>

class QPainter;
class QPalette;
class QWidget;
class QChart;
class QAbstractAxis;
class QCategoryAxis;
class QChartView;
class QLabel;
class QStackedWidget;

namespace tw::ui {

enum class ExportFormat { Png, Svg, Pdf };

/// The format of a path by its suffix (case-insensitive): .png, .svg, .pdf.
std::optional<ExportFormat> exportFormatOf(const QString& path);

/// Paints `size` logical pixels (the callback draws into the given rectangle).
using PaintFn = std::function<void(QPainter& painter, const QRectF& area)>;

struct ExportOptions {
    qreal pngScale = 2.0;               // device pixels per logical pixel of a PNG
    QColor background = Qt::white;      // filled before painting (PNG, PDF)
    QString title;                      // SVG / PDF metadata
};

/// Writes the painting to `path`. False with `*error` set (naming the path and
/// what went wrong) when the suffix is unknown, the size is empty or the file
/// cannot be written.
bool exportPainting(const QString& path, const QSize& size, const PaintFn& paint, QString* error = nullptr,
                    const ExportOptions& options = {});

/// Renders a widget (and its children) at its current size; a widget that has
/// never been laid out (smaller than 64 x 48) is first resized to `fallback`.
bool exportWidget(const QString& path, QWidget* widget, QString* error = nullptr,
                  const QSize& fallback = QSize(900, 560), const ExportOptions& options = {});

// ---- shared chart style -----------------------------------------------------

/// Short number labels, as on the contour plots: "0.001", "250", "1e-4".
QString formatNumber(double v);

/// Tick values for a log axis over [lo, hi] (both > 0): decades, or 1-2-5 /
/// 1..9 multiples when the range is short, as on the contour plots.
std::vector<double> logTickValues(double lo, double hi);
/// Replaces the categories of a QCategoryAxis whose labels sit on values:
/// a label at each (axis unit) position.
void setTickLabels(QCategoryAxis* axis, const std::vector<std::pair<QString, double>>& ticks);

/// A parameter's value as a reader wants it: a categorical by its label, an
/// integer without decimals, others as formatNumber (log values stay short).
QString formatParamValue(const space::SearchSpace& space, size_t param, double value);

/// A pixel-sized font (the plots use 12 for ticks, 13 for labels, 15 titles).
QFont plotFont(int pixels, bool bold = false);

/// Colour k of the categorical palette used for several series (Tableau 10,
/// a little lighter on a dark background).
QColor seriesColor(int k, bool dark = false);

/// Plot colours: best (the contour plots' red), complete points, failed, pruned.
QColor bestColor(bool dark = false);
QColor pointColor(bool dark = false);
QColor failedColor();
QColor prunedColor(bool dark = false);

/// Whether a palette is dark (its window colour darker than its text); without
/// an argument, the application's palette.
bool paletteIsDark(const QPalette& palette);
bool paletteIsDark();

/// Applies the light or dark Qt Charts theme and then the plots' fonts,
/// margins and legend style. Resets series colours: set them afterwards.
void styleChart(QChart* chart, bool dark);
/// Fonts and colours of an axis (after styleChart).
void styleAxis(QAbstractAxis* axis, bool dark);

/// A chart with a caption under it, stacked over a message label shown in its
/// place when there is nothing to draw (the slice and importance views).
struct CaptionedChart {
    QChart* chart = nullptr;
    QChartView* view = nullptr;
    QLabel* caption = nullptr;
    QWidget* plotArea = nullptr;   // the chart and its caption
    QLabel* emptyLabel = nullptr;
    QStackedWidget* stack = nullptr;
};
CaptionedChart makeCaptionedChart(QWidget* parent, const QSize& minimumSize);
/// Exports the chart and its caption; false with "PATH: nothing to export
/// (REASON)" while `emptyReason` is set.
bool exportCaptionedChart(const QString& path, QWidget* plotArea, const QString& emptyReason, QString* error);

} // namespace tw::ui
