#pragma once
// File > Open database study: a storage URL (postgresql://USER@HOST:PORT/DB),
// then the list of its studies (name, trials, best, last activity), read on a
// pool thread so the window never waits on the network. The password, if
// any, comes from libpq's own files and variables (~/.pgpass, PGPASSFILE,
// PGPASSWORD); a URL with one is refused with that advice.
#include <QDialog>
#include <QFutureWatcher>
#include <QString>

#include <vector>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace tw::ui {

class DatabaseStudyDialog : public QDialog {
    Q_OBJECT
public:
    explicit DatabaseStudyDialog(const QString& url, QWidget* parent = nullptr);
    ~DatabaseStudyDialog() override;

    QString url() const;
    /// The selected study ("" when none).
    QString studyName() const;
    /// Lists the studies of url() (asynchronously; listed() tells when).
    void listStudies();
    QTableWidget* table() const { return _table; }
    /// The last listing's error ("" when it worked).
    QString error() const { return _error; }

Q_SIGNALS:
    /// A listing ended: how many studies (-1: it failed, error() says why).
    void listed(int count);

private:
    struct Row {
        QString name, direction, error;
        int trials = 0, complete = 0, running = 0;
        bool hasBest = false;
        double best = 0;
        double updatedAt = 0;
    };
    struct Listing {
        std::vector<Row> rows;
        QString error;
    };
    void onListed();
    void updateButtons();

    QLineEdit* _url = nullptr;
    QPushButton* _list = nullptr;
    QTableWidget* _table = nullptr;
    QLabel* _status = nullptr;
    QDialogButtonBox* _buttons = nullptr;
    QFutureWatcher<Listing> _watcher;
    QString _error;
};

} // namespace tw::ui
