#include "train/model_report.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <stdexcept>

namespace tw::train {

using nlohmann::json;

namespace {

double ratio(double a, double b)
{
    return b > 0 ? a / b : 0.0;
}

/// ROC and precision-recall curves of scores against binary truth, as
/// scikit-learn's roc_curve (drop_intermediate=False) and
/// precision_recall_curve: one point per distinct score, by falling score.
void binaryCurves(const std::vector<double>& score, const std::vector<bool>& positive, ModelReport& r)
{
    std::vector<size_t> order(score.size());
    std::iota(order.begin(), order.end(), size_t(0));
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return score[a] > score[b]; });
    const double pos = double(std::count(positive.begin(), positive.end(), true));
    const double neg = double(positive.size()) - pos;
    r.roc = {{0.0, 0.0, INFINITY}};
    r.precisionRecall = {{0.0, 1.0, INFINITY}};
    double tp = 0, fp = 0, auc = 0, ap = 0, lastRecall = 0;
    for (size_t i = 0; i < order.size(); ++i) {
        positive[order[i]] ? ++tp : ++fp;
        if (i + 1 < order.size() && score[order[i + 1]] == score[order[i]]) continue; // ties: one threshold
        const double t = score[order[i]];
        const CurvePoint last = r.roc.back();
        const CurvePoint now{ratio(fp, neg), ratio(tp, pos), t};
        auc += (now.x - last.x) * (now.y + last.y) / 2;
        r.roc.push_back(now);
        const double recall = ratio(tp, pos), precision = ratio(tp, tp + fp);
        ap += (recall - lastRecall) * precision;
        lastRecall = recall;
        r.precisionRecall.push_back({recall, precision, t});
    }
    r.rocAuc = pos > 0 && neg > 0 ? auc : Metrics::kNaN;
    r.averagePrecision = pos > 0 ? ap : Metrics::kNaN;
}

} // namespace

ModelReport modelReport(const data::Dataset& data, const Predictions& p, int positiveClass)
{
    const int64_t n = data.size();
    const int k = data.isClassification() ? data.numClasses() : 1;
    if (p.outputs != k || p.size() != n)
        throw std::invalid_argument("model report: " + std::to_string(p.size()) + " predictions of " +
                                    std::to_string(p.outputs) + " outputs for " + std::to_string(n) + " samples of " +
                                    std::to_string(k) + (data.isClassification() ? " classes" : " target"));
    ModelReport r;
    r.task = data.task;
    r.samples = n;
    if (!data.isClassification()) {
        r.truth = data.targets;
        r.predicted = p.values;
        r.metrics = regressionMetrics(data.targets, p.values, Metrics::kNaN);
        return r;
    }
    if (positiveClass < 0 || positiveClass >= k)
        throw std::invalid_argument("model report: positive class " + std::to_string(positiveClass) +
                                    " is not a class index in [0, " + std::to_string(k) + ")");
    r.classNames = data.classNames;
    std::vector<int64_t> predicted(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) predicted[size_t(i)] = p.predictedClass(i);
    r.metrics = classificationMetrics(data.labels, predicted, k, positiveClass, Metrics::kNaN);
    r.confusion.assign(size_t(k), std::vector<int64_t>(size_t(k), 0));
    for (int64_t i = 0; i < n; ++i) ++r.confusion[size_t(data.labels[size_t(i)])][size_t(predicted[size_t(i)])];
    for (int c = 0; c < k; ++c) {
        int64_t truePos = r.confusion[size_t(c)][size_t(c)], called = 0, actual = 0;
        for (int o = 0; o < k; ++o) {
            called += r.confusion[size_t(o)][size_t(c)];
            actual += r.confusion[size_t(c)][size_t(o)];
        }
        ClassScores s;
        s.name = data.classNames[size_t(c)];
        s.precision = ratio(double(truePos), double(called));
        s.recall = ratio(double(truePos), double(actual));
        s.f1 = ratio(2 * s.precision * s.recall, s.precision + s.recall);
        s.support = actual;
        r.classes.push_back(s);
    }
    if (k == 2) {
        r.positiveClass = positiveClass;
        std::vector<double> score(static_cast<size_t>(n));
        std::vector<bool> positive(static_cast<size_t>(n));
        for (int64_t i = 0; i < n; ++i) {
            score[size_t(i)] = p.values[size_t(i * k + positiveClass)];
            positive[size_t(i)] = data.labels[size_t(i)] == positiveClass;
        }
        binaryCurves(score, positive, r);
    }
    return r;
}

