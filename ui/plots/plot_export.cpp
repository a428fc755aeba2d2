// Export of plots to PNG / SVG / PDF and the shared chart style (see plot_export.h).
#include "plots/plot_export.h"

#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QDir>
#include <QFileInfo>
#include <QGuiApplication>
#include <QImage>
#include <QLabel>
#include <QLegend>
#include <QPageLayout>
#include <QPageSize>
#include <QPainter>
#include <QPalette>
#include <QPdfWriter>
#include <QStackedWidget>
#include <QSvgGenerator>
#include <QVBoxLayout>
#include <QValueAxis>
#include <QWidget>

#include <cmath>

namespace tw::ui {

namespace {

bool fail(QString* error, const QString& message)
{
    if (error)
        *error = message;
    return false;
}

} // namespace

std::optional<ExportFormat> exportFormatOf(const QString& path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == "png")
        return ExportFormat::Png;
    if (suffix == "svg")
        return ExportFormat::Svg;
    if (suffix == "pdf")
        return ExportFormat::Pdf;
    return std::nullopt;
}

bool exportPainting(const QString& path, const QSize& size, const PaintFn& paint, QString* error,
                    const ExportOptions& options)
{
    const auto format = exportFormatOf(path);
    if (!format)
        return fail(error, QString("%1: unknown image format '%2' (use .png, .svg or .pdf)")
                               .arg(path, QFileInfo(path).suffix()));
    if (size.isEmpty())
        return fail(error, QString("%1: nothing to export (the plot has no size)").arg(path));
    const QFileInfo info(path);
    if (!info.absoluteDir().exists())
        return fail(error, QString("%1: the folder %2 does not exist").arg(path, info.absolutePath()));
    const QRectF area(QPointF(0, 0), QSizeF(size));

    if (*format == ExportFormat::Png) {
        const qreal scale = options.pngScale > 0 ? options.pngScale : 1.0;
        QImage image((QSizeF(size) * scale).toSize(), QImage::Format_ARGB32_Premultiplied);
        image.setDevicePixelRatio(scale);
        image.fill(options.background);
        QPainter p(&image);
        p.setRenderHint(QPainter::Antialiasing);
        p.setRenderHint(QPainter::TextAntialiasing);
        paint(p, area);
        p.end();
        if (!image.save(path, "PNG"))
            return fail(error, QString("%1: cannot write the PNG file").arg(path));
        return true;
    }
    if (*format == ExportFormat::Svg) {
        QSvgGenerator svg;
        svg.setFileName(path);
        svg.setSize(size);
        svg.setViewBox(QRect(QPoint(0, 0), size));
        svg.setTitle(options.title);
        svg.setDescription(QStringLiteral("Tuning Workbench plot"));
        QPainter p;
        if (!p.begin(&svg))
            return fail(error, QString("%1: cannot write the SVG file").arg(path));
        p.fillRect(area, options.background);
        paint(p, area);
        if (!p.end() || QFileInfo(path).size() == 0)
            return fail(error, QString("%1: cannot write the SVG file").arg(path));
        return true;
    }
    QPdfWriter pdf(path);
    pdf.setResolution(300);
    pdf.setTitle(options.title);
    pdf.setCreator(QStringLiteral("Tuning Workbench"));
    // The page in points (1 px = 0.75 pt), portrait-shaped and turned when wide.
    const bool wide = size.width() > size.height();
    const QSizeF points = wide ? QSizeF(size.height() * 0.75, size.width() * 0.75)
                               : QSizeF(size.width() * 0.75, size.height() * 0.75);
    const QPageSize page(points, QPageSize::Point, QString(), QPageSize::ExactMatch);
    if (!pdf.setPageLayout(QPageLayout(page, wide ? QPageLayout::Landscape : QPageLayout::Portrait,
                                       QMarginsF(0, 0, 0, 0))))
        return fail(error, QString("%1: cannot set the PDF page size").arg(path));
    QPainter p;
    if (!p.begin(&pdf))
        return fail(error, QString("%1: cannot write the PDF file").arg(path));
    p.scale(pdf.width() / double(size.width()), pdf.height() / double(size.height()));
    p.fillRect(area, options.background);
    paint(p, area);
    if (!p.end() || QFileInfo(path).size() == 0)
        return fail(error, QString("%1: cannot write the PDF file").arg(path));
    return true;
}

bool exportWidget(const QString& path, QWidget* widget, QString* error, const QSize& fallback,
                  const ExportOptions& options)
{
    if (!widget)
        return fail(error, QString("%1: no plot to export").arg(path));
    if (widget->width() < 64 || widget->height() < 48)
        widget->resize(fallback);
    ExportOptions o = options;
    if (o.background == QColor(Qt::white))
        o.background = widget->palette().color(QPalette::Window);
    return exportPainting(
        path, widget->size(),
        [widget](QPainter& p, const QRectF&) { widget->render(&p, QPoint(), QRegion(), QWidget::DrawChildren); },
        error, o);
}

// ---- shared chart style -----------------------------------------------------

QString formatNumber(double v)
{
    if (!std::isfinite(v))
        return QStringLiteral("nan");
    const double a = std::abs(v);
    if (a < 1e-12)
        return QStringLiteral("0");
    if (a >= 1e-3 && a < 1e5)
        return QString::number(v, 'g', 4);
    int e = int(std::floor(std::log10(a)));
    double m = v / std::pow(10.0, e);
    if (std::abs(std::round(m * 100.0) / 100.0) >= 10.0) {
        m /= 10.0;
        ++e;
    }
    return QString::number(m, 'g', 3) + "e" + QString::number(e);
}

