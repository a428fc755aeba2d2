#include "train/trial_evaluation.h"

#include <filesystem>
#include <stdexcept>

namespace tw::train {

StudySpec specOfStudy(const study::Study& study, const std::string& studyPath)
{
    const auto& attrs = study.config().userAttrs;
    if (!attrs.is_object() || !attrs.contains("spec"))
        throw std::invalid_argument(studyPath + ": this study has no study spec (it was created with `tw create`, "
                                                "not by tw tune or the workbench)");
    const std::string folder = std::filesystem::absolute(studyPath).parent_path().string();
    return StudySpec::fromJson(attrs["spec"], studyPath + ": spec", folder);
}

std::string toString(EvaluationData d)
{
    return d == EvaluationData::Test ? "test" : "validation";
}

EvaluationData evaluationDataFromString(const std::string& s)
{
    if (s == "validation") return EvaluationData::Validation;
    if (s == "test") return EvaluationData::Test;
    throw std::invalid_argument("data must be validation or test (data = '" + s + "')");
}

TrialEvaluation evaluateTrial(const StudySpec& spec, DataSource& data, const study::ModelStore& models,
                              const study::Trial& trial, EvaluationData on, int regionResolution)
{
    TrialEvaluation e;
    e.trial = trial.number;
    e.on = on;
    if (!models.has(trial.number))
        throw std::invalid_argument("trial " + std::to_string(trial.number) + " has no kept model: the study keeps " +
                                    std::to_string(models.keep()) + " (keep_models), those of its best complete trials, in " +
                                    models.folder());
    e.modelPath = models.modelPath(trial.number);
    ModelConfig model;
    TrainConfig training;
    data::PreprocessOptions pre;
    spec.configure(trial.params, model, training, pre);
    const PreparedSplits& s = data.splits(pre);
    const data::Dataset* d = &s.validation;
    if (on == EvaluationData::Test) {
        if (!s.test)
            throw NoTestDataError("the study has no test data: give its spec a 'test_csv' or a split 'test' fraction");
        d = &*s.test;
    }
    e.dataName = d->name + " (" + toString(on) + ", " + std::to_string(d->size()) + " samples)";
    e.positiveClass = positiveClassIndex(spec, s.train);
    e.report = modelReport(*d, predictSaved(e.modelPath, *d), e.positiveClass);
    if (regionResolution > 0 && hasDecisionRegions(*d)) {
        e.regions = decisionRegions(e.modelPath, *d, regionResolution);
        e.points = *d;
    }
    return e;
}

} // namespace tw::train
