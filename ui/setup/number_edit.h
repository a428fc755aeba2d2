#pragma once
// A line edit for a real number that keeps the exact double it was given
// (a spin box rounds to its decimals: 0.0833333333 would not round-trip) and
// shows it in the shortest form that reads back the same (1e-05, 0.001).
#include <QLineEdit>

namespace tw::ui {

class NumberEdit : public QLineEdit {
    Q_OBJECT
public:
    explicit NumberEdit(QWidget* parent = nullptr);

    /// The number typed; the last valid one while the text does not parse.
    double value() const { return _value; }
    void setValue(double value);
    /// "" when the text is a finite number, else why not.
    QString error() const;
    bool isValid() const { return error().isEmpty(); }
    /// Tooltip text shown while the value is valid.
    void setHelp(const QString& help);
    /// Shown as a setting the search space overrides (blue italics, a note in the tooltip).
    void setSearched(bool searched);
    /// An optional number: empty text is valid and means "not given"
    /// (`placeholder` says what applies then, e.g. "auto").
    void setOptional(bool optional, const QString& placeholder = {});
    /// False while an optional edit is empty.
    bool hasValue() const;
    /// Empties an optional edit.
    void clearValue();

Q_SIGNALS:
    void valueChanged(double value);

private:
    double _value = 0;
    QString _help;
    bool _searched = false;
    bool _optional = false;
    void onTextEdited(const QString& text);
    void showState();
};

} // namespace tw::ui
