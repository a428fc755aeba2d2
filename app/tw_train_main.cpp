// `tw-train`: the commands of `tw` that train networks (tune, train), in
// their own executable so that the others start without loading LibTorch.
// `tw tune ...`, `tw train ...`, `tw evaluate ...` and `tw worker --spec ...`
// run it; it takes the same arguments.
#include "cli/cli.h"
#include "cli/commands.h"

int main(int argc, char** argv)
{
    tw::cli::registerCommand("tune", tw::cli::cmdTune);
    tw::cli::registerCommand("train", tw::cli::cmdTrain);
    tw::cli::registerCommand("evaluate", tw::cli::cmdEvaluate);
    tw::cli::registerCommand("worker", tw::cli::cmdWorkerSpec);
    return tw::cli::main(argc, argv);
}
