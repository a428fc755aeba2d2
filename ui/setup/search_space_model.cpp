#include "setup/search_space_model.h"

#include "data/csv.h"
#include "train/setting_aliases.h"
#include "train/setting_info.h"
#include "train/study_spec.h"
#include "util/printable.h"

#include <QApplication>
#include <QBrush>
#include <QColor>
#include <QFile>
#include <QFileInfo>
#include <QIcon>
#include <QStyle>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace tw::ui {

using nlohmann::json;

namespace {

std::string str(const QString& s) { return s.toStdString(); }

bool parseNumber(const QString& text, double& value)
{
    const std::string s = text.trimmed().toStdString();
    return !s.empty() && data::parseNumber(s, value);
}

QString number(double v) { return QString::fromStdString(data::formatNumber(v)); }

json numberJson(double v)
{
    if (v == std::trunc(v) && std::abs(v) < 9007199254740992.0) return json(static_cast<int64_t>(v));
    return json(v);
}

json choiceJson(const space::Choice& c)
{
    if (const auto* s = std::get_if<std::string>(&c)) return *s;
    if (const auto* b = std::get_if<bool>(&c)) return *b;
    return numberJson(std::get<double>(c));
}

bool isSettingKey(const std::string& name)
{
    if (name.rfind("class_weight_", 0) == 0 && name.size() > 13)
        return std::all_of(name.begin() + 13, name.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
    const auto keys = train::StudySpec::settingKeys();
    return std::find(keys.begin(), keys.end(), name) != keys.end() && name != "class_weight_K";
}

QString settingList()
{
    QStringList keys;
    for (const auto& k : train::StudySpec::settingKeys()) keys << QString::fromStdString(k);
    return keys.join(QStringLiteral(", "));
}

/// Core's message without the "parameter 'x': " context.
QString stripContext(const std::string& what)
{
    QString m = QString::fromStdString(what);
    const int at = m.indexOf(QStringLiteral("': "));
    if (m.startsWith(QStringLiteral("parameter '")) && at > 0) m = m.mid(at + 3);
    return m;
}

/// Whether `value` is a legal value of setting `name` (core's rules).
QString settingError(const std::string& name, const json& value)
{
    train::ModelConfig m;
    train::TrainConfig t;
    data::PreprocessOptions p;
    try {
        train::StudySpec::setSetting(m, t, p, name, value);
        m.validate();
        t.validate();
        p.validate();
    } catch (const std::invalid_argument& e) {
        return QString::fromStdString(tw::printable(value.dump() + ": " + e.what()));
    }
    return {};
}

} // namespace

SearchSpaceModel::SearchSpaceModel(QObject* parent) : QAbstractTableModel(parent) {}

int SearchSpaceModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(_rows.size()); }

int SearchSpaceModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QString SearchSpaceModel::columnName(int column)
{
    static const char* names[] = {"Name", "Setting", "Type", "Low", "High", "Log", "Step", "Choices", "When"};
    return column >= 0 && column < ColumnCount ? QString::fromLatin1(names[column]) : QString();
}

bool SearchSpaceModel::isSetting(const QString& name) { return isSettingKey(str(name)); }

QString SearchSpaceModel::settingOf(int r) const
{
    if (r < 0 || r >= _rows.size()) return {};
    const Row& row = _rows[r];
    if (!row.setting.trimmed().isEmpty()) return row.setting.trimmed();
    if (isSetting(row.name)) return row.name;
    if (const auto alias = train::settingAlias(str(row.name))) return QString::fromStdString(*alias);
    return {};
}

static bool applies(const SearchSpaceModel::Row& row, int column)
{
    const bool categorical = row.type == QLatin1String("categorical");
    switch (column) {
    case SearchSpaceModel::SettingColumn: // a name that is a setting sets itself
        return !SearchSpaceModel::isSetting(row.name) || (!row.setting.isEmpty() && row.setting != row.name);
    case SearchSpaceModel::LowColumn:
    case SearchSpaceModel::HighColumn:
    case SearchSpaceModel::LogColumn: return !categorical;
    case SearchSpaceModel::StepColumn: return row.type == QLatin1String("float");
    case SearchSpaceModel::ChoicesColumn: return categorical;
    default: return true;
    }
}

