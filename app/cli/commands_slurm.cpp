// tw slurm: writes an sbatch array job of `tw worker`s on one study and
// submits it. The script's worker part is scripts/slurm/tw-worker.sbatch,
// carried by the executable (kWorkerSbatchTemplate, generated at build).
#include "cli/commands.h"
#include "cli/process.h"

#include "pg/pg_storage.h"
#include "study/storage_backend.h"
#include "study/study.h"
#include "util/errors.h"
#include "util/printable.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <regex>
#include <sstream>

namespace tw::cli {

extern const char kWorkerSbatchTemplate[];

namespace {

namespace fs = std::filesystem;

/// The line of the template from which on every generated script holds it unchanged.
constexpr const char* kWorkerMarker = "# ---- the worker:";
constexpr int kMaxWorkers = 1000; // Slurm's default MaxArraySize (1001) allows indexes 0..1000
constexpr double kSbatchTimeout = 300;

/// `text` as one word for /bin/sh and bash: in single quotes, each quote
/// written as '\''. Every byte but NUL survives (spaces, quotes, $, `, \, newlines).
std::string shellQuote(const std::string& text)
{
    std::string out = "'";
    for (char c : text) {
        if (c == '\'') out += "'\\''";
        else out += c;
    }
    return out + "'";
}

/// The worker part of the template: from the marker line to the end.
std::string workerPart()
{
    const std::string text = kWorkerSbatchTemplate;
    const size_t at = text.find(std::string("\n") + kWorkerMarker);
    if (at == std::string::npos)
        throw std::logic_error("tw-worker.sbatch has no line starting with '" + std::string(kWorkerMarker) + "'");
    return text.substr(at + 1);
}

/// Slurm's time limit forms: M, M:S, H:M:S, D-H, D-H:M, D-H:M:S.
bool isSlurmTime(const std::string& t)
{
    static const std::regex form(R"(^(\d+)(:[0-5]?\d){0,2}$|^(\d+)-(\d+)(:[0-5]?\d){0,2}$)");
    return t.size() <= 32 && std::regex_match(t, form);
}

/// A word Slurm takes in an #SBATCH line without quotes: letters, digits and `extra`.
bool isPlainWord(const std::string& s, const char* extra)
{
    if (s.empty()) return false;
    for (unsigned char c : s)
        if (!std::isalnum(c) && !std::strchr(extra, c)) return false;
    return true;
}

/// The executable `name` on PATH, or "".
std::string findOnPath(const std::string& name)
{
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path ? path : "");
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
        const fs::path candidate = fs::path(dir.empty() ? "." : dir) / name;
        struct stat st {};
        if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(candidate.c_str(), X_OK) == 0)
            return candidate.string();
    }
    return {};
}

/// The path of this executable (the tw the tasks run unless --tw says otherwise).
std::string selfPath()
{
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    if (ec) throw failure("cannot tell where this tw is (/proc/self/exe: " + ec.message() + "); give --tw PATH");
    return self.string();
}

std::string isoNow()
{
    const std::time_t now = std::time(nullptr);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", std::localtime(&now));
    return buf;
}

/// The last lines of sbatch's messages, joined into one.
std::string messageOf(const std::string& text)
{
    std::stringstream in(text);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        if (line.find_first_not_of(" \t\r") != std::string::npos) lines.push_back(line);
    std::string out;
    for (size_t i = lines.size() > 4 ? lines.size() - 4 : 0; i < lines.size(); ++i)
        out += (out.empty() ? "" : "; ") + lines[i];
    return out;
}

struct Settings {
    std::string tw, cwd, output, jobName;
    std::vector<std::pair<std::string, std::string>> sbatch; // option, value for #SBATCH lines
    std::vector<std::pair<std::string, std::string>> env;    // TW_* settings of the worker part
};

