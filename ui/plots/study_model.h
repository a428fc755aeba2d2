#pragma once
// What the views show of a study's model, as one immutable snapshot passed
// by queued signals: the model the GP sampler chooses the next trial with
// (sampler::AcquisitionModel: posterior, acquisition, feasibility), its
// posterior as a gp::Surrogate, and what the sampler would ask next.
#include "gp/surrogate.h"
#include "sampler/acquisition_model.h"

#include <QMetaType>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tw::ui {

struct StudyModel {
    /// The model that chooses trial `number`. A study of another sampler
    /// gets the GP's defaults with its seed (what every view shows).
    std::shared_ptr<const sampler::AcquisitionModel> model;
    /// Its posterior (shares the model's lifetime).
    std::shared_ptr<const gp::Surrogate> surrogate;
    int number = 0;
    /// Whether this acquisition is what picks the next trial: a GP study
    /// past its initial quasi-random trials.
    bool choosing = false;
    std::string acquisition = "logei";  // "logei" or "ucb"
    /// The GP sampler's suggestion for trial `number` on the same history
    /// (choosing only); nullopt when there is none (a finite space used up).
    std::optional<std::vector<double>> next;
    /// Why there is no suggestion, when choosing and next is nullopt.
    std::string nextError;
    int initialTrials = 0;  // the sampler's quasi-random trials before the GP chooses

    /// A snapshot of a surrogate alone (no acquisition, no feasibility).
    static std::shared_ptr<const StudyModel> ofSurrogate(std::shared_ptr<const gp::Surrogate> surrogate);
};

using StudyModelPtr = std::shared_ptr<const StudyModel>;

/// The model of a study as the fitter builds it (on any thread): the
/// AcquisitionModel for trial trials.size(), and, when `suggest` and the GP
/// chooses, the GP sampler's suggestion for it (withProposal). A StudyModel
/// with null pointers when there are fewer than 2 observations. Throws what
/// the fit throws.
StudyModel buildStudyModel(const space::SearchSpace& space, study::Direction direction,
                           const sampler::SamplerConfig& config, const std::vector<study::Trial>& trials,
                           bool suggest = true);

/// `m` with the GP sampler's suggestion for trial m.number on the same
/// history: what the study asks next (it fits the same model again, with the
/// same seed, then maximizes its acquisition). Unchanged unless m.choosing;
/// a finite space used up leaves next empty and says so in nextError.
StudyModel withProposal(StudyModel m, const space::SearchSpace& space, study::Direction direction,
                        const sampler::SamplerConfig& config, const std::vector<study::Trial>& trials);

} // namespace tw::ui

Q_DECLARE_METATYPE(tw::ui::StudyModelPtr)
