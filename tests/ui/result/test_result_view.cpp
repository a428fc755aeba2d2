// The Result page on its own: kept models of a three-class and of a
// regression study (trained here through the engine's Tuner), what it shows
// for each task, and what it says when it cannot show a model. Screenshots
// go to <build>/screenshots/result_*.png.
#include "result/result_view.h"

#include "study/model_store.h"
#include "train/tune.h"

#include <QChartView>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <random>

using namespace tw;
using nlohmann::json;

namespace {

/// Three Gaussian blobs in two features (classification), or y = 2a - b +
/// noise (regression), as a CSV.
QString writeCsv(const QString& path, bool regression)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly)) return {};
    std::mt19937_64 rng(7);
    std::normal_distribution<double> noise(0.0, 0.6);
    f.write(regression ? "a,b,y\n" : "a,b,kind\n");
    const char* names[] = {"alpha", "beta", "gamma"};
    const double cx[] = {0, 3, 0}, cy[] = {0, 0, 3};
    for (int i = 0; i < 360; ++i) {
        const int k = i % 3;
        const double a = regression ? noise(rng) * 2 : cx[k] + noise(rng), b = regression ? noise(rng) * 2 : cy[k] + noise(rng);
        const QString last = regression ? QString::number(2 * a - b + 0.1 * noise(rng)) : QString(names[k]);
        f.write(QString("%1,%2,%3\n").arg(a).arg(b).arg(last).toUtf8());
    }
    return path;
}

struct Trained {
    train::StudySpec spec;
    std::shared_ptr<study::Study> study;
    QString folder;
};

Trained trainStudy(const QTemporaryDir& dir, const QString& name, bool regression, const json& model)
{
    json j = {{"name", name.toStdString()},
              {"dataset", {{"csv", writeCsv(dir.filePath(name + ".csv"), regression).toStdString()},
                           {"target", regression ? "y" : "kind"}}},
              {"model", model},
              {"objective", {{"metric", regression ? "r2" : "accuracy"}}},
              {"keep_models", 2},
              {"sampler", {{"name", "qmc"}, {"seed", 1}}},
              {"budget", {{"trials", 3}}}};
    j["search_space"] = regression ? json::parse(R"({"parameters": [{"name": "max_depth", "type": "int", "low": 2, "high": 5}]})")
                                   : json::parse(R"({"parameters": [{"name": "C", "type": "float", "low": 0.01, "high": 10, "log": true}]})");
    Trained t;
    t.spec = train::StudySpec::fromJson(j);
    t.study = std::shared_ptr<study::Study>(study::Study::createInMemory(train::studyConfigFor(t.spec)));
    t.folder = dir.filePath(name + ".models");
    train::DataSource data(t.spec);
    train::Tuner tuner(t.spec, *t.study, data);
    tuner.keepModelsIn(t.folder.toStdString());
    for (int i = 0; i < 3; ++i) tuner.runTrial();
    return t;
}

ui::TrialList snapshot(study::Study& s)
{
    return std::make_shared<const std::vector<study::Trial>>(s.trials());
}

void shoot(QWidget& w, const QString& name)
{
    QDir().mkpath(TW_BUILD_DIR "/screenshots");
    QVERIFY(w.grab().save(TW_BUILD_DIR "/screenshots/" + name + ".png"));
}

bool shown(QWidget& view, const char* name)
{
    auto* w = view.findChild<QWidget*>(name);
    return w && w->isVisible();
}

} // namespace

class TestResultView : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void threeClassesShowMatrixTableAndRegions();
    void regressionShowsPredictedAgainstTrue();
    void saysWhyNothingIsShown();
};

