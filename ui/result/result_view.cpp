// The result page (see result_view.h).
#include "result/result_view.h"

#include "plots/plot_export.h"
#include "result/result_painters.h"
#include "study/model_store.h"
#include "train/metrics.h"
#include "util/printable.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QMessageBox>
#include <QPushButton>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLegend>
#include <QLineSeries>
#include <QPainter>
#include <QScatterSeries>
#include <QStackedWidget>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QValueAxis>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>
#include <mutex>

namespace tw::ui {

/// A widget that paints with a function, so that the export paints the same.
class PaintedPlot : public QWidget {
public:
    using Fn = std::function<void(QPainter&, const QRectF&)>;
    explicit PaintedPlot(QWidget* parent = nullptr) : QWidget(parent) { setMinimumSize(240, 220); }
    void setPaint(Fn fn)
    {
        _fn = std::move(fn);
        update();
    }

protected:
    void paintEvent(QPaintEvent*) override
    {
        QPainter p(this);
        if (_fn) _fn(p, QRectF(rect()));
    }

private:
    Fn _fn;
};

/// The spec's data, read once on the worker thread and kept for the next evaluations.
struct ResultView::Source {
    train::StudySpec spec;
    std::unique_ptr<train::DataSource> data;
    std::mutex mutex; // one evaluation at a time uses `data`
};

namespace {

QChart* makeChart(QChartView*& view, QWidget* parent, bool dark)
{
    auto* chart = new QChart;
    styleChart(chart, dark);
    chart->legend()->hide();
    view = new QChartView(chart, parent);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumSize(260, 220);
    return chart;
}

void setCurve(QChart* chart, bool dark, const std::vector<train::CurvePoint>& points, const QString& title,
              const QString& xTitle, const QString& yTitle, bool diagonal)
{
    chart->removeAllSeries();
    for (auto* axis : chart->axes()) chart->removeAxis(axis);
    styleChart(chart, dark);
    chart->legend()->hide();
    chart->setTitle(title);
    auto* curve = new QLineSeries;
    for (const auto& p : points) curve->append(p.x, p.y);
    QPen pen(seriesColor(0, dark), 2);
    curve->setPen(pen);
    chart->addSeries(curve);
    auto* x = new QValueAxis;
    auto* y = new QValueAxis;
    x->setRange(0, 1);
    y->setRange(0, 1.02);
    x->setTitleText(xTitle);
    y->setTitleText(yTitle);
    x->setTickCount(6);
    y->setTickCount(6);
    x->setLabelFormat("%.1f");
    y->setLabelFormat("%.1f");
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    styleAxis(x, dark);
    styleAxis(y, dark);
    curve->attachAxis(x);
    curve->attachAxis(y);
    if (diagonal) {
        auto* chance = new QLineSeries;
        chance->append(0, 0);
        chance->append(1, 1);
        QPen dash(dark ? QColor(150, 150, 150) : QColor(140, 140, 140), 1, Qt::DashLine);
        chance->setPen(dash);
        chart->addSeries(chance);
        chance->attachAxis(x);
        chance->attachAxis(y);
    }
}

QTableWidgetItem* cell(const QString& text, bool number = true)
{
    auto* item = new QTableWidgetItem(text);
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    item->setTextAlignment(number ? Qt::AlignRight | Qt::AlignVCenter : Qt::AlignLeft | Qt::AlignVCenter);
    return item;
}

QString fixed(double v, int decimals = 3)
{
    return std::isfinite(v) ? QString::number(v, 'f', decimals) : QStringLiteral("—");
}

} // namespace

ResultView::ResultView(QWidget* parent) : QWidget(parent)
{
    _dark = paletteIsDark(palette());
    _trialBox = new QComboBox(this);
    _trialBox->setObjectName("resultTrial");
    _trialBox->setToolTip(tr("The kept models: the study keeps the trained model of each of its best trials "
                             "(keep_models in the spec; Optimization in Setup)"));
    _trialBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    _dataBox = new QComboBox(this);
    _dataBox->setObjectName("resultData");
    _dataBox->addItem(tr("Validation data"), int(train::EvaluationData::Validation));
    _dataBox->addItem(tr("Test data"), int(train::EvaluationData::Test));
    _dataBox->setToolTip(tr("The data the model predicts: the trial's validation split, or the study's test data "
                            "(never seen while tuning)"));
    _summary = new QLabel(this);
    _summary->setObjectName("resultSummary");
    _summary->setWordWrap(true);
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Model of"), this));
    bar->addWidget(_trialBox);
    bar->addWidget(new QLabel(tr("on"), this));
    bar->addWidget(_dataBox);
    bar->addWidget(_summary, 1);
    _exportModel = new QPushButton(tr("Export model…"), this);
    _exportModel->setObjectName("exportModel");
    _exportModel->setToolTip(tr("Save a copy of this trained model and its model card (.json) to use elsewhere"));
    _exportModel->setEnabled(false);
    bar->addWidget(_exportModel);
    connect(_exportModel, &QPushButton::clicked, this, [this] {
        if (!_result) return;
        const QString path = QFileDialog::getSaveFileName(this, tr("Export the model"),
                                                          QStringLiteral("trial-%1.model").arg(_result->trial));
        QString error;
        if (!path.isEmpty() && !exportModel(path, &error)) QMessageBox::warning(this, tr("Export failed"), error);
    });

    _page = new QWidget(this);
    _page->setAutoFillBackground(true);
    _confusion = new PaintedPlot(_page);
    _confusion->setObjectName("confusionMatrix");
    _table = new QTableWidget(_page);
    _table->setObjectName("classReport");
    _table->setColumnCount(5);
    _table->setHorizontalHeaderLabels({tr("class"), tr("precision"), tr("recall"), tr("F1"), tr("support")});
    _table->verticalHeader()->hide();
    _table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    _table->horizontalHeader()->setStretchLastSection(true);
    _table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    _table->setMinimumHeight(120);
    _roc = makeChart(_rocView, _page, _dark);
    _rocView->setObjectName("rocChart");
    _pr = makeChart(_prView, _page, _dark);
    _prView->setObjectName("prChart");
    _scatter = makeChart(_scatterView, _page, _dark);
    _scatterView->setObjectName("predictedChart");
    _regions = new PaintedPlot(_page);
    _regions->setObjectName("decisionRegions");
    _regions->setMinimumSize(320, 300);
    auto* grid = new QGridLayout(_page);
    grid->setContentsMargins(4, 4, 4, 4);
    grid->addWidget(_confusion, 0, 0);
    grid->addWidget(_table, 1, 0);
    grid->addWidget(_rocView, 0, 1);
    grid->addWidget(_prView, 1, 1);
    grid->addWidget(_scatterView, 0, 1, 2, 1);
    grid->addWidget(_regions, 0, 2, 2, 1);
    grid->setColumnStretch(0, 3);
    grid->setColumnStretch(1, 3);
    grid->setColumnStretch(2, 4);
    grid->setRowStretch(0, 3);
    grid->setRowStretch(1, 2);

    _emptyLabel = new QLabel(this);
    _emptyLabel->setWordWrap(true);
    _emptyLabel->setAlignment(Qt::AlignCenter);
    _emptyLabel->setFont(plotFont(14));
    _stack = new QStackedWidget(this);
    _stack->addWidget(_page);
    _stack->addWidget(_emptyLabel);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(_stack, 1);

    connect(_trialBox, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (_updatingPicker || index < 0) return;
        _requested = _trialBox->itemData(index).toInt();
        requestEvaluation();
    });
    connect(_dataBox, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (index < 0) return;
        _on = train::EvaluationData(_dataBox->itemData(index).toInt());
        requestEvaluation();
    });
    connect(&_watcher, &QFutureWatcher<Outcome>::finished, this, &ResultView::onFinished);
    showEmpty(tr("No study yet."));
}

