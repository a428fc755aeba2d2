#include "gp/lapack.h"

#include <cstdlib>
#include <string>

extern "C" {
// OpenBLAS's own controls, weak: another LAPACK leaves them null.
void openblas_set_num_threads(int) __attribute__((weak));
int openblas_get_num_threads(void) __attribute__((weak));
void dpotrf_(const char* uplo, const int* n, double* a, const int* lda, int* info);
void dpotri_(const char* uplo, const int* n, double* a, const int* lda, int* info);
}

namespace tw::gp::lapack {

bool cholesky(Eigen::MatrixXd& A)
{
    const int n = int(A.rows()), lda = int(A.outerStride());
    int info = 0;
    const char uplo = 'L';
    dpotrf_(&uplo, &n, A.data(), &lda, &info);
    return info == 0;
}

void inverseFromCholesky(Eigen::MatrixXd& L)
{
    const int n = int(L.rows()), lda = int(L.outerStride());
    int info = 0;
    const char uplo = 'L';
    dpotri_(&uplo, &n, L.data(), &lda, &info);
    L.triangularView<Eigen::StrictlyUpper>() = L.transpose();
}

int blasThreads()
{
    return openblas_get_num_threads ? openblas_get_num_threads() : -1;
}

int useBlasThreadsForGp()
{
    if (!openblas_set_num_threads) return blasThreads();
    if (const char* v = std::getenv("TW_BLAS_THREADS")) {
        char* end = nullptr;
        const long n = std::strtol(v, &end, 10);
        if (end != v && *end == '\0' && n > 0 && n <= 1024) openblas_set_num_threads(int(n));
        return blasThreads(); // 0 or anything else: OpenBLAS's default
    }
    if (std::getenv("OPENBLAS_NUM_THREADS")) return blasThreads();
    openblas_set_num_threads(1);
    return blasThreads();
}

} // namespace tw::gp::lapack