void TestResultView::threeClassesShowMatrixTableAndRegions()
{
    QTemporaryDir dir;
    const Trained t = trainStudy(dir, "blobs", false, {{"family", "logistic_regression"}});
    ui::ResultView view;
    view.resize(1300, 720);
    view.show();
    QSignalSpy done(&view, &ui::ResultView::evaluated);
    view.setStudy(t.spec, true, t.folder, snapshot(*t.study));
    QTRY_VERIFY_WITH_TIMEOUT(view.evaluation().has_value() && !view.isEvaluating(), 30000);
    QCOMPARE(view.offeredTrials().size(), 2); // keep_models 2 of 3 trials
    const auto& r = view.evaluation()->report;
    QCOMPARE(r.confusion.size(), size_t(3));
    QCOMPARE(r.classNames, (std::vector<std::string>{"alpha", "beta", "gamma"}));
    QVERIFY(r.metrics.accuracy > 0.8);
    QVERIFY(shown(view, "confusionMatrix") && shown(view, "classReport"));
    QVERIFY(!shown(view, "rocChart") && !shown(view, "prChart")); // curves are for two classes
    QVERIFY(shown(view, "decisionRegions"));                     // two features
    auto* table = view.findChild<QTableWidget*>("classReport");
    QCOMPARE(table->rowCount(), 6); // three classes, accuracy, macro, weighted
    QCOMPARE(table->item(1, 0)->text(), QString("beta"));
    QVERIFY(view.findChild<QLabel*>("resultSummary")->text().contains("accuracy"));
    QTest::qWait(100);
    shoot(view, "result_three_classes");
    // The page exports as the plots do.
    const QString svg = dir.filePath("r.svg");
    QString error;
    QVERIFY2(view.exportImage(svg, &error), qPrintable(error));
    QFile f(svg);
    QVERIFY(f.open(QIODevice::ReadOnly) && f.readAll().contains("<svg"));
    // The model itself exports with its card, and predicts as the kept one does.
    const QString copy = dir.filePath("best.model");
    QVERIFY2(view.exportModel(copy, &error), qPrintable(error));
    QVERIFY(QFile::exists(copy) && QFile::exists(copy + ".json"));
    train::DataSource data(t.spec);
    const auto& validation = data.splits(t.spec.preprocessing).validation;
    const auto again = train::predictSaved(copy.toStdString(), validation);
    QCOMPARE(train::modelReport(validation, again, 1).metrics.accuracy, r.metrics.accuracy);
}

void TestResultView::regressionShowsPredictedAgainstTrue()
{
    QTemporaryDir dir;
    const Trained t = trainStudy(dir, "line", true, {{"family", "gradient_boosting"}, {"n_estimators", 60}, {"threads", 1}});
    ui::ResultView view;
    view.resize(1000, 600);
    view.show();
    view.setStudy(t.spec, true, t.folder, snapshot(*t.study));
    QTRY_VERIFY_WITH_TIMEOUT(view.evaluation().has_value() && !view.isEvaluating(), 30000);
    const auto& r = view.evaluation()->report;
    QVERIFY(r.confusion.empty());
    QCOMPARE(r.truth.size(), r.predicted.size());
    QVERIFY2(r.metrics.r2 > 0.5, std::to_string(r.metrics.r2).c_str());
    QVERIFY(shown(view, "predictedChart"));
    QVERIFY(!shown(view, "confusionMatrix") && !shown(view, "decisionRegions"));
    QVERIFY(view.findChild<QLabel*>("resultSummary")->text().contains("R²"));
    QTest::qWait(100);
    shoot(view, "result_regression");
}

void TestResultView::saysWhyNothingIsShown()
{
    QTemporaryDir dir;
    const Trained t = trainStudy(dir, "few", false, {{"family", "logistic_regression"}});
    ui::ResultView view;
    // The study has no test data: the message speaks of the window's controls.
    view.setStudy(t.spec, true, t.folder, snapshot(*t.study));
    QTRY_VERIFY_WITH_TIMEOUT(view.evaluation().has_value() && !view.isEvaluating(), 30000);
    view.setEvaluationData(train::EvaluationData::Test);
    QTRY_VERIFY_WITH_TIMEOUT(!view.isEvaluating() && !view.evaluation().has_value(), 30000);
    QVERIFY2(view.emptyReason().contains("Setup's data page"), qPrintable(view.emptyReason()));
    view.setEvaluationData(train::EvaluationData::Validation);
    QTRY_VERIFY_WITH_TIMEOUT(view.evaluation().has_value() && !view.isEvaluating(), 30000);
    // No kept model yet, and a study without a spec of its own.
    ui::ResultView empty;
    empty.setStudy(t.spec, true, dir.filePath("none.models"), snapshot(*t.study));
    QVERIFY2(empty.emptyReason().contains("No kept model yet"), qPrintable(empty.emptyReason()));
    empty.setStudy(t.spec, false, t.folder, snapshot(*t.study));
    QVERIFY2(empty.emptyReason().contains("no study spec"), qPrintable(empty.emptyReason()));
    QString error;
    QVERIFY(!empty.exportImage(dir.filePath("x.png"), &error));
    QVERIFY2(error.contains("nothing to export"), qPrintable(error));
}

QTEST_MAIN(TestResultView)
#include "test_result_view.moc"
