#include "run/trial_table_model.h"

#include <QBrush>
#include <QColor>

namespace tw::ui {

TrialTableModel::TrialTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void TrialTableModel::setTrials(const space::SearchSpace& space, std::vector<study::Trial> trials)
{
    beginResetModel();
    _space = space;
    _trials = std::move(trials);
    endResetModel();
}

int TrialTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(_trials.size());
}

int TrialTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : kFixedColumns + int(_space.size());
}

QVariant TrialTableModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o != Qt::Horizontal || role != Qt::DisplayRole) return {};
    static const char* fixed[kFixedColumns] = {"Trial", "State", "Objective", "Duration (s)"};
    if (section < kFixedColumns) return tr(fixed[section]);
    return QString::fromStdString(space::nameOf(_space[size_t(section - kFixedColumns)]));
}

QVariant TrialTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || size_t(index.row()) >= _trials.size()) return {};
    const auto& t = _trials[size_t(index.row())];
    const int c = index.column();
    if (role == Qt::ToolTipRole && !t.reason.empty()) return QString::fromStdString(t.reason);
    if (role == Qt::ForegroundRole && c == 1) {
        switch (t.state) {
        case study::TrialState::Failed: return QBrush(QColor(200, 60, 60));
        case study::TrialState::Pruned: return QBrush(QColor(180, 130, 40));
        case study::TrialState::Running: return QBrush(QColor(60, 120, 200));
        default: return {};
        }
    }
    if (role == Qt::TextAlignmentRole) {
        const bool text = c == 1 || (c >= kFixedColumns &&
                                     std::holds_alternative<space::CategoricalParam>(_space[size_t(c - kFixedColumns)]));
        return int((text ? Qt::AlignLeft : Qt::AlignRight) | Qt::AlignVCenter);
    }
    if (role != Qt::DisplayRole) return {};
    switch (c) {
    case 0: return t.number;
    case 1: return QString::fromStdString(study::toString(t.state));
    case 2: return t.value ? QVariant(*t.value) : QVariant();
    case 3: return t.finished() ? QVariant(QString::number(t.duration(), 'f', 2)) : QVariant();
    default: break;
    }
    const size_t p = size_t(c - kFixedColumns);
    if (p >= t.params.size()) return {};
    const auto values = _space.valuesToJson(t.params);
    const auto& v = values[space::nameOf(_space[p])];
    if (v.is_string()) return QString::fromStdString(v.get<std::string>());
    if (v.is_boolean()) return v.get<bool>() ? QStringLiteral("true") : QStringLiteral("false");
    if (v.is_number_integer()) return qlonglong(v.get<long long>());
    return v.get<double>();
}

} // namespace tw::ui
