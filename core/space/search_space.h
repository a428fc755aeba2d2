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

/// A choice is a string, a number or a boolean, as in the JSON it came from.
using Choice = std::variant<std::string, double, bool>;

/// One entry of a parameter's "when": the parameter is active only while the
/// categorical `parent` is itself active and takes one of `values` (written
/// as in the parent's choices). Several conditions must all hold.
struct Condition {
    std::string parent;
    std::vector<Choice> values;
    bool operator==(const Condition&) const = default;
};

struct FloatParam {
    std::string name;
    double low = 0.0;
    double high = 1.0;
    bool log = false;
    std::optional<double> step;
    std::vector<Condition> when = {}; // empty: always active
};

struct IntParam {
    std::string name;
    double low = 0.0; // integral
    double high = 1.0;
    bool log = false;
    std::vector<Condition> when = {};
};

struct CategoricalParam {
    std::string name;
    std::vector<Choice> choices;
    std::vector<Condition> when = {};
};

using Param = std::variant<FloatParam, IntParam, CategoricalParam>;

const std::string& nameOf(const Param& p);

/// The longest parameter name accepted, in bytes.
constexpr size_t kMaxParameterNameLength = 100;
/// A parameter name is at most kMaxParameterNameLength bytes of printable
/// UTF-8 without '/' or '\\' and is not "." or "..": names become file names
/// (every contour pair exported into a folder) and parts of messages.
/// Throws std::invalid_argument prefixed with `ctx` naming the rule broken.
void checkParameterName(const std::string& name, const std::string& ctx);
const std::vector<Condition>& conditionsOf(const Param& p);
/// Replaces the parameter's "when" conditions.
void setConditions(Param& p, std::vector<Condition> when);
std::string typeName(const Param& p); // "float", "int", "categorical"
std::string choiceToString(const Choice& c);

/// "family in [random_forest, logistic_regression]".
std::string conditionText(const Condition& c);

/// An ordered list of parameters. Internally every value is a double: the
/// number itself for float and int, the choice index for a categorical.
///
/// Conditional parameters: a parameter with "when" conditions is active only
/// when every condition holds (its parent is active and takes a listed
/// value); conditions may chain (a parent may be conditional) but not cycle.
/// An INACTIVE parameter's value is NaN: a configuration is still one double
/// per parameter, so Trial::params keeps its shape, and every consumer that
/// shows or applies values skips NaN. valuesToJson leaves inactive
/// parameters out; valuesFromJson accepts them missing and rejects a value
/// given for one.
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
    /// `source` (a file name) prefixes every message when given. Conditions:
    /// the parent must exist, be categorical, not be the parameter itself and
    /// not lead back to it (no cycle); its list of values must be non-empty,
    /// without repeats, each one of the parent's choices.
    void validate(const std::string& source = {}) const;

    // ---- conditional parameters -----------------------------------------------
    /// True when some parameter has a "when" condition.
    bool conditional() const { return _conditional; }
    /// Parameter indices with every parent before its children.
    const std::vector<size_t>& order() const { return _order; }
    /// Which parameters are active given these values, parents evaluated
    /// before children (a parent's value is read only when it is active).
    /// Throws invalid_argument when the size is wrong.
    std::vector<bool> active(const std::vector<double>& values) const;
    /// Sets every inactive parameter's value to NaN.
    void deactivate(std::vector<double>& values) const;
    /// Why parameter i is inactive at these values: "it needs family in
    /// [random_forest] (family = logistic_regression)"; empty when active.
    std::string inactiveReason(size_t i, const std::vector<double>& values) const;

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
    /// True when the value is a legal value of parameter i (NaN never is: it
    /// marks an inactive parameter, which is a property of a configuration).
    bool contains(size_t i, double value) const;
    /// True when every active parameter has a legal value and every inactive
    /// one is NaN.
    bool contains(const std::vector<double>& values) const;

    // ---- unit-cube transform ------------------------------------------------
    /// Number of unit-cube coordinates: 1 per float / int, one-hot k per
    /// categorical with k choices.
    int encodedDim() const;
    /// Offset of parameter i's first coordinate in the encoding.
    int encodedOffset(size_t i) const;
    /// Parameter values -> point of [0,1]^encodedDim. Log parameters are
    /// encoded in log space; integers (and stepped floats) as the centre of
    /// their cell of width 1/(count); categoricals one-hot. An inactive
    /// parameter (whatever its value) and a NaN value are encoded at a fixed
    /// neutral point: 0.5 for a float or int, 0 on every one-hot coordinate
    /// of a categorical. Two configurations that differ only in inactive
    /// parameters therefore have the same encoding, and a GP never sees NaN.
    Eigen::VectorXd toUnit(const std::vector<double>& values) const;
    /// Any point of the cube (coordinates clamped) -> legal parameter values:
    /// integers and steps rounded, categoricals by the largest coordinate;
    /// parameters inactive at the decoded values are NaN.
    std::vector<double> fromUnit(const Eigen::VectorXd& u) const;
    /// As fromUnit, but every parameter decoded, active or not.
    std::vector<double> fromUnitAll(const Eigen::VectorXd& u) const;
    /// The coordinate each encoded dimension is fixed at when its parameter is
    /// inactive (0.5 or 0, see toUnit).
    double neutralUnit(int encodedIndex) const;
    /// Encoded coordinates of parameter i: [encodedOffset(i), encodedOffset(i) + encodedWidth(i)).
    int encodedWidth(size_t i) const;
    /// toUnit(fromUnit(u)): the nearest encoding of a legal configuration.
    Eigen::VectorXd project(const Eigen::VectorXd& u) const { return toUnit(fromUnit(u)); }
    /// Number of distinct configurations, or nullopt when a float is continuous
    /// or the count exceeds 1e12. With conditions it is the sum over the
    /// branches (assignments of the parents) of the product over the
    /// parameters active in that branch; nullopt as well when there are more
    /// than a million branches.
    std::optional<double> cardinality() const;

private:
    /// A condition resolved against the space: parent index and which of its
    /// choices satisfy it.
    struct ResolvedCondition {
        size_t parent = 0;
        std::vector<bool> allowed;
    };
    std::vector<Param> _params;
    std::vector<int> _offsets;
    int _encodedDim = 0;
    std::vector<std::vector<ResolvedCondition>> _conditions; // per parameter
    std::vector<size_t> _order;
    bool _conditional = false;
    void index();
    void indexConditions();
    void validateConditions(const std::string& source) const;
    bool holds(const ResolvedCondition& c, const std::vector<bool>& active, const std::vector<double>& values) const;
};

} // namespace tw::space
