// The models a study keeps (its best K trials') and what the workbench and
// `tw evaluate` show of them: the confusion matrix, per-class scores, ROC and
// precision-recall curves (checked against scikit-learn's values), and the
// decision regions of a model of two features.
#include "core/spirals_spec.h"
#include "core/test_support.h"

#include "study/model_store.h"
#include "train/model_report.h"
#include "train/trial_evaluation.h"
#include "train/tune.h"
#include "util/errors.h"

#include <QTemporaryDir>

#include <cmath>
#include <filesystem>
#include <fstream>

using namespace tw;
namespace fs = std::filesystem;

namespace {

study::Trial complete(int number, double value)
{
    study::Trial t;
    t.number = number;
    t.state = study::TrialState::Complete;
    t.value = value;
    return t;
}

/// A staged model file and card, as training writes them.
void stage(const study::ModelStore& store, int number)
{
    const std::string p = store.stagingPath(number);
    std::ofstream(p) << "model " << number;
    std::ofstream(p + ".json") << "{}";
}

/// The 10-sample binary example the scikit-learn figures below come from:
/// y = [0,0,1,1,0,1,1,0,1,0], positive-class scores s.
const std::vector<int64_t> kTruth{0, 0, 1, 1, 0, 1, 1, 0, 1, 0};
const std::vector<float> kScore{0.1f, 0.4f, 0.35f, 0.8f, 0.4f, 0.9f, 0.2f, 0.6f, 0.6f, 0.05f};

data::Dataset binaryData()
{
    data::Dataset d;
    d.name = "example";
    d.task = data::Task::Binary;
    d.sampleShape = {1};
    d.classNames = {"no", "yes"};
    d.labels = kTruth;
    d.features.assign(kTruth.size(), 0.f);
    return d;
}

train::Predictions binaryPredictions()
{
    train::Predictions p;
    p.outputs = 2;
    for (float s : kScore) {
        p.values.push_back(1 - s);
        p.values.push_back(s);
    }
    return p;
}

} // namespace

class TestKeptModels : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void modelFolderBesideTheStudyFile();
    void storeKeepsTheBestKAndDropsThoseOvertaken();
    void storeFollowsTheDirectionAndDiscardsFailures();
    void bestTrialNumbersRanksWithTiesByNumber();
    void reportMatchesScikitLearn();
    void reportOfMulticlassAndRegression();
    void reportRejectsPredictionsOfOtherData();
    void keepModelsIsASpecSetting();
    void tunerKeepsTheBestModelsAtTheirBestEpoch_data();
    void tunerKeepsTheBestModelsAtTheirBestEpoch();
    void evaluationNamesAMissingModelAndMissingTestData();
    void decisionRegionsOfTwoFeatures();
};

void TestKeptModels::modelFolderBesideTheStudyFile()
{
    QCOMPARE(study::modelFolderFor("runs/titanic.jsonl"), std::string("runs/titanic.models"));
    QCOMPARE(study::modelFolderFor("runs/study"), std::string("runs/study.models"));
    QCOMPARE(study::modelFolderFor("a.models"), std::string("a.models.models"));
    const study::ModelStore store("runs/x.models", 3);
    QCOMPARE(store.modelPath(12), std::string("runs/x.models/trial-12.model"));
}

void TestKeptModels::storeKeepsTheBestKAndDropsThoseOvertaken()
{
    QTemporaryDir dir;
    const study::ModelStore store(dir.filePath("s.models").toStdString(), 2);
    QVERIFY(store.kept().empty()); // no folder yet
    std::vector<study::Trial> trials;
    const double values[] = {0.5, 0.7, 0.6, 0.9, 0.4};
    for (int n = 0; n < 5; ++n) {
        trials.push_back(complete(n, values[n]));
        stage(store, n);
        const bool kept = store.settle(n, trials, study::Direction::Maximize);
        QCOMPARE(kept, n != 4); // 0.6 pushes 0.5 out, 0.9 pushes 0.6 out, 0.4 never gets in
    }
    QCOMPARE(store.kept(), (std::vector<int>{1, 3}));
    QVERIFY(store.has(3) && !store.has(0) && !store.has(2));
    // Nothing staged is left behind.
    int files = 0;
    for (const auto& e : fs::directory_iterator(store.folder())) files += e.is_regular_file();
    QCOMPARE(files, 4); // two models, two cards
}

