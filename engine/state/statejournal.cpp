#include "engine/state/statejournal.h"

#include <QFile>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace fanout {

namespace {

using json = nlohmann::ordered_json;

const char *eventName(StateJournal::Event event)
{
    switch (event) {
    case StateJournal::Event::Creating:
        return "creating";
    case StateJournal::Event::Created:
        return "created";
    case StateJournal::Event::Destroying:
        return "destroying";
    case StateJournal::Event::Destroyed:
        return "destroyed";
    case StateJournal::Event::Failed:
        return "failed";
    }
    Q_UNREACHABLE();
}

QByteArray line(const json &value)
{
    return QByteArray::fromStdString(value.dump(-1, ' ', false, json::error_handler_t::replace)) + '\n';
}

QString systemError(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

// Applies one record; false when it is not one.
bool apply(const json &record, DeploymentState &state, const QString &where, Diagnostics &diagnostics)
{
    if (!record.is_object())
        return false;
    if (const auto plan = record.find("plan"); plan != record.end() && plan->is_string()) {
        state.setPlanName(QString::fromStdString(plan->get<std::string>()));
    } else {
        const auto id = record.find("id");
        const auto entry = record.find("entry");
        if (id == record.end() || !id->is_string() || entry == record.end())
            return false;
        const QString key = QString::fromStdString(id->get<std::string>());
        if (entry->is_null()) {
            state.remove(key);
        } else {
            const int before = errorCount(diagnostics);
            const DeploymentState::Entry value = DeploymentState::entryFromJson(*entry, where, diagnostics);
            if (errorCount(diagnostics) > before)
                return true; // said already
            state.insert(key, value);
        }
    }
    if (const auto at = record.find("at"); at != record.end() && at->is_string())
        state.setUpdatedAt(QDateTime::fromString(QString::fromStdString(at->get<std::string>()), Qt::ISODateWithMs).toUTC());
    return true;
}

} // namespace

QString StateJournal::pathFor(const QString &statePath)
{
    return statePath + QStringLiteral(".journal");
}

QByteArray StateJournal::record(const QString &at, Event event, const QString &id, const std::string &entryText,
                                const QString &error)
{
    // The entry's text is the one the snapshot writes too: made once per change.
    json head = {{"at", at.toStdString()}, {"event", eventName(event)}, {"id", id.toStdString()}};
    if (!error.isEmpty())
        head["error"] = error.toStdString();
    std::string text = head.dump(-1, ' ', false, json::error_handler_t::replace);
    text.pop_back(); // the closing brace
    text += ",\"entry\":";
    text += entryText.empty() ? std::string("null") : entryText;
    text += "}\n";
    return QByteArray::fromStdString(text);
}

QByteArray StateJournal::planRecord(const QString &at, const QString &planName)
{
    return line(json{{"at", at.toStdString()}, {"event", "plan"}, {"plan", planName.toStdString()}});
}

void StateJournal::replay(const QString &journalPath, DeploymentState &state, Diagnostics &diagnostics)
{
    QFile file(journalPath);
    if (!file.open(QIODevice::ReadOnly)) {
        diagnostics.append(Diagnostic{Diagnostic::Severity::Error, QString(), 0, 0,
                                      QStringLiteral("cannot read its journal %1: %2").arg(journalPath, file.errorString())});
        return;
    }
    const QByteArray text = file.readAll();
    const QList<QByteArray> lines = text.split('\n');
    // Whatever follows the last newline was being written when Fanout stopped.
    const qsizetype complete = lines.size() - 1;
    for (qsizetype i = 0; i < complete; ++i) {
        if (lines[i].trimmed().isEmpty())
            continue;
        const QString where = QStringLiteral("%1 line %2").arg(journalPath).arg(i + 1);
        json record;
        try {
            record = json::parse(lines[i].toStdString());
        } catch (const json::parse_error &) {
            record = json();
        }
        if (!apply(record, state, where, diagnostics)) {
            diagnostics.append(Diagnostic{Diagnostic::Severity::Error, QString(), 0, 0,
                                          QStringLiteral("%1: not a journal record Fanout writes; fix the line or remove the journal "
                                                         "to go back to the state file alone (Fanout will not overwrite a state it cannot read)")
                                              .arg(where)});
            return;
        }
    }
    if (!lines.constLast().trimmed().isEmpty()) {
        diagnostics.append(Diagnostic{Diagnostic::Severity::Warning, QString(), 0, 0,
                                      QStringLiteral("the last line of its journal %1 (line %2) was cut short, as when Fanout stops while "
                                                     "writing it; it was left out")
                                          .arg(journalPath).arg(lines.size())});
    }
}

Expected<void> StateJournal::clear(const QString &statePath)
{
    const QByteArray path = QFile::encodeName(pathFor(statePath));
    if (::truncate(path.constData(), 0) != 0 && errno != ENOENT)
        return unexpected(QStringLiteral("cannot empty its journal %1: %2").arg(pathFor(statePath), systemError(errno)));
    return {};
}

StateJournal::StateJournal(const QString &statePath)
    : m_path(pathFor(statePath))
{
}

StateJournal::~StateJournal()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

Expected<void> StateJournal::open()
{
    if (m_fd >= 0)
        return {};
    m_fd = ::open(QFile::encodeName(m_path).constData(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (m_fd < 0)
        return unexpected(QStringLiteral("cannot open its journal %1: %2").arg(m_path, systemError(errno)));
    return {};
}

Expected<void> StateJournal::append(const QByteArray &records, bool sync)
{
    if (records.isEmpty())
        return {};
    if (const Expected<void> opened = open(); !opened)
        return opened;
    // One write() for the batch: the kernel has it as soon as it returns, so a killed process
    // loses nothing; a short write (a full disk) leaves a cut line that reading leaves out.
    const qint64 before = size();
    const char *data = records.constData();
    qsizetype left = records.size();
    while (left > 0) {
        const ssize_t written = ::write(m_fd, data, size_t(left));
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0) {
            const int error = written < 0 ? errno : ENOSPC;
            // No cut line may stay in the middle of the journal: the next batch starts where this
            // one did.
            if (before >= 0 && ::ftruncate(m_fd, before) != 0) {
                ::close(m_fd);
                m_fd = -1;
            }
            return unexpected(QStringLiteral("cannot write its journal %1: %2").arg(m_path, systemError(error)));
        }
        data += written;
        left -= written;
    }
    if (sync && ::fdatasync(m_fd) != 0)
        return unexpected(QStringLiteral("cannot write its journal %1 to disk: %2").arg(m_path, systemError(errno)));
    return {};
}

qint64 StateJournal::size() const
{
    struct stat info = {};
    if (m_fd >= 0 && ::fstat(m_fd, &info) == 0)
        return qint64(info.st_size);
    return QFile(m_path).size();
}

} // namespace fanout