QVariant SearchSpaceModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= _rows.size()) return {};
    const Row& r = _rows[index.row()];
    const int c = index.column();
    const QString error = _errors.value(index.row()).value(c);
    const bool used = applies(r, c);
    switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole:
        if (!used && role == Qt::DisplayRole) return c == LogColumn ? QVariant() : QVariant(QStringLiteral("—"));
        switch (c) {
        case NameColumn: return r.name;
        case SettingColumn: {
            const QString setting = settingOf(index.row());
            return setting.isEmpty() && role == Qt::DisplayRole ? tr("(pick one)") : setting;
        }
        case TypeColumn: return r.type;
        case LowColumn: return r.low;
        case HighColumn: return r.high;
        case LogColumn: return role == Qt::EditRole ? QVariant(r.log) : QVariant();
        case StepColumn: return r.step;
        case ChoicesColumn: return r.choices;
        case WhenColumn: return r.when;
        }
        return {};
    case Qt::CheckStateRole:
        if (c == LogColumn && used) return r.log ? Qt::Checked : Qt::Unchecked;
        return {};
    case Qt::ToolTipRole:
        if (!error.isEmpty()) return error;
        switch (c) {
        case NameColumn:
            return tr("The parameter's name: the setting it overrides (%1), or a name of its own (lr, as an Ax or "
                      "Keras script names it) with the setting it sets in the Setting column")
                .arg(settingList());
        case SettingColumn: {
            if (!used) return tr("'%1' is a setting: the parameter sets it").arg(r.name);
            const QString setting = settingOf(index.row());
            const auto alias = train::settingAlias(str(r.name));
            if (alias && QString::fromStdString(*alias) == setting)
                return tr("'%1' is a known name of %2 (Ax, Keras, Optuna or Hugging Face scripts); pick another "
                          "setting if the parameter means something else")
                    .arg(r.name, setting);
            return tr("The setting that '%1' sets (written as its \"setting\" in the spec)").arg(r.name);
        }
        case TypeColumn: return tr("float (a real range), int (an integer range) or categorical (a list of choices)");
        case LowColumn: return used ? tr("Lowest value of the range") : tr("Not used by a categorical parameter");
        case HighColumn: return used ? tr("Highest value of the range") : tr("Not used by a categorical parameter");
        case LogColumn: return used ? tr("Sample on a log scale (needs low > 0): for learning rates and weight decay")
                                    : tr("Not used by a categorical parameter");
        case StepColumn: return used ? tr("Optional grid step of a float range (must divide high - low); empty for continuous")
                                     : tr("Only float parameters take a step");
        case ChoicesColumn: {
            if (!used) return tr("Only categorical parameters take choices");
            const QString help = tr("Comma-separated choices: relu, tanh; numbers and true/false are typed; "
                                    "\"quote\" a text that looks like a number");
            return r.choices.trimmed().isEmpty() ? help : r.choices + QStringLiteral("\n\n") + help; // the whole list
        }
        case WhenColumn: return tr("Empty: always searched. \"optimizer = sgd\": searched only when the categorical "
                                   "parameter optimizer is sgd (several choices comma-separated; several "
                                   "parents separated by ';', all must hold)");
        }
        return {};
    case Qt::BackgroundRole:
        if (!error.isEmpty()) return QBrush(QColor(255, 214, 214));
        if (!used) return QBrush(QColor(240, 240, 240));
        return {};
    case Qt::ForegroundRole:
        if (!used) return QBrush(QColor(150, 150, 150));
        return {};
    case Qt::DecorationRole:
        if (!error.isEmpty() && qApp) return qApp->style()->standardIcon(QStyle::SP_MessageBoxWarning);
        return {};
    case Qt::TextAlignmentRole:
        if (!used) return int(Qt::AlignCenter); // the dash of a cell that does not apply
        if (c == LowColumn || c == HighColumn || c == StepColumn) return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    }
    return {};
}

