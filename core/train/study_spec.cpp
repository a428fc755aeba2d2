#include "train/study_spec.h"

#include "train/metrics.h"
#include "train/model_family.h"
#include "train/setting_aliases.h"
#include "util/errors.h"
#include "util/json_read.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace tw::train {

using nlohmann::json;

namespace {

std::string where(const std::string& source, const std::string& section)
{
    return (source.empty() ? std::string() : source + ": ") + section + ": ";
}

void checkKeys(const json& j, const std::set<std::string>& allowed, const std::string& ctx)
{
    if (!j.is_object()) throw std::invalid_argument(ctx + "must be a JSON object");
    for (const auto& item : j.items())
        if (!allowed.count(item.key())) {
            std::string list;
            for (const auto& k : allowed) list += (list.empty() ? "" : ", ") + k;
            throw std::invalid_argument(ctx + "unknown key '" + item.key() + "' (expected " + list + ")");
        }
}

std::string stringOf(const json& j, const char* key, const std::string& ctx)
{
    if (!j.is_string()) throw std::invalid_argument(ctx + "'" + key + "' must be a string");
    return j.get<std::string>();
}

double numberOf(const json& j, const char* key, const std::string& ctx)
{
    if (!j.is_number()) throw std::invalid_argument(ctx + "'" + key + "' must be a number");
    return j.get<double>();
}

std::string resolve(const std::string& path, const std::string& baseDir)
{
    if (path.empty() || baseDir.empty() || std::filesystem::path(path).is_absolute()) return path;
    return (std::filesystem::path(baseDir) / path).lexically_normal().string();
}

const std::set<std::string> kPreprocessingKeys{"numeric_impute",  "categorical_impute", "standardize",
                                                "text_lowercase",  "text_punctuation",   "text_ngrams",
                                                "text_min_count",  "text_max_vocab",     "text_max_length"};

/// Sets one preprocessing key as its schema (preprocessingSettings) reads
/// it: messages "preprocessing: 'KEY' must be ... (got V)".
void setPreprocessing(data::PreprocessOptions& p, const std::string& key, const json& value)
{
    const std::string section = "preprocessing";
    const auto& all = preprocessingSettings();
    const auto info = std::find_if(all.begin(), all.end(), [&](const SettingInfo& s) { return s.key == key; });
    if (info == all.end()) throw std::invalid_argument(section + ": unknown key '" + key + "'");
    const json v = info->coerce(value, section);
    // A choice is checked here; a range by PreprocessOptions::validate, which states each rule.
    if (info->type == SettingType::Choice) info->check(v, section);
    if (key == "numeric_impute") p.numericImpute = v.get<std::string>();
    else if (key == "categorical_impute") p.categoricalImpute = v.get<std::string>();
    else if (key == "standardize") p.standardize = v.get<bool>();
    else if (key == "text_lowercase") p.text.lowercase = v.get<bool>();
    else if (key == "text_punctuation") p.text.punctuation = data::punctuationFromString(v.get<std::string>());
    else if (key == "text_ngrams") p.text.ngrams = v.get<int>();
    else if (key == "text_min_count") p.text.minCount = v.get<int64_t>();
    else if (key == "text_max_vocab") p.text.maxVocab = v.get<int64_t>();
    else if (key == "text_max_length") p.text.maxLength = v.get<int64_t>();
    else throw std::logic_error("preprocessing setting '" + key + "' is not handled");
}

/// The spec's "preprocessing" object; every message names `top` (the file)
/// and the key.
data::PreprocessOptions preprocessingFromJson(const json& j, const std::string& top)
{
    const std::string ctx = "preprocessing: ";
    try {
        std::set<std::string> allowed = kPreprocessingKeys;
        allowed.insert({"drop", "column_types"});
        checkKeys(j, allowed, ctx);
        data::PreprocessOptions p;
        for (const auto& [key, value] : j.items()) {
            if (kPreprocessingKeys.count(key)) {
                setPreprocessing(p, key, value);
            } else if (key == "drop") {
                if (!value.is_array() || !std::all_of(value.begin(), value.end(), [](const json& c) { return c.is_string(); }))
                    throw std::invalid_argument(ctx + "'drop' must be an array of column names (got " + value.dump() + ")");
                for (const auto& c : value) p.drop.push_back(c.get<std::string>());
            } else {
                if (!value.is_object() ||
                    !std::all_of(value.begin(), value.end(), [](const json& t) { return t.is_string(); }))
                    throw std::invalid_argument(ctx + "'column_types' must be an object {column: numeric|categorical|text} (got " +
                                                value.dump() + ")");
                for (const auto& [col, type] : value.items()) p.columnTypes[col] = type.get<std::string>();
            }
        }
        p.validate();
        return p;
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(top + e.what());
    }
}

json preprocessingToJson(const data::PreprocessOptions& p)
{
    json j = {{"numeric_impute", p.numericImpute}, {"categorical_impute", p.categoricalImpute},
              {"standardize", p.standardize}};
    if (!p.drop.empty()) j["drop"] = p.drop;
    if (!p.columnTypes.empty()) j["column_types"] = p.columnTypes;
    const data::TextOptions t = p.text, d;
    if (t.lowercase != d.lowercase) j["text_lowercase"] = t.lowercase;
    if (t.punctuation != d.punctuation) j["text_punctuation"] = data::toString(t.punctuation);
    if (t.ngrams != d.ngrams) j["text_ngrams"] = t.ngrams;
    if (t.minCount != d.minCount) j["text_min_count"] = t.minCount;
    if (t.maxVocab != d.maxVocab) j["text_max_vocab"] = t.maxVocab;
    if (t.maxLength != d.maxLength) j["text_max_length"] = t.maxLength;
    return j;
}

} // namespace

