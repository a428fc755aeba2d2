// The interactive contour view, offscreen: the empty state says why; one pair
// draws two panels, all pairs two per pair, and clicking a small multiple
// opens its pair; fixing at a trial or moving a slider moves the other
// parameters; a bad pair is refused; exports write real files. A GP study
// past its initial trials gets a third panel, the acquisition, with the
// sampler's proposal at its argmax; failed trials bring the failure map;
// few observations a note. Screenshots: <build>/screenshots/contour_view_*.png
// (light, dark, empty, all pairs, acquisition, failure map).
#include "contour_study.h"
#include "plots/contour_plot_data.h"
#include "plots/contour_view.h"
#include "plots/contour_widgets.h"
#include "plots/surrogate_fitter.h"

#include "study/study.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QImage>
#include <QSlider>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

#include <nlohmann/json.hpp>

using namespace tw;

namespace {

std::unique_ptr<study::Study> makeStudy(int n)
{
    return makeContourStudy("contour-view", n, 5);
}

/// The study's model as the window gets it (its own sampler's configuration).
ui::StudyModelPtr modelNow(ui::SurrogateFitter& f, study::Study& st)
{
    ui::StudyModelPtr out;
    const auto c = QObject::connect(&f, &ui::SurrogateFitter::fitted, [&out](auto m) { out = m; });
    f.request(st.space(), st.trials(), st.direction(), st.config().sampler);
    f.waitForIdle();
    QObject::disconnect(c);
    return out;
}

std::shared_ptr<const gp::Surrogate> fitNow(ui::SurrogateFitter& f, study::Study& st)
{
    const auto m = modelNow(f, st);
    return m ? m->surrogate : nullptr;
}

/// Distinct colours in a rectangle of an image (every other pixel).
int distinctColours(const QImage& image, const QRect& r)
{
    QSet<QRgb> seen;
    for (int y = r.top(); y <= r.bottom(); y += 2)
        for (int x = r.left(); x <= r.right(); x += 2) seen.insert(image.pixel(x, y));
    return int(seen.size());
}

void shoot(QWidget& w, const QString& name)
{
    QDir().mkpath(TW_BUILD_DIR "/screenshots");
    QVERIFY(w.grab().save(TW_BUILD_DIR "/screenshots/" + name + ".png"));
}

} // namespace

class TestContourView : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void emptyStateSaysWhy();
    void onePairAndAllPairs();
    void fixAtTrialAndBadPairs();
    void sliderMovesFixedValues();
    void darkPalette();
    void exports();
    void hoverReadsTheGrid();
    void conditionalBranches();
    void acquisitionPanelProposesTheNextTrial();
    void failureMapShowsFailedTrials();
    void fewObservationsSayReadWithCare();
};

void TestContourView::emptyStateSaysWhy()
{
    ui::ContourView v;
    v.resize(1300, 600);
    auto st = makeStudy(1);
    v.setStudy(st->space(), st->trials(), st->direction(), "loss", "contour-view");
    v.setSurrogate(nullptr);
    QCOMPARE(v.panelCount(), 0);
    QVERIFY2(v.emptyReason().contains("2 completed trials"), qPrintable(v.emptyReason()));
    QVERIFY(v.emptyReason().contains("1 so far"));
    QString error;
    QVERIFY(!v.exportImage(QDir::temp().filePath("never.png"), &error));
    QVERIFY(error.contains("completed trials"));
    v.show();
    QTest::qWait(50);
    shoot(v, "contour_view_empty");
}