ResultView::~ResultView()
{
    // The job holds the source (shared) and plain values; it may finish after this view.
    _watcher.disconnect(this);
}

void ResultView::setStudy(const train::StudySpec& spec, bool runnable, const QString& modelsFolder, TrialList trials)
{
    const nlohmann::json j = spec.toJson();
    if (j != _specJson || !_source) {
        _specJson = j;
        _source = std::make_shared<Source>();
        _source->spec = spec;
        _result.reset();
        _shown = -1;
    }
    const bool folderChanged = modelsFolder != _folder;
    _runnable = runnable;
    _folder = modelsFolder;
    _trials = std::move(trials);
    if (folderChanged) {
        _requested = -1;
        _result.reset();
        _shown = -1;
    }
    rebuildPicker();
    const int want = wantedTrial();
    if (want != _shown || want < 0 || (!_result && !isEvaluating())) requestEvaluation();
}

void ResultView::showTrial(int number)
{
    _requested = number;
    rebuildPicker();
    requestEvaluation();
}

void ResultView::setEvaluationData(train::EvaluationData on)
{
    _dataBox->setCurrentIndex(on == train::EvaluationData::Test ? 1 : 0); // requests the evaluation
}

QList<int> ResultView::offeredTrials() const
{
    QList<int> out;
    for (int i = 0; i < _trialBox->count(); ++i) out << _trialBox->itemData(i).toInt();
    return out;
}

