// The workbench's charts, offscreen, on a realistic in-memory study (qmc
// sampler, 25 trials with learning curves, some failed and pruned, one still
// running): the trace, the learning curves, the GP slice and the parameter
// importance; their exports (PNG, SVG, PDF) and screenshots of each, light
// and dark, in TW_BUILD_DIR/screenshots/chart_*.png.
#include "analysis/slice_spread.h"
#include "plots/importance_view.h"
#include "plots/learning_curve_chart.h"
#include "plots/plot_export.h"
#include "plots/slice_view.h"
#include "plots/trace_chart.h"

#include "study/study.h"

#include <QAbstractAxis>
#include <QAreaSeries>
#include <QChart>
#include <QDir>
#include <QImage>
#include <QLineSeries>
#include <QScatterSeries>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QValueAxis>
#include <QtTest>

#include <cmath>

using namespace tw;

namespace {

/// 25 trials: validation loss of an MLP-like objective, with per-epoch curves.
/// Every 7th fails, every 5th is pruned after 2 epochs, the last one runs.
std::unique_ptr<study::Study> makeStudy(int count = 25, study::Direction direction = study::Direction::Minimize)
{
    study::StudyConfig c;
    c.name = "charts";
    c.direction = direction;
    c.space = space::SearchSpace({space::FloatParam{"learning_rate", 1e-5, 1e-1, true, std::nullopt},
                                  space::FloatParam{"dropout", 0.0, 0.6, false, std::nullopt},
                                  space::IntParam{"units", 16, 512, true},
                                  space::CategoricalParam{"optimizer", {std::string("sgd"), std::string("adam"),
                                                                        std::string("rmsprop")}}});
    c.sampler.name = "qmc";
    c.sampler.seed = 11;
    auto st = study::Study::createInMemory(c);
    for (int i = 0; i < count; ++i) {
        auto t = st->ask();
        const double lr = std::log10(t.params[0]);
        const double final = 0.25 + 0.08 * std::pow(lr + 3.0, 2) + 0.5 * std::pow(t.params[1] - 0.2, 2) +
                             0.05 * (t.params[3] == 0 ? 1.0 : 0.0) + 0.01 * std::log2(512.0 / t.params[2]);
        const bool running = i == count - 1, failed = i % 7 == 6, pruned = i % 5 == 4;
        const int epochs = running ? 3 : pruned ? 2 : failed ? 1 : 6;
        nlohmann::json curve = nlohmann::json::array();
        for (int e = 1; e <= epochs; ++e) {
            const double decay = std::exp(-0.6 * e);
            const double val = final + 0.9 * decay + (pruned ? 0.4 : 0.0);
            curve.push_back({{"epoch", e},
                             {"train_loss", final * 0.8 + 1.2 * decay},
                             {"validation", {{"loss", val}, {"accuracy", 0.95 - val / 3.0}}},
                             {"elapsed", 1.5 * e}});
            st->report(t.number, e, val);
        }
        st->setUserAttrs(t.number, {{"curve", curve}});
        if (running)
            break;
        if (failed)
            st->tell(t.number, study::Outcome::failed("CUDA out of memory"));
        else if (pruned)
            st->tell(t.number, study::Outcome::pruned("median pruner at epoch 2"));
        else
            st->tell(t.number, study::Outcome::complete(direction == study::Direction::Minimize ? final : -final));
    }
    return st;
}

int countState(const std::vector<study::Trial>& trials, study::TrialState s)
{
    return int(std::count_if(trials.begin(), trials.end(), [s](const study::Trial& t) { return t.state == s; }));
}

template <class S> S* seriesNamed(QChart* chart, const QString& name)
{
    for (QAbstractSeries* s : chart->series())
        if (s->name() == name)
            return qobject_cast<S*>(s);
    return nullptr;
}

/// The vertical axis shown (a chart keeps its unused axes hidden).
QAbstractAxis* shownVerticalAxis(QChart* chart)
{
    QAbstractAxis* shown = nullptr;
    for (QAbstractAxis* a : chart->axes(Qt::Vertical))
        if (a->isVisible()) {
            if (shown)
                return nullptr;  // two: a bug
            shown = a;
        }
    return shown;
}

int distinctColours(const QImage& image)
{
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 2)
        for (int x = 0; x < image.width(); x += 2)
            colours.insert(image.pixel(x, y));
    return int(colours.size());
}

void saveScreenshot(QWidget& w, const QString& name)
{
    QDir().mkpath(TW_BUILD_DIR "/screenshots");
    w.resize(900, 560);
    w.show();
    QTest::qWait(10);  // polish, layout and the deferred deletions of the event loop
    QVERIFY(w.grab().save(QString(TW_BUILD_DIR "/screenshots/chart_%1.png").arg(name)));
}

