#include "gp/gaussian_process.h"

#include "gp/lapack.h"

#include <Eigen/Dense>
#include <nlopt.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <random>
#include <stdexcept>

namespace tw::gp {

namespace {

const double kSqrt5 = std::sqrt(5.0);
const double kLog2Pi = std::log(2.0 * std::numbers::pi);

// Bounds of the packed hyperparameters (log lengthscale, log outputscale,
// log noise variance, constant mean), in standardized output units.
constexpr double kLogLengthLow = -5.298317366548036;  // log(0.005)
constexpr double kLogLengthHigh = 4.605170185988092;  // log(100)
constexpr double kLogScaleLow = -2.995732273553991;   // log(0.05)
constexpr double kLogScaleHigh = 2.995732273553991;   // log(20)
constexpr double kLogNoiseLow = -13.815510557964274;  // log(1e-6)
constexpr double kLogNoiseHigh = 0.0;                 // log(1)
constexpr double kMeanBound = 5.0;

// Priors. Lengthscale: LogNormal(sqrt(2) + log(D)/2, sqrt(3)), the
// dimension-scaled prior of Hvarfner et al. (2024), BoTorch's default.
// Output scale: LogNormal(0, 1) around the unit variance of standardized
// outputs. For these two the log densities are those of the positive
// quantity (Jacobian included), as when a prior is placed on the parameter
// itself. Noise variance: Normal(-4, 1) on its log, BoTorch's location
// without the Jacobian, whose -t moves the mode of the log from -4 to -5.
// Why: at the mode e^-5 the fit held the noise near 0.007 (standardized)
// whatever the data said; against scikit-learn's GP told the true noise
// (test_gp, tests/core/fixtures) the standard error at the observations
// came out 0.22 to 0.40 of the truth's on four of seven noisy data sets,
// and 0.54 to 1.07 on six of seven with the mode at e^-4. The optimizer
// (tw bench, 50 trials, 20 seeds): Hartmann6 with noise sd 0.1, median
// regret 0.094 and 60% of seeds out of the trap (0.13 and 50% before);
// noise-free Hartmann6 55% either way; Rastrigin4 17.1 (12.8 before),
// Levy4 and Schwefel4 unchanged.
double lengthPriorMu(int dim) { return std::numbers::sqrt2 + 0.5 * std::log(double(dim)); }
constexpr double kLengthPriorSigma = 1.7320508075688772; // sqrt(3)
constexpr double kNoisePriorMu = -4.0, kNoisePriorSigma = 1.0;
constexpr double kScalePriorMu = 0.0, kScalePriorSigma = 1.0;

// log LogNormal(exp(t); mu, sigma) up to a constant, and its t-derivative.
double logNormalPrior(double t, double mu, double sigma, double& dt)
{
    const double z = (t - mu) / sigma;
    dt = -z / sigma - 1.0;
    return -0.5 * z * z - t;
}

// Cholesky of K + jitter I with jitter escalating from 0 until it succeeds.
bool choleskyWithJitter(const Eigen::MatrixXd& K, Eigen::LLT<Eigen::MatrixXd>& llt, double& jitter)
{
    jitter = 0.0;
    llt.compute(K);
    if (llt.info() == Eigen::Success && std::isfinite(llt.matrixLLT().diagonal().sum())) return true;
    const double scale = std::max(K.diagonal().mean(), 1e-12);
    for (double j = 1e-9; j <= 1e-1; j *= 10.0) {
        Eigen::MatrixXd Kj = K;
        Kj.diagonal().array() += j * scale;
        llt.compute(Kj);
        if (llt.info() == Eigen::Success && std::isfinite(llt.matrixLLT().diagonal().sum())) {
            jitter = j * scale;
            return true;
        }
    }
    return false;
}

// Distances r_ij of rows scaled by the lengthscales.
Eigen::MatrixXd scaledDistances(const Eigen::MatrixXd& A, const Eigen::MatrixXd& B,
                                const Eigen::VectorXd& lengthscales)
{
    const Eigen::MatrixXd As = A.array().rowwise() / lengthscales.transpose().array();
    const Eigen::MatrixXd Bs = B.array().rowwise() / lengthscales.transpose().array();
    Eigen::MatrixXd d2 = (-2.0 * As * Bs.transpose()).eval();
    d2.colwise() += As.rowwise().squaredNorm();
    d2.rowwise() += Bs.rowwise().squaredNorm().transpose();
    return d2.cwiseMax(0.0).cwiseSqrt();
}

// Unit-variance kernel values k(r) of scaled distances r, and the factor
// f(r) with dk/dlog(ell_d) = f (x_d - x'_d)^2 / ell_d^2 and
// dk/dx_d = -f (x_d - x'_d) / ell_d^2.
// Matérn-5/2: k = (1 + s + s^2/3) e^-s, f = (5/3)(1 + s) e^-s, s = sqrt5 r.
// Squared exponential: k = e^(-r^2/2), f = k.
template <typename A>
Eigen::ArrayXX<double> kernelValues(Kernel kernel, const A& r)
{
    if (kernel == Kernel::SquaredExponential) return (-0.5 * r.square()).exp();
    const auto s = (kSqrt5 * r).eval();
    return (1.0 + s + s.square() / 3.0) * (-s).exp();
}

template <typename A>
Eigen::ArrayXX<double> kernelFactor(Kernel kernel, const A& r)
{
    if (kernel == Kernel::SquaredExponential) return (-0.5 * r.square()).exp();
    const auto s = (kSqrt5 * r).eval();
    return (5.0 / 3.0) * (1.0 + s) * (-s).exp();
}

} // namespace

Eigen::MatrixXd kernelMatrix(Kernel kernel, const Eigen::MatrixXd& A, const Eigen::MatrixXd& B,
                             const Eigen::VectorXd& lengthscales)
{
    return kernelValues(kernel, scaledDistances(A, B, lengthscales).array()).matrix();
}

Eigen::MatrixXd matern52(const Eigen::MatrixXd& A, const Eigen::MatrixXd& B, const Eigen::VectorXd& lengthscales)
{
    return kernelMatrix(Kernel::Matern52, A, B, lengthscales);
}

Kernel kernelFromString(const std::string& name)
{
    if (name == "matern52") return Kernel::Matern52;
    if (name == "rbf") return Kernel::SquaredExponential;
    throw std::invalid_argument("kernel: unknown name '" + name + "' (expected matern52 or rbf)");
}

// ---- hyperparameters --------------------------------------------------------

Eigen::VectorXd Hyperparameters::pack() const
{
    const int d = int(logLengthscales.size());
    Eigen::VectorXd t(d + 3);
    t.head(d) = logLengthscales;
    t[d] = logOutputscale;
    t[d + 1] = logNoise;
    t[d + 2] = mean;
    return t;
}

Hyperparameters Hyperparameters::unpack(const Eigen::VectorXd& t, int dim)
{
    if (t.size() != dim + 3) throw std::invalid_argument("gp: packed hyperparameters have the wrong size");
    Hyperparameters h;
    h.logLengthscales = t.head(dim);
    h.logOutputscale = t[dim];
    h.logNoise = t[dim + 1];
    h.mean = t[dim + 2];
    return h;
}

Hyperparameters Hyperparameters::defaults(int dim)
{
    Hyperparameters h;
    // The mode of the lengthscale prior (in log space, Jacobian included).
    const double t = lengthPriorMu(dim) - kLengthPriorSigma * kLengthPriorSigma;
    h.logLengthscales = Eigen::VectorXd::Constant(dim, std::clamp(t, kLogLengthLow, kLogLengthHigh));
    h.logOutputscale = 0.0;
    // One below the noise prior's mode: a start that explains the data by
    // structure first, so the fit raises the noise only where the data ask.
    h.logNoise = kNoisePriorMu - 1.0;
    h.mean = 0.0;
    return h;
}

void GaussianProcess::bounds(int dim, std::vector<double>& lower, std::vector<double>& upper)
{
    lower.assign(size_t(dim), kLogLengthLow);
    upper.assign(size_t(dim), kLogLengthHigh);
    lower.insert(lower.end(), {kLogScaleLow, kLogNoiseLow, -kMeanBound});
    upper.insert(upper.end(), {kLogScaleHigh, kLogNoiseHigh, kMeanBound});
}

double GaussianProcess::logPrior(const Eigen::VectorXd& theta, int dim, Eigen::VectorXd* grad)
{
    double lp = 0.0, dt = 0.0;
    if (grad) grad->setZero(theta.size());
    const double mu = lengthPriorMu(dim);
    for (int d = 0; d < dim; ++d) {
        lp += logNormalPrior(theta[d], mu, kLengthPriorSigma, dt);
        if (grad) (*grad)[d] = dt;
    }
    lp += logNormalPrior(theta[dim], kScalePriorMu, kScalePriorSigma, dt);
    if (grad) (*grad)[dim] = dt;
    {
        // The noise: a normal density on log noise itself (no Jacobian).
        const double z = (theta[dim + 1] - kNoisePriorMu) / kNoisePriorSigma;
        lp += -0.5 * z * z;
        dt = -z / kNoisePriorSigma;
    }
    if (grad) (*grad)[dim + 1] = dt;
    return lp;
}

// ---- data -------------------------------------------------------------------

void GaussianProcess::setData(const Eigen::MatrixXd& X, const Eigen::VectorXd& y)
{
    if (X.rows() != y.size()) throw std::invalid_argument("gp: X and y have different numbers of rows");
    if (X.rows() == 0) throw std::invalid_argument("gp: no observations");
    if (!X.allFinite() || !y.allFinite()) throw std::invalid_argument("gp: observations must be finite");
    _X = X;
    _yRaw = y;
    _n = int(X.rows());
    _yMean = y.mean();
    const double var = _n > 1 ? (y.array() - _yMean).square().sum() / (_n - 1) : 0.0;
    _yStd = var > 1e-300 ? std::sqrt(var) : 1.0;
    _ys = (y.array() - _yMean) / _yStd;
}

void GaussianProcess::factorize()
{
    const Eigen::VectorXd ell = _h.logLengthscales.array().exp();
    Eigen::MatrixXd K = std::exp(_h.logOutputscale) * kernelMatrix(_kernel, _X, _X, ell);
    K.diagonal().array() += std::exp(_h.logNoise);
    if (!choleskyWithJitter(K, _llt, _jitter)) {
        // Last resort: a large noise always factorizes a kernel matrix.
        K.diagonal().array() += 1.0;
        _llt.compute(K);
        _jitter = 1.0;
    }
    _alpha = _llt.solve((_ys.array() - _h.mean).matrix());
}

void GaussianProcess::condition(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, const Hyperparameters& h)
{
    if (h.logLengthscales.size() != X.cols()) throw std::invalid_argument("gp: hyperparameters do not match the input dimension");
    setData(X, y);
    _h = h;
    factorize();
}

void GaussianProcess::addObservations(const Eigen::MatrixXd& X, const Eigen::VectorXd& y)
{
    if (X.rows() == 0) return;
    if (X.cols() != _X.cols()) throw std::invalid_argument("gp: added points have the wrong dimension");
    // Keep the standardization of the fitted data: the new targets are
    // expressed in it rather than re-standardizing everything.
    Eigen::MatrixXd Xn(_X.rows() + X.rows(), _X.cols());
    Xn << _X, X;
    Eigen::VectorXd yn(_yRaw.size() + y.size());
    yn << _yRaw, y;
    const double m = _yMean, s = _yStd;
    _X = Xn;
    _yRaw = yn;
    _n = int(Xn.rows());
    _ys = (yn.array() - m) / s;
    factorize();
}

GaussianProcess GaussianProcess::withHyperparameters(const Hyperparameters& h) const
{
    if (!fitted()) throw std::invalid_argument("gp: withHyperparameters before fit");
    if (h.logLengthscales.size() != _X.cols())
        throw std::invalid_argument("gp: hyperparameters do not match the input dimension");
    GaussianProcess g = *this;
    g._h = h;
    g.factorize();
    return g;
}

// ---- marginal likelihood ----------------------------------------------------

double GaussianProcess::logMarginalLikelihood(const Eigen::VectorXd& theta, Eigen::VectorXd* grad) const
{
    const int d = dim();
    const int n = _n;
    const Eigen::VectorXd ell = theta.head(d).array().exp();
    const double sf2 = std::exp(theta[d]);
    const double sn2 = std::exp(theta[d + 1]);
    const double m = theta[d + 2];

    const Eigen::ArrayXXd R = scaledDistances(_X, _X, ell).array();
    Eigen::MatrixXd K = (sf2 * kernelValues(_kernel, R)).matrix();
    K.diagonal().array() += sn2;

    // Factor with LAPACK (OpenBLAS): at a thousand observations this is
    // several times faster than the portable Eigen path.
    Eigen::MatrixXd L = K;
    if (!lapack::cholesky(L)) {
        bool ok = false;
        const double scale = std::max(K.diagonal().mean(), 1e-12);
        for (double j = 1e-9; j <= 1e-1 && !ok; j *= 10.0) {
            L = K;
            L.diagonal().array() += j * scale;
            ok = lapack::cholesky(L);
        }
        if (!ok) {
            if (grad) grad->setZero(theta.size());
            return -1e10;
        }
    }
    const Eigen::VectorXd r = _ys.array() - m;
    Eigen::VectorXd alpha = L.triangularView<Eigen::Lower>().solve(r);
    L.triangularView<Eigen::Lower>().adjoint().solveInPlace(alpha);
    const double logDet = 2.0 * L.diagonal().array().log().sum();
    if (!std::isfinite(logDet) || !alpha.allFinite()) {
        if (grad) grad->setZero(theta.size());
        return -1e10;
    }
    const double lml = -0.5 * r.dot(alpha) - 0.5 * logDet - 0.5 * n * kLog2Pi;

    if (grad) {
        grad->setZero(theta.size());
        // W = alpha alpha^T - K^-1; dLML/dtheta = 0.5 tr(W dK/dtheta).
        Eigen::MatrixXd& W = L;
        lapack::inverseFromCholesky(W);
        W = (alpha * alpha.transpose() - W).eval();
        // dK/dlog(ell_d) = sf2 f(r) (x_id - x_jd)^2 / ell_d^2
        const Eigen::MatrixXd P = (W.array() * (sf2 * kernelFactor(_kernel, R))).matrix();
        const Eigen::VectorXd p = P.rowwise().sum();
        const Eigen::MatrixXd PX = P * _X;
        for (int k = 0; k < d; ++k) {
            const double quad = _X.col(k).dot(PX.col(k));
            const double diag = _X.col(k).array().square().matrix().dot(p);
            (*grad)[k] = (diag - quad) / (ell[k] * ell[k]);
        }
        // dK/dlog sf2 = K - sn2 I (the kernel part); dK/dlog sn2 = sn2 I.
        const double trWK = (W.array() * K.array()).sum() - sn2 * W.trace();
        (*grad)[d] = 0.5 * trWK;
        (*grad)[d + 1] = 0.5 * sn2 * W.trace();
        (*grad)[d + 2] = alpha.sum();
    }
    return lml;
}

// ---- fitting ----------------------------------------------------------------

namespace {

struct FitState {
    const GaussianProcess* gp;
    int dim;
    double best = -std::numeric_limits<double>::infinity();
    std::vector<double> bestTheta;
};

double fitObjective(const std::vector<double>& x, std::vector<double>& g, void* data)
{
    auto* st = static_cast<FitState*>(data);
    const Eigen::VectorXd theta = Eigen::Map<const Eigen::VectorXd>(x.data(), Eigen::Index(x.size()));
    Eigen::VectorXd gl, gp;
    const bool wantGrad = !g.empty();
    double f = st->gp->logMarginalLikelihood(theta, wantGrad ? &gl : nullptr)
             + GaussianProcess::logPrior(theta, st->dim, wantGrad ? &gp : nullptr);
    if (!std::isfinite(f)) {
        f = -1e10;
        if (wantGrad) std::fill(g.begin(), g.end(), 0.0);
        return f;
    }
    if (wantGrad) {
        for (size_t i = 0; i < g.size(); ++i) {
            const double v = gl[Eigen::Index(i)] + gp[Eigen::Index(i)];
            g[i] = std::isfinite(v) ? v : 0.0;
        }
    }
    if (f > st->best) {
        st->best = f;
        st->bestTheta = x;
    }
    return f;
}

void runLocal(nlopt::algorithm algo, FitState& st, std::vector<double> x, const std::vector<double>& lo,
              const std::vector<double>& hi, int maxEval)
{
    for (size_t i = 0; i < x.size(); ++i) x[i] = std::clamp(x[i], lo[i], hi[i]);
    nlopt::opt opt(algo, unsigned(x.size()));
    opt.set_lower_bounds(lo);
    opt.set_upper_bounds(hi);
    opt.set_max_objective(fitObjective, &st);
    opt.set_maxeval(maxEval);
    opt.set_ftol_rel(1e-9);
    opt.set_xtol_rel(1e-7);
    double f = 0.0;
    try {
        opt.optimize(x, f);
    } catch (const nlopt::roundoff_limited&) {
        // The best point seen so far is kept by fitObjective.
    } catch (const std::exception&) {
        if (algo == nlopt::LD_LBFGS) {
            // Gradient-based search failed outright: derivative-free fallback.
            runLocal(nlopt::LN_BOBYQA, st, x, lo, hi, maxEval);
        }
    }
}

} // namespace

void GaussianProcess::fit(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, const FitOptions& options)
{
    setData(X, y);
    const int d = int(X.cols());
    std::vector<double> lo, hi;
    bounds(d, lo, hi);

    std::vector<Eigen::VectorXd> starts;
    if (options.warmStart && options.warmStart->size() == d + 3 && options.warmStart->allFinite())
        starts.push_back(*options.warmStart);
    // With no random restarts asked for (large data sets, where each start
    // costs a second), a warm start is trusted alone.
    if (starts.empty() || options.restarts > 0) starts.push_back(Hyperparameters::defaults(d).pack());
    std::mt19937_64 rng(options.seed);
    std::normal_distribution<double> normal(0.0, 1.0);
    for (int r = 0; r < options.restarts; ++r) {
        Eigen::VectorXd t = Hyperparameters::defaults(d).pack();
        for (int k = 0; k < d; ++k) t[k] += normal(rng);
        t[d] += 0.5 * normal(rng);
        t[d + 1] += normal(rng);
        starts.push_back(t);
    }

    FitState st{this, d, -std::numeric_limits<double>::infinity(), {}};
    for (const auto& s : starts) {
        runLocal(nlopt::LD_LBFGS, st, std::vector<double>(s.data(), s.data() + s.size()), lo, hi,
                 options.maxEvaluations);
    }
    if (st.bestTheta.empty()) {
        _h = Hyperparameters::defaults(d);
    } else {
        _h = Hyperparameters::unpack(Eigen::Map<const Eigen::VectorXd>(st.bestTheta.data(), d + 3), d);
    }
    factorize();
}

// ---- prediction -------------------------------------------------------------

void GaussianProcess::predict(const Eigen::MatrixXd& Xs, Eigen::VectorXd& mean, Eigen::VectorXd& var) const
{
    if (!fitted()) throw std::logic_error("gp: predict before fit");
    const Eigen::VectorXd ell = _h.logLengthscales.array().exp();
    const double sf2 = std::exp(_h.logOutputscale);
    const Eigen::MatrixXd Ks = sf2 * kernelMatrix(_kernel, Xs, _X, ell); // m x n
    mean = (Ks * _alpha).array() + _h.mean;
    const Eigen::MatrixXd V = _llt.matrixL().solve(Ks.transpose()); // n x m
    var = (sf2 - V.colwise().squaredNorm().transpose().array()).cwiseMax(1e-12 * sf2);
    mean = mean.array() * _yStd + _yMean;
    var *= _yStd * _yStd;
}

Eigen::VectorXd GaussianProcess::predictMean(const Eigen::MatrixXd& Xs) const
{
    if (!fitted()) throw std::logic_error("gp: predict before fit");
    const Eigen::VectorXd ell = _h.logLengthscales.array().exp();
    const double sf2 = std::exp(_h.logOutputscale);
    const Eigen::MatrixXd Ks = sf2 * kernelMatrix(_kernel, Xs, _X, ell);
    Eigen::VectorXd mean = (Ks * _alpha).array() + _h.mean;
    return mean.array() * _yStd + _yMean;
}

void GaussianProcess::predictCovariance(const Eigen::MatrixXd& Xs, Eigen::VectorXd& mean, Eigen::MatrixXd& cov) const
{
    if (!fitted()) throw std::logic_error("gp: predict before fit");
    const Eigen::VectorXd ell = _h.logLengthscales.array().exp();
    const double sf2 = std::exp(_h.logOutputscale);
    const Eigen::MatrixXd Ks = sf2 * kernelMatrix(_kernel, Xs, _X, ell);
    mean = ((Ks * _alpha).array() + _h.mean) * _yStd + _yMean;
    const Eigen::MatrixXd V = _llt.matrixL().solve(Ks.transpose());
    cov = (sf2 * kernelMatrix(_kernel, Xs, Xs, ell) - V.transpose() * V) * (_yStd * _yStd);
}

void GaussianProcess::predictWithGradient(const Eigen::VectorXd& x, double& mean, double& var,
                                          Eigen::VectorXd& dmean, Eigen::VectorXd& dvar) const
{
    if (!fitted()) throw std::logic_error("gp: predict before fit");
    const int d = dim();
    const Eigen::VectorXd ell = _h.logLengthscales.array().exp();
    const double sf2 = std::exp(_h.logOutputscale);
    const Eigen::ArrayXd inv2 = 1.0 / ell.array().square();
    const Eigen::MatrixXd diff = (-_X).rowwise() + x.transpose(); // n x d: x - x_i
    const Eigen::ArrayXd r = (diff.array().square().rowwise() * inv2.transpose()).rowwise().sum().sqrt();
    const Eigen::VectorXd k = (sf2 * kernelValues(_kernel, r.matrix().array())).matrix();
    // dk_i/dx = -sf2 f(r_i) (x - x_i) / ell^2
    const Eigen::VectorXd g = (-sf2 * kernelFactor(_kernel, r.matrix().array())).matrix();
    const Eigen::MatrixXd dk = (diff.array().colwise() * g.array()).rowwise() * inv2.transpose(); // n x d
    const Eigen::VectorXd v = _llt.solve(k);
    mean = k.dot(_alpha) + _h.mean;
    var = sf2 - k.dot(v);
    dmean = dk.transpose() * _alpha;
    dvar = -2.0 * (dk.transpose() * v);
    if (var < 1e-12 * sf2) {
        var = 1e-12 * sf2;
        dvar.setZero(d);
    }
    mean = mean * _yStd + _yMean;
    dmean *= _yStd;
    var *= _yStd * _yStd;
    dvar *= _yStd * _yStd;
}

FitOptions FitOptions::forObservations(int n)
{
    FitOptions o;
    if (n > 100) o.restarts = 1, o.maxEvaluations = 120;
    if (n > 300) o.restarts = 0, o.maxEvaluations = 60;
    if (n > 600) o.restarts = 0, o.maxEvaluations = 40;
    return o;
}

} // namespace tw::gp