void TestKeptModels::storeFollowsTheDirectionAndDiscardsFailures()
{
    QTemporaryDir dir;
    const study::ModelStore store(dir.filePath("m").toStdString(), 1);
    std::vector<study::Trial> trials{complete(0, 2.0)};
    stage(store, 0);
    QVERIFY(store.settle(0, trials, study::Direction::Minimize));
    trials.push_back(complete(1, 1.0));
    stage(store, 1);
    QVERIFY(store.settle(1, trials, study::Direction::Minimize));
    QCOMPARE(store.kept(), std::vector<int>{1});
    // A failed trial's staged model goes; the kept one stays.
    study::Trial failed;
    failed.number = 2;
    failed.state = study::TrialState::Failed;
    trials.push_back(failed);
    stage(store, 2);
    store.discard(2);
    QCOMPARE(store.kept(), std::vector<int>{1});
    QVERIFY(!fs::exists(store.stagingPath(2)));
    // keep 0 keeps nothing.
    const study::ModelStore none(dir.filePath("n").toStdString(), 0);
    stage(none, 0);
    QVERIFY(!none.settle(0, {complete(0, 1.0)}, study::Direction::Minimize));
    QVERIFY(none.kept().empty());
}

void TestKeptModels::bestTrialNumbersRanksWithTiesByNumber()
{
    std::vector<study::Trial> t{complete(0, 1.0), complete(1, 3.0), complete(2, 3.0), complete(3, 2.0)};
    study::Trial running;
    running.number = 4;
    t.push_back(running);
    QCOMPARE(study::bestTrialNumbers(t, study::Direction::Maximize, 10), (std::vector<int>{1, 2, 3, 0}));
    QCOMPARE(study::bestTrialNumbers(t, study::Direction::Minimize, 2), (std::vector<int>{0, 3}));
}

void TestKeptModels::reportMatchesScikitLearn()
{
    const train::ModelReport r = train::modelReport(binaryData(), binaryPredictions(), 1);
    // sklearn.metrics.confusion_matrix(y, s >= 0.5) = [[4, 1], [2, 3]]
    QCOMPARE(r.confusion, (std::vector<std::vector<int64_t>>{{4, 1}, {2, 3}}));
    // classification_report(digits=4): no 0.6667 0.8000 0.7273 5; yes 0.7500 0.6000 0.6667 5
    QCOMPARE(r.classes.size(), size_t(2));
    QVERIFY(std::abs(r.classes[0].precision - 2.0 / 3) < 1e-12 && std::abs(r.classes[0].recall - 0.8) < 1e-12);
    QVERIFY(std::abs(r.classes[0].f1 - 0.727272727) < 1e-6 && r.classes[0].support == 5);
    QVERIFY(std::abs(r.classes[1].precision - 0.75) < 1e-12 && std::abs(r.classes[1].f1 - 2.0 / 3) < 1e-12);
    QVERIFY(std::abs(r.metrics.f1Macro - 0.69696969) < 1e-6 && std::abs(r.metrics.accuracy - 0.7) < 1e-12);
    // roc_auc_score = 0.74, average_precision_score = 0.7892857142857144
    QVERIFY2(std::abs(r.rocAuc - 0.74) < 1e-9, std::to_string(r.rocAuc).c_str());
    QVERIFY2(std::abs(r.averagePrecision - 0.7892857142857144) < 1e-9, std::to_string(r.averagePrecision).c_str());
    // roc_curve(drop_intermediate=False): (fpr, tpr) from (0, 0) to (1, 1), one point per distinct score.
    const std::vector<std::pair<double, double>> roc{{0, 0},     {0, 0.2},   {0, 0.4}, {0.2, 0.6}, {0.6, 0.6},
                                                     {0.6, 0.8}, {0.6, 1.0}, {0.8, 1}, {1, 1}};
    QCOMPARE(r.roc.size(), roc.size());
    for (size_t i = 0; i < roc.size(); ++i)
        QVERIFY2(std::abs(r.roc[i].x - roc[i].first) < 1e-12 && std::abs(r.roc[i].y - roc[i].second) < 1e-12,
                 ("roc point " + std::to_string(i)).c_str());
    // precision_recall_curve, read from the highest threshold down: (recall, precision).
    const std::vector<std::pair<double, double>> pr{{0, 1},      {0.2, 1},   {0.4, 1},     {0.6, 0.75}, {0.6, 0.5},
                                                    {0.8, 4. / 7}, {1, 0.625}, {1, 5. / 9}, {1, 0.5}};
    QCOMPARE(r.precisionRecall.size(), pr.size());
    for (size_t i = 0; i < pr.size(); ++i)
        QVERIFY2(std::abs(r.precisionRecall[i].x - pr[i].first) < 1e-12 &&
                     std::abs(r.precisionRecall[i].y - pr[i].second) < 1e-6,
                 ("pr point " + std::to_string(i)).c_str());
    QVERIFY(std::abs(r.roc[3].threshold - 0.6) < 1e-6);
    // The text follows classification_report's layout.
    const std::string text = r.classificationReportText();
    EXPECT_CONTAINS(text, "precision    recall  f1-score   support");
    EXPECT_CONTAINS(text, "no      0.67      0.80      0.73         5");
    EXPECT_CONTAINS(text, "macro avg      0.71      0.70      0.70        10");
    // JSON: curves and per-class scores by name.
    const auto j = r.toJson();
    QCOMPARE(j["positive_class"].get<std::string>(), std::string("yes"));
    QCOMPARE(j["classes"][1]["class"].get<std::string>(), std::string("yes"));
    QVERIFY(j["roc"][0]["threshold"].is_null()); // the (0, 0) end: no threshold reaches it
}