json DatasetSpec::toJson() const
{
    json j = json::object();
    if (!builtin.empty()) j["builtin"] = builtin;
    if (!csv.empty()) j["csv"] = csv;
    if (!testCsv.empty()) j["test_csv"] = testCsv;
    if (!target.empty()) j["target"] = target;
    if (task != "auto") j["task"] = task;
    if (!idxDir.empty()) j["idx_dir"] = idxDir;
    if (limit > 0) j["limit"] = limit;
    return j;
}

json SplitSpec::toJson() const
{
    return {{"validation", validation}, {"test", test}, {"seed", seed}, {"stratify", stratify}};
}

json ObjectiveSpec::toJson() const
{
    json j = {{"metric", metric}, {"direction", study::toString(direction)}};
    if (!positiveClass.empty()) j["positive_class"] = positiveClass;
    return j;
}

json BudgetSpec::toJson() const
{
    return {{"trials", trials}, {"time_limit_s", timeLimitSeconds}};
}

std::vector<std::string> StudySpec::settingKeys()
{
    // The model family and every family's own settings (the registry's
    // schemas), then the training settings, then the preprocessing.
    std::vector<std::string> keys{"family"};
    for (const ModelFamily* f : modelFamilies())
        for (const auto& setting : f->settings())
            if (std::find(keys.begin(), keys.end(), setting.key) == keys.end()) keys.push_back(setting.key);
    for (const char* k : {"optimizer", "learning_rate", "weight_decay", "momentum", "nesterov", "beta1", "beta2",
                          "epsilon", "batch_size", "epochs", "warmup_ratio", "schedule", "loss", "class_weights",
                          "class_weight_K", "patience", "clip_norm"})
        if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
    keys.insert(keys.end(), kPreprocessingKeys.begin(), kPreprocessingKeys.end());
    return keys;
}

std::string StudySpec::settingFor(const std::string& parameter) const
{
    auto it = parameterSettings.find(parameter);
    return it == parameterSettings.end() ? parameter : it->second;
}

bool StudySpec::searchesPreprocessing() const
{
    for (const auto& p : space.params())
        if (kPreprocessingKeys.count(settingFor(space::nameOf(p)))) return true;
    return false;
}

void StudySpec::setSetting(ModelConfig& m, TrainConfig& t, data::PreprocessOptions& p, const std::string& key,
                           const json& value)
{
    if (kPreprocessingKeys.count(key)) setPreprocessing(p, key, value);
    else setOption(m, t, key, value);
}

void StudySpec::configure(const std::vector<double>& values, ModelConfig& m, TrainConfig& t,
                          data::PreprocessOptions& p) const
{
    m = model;
    t = training;
    p = preprocessing;
    // Parents before children; an inactive (NaN) parameter is left out of
    // the values and keeps the spec's setting.
    // The family goes first in any case: where a key goes (gradient
    // boosting's learning_rate is its own, a network's is the optimizer's)
    // depends on it.
    const json v = space.valuesToJson(values);
    std::vector<size_t> order;
    for (size_t i : space.order())
        if (settingFor(space::nameOf(space[i])) == "family") order.insert(order.begin(), i);
        else order.push_back(i);
    for (size_t i : order) {
        const std::string& key = space::nameOf(space[i]);
        const auto it = v.find(key);
        if (it == v.end()) continue;
        const json& value = *it;
        try {
            setSetting(m, t, p, settingFor(key), value);
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument("search parameter '" + key + "' = " + value.dump() + ": " + e.what());
        }
    }
    m.validate();
    t.validate();
    p.validate();
}

