#include "setup/model_form.h"

#include "setup/number_edit.h"
#include "train/model_family.h"
#include "util/printable.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QVBoxLayout>

#include <climits>
#include <cmath>

namespace tw::ui {

using nlohmann::json;

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

int clampInt(double v)
{
    if (std::isinf(v)) return v > 0 ? INT_MAX : INT_MIN;
    return int(std::max<double>(INT_MIN, std::min<double>(INT_MAX, v)));
}

const train::SettingInfo* info(const QString& family, const QString& key)
{
    const train::ModelFamily* f = train::findModelFamily(family.toStdString());
    return f ? f->setting(key.toStdString()) : nullptr;
}

} // namespace

QString settingLabel(const std::string& key)
{
    QString s = q(key);
    s.replace(QLatin1Char('_'), QLatin1Char(' '));
    if (!s.isEmpty()) s[0] = s[0].toUpper();
    return s;
}

void markSearched(QWidget* w, bool searched)
{
    if (w->property("searched").toBool() == searched) return;
    w->setProperty("searched", searched);
    w->setStyleSheet(searched ? QStringLiteral("color: #1a56b0; font-style: italic;") : QString());
    // Qt leaves the style sheet's font on the line edit inside a spin box or
    // an editable combo box when the sheet is cleared.
    if (!searched)
        for (QWidget* child : w->findChildren<QWidget*>()) child->setFont(w->font());
    const QString tip = w->toolTip().section(QStringLiteral("\n\nSearched:"), 0, 0);
    w->setToolTip(searched ? tip + ModelForm::tr("\n\nSearched: the search space overrides this value in every trial")
                           : tip);
}

ModelForm::ModelForm(QWidget* parent) : QWidget(parent)
{
    _family = new QComboBox;
    _family->setObjectName(QStringLiteral("modelFamily"));
    auto* pages = new QVBoxLayout;
    pages->setContentsMargins(0, 0, 0, 0);
    for (const train::ModelFamily* f : train::modelFamilies()) {
        const QString name = q(f->name());
        _family->addItem(name);
        _family->setItemData(_family->count() - 1, q(f->label()), Qt::ToolTipRole);
        auto* page = new QWidget;
        page->setObjectName(name + QStringLiteral("Page"));
        auto* form = new QFormLayout(page);
        form->setContentsMargins(0, 0, 0, 0);
        for (const auto& s : f->settings()) {
            QWidget* w = makeField(s);
            w->setObjectName(name + QLatin1Char('.') + q(s.key));
            _fields[name][q(s.key)] = w;
            if (s.type == train::SettingType::Bool) form->addRow(QString(), w);
            else form->addRow(settingLabel(s.key), w);
        }
        _forms[name] = form;
        QSet<QSpinBox*> counts; // the settings that count parts (conv_blocks)
        for (const auto& s : f->settings())
            if (auto* count = qobject_cast<QSpinBox*>(_fields[name].value(q(s.partOf)))) counts.insert(count);
        for (QSpinBox* count : counts) connect(count, &QSpinBox::valueChanged, this, [this] { updateParts(); });
        pages->addWidget(page);
        _pages.push_back(page);
    }
    _family->setToolTip(tr("The kind of model every trial trains; each family has its own settings"));
    auto* top = new QFormLayout;
    top->setContentsMargins(0, 0, 0, 0);
    top->addRow(tr("Family"), _family);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addLayout(pages);
    connect(_family, &QComboBox::currentIndexChanged, this, [this](int i) {
        showPage(i);
        if (!_loading) Q_EMIT familyChanged(family());
        edited();
    });
    setConfig({});
}

void ModelForm::updateParts()
{
    for (const train::ModelFamily* f : train::modelFamilies()) {
        const QString name = q(f->name());
        for (const auto& s : f->settings()) {
            if (s.partOf.empty()) continue;
            auto* count = qobject_cast<QSpinBox*>(field(name, q(s.partOf)));
            const bool exists = !count || _searched.contains(q(s.partOf)) || count->value() >= s.part;
            _forms[name]->setRowVisible(field(name, q(s.key)), exists);
        }
    }
}