std::vector<double> logTickValues(double lo, double hi)
{
    if (!(lo > 0) || !(hi > lo) || !std::isfinite(hi))
        return {lo, hi};
    const double ulo = std::log10(lo), uhi = std::log10(hi), decades = uhi - ulo;
    const std::vector<double> mult = decades > 2.5   ? std::vector<double>{1}
                                     : decades > 0.8 ? std::vector<double>{1, 2, 5}
                                                     : std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8, 9};
    const int every = std::max(1, int(std::ceil(decades / 7.0)));
    std::vector<double> values;
    for (int e = int(std::floor(ulo)); e <= int(std::ceil(uhi)); ++e) {
        if (mult.size() == 1 && e % every != 0)
            continue;
        for (double k : mult) {
            const double v = k * std::pow(10.0, e);
            if (std::log10(v) >= ulo - 1e-9 && std::log10(v) <= uhi + 1e-9)
                values.push_back(v);
        }
    }
    if (values.size() < 2)
        values = {lo, std::sqrt(lo * hi), hi};
    return values;
}

void setTickLabels(QCategoryAxis* axis, const std::vector<std::pair<QString, double>>& ticks)
{
    for (const QString& label : axis->categoriesLabels())
        axis->remove(label);
    for (const auto& [label, at] : ticks)
        axis->append(label, at);
}

QString formatParamValue(const space::SearchSpace& space, size_t param, double value)
{
    if (param >= space.size())
        return formatNumber(value);
    if (const auto* c = std::get_if<space::CategoricalParam>(&space[param])) {
        const long k = std::lround(value);
        if (std::isfinite(value) && k >= 0 && size_t(k) < c->choices.size())
            return QString::fromStdString(space::choiceToString(c->choices[size_t(k)]));
        return formatNumber(value);
    }
    if (std::holds_alternative<space::IntParam>(space[param]) && std::isfinite(value))
        return QString::number(std::llround(value));
    return formatNumber(value);
}

QFont plotFont(int pixels, bool bold)
{
    QFont f;
    f.setPixelSize(pixels);
    f.setBold(bold);
    return f;
}

QColor seriesColor(int k, bool dark)
{
    static const QRgb kTableau[10] = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd,
                                      0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf};
    QColor c = QColor::fromRgb(kTableau[((k % 10) + 10) % 10]);
    return dark ? c.lighter(135) : c;
}

QColor bestColor(bool dark) { return dark ? QColor(255, 90, 100) : QColor(220, 20, 40); }
QColor pointColor(bool dark) { return dark ? QColor(100, 170, 240) : QColor(31, 119, 180); }
QColor failedColor() { return QColor(220, 20, 40); }
QColor prunedColor(bool dark) { return dark ? QColor(170, 170, 170) : QColor(128, 128, 128); }

bool paletteIsDark(const QPalette& palette)
{
    return palette.color(QPalette::Window).lightness() < palette.color(QPalette::WindowText).lightness();
}

bool paletteIsDark()
{
    return qGuiApp && paletteIsDark(QGuiApplication::palette());
}

void styleChart(QChart* chart, bool dark)
{
    chart->setTheme(dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setBackgroundRoundness(0);
    chart->setMargins(QMargins(6, 6, 10, 6));
    if (!dark)
        chart->setBackgroundBrush(Qt::white);
    chart->setTitleFont(plotFont(15, true));
    chart->legend()->setFont(plotFont(12));
    chart->legend()->setShowToolTips(true);
    chart->legend()->setMarkerShape(QLegend::MarkerShapeFromSeries);
    const QColor text = dark ? QColor(230, 230, 230) : QColor(30, 30, 30);
    chart->setTitleBrush(text);
    chart->legend()->setLabelColor(text);
}

void styleAxis(QAbstractAxis* axis, bool dark)
{
    axis->setLabelsFont(plotFont(12));
    axis->setTitleFont(plotFont(13));
    const QColor text = dark ? QColor(230, 230, 230) : QColor(30, 30, 30);
    axis->setLabelsColor(text);
    axis->setTitleBrush(text);
    axis->setGridLineColor(dark ? QColor(80, 80, 80) : QColor(225, 225, 225));
    axis->setLinePenColor(dark ? QColor(150, 150, 150) : QColor(110, 110, 110));
}

bool exportCaptionedChart(const QString& path, QWidget* plotArea, const QString& emptyReason, QString* error)
{
    if (!emptyReason.isEmpty()) {
        if (error) *error = QObject::tr("%1: nothing to export (%2)").arg(path, emptyReason);
        return false;
    }
    return exportWidget(path, plotArea, error);
}

CaptionedChart makeCaptionedChart(QWidget* parent, const QSize& minimumSize)
{
    CaptionedChart c;
    c.chart = new QChart;
    c.view = new QChartView(c.chart);
    c.view->setRenderHint(QPainter::Antialiasing);
    c.view->setMinimumSize(minimumSize);
    c.caption = new QLabel;
    c.caption->setWordWrap(true);
    c.caption->setAlignment(Qt::AlignCenter);
    c.caption->setFont(plotFont(13));
    c.caption->setContentsMargins(8, 2, 8, 6);
    c.plotArea = new QWidget;
    c.plotArea->setAutoFillBackground(true);
    auto* plotLayout = new QVBoxLayout(c.plotArea);
    plotLayout->setContentsMargins(0, 0, 0, 0);
    plotLayout->setSpacing(0);
    plotLayout->addWidget(c.view, 1);
    plotLayout->addWidget(c.caption);
    c.emptyLabel = new QLabel;
    c.emptyLabel->setWordWrap(true);
    c.emptyLabel->setAlignment(Qt::AlignCenter);
    c.emptyLabel->setFont(plotFont(14));
    c.stack = new QStackedWidget(parent);
    c.stack->addWidget(c.plotArea);
    c.stack->addWidget(c.emptyLabel);
    return c;
}

} // namespace tw::ui
