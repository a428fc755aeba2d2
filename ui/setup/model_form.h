#pragma once
// The "Model" box: the model family and its settings, built from the
// family registry's schemas (core/train/model_family.h), so every family
// gets its own fields, ranges and tooltips without code here. A setting
// with a derived default (a CNN block's filters) shows "auto" until set; a
// setting of a part shows while the part exists (filters_3 while
// conv_blocks >= 3, or while conv_blocks is searched).
#include "train/config.h"

#include <QMap>
#include <QSet>
#include <QVector>
#include <QWidget>

#include <nlohmann/json.hpp>

class QComboBox;
class QFormLayout;

namespace tw::train { struct SettingInfo; }

namespace tw::ui {

class ModelForm : public QWidget {
    Q_OBJECT
public:
    explicit ModelForm(QWidget* parent = nullptr);

    /// Shows a model config: the family, and for every family the given
    /// value of each setting or its default.
    void setConfig(const train::ModelConfig& model);
    /// The spec's "model" object: the family, its settings, and the values
    /// of other families' settings that differ from their defaults.
    nlohmann::json toJson() const;
    QString family() const;
    void setFamily(const QString& family);
    /// "" or the first field of the current family that does not parse or
    /// breaks its rule (core's message).
    QString formError() const;
    /// Marks the settings the search space overrides.
    void setSearched(const QSet<QString>& keys);
    /// Offers a family or not (greyed, with the reason as its tooltip).
    void setFamilyEnabled(const QString& family, bool enabled, const QString& why = {});
    void setReadOnly(bool readOnly);
    /// The field of a setting of a family (tests), or nullptr.
    QWidget* field(const QString& family, const QString& key) const;

Q_SIGNALS:
    void changed();
    void familyChanged(const QString& family);

private:
    QComboBox* _family;
    QVector<QWidget*> _pages; // one per family, in the combo's order
    /// family -> key -> field
    QMap<QString, QMap<QString, QWidget*>> _fields;
    QMap<QString, QFormLayout*> _forms; // family -> its page's form
    QSet<QString> _searched;
    bool _loading = false;

    QWidget* makeField(const train::SettingInfo& s);
    void setField(QWidget* w, const train::SettingInfo& s, const nlohmann::json& value);
    /// The field's value; null for a derived setting left "auto".
    nlohmann::json fieldValue(QWidget* w, const train::SettingInfo& s) const;
    void showPage(int index);
    /// Shows the settings of the parts that exist (SettingInfo::partOf).
    void updateParts();
    void edited();
};

/// "hidden_layers" -> "Hidden layers".
QString settingLabel(const std::string& key);
/// Marks a field whose setting the search space overrides (blue italics and
/// a note in its tooltip), or clears the mark: a spin box's or combo box's
/// own line edit loses the italics too.
void markSearched(QWidget* field, bool searched);

} // namespace tw::ui
