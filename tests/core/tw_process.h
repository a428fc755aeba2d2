#pragma once
// Running the real `tw` binary (TW_BINARY) from a test that also uses
// namespace tw (cli_support.h's function `tw` clashes with it): twRun and the
// JSON lines it prints.
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QProcess>
#include <QtGlobal>

/// What a program run by a test did.
struct ProgramRun {
    int code = -1; // exit status; -1 when it did not start, was killed or timed out
    QByteArray out, err;
};
using TwRun = ProgramRun;

/// Runs `program` with `args` (stdin closed) and waits for it, killed after `timeoutMs`.
inline ProgramRun runProgram(const QString& program, const QStringList& args, int timeoutMs = 120000)
{
    QProcess p;
    p.start(program, args);
    p.closeWriteChannel();
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        qWarning("%s %s: did not finish within %d ms", qPrintable(program), qPrintable(args.join(' ')), timeoutMs);
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

/// The real `tw` with these arguments.
inline TwRun twRun(const QStringList& args, int timeoutMs = 120000)
{
    return runProgram(QStringLiteral(TW_BINARY), args, timeoutMs);
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
