#pragma once
// Running the real `tw` binary (TW_BINARY) from a test that also uses
// namespace tw (cli_support.h's function `tw` clashes with it): twRun and the
// JSON lines it prints.
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QProcess>

struct TwRun {
    int code = -1;
    QByteArray out, err;
};

/// The real `tw` with these arguments, waited for (killed after `timeoutMs`).
inline TwRun twRun(const QStringList& args, int timeoutMs = 120000)
{
    QProcess p;
    p.start(QStringLiteral(TW_BINARY), args);
    p.closeWriteChannel();
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

inline QJsonObject jsonObject(const QByteArray& line)
{
    return QJsonDocument::fromJson(line).object();
}

inline QList<QJsonObject> jsonObjects(const QByteArray& text)
{
    QList<QJsonObject> list;
    for (const QByteArray& line : text.split('\n'))
        if (!line.trimmed().isEmpty()) list << jsonObject(line);
    return list;
}