void TestContourView::onePairAndAllPairs()
{
    auto st = makeStudy(15);
    ui::SurrogateFitter f;
    const auto s = fitNow(f, *st);
    QVERIFY(s);
    ui::ContourView v;
    v.resize(1400, 640);
    v.show();
    v.setStudy(st->space(), st->trials(), st->direction(), "loss", "contour-view");
    v.setSurrogate(s);
    v.waitForGrids();
    QVERIFY(v.emptyReason().isEmpty());
    QCOMPARE(v.panelCount(), 2);
    QCOMPARE(v.xParameter(), QString("learning_rate"));
    QCOMPARE(v.yParameter(), QString("dropout"));
    QTest::qWait(50);
    shoot(v, "contour_view_pair");

    v.setAllPairs(true);
    v.waitForGrids();
    QCOMPARE(v.panelCount(), 6);
    QTest::qWait(50);
    shoot(v, "contour_view_all_pairs");
    // A long objective name in a narrower window: the colour-bar titles
    // shorten to what fits instead of being cut.
    v.resize(1000, 560);
    v.setStudy(st->space(), st->trials(), st->direction(), "validation loss", "contour-view");
    v.setSurrogate(s);
    v.waitForGrids();
    QTest::qWait(50);
    shoot(v, "contour_view_all_pairs_narrow");
    v.resize(1400, 640);
    v.setStudy(st->space(), st->trials(), st->direction(), "loss", "contour-view");
    v.setSurrogate(s);
    v.setAllPairs(false);
    v.waitForGrids();
    QCOMPARE(v.panelCount(), 2);

    // Clicking the third small multiple (dropout x optimizer) opens that pair.
    v.setAllPairs(true);
    v.waitForGrids();
    auto* allBox = v.findChild<QCheckBox*>("contourAllPairs");
    QVERIFY(allBox && allBox->isChecked());
    const auto tiles = v.findChildren<QWidget*>("contourSmallMultiple");
    QCOMPARE(tiles.size(), 3);
    QTest::mouseClick(tiles[2], Qt::LeftButton);
    v.waitForGrids();
    QVERIFY(!v.allPairs());
    QVERIFY(!allBox->isChecked());
    QCOMPARE(v.xParameter(), QString("dropout"));
    QCOMPARE(v.yParameter(), QString("optimizer"));
    QCOMPARE(v.panelCount(), 2);

    // A new trial and a refitted surrogate keep the pair and redraw.
    auto more = makeStudy(16);
    v.setStudy(more->space(), more->trials(), more->direction(), "loss", "contour-view");
    v.setSurrogate(fitNow(f, *more));
    v.waitForGrids();
    QCOMPARE(v.xParameter(), QString("dropout"));
    QCOMPARE(v.panelCount(), 2);
}

void TestContourView::sliderMovesFixedValues()
{
    auto st = makeStudy(15);
    ui::SurrogateFitter f;
    ui::ContourView v;
    v.setStudy(st->space(), st->trials(), st->direction(), "loss", "contour-view");
    v.setSurrogate(fitNow(f, *st));
    v.setPair("learning_rate", "optimizer");
    v.waitForGrids();
    // The axes' sliders are disabled; dropout's moves dropout only.
    auto* lr = v.findChild<QSlider*>("fixed_learning_rate");
    auto* dropout = v.findChild<QSlider*>("fixed_dropout");
    QVERIFY(lr && dropout);
    QVERIFY(!lr->isEnabled());
    QVERIFY(dropout->isEnabled());
    const auto before = v.fixedValues();
    QSignalSpy changed(&v, &ui::ContourView::fixedValuesChanged);
    dropout->setValue(dropout->maximum());
    QCOMPARE(changed.size(), 1);
    QCOMPARE(v.fixedValues()[1], 0.6);
    QCOMPARE(v.fixedValues()[0], before[0]);
    QCOMPARE(v.fixedValues()[2], before[2]);
    dropout->setValue(0);
    QCOMPARE(v.fixedValues()[1], 0.0);
    v.waitForGrids();
    QCOMPARE(v.panelCount(), 2);
    // The grid is cut at the new value: the CSV names it.
    QTemporaryDir dir;
    QVERIFY(v.exportGridCsv(dir.filePath("g.csv")));
    QFile csv(dir.filePath("g.csv"));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    QVERIFY(csv.readAll().contains("\"dropout\":0.0"));

    // A log parameter's slider is log-scaled: its middle is the geometric mean.
    v.setPair("dropout", "optimizer");
    QVERIFY(lr->isEnabled());
    lr->setValue(lr->maximum() / 2);
    QVERIFY2(std::abs(std::log10(v.fixedValues()[0]) + 3.0) < 0.01, qPrintable(QString::number(v.fixedValues()[0])));
}

