// tw contour / slice / importance / bench.
#include "cli/commands.h"

#include "analysis/grid.h"
#include "analysis/importance.h"
#include "bench/benchmark.h"
#include "bench/functions.h"
#include "gp/surrogate.h"
#include "sampler/acquisition_model.h"
#include "study/study.h"
#include "util/errors.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <optional>

namespace tw::cli {

namespace {

/// Ten significant digits, as analysis::writeContourCsv writes them.
std::string num(double v)
{
    std::ostringstream os;
    os << std::setprecision(10) << v;
    return os.str();
}

ContourImageWriter& imageWriterSlot()
{
    static ContourImageWriter writer = nullptr;
    return writer;
}

std::string lowerExtension(const std::string& path)
{
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return ext;
}

/// --out must be a .csv file, or (contour, with an image writer) .svg/.png/.pdf.
std::string checkedOut(const Args& a, bool images)
{
    const std::string out = a.required("out");
    refuseStudyOutput("out", out, a.has("storage") ? std::string() : a.get("study").value_or(""));
    const std::string ext = lowerExtension(out);
    if (ext == ".csv")
        return out;
    if (isImagePath(out)) {
        if (images && contourImageWriter())
            return out;
        if (images)
            throw failure("--out: SVG/PNG/PDF output is written by tw-plot, installed next to tw (got '" + out + "')");
        throw usageError(expected("out", "a .csv file", out));
    }
    throw usageError(expected("out", images ? "a .csv, .svg, .png or .pdf file" : "a .csv file", out));
}

/// Parses one "--fix name=value" into fixed[index of name].
void applyFix(const space::SearchSpace& space, const std::string& text, std::vector<double>& fixed)
{
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0)
        throw usageError(expected("fix", "NAME=VALUE", text));
    const std::string name = text.substr(0, eq);
    const std::string value = text.substr(eq + 1);
    const int i = space.indexOf(name);
    if (i < 0) {
        std::string names;
        for (const auto& p : space.params())
            names += (names.empty() ? "" : ", ") + space::nameOf(p);
        throw failure("--fix: unknown parameter '" + name + "' (parameters: " + names + ")");
    }
    const auto& param = space[size_t(i)];
    if (const auto* c = std::get_if<space::CategoricalParam>(&param)) {
        const auto asNumber = parseDouble(value);
        for (size_t k = 0; k < c->choices.size(); ++k) {
            const auto* d = std::get_if<double>(&c->choices[k]);
            if (space::choiceToString(c->choices[k]) == value || (d && asNumber && *d == *asNumber)) {
                fixed[size_t(i)] = double(k);
                return;
            }
        }
        std::string list;
        for (const auto& ch : c->choices)
            list += (list.empty() ? "" : ", ") + space::choiceToString(ch);
        throw failure("--fix: parameter '" + name + "': '" + value + "' is not one of its choices (" + list + ")");
    }
    const auto v = parseDouble(value);
    if (!v || !std::isfinite(*v))
        throw usageError("--fix: parameter '" + name + "': expected a finite number (got '" + value + "')");
    if (!space.contains(size_t(i), *v))
        throw failure("--fix: parameter '" + name + "': " + value + " is not a legal value of its range");
    fixed[size_t(i)] = *v;
}

struct Fitted {
    std::unique_ptr<study::Study> study;
    std::optional<gp::Surrogate> surrogate;
    std::vector<double> fixed;
};

/// The study of --study with the values --fix gives (the best trial's elsewhere); no fit yet.
Fitted openForAnalysis(Context& ctx, const Args& a)
{
    Fitted f;
    f.study = openStudy(studyRef(a));
    printWarnings(ctx, *f.study);
    const auto& space = f.study->space();
    f.fixed = analysis::defaultFixedValues(space, f.study->trials(), f.study->direction());
    for (const std::string& fix : a.all("fix"))
        applyFix(space, fix, f.fixed);
    return f;
}

CliError tooFewForTheSurrogate(const std::string& path, const std::vector<study::Trial>& trials)
{
    int complete = 0;
    for (const auto& t : trials)
        complete += t.state == study::TrialState::Complete && t.value && std::isfinite(*t.value);
    return failure(path + ": the surrogate needs at least 2 completed trials (the study has " +
                   std::to_string(complete) + ")");
}

Fitted fitStudy(Context& ctx, const Args& a)
{
    Fitted f = openForAnalysis(ctx, a);
    const auto trials = f.study->trials();
    // The model the GP sampler chooses the next trial with, as every view shows it.
    f.surrogate = sampler::studySurrogate(f.study->space(), f.study->direction(), f.study->config().sampler, trials);
    if (!f.surrogate)
        throw tooFewForTheSurrogate(studyRef(a).label(), trials);
    return f;
}

/// --panels NAME,NAME...: known names (contourPanelNames), each once, in the given order.
std::vector<std::string> panelsFlag(const Args& a)
{
    const auto text = a.get("panels");
    if (!text)
        return {};
    const auto& known = contourPanelNames();
    std::string list;
    for (const auto& n : known)
        list += (list.empty() ? "" : ",") + n;
    std::vector<std::string> out;
    std::stringstream in(*text);
    for (std::string name; std::getline(in, name, ',');) {
        if (std::find(known.begin(), known.end(), name) == known.end())
            throw usageError("--panels: '" + name + "' is not a panel (panels: " + list + "; got '" + *text + "')");
        if (std::find(out.begin(), out.end(), name) != out.end())
            throw usageError("--panels: '" + name + "' is listed twice (got '" + *text + "')");
        out.push_back(name);
    }
    if (out.empty() || text->back() == ',')
        throw usageError(expected("panels", "a comma-separated list of " + list, *text));
    return out;
}

void writeSliceCsv(const analysis::Slice& s, const std::string& path, const std::string& studyName)
{
    // The layout of analysis::writeContourCsv, with one axis.
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    if (!f)
        throw IoError("cannot write " + path);
    f << "# slice of the GP posterior of study " << studyName << " (" << s.observations << " observations)\n";
    f << "# fixed: " << s.fixedJson.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    f << "x,mean,se\n";
    for (size_t k = 0; k < s.x.values.size(); ++k) {
        std::string x = num(s.x.values[k]);
        if (s.x.categorical && k < s.x.labels.size()) {
            x = "\"";
            for (char c : s.x.labels[k])
                x += c == '"' ? std::string("\"\"") : std::string(1, c);
            x += "\"";
        }
        f << x << "," << num(s.mean[Eigen::Index(k)]) << "," << num(s.se[Eigen::Index(k)]) << "\n";
    }
    f.flush();
    if (!f)
        throw IoError("cannot write " + path);
}

} // namespace