void TestKeptModels::reportOfMulticlassAndRegression()
{
    data::Dataset d;
    d.task = data::Task::Multiclass;
    d.sampleShape = {1};
    d.classNames = {"a", "b", "c"};
    d.labels = {0, 1, 2, 2};
    d.features.assign(4, 0.f);
    train::Predictions p;
    p.outputs = 3;
    p.values = {0.8f, 0.1f, 0.1f, 0.2f, 0.7f, 0.1f, 0.1f, 0.6f, 0.3f, 0.1f, 0.2f, 0.7f};
    const auto r = train::modelReport(d, p, 1);
    QCOMPARE(r.confusion, (std::vector<std::vector<int64_t>>{{1, 0, 0}, {0, 1, 0}, {0, 1, 1}}));
    QCOMPARE(r.positiveClass, -1); // no curves for three classes
    QVERIFY(r.roc.empty());
    QVERIFY(std::abs(r.classes[1].precision - 0.5) < 1e-12 && std::abs(r.classes[2].recall - 0.5) < 1e-12);

    data::Dataset g;
    g.task = data::Task::Regression;
    g.sampleShape = {1};
    g.targets = {1, 2, 3};
    g.features.assign(3, 0.f);
    train::Predictions q;
    q.outputs = 1;
    q.values = {1, 2, 4};
    const auto rr = train::modelReport(g, q, 0);
    QVERIFY(std::abs(rr.metrics.mae - 1.0 / 3) < 1e-6);
    QCOMPARE(rr.predicted, q.values);
    QVERIFY(rr.confusion.empty());
}

void TestKeptModels::reportRejectsPredictionsOfOtherData()
{
    train::Predictions p = binaryPredictions();
    p.values.resize(6);
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { train::modelReport(binaryData(), p, 1); }),
                    "3 predictions of 2 outputs for 10 samples");
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { train::modelReport(binaryData(), binaryPredictions(), 2); }),
                    "positive class 2");
}

void TestKeptModels::keepModelsIsASpecSetting()
{
    auto j = spiralsSpecJson("k", 2);
    QCOMPARE(train::StudySpec::fromJson(j).keepModels, 3); // KerasTuner's get_best_models(num_models=3)
    j["keep_models"] = 5;
    const auto spec = train::StudySpec::fromJson(j);
    QCOMPARE(spec.keepModels, 5);
    QCOMPARE(train::StudySpec::fromJson(spec.toJson()).keepModels, 5);
    j["keep_models"] = -1;
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { train::StudySpec::fromJson(j, "s.json"); }),
                    "s.json: 'keep_models' must be an integer from 0 to 1000 (keep_models = -1)");
    j["keep_models"] = "3";
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { train::StudySpec::fromJson(j); }), "'keep_models'");
}

