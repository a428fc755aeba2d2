#pragma once
// The commands of `tw` and the helpers they share. Each command parses its own
// flags (cli/args.h), prints JSON on ctx.out and returns the exit code or
// throws (CliError, std::invalid_argument, tw::IoError, tw::ParseError).
#include "cli/args.h"

#include <nlohmann/json.hpp>

#include <iosfwd>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "study/export.h"

namespace tw::study { class Study; struct StudyConfig; }
namespace tw::analysis { struct Grid2D; }

namespace tw::cli {

using ordered_json = nlohmann::ordered_json;

struct Context {
    std::string command;            // "create", "ask", ...
    std::vector<std::string> args;  // the words after the command
    std::ostream& out;
    std::ostream& err;
    std::set<std::string> warned;   // warnings already printed
};

int cmdCreate(Context& ctx);
int cmdAsk(Context& ctx);
int cmdTell(Context& ctx);
int cmdBest(Context& ctx);
int cmdTrials(Context& ctx);
int cmdExport(Context& ctx);
int cmdRepair(Context& ctx);
int cmdOptimize(Context& ctx);
int cmdContour(Context& ctx);
int cmdSlice(Context& ctx);
int cmdImportance(Context& ctx);
int cmdBench(Context& ctx);
int cmdModels(Context& ctx);
int cmdStudies(Context& ctx);
int cmdWorker(Context& ctx);
/// tw worker --spec SPEC.json (in tw-train: it trains); without --spec, cmdWorker.
int cmdWorkerSpec(Context& ctx);
int cmdBudget(Context& ctx);
int cmdSlurm(Context& ctx);  // commands_slurm.cpp
int cmdCopy(Context& ctx);
int cmdDelete(Context& ctx);
int cmdTune(Context& ctx);   // in tw-train (commands_tune.cpp)
int cmdTrain(Context& ctx);  // in tw-train
int cmdEvaluate(Context& ctx); // in tw-train

using CommandFn = int (*)(Context&);
/// Adds a command to the dispatch (tw-train registers tune and train).
void registerCommand(const std::string& name, CommandFn fn);
/// tune, train and evaluate: run by tw-train, which tw executes for them.
bool isTrainingCommand(const std::string& name);
/// The sibling executable that runs `command args` when this process cannot:
/// "tw-train" for tune / train, "tw-plot" for contour with an .svg / .png /
/// .pdf --out; "" when this process runs it itself.
std::string helperFor(const std::string& command, const std::vector<std::string>& args);

/// What `tw contour --out IMAGE` asks tw-plot to draw: the pair, the image
/// file, every parameter's value (those of x and y are ignored), points per
/// axis and the panels by name (contourPanelNames; empty: all that apply).
struct ContourImageRequest {
    std::string x, y, out;
    std::vector<double> fixed;
    int resolution = 50;
    std::vector<std::string> panels;
};
/// Renders the contour plots of `study` to request.out (.svg, .png or .pdf
/// by extension) as the window draws them, and sets `drawn` to their grid;
/// false when the study has fewer than 2 observations. Throws IoError when it
/// cannot write, CliError when a panel asked for does not apply. tw-plot
/// sets it; tw has none.
using ContourImageWriter = bool (*)(study::Study& study, const ContourImageRequest& request,
                                    analysis::Grid2D& drawn);
void setContourImageWriter(ContourImageWriter writer);
ContourImageWriter contourImageWriter();
/// True for an .svg, .png or .pdf path (any case).
bool isImagePath(const std::string& path);
bool writeContourImage(study::Study& study, const ContourImageRequest& request, analysis::Grid2D& drawn); // tw-plot
/// The panels --panels names, in the order of ui::ContourPanel: mean, se, acquisition, failure.
const std::vector<std::string>& contourPanelNames();

/// The usage text of a command ("" for the overview), or nullptr when unknown.
const char* helpText(const std::string& command);

/// Parses the command's flags; prints its help and returns nullptr-equivalent
/// (`help` set) when --help was given.
Args parseArgs(Context& ctx, const std::vector<FlagSpec>& specs);

// ---- helpers shared by the commands ------------------------------------------
/// Opens an existing study file (IoError naming the file when it is missing).
std::unique_ptr<study::Study> openStudy(const std::string& path);

/// The study a command works on: `--study FILE`, or `--storage URL --study
/// NAME` (every command that takes --study takes --storage too: parseArgs
/// adds it).
struct StudyRef {
    std::string study;   // the file, or the study's name in the storage
    std::string storage; // the URL as given; "" for a file
    bool inFile() const { return storage.empty(); }
    /// The file, or "URL study 'NAME'" with the URL's password removed: for
    /// messages and output.
    std::string label() const;
    /// Where the models of its trials are kept: beside a study file
    /// (study::modelFolderFor), ./NAME.models for a database study.
    std::string modelFolder() const;
    /// Adds "study" (and "storage", password removed) to an output object.
    void describeIn(ordered_json& o) const;
};
/// --study (required) and --storage of the command line.
StudyRef studyRef(const Args& a);
/// Opens the study: IoError naming the file (or storage and name) when there is none.
std::unique_ptr<study::Study> openStudy(const StudyRef& ref);
/// Creates it; IoError when it exists (a study is never overwritten).
std::unique_ptr<study::Study> createStudy(const StudyRef& ref, const study::StudyConfig& config);
/// Whether the study exists (a non-empty file, or a name in the storage).
bool studyExists(const StudyRef& ref);
/// The study, created with `config` when there is none yet; `*created` says
/// which. Of several processes starting at once (the tasks of one Slurm
/// array), one creates it and the others open it.
std::unique_ptr<study::Study> openOrCreateStudy(const StudyRef& ref, const study::StudyConfig& config,
                                                bool* created = nullptr);
/// Throws CliError (1) when `out`, the value of --FLAG, is a study file (by
/// content, or the very file `studyPath` names) or a symbolic link to one:
/// "--csv s.jsonl is a study file; refusing to overwrite it". Call it for
/// every output file before writing any.
void refuseStudyOutput(const std::string& flag, const std::string& out, const std::string& studyPath = {});
/// Prints the study's warnings to ctx.err as "tw: warning: ..." (each once).
void printWarnings(Context& ctx, const study::Study& study);
using study::paramsJson;
using study::trialJson;
using study::bestJson;
using study::isoTime;
/// Writes one compact JSON line and flushes.
void printLine(std::ostream& out, const ordered_json& j);

} // namespace tw::cli
