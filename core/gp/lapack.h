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

/// How many threads OpenBLAS uses, for the whole process (its LAPACK and
/// BLAS, LibTorch's too); -1 when the LAPACK linked is not OpenBLAS.
int blasThreads();
/// The thread count for a process that uses BLAS for the GP only (tw):
/// TW_BLAS_THREADS when set (0: OpenBLAS's own default, one per core),
/// nothing when OPENBLAS_NUM_THREADS is set (the user chose), else 1.
/// Why 1: the GP's matrices are small (n <= ~1000), and with the machine
/// busy OpenBLAS's worker threads spin-wait for cores they do not get. On
/// 2 cores, tw ask at 200 trials (tests/bench/bench_ask_load.py): a thread
/// per core is faster at the median (328 against 486 ms idle), one thread
/// keeps the tail short beside other GP processes (p95 846 against
/// 1214 ms; max 0.54 against 16.5 s beside two spinning processes).
/// Returns the count in effect. Nothing when the LAPACK is not OpenBLAS.
int useBlasThreadsForGp();

} // namespace tw::gp::lapack
