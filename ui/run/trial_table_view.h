#pragma once
// The trial table: sortable, filterable by state, rows copied as
// tab-separated text (Ctrl+C, with the header), and a context menu that fixes
// the contour plots at a trial or overlays its learning curve.
#include "run/trial_table_model.h"

#include <QWidget>

class QComboBox;
class QTableView;

namespace tw::ui {

class TrialTableView : public QWidget {
    Q_OBJECT
public:
    explicit TrialTableView(QWidget* parent = nullptr);
    TrialTableModel* model() const { return _model; }
    TrialFilterModel* proxy() const { return _proxy; }
    QTableView* table() const { return _table; }
    /// "all", "complete", "pruned", "failed", "running" (the filter box).
    void setStateFilter(const QString& state);
    /// Selects trial `number` (shows it when the filter hides it).
    void selectTrial(int number);
    /// Numbers of the selected trials, in table order.
    QList<int> selectedTrials() const;
    /// The selected rows (all when none) as tab-separated text with a header line.
    QString selectionText() const;
    void copySelection() const;

Q_SIGNALS:
    void currentTrialChanged(int number);
    void fixContoursRequested(int number);
    void selectionChanged(const QList<int>& numbers);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void showMenu(const QPoint& pos);
    TrialTableModel* _model;
    TrialFilterModel* _proxy;
    QTableView* _table;
    QComboBox* _filter;
    QList<int> _keep;   // the selection across a model reset
};

} // namespace tw::ui
