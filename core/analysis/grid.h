#pragma once
// Contour and slice grids of the GP posterior mean and standard error, in the
// parameters' own scales, with the values the other parameters are fixed at.
#include "gp/surrogate.h"
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

/// Throws invalid_argument naming the parameter when x or y is unknown or x == y.
Grid2D contour(const gp::Surrogate& surrogate, const std::string& x, const std::string& y,
               const std::vector<double>& fixed, int resolution = 50);
Slice slice(const gp::Surrogate& surrogate, const std::string& x,
            const std::vector<double>& fixed, int resolution = 50);

/// Writes "x,y,mean,se" rows, preceded by '#' comment lines giving the study,
/// the number of observations and the fixed values.
void writeContourCsv(const Grid2D& grid, const std::string& path, const std::string& studyName);

} // namespace tw::analysis
