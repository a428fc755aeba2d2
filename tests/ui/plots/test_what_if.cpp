// The What if dialog: a typed configuration reads the very posterior the
// model gives there (mean, SE, P(failure), acquisition), and follows each
// edit; values land on legal ones; inactive parameters are greyed and NaN;
// Run this configuration next hands the values over (or says why it cannot).
// Screenshot: <build>/screenshots/what_if.png.
#include "contour_study.h"
#include "plots/surrogate_fitter.h"
#include "plots/what_if_dialog.h"

#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QtTest>

#include <nlohmann/json.hpp>

using namespace tw;

namespace {

ui::StudyModelPtr modelNow(study::Study& st)
{
    ui::SurrogateFitter f;
    ui::StudyModelPtr out;
    QObject::connect(&f, &ui::SurrogateFitter::fitted, [&out](auto m) { out = m; });
    f.request(st.space(), st.trials(), st.direction(), st.config().sampler);
    f.waitForIdle();
    return out;
}

} // namespace

class TestWhatIf : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void typedConfigurationReadsThePosterior();
    void runNextHandsTheValuesOver();
    void conditionalParametersAreGreyed();
};

void TestWhatIf::typedConfigurationReadsThePosterior()
{
    auto st = makeGpContourStudy("what-if", 16, 6, false, true, 10);  // failures at high learning rates
    const auto model = modelNow(*st);
    QVERIFY(model && model->model && model->choosing);
    ui::WhatIfDialog d;
    d.setModel(st->space(), model, "loss");
    const std::vector<double> config{2e-4, 0.35, 1};
    d.setValues(config);
    QCOMPARE(d.values(), config);
    const auto expect = model->model->posterior(st->space().toUnit(config));
    QVERIFY(d.prediction().valid);
    QCOMPARE(d.prediction().mean, expect.mean);
    QCOMPARE(d.prediction().se, expect.se);
    const Eigen::MatrixXd unit = st->space().toUnit(config).transpose();
    QCOMPARE(d.prediction().failure, 1.0 - model->model->feasibility(unit)[0]);
    QCOMPARE(d.prediction().acquisition, model->model->acquisition(st->space().toUnit(config)));
    QVERIFY2(d.predictionText().contains("loss") && d.predictionText().contains("P(failure)") &&
                 d.predictionText().contains("log EI"),
             qPrintable(d.predictionText()));

    // Typing a value: the prediction follows at once.
    auto* lr = d.findChild<QDoubleSpinBox*>("whatIf_learning_rate");
    QVERIFY(lr);
    lr->selectAll();
    QTest::keyClicks(lr, "0.05");
    QCOMPARE(d.values()[0], 0.05);
    const std::vector<double> typed{0.05, 0.35, 1};
    QCOMPARE(d.prediction().mean, model->model->posterior(st->space().toUnit(typed)).mean);
    // Where trials failed the model expects failure more than where they completed.
    const double risky = d.prediction().failure;
    auto* optimizer = d.findChild<QComboBox*>("whatIf_optimizer");
    QVERIFY(optimizer);
    optimizer->setCurrentIndex(2);
    QCOMPARE(d.values()[2], 2.0);
    d.setValues(st->bestTrial()->params);
    QVERIFY2(d.prediction().failure < risky, qPrintable(QString("%1 vs %2").arg(d.prediction().failure).arg(risky)));

    // A refit keeps what was typed and reads the new model.
    d.setValues(typed);
    auto more = makeGpContourStudy("what-if", 17, 6, false, true, 10);
    const auto next = modelNow(*more);
    d.setModel(more->space(), next, "loss");
    QCOMPARE(d.values(), typed);
    QCOMPARE(d.prediction().mean, next->model->posterior(more->space().toUnit(typed)).mean);
    // No model: no prediction, and says why.
    d.setModel(more->space(), nullptr, "loss");
    QVERIFY(!d.prediction().valid);
    QVERIFY(d.findChild<QLabel*>("whatIfMean")->text().contains("2 completed trials"));
    d.setModel(more->space(), next, "loss");
    d.show();
    QTest::qWait(50);
    QDir().mkpath(TW_BUILD_DIR "/screenshots");
    QVERIFY(d.grab().save(TW_BUILD_DIR "/screenshots/what_if.png"));
}

void TestWhatIf::runNextHandsTheValuesOver()
{
    auto st = makeContourStudy("what-if", 8, 2);
    ui::WhatIfDialog d;
    d.setModel(st->space(), modelNow(*st), "loss");
    auto* run = d.findChild<QPushButton*>("whatIfRun");
    QVERIFY(run);
    d.setRunnable(false, "the study has no study spec to train");
    QVERIFY(!run->isEnabled());
    QVERIFY(run->toolTip().contains("no study spec"));
    d.setRunnable(true);
    QVERIFY(run->isEnabled());
    QSignalSpy asked(&d, &ui::WhatIfDialog::runRequested);
    // A float typed off a legal value is kept (no step); an int spin box holds integers.
    d.setValues({3e-3, 0.41, 0});
    QTest::mouseClick(run, Qt::LeftButton);
    QCOMPARE(asked.size(), 1);
    QCOMPARE(asked.first().at(0).value<std::vector<double>>(), (std::vector<double>{3e-3, 0.41, 0}));
    d.setRunMessage("Trial 8 is queued: it runs next.");
    QVERIFY(d.findChild<QLabel*>("whatIfRunMessage")->text().contains("Trial 8"));
}

void TestWhatIf::conditionalParametersAreGreyed()
{
    study::StudyConfig c;
    c.name = "families";
    c.space = space::SearchSpace::fromJson(nlohmann::json::parse(R"({"parameters": [
        {"name": "family", "type": "categorical", "choices": ["linear", "forest"]},
        {"name": "C", "type": "float", "low": 0.001, "high": 100, "log": true, "when": {"family": ["linear"]}},
        {"name": "trees", "type": "int", "low": 10, "high": 300, "when": {"family": ["forest"]}},
        {"name": "dropout", "type": "float", "low": 0, "high": 0.5, "step": 0.1}
    ]})"));
    c.sampler.name = "qmc";
    auto st = study::Study::createInMemory(c);
    for (int i = 0; i < 12; ++i) {
        const auto t = st->ask();
        st->tell(t.number, study::Outcome::complete(t.params[0] == 0 ? 0.3 : 0.2 + 0.1 * t.params[3]));
    }
    ui::WhatIfDialog d;
    d.setModel(st->space(), modelNow(*st), "loss");
    d.setValues({1, NAN, 120, 0.23});
    const auto v = d.values();
    QCOMPARE(v[0], 1.0);
    QVERIFY(std::isnan(v[1]));  // C is the linear family's
    QCOMPARE(v[2], 120.0);
    QCOMPARE(v[3], 0.2);  // on the step
    QVERIFY(!d.findChild<QWidget*>("whatIf_C")->isEnabled());
    QVERIFY(d.findChild<QWidget*>("whatIf_trees")->isEnabled());
    QVERIFY(d.prediction().valid);
    d.findChild<QComboBox*>("whatIf_family")->setCurrentIndex(0);
    QVERIFY(d.findChild<QWidget*>("whatIf_C")->isEnabled());
    QVERIFY(!d.findChild<QWidget*>("whatIf_trees")->isEnabled());
    QVERIFY(std::isfinite(d.values()[1]) && std::isnan(d.values()[2]));
}

QTEST_MAIN(TestWhatIf)
#include "test_what_if.moc"
