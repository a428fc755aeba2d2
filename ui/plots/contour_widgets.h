#pragma once
// The parts of the contour view: a canvas that paints one contour plot (or a
// message when there is none), and the panel of fixed values, one slider per
// numeric parameter (log-scaled for log parameters, integer steps for ints)
// and a combo box per categorical one. With conditional parameters the rows
// of parameters inactive at the fixed values (for every value of the axes)
// are disabled, their tooltip saying which condition fails.
#include "plots/contour_renderer.h"
#include "space/search_space.h"

#include <QPixmap>
#include <QWidget>

#include <optional>
#include <vector>

class QComboBox;
class QFormLayout;
class QLabel;
class QSlider;

namespace tw::ui {

class ContourCanvas : public QWidget {
    Q_OBJECT
public:
    explicit ContourCanvas(QWidget* parent = nullptr);
    void setPlot(std::optional<ContourPlotData> plot);
    void setMessage(const QString& message);
    bool hasPlot() const { return _plot.has_value(); }
    const std::optional<ContourPlotData>& plot() const { return _plot; }
    /// The panels drawn (0 without a plot).
    int panelCount() const { return _renderer ? _renderer->panelCount() : 0; }
    /// The renderer of the plot shown (null without one), laid out for rect().
    const ContourRenderer* renderer() const { return _renderer ? &*_renderer : nullptr; }
    /// Paints the plot laid out for `size` and scaled (uniformly) to fit the
    /// widget: a compact small multiple keeps the full-size plot's layout.
    /// An empty size (the default) lays the plot out for the widget itself.
    void setLogicalSize(const QSize& size);
    QSize sizeHint() const override { return {1000, 460}; }
    /// The hover text at `pos` (widget coordinates): the two parameters'
    /// values there and the GP mean, standard error, acquisition and
    /// P(failure) (those the plot has); "" off the plots or on a scaled
    /// small multiple.
    QString probeText(const QPointF& pos) const;
    /// The grid values (x, y) under `pos`, on any panel; nullopt off the plots.
    std::optional<std::pair<double, double>> valuesAt(const QPointF& pos) const;

Q_SIGNALS:
    void clicked();
    /// Double-click or the context menu's "What if…" on a plot: the x and y values there.
    void pointPicked(double x, double y);

protected:
    bool event(QEvent* event) override;
    void paintEvent(QPaintEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;

private:
    std::optional<ContourPlotData> _plot;
    std::optional<ContourRenderer> _renderer;  // of _plot; caches its heat maps
    QPixmap _painted;  // the plot as last painted: the pointer's mark moves over it
    QRgb _paintedBackground = 0;
    QString _message;
    QSize _logical;
};

class FixedValuesPanel : public QWidget {
    Q_OBJECT
public:
    explicit FixedValuesPanel(QWidget* parent = nullptr);
    /// Rebuilds the rows when the space changed; shows `values`; the axes'
    /// rows are disabled, and so are those of inactive parameters. A NaN
    /// (inactive) value keeps the row's previous value (the centre at
    /// first), so every parameter always has one: values() has no NaN.
    void setValues(const space::SearchSpace& space, const std::vector<double>& values, int xAxis, int yAxis);
    const std::vector<double>& values() const { return _values; }
    /// Whether parameter i's row is enabled (not an axis, active somewhere on the plot).
    bool rowEnabled(size_t i) const;

Q_SIGNALS:
    /// The user moved a slider or chose a category.
    void valuesEdited(const std::vector<double>& values);

private:
    struct Row {
        QSlider* slider = nullptr;
        QComboBox* combo = nullptr;
        QLabel* value = nullptr;
        QLabel* name = nullptr;
    };
    double fromSlider(size_t i, int position) const;
    int toSlider(size_t i, double value) const;
    void showValue(size_t i);
    /// Enables the rows of the parameters that matter at the current values.
    void updateEnabled();

    space::SearchSpace _space;
    std::vector<double> _values;
    std::vector<Row> _rows;
    int _xAxis = -1, _yAxis = -1;
    QFormLayout* _form;
    bool _updating = false;
};

} // namespace tw::ui
