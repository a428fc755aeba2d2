// tuning-workbench: the desktop window.
//   tuning-workbench               an empty setup
//   tuning-workbench STUDY_FILE    opens that study (its trials, plots, and Run resumes it)
//   tuning-workbench SPEC.json     opens that setup
//   tuning-workbench --storage URL --study NAME   opens a database study, watched live
#include "main_window.h"

#include <QApplication>
#include <QCommandLineParser>

#include <cstdio>
#include <string>

int main(int argc, char** argv)
{
    // Answered before a window system is needed (over ssh, in scripts).
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "-h" || a == "--help") {
            std::printf("Usage: tuning-workbench [FILE]\n"
                        "       tuning-workbench --storage URL --study NAME\n"
                        "Bayesian hyperparameter tuning of neural networks trained with LibTorch.\n\n"
                        "  FILE                        a study file to open (its trials and plots; Run\n"
                        "                              resumes it), or a study spec (JSON) to set up\n"
                        "  --storage URL --study NAME  a database study (postgresql://USER@HOST:PORT/DB),\n"
                        "                              watched live as its workers fill it; Run adds\n"
                        "                              this window as one more worker\n\n"
                        "The same engine runs without a window: tw --help\n");
            return 0;
        }
        if (a == "-v" || a == "--version") {
            std::printf("tuning-workbench %s\n", TW_VERSION);
            return 0;
        }
    }
    QApplication app(argc, argv);
    QApplication::setApplicationName("Tuning Workbench");
    QApplication::setOrganizationName("Tuning Workbench");
    QApplication::setApplicationVersion(TW_VERSION);

    QCommandLineParser parser;
    parser.addPositionalArgument("file", "A study file to open, or a study spec (JSON) to set up.", "[FILE]");
    const QCommandLineOption storage("storage", "The database of a study (postgresql://USER@HOST:PORT/DB).", "URL");
    const QCommandLineOption study("study", "The study's name in --storage.", "NAME");
    parser.addOptions({storage, study});
    parser.process(app);
    if (parser.isSet(storage) != parser.isSet(study)) {
        std::fprintf(stderr, "tuning-workbench: --storage URL and --study NAME go together\n");
        return 2;
    }

    tw::ui::MainWindow window;
    window.show();
    const QStringList files = parser.positionalArguments();
    if (parser.isSet(storage)) {
        if (!window.openDatabaseStudy(parser.value(storage), parser.value(study)) && !window.isVisible()) return 1;
    } else if (!files.isEmpty() && !window.openFile(files.first())) {
        // The window shows the message; a script gets the exit code.
        if (!window.isVisible()) return 1;
    }
    return app.exec();
}
