// The choices cell of the search-space table: text <-> choices.
#include "setup/search_space_model.h"

#include "data/csv.h"

#include <QStringList>

#include <stdexcept>

namespace tw::ui {

namespace {

bool parseNumber(const QString& text, double& value)
{
    const std::string s = text.trimmed().toStdString();
    return !s.empty() && data::parseNumber(s, value);
}

std::string str(const QString& s) { return s.toStdString(); }

} // namespace

QString SearchSpaceModel::choicesToText(const std::vector<space::Choice>& choices)
{
    QStringList parts;
    for (const auto& c : choices) {
        if (const auto* s = std::get_if<std::string>(&c)) {
            const QString t = QString::fromStdString(*s);
            double v = 0;
            const bool ambiguous = t.isEmpty() || t != t.trimmed() || t.contains(QLatin1Char(',')) ||
                                   t.contains(QLatin1Char('"')) || t == QLatin1String("true") ||
                                   t == QLatin1String("false") || parseNumber(t, v);
            parts << (ambiguous ? QLatin1Char('"') + t + QLatin1Char('"') : t);
        } else {
            parts << QString::fromStdString(space::choiceToString(c));
        }
    }
    return parts.join(QStringLiteral(", "));
}

std::vector<space::Choice> SearchSpaceModel::choicesFromText(const QString& text)
{
    std::vector<space::Choice> out;
    if (text.trimmed().isEmpty()) return out;
    QStringList tokens;
    QString current;
    bool quoted = false;
    for (QChar ch : text) {
        if (ch == QLatin1Char('"')) quoted = !quoted;
        if (ch == QLatin1Char(',') && !quoted) {
            tokens << current;
            current.clear();
        } else {
            current += ch;
        }
    }
    if (quoted) throw std::invalid_argument("unterminated quote in the choices");
    tokens << current;
    for (int k = 0; k < tokens.size(); ++k) {
        const QString t = tokens[k].trimmed();
        double v = 0;
        if (t.isEmpty())
            throw std::invalid_argument("choice #" + std::to_string(k + 1) + " is empty (a comma too many?)");
        if (t.size() >= 2 && t.startsWith(QLatin1Char('"')) && t.endsWith(QLatin1Char('"')))
            out.emplace_back(str(t.mid(1, t.size() - 2)));
        else if (t == QLatin1String("true") || t == QLatin1String("false"))
            out.emplace_back(t == QLatin1String("true"));
        else if (parseNumber(t, v))
            out.emplace_back(v);
        else if (t.contains(QLatin1Char('"')))
            throw std::invalid_argument("choice #" + std::to_string(k + 1) + " has a stray quote (" + str(t) + ")");
        else
            out.emplace_back(str(t));
    }
    return out;
}

} // namespace tw::ui
