#pragma once
// How a trained model does on a data set, for people: the confusion matrix
// and per-class precision / recall / F1 (scikit-learn's
// classification_report), the ROC and precision-recall curves of a binary
// task, predicted against true values for regression, and the decision
// regions of a model of two input features. Plain types; the predictions come
// from train::predictSaved.
#include "data/dataset.h"
#include "train/metrics.h"
#include "train/trainer.h"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace tw::train {

struct ClassScores {
    std::string name;
    double precision = 0, recall = 0, f1 = 0; // scikit-learn's, zero_division = 0
    int64_t support = 0;                       // true samples of the class
};

/// One point of a curve swept over the decision threshold.
struct CurvePoint {
    double x = 0, y = 0;
    double threshold = 0; // the positive-class probability at or above which a sample is called positive
};

struct ModelReport {
    data::Task task = data::Task::Binary;
    int64_t samples = 0;
    Metrics metrics;                            // as the trainer reports them, loss left out
    // classification
    std::vector<std::string> classNames;
    std::vector<std::vector<int64_t>> confusion; // [true class][predicted class]
    std::vector<ClassScores> classes;
    // binary
    int positiveClass = -1;                     // the class of the curves (-1: not binary)
    std::vector<CurvePoint> roc;                // x false-positive rate, y true-positive rate, from (0, 0)
    double rocAuc = Metrics::kNaN;              // area under roc (trapezoids), as roc_auc_score
    std::vector<CurvePoint> precisionRecall;    // x recall, y precision, by falling threshold, from (0, 1)
    double averagePrecision = Metrics::kNaN;    // sum of (R_n - R_n-1) P_n, as average_precision_score
    // regression
    std::vector<float> truth, predicted;

    nlohmann::json toJson() const;
    /// scikit-learn's classification_report as text (classification).
    std::string classificationReportText() const;
};

/// The report of predictions `p` (train::predictSaved) on `data`;
/// `positiveClass` is the class of precision / recall / F1 and of the curves.
/// Throws std::invalid_argument when the predictions do not fit the data.
ModelReport modelReport(const data::Dataset& data, const Predictions& p, int positiveClass);

/// A classifier of two input features, over a grid spanning its data.
struct DecisionRegions {
    std::string xName, yName;          // the two features
    double xMin = 0, xMax = 1, yMin = 0, yMax = 1;
    int resolution = 0;                // cells per axis
    std::vector<int> predicted;        // resolution x resolution, row-major from (xMin, yMin): row = y
    std::vector<float> confidence;     // probability of the predicted class per cell
};

/// Whether decisionRegions applies: a classification data set whose samples
/// are two numeric features (not images, not text).
bool hasDecisionRegions(const data::Dataset& data);
/// The decision regions of the model saved at `savePath` over the bounding
/// box of `data` (5% margin), `resolution` cells per axis. Throws
/// std::invalid_argument when !hasDecisionRegions(data) or resolution < 2,
/// and what predictSaved throws.
DecisionRegions decisionRegions(const std::string& savePath, const data::Dataset& data, int resolution = 120);

} // namespace tw::train