QVariant SearchSpaceModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Vertical) {
        if (role == Qt::DisplayRole) return section + 1;
        return {};
    }
    if (role == Qt::DisplayRole) return columnName(section);
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case NameColumn: return tr("The parameter's name: the setting it overrides (a model, training or preprocessing "
                                   "key), or a name of its own");
        case SettingColumn: return tr("The setting a parameter of another name sets (lr: learning_rate); — where the "
                                      "name is itself the setting");
        case TypeColumn: return tr("float, int or categorical");
        case LowColumn: return tr("Lowest value (float and int)");
        case HighColumn: return tr("Highest value (float and int)");
        case LogColumn: return tr("Log scale (float and int; needs low > 0)");
        case StepColumn: return tr("Grid step (float only; optional)");
        case ChoicesColumn: return tr("Comma-separated choices (categorical only)");
        case WhenColumn: return tr("Condition on a categorical parameter: parent = choice, choice (empty: always)");
        }
    }
    return {};
}

Qt::ItemFlags SearchSpaceModel::flags(const QModelIndex& index) const
{
    if (!index.isValid()) return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsSelectable | Qt::ItemIsEnabled;
    if (_readOnly || !applies(_rows[index.row()], index.column())) return f;
    if (index.column() == LogColumn) return f | Qt::ItemIsUserCheckable;
    return f | Qt::ItemIsEditable;
}

bool SearchSpaceModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (!index.isValid() || index.row() >= _rows.size() || _readOnly) return false;
    Row& r = _rows[index.row()];
    const int c = index.column();
    if (c == LogColumn) {
        if (role == Qt::CheckStateRole) r.log = value.toInt() == Qt::Checked;
        else if (role == Qt::EditRole) r.log = value.toBool();
        else return false;
    } else {
        if (role != Qt::EditRole) return false;
        QString text;
        if (value.typeId() == QMetaType::Double || value.typeId() == QMetaType::Float)
            text = number(value.toDouble());
        else
            text = value.toString().trimmed();
        switch (c) {
        case NameColumn: r.name = text; break;
        case SettingColumn: r.setting = text == r.name ? QString() : text; break;
        case TypeColumn: r.type = text.toLower(); break;
        case LowColumn: r.low = text; break;
        case HighColumn: r.high = text; break;
        case StepColumn: r.step = text; break;
        case ChoicesColumn: r.choices = value.toString(); break;
        case WhenColumn: r.when = value.toString().trimmed(); break;
        default: return false;
        }
    }
    changed();
    return true;
}

bool SearchSpaceModel::removeRows(int row, int count, const QModelIndex& parent)
{
    if (parent.isValid() || row < 0 || count <= 0 || row + count > _rows.size()) return false;
    beginRemoveRows(parent, row, row + count - 1);
    _rows.remove(row, count);
    endRemoveRows();
    changed();
    return true;
}

void SearchSpaceModel::setSpace(const space::SearchSpace& space, const std::map<std::string, std::string>& settings)
{
    beginResetModel();
    _rows.clear();
    for (const auto& p : space.params()) {
        _rows.push_back(rowFromParam(p));
        if (auto it = settings.find(space::nameOf(p)); it != settings.end() && it->second != space::nameOf(p))
            _rows.back().setting = QString::fromStdString(it->second);
    }
    endResetModel();
    changed();
}

int SearchSpaceModel::appendRow(const Row& row)
{
    const int at = int(_rows.size());
    beginInsertRows({}, at, at);
    _rows.push_back(row);
    endInsertRows();
    changed();
    return at;
}

int SearchSpaceModel::appendParam(const space::Param& param) { return appendRow(rowFromParam(param)); }