/// PNG (non-uniform, not tiny), SVG and PDF of one chart.
template <class Chart> void checkExports(const Chart& chart, const QString& stem)
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QString error;
    const QString png = dir.filePath(stem + ".png"), svg = dir.filePath(stem + ".svg"),
                  pdf = dir.filePath(stem + ".pdf");
    QVERIFY2(chart.exportImage(png, &error), qPrintable(error));
    QVERIFY2(chart.exportImage(svg, &error), qPrintable(error));
    QVERIFY2(chart.exportImage(pdf, &error), qPrintable(error));
    const QImage image(png);
    QVERIFY(!image.isNull());
    QVERIFY2(QFileInfo(png).size() > 15000, qPrintable(QString::number(QFileInfo(png).size())));
    QVERIFY2(distinctColours(image) > 30, qPrintable(QString::number(distinctColours(image))));
    QVERIFY(image.width() >= 2 * 320);  // 2x
    QFile s(svg);
    QVERIFY(s.open(QIODevice::ReadOnly));
    const QByteArray text = s.readAll();
    QVERIFY(text.contains("<svg"));
    QVERIFY(text.size() > 2000);
    QFile p(pdf);
    QVERIFY(p.open(QIODevice::ReadOnly));
    QCOMPARE(p.read(4), QByteArray("%PDF"));
    QVERIFY(!chart.exportImage(dir.filePath(stem + ".bmpx"), &error));
    QVERIFY2(error.contains("unknown image format"), qPrintable(error));
    QVERIFY(!chart.exportImage(dir.filePath("missing/dir/x.png"), &error));
    QVERIFY2(error.contains("does not exist"), qPrintable(error));
}

int seriesCount(QChart* chart, const QString& name)
{
    int n = 0;
    for (QAbstractSeries* s : chart->series()) n += s->name() == name;
    return n;
}

std::shared_ptr<const gp::Surrogate> surrogateOf(study::Study& st)
{
    auto s = gp::Surrogate::fit(st.space(), st.trials());
    return s ? std::make_shared<const gp::Surrogate>(std::move(*s)) : nullptr;
}

} // namespace

class TestCharts : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void traceSeriesAndBestSoFar_data();
    void traceSeriesAndBestSoFar();
    void traceClickHoverAndSelection();
    void traceLogScale();
    void traceThousandTrialsReusesSeries();
    void learningCurvesParseAndUpdate();
    void sliceBandAndEmptyState();
    void sliceSpreadOverHyperparameterDraws();
    void importanceView();
    void darkTheme();
    void exportsAndScreenshots();
    void axesStayWithinPossibleValues();
};

void TestCharts::traceSeriesAndBestSoFar_data()
{
    QTest::addColumn<bool>("minimize");
    QTest::newRow("minimize") << true;
    QTest::newRow("maximize") << false;
}

void TestCharts::traceSeriesAndBestSoFar()
{
    QFETCH(bool, minimize);
    const auto direction = minimize ? study::Direction::Minimize : study::Direction::Maximize;
    auto st = makeStudy(25, direction);
    const auto trials = st->trials();
    ui::TraceChart chart;
    chart.setTrials(trials, st->space(), direction, "validation loss");
    const int complete = countState(trials, study::TrialState::Complete);
    QVERIFY(complete >= 15);
    QCOMPARE(chart.pointCount(), complete);
    QCOMPARE(chart.failedCount(), countState(trials, study::TrialState::Failed));
    QCOMPARE(chart.prunedCount(), countState(trials, study::TrialState::Pruned));
    QVERIFY(chart.failedCount() >= 2 && chart.prunedCount() >= 3);

    // The best-so-far line: monotone, and at every complete trial the best of
    // the trials up to it; it ends at the best value and the last trial.
    const QList<QPointF> best = chart.bestSoFar();
    QVERIFY(!best.isEmpty());
    for (qsizetype i = 1; i < best.size(); ++i) {
        QVERIFY(best[i].x() >= best[i - 1].x());
        QVERIFY(minimize ? best[i].y() <= best[i - 1].y() : best[i].y() >= best[i - 1].y());
    }
    double running = NAN;
    for (const auto& t : trials) {
        if (t.state != study::TrialState::Complete)
            continue;
        running = std::isnan(running) ? *t.value : minimize ? std::min(running, *t.value) : std::max(running, *t.value);
        double atTrial = NAN;
        for (const QPointF& p : best)
            if (p.x() <= t.number)
                atTrial = p.y();
        QCOMPARE(atTrial, running);
    }
    QCOMPARE(best.last().y(), *st->bestTrial()->value);
    QCOMPARE(int(best.last().x()), trials.back().number);

    // Failed trials sit below every plotted value; pruned ones at their last intermediate value.
    auto* failed = seriesNamed<QScatterSeries>(chart.chart(), "failed");
    auto* pruned = seriesNamed<QScatterSeries>(chart.chart(), "pruned");
    QVERIFY(failed && pruned);
    double lowest = INFINITY;
    for (const auto& t : trials)
        if (t.state == study::TrialState::Complete || t.state == study::TrialState::Pruned)
            lowest = std::min(lowest, t.state == study::TrialState::Complete ? *t.value : t.intermediate.back().value);
    for (const QPointF& p : failed->points())
        QVERIFY(p.y() < lowest);
    const QPointF firstPruned = pruned->at(0);
    const auto prunedTrial = st->trial(int(firstPruned.x()));
    QVERIFY(prunedTrial && prunedTrial->state == study::TrialState::Pruned);
    QCOMPARE(firstPruned.y(), prunedTrial->intermediate.back().value);
}