void TestContourView::darkPalette()
{
    auto st = makeStudy(15);
    ui::SurrogateFitter f;
    ui::ContourView v;
    QPalette dark;
    dark.setColor(QPalette::Window, QColor(45, 45, 48));
    dark.setColor(QPalette::WindowText, QColor(230, 230, 230));
    dark.setColor(QPalette::Base, QColor(30, 30, 32));
    dark.setColor(QPalette::Text, QColor(230, 230, 230));
    dark.setColor(QPalette::Button, QColor(60, 60, 64));
    dark.setColor(QPalette::ButtonText, QColor(230, 230, 230));
    v.setPalette(dark);
    v.resize(1400, 640);
    v.show();
    v.setStudy(st->space(), st->trials(), st->direction(), "loss", "contour-view");
    v.setSurrogate(fitNow(f, *st));
    v.waitForGrids();
    QTest::qWait(50);
    const QImage shot = v.grab().toImage();
    // The plot area follows the palette: its corner is the dark base colour.
    const auto* canvas = v.findChild<QWidget*>("contourCanvas");
    QVERIFY(canvas);
    const QPoint corner = canvas->mapTo(&v, QPoint(3, 3));
    QVERIFY(qGray(shot.pixel(corner)) < 80);
    shoot(v, "contour_view_dark");
}

void TestContourView::fixAtTrialAndBadPairs()
{
    auto st = makeStudy(15);
    ui::SurrogateFitter f;
    ui::ContourView v;
    v.setStudy(st->space(), st->trials(), st->direction(), "loss", "contour-view");
    v.setSurrogate(fitNow(f, *st));
    v.waitForGrids();
    const auto trials = st->trials();
    const auto best = st->bestTrial();
    QCOMPARE(v.fixedValues()[2], best->params[2]);  // fixed at the best trial by default
    QSignalSpy changed(&v, &ui::ContourView::fixedValuesChanged);
    const auto& t = trials[3].params[2] != best->params[2] ? trials[3] : trials[4];
    v.fixAtTrial(t);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(v.fixedValues()[2], t.params[2]);
    v.waitForGrids();
    QVERIFY2(v.emptyReason().isEmpty(), qPrintable(v.emptyReason()));
    QCOMPARE(v.panelCount(), 2);
    // A new trial keeps the user's fixed values.
    v.setStudy(st->space(), st->trials(), st->direction(), "loss", "contour-view");
    QCOMPARE(v.fixedValues()[2], t.params[2]);
    v.resetFixedToBest();
    QCOMPARE(v.fixedValues()[2], best->params[2]);

    QString error;
    QVERIFY(!v.setPair("learning_rate", "learning_rate", &error));
    QVERIFY(error.contains("different"));
    QVERIFY(!v.setPair("learning_rate", "momentum", &error));
    QVERIFY(error.contains("momentum"));
    QVERIFY(v.setPair("optimizer", "dropout", &error));
    v.waitForGrids();
    QCOMPARE(v.xParameter(), QString("optimizer"));
    QVERIFY2(v.emptyReason().isEmpty(), qPrintable(v.emptyReason()));
    QCOMPARE(v.panelCount(), 2);
}