SearchSpaceModel::Row SearchSpaceModel::rowForSetting(const train::SettingInfo& setting)
{
    Row r;
    r.name = QString::fromStdString(setting.key);
    switch (setting.type) {
    case train::SettingType::Int:
    case train::SettingType::Float:
        r.type = setting.type == train::SettingType::Int ? QStringLiteral("int") : QStringLiteral("float");
        r.low = number(setting.searchLow);
        r.high = number(setting.searchHigh);
        r.log = setting.searchLog;
        break;
    case train::SettingType::Bool:
        r.type = QStringLiteral("categorical");
        r.choices = QStringLiteral("true, false");
        break;
    case train::SettingType::Choice: {
        std::vector<space::Choice> choices;
        for (const auto& c : setting.choices) choices.emplace_back(c);
        r.type = QStringLiteral("categorical");
        r.choices = choicesToText(choices);
        break;
    }
    case train::SettingType::Text:
        r.type = QStringLiteral("categorical");
        r.choices = setting.defaultValue.is_string() ? QString::fromStdString(setting.defaultValue.get<std::string>())
                                                     : QString();
        break;
    }
    return r;
}

bool SearchSpaceModel::applySetting(int r, const train::SettingInfo& setting)
{
    if (_readOnly || r < 0 || r >= _rows.size()) return false;
    Row row = rowForSetting(setting);
    row.when = _rows[r].when;
    _rows[r] = row;
    changed();
    return true;
}

int SearchSpaceModel::addParameter()
{
    // A placeholder that is a valid setting not yet searched, when there is one.
    static const char* candidates[] = {"learning_rate", "weight_decay", "dropout", "momentum", "warmup_ratio"};
    for (const char* name : candidates)
        if (indexOf(QString::fromLatin1(name)) < 0) {
            space::FloatParam f{name, 0.0, 1.0, false, std::nullopt};
            if (f.name == "learning_rate") f = {name, 1e-4, 1e-1, true, std::nullopt};
            else if (f.name == "weight_decay") f = {name, 1e-6, 1e-2, true, std::nullopt};
            else if (f.name == "dropout" || f.name == "warmup_ratio") f.high = 0.5;
            return appendParam(f);
        }
    Row r;
    r.name = QStringLiteral("parameter_%1").arg(_rows.size() + 1);
    r.low = QStringLiteral("0");
    r.high = QStringLiteral("1");
    return appendRow(r);
}

int SearchSpaceModel::duplicateRow(int r)
{
    if (r < 0 || r >= _rows.size()) return -1;
    Row copy = _rows[r];
    copy.name += QStringLiteral("_copy");
    beginInsertRows({}, r + 1, r + 1);
    _rows.insert(r + 1, copy);
    endInsertRows();
    changed();
    return r + 1;
}

int SearchSpaceModel::indexOf(const QString& name) const
{
    for (int i = 0; i < _rows.size(); ++i)
        if (_rows[i].name == name) return i;
    return -1;
}

SearchSpaceModel::Row SearchSpaceModel::rowFromParam(const space::Param& param)
{
    Row r;
    r.name = QString::fromStdString(space::nameOf(param));
    r.type = QString::fromStdString(space::typeName(param));
    if (const auto* f = std::get_if<space::FloatParam>(&param)) {
        r.low = number(f->low);
        r.high = number(f->high);
        r.log = f->log;
        if (f->step) r.step = number(*f->step);
    } else if (const auto* i = std::get_if<space::IntParam>(&param)) {
        r.low = number(i->low);
        r.high = number(i->high);
        r.log = i->log;
    } else {
        r.choices = choicesToText(std::get<space::CategoricalParam>(param).choices);
    }
    r.when = whenToText(space::conditionsOf(param));
    return r;
}

json SearchSpaceModel::toJson() const
{
    json params = json::array();
    for (const Row& r : _rows) {
        json o{{"name", str(r.name)}, {"type", str(r.type)}};
        auto num = [](const QString& t) -> json {
            double v = 0;
            return parseNumber(t, v) ? numberJson(v) : json(str(t));
        };
        if (r.type == QLatin1String("categorical")) {
            json choices = json::array();
            try {
                for (const auto& c : choicesFromText(r.choices)) choices.push_back(choiceJson(c));
            } catch (const std::invalid_argument&) {
                choices = str(r.choices); // core reports "'choices' must be an array"
            }
            o["choices"] = choices;
        } else {
            o["low"] = num(r.low);
            o["high"] = num(r.high);
            if (r.log) o["log"] = true;
            if (r.type == QLatin1String("float") && !r.step.trimmed().isEmpty()) o["step"] = num(r.step);
        }
        if (!r.when.trimmed().isEmpty()) {
            try {
                o["when"] = json::object();
                for (const auto& c : whenFromText(r.when)) {
                    json values = json::array();
                    for (const auto& v : c.values) values.push_back(choiceJson(v));
                    o["when"][c.parent] = values;
                }
            } catch (const std::invalid_argument&) {
                o["when"] = str(r.when); // core reports "'when' must be an object ..."
            }
        }
        params.push_back(std::move(o));
    }
    return json{{"parameters", params}};
}

