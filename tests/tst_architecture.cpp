// The architecture, checked (docs/architecture.md): which folder of the code may include which, and
// that the code stays in pieces a reader can hold. The link graph keeps the layers apart (the
// engine links no Gui or Widgets, the models no Widgets); this keeps the rooms inside a layer from
// growing cycles, such as plan/ and executors/ including each other, keeps every include written
// by its path from the repository root, and no production file over 800 lines or function over
// 120 (a function that long is several steps that want names).

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
        {QStringLiteral("engine/argo"),
         {QStringLiteral("engine/support"), QStringLiteral("engine/plan"), QStringLiteral("engine/executors"), QStringLiteral("engine/state"),
          QStringLiteral("engine/run")}},
        {QStringLiteral("engine/history"),
         {QStringLiteral("engine/support"), QStringLiteral("engine/plan"), QStringLiteral("engine/state"), QStringLiteral("engine/run")}},
        {QStringLiteral("engine/forecast"),
         {QStringLiteral("engine/support"), QStringLiteral("engine/plan"), QStringLiteral("engine/executors"), QStringLiteral("engine/state"),
          QStringLiteral("engine/run"), QStringLiteral("engine/history")}},
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

constexpr int kMaxFileLines = 800;
constexpr int kMaxFunctionLines = 120;

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

