#include "setup/number_edit.h"

#include "data/csv.h"

namespace tw::ui {

NumberEdit::NumberEdit(QWidget* parent) : QLineEdit(parent)
{
    setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    setText(QStringLiteral("0"));
    connect(this, &QLineEdit::textChanged, this, &NumberEdit::onTextEdited);
}

void NumberEdit::setValue(double value)
{
    _value = value;
    const QString text = QString::fromStdString(data::formatNumber(value));
    if (text != this->text()) setText(text); // textChanged -> onTextEdited
    showState();
}

QString NumberEdit::error() const
{
    double v = 0;
    if (text().trimmed().isEmpty()) return _optional ? QString() : tr("a number is required");
    if (!data::parseNumber(text().trimmed().toStdString(), v)) return tr("'%1' is not a number").arg(text());
    return {};
}

void NumberEdit::setHelp(const QString& help)
{
    _help = help;
    showState();
}

void NumberEdit::setSearched(bool searched)
{
    _searched = searched;
    showState();
}

void NumberEdit::setOptional(bool optional, const QString& placeholder)
{
    _optional = optional;
    setPlaceholderText(placeholder);
    showState();
}

bool NumberEdit::hasValue() const
{
    return !text().trimmed().isEmpty();
}

void NumberEdit::clearValue()
{
    if (!text().isEmpty()) setText(QString()); // textChanged -> onTextEdited
    showState();
}

void NumberEdit::onTextEdited(const QString& text)
{
    double v = 0;
    if (_optional && text.trimmed().isEmpty()) {
        Q_EMIT valueChanged(_value); // "not given" is a change too
    } else if (data::parseNumber(text.trimmed().toStdString(), v) && v != _value) {
        _value = v;
        Q_EMIT valueChanged(v);
    } else if (!isValid()) {
        Q_EMIT valueChanged(_value); // the form becomes invalid
    }
    showState();
}

void NumberEdit::showState()
{
    const QString e = error();
    const QString searched = tr("\n\nSearched: the search space overrides this value in every trial");
    const QString help = _searched ? _help + searched : _help;
    setStyleSheet(!e.isEmpty() ? QStringLiteral("QLineEdit { background: #ffd6d6; }")
                  : _searched  ? QStringLiteral("QLineEdit { color: #1a56b0; font-style: italic; }")
                               : QString());
    setToolTip(e.isEmpty() ? help : e + QStringLiteral("\n\n") + help);
}

} // namespace tw::ui