void TestKeptModels::tunerKeepsTheBestModelsAtTheirBestEpoch_data()
{
    QTest::addColumn<QString>("model");
    QTest::newRow("mlp") << R"({"family": "mlp", "hidden_layers": 2, "units": 16})";
    QTest::newRow("logistic_regression") << R"({"family": "logistic_regression"})";
    QTest::newRow("gradient_boosting") << R"({"family": "gradient_boosting", "n_estimators": 20, "max_depth": 3, "threads": 1})";
    QTest::newRow("random_forest") << R"({"family": "random_forest", "n_estimators": 40, "max_depth": 4, "threads": 1})";
}

void TestKeptModels::tunerKeepsTheBestModelsAtTheirBestEpoch()
{
    QFETCH(QString, model);
    QTemporaryDir dir;
    nlohmann::json j = spiralsSpecJson("keep", 6);
    j["model"] = nlohmann::json::parse(model.toStdString());
    j["dataset"]["limit"] = 600;
    j["keep_models"] = 2;
    j["training"]["patience"] = 2;
    if (j["model"]["family"] == "mlp")
        j["search_space"]["parameters"] = nlohmann::json::parse(
            R"([{"name": "learning_rate", "type": "float", "low": 1e-3, "high": 3e-2, "log": true}])");
    else if (j["model"]["family"] == "logistic_regression")
        j["search_space"]["parameters"] =
            nlohmann::json::parse(R"([{"name": "C", "type": "float", "low": 1e-3, "high": 100, "log": true}])");
    else if (j["model"]["family"] == "random_forest")
        j["search_space"]["parameters"] =
            nlohmann::json::parse(R"([{"name": "max_depth", "type": "int", "low": 2, "high": 6}])");
    else
        j["search_space"]["parameters"] = nlohmann::json::parse(
            R"([{"name": "learning_rate", "type": "float", "low": 0.01, "high": 0.5, "log": true}])");
    const auto spec = train::StudySpec::fromJson(j);
    const std::string path = dir.filePath("s.jsonl").toStdString();
    auto st = study::Study::createFile(path, train::studyConfigFor(spec));
    train::DataSource data(spec);
    train::Tuner tuner(spec, *st, data);
    tuner.keepModelsIn(study::modelFolderFor(path));
    for (int i = 0; i < 4; ++i) QVERIFY(tuner.runTrial().state == study::TrialState::Complete);
    const auto trials = st->trials();
    const auto best = study::bestTrialNumbers(trials, spec.objective.direction, 2);
    std::vector<int> sorted = best;
    std::sort(sorted.begin(), sorted.end());
    QCOMPARE(tuner.models()->kept(), sorted);
    // Evaluated again, each kept model gives its trial's value: the model
    // is the one of the trial's best epoch, not of its last.
    const auto reopened = study::Study::openFile(path);
    const auto again = train::specOfStudy(*reopened, path);
    train::DataSource data2(again);
    for (int n : best) {
        const auto e = train::evaluateTrial(again, data2, *tuner.models(), trials[size_t(n)],
                                            train::EvaluationData::Validation);
        QVERIFY2(std::abs(e.report.metrics.accuracy - *trials[size_t(n)].value) < 1e-9,
                 ("trial " + std::to_string(n) + ": " + std::to_string(e.report.metrics.accuracy) + " vs " +
                  std::to_string(*trials[size_t(n)].value))
                     .c_str());
        int64_t total = 0;
        for (const auto& row : e.report.confusion)
            for (auto c : row) total += c;
        QCOMPARE(total, e.report.samples);
        QCOMPARE(e.report.samples, data2.splits(again.preprocessing).validation.size());
        // The card says what it is.
        const auto card = nlohmann::json::parse(std::ifstream(e.modelPath + ".json"));
        QVERIFY(card.contains("validation_metrics") && !card.contains("test_metrics"));
        QVERIFY(card["best_epoch"].get<int>() >= 1);
    }
}