void TestCharts::traceClickHoverAndSelection()
{
    auto st = makeStudy();
    const auto trials = st->trials();
    ui::TraceChart chart;
    chart.setTrials(trials, st->space(), st->direction(), "validation loss");
    QSignalSpy clicked(&chart, &ui::TraceChart::trialClicked);
    auto* complete = seriesNamed<QScatterSeries>(chart.chart(), "complete");
    auto* failed = seriesNamed<QScatterSeries>(chart.chart(), "failed");
    QVERIFY(complete && failed);
    const QPointF p = complete->at(3);
    Q_EMIT complete->clicked(p);
    Q_EMIT failed->clicked(failed->at(0));
    QCOMPARE(clicked.count(), 2);
    const int number = clicked.at(0).at(0).toInt();
    QCOMPARE(number, int(p.x()));
    QVERIFY(st->trial(number)->state == study::TrialState::Complete);
    QVERIFY(st->trial(clicked.at(1).at(0).toInt())->state == study::TrialState::Failed);

    // The hover text: number, value and parameters, categoricals by label.
    const auto t = *st->trial(number);
    const QString tip = chart.tooltipFor(number);
    QVERIFY2(tip.contains(QString("Trial %1").arg(number)), qPrintable(tip));
    QVERIFY2(tip.contains("validation loss = " + ui::formatNumber(*t.value)), qPrintable(tip));
    const char* choices[] = {"sgd", "adam", "rmsprop"};
    QVERIFY2(tip.contains(QString("optimizer = %1").arg(choices[int(t.params[3])])), qPrintable(tip));
    QVERIFY2(tip.contains(QString("units = %1").arg(qRound(t.params[2]))), qPrintable(tip));
    QVERIFY(chart.tooltipFor(failed->at(0).x()).contains("CUDA out of memory"));

    chart.setSelectedTrial(number);
    auto* selected = seriesNamed<QScatterSeries>(chart.chart(), "selected");
    QVERIFY(selected);
    QCOMPARE(selected->count(), 1);
    QCOMPARE(selected->at(0), p);
    chart.setSelectedTrial(-1);
    QCOMPARE(selected->count(), 0);
}

void TestCharts::traceLogScale()
{
    auto st = makeStudy();
    ui::TraceChart chart;
    chart.setTrials(st->trials(), st->space(), st->direction(), "validation loss");
    QVERIFY(!chart.logScale());
    chart.setLogScale(true);
    QVERIFY(chart.logScale());
    QAbstractAxis* y = shownVerticalAxis(chart.chart());
    QVERIFY(y);
    QCOMPARE(y->type(), QAbstractAxis::AxisTypeCategory);  // labelled log10 positions
    QVERIFY(y->titleText().contains("log scale"));
    auto* complete = seriesNamed<QScatterSeries>(chart.chart(), "complete");
    QVERIFY(complete->attachedAxes().contains(y));
    QCOMPARE(chart.pointCount(), countState(st->trials(), study::TrialState::Complete));
    const auto best = st->bestTrial();
    QCOMPARE(chart.bestSoFar().last().y(), std::log10(*best->value));  // axis units

    // A value <= 0: the axis stays linear while log scale stays requested.
    auto trials = st->trials();
    for (auto& t : trials)
        if (t.state == study::TrialState::Complete) {
            t.value = -0.5;
            break;
        }
    chart.setTrials(trials, st->space(), st->direction(), "validation loss");
    QVERIFY(!chart.logScale());
    QVERIFY(chart.logScaleRequested());
    QVERIFY(shownVerticalAxis(chart.chart()));
    QCOMPARE(shownVerticalAxis(chart.chart())->type(), QAbstractAxis::AxisTypeValue);
    chart.setTrials(st->trials(), st->space(), st->direction(), "validation loss");
    QVERIFY(chart.logScale());
}