const std::vector<SettingInfo>& preprocessingSettings()
{
    static const std::vector<SettingInfo> all = [] {
        const data::PreprocessOptions d;
        std::vector<SettingInfo> v;
        v.push_back(choiceSetting("numeric_impute", d.numericImpute, {"mean", "median"},
                                  "How missing numbers are filled in."));
        v.push_back(choiceSetting("categorical_impute", d.categoricalImpute, {"most_frequent", "missing_category"},
                                  "How missing categories are filled in."));
        v.push_back(boolSetting("standardize", d.standardize,
                                "Scale numeric columns with the training mean and standard deviation."));
        // A text column's tokenizer and vocabulary (data::TextOptions).
        v.push_back(boolSetting("text_lowercase", d.text.lowercase,
                                "Lower-case a text column before splitting it into words."));
        v.push_back(choiceSetting("text_punctuation", "drop", {"drop", "split"},
                                  "Punctuation of a text column: dropped, or tokens of its own."));
        v.push_back(rangeSetting("text_ngrams", SettingType::Int, d.text.ngrams, 0, 5, 2, 4, false,
                                 "Character n-grams of this length added to the words (0: none; 2..5)."));
        v.push_back(rangeSetting("text_min_count", SettingType::Int, d.text.minCount, 1, 1e9, 1, 5, false,
                                 "Training occurrences a token needs to enter the vocabulary."));
        v.push_back(rangeSetting("text_max_vocab", SettingType::Int, d.text.maxVocab, 0, 1e9, 1000, 50000, true,
                                 "Most frequent tokens kept in the vocabulary (0: all)."));
        v.push_back(rangeSetting("text_max_length", SettingType::Int, d.text.maxLength, 1, 4096, 16, 256, true,
                                 "Token ids per sample: longer texts are cut, shorter ones padded."));
        return v;
    }();
    return all;
}

std::vector<SettingInfo> tunableSettings(const std::string& familyName, int numClasses)
{
    const ModelFamily& family = modelFamily(familyName);
    std::vector<SettingInfo> out;
    std::vector<std::string> names;
    for (const ModelFamily* m : modelFamilies()) names.push_back(m->name());
    out.push_back(choiceSetting("family", familyName, names, "The model family of each trial (its own settings then apply)."));
    for (const auto& s : family.settings()) out.push_back(s);
    for (const auto& s : trainingSettings()) {
        if (s.key == "class_weight_K") {
            if (!family.usesTrainingSetting("class_weights")) continue;
            for (int k = 0; k < numClasses; ++k) {
                SettingInfo w = s;
                w.key = "class_weight_" + std::to_string(k);
                w.help = "Loss weight of class " + std::to_string(k) + ".";
                out.push_back(w);
            }
        } else if (family.usesTrainingSetting(s.key)) {
            out.push_back(s);
        }
    }
    for (const auto& s : preprocessingSettings()) out.push_back(s);
    return out;
}

std::vector<SpecWarning> StudySpec::warnings() const
{
    std::vector<SpecWarning> out;
    // The families a trial can run with: the fixed one, or the searched choices.
    // A parameter is judged by the setting it sets ("lr": learning_rate).
    std::vector<std::string> families{model.family};
    for (const auto& p : space.params())
        if (settingFor(space::nameOf(p)) == "family")
            if (const auto* c = std::get_if<space::CategoricalParam>(&p)) {
                families.clear();
                for (const auto& choice : c->choices) families.push_back(space::choiceToString(choice));
            }
    for (const auto& p : space.params()) {
        const std::string& name = space::nameOf(p);
        const std::string setting = settingFor(name);
        if (kPreprocessingKeys.count(setting) || setting.rfind("class_weight_", 0) == 0) continue;
        bool applies = false;
        for (const auto& f : families)
            if (const ModelFamily* fam = findModelFamily(f); fam && fam->applies(setting)) applies = true;
        if (!applies) {
            std::string list;
            for (const auto& f : families) list += (list.empty() ? "" : ", ") + f;
            out.push_back({SpecWarning::Kind::UnusedParameter,
                           "search parameter '" + name + "' changes nothing: " +
                               (families.size() == 1 ? "family " + list + " does not use it"
                                                     : "none of the families " + list + " uses it")});
        }
    }
    if (sampler.name == "gp" && budget.trials > 0) {
        const int initial = sampler.initialFor(space.size());
        if (initial >= budget.trials)
            out.push_back({SpecWarning::Kind::NoBayesianStep,
                           "the " + std::to_string(initial) + " initial quasi-random trials use up the budget of " +
                               std::to_string(budget.trials) + " trials: no Bayesian step would run"});
    }
    return out;
}