void TestKeptModels::evaluationNamesAMissingModelAndMissingTestData()
{
    QTemporaryDir dir;
    nlohmann::json j = spiralsSpecJson("e", 2);
    j["dataset"]["limit"] = 300;
    j["keep_models"] = 1;
    const auto spec = train::StudySpec::fromJson(j);
    auto st = study::Study::createInMemory(train::studyConfigFor(spec));
    train::DataSource data(spec);
    train::Tuner tuner(spec, *st, data);
    tuner.keepModelsIn(dir.filePath("m").toStdString());
    tuner.runTrial();
    tuner.runTrial();
    const auto trials = st->trials();
    const int best = study::bestTrialNumbers(trials, spec.objective.direction, 1).front();
    const int other = 1 - best;
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] {
                        train::evaluateTrial(spec, data, *tuner.models(), trials[size_t(other)],
                                             train::EvaluationData::Validation);
                    }),
                    "trial " + std::to_string(other) + " has no kept model: the study keeps 1 (keep_models)");
    EXPECT_CONTAINS(errorOf<train::NoTestDataError>([&] {
                        train::evaluateTrial(spec, data, *tuner.models(), trials[size_t(best)], train::EvaluationData::Test);
                    }),
                    "the study has no test data");
}

void TestKeptModels::decisionRegionsOfTwoFeatures()
{
    QTemporaryDir dir;
    nlohmann::json j = spiralsSpecJson("r", 15);
    j["dataset"]["limit"] = 800;
    j["keep_models"] = 1;
    j["search_space"]["parameters"] = nlohmann::json::parse(
        R"([{"name": "learning_rate", "type": "float", "low": 0.01, "high": 0.03, "log": true}])");
    const auto spec = train::StudySpec::fromJson(j);
    auto st = study::Study::createInMemory(train::studyConfigFor(spec));
    train::DataSource data(spec);
    train::Tuner tuner(spec, *st, data);
    tuner.keepModelsIn(dir.filePath("m").toStdString());
    QVERIFY(tuner.runTrial().state == study::TrialState::Complete);
    const auto trial = st->trials().front();
    const auto e = train::evaluateTrial(spec, data, *tuner.models(), trial, train::EvaluationData::Validation, 60);
    QVERIFY(e.regions.has_value());
    const auto& r = *e.regions;
    QCOMPARE(r.resolution, 60);
    QCOMPARE(r.predicted.size(), size_t(3600));
    QCOMPARE(e.points.size(), data.splits(spec.preprocessing).validation.size());
    const double n = double(e.points.size());
    // The box holds every point, and both classes have a region.
    for (int64_t i = 0; i < e.points.size(); ++i) {
        const float x = e.points.features[size_t(2 * i)], y = e.points.features[size_t(2 * i + 1)];
        QVERIFY(x > r.xMin && x < r.xMax && y > r.yMin && y < r.yMax);
    }
    QVERIFY(std::count(r.predicted.begin(), r.predicted.end(), 0) > 100);
    QVERIFY(std::count(r.predicted.begin(), r.predicted.end(), 1) > 100);
    for (float c : r.confidence) QVERIFY(c >= 0.5f - 1e-6f && c <= 1.0f + 1e-6f);
    // Read off the regions, the points are classified about as the model classifies them.
    int agree = 0;
    const auto& rep = e.report;
    for (int64_t i = 0; i < e.points.size(); ++i) {
        const float x = e.points.features[size_t(2 * i)], y = e.points.features[size_t(2 * i + 1)];
        const int col = std::clamp(int((x - r.xMin) / (r.xMax - r.xMin) * r.resolution), 0, r.resolution - 1);
        const int row = std::clamp(int((y - r.yMin) / (r.yMax - r.yMin) * r.resolution), 0, r.resolution - 1);
        agree += r.predicted[size_t(row * r.resolution + col)] == e.points.labels[size_t(i)];
    }
    QVERIFY2(std::abs(double(agree) / n - rep.metrics.accuracy) < 0.05,
             (std::to_string(agree) + " of " + std::to_string(n) + " vs accuracy " + std::to_string(rep.metrics.accuracy)).c_str());
    // Images or more than two features: none.
    data::Dataset three;
    three.task = data::Task::Binary;
    three.sampleShape = {3};
    three.classNames = {"a", "b"};
    three.features = {0, 0, 0};
    three.labels = {0};
    QVERIFY(!train::hasDecisionRegions(three));
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([&] { train::decisionRegions(e.modelPath, three); }),
                    "two input features");
}

QTEST_GUILESS_MAIN(TestKeptModels)
#include "test_kept_models.moc"
