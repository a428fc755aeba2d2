// tw create / ask / tell / best / trials / repair.
#include "cli/commands.h"

#include "sampler/acquisition_model.h"
#include "sampler/sampler_config.h"
#include "space/search_space.h"
#include "study/model_store.h"
#include "study/repair.h"
#include "study/study.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <ostream>
#include <unistd.h>

namespace tw::cli {

namespace {

std::string oneOf(const Args& a, const std::string& flag, const std::vector<std::string>& allowed,
                  const std::string& fallback)
{
    auto v = a.get(flag);
    if (!v)
        return fallback;
    std::string list;
    for (const std::string& s : allowed) {
        if (*v == s)
            return s;
        list += (list.empty() ? "" : "|") + s;
    }
    throw usageError(expected(flag, list, *v));
}

} // namespace

int cmdCreate(Context& ctx)
{
    Args a = parseArgs(ctx, {{"study"}, {"space"}, {"direction"}, {"sampler"}, {"seed"},
                             {"initial"}, {"acquisition"}, {"ucb-beta"}, {"kernel"}, {"name"},
                             {"trials"}, {"time-limit"}});
    if (a.help())
        return 0;
    const StudyRef ref = studyRef(a);
    const std::string spacePath = a.required("space");

    study::StudyConfig config;
    config.direction = study::directionFromString(oneOf(a, "direction", {"minimize", "maximize"}, "minimize"));
    config.sampler.name = oneOf(a, "sampler", {"gp", "random", "qmc"}, "gp");
    config.sampler.seed = a.seed("seed", 0);
    config.sampler.initialTrials = a.integer("initial", -1, 0);
    config.sampler.acquisition = oneOf(a, "acquisition", sampler::acquisitionNames(), "logei");
    config.sampler.ucbBeta = a.positiveNumber("ucb-beta", config.sampler.ucbBeta);
    config.sampler.kernel = oneOf(a, "kernel", {"matern52", "rbf"}, "matern52");
    if (a.has("trials")) config.budget.trials = a.integer("trials", 0, 1);
    if (a.has("time-limit")) config.budget.timeLimitSeconds = a.positiveNumber("time-limit", 0.0);
    config.name = a.get("name").value_or(ref.inFile() ? std::filesystem::path(ref.study).stem().string() : ref.study);

    // Everything is checked before the file is created: a bad space leaves no file.
    config.space = space::SearchSpace::load(spacePath);
    config.space.validate(spacePath);
    if (config.space.size() == 0)
        throw failure(spacePath + ": the search space has no parameters");
    config.sampler.validate();

    std::error_code ec;
    if (ref.inFile() && std::filesystem::exists(ref.study, ec) && std::filesystem::file_size(ref.study, ec) > 0 && !ec)
        throw failure(ref.study + ": file exists; a study file is never overwritten");

    auto study = createStudy(ref, config);
    ordered_json o;
    ref.describeIn(o);
    o["name"] = study->config().name;
    o["parameters"] = study->space().size();
    o["direction"] = study::toString(study->direction());
    o["sampler"] = ordered_json(study->config().sampler.toJson());
    if (!study->config().budget.empty()) o["budget"] = ordered_json(study->config().budget.toJson());
    printLine(ctx.out, o);
    printWarnings(ctx, *study);
    return 0;
}

int cmdAsk(Context& ctx)
{
    Args a = parseArgs(ctx, {{"study"}});
    if (a.help())
        return 0;
    auto study = openStudy(studyRef(a));
    // The trial belongs to whoever called `tw ask` (a worker script): if that
    // process dies without `tw tell`, the trial shows as orphaned.
    study->setOwnerPid(long(::getppid()));
    study::Trial t = study->ask();
    ordered_json o;
    o["number"] = t.number;
    o["params"] = paramsJson(study->space(), t.params);
    printLine(ctx.out, o);
    printWarnings(ctx, *study);
    return 0;
}

int cmdTell(Context& ctx)
{
    Args a = parseArgs(ctx, {{"study"}, {"trial"}, {"value"}, {"failed", false}, {"pruned", false}, {"reason"},
                             {"kind"}});
    if (a.help())
        return 0;
    const StudyRef ref = studyRef(a);
    const int number = a.requiredInteger("trial", 0);
    a.exactlyOne({"value", "failed", "pruned"});
    if (a.has("reason") && a.has("value"))
        throw usageError("--reason goes with --failed or --pruned, not --value");
    if (a.has("kind") && !a.has("failed"))
        throw usageError("--kind goes with --failed");
    study::FailureKind kind = study::FailureKind::Exception;
    if (auto k = a.get("kind")) {
        try {
            kind = study::failureKindFromString(*k);
        } catch (const std::invalid_argument& e) {
            throw usageError(std::string("--kind: ") + e.what());
        }
        if (kind == study::FailureKind::None || kind == study::FailureKind::Pruned)
            throw usageError("--kind: '" + *k + "' is not a kind of failure (use --value or --pruned)");
    }

    study::Outcome outcome;
    if (a.has("value")) {
        const std::string text = *a.get("value");
        auto v = parseDouble(text);
        if (!v || !std::isfinite(*v))
            throw usageError(expected("value", "a finite number", text));
        outcome = study::Outcome::complete(*v);
    } else if (a.has("failed")) {
        outcome = study::Outcome::failed(a.get("reason").value_or(""), kind);
    } else {
        outcome = study::Outcome::pruned(a.get("reason").value_or(""));
    }

    auto study = openStudy(ref);
    study->tell(number, outcome);
    ordered_json o;
    o["number"] = number;
    o["state"] = study::toString(outcome.state);
    if (outcome.state == study::TrialState::Complete)
        o["value"] = outcome.value;
    if (!outcome.reason.empty())
        o["reason"] = outcome.reason;
    if (outcome.state != study::TrialState::Complete)
        o["kind"] = study::toString(outcome.kind);
    printLine(ctx.out, o);
    printWarnings(ctx, *study);
    return 0;
}

int cmdBest(Context& ctx)
{
    Args a = parseArgs(ctx, {{"study"}});
    if (a.help())
        return 0;
    const StudyRef ref = studyRef(a);
    auto study = openStudy(ref);
    auto best = study->bestTrial();
    printWarnings(ctx, *study);
    if (!best)
        throw failure(ref.label() + ": no completed trial yet");
    ordered_json out = bestJson(study->space(), *best);
    const study::ModelStore models(ref.modelFolder(), 1);
    if (models.has(best->number)) out["model"] = models.modelPath(best->number);
    const auto trials = study->trials();
    if (const auto surrogate = sampler::studySurrogate(study->space(), study->direction(), study->config().sampler, trials))
        if (const auto mb = sampler::modelBest(*surrogate, study->direction(), trials))
            out["model_best"] = ordered_json{{"number", mb->number}, {"value", mb->value}, {"mean", mb->mean}, {"se", mb->se}};
    printLine(ctx.out, out);
    return 0;
}

int cmdModels(Context& ctx)
{
    Args a = parseArgs(ctx, {{"study"}});
    if (a.help())
        return 0;
    const StudyRef ref = studyRef(a);
    auto study = openStudy(ref);
    printWarnings(ctx, *study);
    const study::ModelStore models(ref.modelFolder(), 1);
    const auto trials = study->trials();
    std::vector<int> kept = models.kept();
    // Best first, as the study ranks them; a model whose trial is unknown last.
    const auto ranked = study::bestTrialNumbers(trials, study->direction(), trials.size());
    std::stable_sort(kept.begin(), kept.end(), [&](int x, int y) {
        const auto rank = [&](int n) { return std::find(ranked.begin(), ranked.end(), n) - ranked.begin(); };
        return rank(x) < rank(y);
    });
    for (int n : kept) {
        ordered_json o;
        o["number"] = n;
        if (n >= 0 && size_t(n) < trials.size() && trials[size_t(n)].value) o["value"] = *trials[size_t(n)].value;
        if (n >= 0 && size_t(n) < trials.size()) o["params"] = paramsJson(study->space(), trials[size_t(n)].params);
        o["model"] = models.modelPath(n);
        printLine(ctx.out, o);
    }
    return 0;
}

int cmdTrials(Context& ctx)
{
    Args a = parseArgs(ctx, {{"study"}});
    if (a.help())
        return 0;
    auto study = openStudy(studyRef(a));
    for (const study::Trial& t : study->trials()) {
        ordered_json o = trialJson(study->space(), t);
        o["started"] = isoTime(t.startedAt);
        o["orphaned"] = study::isOrphaned(t);
        printLine(ctx.out, o);
    }
    printWarnings(ctx, *study);
    return 0;
}

int cmdRepair(Context& ctx)
{
    Args a = parseArgs(ctx, {{"study"}, {"out"}});
    if (a.help())
        return 0;
    const std::string path = a.required("study");
    if (a.has("storage"))
        throw usageError("--storage: tw repair mends study files; a database study's events are written in "
                         "transactions and cannot be torn");
    const std::string out = a.get("out").value_or(study::repairedPath(path));
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        throw failure(path + ": no such study file");
    const study::RepairReport r = study::repairJournal(path, out);
    ordered_json o;
    o["study"] = r.study;
    o["out"] = r.out;
    o["events"] = r.events;
    o["kept"] = r.kept;
    o["dropped"] = ordered_json::array();
    for (const auto& d : r.dropped)
        o["dropped"].push_back(ordered_json{{"line", d.line}, {"reason", d.reason}});
    if (!r.warnings.empty())
        o["warnings"] = r.warnings;
    printLine(ctx.out, o);
    return 0;
}

} // namespace tw::cli