int ResultView::wantedTrial() const
{
    if (_requested >= 0) return _requested;
    const QList<int> offered = offeredTrials();
    return offered.isEmpty() ? -1 : offered.front();
}

void ResultView::rebuildPicker()
{
    QList<int> kept;
    std::vector<study::Trial> trials = _trials ? *_trials : std::vector<study::Trial>{};
    if (!_folder.isEmpty()) {
        const study::ModelStore store(_folder.toStdString(), 1);
        const auto numbers = store.kept();
        const auto ranked = study::bestTrialNumbers(trials, _source ? _source->spec.objective.direction
                                                                     : study::Direction::Maximize,
                                                    trials.size());
        for (int n : ranked)
            if (std::find(numbers.begin(), numbers.end(), n) != numbers.end()) kept << n;
    }
    _updatingPicker = true;
    _trialBox->clear();
    const QString metric = _source ? QString::fromStdString(train::Metrics::label(_source->spec.objective.metric,
                                                                                  _source->spec.objective.positiveClass))
                                   : QString();
    for (int i = 0; i < kept.size(); ++i) {
        const int n = kept[i];
        QString text = tr("trial %1").arg(n);
        if (size_t(n) < trials.size() && trials[size_t(n)].value)
            text += QStringLiteral(" — %1 %2").arg(metric, formatNumber(*trials[size_t(n)].value));
        if (i == 0) text += tr(" (best)");
        _trialBox->addItem(text, n);
    }
    if (_requested >= 0 && !kept.contains(_requested)) _trialBox->addItem(tr("trial %1 (no kept model)").arg(_requested), _requested);
    const int want = wantedTrial();
    for (int i = 0; i < _trialBox->count(); ++i)
        if (_trialBox->itemData(i).toInt() == want) _trialBox->setCurrentIndex(i);
    _updatingPicker = false;
}

void ResultView::requestEvaluation()
{
    const int trial = wantedTrial();
    if (!_source || !_runnable) {
        showEmpty(_source ? tr("This study has no study spec of its own: its models cannot be looked at here.")
                          : tr("No study yet."));
        return;
    }
    if (trial < 0) {
        showEmpty(tr("No kept model yet: when a trial completes, the study keeps its trained model if it is among "
                     "the best %1 (keep_models).")
                      .arg(_source->spec.keepModels));
        return;
    }
    if (isEvaluating()) {
        _pendingTrial = trial;
        return;
    }
    _pendingTrial = -2;
    const study::ModelStore store(_folder.toStdString(), _source->spec.keepModels);
    std::optional<study::Trial> t;
    if (_trials && size_t(trial) < _trials->size()) t = (*_trials)[size_t(trial)];
    if (!t || !store.has(trial)) {
        _result.reset();
        _shown = trial;
        showEmpty(tr("Trial %1's model was not kept: the study keeps the trained models of its best %2 trials "
                     "(keep_models). Pick a kept one above, or retrain this configuration with Study > Retrain.")
                      .arg(trial)
                      .arg(_source->spec.keepModels));
        return;
    }
    if (!_result) showEmpty(tr("Evaluating the model of trial %1\u2026").arg(trial));
    const auto source = _source;
    const auto on = _on;
    const study::Trial trialCopy = *t;
    _busy = true;
    _watcher.setFuture(QtConcurrent::run([source, store, trialCopy, on]() {
        Outcome o;
        o.trial = trialCopy.number;
        o.on = on;
        try {
            std::lock_guard lock(source->mutex);
            if (!source->data) source->data = std::make_unique<train::DataSource>(source->spec);
            o.result = train::evaluateTrial(source->spec, *source->data, store, trialCopy, on, 160);
        } catch (const train::NoTestDataError&) {
            o.error = QObject::tr("The study has no test data: set a test CSV or a test share in Setup's data page, "
                                  "or look at the validation data.");
        } catch (const std::exception& e) {
            o.error = QString::fromStdString(tw::printable(e.what()));
        }
        return o;
    }));
}