void TestContourView::exports()
{
    auto st = makeStudy(15);
    ui::SurrogateFitter f;
    ui::ContourView v;
    v.setStudy(st->space(), st->trials(), st->direction(), "loss", "contour-view");
    v.setSurrogate(fitNow(f, *st));
    v.waitForGrids();
    QTemporaryDir dir;
    QString error;
    QVERIFY2(v.exportImage(dir.filePath("a.png"), &error), qPrintable(error));
    QVERIFY2(v.exportImage(dir.filePath("a.svg"), &error), qPrintable(error));
    QVERIFY2(v.exportImage(dir.filePath("a.pdf"), &error), qPrintable(error));
    QImage png(dir.filePath("a.png"));
    QVERIFY(png.width() > 1000);
    QVERIFY(png.pixel(png.width() / 4, png.height() / 2) != png.pixel(5, 5));
    QFile svg(dir.filePath("a.svg"));
    QVERIFY(svg.open(QIODevice::ReadOnly));
    QVERIFY(svg.readAll().contains("<svg"));
    QFile pdf(dir.filePath("a.pdf"));
    QVERIFY(pdf.open(QIODevice::ReadOnly));
    QVERIFY(pdf.read(4) == "%PDF");
    QVERIFY(!v.exportImage(dir.filePath("a.bmp"), &error));
    QVERIFY(error.contains("a.bmp"));

    QVERIFY2(v.exportAllPairs(dir.path(), "png", &error), qPrintable(error));
    QCOMPARE(QDir(dir.path()).entryList({"*_vs_*.png"}).size(), 3);
    QVERIFY(QFile::exists(dir.filePath("learning_rate_vs_dropout.png")));
    // A new folder (even nested) is created; a file is refused.
    QVERIFY2(v.exportAllPairs(dir.filePath("new/pairs"), "svg", &error), qPrintable(error));
    QCOMPARE(QDir(dir.filePath("new/pairs")).entryList({"*_vs_*.svg"}).size(), 3);
    QVERIFY(!v.exportAllPairs(dir.filePath("a.png"), "png", &error));
    QVERIFY2(error.contains("a.png") && error.contains("not a folder"), qPrintable(error));

    QVERIFY2(v.exportGridCsv(dir.filePath("grid.csv"), &error), qPrintable(error));
    QFile csv(dir.filePath("grid.csv"));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    int rows = 0;
    for (const QByteArray& line : csv.readAll().split('\n'))
        rows += !line.isEmpty() && !line.startsWith('#') && !line.startsWith("x,");
    QCOMPARE(rows, 50 * 50);
}

void TestContourView::conditionalBranches()
{
    // Two families, each with its own parameters: the panel greys the other
    // family's sliders, all pairs lists the active branch's pairs only, and a
    // pair across branches draws nothing and says why.
    study::StudyConfig c;
    c.name = "families";
    c.space = space::SearchSpace::fromJson(nlohmann::json::parse(R"({"parameters": [
        {"name": "family", "type": "categorical", "choices": ["linear", "forest"]},
        {"name": "C", "type": "float", "low": 0.001, "high": 100, "log": true, "when": {"family": ["linear"]}},
        {"name": "l1_ratio", "type": "float", "low": 0, "high": 1, "when": {"family": ["linear"]}},
        {"name": "trees", "type": "int", "low": 10, "high": 300, "when": {"family": ["forest"]}},
        {"name": "depth", "type": "int", "low": 2, "high": 30, "when": {"family": ["forest"]}}
    ]})"));
    c.sampler.name = "qmc";
    c.sampler.seed = 2;
    auto st = study::Study::createInMemory(c);
    for (int i = 0; i < 20; ++i) {
        const auto t = st->ask();
        const auto& p = t.params;
        const double loss = p[0] == 0.0 ? 0.3 + 0.02 * std::pow(std::log10(p[1]), 2) + 0.05 * p[2]
                                        : 0.2 + 1e-6 * std::pow(p[3] - 200, 2) + 0.002 * std::abs(p[4] - 12);
        st->tell(t.number, study::Outcome::complete(loss));
    }
    ui::SurrogateFitter f;
    ui::ContourView v;
    v.resize(1400, 700);
    v.show();
    v.setStudy(st->space(), st->trials(), st->direction(), "loss", "families");
    v.setSurrogate(fitNow(f, *st));
    v.setPair("trees", "depth");
    auto* family = v.findChild<QComboBox*>("fixed_family");
    auto* cSlider = v.findChild<QSlider*>("fixed_C");
    auto* l1 = v.findChild<QSlider*>("fixed_l1_ratio");
    QVERIFY(family && cSlider && l1);
    family->setCurrentIndex(1); // forest
    v.waitForGrids();
    QVERIFY2(v.emptyReason().isEmpty(), qPrintable(v.emptyReason()));
    QCOMPARE(v.panelCount(), 2);
    QVERIFY(!cSlider->isEnabled());
    QVERIFY(!l1->isEnabled());
    QVERIFY2(l1->toolTip().contains("family in [linear] (family = forest)"), qPrintable(l1->toolTip()));
    QTest::qWait(50);
    shoot(v, "contour_view_conditional");

    // Within the forest: family x trees, family x depth, trees x depth.
    v.setAllPairs(true);
    v.waitForGrids();
    QCOMPARE(v.panelCount(), 6);
    QStringList tips;
    for (auto* tile : v.findChildren<QWidget*>("contourSmallMultiple")) tips << tile->toolTip();
    QCOMPARE(tips.size(), 3);
    for (const QString& tip : tips) QVERIFY2(!tip.contains("C ") && !tip.contains("l1_ratio"), qPrintable(tip));
    QTest::qWait(50);
    shoot(v, "contour_view_conditional_all_pairs");
    // The linear branch: its sliders come back, the forest's grey out.
    family->setCurrentIndex(0);
    v.waitForGrids();
    QCOMPARE(v.panelCount(), 6);
    QVERIFY(cSlider->isEnabled());
    QVERIFY(!v.findChild<QSlider*>("fixed_trees")->isEnabled());
    v.setAllPairs(false);

    // A pair across the branches draws nothing and says why.
    v.setPair("C", "trees");
    v.waitForGrids();
    QCOMPARE(v.panelCount(), 0);
    QVERIFY2(v.emptyReason().contains("parameter 'trees' is inactive at the fixed values"), qPrintable(v.emptyReason()));
    // The parent on an axis: every child of a branch is live somewhere.
    v.setPair("family", "C");
    v.waitForGrids();
    QCOMPARE(v.panelCount(), 2);
    QVERIFY(v.findChild<QSlider*>("fixed_trees")->isEnabled());
}

