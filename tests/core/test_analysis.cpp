// Contour and slice grids of the GP surrogate.
#include "analysis/grid.h"
#include "study/study.h"

#include <QtTest>
#include <QTemporaryDir>

#include <cmath>
#include <fstream>

using namespace tw;

namespace {
std::unique_ptr<study::Study> fittedStudy()
{
    study::StudyConfig c;
    c.name = "analysis";
    c.space = space::SearchSpace({space::FloatParam{"lr", 1e-4, 1e-1, true, std::nullopt},
                                  space::IntParam{"units", 8, 512, true},
                                  space::CategoricalParam{"act", {std::string("relu"), std::string("tanh")}},
                                  space::FloatParam{"dropout", 0.0, 0.5, false, std::nullopt}});
    c.sampler.name = "qmc";
    c.sampler.seed = 4;
    auto st = study::Study::createInMemory(c);
    for (int i = 0; i < 20; ++i) {
        auto t = st->ask();
        const double v = std::pow(std::log10(t.params[0]) + 2.5, 2) + 0.1 * std::log2(t.params[1]) + t.params[2] + t.params[3];
        st->tell(t.number, study::Outcome::complete(v));
    }
    return st;
}
} // namespace

class TestAnalysis : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void axes();
    void contourGridShapeAndFixedValues();
    void meanFollowsTheObjective();
    void sliceAndErrors();
    void csvOutput();
};

void TestAnalysis::axes()
{
    auto st = fittedStudy();
    const auto lr = analysis::makeAxis(st->space(), 0, 50);
    QCOMPARE(int(lr.values.size()), 50);
    QVERIFY(lr.log);
    QVERIFY(std::abs(lr.values.front() - 1e-4) < 1e-12 && std::abs(lr.values.back() - 1e-1) < 1e-12);
    // Log-spaced: constant ratio.
    QVERIFY(std::abs(lr.values[1] / lr.values[0] - lr.values[40] / lr.values[39]) < 1e-9);
    const auto units = analysis::makeAxis(st->space(), 1, 50);
    QVERIFY(units.integer);
    for (double v : units.values) QCOMPARE(v, std::round(v));
    const auto act = analysis::makeAxis(st->space(), 2, 50);
    QVERIFY(act.categorical);
    QCOMPARE(act.labels, (std::vector<std::string>{"relu", "tanh"}));
    const auto small = analysis::makeAxis(space::SearchSpace({space::IntParam{"k", 1, 5, false}}), 0, 50);
    QCOMPARE(small.values, (std::vector<double>{1, 2, 3, 4, 5}));
}

void TestAnalysis::contourGridShapeAndFixedValues()
{
    auto st = fittedStudy();
    const auto trials = st->trials();
    auto sur = gp::Surrogate::fit(st->space(), trials);
    QVERIFY(sur);
    const auto fixed = analysis::defaultFixedValues(st->space(), trials, st->direction());
    QCOMPARE(fixed, st->bestTrial()->params);
    const auto g = analysis::contour(*sur, "lr", "dropout", fixed);
    QCOMPARE(int(g.mean.cols()), 50);
    QCOMPARE(int(g.mean.rows()), 50);
    QCOMPARE(g.se.rows(), g.mean.rows());
    QVERIFY(g.mean.allFinite() && g.se.allFinite());
    QVERIFY((g.se.array() >= 0).all());
    QCOMPARE(g.observations, 20);
    // The other parameters are reported with their fixed values.
    QVERIFY(g.fixedJson.contains("units") && g.fixedJson.contains("act"));
    QVERIFY(!g.fixedJson.contains("lr") && !g.fixedJson.contains("dropout"));
    QCOMPARE(g.fixedJson["units"].get<long long>(), (long long)fixed[1]);
}

void TestAnalysis::meanFollowsTheObjective()
{
    auto st = fittedStudy();
    auto sur = gp::Surrogate::fit(st->space(), st->trials());
    auto fixed = analysis::defaultFixedValues(st->space(), st->trials(), st->direction());
    const auto s = analysis::slice(*sur, "lr", fixed, 50);
    // The objective is minimal at lr = 10^-2.5: the mean there is lower than at the ends.
    Eigen::Index argmin = 0;
    s.mean.minCoeff(&argmin);
    const double lrMin = s.x.values[size_t(argmin)];
    QVERIFY2(lrMin > 1e-3 && lrMin < 1e-2, qPrintable(QString("argmin of the mean at lr = %1").arg(lrMin)));
    // At the best trial the standard error is small compared with the far corner.
    const auto g = analysis::contour(*sur, "lr", "units", fixed, 30);
    QVERIFY(g.se.minCoeff() < 0.5 * g.se.maxCoeff());
}

void TestAnalysis::sliceAndErrors()
{
    auto st = fittedStudy();
    auto sur = gp::Surrogate::fit(st->space(), st->trials());
    auto fixed = analysis::defaultFixedValues(st->space(), st->trials(), st->direction());
    const auto s = analysis::slice(*sur, "act", fixed);
    QCOMPARE(int(s.mean.size()), 2);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, analysis::contour(*sur, "lr", "lr", fixed));
    try {
        analysis::contour(*sur, "lr", "momentum", fixed);
        QFAIL("unknown parameter accepted");
    } catch (const std::invalid_argument& e) {
        QVERIFY(QString(e.what()).contains("momentum"));
    }
    // Not enough data: no surrogate.
    QVERIFY(!gp::Surrogate::fit(st->space(), {}));
}

void TestAnalysis::csvOutput()
{
    auto st = fittedStudy();
    auto sur = gp::Surrogate::fit(st->space(), st->trials());
    auto fixed = analysis::defaultFixedValues(st->space(), st->trials(), st->direction());
    const auto g = analysis::contour(*sur, "act", "dropout", fixed, 10);
    QTemporaryDir dir;
    const std::string path = (dir.path() + "/c.csv").toStdString();
    analysis::writeContourCsv(g, path, "analysis");
    std::ifstream in(path);
    std::string line;
    int comments = 0, header = 0, rows = 0;
    while (std::getline(in, line)) {
        if (line.rfind('#', 0) == 0) ++comments;
        else if (line == "x,y,mean,se") ++header;
        else ++rows;
    }
    QCOMPARE(comments, 2);
    QCOMPARE(header, 1);
    QCOMPARE(rows, 2 * 10);
}

QTEST_APPLESS_MAIN(TestAnalysis)
#include "test_analysis.moc"
