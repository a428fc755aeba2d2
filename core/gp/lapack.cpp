#include "gp/lapack.h"

extern "C" {
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

} // namespace tw::gp::lapack