void TestContourView::hoverReadsTheGrid()
{
    auto st = makeStudy(15);
    ui::SurrogateFitter f;
    const auto s = fitNow(f, *st);
    QVERIFY(s);
    // optimizer (categorical) on x, learning_rate (log) on y: labels and log values read back.
    const auto g = analysis::contour(*s, "optimizer", "learning_rate", st->trials().front().params, 40);
    ui::ContourCanvas c;
    c.resize(1200, 520);
    c.setPlot(ui::makeContourPlotData(g, st->trials(), st->direction(), "contour-view", "loss"));
    QVERIFY(c.probeText(QPointF(3, 3)).isEmpty());  // the margin
    const QString left = c.probeText(QPointF(300, 260));  // inside the mean panel
    QVERIFY2(left.contains("optimizer = ") && left.contains("learning_rate = ") && left.contains("mean loss"),
             qPrintable(left));
    QVERIFY(left.contains("sgd") || left.contains("adam") || left.contains("rmsprop"));
    // The same cell in the SE panel (same offset in the right half) reads the same values.
    const QString right = c.probeText(QPointF(300 + 600, 260));
    QCOMPARE(right, left);
    // Top left of the mean panel's plot area: the first category and the largest learning rate.
    QString corner;
    for (int x = 60; x < 300 && corner.isEmpty(); x += 4) corner = c.probeText(QPointF(x, 90));
    QVERIFY2(corner.contains("optimizer = sgd"), qPrintable(corner));
}

