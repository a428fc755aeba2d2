#pragma once
// A kept model of a study, looked at again without retraining: the trial's
// model (study::ModelStore) predicts its validation data or the test data,
// preprocessed as the trial's own settings say, and the predictions become a
// ModelReport (and, for two input features, decision regions). `tw evaluate`
// and the workbench's result page both call this.
#include "study/model_store.h"
#include "study/study.h"
#include "train/model_report.h"
#include "train/study_spec.h"
#include "train/tune.h"

#include <optional>
#include <string>

namespace tw::train {

/// The spec a study file holds (the user attribute "spec" that tw tune and
/// the workbench record), with data paths relative to the study file's
/// folder. Throws std::invalid_argument "STUDY: this study has no study spec
/// (...)" when it holds none, and what StudySpec::fromJson throws.
StudySpec specOfStudy(const study::Study& study, const std::string& studyPath);

enum class EvaluationData { Validation, Test };
std::string toString(EvaluationData d); // "validation", "test"
/// "validation" / "test"; throws std::invalid_argument otherwise.
EvaluationData evaluationDataFromString(const std::string& s);

struct TrialEvaluation {
    int trial = -1;
    EvaluationData on = EvaluationData::Validation;
    std::string modelPath;
    std::string dataName;            // "data-train-large.csv (validation, 143 samples)"
    int positiveClass = 0;
    ModelReport report;
    std::optional<DecisionRegions> regions; // two input features only
    data::Dataset points;            // the data evaluated, when regions are drawn (the scatter over them)
};

/// Evaluates trial `trial`'s kept model in `models` on its validation split
/// or the test data. `regionResolution` > 0 also computes the decision
/// regions where they apply. Throws std::invalid_argument when the trial has
/// no kept model ("trial 7 has no kept model: ..."), NoTestDataError for
/// EvaluationData::Test without test data, and what predictSaved throws.
TrialEvaluation evaluateTrial(const StudySpec& spec, DataSource& data, const study::ModelStore& models,
                              const study::Trial& trial, EvaluationData on, int regionResolution = 0);

} // namespace tw::train
