#pragma once
// The study's trials as a table: number, state, objective, duration, host, device,
// the recorded metrics and one column per parameter. Updates in place (rows
// appended, changed rows refreshed), so a view keeps its selection and scroll
// position while a study runs; numbers sort as numbers.
#include "space/search_space.h"
#include "study/trial.h"

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>

#include <set>
#include <string>
#include <vector>

namespace tw::ui {

class TrialTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    static constexpr int kTrialRole = Qt::UserRole + 1;   // the trial number (int)
    static constexpr int kStateRole = Qt::UserRole + 2;   // the state (int of study::TrialState)

    explicit TrialTableModel(QObject* parent = nullptr);
    void setTrials(const space::SearchSpace& space, std::vector<study::Trial> trials);
    /// The objective metric and positive class: the headers name them
    /// ("Objective: F1 (class 'spam')", "F1 (macro)", "validation loss").
    void setObjective(const std::string& metric, const std::string& positiveClass);
    const std::vector<study::Trial>& trials() const { return _trials; }
    /// Row of trial `number`, or -1.
    int rowOf(int number) const;
    const study::Trial& trialAt(int row) const { return _trials[size_t(row)]; }
    /// Columns: Trial, State, Objective, the parameters, Duration, Host, Device, the metrics.
    int parameterColumn(int i) const { return 3 + i; }
    static constexpr int objectiveColumn() { return 2; }
    int durationColumn() const { return 3 + int(_space.size()); }
    int hostColumn() const { return durationColumn() + 1; }
    int deviceColumn() const { return durationColumn() + 2; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

private:
    static constexpr int kFixedColumns = 6;
    static std::vector<std::string> metricNames(const std::vector<study::Trial>& trials);
    QString metricLabel(const std::string& name) const;
    space::SearchSpace _space;
    std::vector<study::Trial> _trials;
    std::vector<std::string> _metrics;   // keys of userAttrs["metrics"], sorted
    std::string _objective, _positiveClass;
    std::vector<nlohmann::json> _values; // valuesToJson per trial, cached
};

/// Filters a TrialTableModel by state.
class TrialFilterModel : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit TrialFilterModel(QObject* parent = nullptr);
    /// Shows trials in these states only (empty: all).
    void setStates(std::set<study::TrialState> states);

protected:
    bool filterAcceptsRow(int row, const QModelIndex& parent) const override;

private:
    std::set<study::TrialState> _states;
};

} // namespace tw::ui