void TestContourView::acquisitionPanelProposesTheNextTrial()
{
    // Two parameters: the plot is the whole space, so the proposal is the
    // argmax of the panel's acquisition (within the grid's resolution).
    auto st = makeGpContourStudy("acquisition", 12, 4, true);
    ui::SurrogateFitter f;
    const auto model = modelNow(f, *st);
    QVERIFY(model && model->choosing && model->next);
    ui::ContourView v;
    v.resize(1500, 640);
    v.show();
    v.setStudy(st->space(), st->trials(), st->direction(), "loss", "acquisition");
    v.setModel(model);
    v.waitForGrids();
    QCOMPARE(v.panelCount(), 3);
    QCOMPARE(v.panels(), (std::vector<ui::ContourPanel>{ui::ContourPanel::Mean, ui::ContourPanel::StandardError,
                                                          ui::ContourPanel::Acquisition}));
    const auto& plot = v.plots().front();
    QVERIFY(plot.next.has_value());
    QCOMPARE(plot.grid.acquisition.rows(), plot.grid.mean.rows());

    // The grid's argmax and the proposal, as fractions of the axes (log x).
    Eigen::Index row = 0, col = 0;
    plot.grid.acquisition.maxCoeff(&row, &col);
    const auto frac = [](const analysis::Axis& a, double v) {
        const double lo = a.values.front(), hi = a.values.back();
        return a.log ? std::log(v / lo) / std::log(hi / lo) : (v - lo) / (hi - lo);
    };
    const double cell = 1.0 / (plot.grid.x.values.size() - 1);
    const double dx = frac(plot.grid.x, plot.next->first) - frac(plot.grid.x, plot.grid.x.values[size_t(col)]);
    const double dy = frac(plot.grid.y, plot.next->second) - frac(plot.grid.y, plot.grid.y.values[size_t(row)]);
    QVERIFY2(std::abs(dx) <= 1.5 * cell && std::abs(dy) <= 1.5 * cell,
             qPrintable(QString("proposal %1 cells, %2 cells from the grid's argmax").arg(dx / cell).arg(dy / cell)));
    // And the model agrees: nothing on the grid beats the proposal by more than a rounding.
    QVERIFY(model->model->acquisition(st->space().toUnit(*model->next)) >= plot.grid.acquisition.maxCoeff() - 1e-6);

    // The canvas draws the panel: its heat map varies.
    QTest::qWait(50);
    auto* canvas = v.findChild<ui::ContourCanvas*>("contourCanvas");
    QVERIFY(canvas && canvas->renderer());
    QCOMPARE(canvas->panelCount(), 3);
    shoot(v, "contour_view_acquisition");
    const QImage image = canvas->grab().toImage();
    const QRect acq = canvas->renderer()->plotAreas(QRectF(canvas->rect()))[2].toRect().adjusted(4, 4, -4, -4);
    QVERIFY2(distinctColours(image, acq) > 50, qPrintable(QString::number(distinctColours(image, acq))));
    // The hover readout names every panel's value, on any panel.
    const QString hover = canvas->probeText(QPointF(acq.center()));
    QVERIFY2(hover.contains("mean loss") && hover.contains("standard error") && hover.contains("acquisition (log EI)"),
             qPrintable(hover));
    QVERIFY(!hover.contains("P(failure)"));  // no trial failed: no failure panel, no readout for it

    // The fitter announces the model, then the same model with its proposal:
    // the grids stand, the star appears.
    auto bare = std::make_shared<ui::StudyModel>(*model);
    bare->next.reset();
    v.setModel(bare);
    v.waitForGrids();
    QVERIFY(!v.plots().front().next);
    v.setModel(model);
    QVERIFY(v.plots().front().next.has_value());

    // A running trial is pending: the next model marks it and proposes elsewhere.
    st->ask();
    v.setStudy(st->space(), st->trials(), st->direction(), "loss", "acquisition");
    v.setModel(modelNow(f, *st));
    v.waitForGrids();
    QCOMPARE(v.plots().front().pending.size(), size_t(1));

    // At next trial: the other parameters (none here) follow the proposal; exports carry three panels.
    QVERIFY(v.fixAtNext());
    QVERIFY(v.fixedByUser());
    v.waitForGrids();
    QTemporaryDir dir;
    QString error;
    QVERIFY2(v.exportImage(dir.filePath("a.png"), &error), qPrintable(error));
    QCOMPARE(QImage(dir.filePath("a.png")).width(), 3600);  // 1800 px at 2x
    QVERIFY2(v.exportImage(dir.filePath("a.pdf"), &error), qPrintable(error));
    QFile::remove(TW_BUILD_DIR "/screenshots/contour_export_acquisition.png");
    QFile::copy(dir.filePath("a.png"), TW_BUILD_DIR "/screenshots/contour_export_acquisition.png");
}

