#pragma once
// The trained models a study keeps: the model of each of its best K complete
// trials, in a folder beside the study file (KerasTuner's get_best_models).
// A trial's model is written to a staging path while it trains; when the
// trial ends, settle() moves it into place if the trial ranks among the best
// K and deletes the models of the trials it pushed out. The folder is the
// record: several processes sharing a study share its folder, and a model
// file appears complete or not at all (rename).
#include "study/trial.h"

#include <string>
#include <vector>

namespace tw::study {

/// The folder of a study file's models: "runs/titanic.jsonl" ->
/// "runs/titanic.models" ("runs/study" -> "runs/study.models").
std::string modelFolderFor(const std::string& studyPath);

class ModelStore {
public:
    /// `keep` models at most (0: none). Creates nothing until a model is staged.
    ModelStore(std::string folder, int keep);

    const std::string& folder() const { return _folder; }
    int keep() const { return _keep; }
    /// Where trial `number`'s model lives once kept: FOLDER/trial-12.model,
    /// its model card beside it at the same path + ".json".
    std::string modelPath(int number) const;
    /// Where trial `number` writes its model while it trains (the folder is
    /// created). Throws tw::IoError when the folder cannot be created.
    std::string stagingPath(int number) const;
    /// Whether trial `number` has a kept model (file and card).
    bool has(int number) const;
    /// The trials with a kept model, in number order.
    std::vector<int> kept() const;

    /// After trial `number` ended (told to the study, whose trials are
    /// `trials`): keeps its staged model when the trial is Complete and ranks
    /// among the best keep() (bestTrialNumbers), deletes it otherwise, and
    /// deletes the kept models of trials no longer among the best. Returns
    /// whether trial `number`'s model was kept. Throws tw::IoError naming the
    /// file when a move fails.
    bool settle(int number, const std::vector<Trial>& trials, Direction direction) const;
    /// Deletes a staged model that will not be settled (a failed trial); never throws.
    void discard(int number) const;

private:
    std::string stagedPath(int number) const;

    std::string _folder;
    int _keep;
};

} // namespace tw::study
