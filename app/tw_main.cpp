// `tw`: the command line of the Tuning Workbench (see app/cli).
#include "cli/cli.h"

int main(int argc, char** argv)
{
    return tw::cli::main(argc, argv);
}