json ModelReport::toJson() const
{
    json j{{"task", data::toString(task)}, {"samples", samples}, {"metrics", metrics.toJson()}};
    if (task == data::Task::Regression) {
        j["truth"] = truth;
        j["predicted"] = predicted;
        return j;
    }
    j["class_names"] = classNames;
    j["confusion_matrix"] = confusion;
    json cls = json::array();
    for (const auto& c : classes)
        cls.push_back({{"class", c.name}, {"precision", c.precision}, {"recall", c.recall}, {"f1", c.f1},
                       {"support", c.support}});
    j["classes"] = cls;
    if (positiveClass >= 0) {
        auto curve = [](const std::vector<CurvePoint>& pts, const char* x, const char* y) {
            json a = json::array();
            for (const auto& p : pts)
                a.push_back({{x, p.x}, {y, p.y}, {"threshold", std::isfinite(p.threshold) ? json(p.threshold) : json()}});
            return a;
        };
        j["positive_class"] = classNames[size_t(positiveClass)];
        j["roc"] = curve(roc, "fpr", "tpr");
        j["roc_auc"] = rocAuc;
        j["precision_recall"] = curve(precisionRecall, "recall", "precision");
        j["average_precision"] = averagePrecision;
    }
    return j;
}

std::string ModelReport::classificationReportText() const
{
    size_t width = 12;
    for (const auto& c : classes) width = std::max(width, c.name.size());
    std::string out;
    char line[512];
    std::snprintf(line, sizeof line, "%*s %9s %9s %9s %9s\n\n", int(width), "", "precision", "recall", "f1-score",
                  "support");
    out += line;
    for (const auto& c : classes) {
        std::snprintf(line, sizeof line, "%*s %9.2f %9.2f %9.2f %9lld\n", int(width), c.name.c_str(), c.precision,
                      c.recall, c.f1, static_cast<long long>(c.support));
        out += line;
    }
    const auto total = static_cast<long long>(samples);
    std::snprintf(line, sizeof line, "\n%*s %9s %9s %9.2f %9lld\n", int(width), "accuracy", "", "", metrics.accuracy,
                  total);
    out += line;
    std::snprintf(line, sizeof line, "%*s %9.2f %9.2f %9.2f %9lld\n", int(width), "macro avg", metrics.precisionMacro,
                  metrics.recallMacro, metrics.f1Macro, total);
    out += line;
    std::snprintf(line, sizeof line, "%*s %9.2f %9.2f %9.2f %9lld\n", int(width), "weighted avg",
                  metrics.precisionWeighted, metrics.recallWeighted, metrics.f1Weighted, total);
    out += line;
    return out;
}

bool hasDecisionRegions(const data::Dataset& data)
{
    return data.isClassification() && data.sampleShape.size() == 1 && data.sampleSize() == 2 &&
           data.vocabulary.empty() && data.size() > 0;
}

DecisionRegions decisionRegions(const std::string& savePath, const data::Dataset& data, int resolution)
{
    if (!hasDecisionRegions(data))
        throw std::invalid_argument("decision regions need a classification data set of two input features (" +
                                    data.name + " has " + std::to_string(data.sampleSize()) + ")");
    if (resolution < 2) throw std::invalid_argument("decision regions: resolution must be >= 2");
    DecisionRegions d;
    d.xName = data.featureNames.size() == 2 ? data.featureNames[0] : "x1";
    d.yName = data.featureNames.size() == 2 ? data.featureNames[1] : "x2";
    float x0 = data.features[0], x1 = x0, y0 = data.features[1], y1 = y0;
    for (int64_t i = 0; i < data.size(); ++i) {
        x0 = std::min(x0, data.features[size_t(2 * i)]);
        x1 = std::max(x1, data.features[size_t(2 * i)]);
        y0 = std::min(y0, data.features[size_t(2 * i + 1)]);
        y1 = std::max(y1, data.features[size_t(2 * i + 1)]);
    }
    const double mx = std::max(0.05 * (x1 - x0), 1e-3), my = std::max(0.05 * (y1 - y0), 1e-3);
    d.xMin = x0 - mx;
    d.xMax = x1 + mx;
    d.yMin = y0 - my;
    d.yMax = y1 + my;
    d.resolution = resolution;
    data::Dataset grid;
    grid.name = data.name;
    grid.task = data.task;
    grid.sampleShape = data.sampleShape;
    grid.classNames = data.classNames;
    grid.featureNames = data.featureNames;
    const auto cells = size_t(resolution) * size_t(resolution);
    grid.features.resize(2 * cells);
    grid.labels.assign(cells, 0);
    for (int row = 0; row < resolution; ++row)
        for (int col = 0; col < resolution; ++col) {
            const size_t i = size_t(row) * size_t(resolution) + size_t(col);
            grid.features[2 * i] = float(d.xMin + (d.xMax - d.xMin) * (col + 0.5) / resolution);
            grid.features[2 * i + 1] = float(d.yMin + (d.yMax - d.yMin) * (row + 0.5) / resolution);
        }
    const Predictions p = predictSaved(savePath, grid);
    d.predicted.resize(cells);
    d.confidence.resize(cells);
    for (size_t i = 0; i < cells; ++i) {
        const auto c = p.predictedClass(int64_t(i));
        d.predicted[i] = int(c);
        d.confidence[i] = p.values[i * size_t(p.outputs) + size_t(c)];
    }
    return d;
}

} // namespace tw::train
