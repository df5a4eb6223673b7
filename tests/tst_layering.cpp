// The architecture, checked: which folder of the code may include which (docs/architecture.md).
// The link graph keeps the layers apart (the engine links no Gui or Widgets, the models no
// Widgets); this keeps the rooms inside a layer from growing cycles, such as plan/ and executors/
// including each other, and keeps every include written by its path from the repository root.

#include <QDirIterator>
#include <QFile>
#include <QHash>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

namespace {

// Each room and the rooms it may include, besides itself. The engine's rooms are listed one by one;
// above the engine every room may include any engine room, and the rooms before it in its layer.
const QList<QPair<QString, QStringList>> &engineRooms()
{
    static const QList<QPair<QString, QStringList>> rooms = {
        {QStringLiteral("engine/support"), {}},
        {QStringLiteral("engine/plan"), {QStringLiteral("engine/support")}},
        {QStringLiteral("engine/executors"), {QStringLiteral("engine/support"), QStringLiteral("engine/plan")}},
        {QStringLiteral("engine/state"), {QStringLiteral("engine/support"), QStringLiteral("engine/plan"), QStringLiteral("engine/executors")}},
        {QStringLiteral("engine/run"),
         {QStringLiteral("engine/support"), QStringLiteral("engine/plan"), QStringLiteral("engine/executors"), QStringLiteral("engine/state")}},
        {QStringLiteral("engine/import"), {QStringLiteral("engine/support"), QStringLiteral("engine/plan")}},
        {QStringLiteral("engine/layout"), {QStringLiteral("engine/support"), QStringLiteral("engine/plan")}},
    };
    return rooms;
}

const QStringList &modelRooms()
{
    static const QStringList rooms = {QStringLiteral("models/plan"), QStringLiteral("models/run"), QStringLiteral("models/logs")};
    return rooms;
}

const QStringList &uiRooms()
{
    static const QStringList rooms = {QStringLiteral("ui/panes"), QStringLiteral("ui/graph"), QStringLiteral("ui/timeline"),
                                      QStringLiteral("ui/logs"), QStringLiteral("ui/inspector"), QStringLiteral("ui/dialogs"),
                                      QStringLiteral("ui/window")};
    return rooms;
}

// Every room and what it may include.
QHash<QString, QSet<QString>> allowedIncludes()
{
    QHash<QString, QSet<QString>> allowed;
    QSet<QString> engine;
    for (const auto &[room, below] : engineRooms()) {
        allowed[room] = QSet<QString>(below.begin(), below.end()) << room;
        engine << room;
    }
    QSet<QString> before = engine;
    for (const QString &room : modelRooms()) {
        allowed[room] = before << room;
        before << room;
    }
    for (const QString &room : uiRooms()) {
        allowed[room] = before << room;
        before << room;
    }
    allowed[QStringLiteral("app")] = before << QStringLiteral("app");
    return allowed;
}

struct Include
{
    QString file; // relative to the repository root
    int line = 0;
    QString target;
};

QString roomOf(const QString &path)
{
    const int slash = path.lastIndexOf(QLatin1Char('/'));
    return slash < 0 ? QString() : path.left(slash);
}

// Every #include "..." of the production code.
QList<Include> productionIncludes()
{
    static const QRegularExpression include(QStringLiteral("^\\s*#\\s*include\\s+\"([^\"]+)\""));
    const QString root = QStringLiteral(FANOUT_SOURCE_DIR);
    QList<Include> includes;
    for (const QString &layer : {QStringLiteral("engine"), QStringLiteral("models"), QStringLiteral("ui"), QStringLiteral("app")}) {
        QDirIterator it(root + QLatin1Char('/') + layer, {QStringLiteral("*.h"), QStringLiteral("*.cpp")}, QDir::Files,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            QFile file(path);
            if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
                continue;
            const QString relative = path.mid(root.size() + 1);
            int number = 0;
            while (!file.atEnd()) {
                const QString text = QString::fromUtf8(file.readLine());
                ++number;
                if (const auto m = include.match(text); m.hasMatch())
                    includes.append({relative, number, m.captured(1)});
            }
        }
    }
    return includes;
}

} // namespace

class tst_Layering : public QObject
{
    Q_OBJECT

private slots:
    void findsTheCode();
    void includesAreByPath();
    void roomsIncludeOnlyWhatIsBelowThem();
    void everyRoomIsKnown();
};

// A check that finds nothing to check passes for the wrong reason.
void tst_Layering::findsTheCode()
{
    const QList<Include> includes = productionIncludes();
    QVERIFY2(includes.size() > 300, qPrintable(QString::number(includes.size())));
    QSet<QString> rooms;
    for (const Include &include : includes)
        rooms << roomOf(include.file);
    QVERIFY2(rooms.contains(QStringLiteral("engine/run")) && rooms.contains(QStringLiteral("ui/window")),
             qPrintable(QStringList(rooms.begin(), rooms.end()).join(QLatin1Char(' '))));
}

void tst_Layering::includesAreByPath()
{
    const QString root = QStringLiteral(FANOUT_SOURCE_DIR);
    QStringList wrong;
    for (const Include &include : productionIncludes()) {
        if (!QFile::exists(root + QLatin1Char('/') + include.target))
            wrong.append(QStringLiteral("%1:%2: #include \"%3\" is not a path from the repository root")
                             .arg(include.file).arg(include.line).arg(include.target));
    }
    QVERIFY2(wrong.isEmpty(), qPrintable(wrong.join(QLatin1Char('\n'))));
}

void tst_Layering::roomsIncludeOnlyWhatIsBelowThem()
{
    const QHash<QString, QSet<QString>> allowed = allowedIncludes();
    QStringList wrong;
    for (const Include &include : productionIncludes()) {
        const QString from = roomOf(include.file);
        const QString to = roomOf(include.target);
        if (!allowed.value(from).contains(to))
            wrong.append(QStringLiteral("%1:%2: %3 may not include %4 (\"%5\")").arg(include.file).arg(include.line).arg(from, to, include.target));
    }
    QVERIFY2(wrong.isEmpty(), qPrintable(wrong.join(QLatin1Char('\n'))));
}

// A new folder is placed in the architecture, not left out of the check.
void tst_Layering::everyRoomIsKnown()
{
    const QHash<QString, QSet<QString>> allowed = allowedIncludes();
    QSet<QString> unknown;
    for (const Include &include : productionIncludes()) {
        if (!allowed.contains(roomOf(include.file)))
            unknown << roomOf(include.file);
    }
    QVERIFY2(unknown.isEmpty(), qPrintable(QStringList(unknown.begin(), unknown.end()).join(QLatin1Char(' '))));
}

QTEST_GUILESS_MAIN(tst_Layering)
#include "tst_layering.moc"