void ResultView::onFinished()
{
    const Outcome o = _watcher.result();
    _busy = false;
    _shown = o.trial;
    if (o.result) {
        _result = o.result;
        showResult();
    } else {
        _result.reset();
        showEmpty(o.error);
    }
    if (_pendingTrial != -2 || wantedTrial() != _shown || o.on != _on) {
        _pendingTrial = -2;
        if (wantedTrial() != _shown || o.on != _on) {
            requestEvaluation();
            return;
        }
    }
    Q_EMIT evaluated();
}

bool ResultView::exportModel(const QString& path, QString* error) const
{
    if (!_result) {
        if (error) *error = tr("%1: no model shown to export").arg(path);
        return false;
    }
    const QString from = QString::fromStdString(_result->modelPath);
    for (const QString& ext : {QString(), QStringLiteral(".json")}) {
        QFile::remove(path + ext);
        if (!QFile::copy(from + ext, path + ext)) {
            if (error) *error = tr("%1: cannot copy the model there from %2").arg(path + ext, from + ext);
            return false;
        }
    }
    return true;
}

void ResultView::showEmpty(const QString& why)
{
    _emptyReason = why;
    _exportModel->setEnabled(false);
    _emptyLabel->setText(why);
    _stack->setCurrentWidget(_emptyLabel);
    _summary->clear();
    if (!isEvaluating() && !why.startsWith(tr("Evaluating"))) Q_EMIT evaluated();
}

