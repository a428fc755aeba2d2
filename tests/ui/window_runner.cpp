// The whole window running a study, started from the command line for
// test_window_kill: opens SPEC.json in Setup and runs it into STUDY (a new
// study, or resumed), exactly as File > Open and Run do; quits when the run
// ends. Offscreen (QT_QPA_PLATFORM=offscreen) in the tests.
//   window_runner SPEC.json STUDY
#include "main_window.h"
#include "run/study_controller.h"

#include <QApplication>

#include <cstdio>

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    if (argc != 3) {
        std::fprintf(stderr, "usage: window_runner SPEC.json STUDY\n");
        return 2;
    }
    tw::ui::MainWindow w;
    w.show();
    if (!w.openSpec(QString::fromLocal8Bit(argv[1]))) {
        std::fprintf(stderr, "window_runner: %s\n", qPrintable(w.lastError()));
        return 2;
    }
    QObject::connect(w.controller(), &tw::ui::StudyController::runFinished, &app, &QCoreApplication::quit);
    if (!w.runStudy(QString::fromLocal8Bit(argv[2]))) {
        std::fprintf(stderr, "window_runner: %s\n", qPrintable(w.lastError()));
        return 3;
    }
    return app.exec();
}
