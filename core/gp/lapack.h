#pragma once
// The two LAPACK routines the GP fit spends its time in (Cholesky factor and
// inverse from it), from the system's optimized LAPACK (OpenBLAS).
#include <Eigen/Core>

namespace tw::gp::lapack {

/// In place: the lower triangle of A becomes L with A = L L^T (the upper
/// triangle is left as it was). False when A is not positive definite.
bool cholesky(Eigen::MatrixXd& A);
/// In place: from the factor L (lower triangle), the full symmetric inverse
/// of L L^T.
void inverseFromCholesky(Eigen::MatrixXd& L);

} // namespace tw::gp::lapack
