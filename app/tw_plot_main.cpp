// `tw-plot`: the commands of `tw` that draw images (contour --out *.svg, *.png,
// *.pdf), in their own executable so that tw starts without loading Qt.
// `tw contour ... --out FILE.svg` runs it; it takes the same arguments.
#include "cli/cli.h"
#include "cli/commands.h"

#include <QGuiApplication>

#include <cstdio>

namespace {

/// Qt's start-up chatter (XDG_RUNTIME_DIR, fonts) is not the command's output.
void quietMessages(QtMsgType type, const QMessageLogContext&, const QString& message)
{
    if (type == QtCriticalMsg || type == QtFatalMsg)
        fprintf(stderr, "tw-plot: %s\n", qPrintable(message));
}

} // namespace

int main(int argc, char** argv)
{
    qInstallMessageHandler(quietMessages);
    // Fonts need a QGuiApplication; no window is ever shown.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    int qtArgc = 1;  // the command's own flags are not Qt's business
    QGuiApplication app(qtArgc, argv);
    tw::cli::setContourImageWriter(tw::cli::writeContourImage);
    return tw::cli::main(argc, argv);
}
