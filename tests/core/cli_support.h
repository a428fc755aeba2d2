#pragma once
// Running the real `tw` binary (TW_BINARY) from a test and reading its JSON.
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest>

#include "core/tw_process.h"

using Result = ProgramRun;

inline Result tw(const QStringList& args, int timeoutMs = 60000)
{
    return twRun(args, timeoutMs);
}

inline QJsonObject object(const QByteArray& line)
{
    QJsonParseError e;
    const QJsonDocument d = QJsonDocument::fromJson(line, &e);
    if (e.error != QJsonParseError::NoError)
        qWarning("not JSON: %s", line.constData());
    return d.object();
}

inline QList<QJsonObject> jsonLines(const QByteArray& text)
{
    QList<QJsonObject> list;
    for (const QByteArray& line : text.split('\n'))
        if (!line.trimmed().isEmpty())
            list << object(line);
    return list;
}

inline QByteArray readFile(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

inline void writeFile(const QString& path, const QByteArray& data, bool executable = false)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(data);
    f.close();
    if (executable)
        f.setPermissions(f.permissions() | QFileDevice::ExeOwner | QFileDevice::ExeUser);
}

