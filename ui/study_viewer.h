#pragma once
// A window that lists a study's trials: the first, plain face of the
// workbench. `tuning-workbench STUDY_FILE` opens one.
#include <QMainWindow>

class QLabel;
class QSortFilterProxyModel;
class QTableView;

namespace tw::ui {

class TrialTableModel;

class StudyViewer : public QMainWindow {
    Q_OBJECT
public:
    explicit StudyViewer(QWidget* parent = nullptr);
    /// Opens a study file; on failure returns false and sets errorString().
    bool openStudy(const QString& path);
    QString errorString() const { return _error; }
    TrialTableModel* model() const { return _model; }
    QTableView* view() const { return _view; }

private:
    TrialTableModel* _model;
    QSortFilterProxyModel* _proxy;
    QTableView* _view;
    QLabel* _summary;
    QString _error;
};

} // namespace tw::ui
