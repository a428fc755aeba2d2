#pragma once
// Exact Gaussian process regression with a Matérn-5/2 ARD kernel, constant
// mean and Gaussian observation noise. Outputs are standardized internally.
// Hyperparameters are fitted by MAP (log marginal likelihood plus weak
// log-normal priors on lengthscales, output scale and noise) with analytic
// gradients and bound-constrained L-BFGS from several starts.
#include <Eigen/Core>
#include <Eigen/Cholesky>

#include <cstdint>
#include <string>
#include <vector>

namespace tw::gp {

/// Stationary ARD kernels: Matérn-5/2 (default) and squared exponential.
enum class Kernel { Matern52, SquaredExponential };
/// "matern52" or "rbf"; throws invalid_argument.
Kernel kernelFromString(const std::string& name);

/// Packed hyperparameters: [log lengthscale_1..D, log outputscale, log noise, mean]
/// (outputscale and noise are variances in standardized units).
struct Hyperparameters {
    Eigen::VectorXd logLengthscales;
    double logOutputscale = 0.0;
    double logNoise = -4.0;
    double mean = 0.0;

    Eigen::VectorXd pack() const;
    static Hyperparameters unpack(const Eigen::VectorXd& theta, int dim);
    static Hyperparameters defaults(int dim);
};

/// Starts of the fit: the warm start (if any), the defaults, and `restarts`
/// random draws around them. With restarts == 0 and a warm start, the warm
/// start alone.
struct FitOptions {
    int restarts = 2;               // random starts around the defaults
    int maxEvaluations = 200;       // per start
    uint64_t seed = 0;
    const Eigen::VectorXd* warmStart = nullptr; // packed theta of a previous fit (dimension must match)

    /// The effort worth spending at n observations: every likelihood
    /// evaluation costs O(n^3), so fewer restarts and evaluations as n grows
    /// (a warm start carries the rest).
    static FitOptions forObservations(int n);
};

class GaussianProcess {
public:
    explicit GaussianProcess(Kernel kernel = Kernel::Matern52) : _kernel(kernel) {}
    Kernel kernel() const { return _kernel; }
    /// X: n x D inputs (rows), y: n targets. Fits hyperparameters.
    void fit(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, const FitOptions& options = {});
    /// Conditions on X, y with the given hyperparameters (no fitting).
    void condition(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, const Hyperparameters& h);
    /// Adds points with the given targets without refitting (Kriging believer).
    void addObservations(const Eigen::MatrixXd& X, const Eigen::VectorXd& y);
    /// A copy on exactly the same inputs, targets and standardization with
    /// other hyperparameters (e.g. a posterior draw of them); no fitting.
    /// Throws invalid_argument when not fitted or when h has the wrong dimension.
    GaussianProcess withHyperparameters(const Hyperparameters& h) const;

    bool fitted() const { return _n > 0; }
    int dim() const { return int(_X.cols()); }
    int size() const { return _n; }
    const Hyperparameters& hyperparameters() const { return _h; }
    const Eigen::MatrixXd& inputs() const { return _X; }
    /// Jitter added to the diagonal to make the Cholesky factorization succeed.
    double jitter() const { return _jitter; }

    /// Posterior mean and variance (of the latent function, original units).
    void predict(const Eigen::MatrixXd& Xs, Eigen::VectorXd& mean, Eigen::VectorXd& var) const;
    /// Posterior mean alone (original units): what predict() gives, without
    /// the cost of the variance.
    Eigen::VectorXd predictMean(const Eigen::MatrixXd& Xs) const;
    /// Posterior mean and full covariance of the latent function at Xs
    /// (original units).
    void predictCovariance(const Eigen::MatrixXd& Xs, Eigen::VectorXd& mean, Eigen::MatrixXd& cov) const;
    /// Same at one point, with gradients with respect to the input.
    void predictWithGradient(const Eigen::VectorXd& x, double& mean, double& var,
                             Eigen::VectorXd& dmean, Eigen::VectorXd& dvar) const;

    /// Log marginal likelihood of the standardized data at packed theta,
    /// without priors; gradient (w.r.t. packed theta) when grad != nullptr.
    /// Data must be set (fit or condition).
    double logMarginalLikelihood(const Eigen::VectorXd& theta, Eigen::VectorXd* grad) const;
    /// Log prior density of packed theta and its gradient.
    static double logPrior(const Eigen::VectorXd& theta, int dim, Eigen::VectorXd* grad);
    /// Bounds of packed theta used by the fit.
    static void bounds(int dim, std::vector<double>& lower, std::vector<double>& upper);

    double yMean() const { return _yMean; }
    double yStd() const { return _yStd; }

private:
    void setData(const Eigen::MatrixXd& X, const Eigen::VectorXd& y);
    void factorize();

    Kernel _kernel = Kernel::Matern52;
    Eigen::MatrixXd _X;
    Eigen::VectorXd _yRaw;       // original units
    Eigen::VectorXd _ys;         // standardized
    double _yMean = 0.0, _yStd = 1.0;
    int _n = 0;
    Hyperparameters _h;
    Eigen::LLT<Eigen::MatrixXd> _llt;
    Eigen::VectorXd _alpha;      // K^-1 (ys - mean)
    double _jitter = 0.0;
};

/// Kernel matrix between rows of A and B (unit output scale).
Eigen::MatrixXd kernelMatrix(Kernel kernel, const Eigen::MatrixXd& A, const Eigen::MatrixXd& B,
                             const Eigen::VectorXd& lengthscales);
/// Matérn-5/2 ARD kernel matrix between rows of A and B (unit output scale).
Eigen::MatrixXd matern52(const Eigen::MatrixXd& A, const Eigen::MatrixXd& B,
                         const Eigen::VectorXd& lengthscales);

} // namespace tw::gp
