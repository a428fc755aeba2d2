// Layering: no file under core/ includes a Qt header (DESIGN.md, rule 1), and
// each heavy library's headers stay inside its own small library.
#include <QDirIterator>
#include <QFile>
#include <QRegularExpression>
#include <QtTest>

class TestLayering : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void detectorCatchesQtIncludes();
    void coreIncludesNoQtHeader();
    void heavyHeadersStayInTheirLibrary();

private:
    /// "LINE: TEXT" for each line of `text` that includes a Qt header.
    static QStringList qtIncludes(const QString& text);
};

QStringList TestLayering::qtIncludes(const QString& text)
{
    // #include <QString>, <QtCore/QObject>, "QFoo.h", with any spacing.
    static const QRegularExpression re(QStringLiteral(R"(^\s*#\s*include\s*[<"]Q)"));
    QStringList hits;
    const QStringList lines = text.split(QLatin1Char('\n'));
    for (int i = 0; i < lines.size(); ++i)
        if (re.match(lines[i]).hasMatch()) hits << QStringLiteral("%1: %2").arg(i + 1).arg(lines[i].trimmed());
    return hits;
}

void TestLayering::detectorCatchesQtIncludes()
{
    QCOMPARE(qtIncludes(QStringLiteral("#include <QString>")).size(), 1);
    QCOMPARE(qtIncludes(QStringLiteral("int x;\n  #  include <QtCore/QObject>\n")).size(), 1);
    QCOMPARE(qtIncludes(QStringLiteral("#include \"QDebug\"")).size(), 1);
    QCOMPARE(qtIncludes(QStringLiteral("#include <Eigen/Core>\n#include \"study/study.h\"\n// QString\n")).size(), 0);
    QCOMPARE(qtIncludes(QStringLiteral("#include <queue>")).size(), 0);
}

void TestLayering::coreIncludesNoQtHeader()
{
    const QString root = QStringLiteral(TW_SOURCE_DIR "/core");
    QVERIFY2(QFileInfo(root).isDir(), qPrintable(root + " is not a directory"));
    static const QStringList kSuffixes{"h", "hpp", "hh", "cpp", "cc", "cxx", "inl", "ipp"};
    QStringList offenders;
    int scanned = 0;
    QDirIterator it(root, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        if (!kSuffixes.contains(QFileInfo(path).suffix())) continue;
        QFile f(path);
        QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable("cannot read " + path));
        ++scanned;
        for (const QString& hit : qtIncludes(QString::fromUtf8(f.readAll())))
            offenders << QDir(TW_SOURCE_DIR).relativeFilePath(path) + QLatin1Char(':') + hit;
    }
    QVERIFY2(scanned > 10, qPrintable(QStringLiteral("only %1 source files found under %2").arg(scanned).arg(root)));
    QVERIFY2(offenders.isEmpty(),
             qPrintable("core/ must not include Qt headers:\n  " + offenders.join(QStringLiteral("\n  "))));
}

void TestLayering::heavyHeadersStayInTheirLibrary()
{
    // The header, and the folder of core/ whose .cpp files (only) may include it.
    struct Rule {
        QRegularExpression include;
        QString folder;
    };
    const QList<Rule> rules{
        {QRegularExpression(QStringLiteral(R"(^\s*#\s*include\s*[<"]libpq-fe\.h)"), QRegularExpression::MultilineOption),
         QStringLiteral("pg")},
        {QRegularExpression(QStringLiteral(R"(^\s*#\s*include\s*[<"]xgboost/)"), QRegularExpression::MultilineOption),
         QStringLiteral("trees")},
    };
    const QString root = QStringLiteral(TW_SOURCE_DIR "/core");
    QStringList offenders;
    for (const QString& top : {root, QStringLiteral(TW_SOURCE_DIR "/ui"), QStringLiteral(TW_SOURCE_DIR "/app")}) {
        QDirIterator it(top, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            static const QStringList kSources{"h", "hpp", "cpp", "cc"};
            if (!kSources.contains(QFileInfo(path).suffix())) continue;
            QFile f(path);
            if (!f.open(QIODevice::ReadOnly)) continue;
            const QString text = QString::fromUtf8(f.readAll());
            const QString rel = QDir(root).relativeFilePath(path);
            for (const Rule& r : rules)
                if (r.include.match(text).hasMatch() &&
                    !(rel.startsWith(r.folder + QLatin1Char('/')) && path.endsWith(QLatin1String(".cpp"))))
                    offenders << QDir(TW_SOURCE_DIR).relativeFilePath(path) + " includes " + r.include.pattern();
        }
    }
    QVERIFY2(offenders.isEmpty(), qPrintable(offenders.join(QStringLiteral("\n  "))));
}

QTEST_APPLESS_MAIN(TestLayering)
#include "test_layering.moc"
