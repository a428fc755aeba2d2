// `tw`: the command line of the Tuning Workbench (see app/cli).
#include "cli/cli.h"
#include "gp/lapack.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>

int main(int argc, char** argv)
{
    // OpenBLAS starts its thread pool when it is loaded, before main, and an
    // idle worker then spins in sched_yield for a while: 0.12 s of CPU in
    // every tw ask at 200 trials (strace: 3,277 sched_yield calls), a core
    // taken from the other processes of a busy machine. Only the environment
    // at load time prevents it, so tw starts itself again once with one
    // OpenBLAS thread (a few ms) unless the user chose a count; the marker
    // is removed at once, so the objective commands tw runs and the sibling
    // executables inherit the user's environment unchanged.
    if (std::getenv("TW_BLAS_REEXEC")) {
        ::unsetenv("TW_BLAS_REEXEC");
        ::unsetenv("OPENBLAS_NUM_THREADS");
    } else if (!std::getenv("OPENBLAS_NUM_THREADS") && !std::getenv("TW_BLAS_THREADS")) {
        ::setenv("OPENBLAS_NUM_THREADS", "1", 1);
        ::setenv("TW_BLAS_REEXEC", "1", 1);
        ::execv("/proc/self/exe", argv);
        ::unsetenv("TW_BLAS_REEXEC"); // no /proc: go on with OpenBLAS's pool
        ::unsetenv("OPENBLAS_NUM_THREADS");
    }
    // tw uses BLAS for the GP alone: one thread (see lapack.h for the measurement).
    tw::gp::lapack::useBlasThreadsForGp();
    return tw::cli::main(argc, argv);
}
