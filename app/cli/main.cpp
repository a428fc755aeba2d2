// Dispatch, error reporting and the helpers shared by the commands.
#include "cli/cli.h"
#include "cli/commands.h"

#include "pg/pg_storage.h"
#include "study/model_store.h"
#include "study/storage_backend.h"
#include "study/study.h"
#include "util/errors.h"
#include "util/printable.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <set>

namespace tw::cli {

namespace {

std::vector<std::pair<std::string, CommandFn>>& registered()
{
    static std::vector<std::pair<std::string, CommandFn>> commands;
    return commands;
}

CommandFn findCommand(const std::string& name)
{
    // A sibling executable's own version of a command comes first (tw-train's
    // worker, which also trains specs).
    for (const auto& [n, fn] : registered())
        if (name == n)
            return fn;
    static const std::pair<const char*, CommandFn> kCommands[] = {
        {"create", cmdCreate},   {"ask", cmdAsk},         {"tell", cmdTell},
        {"optimize", cmdOptimize}, {"best", cmdBest},     {"trials", cmdTrials},
        {"export", cmdExport},   {"repair", cmdRepair},   {"contour", cmdContour},
        {"slice", cmdSlice},     {"importance", cmdImportance}, {"bench", cmdBench},
        {"models", cmdModels},   {"studies", cmdStudies}, {"copy", cmdCopy},
        {"delete", cmdDelete},   {"worker", cmdWorker},   {"budget", cmdBudget},
        {"slurm", cmdSlurm},
    };
    for (const auto& [n, fn] : kCommands)
        if (name == n)
            return fn;
    return nullptr;
}

/// Replaces this process with the sibling executable `helper` (see
/// helperFor), which takes the same arguments: the commands that train live in
/// tw-train and the image plots in tw-plot, so that every other command starts
/// without loading LibTorch's few hundred shared libraries or Qt.
[[noreturn]] void execHelper(const std::string& helper, const std::vector<std::string>& args, std::ostream& err)
{
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    const std::string path = (ec ? std::filesystem::path("tw") : self).parent_path() / helper;
    std::vector<char*> argv;
    std::string name = helper;
    argv.push_back(name.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::cout.flush();
    ::execv(path.c_str(), argv.data());
    err << "tw " << args[0] << ": cannot run " << path << ": " << std::strerror(errno)
        << " (" << helper << " is built and installed next to tw)\n";
    std::exit(1);
}

/// The value of --out among a command's words ("--out F" or "--out=F").
std::string outFlag(const std::vector<std::string>& words)
{
    for (size_t i = 0; i < words.size(); ++i) {
        if (words[i] == "--out" && i + 1 < words.size())
            return words[i + 1];
        if (words[i].rfind("--out=", 0) == 0)
            return words[i].substr(6);
    }
    return {};
}

/// Makes sure descriptors 0, 1 and 2 are open, so that pipes created later
/// never take their numbers.
void ensureStandardDescriptors()
{
    for (int fd = 0; fd <= 2; ++fd) {
        if (fcntl(fd, F_GETFD) == -1) {
            int null = open("/dev/null", O_RDWR);
            if (null >= 0 && null != fd) {
                dup2(null, fd);
                close(null);
            }
        }
    }
}

} // namespace

bool isTrainingCommand(const std::string& name)
{
    return name == "tune" || name == "train" || name == "evaluate";
}

std::string helperFor(const std::string& command, const std::vector<std::string>& args)
{
    const bool here = std::any_of(registered().begin(), registered().end(),
                                  [&](const auto& c) { return c.first == command; });
    if (isTrainingCommand(command) && !here)
        return "tw-train";
    if (command == "worker" && !here &&
        std::any_of(args.begin(), args.end(), [](const std::string& w) { return w == "--spec" || w.rfind("--spec=", 0) == 0; }))
        return "tw-train";
    if (command == "contour" && !contourImageWriter() && isImagePath(outFlag(args)))
        return "tw-plot";
    return {};
}

void registerCommand(const std::string& name, CommandFn fn)
{
    registered().emplace_back(name, fn);
}

Args parseArgs(Context& ctx, const std::vector<FlagSpec>& specs)
{
    // Wherever a study is named, it may live in a database.
    std::vector<FlagSpec> all = specs;
    const auto named = [&all](const char* n) {
        return std::any_of(all.begin(), all.end(), [n](const FlagSpec& f) { return f.name == n; });
    };
    if (named("study") && !named("storage")) all.push_back({"storage"});
    Args a(ctx.args, all);
    if (a.help())
        ctx.out << helpText(ctx.command);
    return a;
}

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err)
{
    pg::registerBackend();
    if (args.empty()) {
        err << helpText("");
        return 2;
    }
    const std::string& first = args[0];
    if (first == "--help" || first == "-h") {
        out << helpText("");
        return 0;
    }
    if (first == "help") {
        if (args.size() == 1) {
            out << helpText("");
            return 0;
        }
        const char* text = helpText(args[1]);
        if (!text || args.size() > 2) {
            err << "tw help: unknown command '" << printable(args[1]) << "' (see tw --help)\n";
            return 2;
        }
        out << text;
        return 0;
    }
    const std::string helper = helperFor(first, std::vector<std::string>(args.begin() + 1, args.end()));
    if (!helper.empty())
        execHelper(helper, args, err);
    CommandFn fn = findCommand(first);
    if (!fn) {
        err << "tw: unknown command '" << printable(first) << "' (see tw --help)\n";
        return 2;
    }
    Context ctx{first, std::vector<std::string>(args.begin() + 1, args.end()), out, err, {}};
    try {
        return fn(ctx);
    } catch (const study::DamagedStudyError& e) {
        err << "tw " << first << ": " << printable(e.what()) << "; run `tw repair --study " << printable(e.path())
            << "` to copy every intact event to a new file\n";
        return 1;
    } catch (const CliError& e) {
        // Messages quote text from files and flags: escaped, they stay one
        // line and cannot drive the terminal.
        err << "tw " << first << ": " << printable(e.what()) << "\n";
        return e.code();
    } catch (const std::exception& e) {
        // std::invalid_argument, tw::IoError, tw::ParseError and the rest.
        err << "tw " << first << ": " << printable(e.what()) << "\n";
        return 1;
    }
}

int main(int argc, char** argv)
{
    ensureStandardDescriptors();
    std::ios::sync_with_stdio(true);
    std::vector<std::string> args(argv + 1, argv + argc);
    int code = run(args, std::cout, std::cerr);
    std::cout.flush();
    return code;
}

// ---- shared helpers -----------------------------------------------------------

std::unique_ptr<study::Study> openStudy(const std::string& path)
{
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        throw IoError(path + ": no such study file");
    return study::Study::openFile(path);
}

std::string StudyRef::label() const
{
    if (inFile()) return study;
    return study::redactUrl(storage) + " study '" + study + "'";
}

std::string StudyRef::modelFolder() const
{
    if (inFile()) return study::modelFolderFor(study);
    return safeFileName(study) + ".models";
}

void StudyRef::describeIn(ordered_json& o) const
{
    o["study"] = study;
    if (!inFile()) o["storage"] = study::redactUrl(storage);
}

StudyRef studyRef(const Args& a)
{
    StudyRef r;
    r.study = a.required("study");
    r.storage = a.get("storage").value_or("");
    if (a.has("storage") && !study::looksLikeUrl(r.storage))
        throw usageError("--storage: expected a URL such as postgresql://USER@HOST:PORT/DB (got '" +
                         printable(r.storage) + "'); a study file is given with --study FILE alone");
    return r;
}

std::unique_ptr<study::Study> openStudy(const StudyRef& ref)
{
    if (ref.inFile()) return openStudy(ref.study);
    auto backend = study::connectBackend(ref.storage);
    return study::Study::open(backend->study(ref.study, study::StorageBackend::Mode::Open));
}

std::unique_ptr<study::Study> createStudy(const StudyRef& ref, const study::StudyConfig& config)
{
    if (ref.inFile()) return study::Study::createFile(ref.study, config);
    config.space.validate();
    config.sampler.validate();
    auto backend = study::connectBackend(ref.storage);
    return study::Study::create(backend->study(ref.study, study::StorageBackend::Mode::Create), config);
}

bool studyExists(const StudyRef& ref)
{
    if (ref.inFile()) {
        std::error_code ec;
        return std::filesystem::exists(ref.study, ec) && std::filesystem::file_size(ref.study, ec) > 0 && !ec;
    }
    auto backend = study::connectBackend(ref.storage);
    for (const auto& s : backend->list())
        if (s.name == ref.study) return true;
    return false;
}

std::unique_ptr<study::Study> openOrCreateStudy(const StudyRef& ref, const study::StudyConfig& config, bool* created)
{
    if (created) *created = false;
    // A file is looked at first (an existing one may be read-only). In a
    // database, creating refuses an existing study without writing anything
    // (StudyExistsError), so one attempt answers whether it exists, without
    // listing every study. Of processes racing to create it, one succeeds.
    if (ref.inFile() && studyExists(ref)) return openStudy(ref);
    try {
        auto st = createStudy(ref, config);
        if (created) *created = true;
        return st;
    } catch (const study::StudyExistsError&) {
        return openStudy(ref);
    }
}

void refuseStudyOutput(const std::string& flag, const std::string& out, const std::string& studyPath)
{
    struct stat link {}, target {};
    if (out.empty() || ::lstat(out.c_str(), &link) != 0 || ::stat(out.c_str(), &target) != 0)
        return; // nothing there yet (or a dangling link): nothing to lose
    bool study = study::isStudyFile(out);
    struct stat own {};
    if (!study && !studyPath.empty() && ::stat(studyPath.c_str(), &own) == 0)
        study = own.st_dev == target.st_dev && own.st_ino == target.st_ino;
    if (!study)
        return;
    if (S_ISLNK(link.st_mode)) {
        std::error_code ec;
        const auto resolved = std::filesystem::canonical(out, ec);
        throw failure("--" + flag + " " + out + " is a symbolic link to the study file " +
                      (ec ? out : resolved.string()) + "; refusing to overwrite it");
    }
    throw failure("--" + flag + " " + out + " is a study file; refusing to overwrite it");
}

void printWarnings(Context& ctx, const study::Study& study)
{
    for (const std::string& w : study.warnings())
        if (ctx.warned.insert(w).second)
            ctx.err << "tw: warning: " << printable(w) << "\n";
    ctx.err.flush();
}

void printLine(std::ostream& out, const ordered_json& j)
{
    out << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    out.flush();
}

} // namespace tw::cli