StudySpec StudySpec::load(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw IoError("cannot open " + path + ": " + std::strerror(errno));
    std::ostringstream buf;
    buf << in.rdbuf();
    const json j = parseJson(buf.str(), path);
    const std::string base = std::filesystem::path(path).parent_path().string();
    StudySpec s = fromJson(j, path, base.empty() ? "." : base);
    s.path = path;
    return s;
}

StudySpec StudySpec::fromJson(const json& j, const std::string& source, const std::string& baseDir)
{
    const std::string top = source.empty() ? std::string() : source + ": ";
    checkKeys(j, {"name", "dataset", "split", "preprocessing", "model", "training", "objective", "search_space",
                  "sampler", "pruner", "budget", "keep_models"},
              top.empty() ? "spec: " : top);
    StudySpec s;
    if (j.contains("name")) s.name = stringOf(j["name"], "name", top);
    if (s.name.empty() && !source.empty()) s.name = std::filesystem::path(source).stem().string();

    // dataset
    const std::string dctx = where(source, "dataset");
    if (!j.contains("dataset")) throw std::invalid_argument(top + "missing 'dataset'");
    const json& d = j["dataset"];
    checkKeys(d, {"builtin", "csv", "test_csv", "target", "task", "idx_dir", "limit"}, dctx);
    for (const auto& [key, value] : d.items()) {
        if (key == "limit") {
            if (!value.is_number_integer() || value.get<int64_t>() < 0)
                throw std::invalid_argument(dctx + "'limit' must be a non-negative integer");
            s.dataset.limit = value.get<int64_t>();
            continue;
        }
        const std::string v = stringOf(value, key.c_str(), dctx);
        if (key == "builtin") s.dataset.builtin = v;
        else if (key == "csv") s.dataset.csv = resolve(v, baseDir);
        else if (key == "test_csv") s.dataset.testCsv = resolve(v, baseDir);
        else if (key == "target") s.dataset.target = v;
        else if (key == "task") {
            const auto& tasks = DatasetSpec::kTasks;
            if (std::find(tasks.begin(), tasks.end(), v) == tasks.end()) {
                std::string list;
                for (const auto& t : tasks) list += (list.empty() ? "" : ", ") + std::string(t);
                throw std::invalid_argument(dctx + "'task' must be one of " + list + " (task = '" + v + "')");
            }
            s.dataset.task = v;
        } else s.dataset.idxDir = resolve(v, baseDir);
    }
    if (s.dataset.builtin.empty() == s.dataset.csv.empty())
        throw std::invalid_argument(dctx + "give exactly one of 'builtin' (a built-in data set) or 'csv' (a file)");
    if (!s.dataset.csv.empty() && s.dataset.target.empty())
        throw std::invalid_argument(dctx + "'csv' needs 'target', the name of the column to predict");
    if (s.dataset.csv.empty() && (!s.dataset.testCsv.empty() || !s.dataset.target.empty()))
        throw std::invalid_argument(dctx + "'test_csv' and 'target' only go with 'csv'");
    if (s.dataset.csv.empty() && s.dataset.task != "auto")
        throw std::invalid_argument(dctx + "'task' only goes with 'csv' (a built-in data set has its own task)");
    if (!s.dataset.idxDir.empty() && s.dataset.builtin != "fashion-mnist")
        throw std::invalid_argument(dctx + "'idx_dir' only goes with \"builtin\": \"fashion-mnist\" (a folder of "
                                           "train-/t10k-images-idx3-ubyte and -labels-idx1-ubyte files)");

    // split
    if (j.contains("split")) {
        const std::string ctx = where(source, "split");
        const json& sp = j["split"];
        checkKeys(sp, {"validation", "test", "seed", "stratify"}, ctx);
        for (const auto& [key, value] : sp.items()) {
            if (key == "validation") s.split.validation = numberOf(value, "validation", ctx);
            else if (key == "test") s.split.test = numberOf(value, "test", ctx);
            else if (key == "seed") {
                if (!value.is_number_integer() || (!value.is_number_unsigned() && value.get<int64_t>() < 0))
                    throw std::invalid_argument(ctx + "'seed' must be a non-negative integer");
                s.split.seed = value.get<uint64_t>();
            } else {
                if (!value.is_boolean()) throw std::invalid_argument(ctx + "'stratify' must be true or false");
                s.split.stratify = value.get<bool>();
            }
        }
        if (!(s.split.validation > 0 && s.split.validation < 1))
            throw std::invalid_argument(ctx + "'validation' must be in (0, 1) (validation = " + std::to_string(s.split.validation) + ")");
        if (!(s.split.test >= 0 && s.split.validation + s.split.test < 1))
            throw std::invalid_argument(ctx + "'test' must be >= 0 with validation + test < 1");
    }

    if (j.contains("preprocessing"))
        s.preprocessing = preprocessingFromJson(j["preprocessing"], top);
    s.preprocessing.task = s.dataset.task;
    try {
        if (j.contains("model")) s.model = ModelConfig::fromJson(j["model"]);
        if (j.contains("training")) s.training = TrainConfig::fromJson(j["training"]);
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(top + e.what());
    }

    // objective
    if (j.contains("objective")) {
        const std::string ctx = where(source, "objective");
        const json& o = j["objective"];
        checkKeys(o, {"metric", "direction", "positive_class"}, ctx);
        if (o.contains("metric")) s.objective.metric = stringOf(o["metric"], "metric", ctx);
        if (!Metrics::isName(s.objective.metric)) {
            std::string list;
            for (const auto& n : Metrics::names()) list += (list.empty() ? "" : ", ") + n;
            throw std::invalid_argument(ctx + "unknown metric '" + s.objective.metric + "' (expected one of " + list + ")");
        }
        s.objective.direction = Metrics::minimizes(s.objective.metric) ? study::Direction::Minimize
                                                                         : study::Direction::Maximize;
        if (o.contains("direction")) {
            try {
                s.objective.direction = study::directionFromString(stringOf(o["direction"], "direction", ctx));
            } catch (const std::invalid_argument& e) {
                throw std::invalid_argument(ctx + e.what());
            }
        }
        if (o.contains("positive_class")) {
            const json& pc = o["positive_class"];
            s.objective.positiveClass = pc.is_number() ? pc.dump() : stringOf(pc, "positive_class", ctx);
        }
    }

    // search space, sampler, pruner, budget
    if (!j.contains("search_space")) throw std::invalid_argument(top + "missing 'search_space'");
    // A parameter's "setting" belongs to the spec, not to the space: taken out first.
    json spaceJson = j["search_space"];
    json* list = spaceJson.is_array() ? &spaceJson
                 : spaceJson.is_object() && spaceJson.contains("parameters") && spaceJson["parameters"].is_array()
                     ? &spaceJson["parameters"]
                     : nullptr;
    if (list)
        for (json& param : *list)
            if (param.is_object() && param.contains("setting")) {
                const std::string name = param.value("name", std::string());
                if (!param["setting"].is_string())
                    throw std::invalid_argument(where(source, "search_space") + "parameter '" + name +
                                                "': 'setting' must be a string (a setting key)");
                if (param["setting"].get<std::string>() != name) s.parameterSettings[name] = param["setting"].get<std::string>();
                param.erase("setting");
            }
    s.space = space::SearchSpace::fromJson(spaceJson, top.empty() ? "search_space" : source + ": search_space");
    if (j.contains("sampler")) s.sampler = sampler::SamplerConfig::fromJson(j["sampler"], source);
    if (j.contains("pruner")) s.pruner = study::PrunerConfig::fromJson(j["pruner"], source);
    if (j.contains("budget")) {
        const std::string ctx = where(source, "budget");
        const json& b = j["budget"];
        checkKeys(b, {"trials", "time_limit_s"}, ctx);
        if (b.contains("trials")) {
            if (!b["trials"].is_number_integer() || b["trials"].get<int>() < 1)
                throw std::invalid_argument(ctx + "'trials' must be a positive integer");
            s.budget.trials = b["trials"].get<int>();
        }
        if (b.contains("time_limit_s")) {
            s.budget.timeLimitSeconds = numberOf(b["time_limit_s"], "time_limit_s", ctx);
            if (s.budget.timeLimitSeconds < 0) throw std::invalid_argument(ctx + "'time_limit_s' must be >= 0");
        }
    }

    if (j.contains("keep_models")) {
        const json& k = j["keep_models"];
        if (!k.is_number_integer() || k.get<int64_t>() < 0 || k.get<int64_t>() > kMaxKeptModels)
            throw std::invalid_argument(top + "'keep_models' must be an integer from 0 to " +
                                        std::to_string(kMaxKeptModels) + " (keep_models = " + k.dump() + ")");
        s.keepModels = k.get<int>();
    }

    // Every search parameter must name a setting, and every value of its
    // range must be a legal value of that setting.
    const auto keys = settingKeys();
    const auto isSetting = [&](const std::string& key) {
        return key.rfind("class_weight_", 0) == 0 || std::find(keys.begin(), keys.end(), key) != keys.end();
    };
    for (const auto& [param, setting] : s.parameterSettings)
        if (s.space.indexOf(param) < 0)
            throw std::invalid_argument(where(source, "search_space") + "'setting' given for parameter '" + param +
                                        "', which is not in the space");
    for (size_t i = 0; i < s.space.size(); ++i) {
        const std::string& name = space::nameOf(s.space[i]);
        if (!s.parameterSettings.count(name) && !isSetting(name))
            if (const auto alias = settingAlias(name)) s.parameterSettings[name] = *alias;
        const std::string setting = s.settingFor(name);
        if (!isSetting(setting)) {
            std::string list;
            for (const auto& k : keys) list += (list.empty() ? "" : ", ") + k;
            throw std::invalid_argument(where(source, "search_space") + "parameter '" + name + "'" +
                                        (setting != name ? ": setting '" + setting + "'" : std::string()) +
                                        " is not a setting (settings: " + list +
                                        "; a parameter of another name sets one with \"setting\": KEY)");
        }
        for (size_t k = 0; k < i; ++k)
            if (s.settingFor(space::nameOf(s.space[k])) == setting)
                throw std::invalid_argument(where(source, "search_space") + "parameters '" + space::nameOf(s.space[k]) +
                                            "' and '" + name + "' both set '" + setting + "'");
    }
    // Every parameter decoded (fromUnitAll): a probe that switches a parent
    // finds its children's values there; deactivate() masks the others.
    const std::vector<double> centre = s.space.fromUnitAll(Eigen::VectorXd::Constant(s.space.encodedDim(), 0.5));
    for (size_t i = 0; i < s.space.size(); ++i) {
        std::vector<double> probes;
        if (const auto* c = std::get_if<space::CategoricalParam>(&s.space[i]))
            for (size_t k = 0; k < c->choices.size(); ++k) probes.push_back(double(k));
        else if (const auto* f = std::get_if<space::FloatParam>(&s.space[i])) probes = {f->low, f->high};
        else {
            const auto& ip = std::get<space::IntParam>(s.space[i]);
            probes = {ip.low, ip.high};
        }
        for (double v : probes) {
            auto values = centre;
            values[i] = v;
            s.space.deactivate(values);
            ModelConfig m;
            TrainConfig t;
            data::PreprocessOptions p;
            try {
                s.configure(values, m, t, p);
            } catch (const std::invalid_argument& e) {
                const std::string name = space::nameOf(s.space[i]);
                const std::string what = e.what();
                // configure() names the parameter when set() fails; validate() does not.
                const std::string prefix = what.rfind("search parameter", 0) == 0
                                               ? std::string()
                                               : "search parameter '" + name + "' = " +
                                                     s.space.valuesToJson(values)[name].dump() + ": ";
                throw std::invalid_argument(where(source, "search_space") + prefix + what);
            }
        }
    }
    return s;
}

json StudySpec::spaceToJson() const
{
    json j = space.toJson();
    for (json& param : j["parameters"])
        if (auto it = parameterSettings.find(param["name"].get<std::string>()); it != parameterSettings.end())
            param["setting"] = it->second;
    return j;
}

json StudySpec::toJson() const
{
    return {{"name", name},
            {"dataset", dataset.toJson()},
            {"split", split.toJson()},
            {"preprocessing", preprocessingToJson(preprocessing)},
            {"model", model.toJson()},
            {"training", training.toJson()},
            {"objective", objective.toJson()},
            {"search_space", spaceToJson()},
            {"sampler", sampler.toJson()},
            {"pruner", pruner.toJson()},
            {"budget", budget.toJson()},
            {"keep_models", keepModels}};
}

} // namespace tw::train
