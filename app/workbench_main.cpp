// tuning-workbench: the desktop window.
//   tuning-workbench               an empty setup
//   tuning-workbench STUDY_FILE    opens that study (its trials, plots, and Run resumes it)
//   tuning-workbench SPEC.json     opens that setup
#include "main_window.h"

#include <QApplication>
#include <QCommandLineParser>

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName("Tuning Workbench");
    QApplication::setOrganizationName("Tuning Workbench");
    QApplication::setApplicationVersion(TW_VERSION);

    QCommandLineParser parser;
    parser.setApplicationDescription(
        "Bayesian hyperparameter tuning of neural networks trained with LibTorch.");
    parser.addHelpOption();
    parser.addVersionOption();
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