// Every production source file (relative to the repository root) and its lines.
QList<QPair<QString, QStringList>> productionFiles()
{
    const QString root = QStringLiteral(FANOUT_SOURCE_DIR);
    QList<QPair<QString, QStringList>> files;
    for (const QString &layer : {QStringLiteral("engine"), QStringLiteral("models"), QStringLiteral("ui"), QStringLiteral("app")}) {
        QDirIterator it(root + QLatin1Char('/') + layer, {QStringLiteral("*.h"), QStringLiteral("*.cpp")}, QDir::Files,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            QFile file(path);
            if (file.open(QIODevice::ReadOnly | QIODevice::Text))
                files.append({path.mid(root.size() + 1), QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'))});
        }
    }
    return files;
}

// Every #include "..." of the production code.
QList<Include> productionIncludes()
{
    static const QRegularExpression include(QStringLiteral("^\\s*#\\s*include\\s+\"([^\"]+)\""));
    QList<Include> includes;
    for (const auto &[file, lines] : productionFiles()) {
        for (int i = 0; i < lines.size(); ++i) {
            if (const auto m = include.match(lines[i]); m.hasMatch())
                includes.append({file, i + 1, m.captured(1)});
        }
    }
    return includes;
}

struct Function
{
    QString file;
    int line = 0; // of its opening brace
    int length = 0;
    QString signature;
};

// The functions of a file, as the code is written (Qt's style, which the project follows): a body
// opens with a "{" alone on its line, at the indentation of its signature, and closes with a "}"
// at the same indentation. Bodies of classes, structs, namespaces and enums are not functions; a
// lambda written as a block belongs to the function it is in.
QList<Function> functionsOf(const QString &file, const QStringList &lines)
{
    static const QRegularExpression opening(QStringLiteral("^(\\s*)\\{$"));
    static const QRegularExpression closing(QStringLiteral("^(\\s*)\\}"));
    static const QRegularExpression type(QStringLiteral("^(template.*)?(class|struct|namespace|enum|union)\\b"));
    QList<Function> functions;
    QHash<int, Function> open; // by indentation
    for (int i = 0; i < lines.size(); ++i) {
        if (const auto m = opening.match(lines[i]); m.hasMatch()) {
            const QString indent = m.captured(1);
            int k = i - 1;
            while (k > 0 && lines[k].trimmed().isEmpty())
                --k;
            // A signature may take several lines: back to the one that starts it.
            while (k > 0 && (lines[k].startsWith(indent + QLatin1Char(' ')) || lines[k].trimmed().startsWith(QLatin1Char(':'))
                             || lines[k].trimmed().startsWith(QLatin1Char(','))))
                --k;
            const QString signature = lines[k].trimmed();
            const bool isFunction = !type.match(signature).hasMatch() && !signature.endsWith(QLatin1Char('='));
            open.insert(int(indent.size()), {file, isFunction ? i + 1 : -1, 0, signature});
            continue;
        }
        if (const auto m = closing.match(lines[i]); m.hasMatch() && open.contains(int(m.captured(1).size()))) {
            Function function = open.take(int(m.captured(1).size()));
            if (function.line < 0)
                continue;
            function.length = i + 2 - function.line;
            functions.append(function);
        }
    }
    return functions;
}

} // namespace

class tst_Architecture : public QObject
{
    Q_OBJECT

private slots:
    void findsTheCode();
    void includesAreByPath();
    void roomsIncludeOnlyWhatIsBelowThem();
    void everyRoomIsKnown();
    void filesStaySmall();
    void functionsStayShort();
    void noMergeConflictIsLeft();
};

// A check that finds nothing to check passes for the wrong reason.
void tst_Architecture::findsTheCode()
{
    const QList<Include> includes = productionIncludes();
    QVERIFY2(includes.size() > 300, qPrintable(QString::number(includes.size())));
    QSet<QString> rooms;
    for (const Include &include : includes)
        rooms << roomOf(include.file);
    QVERIFY2(rooms.contains(QStringLiteral("engine/run")) && rooms.contains(QStringLiteral("ui/window")),
             qPrintable(QStringList(rooms.begin(), rooms.end()).join(QLatin1Char(' '))));
}

void tst_Architecture::includesAreByPath()
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

void tst_Architecture::roomsIncludeOnlyWhatIsBelowThem()
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
void tst_Architecture::everyRoomIsKnown()
{
    const QHash<QString, QSet<QString>> allowed = allowedIncludes();
    QSet<QString> unknown;
    for (const Include &include : productionIncludes()) {
        if (!allowed.contains(roomOf(include.file)))
            unknown << roomOf(include.file);
    }
    QVERIFY2(unknown.isEmpty(), qPrintable(QStringList(unknown.begin(), unknown.end()).join(QLatin1Char(' '))));
}

void tst_Architecture::filesStaySmall()
{
    QStringList large;
    for (const auto &[file, lines] : productionFiles()) {
        if (lines.size() > kMaxFileLines)
            large.append(QStringLiteral("%1: %2 lines").arg(file).arg(lines.size()));
    }
    QVERIFY2(large.isEmpty(), qPrintable(large.join(QLatin1Char('\n'))));
}

void tst_Architecture::functionsStayShort()
{
    int found = 0;
    QStringList longer;
    for (const auto &[file, lines] : productionFiles()) {
        for (const Function &function : functionsOf(file, lines)) {
            ++found;
            if (function.length > kMaxFunctionLines)
                longer.append(QStringLiteral("%1:%2: %3 lines: %4").arg(function.file).arg(function.line).arg(function.length).arg(function.signature));
        }
    }
    QVERIFY2(found > 1000, qPrintable(QString::number(found))); // it finds the functions there are
    QVERIFY2(longer.isEmpty(), qPrintable(longer.join(QLatin1Char('\n'))));
}

// A merge whose conflict was committed unresolved: docs/history.md once kept both sides of one.
void tst_Architecture::noMergeConflictIsLeft()
{
    const QString root = QStringLiteral(FANOUT_SOURCE_DIR);
    const QStringList patterns = {QStringLiteral("*.h"), QStringLiteral("*.cpp"), QStringLiteral("*.md"), QStringLiteral("*.txt"),
                                  QStringLiteral("*.cmake"), QStringLiteral("*.json"), QStringLiteral("*.sh"), QStringLiteral("run")};
    int read = 0;
    QStringList conflicts;
    for (const QString &folder : {QStringLiteral("."), QStringLiteral("engine"), QStringLiteral("models"), QStringLiteral("ui"),
                                  QStringLiteral("app"), QStringLiteral("tests"), QStringLiteral("docs"), QStringLiteral("packaging"),
                                  QStringLiteral("resources"), QStringLiteral(".ci")}) {
        const bool top = folder == QLatin1String(".");
        QDirIterator it(root + QLatin1Char('/') + folder, patterns, QDir::Files, top ? QDirIterator::NoIteratorFlags : QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile file(it.next());
            if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
                continue;
            ++read;
            int number = 0;
            while (!file.atEnd()) {
                const QByteArray line = file.readLine();
                ++number;
                if (line.startsWith("<<<<<<< ") || line.startsWith(">>>>>>> ") || line.trimmed() == "<<<<<<<")
                    conflicts.append(QStringLiteral("%1:%2: %3").arg(file.fileName().mid(root.size() + 1)).arg(number).arg(QString::fromUtf8(line.trimmed())));
            }
        }
    }
    QVERIFY2(read > 400, qPrintable(QString::number(read)));
    QVERIFY2(conflicts.isEmpty(), qPrintable(conflicts.join(QLatin1Char('\n'))));
}

QTEST_GUILESS_MAIN(tst_Architecture)
#include "tst_architecture.moc"