void TestCharts::traceThousandTrialsReusesSeries()
{
    const space::SearchSpace space({space::FloatParam{"x", 0.0, 1.0, false, std::nullopt}});
    std::vector<study::Trial> trials;
    for (int i = 0; i < 1000; ++i) {
        study::Trial t;
        t.number = i;
        t.params = {std::fmod(i * 0.618034, 1.0)};
        t.state = i % 50 == 7 ? study::TrialState::Failed : study::TrialState::Complete;
        if (t.state == study::TrialState::Complete)
            t.value = 1.0 + std::sin(i * 0.37) + 1000.0 / (i + 10);
        trials.push_back(t);
    }
    ui::TraceChart chart;
    chart.setTrials({trials.begin(), trials.begin() + 500}, space, study::Direction::Minimize, "loss");
    const auto seriesBefore = chart.chart()->series();
    chart.setTrials(trials, space, study::Direction::Minimize, "loss");
    QCOMPARE(chart.chart()->series(), seriesBefore);  // updated in place
    QCOMPARE(chart.pointCount(), 980);
    QCOMPARE(chart.failedCount(), 20);
    QCOMPARE(chart.bestSoFar().last().x(), 999.0);
}

void TestCharts::learningCurvesParseAndUpdate()
{
    auto st = makeStudy();
    const auto trials = st->trials();
    const auto& first = trials[0];
    const auto c = ui::LearningCurveChart::curveOf(first, "accuracy");
    QCOMPARE(c.trial, 0);
    QCOMPARE(int(c.epochs.size()), 6);
    QCOMPARE(int(c.trainLoss.size()), 6);
    QCOMPARE(int(c.validation.size()), 6);
    QCOMPARE(c.epochs[2], 3.0);
    QCOMPARE(c.trainLoss[0], first.userAttrs["curve"][0]["train_loss"].get<double>());
    QCOMPARE(c.validation[5], first.userAttrs["curve"][5]["validation"]["accuracy"].get<double>());
    QVERIFY(!c.running);
    QCOMPARE(ui::LearningCurveChart::curveOf(first, "").validation[0],
             first.userAttrs["curve"][0]["validation"]["accuracy"].get<double>());  // the first metric recorded
    QVERIFY(std::isnan(ui::LearningCurveChart::curveOf(first, "f1").validation[0]));
    QCOMPARE(ui::LearningCurveChart::metricsOf(first), QStringList({"accuracy", "loss"}));
    const auto running = ui::LearningCurveChart::curveOf(trials.back(), "loss");
    QVERIFY(running.running);
    QCOMPARE(int(running.epochs.size()), 3);
    study::Trial bare = first;  // no "curve": the intermediate values
    bare.userAttrs = nlohmann::json::object();
    QCOMPARE(ui::LearningCurveChart::curveOf(bare, "loss").validation.size(), first.intermediate.size());

    ui::LearningCurveChart chart;
    chart.setCurves({ui::LearningCurveChart::curveOf(trials[0], "loss"),
                     ui::LearningCurveChart::curveOf(trials[1], "loss"), running},
                    "validation loss");
    QCOMPARE(chart.curveCount(), 3);
    QCOMPARE(chart.chart()->series().size(), 6);
    auto* runningLine = seriesNamed<QLineSeries>(chart.chart(), QString("trial %1 (running)").arg(running.trial));
    QVERIFY(runningLine);
    QCOMPARE(runningLine->count(), 3);

    // The running trial trains one more epoch: same series, one more point.
    auto longer = running;
    longer.epochs.push_back(4);
    longer.trainLoss.push_back(0.3);
    longer.validation.push_back(0.4);
    const int created = chart.seriesCreated();
    chart.setCurves({ui::LearningCurveChart::curveOf(trials[0], "loss"),
                     ui::LearningCurveChart::curveOf(trials[1], "loss"), longer},
                    "validation loss");
    QCOMPARE(chart.seriesCreated(), created);
    QCOMPARE(runningLine->count(), 4);
    chart.setCurves({longer}, "validation loss");
    QCOMPARE(chart.curveCount(), 1);
    QCOMPARE(chart.chart()->series().size(), 2);
}

