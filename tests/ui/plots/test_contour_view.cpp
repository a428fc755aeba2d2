// The interactive contour view, offscreen: the empty state says why; one pair
// draws two panels, all pairs two per pair, and clicking a small multiple
// opens its pair; fixing at a trial or moving a slider moves the other
// parameters; a bad pair is refused; exports write real files. Screenshots:
// <build>/screenshots/contour_view_*.png (light, dark, empty, all pairs).
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

std::shared_ptr<const gp::Surrogate> fitNow(ui::SurrogateFitter& f, study::Study& st)
{
    std::shared_ptr<const gp::Surrogate> out;
    const auto c = QObject::connect(&f, &ui::SurrogateFitter::fitted, [&out](auto s) { out = s; });
    f.request(st.space(), st.trials());
    f.waitForIdle();
    QObject::disconnect(c);
    return out;
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

QTEST_MAIN(TestContourView)
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

#include "test_contour_view.moc"