void setContourImageWriter(ContourImageWriter writer) { imageWriterSlot() = writer; }
ContourImageWriter contourImageWriter() { return imageWriterSlot(); }

bool isImagePath(const std::string& path)
{
    const std::string ext = lowerExtension(path);
    return ext == ".svg" || ext == ".png" || ext == ".pdf";
}

const std::vector<std::string>& contourPanelNames()
{
    static const std::vector<std::string> names{"mean", "se", "acquisition", "failure"};
    return names;
}

int cmdContour(Context& ctx)
{
    Args a = parseArgs(ctx, {{"study"}, {"x"}, {"y"}, {"out"}, {"resolution"}, {"fix", true, true}, {"panels"}});
    if (a.help())
        return 0;
    const std::string out = checkedOut(a, true);
    const std::string x = a.required("x"), y = a.required("y");
    const int resolution = a.integer("resolution", 50, 2);
    const std::vector<std::string> panels = panelsFlag(a);
    if (!panels.empty() && !isImagePath(out))
        throw usageError("--panels: only for an image --out (.svg, .png or .pdf); a .csv has every column (got '" +
                         out + "')");
    analysis::Grid2D grid;
    Fitted f;
    if (isImagePath(out)) {
        // tw-plot: the model, grid and panels the window shows.
        f = openForAnalysis(ctx, a);
        const ContourImageRequest request{x, y, out, f.fixed, resolution, panels};
        if (!contourImageWriter()(*f.study, request, grid))
            throw tooFewForTheSurrogate(studyRef(a).label(), f.study->trials());
    } else {
        f = fitStudy(ctx, a);
        grid = analysis::contour(*f.surrogate, x, y, f.fixed, resolution);
        // The acquisition of the model that chooses the next trial, on the same points.
        const auto& config = f.study->config();
        if (config.sampler.name == "gp") {
            const auto trials = f.study->trials();
            const sampler::History h{config.space, config.direction, trials};
            if (int(trials.size()) >= config.sampler.initialFor(config.space.size()))
                if (const auto model = sampler::AcquisitionModel::build(h, config.sampler, int(trials.size())))
                    analysis::addAcquisition(grid, config.space, *model);
        }
        analysis::writeContourCsv(grid, out, f.study->config().name);
    }
    ordered_json o;
    o["out"] = out;
    o["x"] = x;
    o["y"] = y;
    o["rows"] = grid.x.values.size() * grid.y.values.size();
    o["observations"] = grid.observations;
    o["fixed"] = ordered_json(grid.fixedJson);
    printLine(ctx.out, o);
    return 0;
}

int cmdSlice(Context& ctx)
{
    Args a = parseArgs(ctx, {{"study"}, {"x"}, {"out"}, {"resolution"}, {"fix", true, true}});
    if (a.help())
        return 0;
    const std::string out = checkedOut(a, false);
    const std::string x = a.required("x");
    const int resolution = a.integer("resolution", 50, 2);
    Fitted f = fitStudy(ctx, a);
    analysis::Slice s = analysis::slice(*f.surrogate, x, f.fixed, resolution);
    writeSliceCsv(s, out, f.study->config().name);
    ordered_json o;
    o["out"] = out;
    o["x"] = x;
    o["rows"] = s.x.values.size();
    o["observations"] = s.observations;
    o["fixed"] = ordered_json(s.fixedJson);
    printLine(ctx.out, o);
    return 0;
}