void TestCharts::sliceBandAndEmptyState()
{
    auto st = makeStudy();
    const auto trials = st->trials();
    ui::SliceView view;
    view.setSurrogate(nullptr, {trials.begin(), trials.begin() + 1}, st->direction(), "validation loss");
    QVERIFY(!view.emptyReason().isEmpty());
    QVERIFY2(view.emptyReason().contains("at least 2 completed trials"), qPrintable(view.emptyReason()));
    QCOMPARE(view.bandSize(), 0);
    QString error;
    QVERIFY(!view.exportImage(QDir::temp().filePath("tw-empty-slice.png"), &error));
    QVERIFY(error.contains("nothing to export"));

    const auto surrogate = surrogateOf(*st);
    QVERIFY(surrogate);
    view.setSurrogate(surrogate, trials, st->direction(), "validation loss");
    QCOMPARE(view.emptyReason(), QString());
    QCOMPARE(view.parameter(), QString("learning_rate"));
    QVERIFY(view.slice());
    QCOMPARE(view.bandSize(), int(view.slice()->mean.size()));
    QVERIFY(view.bandSize() >= 50);
    auto* band = seriesNamed<QAreaSeries>(view.chart(), "mean \u00b1 2 SE");
    QVERIFY(band);
    QCOMPARE(int(band->upperSeries()->count()), view.bandSize());
    QCOMPARE(int(band->lowerSeries()->count()), view.bandSize());
    for (int k = 0; k < view.bandSize(); ++k)
        QVERIFY(band->upperSeries()->at(k).y() >= band->lowerSeries()->at(k).y());
    // A log parameter: the points are plotted at log10 of the value.
    QCOMPARE(band->upperSeries()->at(0).x(), -5.0);
    QCOMPARE(view.observedCount(), countState(trials, study::TrialState::Complete));
    QVERIFY2(view.caption().contains("fixed at") && view.caption().contains("optimizer = "),
             qPrintable(view.caption()));
    QVERIFY(!view.caption().contains("learning_rate ="));

    view.setParameter("optimizer");
    QCOMPARE(view.bandSize(), 3);
    QVERIFY(seriesNamed<QScatterSeries>(view.chart(), "GP mean"));
    QCOMPARE(seriesNamed<QScatterSeries>(view.chart(), "GP mean")->count(), 3);

    view.setParameter("nope");
    QVERIFY2(view.emptyReason().contains("'nope'"), qPrintable(view.emptyReason()));
    view.setParameter("dropout");
    view.setFixedValues({1e-3, 0.1});
    QVERIFY2(view.emptyReason().contains("one value per parameter"), qPrintable(view.emptyReason()));
    view.setFixedValues({1e-3, 0.1, 64, 1});
    QCOMPARE(view.emptyReason(), QString());
    QVERIFY2(view.caption().contains("optimizer = adam") && view.caption().contains("units = 64"),
             qPrintable(view.caption()));
}

void TestCharts::sliceSpreadOverHyperparameterDraws()
{
    auto st = makeStudy();
    const auto trials = st->trials();
    const auto surrogate = surrogateOf(*st);
    QVERIFY(surrogate);
    const QString envelope = QString::fromUtf8("mean over 16 draws (10\u201390%)");
    const QString curve = "a hyperparameter draw's mean";

    ui::SliceView view;
    QSignalSpy changed(&view, &ui::SliceView::spreadChanged);
    view.setSurrogate(surrogate, trials, st->direction(), "validation loss");
    // The MAP slice at once; the draws on the worker, after this call returned.
    QCOMPARE(view.emptyReason(), QString());
    QVERIFY(view.isComputingSpread());
    QVERIFY(!view.spread());
    QVERIFY2(view.caption().contains("Computing the GP mean over 16 GP hyperparameter draws"), qPrintable(view.caption()));
    QCOMPARE(seriesCount(view.chart(), envelope), 0);
    QTRY_VERIFY_WITH_TIMEOUT(changed.count() == 1, 30000);
    QVERIFY(!view.isComputingSpread());
    QVERIFY(view.spread());
    QCOMPARE(view.spread()->draws, 16);
    // What the core computes for this slice (the best trial's values elsewhere).
    const auto expected = analysis::sliceSpread(*surrogate, "learning_rate", view.slice()->fixed, 60);
    QCOMPARE(view.spread()->low, expected.low);
    QCOMPARE(view.spread()->high, expected.high);
    auto* band = seriesNamed<QAreaSeries>(view.chart(), envelope);
    QVERIFY(band);
    QCOMPARE(int(band->upperSeries()->count()), view.bandSize());
    QCOMPARE(band->upperSeries()->at(0).x(), -5.0);  // log10 units, as the mean
    for (int k = 0; k < view.bandSize(); ++k) {
        QCOMPARE(band->upperSeries()->at(k).y(), expected.high[k]);
        QCOMPARE(band->lowerSeries()->at(k).y(), expected.low[k]);
    }
    QCOMPARE(seriesCount(view.chart(), curve), 16);
    // Behind the GP mean: drawn before it.
    const auto series = view.chart()->series();
    QVERIFY(series.indexOf(band) < series.indexOf(seriesNamed<QLineSeries>(view.chart(), "GP mean")));
    QVERIFY2(view.caption().contains("percentile over 16 GP hyperparameter draws"), qPrintable(view.caption()));
    QVERIFY2(view.spreadTooltip(0).contains("over 16 GP hyperparameter draws") &&
                 view.spreadTooltip(0).contains("learning_rate = 1e-5"),
             qPrintable(view.spreadTooltip(0)));
    QCOMPARE(view.spreadTooltip(60), QString());

    // A theme change redraws what is there; nothing is computed again.
    view.setDark(true);
    QVERIFY(!view.isComputingSpread());
    QVERIFY(seriesNamed<QAreaSeries>(view.chart(), envelope));
    view.setDark(false);

    // Requests while one runs: only the newest waits; the first is dropped
    // as stale, the newest shown.
    changed.clear();
    view.setParameter("dropout");
    view.setParameter("optimizer");
    QTRY_VERIFY_WITH_TIMEOUT(!view.isComputingSpread(), 30000);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(view.spread()->x, (std::vector<double>{0, 1, 2}));
    QCOMPARE(seriesCount(view.chart(), envelope), 3);  // a box per choice
    QCOMPARE(seriesCount(view.chart(), curve), 0);
    QVERIFY2(view.caption().contains("(a box per choice)"), qPrintable(view.caption()));

    // A view gone while its spread computes: the computation ends on its own.
    {
        ui::SliceView gone;
        gone.setSurrogate(surrogate, trials, st->direction(), "validation loss");
        QVERIFY(gone.isComputingSpread());
    }
    // The empty state drops a computation still running.
    changed.clear();
    view.setParameter("units");
    view.setSurrogate(nullptr, trials, st->direction(), "validation loss");
    QVERIFY(!view.spread());
    QTest::qWait(300);
    QCOMPARE(changed.count(), 0);
    QVERIFY(!view.isComputingSpread());

    // Past maxObservations (the importance view's rule): none, and the caption says why.
    analysis::DrawOptions capped;
    capped.maxObservations = 5;
    view.setSpreadOptions(capped);
    view.setSurrogate(surrogate, trials, st->direction(), "validation loss");
    QVERIFY(!view.isComputingSpread());
    QVERIFY(!view.spread());
    QVERIFY2(view.caption().contains("No spread over GP hyperparameter draws above 5 observations"),
             qPrintable(view.caption()));
    // Off: the MAP band alone, no word of draws.
    analysis::DrawOptions off;
    off.draws = 0;
    view.setSpreadOptions(off);
    QVERIFY(!view.isComputingSpread());
    QVERIFY(!view.caption().contains("draws"));

    // A hidden view that defers draws nothing until shown.
    ui::SliceView hidden;
    hidden.setDeferWhileHidden(true);
    hidden.setSurrogate(surrogate, trials, st->direction(), "validation loss");
    QVERIFY(!hidden.isComputingSpread());
    hidden.resize(900, 560);
    hidden.show();
    QVERIFY(hidden.isComputingSpread() || hidden.spread());
    QTRY_VERIFY_WITH_TIMEOUT(!hidden.isComputingSpread(), 30000);
    QVERIFY(hidden.spread());
}

