// tuning-workbench: the desktop window.
//   tuning-workbench               an empty setup
//   tuning-workbench STUDY_FILE    opens that study (its trials, plots, and Run resumes it)
//   tuning-workbench SPEC.json     opens that setup
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
                        "Bayesian hyperparameter tuning of neural networks trained with LibTorch.\n\n"
                        "  FILE    a study file to open (its trials and plots; Run resumes it),\n"
                        "          or a study spec (JSON) to set up a new study\n\n"
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
    parser.process(app);

    tw::ui::MainWindow window;
    window.show();
    const QStringList files = parser.positionalArguments();
    if (!files.isEmpty() && !window.openFile(files.first())) {
        // The window shows the message; a script gets the exit code.
        if (!window.isVisible()) return 1;
    }
    return app.exec();
}
