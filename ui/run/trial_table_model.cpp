#include "run/trial_table_model.h"

#include "train/metrics.h"
#include "train/tune.h"

#include <QBrush>
#include <QColor>

#include <algorithm>
#include <cmath>

namespace tw::ui {

TrialTableModel::TrialTableModel(QObject* parent) : QAbstractTableModel(parent) {}

std::vector<std::string> TrialTableModel::metricNames(const std::vector<study::Trial>& trials)
{
    std::set<std::string> names;
    for (const auto& t : trials) {
        const auto it = t.userAttrs.find("metrics");
        if (it == t.userAttrs.end() || !it->is_object()) continue;
        for (const auto& [k, v] : it->items())
            if (v.is_number()) names.insert(k);
    }
    return {names.begin(), names.end()};
}

void TrialTableModel::setTrials(const space::SearchSpace& space, std::vector<study::Trial> trials)
{
    const auto metrics = metricNames(trials);
    const bool sameShape = space.toJson() == _space.toJson() && metrics == _metrics &&
                           trials.size() >= _trials.size() &&
                           std::equal(_trials.begin(), _trials.end(), trials.begin(),
                                      [](const auto& a, const auto& b) { return a.number == b.number; });
    std::vector<nlohmann::json> values;
    values.reserve(trials.size());
    for (const auto& t : trials) values.push_back(space.valuesToJson(t.params));
    if (!sameShape) {
        beginResetModel();
        _space = space;
        _metrics = metrics;
        _trials = std::move(trials);
        _values = std::move(values);
        endResetModel();
        return;
    }
    // Same columns, the old rows a prefix: refresh the rows that changed and append the new ones.
    const size_t old = _trials.size();
    for (size_t i = 0; i < old; ++i) {
        const auto& a = _trials[i];
        const auto& b = trials[i];
        const bool changed = a.state != b.state || a.value != b.value || a.finishedAt != b.finishedAt ||
                             a.reason != b.reason || a.userAttrs != b.userAttrs;
        _trials[i] = std::move(trials[i]);
        _values[i] = std::move(values[i]);
        if (changed) Q_EMIT dataChanged(index(int(i), 0), index(int(i), columnCount() - 1));
    }
    if (trials.size() > old) {
        beginInsertRows({}, int(old), int(trials.size()) - 1);
        for (size_t i = old; i < trials.size(); ++i) {
            _trials.push_back(std::move(trials[i]));
            _values.push_back(std::move(values[i]));
        }
        endInsertRows();
    }
}

void TrialTableModel::setObjective(const std::string& metric, const std::string& positiveClass)
{
    if (metric == _objective && positiveClass == _positiveClass) return;
    _objective = metric;
    _positiveClass = positiveClass;
    if (columnCount() > 0) Q_EMIT headerDataChanged(Qt::Horizontal, 0, columnCount() - 1);
}

QString TrialTableModel::metricLabel(const std::string& name) const
{
    return QString::fromStdString(train::Metrics::label(name, _positiveClass));
}

int TrialTableModel::rowOf(int number) const
{
    const auto it = std::lower_bound(_trials.begin(), _trials.end(), number,
                                     [](const study::Trial& t, int n) { return t.number < n; });
    return it != _trials.end() && it->number == number ? int(it - _trials.begin()) : -1;
}

int TrialTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(_trials.size());
}

int TrialTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : kFixedColumns + int(_metrics.size()) + int(_space.size());
}

namespace {
enum class Column { Trial, State, Objective, Parameter, Duration, Host, Device, Metric };
}

/// What column `c` shows, and the index within its kind (parameter or metric).
static std::pair<Column, int> columnKind(int c, int params)
{
    if (c < 3) return {Column(c), 0};
    if (c < 3 + params) return {Column::Parameter, c - 3};
    if (c == 3 + params) return {Column::Duration, 0};
    if (c == 4 + params) return {Column::Host, 0};
    if (c == 5 + params) return {Column::Device, 0};
    return {Column::Metric, c - 6 - params};
}

