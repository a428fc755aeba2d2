#pragma once
// Parameters, the search space, its JSON form and the unit-cube transform that
// every sampler works in.
#include <Eigen/Core>
#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace tw::space {

struct FloatParam {
    std::string name;
    double low = 0.0;
    double high = 1.0;
    bool log = false;
    std::optional<double> step;
};

struct IntParam {
    std::string name;
    double low = 0.0; // integral
    double high = 1.0;
    bool log = false;
};

/// A choice is a string, a number or a boolean, as in the JSON it came from.
using Choice = std::variant<std::string, double, bool>;

struct CategoricalParam {
    std::string name;
    std::vector<Choice> choices;
};

using Param = std::variant<FloatParam, IntParam, CategoricalParam>;

const std::string& nameOf(const Param& p);
std::string typeName(const Param& p); // "float", "int", "categorical"
std::string choiceToString(const Choice& c);

/// An ordered list of parameters. Internally every value is a double: the
/// number itself for float and int, the choice index for a categorical.
class SearchSpace {
public:
    SearchSpace() = default;
    explicit SearchSpace(std::vector<Param> params); // validates

    const std::vector<Param>& params() const { return _params; }
    size_t size() const { return _params.size(); }
    const Param& operator[](size_t i) const { return _params[i]; }
    /// Index of the parameter with this name, or -1.
    int indexOf(const std::string& name) const;

    /// Throws std::invalid_argument naming the parameter and the rule broken.
    /// `source` (a file name) prefixes every message when given.
    void validate(const std::string& source = {}) const;

    // JSON (DESIGN.md): {"parameters": [{"name":..., "type":..., ...}]}; also
    // Ax's parameter lists (space/ax_format.h).
    static SearchSpace fromJson(const nlohmann::json& j, const std::string& source = {});
    nlohmann::json toJson() const;
    static SearchSpace load(const std::string& path); // IoError / ParseError / invalid_argument
    void save(const std::string& path) const;

    // Values <-> JSON: {"lr": 0.001, "epochs": 3, "optimizer": "adam"}
    nlohmann::json valuesToJson(const std::vector<double>& values) const;
    /// Throws std::invalid_argument naming the parameter when a value is
    /// missing, unknown, of the wrong type or outside the space.
    std::vector<double> valuesFromJson(const nlohmann::json& j, const std::string& source = {}) const;
    /// True when the value is a legal value of parameter i.
    bool contains(size_t i, double value) const;

    // ---- unit-cube transform ------------------------------------------------
    /// Number of unit-cube coordinates: 1 per float / int, one-hot k per
    /// categorical with k choices.
    int encodedDim() const;
    /// Offset of parameter i's first coordinate in the encoding.
    int encodedOffset(size_t i) const;
    /// Parameter values -> point of [0,1]^encodedDim. Log parameters are
    /// encoded in log space; integers (and stepped floats) as the centre of
    /// their cell of width 1/(count); categoricals one-hot.
    Eigen::VectorXd toUnit(const std::vector<double>& values) const;
    /// Any point of the cube (coordinates clamped) -> legal parameter values:
    /// integers and steps rounded, categoricals by the largest coordinate.
    std::vector<double> fromUnit(const Eigen::VectorXd& u) const;
    /// toUnit(fromUnit(u)): the nearest encoding of a legal configuration.
    Eigen::VectorXd project(const Eigen::VectorXd& u) const { return toUnit(fromUnit(u)); }
    /// Number of distinct configurations, or nullopt when a float is continuous
    /// or the count exceeds 1e12.
    std::optional<double> cardinality() const;

private:
    std::vector<Param> _params;
    std::vector<int> _offsets;
    int _encodedDim = 0;
    void index();
};

} // namespace tw::space