void ModelForm::showPage(int index)
{
    // One page visible at a time: hidden pages take no room, so the box has
    // the height of the family shown, not of the longest one.
    for (int i = 0; i < _pages.size(); ++i) _pages[i]->setVisible(i == index);
}

QWidget* ModelForm::makeField(const train::SettingInfo& s)
{
    const QString tip = q(s.help);
    switch (s.type) {
    case train::SettingType::Int: {
        auto* spin = new QSpinBox;
        const bool derived = s.defaultValue.is_null();
        spin->setRange(clampInt(s.min) - (derived ? 1 : 0), clampInt(s.max));
        if (derived) spin->setSpecialValueText(tr("auto"));
        spin->setAccelerated(true);
        spin->setToolTip(tip);
        connect(spin, &QSpinBox::valueChanged, this, [this] { edited(); });
        return spin;
    }
    case train::SettingType::Float: {
        auto* e = new NumberEdit;
        e->setHelp(tip);
        if (s.defaultValue.is_null()) e->setOptional(true, tr("auto"));
        connect(e, &NumberEdit::valueChanged, this, [this] { edited(); });
        return e;
    }
    case train::SettingType::Bool: {
        auto* c = new QCheckBox(settingLabel(s.key));
        c->setToolTip(tip);
        connect(c, &QCheckBox::toggled, this, [this] { edited(); });
        return c;
    }
    case train::SettingType::Choice: {
        auto* c = new QComboBox;
        for (const auto& choice : s.choices) c->addItem(q(choice));
        c->setToolTip(tip);
        connect(c, &QComboBox::currentTextChanged, this, [this] { edited(); });
        return c;
    }
    case train::SettingType::Text:
        break;
    }
    auto* line = new QLineEdit;
    line->setToolTip(tip);
    if (s.defaultValue == json("")) line->setPlaceholderText(tr("none"));
    connect(line, &QLineEdit::textChanged, this, [this] { edited(); });
    return line;
}

void ModelForm::setField(QWidget* w, const train::SettingInfo& s, const json& value)
{
    const json v = value.is_null() ? s.defaultValue : value;
    if (auto* spin = qobject_cast<QSpinBox*>(w)) spin->setValue(v.is_number() ? v.get<int>() : spin->minimum());
    else if (auto* e = qobject_cast<NumberEdit*>(w)) {
        if (v.is_number()) e->setValue(v.get<double>());
        else e->clearValue();
    } else if (auto* c = qobject_cast<QCheckBox*>(w)) c->setChecked(v.is_boolean() && v.get<bool>());
    else if (auto* c = qobject_cast<QComboBox*>(w)) c->setCurrentText(v.is_string() ? q(v.get<std::string>()) : QString());
    else if (auto* l = qobject_cast<QLineEdit*>(w)) l->setText(v.is_string() ? q(v.get<std::string>()) : QString());
}

json ModelForm::fieldValue(QWidget* w, const train::SettingInfo& s) const
{
    if (auto* spin = qobject_cast<QSpinBox*>(w)) {
        if (s.defaultValue.is_null() && spin->value() == spin->minimum()) return nullptr;
        return spin->value();
    }
    if (auto* e = qobject_cast<NumberEdit*>(w)) return e->hasValue() || !s.defaultValue.is_null() ? json(e->value()) : json();
    if (auto* c = qobject_cast<QCheckBox*>(w)) return c->isChecked();
    if (auto* c = qobject_cast<QComboBox*>(w)) return c->currentText().toStdString();
    if (auto* l = qobject_cast<QLineEdit*>(w)) return l->text().trimmed().toStdString();
    return nullptr;
}