void TestCharts::importanceView()
{
    auto st = makeStudy();
    ui::ImportanceView view;
    view.setSurrogate(nullptr, st->direction());
    QVERIFY(view.emptyReason().contains("Not enough data"));
    QVERIFY(view.importances().empty());

    QSignalSpy changed(&view, &ui::ImportanceView::importancesChanged);
    view.setSamples(256);
    view.setSurrogate(surrogateOf(*st), st->direction());
    QVERIFY(view.isComputing() || changed.count() == 1);
    QTRY_VERIFY_WITH_TIMEOUT(changed.count() == 1, 30000);
    QVERIFY(!view.isComputing());
    QCOMPARE(view.emptyReason(), QString());
    const auto imp = view.importances();
    QCOMPARE(int(imp.size()), 4);
    double sum = 0;
    for (const auto& p : imp)
        sum += p.importance;
    QVERIFY(std::abs(sum - 1.0) < 1e-9);
    // The learning rate drives this objective.
    QCOMPARE(std::max_element(imp.begin(), imp.end(), [](const auto& a, const auto& b) {
                 return a.importance < b.importance;
             })->name,
             std::string("learning_rate"));
    QVERIFY(view.tooltipFor(0).contains("lengthscale"));
    // Each bar has its whisker: the 10th-90th percentile over the GP's
    // hyperparameter draws, around the point estimate, said in the tooltip.
    QCOMPARE(view.whiskerCount(), 4);
    QCOMPARE(view.chart()->series().size(), 1 + 4);
    for (int i = 0; i < 4; ++i) {
        QVERIFY(imp[size_t(i)].hasInterval());
        QCOMPARE(imp[size_t(i)].draws, 16);
        QVERIFY(imp[size_t(i)].low <= imp[size_t(i)].high);
        const QString tip = view.tooltipFor(i);
        QVERIFY2(tip.contains(QRegularExpression("importance [0-9.]+% \\(10\u201390%: [0-9.]+\u2013[0-9.]+% over 16 "
                                                 "GP hyperparameter draws\\)")),
                 qPrintable(tip));
    }
    QVERIFY2(view.caption().contains("Whiskers"), qPrintable(view.caption()));

    // Without draws: the MAP bars alone.
    analysis::IntervalOptions none;
    none.draws = 0;
    view.setIntervalOptions(none);
    view.setSurrogate(surrogateOf(*st), st->direction());
    QTRY_VERIFY_WITH_TIMEOUT(changed.count() == 2, 30000);
    QCOMPARE(view.whiskerCount(), 0);
    QCOMPARE(view.chart()->series().size(), 1);
    QVERIFY(!view.tooltipFor(0).contains("draws"));

    // Requests while one runs: only the newest waits, and it is what ends up shown.
    view.setIntervalOptions({});
    changed.clear();
    view.setSurrogate(surrogateOf(*st), st->direction());
    view.setSurrogate(surrogateOf(*st), st->direction());
    view.setSurrogate(nullptr, st->direction());
    QCOMPARE(changed.count(), 1);  // the empty state, at once
    QVERIFY(view.importances().empty());
    view.setSurrogate(surrogateOf(*st), st->direction());
    QTRY_VERIFY_WITH_TIMEOUT(!view.isComputing(), 30000);
    QCOMPARE(view.whiskerCount(), 4);
    QCOMPARE(changed.count(), 2);  // the first computation was dropped, the newest shown
    changed.clear();

    // Past maxObservations: no whiskers, and the caption says why.
    analysis::IntervalOptions capped;
    capped.maxObservations = 5;
    view.setIntervalOptions(capped);
    view.setSurrogate(surrogateOf(*st), st->direction());
    QTRY_VERIFY_WITH_TIMEOUT(changed.count() == 1, 30000);
    QCOMPARE(view.whiskerCount(), 0);
    QVERIFY2(view.caption().contains("No whiskers above 5 observations"), qPrintable(view.caption()));
}

