#pragma once
// A study spec: one JSON file that names the data set and its preprocessing,
// the model family, the fixed training settings, the search space, the
// objective metric and direction, the sampler, the pruner and the budget.
// Search parameters override the setting of the same name (model, training
// or preprocessing key), or the setting a parameter names with "setting"
// ({"name": "lr", ..., "setting": "learning_rate"}), or the setting a known
// alias stands for (train/setting_aliases.h; recorded as "setting" on load).
#include "data/preprocess.h"
#include "sampler/sampler_config.h"
#include "space/search_space.h"
#include "study/pruner.h"
#include "study/trial.h"
#include "train/config.h"
#include "train/setting_info.h"

#include <nlohmann/json.hpp>

#include <array>
#include <map>
#include <string>
#include <vector>

namespace tw::train {

struct DatasetSpec {
    std::string builtin;                 // "spirals", "moons", "imbalanced", "fashion-mnist"
    std::string csv;                     // training CSV (path relative to the spec file)
    std::string testCsv;                 // optional test CSV
    std::string target;                  // CSV target column
    /// What the CSV target is: auto (classification when it is categorical,
    /// or integers with at most 20 distinct values; regression otherwise),
    /// classification (its distinct values are the classes: binary for 2),
    /// binary, multiclass or regression. Also set as preprocessing.task.
    std::string task = "auto";
    static constexpr std::array<const char*, 5> kTasks{"auto", "classification", "binary", "multiclass", "regression"};
    std::string idxDir;                  // fashion-mnist: folder of the IDX files (default: Debian's)
    int64_t limit = 0;                   // use the first N training samples (0: all)
    nlohmann::json toJson() const;
};

struct SplitSpec {
    double validation = 0.2;
    double test = 0.0;                   // ignored when a test CSV or a built-in test set exists
    uint64_t seed = 0;
    bool stratify = true;
    nlohmann::json toJson() const;
};

struct ObjectiveSpec {
    std::string metric = "accuracy";
    study::Direction direction = study::Direction::Maximize; // default follows the metric
    std::string positiveClass;           // class name for precision/recall/f1 (default: the second class)
    nlohmann::json toJson() const;
};

struct BudgetSpec {
    int trials = 20;
    double timeLimitSeconds = 0;         // 0: none
    nlohmann::json toJson() const;
};

/// The settings a search of a study with this model family may override,
/// as a picker lists them: `family` (a choice of every family), the
/// family's own settings, the training settings it reads (class_weight_K
/// expanded to class_weight_0 ... for `numClasses` classes; none for 0),
/// then the preprocessing settings. Each with its schema: type, legal range,
/// a sensible search range. Throws std::invalid_argument for an unknown family.
std::vector<SettingInfo> tunableSettings(const std::string& family, int numClasses);
/// The preprocessing settings a search may override, as a schema.
const std::vector<SettingInfo>& preprocessingSettings();

/// Something a valid spec may still get wrong (StudySpec::warnings).
struct SpecWarning {
    enum class Kind {
        UnusedParameter, ///< a search parameter no family of the study reads
        NoBayesianStep,  ///< the initial quasi-random design uses up the budget
    };
    Kind kind;
    std::string message; ///< one sentence, naming the parameter or the numbers
};

struct StudySpec {
    std::string name;
    std::string path;                    // the file it was read from ("" when built in memory)
    DatasetSpec dataset;
    SplitSpec split;
    data::PreprocessOptions preprocessing;
    ModelConfig model;
    TrainConfig training;
    ObjectiveSpec objective;
    space::SearchSpace space;
    sampler::SamplerConfig sampler;
    study::PrunerConfig pruner;
    BudgetSpec budget;
    /// The trained models of the best `keepModels` complete trials stay in
    /// the study's model folder (study::ModelStore), so they can be
    /// evaluated, exported and compared without retraining; 0: none.
    int keepModels = 3;
    static constexpr int kMaxKeptModels = 1000;
    /// Search parameter -> the setting it sets, where the two names differ
    /// (a parameter's "setting" key in the spec's search_space).
    std::map<std::string, std::string> parameterSettings;

    /// The setting key a search parameter sets: its "setting", else its name.
    std::string settingFor(const std::string& parameter) const;

    /// Reads and validates a spec file; relative data paths are resolved
    /// against the spec's folder. IoError / ParseError / invalid_argument
    /// naming the file and the field.
    static StudySpec load(const std::string& path);
    static StudySpec fromJson(const nlohmann::json& j, const std::string& source = {},
                              const std::string& baseDir = {});
    nlohmann::json toJson() const;
    /// The search space as the spec writes it: with each parameter's "setting".
    nlohmann::json spaceToJson() const;

    /// The settings of one trial: the fixed ones overridden by the search
    /// parameters' values (one per parameter of `space`; parents applied
    /// before children, an inactive parameter's NaN keeps the fixed setting).
    void configure(const std::vector<double>& values, ModelConfig& model, TrainConfig& training,
                   data::PreprocessOptions& preprocessing) const;
    /// Overrides one setting by key: a model or training key, or
    /// numeric_impute / categorical_impute / standardize / text_*. Throws
    /// invalid_argument naming the key when it is unknown or the value's type
    /// is wrong; does not validate.
    static void setSetting(ModelConfig& model, TrainConfig& training, data::PreprocessOptions& preprocessing,
                           const std::string& key, const nlohmann::json& value);
    /// Keys a search parameter may name.
    static std::vector<std::string> settingKeys();
    /// True when some search parameter changes the preprocessing.
    bool searchesPreprocessing() const;
    /// What a valid spec may still get wrong, one sentence each: a search
    /// parameter that no family it can run with reads ("search parameter
    /// 'hidden_layers' changes nothing: family cnn does not use it"), or an
    /// initial quasi-random design that uses up the whole budget of a GP
    /// study (no Bayesian step would run).
    std::vector<SpecWarning> warnings() const;
};

} // namespace tw::train