void ModelForm::setConfig(const train::ModelConfig& m)
{
    _loading = true;
    for (auto fam = _fields.begin(); fam != _fields.end(); ++fam)
        for (auto it = fam.value().begin(); it != fam.value().end(); ++it) {
            const train::SettingInfo* s = info(fam.key(), it.key());
            const std::string key = it.key().toStdString();
            setField(it.value(), *s, m.has(key) ? m.values[key] : json());
        }
    const int index = _family->findText(q(m.family));
    _family->setCurrentIndex(index >= 0 ? index : 0);
    showPage(_family->currentIndex());
    updateParts();
    _loading = false;
}

json ModelForm::toJson() const
{
    const QString current = family();
    json j{{"family", current.toStdString()}};
    const auto fields = _fields.value(current);
    for (auto it = fields.begin(); it != fields.end(); ++it) {
        const json v = fieldValue(it.value(), *info(current, it.key()));
        if (!v.is_null()) j[it.key().toStdString()] = v;
    }
    // Other families' settings matter when the search space picks the family.
    for (auto fam = _fields.begin(); fam != _fields.end(); ++fam) {
        if (fam.key() == current) continue;
        for (auto it = fam.value().begin(); it != fam.value().end(); ++it) {
            const std::string key = it.key().toStdString();
            if (j.contains(key)) continue;
            const train::SettingInfo* s = info(fam.key(), it.key());
            const json v = fieldValue(it.value(), *s);
            if (!v.is_null() && v != s->defaultValue) j[key] = v;
        }
    }
    return j;
}

QString ModelForm::family() const
{
    return _family->currentText();
}

void ModelForm::setFamily(const QString& family)
{
    const int index = _family->findText(family);
    if (index >= 0) _family->setCurrentIndex(index);
}

QString ModelForm::formError() const
{
    const QString current = family();
    const auto fields = _fields.value(current);
    for (auto it = fields.begin(); it != fields.end(); ++it) {
        if (auto* n = qobject_cast<NumberEdit*>(it.value()); n && !n->isValid())
            return tr("Model, %1: %2").arg(settingLabel(it.key().toStdString()).toLower(), n->error());
        const train::SettingInfo* s = info(current, it.key());
        try {
            s->check(fieldValue(it.value(), *s), "model");
        } catch (const std::invalid_argument& e) {
            return tr("Model, %1: %2").arg(settingLabel(s->key).toLower(), q(tw::printable(e.what())));
        }
    }
    return {};
}

void ModelForm::setSearched(const QSet<QString>& keys)
{
    _searched = keys;
    updateParts();
    for (auto fam = _fields.begin(); fam != _fields.end(); ++fam)
        for (auto it = fam.value().begin(); it != fam.value().end(); ++it) {
            QWidget* w = it.value();
            const bool searched = keys.contains(it.key());
            if (auto* n = qobject_cast<NumberEdit*>(w)) {
                n->setSearched(searched);
                continue;
            }
            markSearched(w, searched);
        }
    _family->setStyleSheet(keys.contains(QStringLiteral("family"))
                               ? QStringLiteral("color: #1a56b0; font-style: italic;")
                               : QString());
}

void ModelForm::setFamilyEnabled(const QString& family, bool enabled, const QString& why)
{
    auto* model = qobject_cast<QStandardItemModel*>(_family->model());
    const int index = _family->findText(family);
    if (!model || index < 0) return;
    QStandardItem* item = model->item(index);
    item->setEnabled(enabled || this->family() == family);
    const train::ModelFamily* f = train::findModelFamily(family.toStdString());
    const QString label = f ? q(f->label()) : family;
    item->setToolTip(enabled || why.isEmpty() ? label : label + QStringLiteral(": ") + why);
}

void ModelForm::setReadOnly(bool readOnly)
{
    _family->setEnabled(!readOnly);
    for (auto fam = _fields.begin(); fam != _fields.end(); ++fam)
        for (QWidget* w : fam.value()) w->setEnabled(!readOnly);
}

QWidget* ModelForm::field(const QString& family, const QString& key) const
{
    return _fields.value(family).value(key, nullptr);
}

void ModelForm::edited()
{
    if (!_loading) Q_EMIT changed();
}

} // namespace tw::ui