void TestCharts::darkTheme()
{
    auto st = makeStudy();
    ui::TraceChart trace;
    QCOMPARE(trace.chart()->theme(), QChart::ChartThemeLight);
    QPalette dark;
    dark.setColor(QPalette::Window, QColor(35, 35, 35));
    dark.setColor(QPalette::WindowText, QColor(235, 235, 235));
    trace.setPalette(dark);  // follows the palette
    QCOMPARE(trace.chart()->theme(), QChart::ChartThemeDark);
    QVERIFY(trace.dark());
    trace.setDark(false);
    QCOMPARE(trace.chart()->theme(), QChart::ChartThemeLight);
    ui::LearningCurveChart curves;
    curves.setDark(true);
    QCOMPARE(curves.chart()->theme(), QChart::ChartThemeDark);
}

void TestCharts::exportsAndScreenshots()
{
    auto st = makeStudy();
    const auto trials = st->trials();
    const auto surrogate = surrogateOf(*st);
    QVERIFY(surrogate);

    ui::TraceChart trace;
    trace.setTrials(trials, st->space(), st->direction(), "validation loss");
    trace.setSelectedTrial(st->bestTrial()->number);
    checkExports(trace, "trace");
    saveScreenshot(trace, "trace");
    trace.setLogScale(true);
    saveScreenshot(trace, "trace_log");
    trace.setDark(true);
    saveScreenshot(trace, "trace_dark");

    ui::LearningCurveChart curves;
    std::vector<ui::LearningCurveChart::Curve> list;
    for (const auto& t : trials)
        if (t.number % 4 == 0 || t.state == study::TrialState::Running)
            list.push_back(ui::LearningCurveChart::curveOf(t, "loss"));
    curves.setCurves(list, "validation loss");
    checkExports(curves, "curves");
    saveScreenshot(curves, "learning_curves");
    curves.setDark(true);
    saveScreenshot(curves, "learning_curves_dark");

    ui::SliceView slice;
    slice.setSurrogate(surrogate, trials, st->direction(), "validation loss");
    QTRY_VERIFY_WITH_TIMEOUT(!slice.isComputingSpread(), 30000);
    QVERIFY(slice.spread());
    checkExports(slice, "slice");
    saveScreenshot(slice, "slice_log");
    slice.setParameter("optimizer");
    QTRY_VERIFY_WITH_TIMEOUT(!slice.isComputingSpread(), 30000);
    saveScreenshot(slice, "slice_categorical");
    slice.setParameter("units");
    slice.setDark(true);
    QTRY_VERIFY_WITH_TIMEOUT(!slice.isComputingSpread(), 30000);
    saveScreenshot(slice, "slice_int_dark");
    ui::SliceView empty;
    empty.setSurrogate(nullptr, {}, st->direction(), "validation loss");
    saveScreenshot(empty, "slice_empty");

    ui::ImportanceView importance;
    QSignalSpy changed(&importance, &ui::ImportanceView::importancesChanged);
    importance.setSurrogate(surrogate, st->direction());
    QTRY_VERIFY_WITH_TIMEOUT(changed.count() == 1, 30000);
    checkExports(importance, "importance");
    saveScreenshot(importance, "importance");
    importance.setDark(true);
    saveScreenshot(importance, "importance_dark");

    // Few noisy observations: long whiskers.
    study::StudyConfig c;
    c.name = "few";
    c.space = space::SearchSpace({space::FloatParam{"learning_rate", 1e-4, 1e-1, true, std::nullopt},
                                  space::FloatParam{"dropout", 0.0, 0.5, false, std::nullopt},
                                  space::IntParam{"units", 16, 256, false}});
    c.sampler.name = "qmc";
    c.sampler.seed = 2;
    auto few = study::Study::createInMemory(c);
    for (int i = 0; i < 9; ++i) {
        auto t = few->ask();
        const double noise = 0.4 * std::sin(37.0 * i);  // deterministic "noise"
        few->tell(t.number, study::Outcome::complete(std::pow(std::log10(t.params[0]) + 2.5, 2) + noise));
    }
    ui::ImportanceView wide;
    QSignalSpy wideChanged(&wide, &ui::ImportanceView::importancesChanged);
    wide.setSurrogate(surrogateOf(*few), few->direction());
    QTRY_VERIFY_WITH_TIMEOUT(wideChanged.count() == 1, 30000);
    QCOMPARE(wide.whiskerCount(), 3);
    saveScreenshot(wide, "importance_few");
    // The same few observations: a wide spread of the slice over the draws.
    ui::SliceView wideSlice;
    wideSlice.setSurrogate(surrogateOf(*few), few->trials(), few->direction(), "validation loss");
    QTRY_VERIFY_WITH_TIMEOUT(!wideSlice.isComputingSpread(), 30000);
    QVERIFY(wideSlice.spread());
    saveScreenshot(wideSlice, "slice_spread_few");
}