void ResultView::showResult()
{
    const train::TrialEvaluation& e = *_result;
    const train::ModelReport& r = e.report;
    _emptyReason.clear();
    const bool classification = r.task != data::Task::Regression;
    const bool binary = r.positiveClass >= 0;
    QString summary = tr("Trial %1, %2").arg(e.trial).arg(QString::fromStdString(e.dataName));
    if (classification)
        summary += tr(": accuracy %1, F1 (macro) %2").arg(fixed(r.metrics.accuracy)).arg(fixed(r.metrics.f1Macro));
    else
        summary += tr(": R² %1, MAE %2").arg(fixed(r.metrics.r2)).arg(formatNumber(r.metrics.mae));
    _summary->setText(summary);

    _confusion->setVisible(classification);
    _table->setVisible(classification);
    _rocView->setVisible(binary);
    _prView->setVisible(binary);
    _scatterView->setVisible(!classification);
    _regions->setVisible(e.regions.has_value());
    // Hidden plots give their room to the others.
    if (auto* grid = qobject_cast<QGridLayout*>(_page->layout())) {
        grid->setColumnStretch(0, classification ? 3 : 0);
        grid->setColumnStretch(1, binary || !classification ? 3 : 0);
        grid->setColumnStretch(2, e.regions ? 4 : 0);
    }
    const bool dark = _dark;
    if (classification) {
        const train::ModelReport report = r;
        _confusion->setPaint([report, dark](QPainter& p, const QRectF& area) {
            paintConfusionMatrix(p, area, report, dark);
        });
        _table->setRowCount(int(r.classes.size()) + 3);
        int row = 0;
        for (const auto& c : r.classes) {
            _table->setItem(row, 0, cell(QString::fromStdString(c.name), false));
            _table->setItem(row, 1, cell(fixed(c.precision)));
            _table->setItem(row, 2, cell(fixed(c.recall)));
            _table->setItem(row, 3, cell(fixed(c.f1)));
            _table->setItem(row, 4, cell(QString::number(c.support)));
            ++row;
        }
        const QString n = QString::number(r.samples);
        _table->setItem(row, 0, cell(tr("accuracy"), false));
        for (int c = 1; c < 3; ++c) _table->setItem(row, c, cell(QString()));
        _table->setItem(row, 3, cell(fixed(r.metrics.accuracy)));
        _table->setItem(row++, 4, cell(n));
        _table->setItem(row, 0, cell(tr("macro avg"), false));
        _table->setItem(row, 1, cell(fixed(r.metrics.precisionMacro)));
        _table->setItem(row, 2, cell(fixed(r.metrics.recallMacro)));
        _table->setItem(row, 3, cell(fixed(r.metrics.f1Macro)));
        _table->setItem(row++, 4, cell(n));
        _table->setItem(row, 0, cell(tr("weighted avg"), false));
        _table->setItem(row, 1, cell(fixed(r.metrics.precisionWeighted)));
        _table->setItem(row, 2, cell(fixed(r.metrics.recallWeighted)));
        _table->setItem(row, 3, cell(fixed(r.metrics.f1Weighted)));
        _table->setItem(row, 4, cell(n));
    }
    if (binary) {
        const QString positive = QString::fromStdString(r.classNames[size_t(r.positiveClass)]);
        setCurve(_roc, dark, r.roc, tr("ROC of class '%1' — AUC %2").arg(positive, fixed(r.rocAuc)),
                 tr("false positive rate"), tr("true positive rate"), true);
        setCurve(_pr, dark, r.precisionRecall, tr("Precision–recall of '%1' — AP %2").arg(positive, fixed(r.averagePrecision)),
                 tr("recall"), tr("precision"), false);
    }
    if (!classification) {
        _scatter->removeAllSeries();
        for (auto* axis : _scatter->axes()) _scatter->removeAxis(axis);
        styleChart(_scatter, dark);
        _scatter->legend()->hide();
        _scatter->setTitle(tr("Predicted against true (R² %1)").arg(fixed(r.metrics.r2)));
        auto* points = new QScatterSeries;
        points->setMarkerSize(6);
        points->setColor(seriesColor(0, dark));
        points->setBorderColor(seriesColor(0, dark).darker(140));
        double lo = INFINITY, hi = -INFINITY;
        for (size_t i = 0; i < r.truth.size(); ++i) {
            points->append(r.truth[i], r.predicted[i]);
            lo = std::min({lo, double(r.truth[i]), double(r.predicted[i])});
            hi = std::max({hi, double(r.truth[i]), double(r.predicted[i])});
        }
        if (!(hi > lo)) hi = lo + 1;
        auto* ideal = new QLineSeries;
        ideal->append(lo, lo);
        ideal->append(hi, hi);
        ideal->setPen(QPen(QColor(140, 140, 140), 1, Qt::DashLine));
        _scatter->addSeries(points);
        _scatter->addSeries(ideal);
        auto* x = new QValueAxis;
        auto* y = new QValueAxis;
        x->setRange(lo, hi);
        y->setRange(lo, hi);
        x->setTitleText(tr("true value"));
        y->setTitleText(tr("predicted value"));
        x->applyNiceNumbers();
        y->applyNiceNumbers();
        _scatter->addAxis(x, Qt::AlignBottom);
        _scatter->addAxis(y, Qt::AlignLeft);
        styleAxis(x, dark);
        styleAxis(y, dark);
        for (auto* s : {static_cast<QAbstractSeries*>(points), static_cast<QAbstractSeries*>(ideal)}) {
            s->attachAxis(x);
            s->attachAxis(y);
        }
    }
    if (e.regions) {
        const train::DecisionRegions regions = *e.regions;
        const data::Dataset points = e.points;
        _regions->setPaint([regions, points, dark](QPainter& p, const QRectF& area) {
            paintDecisionRegions(p, area, regions, points, dark);
        });
    }
    _stack->setCurrentWidget(_page);
    _exportModel->setEnabled(true);
}

bool ResultView::exportImage(const QString& path, QString* error) const
{
    if (!_result || _stack->currentWidget() != _page) {
        if (error)
            *error = tr("%1: nothing to export (%2)").arg(path, _emptyReason.isEmpty() ? tr("no result yet") : _emptyReason);
        return false;
    }
    ExportOptions o;
    o.title = tr("Trial %1 result").arg(_result->trial);
    o.background = _dark ? QColor(40, 40, 40) : Qt::white;
    QWidget* page = _page;
    QLabel* summary = _summary;
    const QSize pageSize = page->size().expandedTo(QSize(900, 520));
    const int captionHeight = 28;
    return exportPainting(
        path, QSize(pageSize.width(), pageSize.height() + captionHeight),
        [page, summary, captionHeight](QPainter& p, const QRectF& area) {
            p.setFont(plotFont(13));
            p.drawText(QRectF(area.left() + 8, area.top(), area.width() - 16, captionHeight), Qt::AlignVCenter | Qt::AlignLeft,
                       summary->text());
            p.save();
            p.translate(area.left(), area.top() + captionHeight);
            page->render(&p, QPoint(), QRegion(), QWidget::DrawChildren);
            p.restore();
        },
        error, o);
}

void ResultView::setDark(bool dark)
{
    if (_dark == dark) return;
    _dark = dark;
    if (_result) showResult();
}

} // namespace tw::ui