std::string scriptText(const Settings& s, const StudyRef& ref, int workers, const std::string& script)
{
    std::ostringstream o;
    o << "#!/bin/bash\n"
      << "# Written by tw slurm on " << isoNow() << ": " << workers << " tw worker(s) on "
      << printable(ref.label()) << ".\n"
      << "# The worker part (from \"the worker\" on) is scripts/slurm/tw-worker.sbatch's, which\n"
      << "# documents it. Submit it again with: sbatch "
      << (script == "-" ? std::string("SCRIPT") : printable(shellQuote(script))) << "\n";
    for (const auto& [option, value] : s.sbatch) o << "#SBATCH --" << option << "=" << value << "\n";
    o << "\n# Settings: these, not the submitting shell's.\n"
      << "cd " << shellQuote(s.cwd) << " || exit 2\n";
    for (const auto& [name, value] : s.env) o << name << "=" << shellQuote(value) << "\n";
    o << "\n" << workerPart();
    return o.str();
}

} // namespace

int cmdSlurm(Context& ctx)
{
    Args a = parseArgs(ctx, {{"study"}, {"workers"}, {"spec"}, {"objective-cmd"}, {"device"}, {"max-trials"},
                             {"timeout"}, {"grace"}, {"gpus-per-task"}, {"partition"}, {"time"},
                             {"cpus-per-task"}, {"mem"}, {"output"}, {"script"}, {"tw"}, {"dry-run", false}});
    if (a.help())
        return 0;
    const StudyRef ref = studyRef(a);
    // ---- the flags, all checked before anything is touched ----
    const int workers = a.requiredInteger("workers", 1);
    if (workers > kMaxWorkers)
        throw usageError(expected("workers", "at most " + std::to_string(kMaxWorkers) +
                                                 " (array tasks; Slurm's default MaxArraySize)",
                                  *a.get("workers")));
    a.exactlyOne({"spec", "objective-cmd"});
    const bool dryRun = a.has("dry-run");
    Settings s;
    std::error_code ec;
    s.cwd = fs::current_path(ec).string();
    if (ec) throw failure("cannot tell the current folder: " + ec.message());

    std::string spec, objective, device;
    if (a.has("spec")) {
        spec = a.required("spec");
        if (!fs::is_regular_file(spec, ec))
            throw usageError("--spec " + printable(spec) + ": no such file");
        spec = fs::absolute(spec).lexically_normal().string();
    } else {
        objective = a.required("objective-cmd");
    }
    int gpus = 0;
    if (auto d = a.get("device")) {
        device = *d;
        if (!a.has("spec"))
            throw usageError("--device applies to --spec (an objective command chooses its own device; "
                             "give it GPUs with --gpus-per-task)");
        static const std::regex form(R"(^(auto|cpu|cuda|cuda:\d{1,3})$)");
        if (!std::regex_match(device, form))
            throw usageError(expected("device", "auto, cpu, cuda or cuda:K", device));
        // One GPU per task for cuda unless --gpus-per-task says otherwise.
        if (device.rfind("cuda", 0) == 0) gpus = 1;
    }
    gpus = a.integer("gpus-per-task", gpus, 0);
    if (gpus > 64) throw usageError(expected("gpus-per-task", "at most 64", *a.get("gpus-per-task")));
    if (gpus > 0 && device.rfind("cuda:", 0) == 0 && std::stoi(device.substr(5)) >= gpus)
        throw usageError("--device " + device + ": a task sees only the GPUs Slurm gave it, as cuda:0 to cuda:" +
                         std::to_string(gpus - 1) +
                         " (Slurm sets CUDA_VISIBLE_DEVICES); use --device cuda, or more --gpus-per-task");
    const int maxTrials = a.integer("max-trials", 0, 1);
    a.positiveNumber("timeout", 0);
    if (a.has("timeout") && a.has("spec"))
        throw usageError("--timeout goes with --objective-cmd (a spec's trials end by their epochs, patience and "
                         "the pruner)");
    if (a.positiveNumber("grace", 60) < 1)
        throw usageError(expected("grace", "at least 1 (seconds)", *a.get("grace")));
    const int cpus = a.integer("cpus-per-task", 1, 1);
    if (cpus > 4096) throw usageError(expected("cpus-per-task", "at most 4096", *a.get("cpus-per-task")));
    const auto partition = a.get("partition");
    if (partition && !isPlainWord(*partition, "_.-,"))
        throw usageError(expected("partition", "a Slurm partition name (letters, digits, '_', '.', '-'; "
                                               "several joined by ',')",
                                  *partition));
    const auto time = a.get("time");
    if (time && !isSlurmTime(*time))
        throw usageError(expected("time", "a Slurm time limit: MINUTES, HH:MM:SS or DAYS-HH[:MM[:SS]] "
                                          "(such as 90, 04:00:00 or 2-00:00:00)",
                                  *time));
    const auto mem = a.get("mem");
    static const std::regex memForm(R"(^\d{1,9}[KMGT]?$)");
    if (mem && !std::regex_match(*mem, memForm))
        throw usageError(expected("mem", "memory per task for Slurm: a number of megabytes, or with a suffix "
                                         "K, M, G or T (such as 16G)",
                                  *mem));
    if (a.has("output")) a.required("output"); // not empty
    s.output = fs::absolute(a.get("output").value_or("tw-slurm")).lexically_normal().string();
    if (s.output.size() > 1 && s.output.back() == '/') s.output.pop_back();
    for (char c : s.output)
        if (c == '%' || c == '"' || c == '\\' || std::iscntrl(static_cast<unsigned char>(c)))
            throw usageError("--output " + printable(s.output) +
                             ": the folder's path holds '" + printable(std::string(1, c)) +
                             "', which Slurm's #SBATCH lines or file name patterns read as more than a "
                             "character; choose another folder");
    std::string script = a.get("script").value_or(s.output + "/tw-worker-" + safeFileName(ref.study, 80) + ".sbatch");
    const bool toStdout = script == "-";
    if (toStdout && !dryRun) throw usageError("--script -: the script goes to standard output only with --dry-run");
    if (script.empty()) throw usageError("--script: empty value");
    s.tw = a.has("tw") ? a.required("tw") : selfPath();
    if (s.tw.empty() || s.tw[0] != '/')
        throw usageError(expected("tw", "an absolute path (the tasks run it on every node)", s.tw));

    // ---- the study ----
    if (ref.inFile())
        throw usageError("--study " + printable(ref.study) +
                         ": a study file is not shared safely between machines (flock is unreliable on network "
                         "file systems); put the study in PostgreSQL and give --storage: tw copy --from " +
                         printable(ref.study) + " --to postgresql://USER@HOST:PORT/DB --name NAME, then tw slurm "
                         "--storage postgresql://USER@HOST:PORT/DB --study NAME ...");
    // connectBackend refuses a URL that holds a password: none reaches the script.
    // With --spec the first worker creates the study from the spec (with the
    // spec's budget) when it does not exist yet; an objective command needs it made first.
    const bool exists = studyExists(ref);
    if (!exists && spec.empty())
        throw failure("no study named '" + printable(ref.study) + "' in " + printable(study::redactUrl(ref.storage)) +
                      ": create it first, with its budget: tw create --storage " +
                      printable(shellQuote(study::redactUrl(ref.storage))) + " --study " + printable(shellQuote(ref.study)) +
                      " --space SPACE.json --trials N");
    if (exists) {
        auto st = openStudy(ref);
        if (st->config().budget.empty() && !maxTrials && spec.empty())
            throw usageError(ref.label() + " has no budget, so the workers would never stop: give it one "
                             "(tw budget --storage URL --study NAME --trials N) or give --max-trials N (per worker)");
        printWarnings(ctx, *st);
    }
    const std::string local = pg::localOnlyServer(ref.storage);
    if (!local.empty())
        ctx.err << "tw: warning: --storage reaches the database through " << printable(local)
                << ", which tasks on other nodes cannot use; give the server's host name "
                   "(postgresql://USER@HOST:PORT/DB) unless every task runs on this machine\n";

    // ---- the script ----
    s.jobName = "tw-" + safeFileName(ref.study, 40);
    s.sbatch = {{"job-name", s.jobName}, {"array", "0-" + std::to_string(workers - 1)}, {"ntasks", "1"},
                {"cpus-per-task", std::to_string(cpus)}, {"output", "\"" + s.output + "/tw-worker-%A_%a.out\""}};
    if (gpus > 0) s.sbatch.push_back({"gres", "gpu:" + std::to_string(gpus)});
    if (partition) s.sbatch.push_back({"partition", *partition});
    if (time) s.sbatch.push_back({"time", *time});
    if (mem) s.sbatch.push_back({"mem", *mem});
    s.env = {{"TW_BIN", s.tw},
             {"TW_STORAGE", ref.storage},
             {"TW_STUDY", ref.study},
             {"TW_SPEC", spec},
             {"TW_OBJECTIVE_CMD", objective},
             {"TW_DEVICE", device},
             {"TW_MAX_TRIALS", a.get("max-trials").value_or("")},
             {"TW_TIMEOUT", a.get("timeout").value_or("")},
             {"TW_GRACE", a.get("grace").value_or("")}};
    if (!toStdout) script = fs::absolute(script).lexically_normal().string();
    const std::string text = scriptText(s, ref, workers, script);
    if (toStdout) {
        ctx.out << text;
        ctx.out.flush();
        return 0;
    }
    fs::create_directories(s.output, ec);
    if (ec) throw IoError("--output " + s.output + ": cannot create the folder: " + ec.message());
    refuseStudyOutput("script", script);
    {
        std::ofstream f(script, std::ios::binary | std::ios::trunc);
        f << text;
        f.close();
        if (!f) throw IoError(script + ": cannot write the script: " + std::strerror(errno));
    }

    ordered_json o;
    ref.describeIn(o);
    o["workers"] = workers;
    o["script"] = script;
    o["output"] = s.output;
    if (dryRun) {
        o["job"] = nullptr;
        o["submit"] = "sbatch " + shellQuote(script);
        printLine(ctx.out, o);
        return 0;
    }

    // ---- submit ----
    const std::string sbatch = findOnPath("sbatch");
    if (sbatch.empty())
        throw failure("sbatch not found on PATH: no Slurm client here (Debian: apt-get install slurm-client, or "
                      "slurm-wlm for a whole cluster); the script is written: " + script +
                      " (--dry-run writes it without submitting)");
    CommandSpec run;
    run.command = "exec " + shellQuote(sbatch) + " --parsable " + shellQuote(script);
    run.timeoutSeconds = kSbatchTimeout;
    run.endLeftovers = false; // the jobs carry sbatch's environment: they are not its leftovers
    const CommandResult r = runCommand(run);
    if (!r.started) throw failure("cannot run sbatch: " + r.startError);
    if (r.timedOut)
        throw failure("sbatch did not answer within " + study::secondsText(kSbatchTimeout) +
                      " s (is slurmctld reachable? scontrol ping tells)");
    if (!r.exited || r.exitStatus != 0) {
        const std::string why = messageOf(r.err.empty() ? r.out : r.err);
        throw failure("sbatch refused the job (" +
                      (r.exited ? "exit status " + std::to_string(r.exitStatus)
                                : "killed by signal " + std::to_string(r.signal)) +
                      (why.empty() ? std::string(")") : "): " + why) + "; the script: " + script);
    }
    // --parsable: "JOBID" or "JOBID;CLUSTER".
    const std::string line = lastNonEmptyLine(r.out);
    static const std::regex parsable(R"(^(\d+)(;(\S+))?$)");
    std::smatch m;
    if (!std::regex_match(line, m, parsable))
        throw failure("sbatch printed no job id (got '" + printable(line) + "'); the script: " + script);
    o["job"] = std::stoll(m[1].str());
    if (m[3].matched) o["cluster"] = m[3].str();
    o["logs"] = s.output + "/tw-worker-" + m[1].str() + "_*.out";
    printLine(ctx.out, o);
    return 0;
}

} // namespace tw::cli
