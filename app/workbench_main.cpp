// tuning-workbench: the desktop window. `tuning-workbench STUDY_FILE` opens
// that study; without an argument a file dialog asks for one.
#include "study_viewer.h"

#include <QApplication>
#include <QFileDialog>
#include <QMessageBox>

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName("Tuning Workbench");
    QApplication::setOrganizationName("Tuning Workbench");

    QString path = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QString();
    if (path.isEmpty())
        path = QFileDialog::getOpenFileName(nullptr, QObject::tr("Open study"), {},
                                            QObject::tr("Study files (*.jsonl *.study);;All files (*)"));
    if (path.isEmpty()) return 0;

    tw::ui::StudyViewer window;
    if (!window.openStudy(path)) {
        QMessageBox::critical(nullptr, QObject::tr("Cannot open study"), window.errorString());
        return 1;
    }
    window.show();
    return app.exec();
}
