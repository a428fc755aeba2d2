#pragma once
// Parameter importance (Qt Charts): one horizontal bar per parameter, the most
// important on top, its share of the variance of the GP mean's main effects
// (analysis::importance), with a whisker over the 10th-90th percentile of
// that share across posterior draws of the GP hyperparameters
// (analysis::importanceWithIntervals): a long whisker says that the data
// cannot tell yet how much the parameter matters. Hovering a bar shows the
// interval, the first-order index and the fitted lengthscale. The
// decomposition and the draws run on a worker thread (QtConcurrent), on the
// shared immutable surrogate; importancesChanged() tells when a result is shown.
#include "analysis/importance.h"
#include "gp/surrogate.h"
#include "study/trial.h"

#include <QFutureWatcher>
#include <QWidget>

#include <memory>
#include <vector>

class QBarCategoryAxis;
class QChart;
class QChartView;
class QLabel;
class QStackedWidget;
class QValueAxis;

namespace tw::ui {

class ImportanceView : public QWidget {
    Q_OBJECT
public:
    explicit ImportanceView(QWidget* parent = nullptr);
    ~ImportanceView() override;

    /// Starts the decomposition of this surrogate (nullptr: the empty state,
    /// saying that there is not enough data yet). One runs at a time: a call
    /// while one runs waits for it (only the newest waits; the running one's
    /// result is still shown, as it is newer than what is shown).
    void setSurrogate(std::shared_ptr<const gp::Surrogate> surrogate, study::Direction direction);
    /// Shows precomputed importances (e.g. read from a file); `observations`
    /// is only for the caption.
    void setImportances(std::vector<analysis::ParamImportance> importances, int observations);

    /// The result shown, in the order of the search space (empty while none).
    std::vector<analysis::ParamImportance> importances() const { return _importances; }
    bool isComputing() const { return _computing; }
    /// Why no bars are drawn; "" when drawing.
    QString emptyReason() const { return _emptyReason; }
    /// The note shown while observations are few ("" otherwise).
    QString trustNote() const;
    /// The caption under the chart (what the bars and whiskers are).
    QString caption() const;
    /// The hover text of parameter `index` (in the order of the space).
    QString tooltipFor(int index) const;
    /// The design size of the decomposition (analysis::importance's samples).
    void setSamples(int samples) { _samples = samples; }
    /// How the intervals are drawn (draws = 0: no intervals, the MAP alone).
    void setIntervalOptions(const analysis::IntervalOptions& options) { _intervals = options; }
    /// Whiskers drawn (one per parameter with an interval; 0 without).
    int whiskerCount() const { return _whiskers; }

    /// Light or dark chart theme; by default it follows the widget's palette.
    void setDark(bool dark);
    bool dark() const { return _dark; }

    /// Chart and caption as .png (2x), .svg or .pdf; false with `*error` set
    /// on failure or when there is nothing to draw.
    bool exportImage(const QString& path, QString* error = nullptr) const;

    QChart* chart() const { return _chart; }

Q_SIGNALS:
    void importancesChanged();

protected:
    void changeEvent(QEvent* event) override;

private:
    struct Result {
        std::vector<analysis::ParamImportance> importances;
        QString error;
        int observations = 0;
        quint64 generation = 0;
    };
    void onFinished();
    void startPending();
    void showEmpty(const QString& reason);
    void rebuild();

    QStackedWidget* _stack = nullptr;
    QWidget* _plotArea = nullptr;
    QLabel* _emptyLabel = nullptr;
    QLabel* _caption = nullptr;
    QLabel* _trust = nullptr;   // few observations: read with care
    QChartView* _view = nullptr;
    QChart* _chart = nullptr;
    QBarCategoryAxis* _names = nullptr;  // kept in the chart: a removed axis lingers until deleteLater
    QValueAxis* _shares = nullptr;
    QFutureWatcher<Result> _watcher;

    std::vector<analysis::ParamImportance> _importances;
    QString _emptyReason;
    int _observations = 0;
    int _samples = 1024;
    analysis::IntervalOptions _intervals;
    int _whiskers = 0;
    quint64 _generation = 0;
    quint64 _dropThrough = 0;  // results of requests up to this generation are not shown
    std::shared_ptr<const gp::Surrogate> _pending;  // the newest request, waiting for the running one
    bool _running = false;     // from the start of a computation until its finished() is handled
    bool _computing = false;
    bool _dark = false, _darkExplicit = false;
};

} // namespace tw::ui
