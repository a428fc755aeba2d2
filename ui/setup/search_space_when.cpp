// The When cell of the search-space table: text <-> conditions, and its
// validation by core's rules on a skeleton of the space.
#include "setup/search_space_model.h"
#include "util/printable.h"

#include <QStringList>

#include <algorithm>
#include <stdexcept>

namespace tw::ui {

namespace {

std::string str(const QString& s) { return s.toStdString(); }

/// Core's message without the "parameter 'x': " context.
QString stripContext(const std::string& what)
{
    QString m = QString::fromStdString(what);
    const int at = m.indexOf(QStringLiteral("': "));
    if (m.startsWith(QStringLiteral("parameter '")) && at > 0) m = m.mid(at + 3);
    return m;
}

} // namespace

QString SearchSpaceModel::whenToText(const std::vector<space::Condition>& when)
{
    QStringList parts;
    for (const auto& c : when) parts << QString::fromStdString(c.parent) + QStringLiteral(" = ") + choicesToText(c.values);
    return parts.join(QStringLiteral("; "));
}

std::vector<space::Condition> SearchSpaceModel::whenFromText(const QString& text)
{
    // Split on ';' outside "quotes".
    QStringList parts;
    QString current;
    bool quoted = false;
    for (const QChar ch : text) {
        if (ch == QLatin1Char('"')) quoted = !quoted;
        if (ch == QLatin1Char(';') && !quoted) {
            parts << current;
            current.clear();
        } else {
            current += ch;
        }
    }
    parts << current;
    std::vector<space::Condition> out;
    if (text.trimmed().isEmpty()) return out;
    for (const QString& part : parts) {
        const int eq = part.indexOf(QLatin1Char('='));
        if (part.trimmed().isEmpty()) throw std::invalid_argument("empty condition (write parent = choice, choice)");
        if (eq < 0)
            throw std::invalid_argument("'" + str(part.trimmed()) + "' needs '=' (write parent = choice, choice)");
        const QString parent = part.left(eq).trimmed();
        if (parent.isEmpty()) throw std::invalid_argument("a condition needs a parent name before '='");
        out.push_back({str(parent), choicesFromText(part.mid(eq + 1))});
    }
    return out;
}

QString SearchSpaceModel::whenError(int ri) const
{
    const Row& r = _rows[ri];
    std::vector<space::Condition> when;
    try {
        when = whenFromText(r.when);
    } catch (const std::invalid_argument& ex) {
        return QString::fromStdString(tw::printable(ex.what()));
    }
    if (when.empty()) return {};
    // A skeleton of the space: every named row, categoricals with their
    // choices, the others as plain floats. Core's rules then speak for this
    // cell: first this row's conditions alone, then every row's (a cycle).
    auto skeleton = [&](bool allConditions) {
        std::vector<space::Param> params;
        std::vector<QString> names;
        for (int k = 0; k < _rows.size(); ++k) {
            const Row& row = _rows[k];
            if (row.name.trimmed().isEmpty() || std::find(names.begin(), names.end(), row.name) != names.end()) continue;
            names.push_back(row.name);
            space::Param p = space::FloatParam{str(row.name), 0.0, 1.0, false, std::nullopt};
            if (row.type == QLatin1String("categorical")) {
                try {
                    p = space::CategoricalParam{str(row.name), choicesFromText(row.choices)};
                } catch (const std::invalid_argument&) { // the Choices cell says why
                }
            } else if (row.type == QLatin1String("int")) {
                p = space::IntParam{str(row.name), 0.0, 1.0, false};
            }
            if (k == ri) space::setConditions(p, when);
            else if (allConditions) {
                try {
                    space::setConditions(p, whenFromText(row.when));
                } catch (const std::invalid_argument&) {
                }
            }
            params.push_back(std::move(p));
        }
        return params;
    };
    const std::string self = str(r.name);
    for (const bool all : {false, true}) {
        try {
            space::SearchSpace probe(skeleton(all));
        } catch (const std::invalid_argument& ex) {
            const std::string m = tw::printable(ex.what());
            if (m.find("'when'") == std::string::npos) return {}; // another cell's rule
            if (!all && m.rfind("parameter '" + self + "': ", 0) != 0) return {};
            // A cycle is this cell's when it runs through this parameter.
            if (all && m.find("(" + self + " -> ") == std::string::npos && m.find("-> " + self + " ") == std::string::npos &&
                m.find("-> " + self + ")") == std::string::npos)
                return {};
            return stripContext(m);
        }
    }
    return {};
}

} // namespace tw::ui