QVariant TrialTableModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o != Qt::Horizontal) return {};
    const auto [kind, i] = columnKind(section, int(_space.size()));
    if (role == Qt::DisplayRole) {
        switch (kind) {
        case Column::Trial: return tr("Trial");
        case Column::State: return tr("State");
        case Column::Objective: return _objective.empty() ? tr("Objective") : tr("Objective: %1").arg(metricLabel(_objective));
        case Column::Parameter: return QString::fromStdString(space::nameOf(_space[size_t(i)]));
        case Column::Duration: return tr("Duration (s)");
        case Column::Host: return tr("Host");
        case Column::Device: return tr("Device");
        case Column::Metric: return metricLabel(_metrics[size_t(i)]);
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (kind) {
        case Column::Trial: return tr("The trial's number, in the order the optimizer proposed it");
        case Column::State:
            return tr("complete, pruned (stopped early by the median pruner), failed (with the reason), running, or "
                      "queued (a configuration to run next, waiting for the run to start it)");
        case Column::Objective: return tr("The objective's value on the validation data (complete trials)");
        case Column::Parameter: return tr("Search parameter");
        case Column::Duration: return tr("Wall-clock seconds from proposal to result");
        case Column::Host: return tr("The machine whose worker ran the trial");
        case Column::Device: return tr("Where the trial trained (recorded when it started)");
        case Column::Metric:
            return tr("%1 on the validation data at the trial's best epoch (%2)")
                .arg(metricLabel(_metrics[size_t(i)]), QString::fromStdString(_metrics[size_t(i)]));
        }
    }
    return {};
}

QVariant TrialTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || size_t(index.row()) >= _trials.size()) return {};
    const auto& t = _trials[size_t(index.row())];
    const auto [kind, i] = columnKind(index.column(), int(_space.size()));
    if (role == kTrialRole) return t.number;
    if (role == kStateRole) return int(t.state);
    if (role == Qt::ToolTipRole && !t.reason.empty()) return QString::fromStdString(t.reason);
    if (role == Qt::ForegroundRole && kind == Column::State) {
        switch (t.state) {
        case study::TrialState::Failed: return QBrush(QColor(214, 69, 65));
        case study::TrialState::Pruned: return QBrush(QColor(196, 140, 40));
        case study::TrialState::Running: return QBrush(QColor(66, 133, 214));
        default: return {};
        }
    }
    if (role == Qt::TextAlignmentRole) {
        bool text = kind == Column::State || kind == Column::Host || kind == Column::Device;
        if (kind == Column::Parameter) text = std::holds_alternative<space::CategoricalParam>(_space[size_t(i)]);
        return int((text ? Qt::AlignLeft : Qt::AlignRight) | Qt::AlignVCenter);
    }
    if (role != Qt::DisplayRole) return {};
    switch (kind) {
    case Column::Trial: return t.number;
    case Column::State: return train::waitingToRun(t) ? tr("queued") : QString::fromStdString(study::toString(t.state));
    case Column::Objective: return t.value ? QVariant(*t.value) : QVariant();
    case Column::Duration: return t.duration() ? QVariant(std::round(*t.duration() * 100.0) / 100.0) : QVariant();
    case Column::Host: return t.host.empty() ? QVariant() : QVariant(QString::fromStdString(t.host));
    case Column::Device: {
        const auto it = t.userAttrs.find("device");
        return it != t.userAttrs.end() && it->is_string() ? QString::fromStdString(it->get<std::string>()) : QVariant();
    }
    case Column::Metric: {
        const auto it = t.userAttrs.find("metrics");
        if (it == t.userAttrs.end() || !it->is_object()) return {};
        const auto v = it->find(_metrics[size_t(i)]);
        return v != it->end() && v->is_number() ? QVariant(v->get<double>()) : QVariant();
    }
    case Column::Parameter: break;
    }
    const auto& values = _values[size_t(index.row())];
    const auto v = values.find(space::nameOf(_space[size_t(i)]));
    if (v == values.end()) return {};
    if (v->is_string()) return QString::fromStdString(v->get<std::string>());
    if (v->is_boolean()) return v->get<bool>() ? QStringLiteral("true") : QStringLiteral("false");
    if (v->is_number_integer()) return qlonglong(v->get<long long>());
    return v->get<double>();
}

TrialFilterModel::TrialFilterModel(QObject* parent) : QSortFilterProxyModel(parent)
{
    setSortRole(Qt::DisplayRole);
}

void TrialFilterModel::setStates(std::set<study::TrialState> states)
{
    _states = std::move(states);
    invalidateFilter();
}

bool TrialFilterModel::filterAcceptsRow(int row, const QModelIndex& parent) const
{
    if (_states.empty()) return true;
    const QModelIndex i = sourceModel()->index(row, 0, parent);
    return _states.count(study::TrialState(sourceModel()->data(i, TrialTableModel::kStateRole).toInt())) > 0;
}

} // namespace tw::ui
