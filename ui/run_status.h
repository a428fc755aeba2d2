#pragma once
// The status bar's view of a run: trial k of N, the running trial's epoch,
// elapsed time and an ETA from the measured trial durations, and the device.
#include <QWidget>

class QLabel;
class QProgressBar;

namespace tw::ui {

class StudyController;

class RunStatus : public QWidget {
    Q_OBJECT
public:
    explicit RunStatus(StudyController* controller, QWidget* parent = nullptr);
    /// Re-reads the controller (the window calls it on its refresh timer).
    void refresh();

    /// "1 h 02 min", "3 min 20 s", "12 s"
    static QString duration(double seconds);

private:
    StudyController* _controller;
    QProgressBar* _bar;
    QLabel* _label;
    QLabel* _device;
};

} // namespace tw::ui
