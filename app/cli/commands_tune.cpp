// tw tune / tw train: a study spec's data and model, trained with LibTorch.
#include "cli/commands.h"
#include "cli/signals.h"
#include "util/errors.h"
#include "util/printable.h"
#include "util/json_read.h"

#include "study/retry.h"
#include "study/study.h"
#include "train/study_spec.h"
#include "train/trial_evaluation.h"
#include "train/tune.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <ostream>
#include <sstream>

namespace tw::cli {

namespace {

/// The spec file (the first word, before the flags) and the flags.
std::pair<std::string, std::vector<std::string>> splitSpec(Context& ctx)
{
    if (ctx.args.empty() || ctx.args[0].rfind("--", 0) == 0) return {{}, ctx.args};
    return {ctx.args[0], std::vector<std::string>(ctx.args.begin() + 1, ctx.args.end())};
}

train::StudySpec loadSpec(const std::string& path, const Args& a)
{
    if (path.empty()) throw usageError("missing the study spec: tw " + std::string("COMMAND SPEC.json ..."));
    train::StudySpec spec = train::StudySpec::load(path);
    if (auto csv = a.get("csv")) {
        if (spec.dataset.csv.empty()) throw usageError("--csv: the spec's data set is built in, not a CSV file");
        spec.dataset.csv = *csv;
    }
    if (auto test = a.get("test-csv")) {
        if (spec.dataset.csv.empty()) throw usageError("--test-csv: the spec's data set is built in, not a CSV file");
        spec.dataset.testCsv = *test;
    }
    return spec;
}

std::string deviceFlag(const Args& a)
{
    const auto d = a.get("device");
    if (!d) return {};
    if (!train::isDeviceName(*d)) throw usageError(expected("device", "auto|cpu|cuda|cuda:K", *d));
    if (d->rfind("cuda", 0) == 0) {
        if (!train::cudaAvailable())
            throw failure("--device " + *d + ": LibTorch finds no CUDA device here (use auto or cpu)");
        try {
            train::resolvedDevice(*d);
        } catch (const std::invalid_argument& e) {
            throw failure("--" + std::string(e.what()));
        }
    }
    return *d;
}

/// The line tw tune and tw worker --spec print per trial.
ordered_json trialLine(const space::SearchSpace& space, const train::TrialSummary& s)
{
    ordered_json line;
    line["number"] = s.number;
    line["state"] = study::toString(s.state);
    if (s.value) line["value"] = *s.value;
    if (!s.reason.empty()) line["reason"] = s.reason;
    line["params"] = paramsJson(space, s.params);
    line["duration"] = s.result.seconds;
    line["epochs"] = s.result.epochs.size();
    if (!s.result.device.empty()) line["device"] = s.result.device;
    return line;
}

/// The study --study (and --storage) name for a spec: opened when it exists
/// (it must have the spec's space and direction; the spec, a changed budget
/// included, is recorded), created from the spec otherwise.
std::unique_ptr<study::Study> studyForSpec(const StudyRef& ref, const train::StudySpec& spec,
                                           const std::string& specPath)
{
    bool created = false;
    auto st = openOrCreateStudy(ref, train::studyConfigFor(spec), &created);
    if (created) return st;
    if (st->space().toJson() != spec.space.toJson() || st->direction() != spec.objective.direction)
        throw failure(ref.label() + ": this study was created with another search space or direction than " +
                      specPath + "; use a new --study");
    train::recordSpec(*st, spec);
    return st;
}

ordered_json resultJson(const train::TrainResult& r)
{
    ordered_json j;
    j["status"] = train::toString(r.status);
    if (!r.reason.empty()) j["reason"] = r.reason;
    j["device"] = r.device;
    j["epochs"] = r.epochs.size();
    j["best_epoch"] = r.bestEpoch;
    j["metrics"] = ordered_json::parse(r.best.toJson().dump());
    j["samples_per_second"] = r.samplesPerSecond;
    j["seconds"] = r.seconds;
    j["parameters"] = r.parameters;
    return j;
}

} // namespace

int cmdTune(Context& ctx)
{
    auto [specPath, rest] = splitSpec(ctx);
    Context sub{ctx.command, rest, ctx.out, ctx.err, {}};
    Args a = parseArgs(sub, {{"study"}, {"trials"}, {"device"}, {"csv"}, {"test-csv"}});
    if (a.help()) return 0;
    train::StudySpec spec = loadSpec(specPath, a);
    if (a.has("trials")) spec.budget.trials = a.requiredInteger("trials", 1);
    const std::string device = deviceFlag(a);
    for (const auto& w : spec.warnings()) ctx.err << "tw: warning: " << printable(specPath + ": " + w.message) << "\n";

    if (a.has("storage") && !a.has("study")) throw usageError("--storage needs --study NAME");
    const std::optional<StudyRef> ref = a.has("study") ? std::optional<StudyRef>(studyRef(a)) : std::nullopt;
    // A changed budget or fixed setting is part of the study from now on.
    std::unique_ptr<study::Study> st = ref ? studyForSpec(*ref, spec, specPath)
                                           : study::Study::createInMemory(train::studyConfigFor(spec));
    printWarnings(ctx, *st);

    train::DataSource data(spec);
    train::Tuner tuner(spec, *st, data);
    if (ref) tuner.keepModelsIn(ref->modelFolder());
    SignalGuard guard;
    if (const int n = tuner.failOrphans())
        ctx.err << "tw: warning: " << n << " trial(s) left running by a process that died were marked failed\n";

    ordered_json head;
    if (ref)
        ref->describeIn(head);
    else
        head["study"] = "(memory)";
    head["name"] = spec.name;
    head["data"] = data.describe(spec.preprocessing);
    head["device"] = device.empty() || device == "auto" ? train::deviceDescription() : device;
    head["metric"] = spec.objective.metric;
    head["direction"] = study::toString(spec.objective.direction);
    head["budget"] = spec.budget.trials;
    head["done"] = tuner.countedTrials();
    if (tuner.models()) head["models"] = tuner.models()->folder();
    printLine(ctx.out, head);

    const auto start = std::chrono::steady_clock::now();
    while (tuner.countedTrials() < spec.budget.trials && !stopSignal()) {
        const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (spec.budget.timeLimitSeconds > 0 && elapsed >= spec.budget.timeLimitSeconds) break;
        const train::TrialSummary s = tuner.runTrial(&stopFlag(), device);
        printLine(ctx.out, trialLine(st->space(), s));
    }
    ordered_json tail;
    tail["trials"] = tuner.countedTrials();
    if (const auto best = st->bestTrial()) tail["best"] = bestJson(st->space(), *best);
    else tail["best"] = nullptr;
    if (tuner.models()) tail["kept_models"] = tuner.models()->kept();
    if (stopSignal()) tail["interrupted"] = true;
    printLine(ctx.out, tail);
    return stopSignal() ? 130 : 0;
}

int cmdWorkerSpec(Context& ctx)
{
    Args a = parseArgs(ctx, {{"study"}, {"spec"}, {"objective-cmd"}, {"device"}, {"max-trials"}, {"workers"},
                             {"timeout"}, {"grace"}, {"csv"}, {"test-csv"}});
    if (a.help()) return 0;
    if (!a.has("spec")) return cmdWorker(ctx); // an objective command
    if (a.has("objective-cmd")) throw usageError("--spec and --objective-cmd: a worker runs one or the other");
    for (const char* flag : {"workers", "timeout"})
        if (a.has(flag))
            throw usageError("--" + std::string(flag) + " goes with --objective-cmd; a --spec worker trains one "
                             "trial at a time (start one worker per device)");
    const std::string specPath = *a.get("spec");
    train::StudySpec spec = loadSpec(specPath, a);
    const std::string device = deviceFlag(a);
    for (const auto& w : spec.warnings()) ctx.err << "tw: warning: " << printable(specPath + ": " + w.message) << "\n";
    const StudyRef ref = studyRef(a);
    const int maxTrials = a.has("max-trials") ? a.integer("max-trials", 0, 1) : 0; // 0: no limit here
    const double grace = a.positiveNumber("grace", study::kHeartbeatGrace);
    if (grace < 1) throw usageError(expected("grace", "at least 1 (seconds)", *a.get("grace")));

    SignalGuard guard;
    std::mutex errMutex;
    const study::StorageRetry retry([] { return stopSignal() != 0; }, [&](const std::string& message) {
        std::lock_guard<std::mutex> lock(errMutex);
        ctx.err << "tw: warning: " << printable(message) << "; retrying\n";
        ctx.err.flush();
    });
    // A worker started before its database (or during a restart) waits for it.
    auto st = retry("open", [&] { return studyForSpec(ref, spec, specPath); });
    printWarnings(ctx, *st);

    train::DataSource data(spec);
    train::Tuner tuner(spec, *st, data, grace);
    tuner.keepModelsIn(ref.modelFolder());
    tuner.retryStorage(&retry);
    tuner.recordStopAs(study::FailureKind::Interrupted);
    if (const int n = retry("orphans", [&] { return tuner.failOrphans(); }))
        ctx.err << "tw: warning: " << n << " trial(s) left running by a process that died were marked failed\n";

    ordered_json head;
    ref.describeIn(head);
    head["name"] = spec.name;
    head["host"] = study::hostName();
    head["device"] = device.empty() || device == "auto" ? train::deviceDescription() : device;
    head["budget"] = ordered_json(st->config().budget.toJson());
    if (maxTrials > 0) head["max_trials"] = maxTrials;
    head["counted"] = retry("trials", [&] { return tuner.countedTrials(); });
    printLine(ctx.out, head);

    int ran = 0;
    std::string why;
    while (stopSignal() == 0) {
        if (maxTrials > 0 && ran >= maxTrials) break;
        why = retry("budget", [&] { return st->budgetMet(); });
        if (!why.empty()) break;
        const train::TrialSummary s = tuner.runTrial(&stopFlag(), device);
        ++ran;
        printLine(ctx.out, trialLine(st->space(), s));
    }
    ordered_json tail;
    tail["ran"] = ran;
    tail["counted"] = retry("trials", [&] { return tuner.countedTrials(); });
    if (const auto best = retry("best", [&] { return st->bestTrial(); })) tail["best"] = bestJson(st->space(), *best);
    else tail["best"] = nullptr;
    if (!why.empty()) tail["budget"] = why;
    if (stopSignal() != 0) tail["interrupted"] = true;
    printLine(ctx.out, tail);
    return stopSignal() != 0 ? 130 : 0;
}

int cmdTrain(Context& ctx)
{
    auto [specPath, rest] = splitSpec(ctx);
    Context sub{ctx.command, rest, ctx.out, ctx.err, {}};
    Args a = parseArgs(sub, {{"params"}, {"final", false}, {"save"}, {"device"}, {"csv"}, {"test-csv"}});
    if (a.help()) return 0;
    train::StudySpec spec = loadSpec(specPath, a);
    const std::string device = deviceFlag(a);
    nlohmann::json params = nlohmann::json::object();
    if (auto p = a.get("params")) {
        std::string text = *p;
        if (text.empty() || text[0] != '{') {
            std::ifstream in(text);
            if (!in) throw failure("--params: cannot open " + text);
            std::ostringstream buf;
            buf << in.rdbuf();
            text = buf.str();
        }
        try {
            params = parseJson(text, "--params");
        } catch (const tw::ParseError& e) {
            throw failure(e.what());
        }
    }
    if (a.has("save") && !a.has("final"))
        throw usageError("--save goes with --final (the model retrained on train + validation)");
    if (auto save = a.get("save")) {
        // The model and its card, MODEL.json.
        refuseStudyOutput("save", *save);
        refuseStudyOutput("save", *save + ".json");
    }

    train::DataSource data(spec);
    SignalGuard guard;
    const train::TrainResult r =
        train::trainOnce(spec, data, params, a.has("final"), device, a.get("save").value_or(""), &stopFlag(), {});
    ordered_json out = resultJson(r);
    out["evaluated_on"] = a.has("final") ? "test" : "validation";
    if (a.has("save") && r.status == train::TrainResult::Status::Completed) out["saved"] = *a.get("save");
    printLine(ctx.out, out);
    if (r.status == train::TrainResult::Status::Stopped) return 130;
    return r.status == train::TrainResult::Status::Failed ? 1 : 0;
}

int cmdEvaluate(Context& ctx)
{
    Args a = parseArgs(ctx, {{"study"}, {"trial"}, {"data"}, {"out"}, {"report", false}});
    if (a.help()) return 0;
    const StudyRef ref = studyRef(a);
    if (auto out = a.get("out")) refuseStudyOutput("out", *out, ref.inFile() ? ref.study : std::string());
    auto st = openStudy(ref);
    printWarnings(ctx, *st);
    const train::StudySpec spec = train::specOfStudy(*st, ref.label());
    const study::ModelStore models(ref.modelFolder(), spec.keepModels);
    train::EvaluationData on = train::EvaluationData::Validation;
    if (auto d = a.get("data")) {
        if (*d != "validation" && *d != "test") throw usageError(expected("data", "validation|test", *d));
        on = train::evaluationDataFromString(*d);
    }
    if (a.get("trial") == std::optional<std::string>("all")) {
        // Every kept model side by side, best first: one line each.
        if (a.has("out") || a.has("report")) throw usageError("--trial all prints one line per model; --out and --report take one trial");
        train::DataSource data(spec);
        const auto trials = st->trials();
        for (int n : study::bestTrialNumbers(trials, st->direction(), trials.size())) {
            if (!models.has(n)) continue;
            train::TrialEvaluation e;
            try {
                e = train::evaluateTrial(spec, data, models, trials[size_t(n)], on);
            } catch (const train::NoTestDataError& err) {
                throw failure(std::string(err.what()) + " (--data test)");
            }
            ordered_json line;
            line["trial"] = n;
            line["value"] = *trials[size_t(n)].value;
            line["data"] = e.dataName;
            line["metrics"] = ordered_json::parse(e.report.metrics.toJson().dump());
            if (e.report.positiveClass >= 0) line["roc_auc"] = e.report.rocAuc;
            printLine(ctx.out, line);
        }
        return 0;
    }
    std::optional<study::Trial> trial;
    if (a.has("trial")) {
        const int n = a.integer("trial", 0, 0);
        trial = st->trial(n);
        if (!trial) throw failure(ref.label() + ": no trial " + std::to_string(n));
    } else {
        trial = st->bestTrial();
        if (!trial) throw failure(ref.label() + ": no completed trial yet");
    }
    train::DataSource data(spec);
    train::TrialEvaluation e;
    try {
        e = train::evaluateTrial(spec, data, models, *trial, on, a.has("out") ? 120 : 0);
    } catch (const train::NoTestDataError& err) {
        throw failure(std::string(err.what()) + " (--data test)");
    }
    ordered_json out;
    out["trial"] = e.trial;
    out["model"] = e.modelPath;
    out["data"] = e.dataName;
    out["report"] = ordered_json::parse(e.report.toJson().dump());
    if (auto file = a.get("out")) {
        nlohmann::json j = e.report.toJson();
        j["trial"] = e.trial;
        j["model"] = e.modelPath;
        j["data"] = e.dataName;
        if (e.regions) {
            const auto& r = *e.regions;
            j["decision_regions"] = {{"x", r.xName}, {"y", r.yName}, {"x_range", {r.xMin, r.xMax}},
                                     {"y_range", {r.yMin, r.yMax}}, {"resolution", r.resolution},
                                     {"predicted", r.predicted}, {"confidence", r.confidence}};
        }
        std::ofstream f(*file);
        f << j.dump(1) << '\n';
        if (!f.flush()) throw failure(*file + ": cannot write");
        out["written"] = *file;
    }
    if (a.has("report") && e.report.task != data::Task::Regression) ctx.err << e.report.classificationReportText();
    printLine(ctx.out, out);
    return 0;
}

} // namespace tw::cli