void TestContourView::failureMapShowsFailedTrials()
{
    // Every learning rate above 0.003 fails: P(failure) is high there and the failed trials are marked.
    auto st = makeGpContourStudy("failures", 16, 6, false, true, 10);
    int failed = 0;
    for (const auto& t : st->trials()) failed += t.state == study::TrialState::Failed;
    QVERIFY(failed >= 2);
    ui::SurrogateFitter f;
    const auto model = modelNow(f, *st);
    QVERIFY(model && model->model && model->model->failedCount() == failed);
    ui::ContourView v;
    v.resize(1400, 900);
    v.show();
    v.setStudy(st->space(), st->trials(), st->direction(), "loss", "failures");
    v.setModel(model);
    v.waitForGrids();
    QCOMPARE(v.panelCount(), 4);
    QCOMPARE(v.panels().back(), ui::ContourPanel::Failure);
    QCOMPARE(int(v.plots().front().failed.size()), failed);
    QTest::qWait(50);
    auto* canvas = v.findChild<ui::ContourCanvas*>("contourCanvas");
    shoot(v, "contour_view_failure_map");
    const QImage image = canvas->grab().toImage();
    const QRectF map = canvas->renderer()->plotAreas(QRectF(canvas->rect()))[3];
    // Where the failed trials are, the map reads failure more likely than where none failed.
    {
        const auto& g = v.plots().front().grid;
        double high = 0, low = 0;
        int nh = 0, nl = 0;
        for (size_t c = 0; c < g.x.values.size(); ++c)
            for (Eigen::Index r = 0; r < g.feasible.rows(); ++r) {
                const double p = 1 - g.feasible(r, Eigen::Index(c));
                if (g.x.values[c] > 0.01) high += p, ++nh;
                else if (g.x.values[c] < 1e-4) low += p, ++nl;
            }
        QVERIFY2(high / nh > 2 * (low / nl), qPrintable(QString("%1 vs %2").arg(high / nh).arg(low / nl)));
    }
    // Reds: white where trials complete, red where they fail (less green).
    const auto greenAt = [&](double fx) {
        int sum = 0;
        for (int k = 0; k < 9; ++k)
            sum += qGreen(image.pixel(QPoint(int(map.left() + fx * map.width()), int(map.top() + (k + 0.5) / 9 * map.height()))));
        return sum / 9;
    };
    QVERIFY2(greenAt(0.97) + 20 < greenAt(0.1), qPrintable(QString("%1 vs %2").arg(greenAt(0.97)).arg(greenAt(0.1))));
    QVERIFY(canvas->probeText(map.center()).contains("P(failure)"));

    // All pairs: four panels per pair.
    v.setAllPairs(true);
    v.waitForGrids();
    QCOMPARE(v.panelCount(), 12);
    QTest::qWait(50);
    shoot(v, "contour_view_failure_all_pairs");
    QTemporaryDir dir;
    QString error;
    QVERIFY2(v.exportAllPairs(dir.path(), "png", &error), qPrintable(error));
    const QImage pair(dir.filePath("learning_rate_vs_dropout.png"));
    QCOMPARE(pair.size(), QSize(2400, 2000));  // two by two at 2x
    // The grid CSV has the acquisition and P(feasible) columns.
    QVERIFY2(v.exportGridCsv(dir.filePath("g.csv"), &error), qPrintable(error));
    QFile csv(dir.filePath("g.csv"));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    QVERIFY(csv.readAll().contains("x,y,mean,se,acquisition,p_feasible"));
}

void TestContourView::fewObservationsSayReadWithCare()
{
    ui::SurrogateFitter f;
    ui::ContourView v;
    auto few = makeStudy(4);  // 4 observations for 3 parameters
    v.setStudy(few->space(), few->trials(), few->direction(), "loss", "contour-view");
    v.setModel(modelNow(f, *few));
    v.waitForGrids();
    QVERIFY2(v.trustNote().contains("read with care") && v.trustNote().contains("4 for 3 parameters"),
             qPrintable(v.trustNote()));
    auto enough = makeStudy(6);
    v.setStudy(enough->space(), enough->trials(), enough->direction(), "loss", "contour-view");
    v.setModel(modelNow(f, *enough));
    v.waitForGrids();
    QVERIFY(v.trustNote().isEmpty());
}

QTEST_MAIN(TestContourView)
#include "test_contour_view.moc"
