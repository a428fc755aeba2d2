// `tw`: the command line of the Tuning Workbench (see app/cli).
#include "cli/cli.h"
#include "gp/lapack.h"

int main(int argc, char** argv)
{
    // tw uses BLAS for the GP alone: one thread (see lapack.h for the measurement).
    tw::gp::lapack::useBlasThreadsForGp();
    return tw::cli::main(argc, argv);
}
