#include "analysis/grid.h"
#include "study/storage.h"

#include "util/errors.h"

#include <cmath>
#include <fstream>
#include <iomanip>
#include <set>
#include <sstream>
#include <stdexcept>

namespace tw::analysis {

namespace {

void checkFixedSize(const space::SearchSpace& space, const std::vector<double>& fixed)
{
    if (fixed.size() != space.size())
        throw std::invalid_argument("analysis: fixed values must give one value per parameter");
}

} // namespace

using space::CategoricalParam;
using space::FloatParam;
using space::IntParam;

Axis makeAxis(const space::SearchSpace& space, int i, int resolution)
{
    if (i < 0 || size_t(i) >= space.size()) throw std::invalid_argument("analysis: parameter index out of range");
    resolution = std::max(2, resolution);
    Axis ax;
    ax.param = i;
    ax.name = space::nameOf(space[size_t(i)]);
    const auto& p = space[size_t(i)];
    if (const auto* c = std::get_if<CategoricalParam>(&p)) {
        ax.categorical = true;
        for (size_t k = 0; k < c->choices.size(); ++k) {
            ax.values.push_back(double(k));
            ax.labels.push_back(space::choiceToString(c->choices[k]));
        }
        return ax;
    }
    double low = 0, high = 1;
    bool log = false, discrete = false;
    double step = 0.0;
    if (const auto* f = std::get_if<FloatParam>(&p)) {
        low = f->low, high = f->high, log = f->log;
        if (f->step) discrete = true, step = *f->step;
    } else {
        const auto& ip = std::get<IntParam>(p);
        low = ip.low, high = ip.high, log = ip.log;
        discrete = true, step = 1.0;
        ax.integer = true;
    }
    ax.log = log;
    if (discrete && (high - low) / step + 1.0 <= resolution + 1e-9) {
        const int count = int(std::llround((high - low) / step)) + 1;
        for (int k = 0; k < count; ++k) ax.values.push_back(low + k * step);
        return ax;
    }
    std::set<double> unique;
    for (int k = 0; k < resolution; ++k) {
        const double t = double(k) / (resolution - 1);
        double v = log ? std::exp(std::log(low) + t * (std::log(high) - std::log(low))) : low + t * (high - low);
        if (discrete) v = std::clamp(low + std::round((v - low) / step) * step, low, high);
        if (discrete ? unique.insert(v).second : true) ax.values.push_back(v);
    }
    return ax;
}

std::vector<double> defaultFixedValues(const space::SearchSpace& space, const std::vector<study::Trial>& trials,
                                       study::Direction direction)
{
    const study::Trial* best = nullptr;
    for (const auto& t : trials) {
        if (t.state != study::TrialState::Complete || !t.value) continue;
        if (!best || (direction == study::Direction::Minimize ? *t.value < *best->value : *t.value > *best->value))
            best = &t;
    }
    if (best) return best->params;
    Eigen::VectorXd centre = Eigen::VectorXd::Constant(space.encodedDim(), 0.5);
    return space.fromUnit(centre);
}

std::vector<double> completeFixedValues(const space::SearchSpace& space, std::vector<double> values)
{
    checkFixedSize(space, values);
    const std::vector<double> centre = space.fromUnitAll(Eigen::VectorXd::Constant(space.encodedDim(), 0.5));
    for (size_t i : space.order()) // parents first: activity is read from final values
        if (space.active(values)[i] && !space.contains(i, values[i])) values[i] = centre[i];
    space.deactivate(values);
    return values;
}

namespace {

int requireParam(const space::SearchSpace& space, const std::string& name, const char* axis)
{
    const int i = space.indexOf(name);
    if (i < 0) {
        std::string known;
        for (const auto& p : space.params()) known += (known.empty() ? "" : ", ") + space::nameOf(p);
        throw std::invalid_argument(std::string(axis) + ": unknown parameter '" + name + "' (the space has: " + known + ")");
    }
    return i;
}

nlohmann::json fixedOthers(const space::SearchSpace& space, const std::vector<double>& fixed, std::set<int> except)
{
    // Inactive parameters are left out (valuesToJson omits them). The axes'
    // own entries are placeholders: give them a legal value to read the rest.
    std::vector<double> c = fixed;
    for (int i : except)
        if (!space.contains(size_t(i), c[size_t(i)])) c[size_t(i)] = makeAxis(space, i, 2).values.front();
    const nlohmann::json all = space.valuesToJson(c);
    nlohmann::json out = nlohmann::json::object();
    for (size_t i = 0; i < space.size(); ++i) {
        const std::string& name = space::nameOf(space[i]);
        if (!except.count(int(i)) && all.contains(name)) out[name] = all[name];
    }
    return out;
}


/// Throws invalid_argument when parameter i is inactive at the fixed values
/// for every value of the other axis (`other` < 0: no other axis).
void checkAxisActive(const space::SearchSpace& space, const std::vector<double>& fixed, int i, int other,
                     const std::vector<double>& otherValues, const char* what)
{
    if (!space.conditional()) return;
    checkFixedSize(space, fixed);
    std::vector<double> c = fixed;
    c[size_t(i)] = makeAxis(space, i, 2).values.front(); // its own value never decides
    std::string why;
    for (double v : other < 0 ? std::vector<double>{c[size_t(i)]} : otherValues) {
        if (other >= 0) c[size_t(other)] = v;
        if (space.active(c)[size_t(i)]) return;
        if (why.empty()) why = space.inactiveReason(size_t(i), c);
    }
    throw std::invalid_argument(std::string(what) + ": parameter '" + space::nameOf(space[size_t(i)]) +
                                "' is inactive at the fixed values: " + why);
}

} // namespace

bool activeOnAxis(const space::SearchSpace& space, const std::vector<double>& fixed, int i, int other)
{
    if (!space.conditional()) return true;
    try {
        checkAxisActive(space, fixed, i, other, other >= 0 ? makeAxis(space, other, 2).values : std::vector<double>{},
                        "");
    } catch (const std::invalid_argument&) {
        return false;
    }
    return true;
}

std::vector<std::pair<int, int>> activePairs(const space::SearchSpace& space, const std::vector<double>& fixed)
{
    std::vector<std::pair<int, int>> out;
    const std::vector<bool> act = space.active(completeFixedValues(space, fixed));
    for (int i = 0; i < int(space.size()); ++i)
        for (int j = i + 1; j < int(space.size()); ++j)
            if (act[size_t(i)] && act[size_t(j)]) out.emplace_back(i, j);
    return out;
}

Grid2D contour(const gp::Surrogate& surrogate, const std::string& x, const std::string& y,
               const std::vector<double>& given, int resolution)
{
    const auto& space = surrogate.space();
    const int ix = requireParam(space, x, "x"), iy = requireParam(space, y, "y");
    if (ix == iy) throw std::invalid_argument("contour: x and y must be different parameters (both are '" + x + "')");
    const std::vector<double> fixed = completeFixedValues(space, given);
    Grid2D g;
    g.x = makeAxis(space, ix, resolution);
    g.y = makeAxis(space, iy, resolution);
    checkAxisActive(space, given, ix, iy, g.y.values, "contour");
    checkAxisActive(space, given, iy, ix, g.x.values, "contour");
    g.fixed = fixed;
    g.fixedJson = fixedOthers(space, fixed, {ix, iy});
    g.observations = surrogate.observations();
    std::vector<std::vector<double>> configs;
    configs.reserve(g.x.values.size() * g.y.values.size());
    for (double vy : g.y.values)
        for (double vx : g.x.values) {
            auto c = space.conditional() ? given : fixed; // values of inactive parameters kept for other branches
            c[size_t(ix)] = vx;
            c[size_t(iy)] = vy;
            if (space.conditional()) c = completeFixedValues(space, std::move(c)); // x or y may be a parent
            configs.push_back(std::move(c));
        }
    Eigen::VectorXd mean, se;
    surrogate.predict(configs, mean, se);
    g.points = std::move(configs);
    const auto nx = Eigen::Index(g.x.values.size()), ny = Eigen::Index(g.y.values.size());
    g.mean = Eigen::Map<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(mean.data(), ny, nx);
    g.se = Eigen::Map<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(se.data(), ny, nx);
    return g;
}

Slice slice(const gp::Surrogate& surrogate, const std::string& x, const std::vector<double>& given, int resolution)
{
    const auto& space = surrogate.space();
    const int ix = requireParam(space, x, "x");
    const std::vector<double> fixed = completeFixedValues(space, given);
    Slice s;
    s.x = makeAxis(space, ix, resolution);
    checkAxisActive(space, given, ix, -1, {}, "slice");
    s.fixed = fixed;
    s.fixedJson = fixedOthers(space, fixed, {ix});
    s.observations = surrogate.observations();
    std::vector<std::vector<double>> configs;
    for (double v : s.x.values) {
        auto c = space.conditional() ? given : fixed;
        c[size_t(ix)] = v;
        if (space.conditional()) c = completeFixedValues(space, std::move(c));
        configs.push_back(std::move(c));
    }
    surrogate.predict(configs, s.mean, s.se);
    return s;
}

void addAcquisition(Grid2D& g, const space::SearchSpace& space, const sampler::AcquisitionModel& model)
{
    const auto nx = Eigen::Index(g.x.values.size()), ny = Eigen::Index(g.y.values.size());
    Eigen::MatrixXd units(Eigen::Index(g.points.size()), space.encodedDim());
    for (size_t i = 0; i < g.points.size(); ++i) units.row(Eigen::Index(i)) = space.toUnit(g.points[i]).transpose();
    using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    Eigen::VectorXd a = model.acquisition(units), f = model.feasibility(units);
    g.acquisition = Eigen::Map<RowMajor>(a.data(), ny, nx);
    g.feasible = Eigen::Map<RowMajor>(f.data(), ny, nx);
}

void writeContourCsv(const Grid2D& g, const std::string& path, const std::string& studyName)
{
    study::refuseToOverwriteStudy(path);
    std::ofstream out(path);
    if (!out) throw IoError("cannot write " + path);
    out << std::setprecision(10);
    out << "# contour of the GP posterior of study " << studyName << " (" << g.observations << " observations)\n";
    out << "# fixed: " << g.fixedJson.dump() << "\n";
    const bool acq = g.acquisition.size() == g.mean.size() && g.feasible.size() == g.mean.size() && g.mean.size() > 0;
    out << (acq ? "x,y,mean,se,acquisition,p_feasible\n" : "x,y,mean,se\n");
    auto label = [](const Axis& a, size_t k) {
        if (!a.categorical) {
            std::ostringstream os;
            os << std::setprecision(10) << a.values[k];
            return os.str();
        }
        std::string s = a.labels[k], q = "\"";
        for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
        return q + "\"";
    };
    for (size_t r = 0; r < g.y.values.size(); ++r)
        for (size_t c = 0; c < g.x.values.size(); ++c)
        {
            out << label(g.x, c) << ',' << label(g.y, r) << ',' << g.mean(Eigen::Index(r), Eigen::Index(c)) << ','
                << g.se(Eigen::Index(r), Eigen::Index(c));
            if (acq)
                out << ',' << g.acquisition(Eigen::Index(r), Eigen::Index(c)) << ','
                    << g.feasible(Eigen::Index(r), Eigen::Index(c));
            out << '\n';
        }
    if (!out) throw IoError("cannot write " + path);
}

} // namespace tw::analysis
