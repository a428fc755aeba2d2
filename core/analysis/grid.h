#pragma once
// Contour and slice grids of the GP posterior mean and standard error, in the
// parameters' own scales, with the values the other parameters are fixed at.
#include "gp/surrogate.h"
#include "sampler/acquisition_model.h"
#include "study/trial.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace tw::analysis {

struct Axis {
    int param = -1;
    std::string name;
    std::vector<double> values;       // parameter values (choice index for a categorical)
    std::vector<std::string> labels;  // category labels for a categorical axis
    bool log = false;
    bool categorical = false;
    bool integer = false;
};

struct Grid2D {
    Axis x, y;
    Eigen::MatrixXd mean, se;         // rows follow y.values, columns x.values
    /// The acquisition of the model that chooses the next trial
    /// (sampler::AcquisitionModel), same layout; empty unless addAcquisition ran.
    Eigen::MatrixXd acquisition;
    Eigen::MatrixXd feasible;         // P(a trial there completes), same layout; with acquisition
    std::vector<std::vector<double>> points; // each grid point's parameter values, row after row
    std::vector<double> fixed;        // every parameter's value (x and y entries are placeholders)
    nlohmann::json fixedJson;         // the other parameters only, by name
    int observations = 0;
};

struct Slice {
    Axis x;
    Eigen::VectorXd mean, se;
    std::vector<double> fixed;
    nlohmann::json fixedJson;
    int observations = 0;
};

/// Grid points along parameter i: `resolution` points (log-spaced for a log
/// parameter), every integer when an int range has at most `resolution`
/// values, every choice for a categorical.
Axis makeAxis(const space::SearchSpace& space, int i, int resolution = 50);

/// The best Complete trial's values, or the centre of the space when none.
std::vector<double> defaultFixedValues(const space::SearchSpace& space,
                                       const std::vector<study::Trial>& trials,
                                       study::Direction direction);

/// `values` with every parameter active at them given a legal value (the
/// centre of its range where it has none, e.g. a NaN left by a branch that
/// was inactive) and every inactive one NaN, parents before children.
/// Throws invalid_argument when the size is wrong.
std::vector<double> completeFixedValues(const space::SearchSpace& space, std::vector<double> values);

/// Whether parameter i is active at the fixed values for some value of the
/// other axis `other` (-1: no other axis): whether a contour or slice with i
/// on an axis shows anything. Always true without conditions.
bool activeOnAxis(const space::SearchSpace& space, const std::vector<double>& fixed, int i, int other = -1);
/// The pairs (i < j) of parameters both active at these fixed values: every
/// pair without conditions, the pairs within the active branch with them
/// (what an all-pairs view lists; contour() also draws a parent against a
/// child of another branch).
std::vector<std::pair<int, int>> activePairs(const space::SearchSpace& space, const std::vector<double>& fixed);

/// The fixed values are completed first (completeFixedValues); with
/// conditions, a grid point whose axes switch a branch on takes the given
/// values of the parameters it activates (or their centre when NaN).
/// Throws invalid_argument naming the parameter when x or y is unknown or
/// x == y, or (conditional spaces) when x or y is inactive at the fixed values
/// for every value of the other axis. Grid points are masked: a parameter
/// inactive at a point is NaN there (the surrogate encodes it as neutral).
Grid2D contour(const gp::Surrogate& surrogate, const std::string& x, const std::string& y,
               const std::vector<double>& fixed, int resolution = 50);
Slice slice(const gp::Surrogate& surrogate, const std::string& x,
            const std::vector<double>& fixed, int resolution = 50);

/// Fills g.acquisition and g.feasible from the model that chooses the next trial.
void addAcquisition(Grid2D& g, const space::SearchSpace& space, const sampler::AcquisitionModel& model);

/// Writes "x,y,mean,se" rows (",acquisition,p_feasible" too when the grid has them), preceded by '#' comment lines giving the study,
/// the number of observations and the fixed values.
void writeContourCsv(const Grid2D& grid, const std::string& path, const std::string& studyName);

} // namespace tw::analysis
