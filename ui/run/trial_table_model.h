#pragma once
// A read-only table of a study's trials: number, state, value, duration and
// one column per parameter.
#include "study/trial.h"
#include "space/search_space.h"

#include <QAbstractTableModel>

#include <vector>

namespace tw::ui {

class TrialTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    explicit TrialTableModel(QObject* parent = nullptr);
    void setTrials(const space::SearchSpace& space, std::vector<study::Trial> trials);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

private:
    space::SearchSpace _space;
    std::vector<study::Trial> _trials;
    static constexpr int kFixedColumns = 4;
};

} // namespace tw::ui