json SearchSpaceModel::specJson() const
{
    json j = toJson();
    for (int r = 0; r < _rows.size(); ++r) {
        const QString setting = settingOf(r);
        if (!setting.isEmpty() && setting != _rows[r].name) j["parameters"][size_t(r)]["setting"] = str(setting);
    }
    return j;
}

space::SearchSpace SearchSpaceModel::space() const
{
    if (hasCellErrors()) throw std::invalid_argument(str(firstCellError()));
    return space::SearchSpace::fromJson(toJson(), "search_space");
}

bool SearchSpaceModel::loadFile(const QString& path, QString* error)
{
    try {
        setSpace(space::SearchSpace::load(str(path)));
        return true;
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(tw::printable(e.what()));
        return false;
    }
}

bool SearchSpaceModel::saveFile(const QString& path, QString* error) const
{
    try {
        space().save(str(path));
        return true;
    } catch (const std::exception& e) {
        if (error) *error = QFileInfo(path).fileName() + QStringLiteral(": ") + QString::fromStdString(tw::printable(e.what()));
        return false;
    }
}

QString SearchSpaceModel::cellError(int row, int column) const { return _errors.value(row).value(column); }

bool SearchSpaceModel::hasCellErrors() const { return !firstCellError().isEmpty(); }

QString SearchSpaceModel::firstCellError() const
{
    for (int r = 0; r < _errors.size(); ++r)
        for (int c = 0; c < _errors[r].size(); ++c)
            if (!_errors[r][c].isEmpty())
                return tr("row %1 '%2', %3: %4").arg(r + 1).arg(_rows[r].name, columnName(c).toLower(), _errors[r][c]);
    return {};
}

void SearchSpaceModel::setReadOnly(bool readOnly)
{
    if (_readOnly == readOnly) return;
    _readOnly = readOnly;
    if (!_rows.isEmpty()) Q_EMIT dataChanged(index(0, 0), index(int(_rows.size()) - 1, ColumnCount - 1));
}

void SearchSpaceModel::changed()
{
    revalidate();
    if (!_rows.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(int(_rows.size()) - 1, ColumnCount - 1),
                           {Qt::DisplayRole, Qt::ToolTipRole, Qt::BackgroundRole, Qt::DecorationRole, Qt::CheckStateRole});
    Q_EMIT spaceEdited();
}

void SearchSpaceModel::revalidate()
{
    _errors.clear();
    for (int r = 0; r < _rows.size(); ++r) _errors.push_back(rowErrors(r));
}

