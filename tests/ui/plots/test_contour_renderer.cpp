// The contour plot renderer, offscreen: a real study's GP surrogate over a log
// and a linear parameter, and over a categorical and a linear one, rendered to
// PNG, SVG and PDF; a grid with NaN values renders too (grey cells).
#include "contour_study.h"
#include "plots/contour_renderer.h"

#include "analysis/grid.h"
#include "gp/surrogate.h"
#include "study/study.h"

#include <QDir>
#include <QImage>
#include <QSet>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <limits>

using namespace tw;

namespace {

std::unique_ptr<study::Study> makeStudy()
{
    return makeContourStudy("contour", 15, 3);
}

ui::ContourPlotData plotData(study::Study& st, const gp::Surrogate& s, const std::string& x, const std::string& y)
{
    const auto trials = st.trials();
    const auto fixed = analysis::defaultFixedValues(st.space(), trials, st.direction());
    ui::ContourPlotData d;
    d.grid = analysis::contour(s, x, y, fixed, 40);
    for (const auto& t : trials)
        d.observed.emplace_back(t.params[size_t(d.grid.x.param)], t.params[size_t(d.grid.y.param)]);
    const auto best = st.bestTrial();
    d.best = std::make_pair(best->params[size_t(d.grid.x.param)], best->params[size_t(d.grid.y.param)]);
    d.title = "contour: " + x + " \u00d7 " + y;
    d.objectiveName = "validation loss";
    return d;
}

int distinctColours(const QImage& image)
{
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 3)
        for (int x = 0; x < image.width(); x += 3)
            colours.insert(image.pixel(x, y));
    return int(colours.size());
}

} // namespace

class TestContourRenderer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void rendersAllFormats_data();
    void rendersAllFormats();
    void survivesNonFiniteValues();
};

void TestContourRenderer::rendersAllFormats_data()
{
    QTest::addColumn<QString>("x");
    QTest::addColumn<QString>("y");
    QTest::newRow("log-float") << "learning_rate" << "dropout";
    QTest::newRow("categorical-float") << "optimizer" << "dropout";
}

void TestContourRenderer::rendersAllFormats()
{
    QFETCH(QString, x);
    QFETCH(QString, y);
    auto st = makeStudy();
    const auto surrogate = gp::Surrogate::fit(st->space(), st->trials());
    QVERIFY(surrogate);
    const ui::ContourRenderer r(plotData(*st, *surrogate, x.toStdString(), y.toStdString()));
    QCOMPARE(r.data().grid.observations, 15);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString png = dir.filePath("c.png"), svg = dir.filePath("c.svg"), pdf = dir.filePath("c.pdf");
    QVERIFY(r.savePng(png));
    QVERIFY(r.saveSvg(svg));
    QVERIFY(r.savePdf(pdf));

    const QImage image(png);
    QVERIFY(!image.isNull());
    QCOMPARE(image.size(), r.preferredSize() * 2);
    QVERIFY2(distinctColours(image) > 200, qPrintable(QString::number(distinctColours(image))));
    QCOMPARE(image.pixel(3, 3), qRgb(255, 255, 255));

    QFile s(svg);
    QVERIFY(s.open(QIODevice::ReadOnly));
    const QByteArray text = s.readAll();
    QVERIFY(text.contains("<path") || x == "optimizer");  // contour lines: numeric axes only
    QVERIFY(text.contains(x.toUtf8()));
    QVERIFY(text.contains(y.toUtf8()));
    QVERIFY(text.contains("Standard error"));
    if (x == "optimizer")
        QVERIFY(text.contains("rmsprop"));

    QFile p(pdf);
    QVERIFY(p.open(QIODevice::ReadOnly));
    QVERIFY(p.read(4) == "%PDF");

    QDir().mkpath(TW_BUILD_DIR "/screenshots");
    QVERIFY(r.savePng(QString(TW_BUILD_DIR "/screenshots/contour-%1.png").arg(QTest::currentDataTag())));
}

void TestContourRenderer::survivesNonFiniteValues()
{
    auto st = makeStudy();
    const auto surrogate = gp::Surrogate::fit(st->space(), st->trials());
    QVERIFY(surrogate);
    ui::ContourPlotData d = plotData(*st, *surrogate, "learning_rate", "dropout");
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (Eigen::Index j = 0; j < d.grid.mean.rows(); j += 3)
        for (Eigen::Index i = 0; i < d.grid.mean.cols() / 2; ++i)
            d.grid.mean(j, i) = nan;
    d.grid.se.setConstant(std::numeric_limits<double>::infinity());
    d.observed.emplace_back(nan, 0.3);
    d.best = std::make_pair(-1.0, nan);
    const ui::ContourRenderer r(std::move(d));
    QTemporaryDir dir;
    QVERIFY(r.savePng(dir.filePath("nan.png"), 1.0));
    QVERIFY(r.saveSvg(dir.filePath("nan.svg")));
    const QImage image(dir.filePath("nan.png"));
    QCOMPARE(image.size(), r.preferredSize());
    image.save(TW_BUILD_DIR "/screenshots/contour-nan.png");

    // An empty grid does not crash either.
    ui::ContourPlotData empty;
    QVERIFY(ui::ContourRenderer(empty).savePng(dir.filePath("empty.png"), 1.0));
}

QTEST_MAIN(TestContourRenderer)
#include "test_contour_renderer.moc"