int cmdImportance(Context& ctx)
{
    Args a = parseArgs(ctx, {{"study"}, {"table", false}});
    if (a.help())
        return 0;
    Fitted f = fitStudy(ctx, a);
    const analysis::IntervalOptions options;
    const std::vector<analysis::ParamImportance> imp = analysis::importanceWithIntervals(*f.surrogate, 1024, options);
    const int observations = f.surrogate->observations();
    const int draws = imp.empty() ? 0 : imp.front().draws;
    if (!a.has("table")) {
        ordered_json o;
        studyRef(a).describeIn(o);
        o["observations"] = observations;
        o["draws"] = draws;
        o["quantiles"] = {options.lowQuantile, options.highQuantile};
        ordered_json params = ordered_json::array();
        for (const auto& p : imp)
            params.push_back({{"name", p.name}, {"importance", p.importance}, {"low", p.low}, {"high", p.high},
                              {"lengthscale", p.lengthscale}, {"first_order", p.firstOrder}});
        o["parameters"] = std::move(params);
        printLine(ctx.out, o);
        return 0;
    }
    // A table, the most important first.
    std::vector<const analysis::ParamImportance*> order;
    size_t width = std::string("parameter").size();
    for (const auto& p : imp) {
        order.push_back(&p);
        width = std::max(width, p.name.size());
    }
    std::stable_sort(order.begin(), order.end(), [](auto* x, auto* y) { return x->importance > y->importance; });
    const auto pct = [](double v) {
        std::ostringstream os;
        os << std::fixed << std::setprecision(1) << 100.0 * v << "%";
        return os.str();
    };
    const int lowPct = int(std::lround(100 * options.lowQuantile)), highPct = int(std::lround(100 * options.highQuantile));
    std::ostream& out = ctx.out;
    out << "importance of the GP mean's main effects, " << observations << " observations; interval: ";
    if (draws > 0)
        out << lowPct << "-" << highPct << "% over " << draws << " GP hyperparameter draws\n";
    else
        out << "none above " << options.maxObservations << " observations (the hyperparameters are well determined)\n";
    const std::string interval = std::to_string(lowPct) + "-" + std::to_string(highPct) + "%";
    out << std::left << std::setw(int(width) + 2) << "parameter" << std::setw(12) << "importance"
        << std::setw(18) << interval << "lengthscale\n";
    for (const auto* p : order)
        out << std::left << std::setw(int(width) + 2) << p->name << std::setw(12) << pct(p->importance)
            << std::setw(18) << (p->hasInterval() ? pct(p->low) + " - " + pct(p->high) : std::string("-")) << std::setprecision(4) << p->lengthscale << "\n";
    out.flush();
    return 0;
}

int cmdBench(Context& ctx)
{
    Args a = parseArgs(ctx, {{"function"}, {"trials"}, {"seeds"}, {"first-seed"}, {"sampler"},
                             {"acquisition"}, {"ucb-beta"}, {"kernel"}, {"initial"}, {"noise"}, {"traces", false}});
    if (a.help())
        return 0;
    const std::string function = a.required("function");
    const auto names = bench::testFunctionNames();
    if (std::find(names.begin(), names.end(), function) == names.end()) {
        std::string list;
        for (const auto& n : names)
            list += (list.empty() ? "" : "|") + n;
        throw usageError(expected("function", list, function));
    }
    const int trials = a.requiredInteger("trials", 1);
    const int seeds = a.integer("seeds", 5, 1);
    const uint64_t firstSeed = a.seed("first-seed", 0);
    sampler::SamplerConfig config;
    config.name = a.get("sampler").value_or("gp");
    if (config.name != "gp" && config.name != "random" && config.name != "qmc")
        throw usageError(expected("sampler", "gp|random|qmc", config.name));
    config.acquisition = a.get("acquisition").value_or("logei");
    const auto& acquisitions = sampler::acquisitionNames();
    if (std::find(acquisitions.begin(), acquisitions.end(), config.acquisition) == acquisitions.end())
        throw usageError(expected("acquisition", "logei|lognei|ucb", config.acquisition));
    config.ucbBeta = a.positiveNumber("ucb-beta", config.ucbBeta);
    config.kernel = a.get("kernel").value_or("matern52");
    if (config.kernel != "matern52" && config.kernel != "rbf")
        throw usageError(expected("kernel", "matern52|rbf", config.kernel));
    config.initialTrials = a.integer("initial", -1, 0);
    config.validate();

    const double noise = a.positiveNumber("noise", 0.0);
    bench::BenchmarkResult result = bench::runBenchmark(function, config, trials, seeds, firstSeed, noise);
    if (!a.has("traces"))
        result.traces.clear();
    nlohmann::json j = result.toJson();
    j["acquisition"] = config.name == "gp" ? nlohmann::json(config.acquisition) : nlohmann::json();
    ordered_json o;
    for (const char* key : {"function", "sampler", "acquisition", "trials", "seeds", "noise"})
        if (j.contains(key))
            o[key] = ordered_json(j[key]);
    for (const auto& [k, v] : j.items())
        if (!o.contains(k))
            o[k] = ordered_json(v);
    printLine(ctx.out, o);
    return 0;
}

} // namespace tw::cli