QVector<QString> SearchSpaceModel::rowErrors(int ri) const
{
    QVector<QString> e(ColumnCount);
    const Row& r = _rows[ri];
    e[WhenColumn] = whenError(ri);

    // The setting the row sets: its name, its Setting cell, or its alias's.
    const QString settingKey = settingOf(ri);
    const std::string setting = str(settingKey);
    const QString settings = settingList().remove(QStringLiteral(", class_weight_K"));
    if (r.name.trimmed().isEmpty()) e[NameColumn] = tr("name must not be empty");
    else if (const int first = indexOf(r.name); first >= 0 && first < ri)
        e[NameColumn] = tr("duplicate name (parameters #%1 and #%2)").arg(first + 1).arg(ri + 1);
    else if (settingKey.isEmpty())
        e[NameColumn] = tr("'%1' is not a setting: pick the setting it sets in the Setting column, or name a setting "
                           "(settings: %2, class_weight_K with K a class index)")
                            .arg(r.name, settings);
    if (applies(r, SettingColumn)) {
        if (settingKey.isEmpty()) e[SettingColumn] = tr("pick the setting that '%1' sets").arg(r.name);
        else if (!isSettingKey(setting))
            e[SettingColumn] = tr("'%1' is not a setting (settings: %2, class_weight_K with K a class index)")
                                   .arg(settingKey, settings);
    }
    if (!settingKey.isEmpty() && e[NameColumn].isEmpty() && e[SettingColumn].isEmpty())
        for (int k = 0; k < ri; ++k)
            if (settingOf(k) == settingKey) {
                e[applies(r, SettingColumn) ? SettingColumn : NameColumn] =
                    tr("parameters #%1 '%2' and #%3 '%4' both set %5").arg(k + 1).arg(_rows[k].name).arg(ri + 1).arg(r.name, settingKey);
                break;
            }

    const bool isFloat = r.type == QLatin1String("float"), isInt = r.type == QLatin1String("int");
    if (!isFloat && !isInt && r.type != QLatin1String("categorical")) {
        e[TypeColumn] = tr("unknown type '%1' (expected float, int or categorical)").arg(r.type);
        return e;
    }

    space::Param param;
    double low = 0, high = 0, step = 0;
    if (isFloat || isInt) {
        auto numberCell = [&](int column, const QString& text, const char* field, double& v) {
            if (text.trimmed().isEmpty()) e[column] = tr("'%1' is required").arg(QLatin1String(field));
            else if (!parseNumber(text, v)) e[column] = tr("'%1' must be a finite number (got '%2')").arg(QLatin1String(field), text);
        };
        numberCell(LowColumn, r.low, "low", low);
        numberCell(HighColumn, r.high, "high", high);
        const bool hasStep = isFloat && !r.step.trimmed().isEmpty();
        if (hasStep) numberCell(StepColumn, r.step, "step", step);
        if (!e[LowColumn].isEmpty() || !e[HighColumn].isEmpty() || !e[StepColumn].isEmpty()) return e;
        if (isFloat) param = space::FloatParam{"p", low, high, r.log, hasStep ? std::optional<double>(step) : std::nullopt};
        else param = space::IntParam{"p", low, high, r.log};
    } else {
        try {
            const auto choices = choicesFromText(r.choices);
            if (choices.empty()) e[ChoicesColumn] = tr("needs at least one choice");
            param = space::CategoricalParam{"p", choices};
        } catch (const std::invalid_argument& ex) {
            e[ChoicesColumn] = QString::fromStdString(tw::printable(ex.what()));
        }
        if (!e[ChoicesColumn].isEmpty()) return e;
    }

    // The parameter's own rules: core's message, placed on the cell it concerns.
    try {
        space::SearchSpace({param});
    } catch (const std::invalid_argument& ex) {
        const QString m = stripContext(tw::printable(ex.what()));
        if (m.contains(QLatin1String("choice"))) e[ChoicesColumn] = m;
        else if (m.contains(QLatin1String("'step'"))) e[StepColumn] = m;
        else if (m.contains(QLatin1String("high ="))) {
            e[HighColumn] = m;
            if (m.contains(QLatin1String("low <"))) e[LowColumn] = m;
        } else e[LowColumn] = m;
        return e;
    }

    // Every value of the range must be a legal value of its setting.
    if (!e[NameColumn].isEmpty() || !e[SettingColumn].isEmpty()) return e;
    if (const auto* c = std::get_if<space::CategoricalParam>(&param)) {
        for (const auto& choice : c->choices)
            if (const QString m = settingError(setting, choiceJson(choice)); !m.isEmpty()) {
                e[ChoicesColumn] = tr("choice %1").arg(m);
                break;
            }
    } else {
        const json lowJ = isInt ? json(int64_t(low)) : json(low), highJ = isInt ? json(int64_t(high)) : json(high);
        if (const QString m = settingError(setting, lowJ); !m.isEmpty()) e[LowColumn] = tr("low = %1").arg(m);
        if (const QString m = settingError(setting, highJ); !m.isEmpty()) e[HighColumn] = tr("high = %1").arg(m);
    }
    return e;
}

} // namespace tw::ui