void TestCharts::axesStayWithinPossibleValues()
{
    // Accuracies close to 1 and training losses close to 0: rounded to nice
    // numbers the axes would pass 1 and 0.
    study::StudyConfig c;
    c.name = "accuracy";
    c.direction = study::Direction::Maximize;
    c.space = space::SearchSpace({space::FloatParam{"learning_rate", 1e-4, 1e-1, true, std::nullopt},
                                  space::FloatParam{"dropout", 0.0, 0.5, false, std::nullopt}});
    c.sampler.name = "qmc";
    c.sampler.seed = 5;
    auto st = study::Study::createInMemory(c);
    for (int i = 0; i < 12; ++i) {
        auto t = st->ask();
        const double acc = 0.999 - 0.02 * std::abs(std::log10(t.params[0]) + 2.5) - 0.01 * t.params[1];
        nlohmann::json curve = nlohmann::json::array();
        for (int e = 1; e <= 5; ++e)
            curve.push_back({{"epoch", e}, {"train_loss", 0.002 + 0.3 / (e * e)},
                             {"validation", {{"accuracy", std::min(0.9995, acc - 0.05 / e + 0.05)}}}});
        st->setUserAttrs(t.number, {{"curve", curve}});
        st->tell(t.number, study::Outcome::complete(i == 0 ? 0.9995 : acc));
    }
    const auto trials = st->trials();
    const ui::ValueBounds accuracy{0.0, 1.0};
    auto maxOf = [](QAbstractAxis* a) { return qobject_cast<QValueAxis*>(a)->max(); };
    auto minOf = [](QAbstractAxis* a) { return qobject_cast<QValueAxis*>(a)->min(); };

    ui::TraceChart trace;
    trace.setTrials(trials, st->space(), st->direction(), "accuracy");
    // Unbounded, the nice numbers pass 1.
    QVERIFY2(maxOf(shownVerticalAxis(trace.chart())) > 1.0, qPrintable(QString::number(maxOf(shownVerticalAxis(trace.chart())))));
    saveScreenshot(trace, "trace_accuracy_unbounded");
    trace.setValueBounds(accuracy);
    QVERIFY(maxOf(shownVerticalAxis(trace.chart())) <= 1.0);
    QVERIFY(maxOf(shownVerticalAxis(trace.chart())) >= 0.999);
    saveScreenshot(trace, "trace_accuracy_bounded");

    ui::LearningCurveChart curves;
    curves.setMetricBounds(accuracy);
    curves.setCurves({ui::LearningCurveChart::curveOf(trials[0], "accuracy"),
                      ui::LearningCurveChart::curveOf(trials[1], "accuracy")},
                     "accuracy");
    int checked = 0;
    for (QAbstractAxis* a : curves.chart()->axes(Qt::Vertical)) {
        if (a->titleText().contains("training loss")) {
            QVERIFY(minOf(a) >= 0.0);
            ++checked;
        } else {
            QVERIFY2(maxOf(a) <= 1.0, qPrintable(QString::number(maxOf(a))));
            ++checked;
        }
    }
    QCOMPARE(checked, 2);
    saveScreenshot(curves, "learning_curves_bounded");

    ui::SliceView slice;
    slice.setValueBounds(accuracy);
    slice.setSurrogate(surrogateOf(*st), trials, st->direction(), "accuracy");
    QCOMPARE(slice.emptyReason(), QString());
    QVERIFY(maxOf(shownVerticalAxis(slice.chart())) <= 1.0);
    saveScreenshot(slice, "slice_accuracy_bounded");
}

QTEST_MAIN(TestCharts)
#include "test_charts.moc"
