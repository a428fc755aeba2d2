// Standard synthetic test functions (Surjanovic & Bingham's library of
// simulation experiments: definitions, domains and global minima).
#include "bench/functions.h"

#include "sampler/sampler.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>

namespace tw::bench {

namespace {

constexpr double kPi = std::numbers::pi;

space::SearchSpace box(int dim, double low, double high)
{
    std::vector<space::Param> params;
    for (int i = 1; i <= dim; ++i) {
        std::string name = "x";
        name += std::to_string(i);
        params.push_back(space::FloatParam{std::move(name), low, high, false, std::nullopt});
    }
    return space::SearchSpace(std::move(params));
}

double branin(const std::vector<double>& x)
{
    const double b = 5.1 / (4.0 * kPi * kPi), c = 5.0 / kPi, t = 1.0 / (8.0 * kPi);
    const double u = x[1] - b * x[0] * x[0] + c * x[0] - 6.0;
    return u * u + 10.0 * (1.0 - t) * std::cos(x[0]) + 10.0;
}

double hartmann3(const std::vector<double>& x)
{
    static const double alpha[4] = {1.0, 1.2, 3.0, 3.2};
    static const double A[4][3] = {{3.0, 10, 30}, {0.1, 10, 35}, {3.0, 10, 30}, {0.1, 10, 35}};
    static const double P[4][3] = {{3689, 1170, 2673}, {4699, 4387, 7470}, {1091, 8732, 5547}, {381, 5743, 8828}};
    double sum = 0.0;
    for (int i = 0; i < 4; ++i) {
        double inner = 0.0;
        for (int j = 0; j < 3; ++j) {
            const double d = x[size_t(j)] - 1e-4 * P[i][j];
            inner += A[i][j] * d * d;
        }
        sum += alpha[i] * std::exp(-inner);
    }
    return -sum;
}

double hartmann6(const std::vector<double>& x)
{
    static const double alpha[4] = {1.0, 1.2, 3.0, 3.2};
    static const double A[4][6] = {{10, 3, 17, 3.5, 1.7, 8},
                                   {0.05, 10, 17, 0.1, 8, 14},
                                   {3, 3.5, 1.7, 10, 17, 8},
                                   {17, 8, 0.05, 10, 0.1, 14}};
    static const double P[4][6] = {{1312, 1696, 5569, 124, 8283, 5886},
                                   {2329, 4135, 8307, 3736, 1004, 9991},
                                   {2348, 1451, 3522, 2883, 3047, 6650},
                                   {4047, 8828, 8732, 5743, 1091, 381}};
    double sum = 0.0;
    for (int i = 0; i < 4; ++i) {
        double inner = 0.0;
        for (int j = 0; j < 6; ++j) {
            const double d = x[size_t(j)] - 1e-4 * P[i][j];
            inner += A[i][j] * d * d;
        }
        sum += alpha[i] * std::exp(-inner);
    }
    return -sum;
}

double ackley(const std::vector<double>& x)
{
    const double n = double(x.size());
    double squares = 0.0, cosines = 0.0;
    for (double v : x) {
        squares += v * v;
        cosines += std::cos(2.0 * kPi * v);
    }
    return -20.0 * std::exp(-0.2 * std::sqrt(squares / n)) - std::exp(cosines / n) + 20.0 + std::numbers::e;
}

double rosenbrock(const std::vector<double>& x)
{
    double sum = 0.0;
    for (size_t i = 0; i + 1 < x.size(); ++i) {
        const double a = x[i + 1] - x[i] * x[i], b = 1.0 - x[i];
        sum += 100.0 * a * a + b * b;
    }
    return sum;
}

double levy(const std::vector<double>& x)
{
    const size_t d = x.size();
    auto w = [&x](size_t i) { return 1.0 + (x[i] - 1.0) / 4.0; };
    const double s0 = std::sin(kPi * w(0));
    double sum = s0 * s0;
    for (size_t i = 0; i + 1 < d; ++i) {
        const double wi = w(i), s = std::sin(kPi * wi + 1.0);
        sum += (wi - 1.0) * (wi - 1.0) * (1.0 + 10.0 * s * s);
    }
    const double wd = w(d - 1), sd = std::sin(2.0 * kPi * wd);
    sum += (wd - 1.0) * (wd - 1.0) * (1.0 + sd * sd);
    return sum;
}

double sixHumpCamel(const std::vector<double>& x)
{
    const double a = x[0], b = x[1];
    return (4.0 - 2.1 * a * a + a * a * a * a / 3.0) * a * a + a * b + (-4.0 + 4.0 * b * b) * b * b;
}

double rastrigin(const std::vector<double>& x)
{
    double sum = 10.0 * double(x.size());
    for (double v : x) sum += v * v - 10.0 * std::cos(2.0 * kPi * v);
    return sum;
}

double schwefel(const std::vector<double>& x)
{
    double sum = 418.9828872724338 * double(x.size());
    for (double v : x) sum -= v * std::sin(std::sqrt(std::abs(v)));
    return sum;
}

double shekel(const std::vector<double>& x)
{
    static const double beta[10] = {1, 2, 2, 4, 4, 6, 3, 7, 5, 5};
    static const double C[4][10] = {{4, 1, 8, 6, 3, 2, 5, 8, 6, 7},
                                    {4, 1, 8, 6, 7, 9, 3, 1, 2, 3.6},
                                    {4, 1, 8, 6, 3, 2, 5, 8, 6, 7},
                                    {4, 1, 8, 6, 7, 9, 3, 1, 2, 3.6}};
    double sum = 0.0;
    for (int i = 0; i < 10; ++i) {
        double inner = 0.1 * beta[i];
        for (int j = 0; j < 4; ++j) {
            const double d = x[size_t(j)] - C[j][i];
            inner += d * d;
        }
        sum -= 1.0 / inner;
    }
    return sum;
}

// A validation loss of a network, in a mixed space: learning rate (log),
// batch size (int, log), layers (int), dropout, and an optimizer
// (categorical). Each optimizer has its own best learning rate and basin:
// SGD's is wide and shallow (best 0.29), RMSprop's in between (best 0.27),
// Adam's narrow and deepest (best 0.25, the global minimum), so at random
// SGD looks best.
space::SearchSpace mixedSpace()
{
    using space::Choice;
    return space::SearchSpace(std::vector<space::Param>{
        space::FloatParam{"lr", 1e-5, 1.0, true, std::nullopt},
        space::IntParam{"batch_size", 16, 512, true},
        space::IntParam{"layers", 1, 6, false},
        space::FloatParam{"dropout", 0.0, 0.8, false, std::nullopt},
        space::CategoricalParam{"optimizer", {Choice{std::string("sgd")}, Choice{std::string("rmsprop")},
                                              Choice{std::string("adam")}}}});
}

double mixedLoss(const std::vector<double>& x)
{
    static const double base[3] = {0.29, 0.27, 0.25}, width[3] = {0.02, 0.06, 0.12}, centre[3] = {-1.0, -3.5, -3.0};
    const int o = std::clamp(int(std::lround(x[4])), 0, 2);
    const double l = std::log10(x[0]) - centre[o];
    const double b = std::log2(x[1]) - 6.0;
    const double layers = x[2] - 3.0, dropout = x[3] - 0.3;
    return base[o] + width[o] * l * l + 0.004 * b * b + 0.006 * layers * layers + 0.2 * dropout * dropout;
}

// Three model families with their own parameters (a conditional space):
// "bowl" (2 params, best 1), "branin" (2 params, rescaled, best 0.5) and
// "hartmann3" (3 params, shifted, best 0: the global minimum).
constexpr double kHartmann3Min = -3.86278214782076;
constexpr double kBraninMin = 0.397887357729738;

space::SearchSpace conditionalSpace()
{
    using space::Choice;
    using space::Condition;
    auto when = [](const char* family) { return std::vector<Condition>{{"family", {Choice{std::string(family)}}}}; };
    std::vector<space::Param> p{
        space::CategoricalParam{"family", {Choice{std::string("bowl")}, Choice{std::string("branin")},
                                           Choice{std::string("hartmann3")}}},
        space::FloatParam{"bowl_x", 0.0, 1.0, false, std::nullopt, when("bowl")},
        space::FloatParam{"bowl_y", 0.0, 1.0, false, std::nullopt, when("bowl")},
        space::FloatParam{"branin_x1", -5.0, 10.0, false, std::nullopt, when("branin")},
        space::FloatParam{"branin_x2", 0.0, 15.0, false, std::nullopt, when("branin")},
        space::FloatParam{"h_x1", 0.0, 1.0, false, std::nullopt, when("hartmann3")},
        space::FloatParam{"h_x2", 0.0, 1.0, false, std::nullopt, when("hartmann3")},
        space::FloatParam{"h_x3", 0.0, 1.0, false, std::nullopt, when("hartmann3")}};
    return space::SearchSpace(std::move(p));
}

double conditional3(const std::vector<double>& x)
{
    switch (int(x[0])) {
    case 0: {
        const double dx = x[1] - 0.2, dy = x[2] - 0.7;
        return 1.0 + 4.0 * (dx * dx + dy * dy);
    }
    case 1: return 0.5 + (branin({x[3], x[4]}) - kBraninMin) / 20.0;
    default: return hartmann3({x[5], x[6], x[7]}) - kHartmann3Min;
    }
}

std::vector<TestFunction> makeAll()
{
    std::vector<TestFunction> all;
    {
        std::vector<space::Param> p{space::FloatParam{"x1", -5.0, 10.0, false, std::nullopt},
                                    space::FloatParam{"x2", 0.0, 15.0, false, std::nullopt}};
        all.push_back({"branin", space::SearchSpace(std::move(p)), 0.397887357729738, branin});
    }
    all.push_back({"hartmann3", box(3, 0.0, 1.0), -3.86278214782076, hartmann3});
    all.push_back({"hartmann6", box(6, 0.0, 1.0), -3.32236801141551, hartmann6});
    all.push_back({"ackley5", box(5, -32.768, 32.768), 0.0, ackley});
    all.push_back({"rosenbrock4", box(4, -5.0, 10.0), 0.0, rosenbrock});
    all.push_back({"levy4", box(4, -10.0, 10.0), 0.0, levy});
    all.push_back({"conditional3", conditionalSpace(), 0.0, conditional3});
    {
        std::vector<space::Param> p{space::FloatParam{"x1", -3.0, 3.0, false, std::nullopt},
                                    space::FloatParam{"x2", -2.0, 2.0, false, std::nullopt}};
        all.push_back({"sixhump", space::SearchSpace(std::move(p)), -1.031628453489877, sixHumpCamel});
    }
    all.push_back({"rastrigin4", box(4, -5.12, 5.12), 0.0, rastrigin});
    all.push_back({"schwefel4", box(4, -500.0, 500.0), 0.0, schwefel});
    all.push_back({"shekel4", box(4, 0.0, 10.0), -10.536283726219605, shekel});
    all.push_back({"ackley10", box(10, -32.768, 32.768), 0.0, ackley});
    all.push_back({"mixed5", mixedSpace(), 0.25, mixedLoss});
    // Hartmann3 with a crash region (a trial with x1 > 0.6 and x2 < 0.5
    // fails: NaN), a fifth of the cube, away from the minimum at (0.114,
    // 0.556, 0.852) as a diverging learning rate is.
    all.push_back({"hartmann3_failing", box(3, 0.0, 1.0), -3.86278214782076, [](const std::vector<double>& x) {
                       return x[0] > 0.6 && x[1] < 0.5 ? std::numeric_limits<double>::quiet_NaN() : hartmann3(x);
                   }});
    return all;
}

const std::vector<TestFunction>& registry()
{
    static const std::vector<TestFunction> all = makeAll();
    return all;
}

} // namespace

const TestFunction& testFunction(const std::string& name)
{
    for (const TestFunction& f : registry())
        if (f.name == name)
            return f;
    std::string names;
    for (const TestFunction& f : registry())
        names += (names.empty() ? "" : ", ") + f.name;
    throw std::invalid_argument("unknown test function '" + name + "' (known: " + names + ")");
}

std::vector<std::string> testFunctionNames()
{
    std::vector<std::string> names;
    for (const TestFunction& f : registry())
        names.push_back(f.name);
    return names;
}

std::vector<study::Trial> quasiRandomHistory(const TestFunction& fn, int n, uint64_t seed)
{
    sampler::SamplerConfig qmc;
    qmc.name = "qmc";
    qmc.seed = seed;
    const auto design = sampler::makeSampler(qmc);
    std::vector<study::Trial> trials;
    for (int i = 0; i < n; ++i) {
        sampler::History h{fn.space, study::Direction::Minimize, trials};
        study::Trial t;
        t.number = i;
        t.params = design->suggest(h, i).params;
        t.state = study::TrialState::Complete;
        t.value = fn.f(t.params);
        trials.push_back(std::move(t));
    }
    return trials;
}

} // namespace tw::bench
