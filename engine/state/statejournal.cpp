#include "engine/state/statejournal.h"

#include "engine/support/jsontext.h"

#include <QFile>

#include <algorithm>
#include <atomic>
#include <string_view>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
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

QString systemError(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

// A record's "event", empty when it has none or it is not a string (which json::value() would
// throw for).
std::string eventOf(const json &record)
{
    const auto it = record.find("event");
    return it != record.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Applies one record; false when it is not one. `batchTime`: the time of the batch it is in (a
// line of its own before the batch's records), which the record's own "at" overrides.
bool apply(const json &record, DeploymentState &state, QDateTime &batchTime, const QString &where, Diagnostics &diagnostics)
{
    if (!record.is_object())
        return false;
    QDateTime at = batchTime;
    if (const auto it = record.find("at"); it != record.end() && it->is_string())
        at = QDateTime::fromString(QString::fromStdString(it->get<std::string>()), Qt::ISODateWithMs).toUTC();
    if (record.size() == 1 && record.contains("at")) { // the time of the records that follow
        if (!at.isValid())
            return false;
        batchTime = at;
        state.setUpdatedAt(at);
        return true;
    }
    if (const auto plan = record.find("plan"); plan != record.end() && plan->is_string()) {
        state.setPlanName(QString::fromStdString(plan->get<std::string>()));
    } else {
        const auto id = record.find("id");
        if (id == record.end() || !id->is_string())
            return false;
        const QString key = QString::fromStdString(id->get<std::string>());
        const auto entry = record.find("entry");
        if (entry == record.end() && eventOf(record) == "created") {
            // Created, as its "creating" record said: the outputs and the time are all that is new.
            const DeploymentState::Entry *creating = state.find(key);
            const auto outputs = record.find("outputs");
            if (!creating || (outputs != record.end() && !outputs->is_object()) || !at.isValid())
                return false;
            DeploymentState::Entry created = *creating;
            created.outputs.clear();
            if (outputs != record.end()) {
                for (const auto &[name, value] : outputs->items()) {
                    if (!value.is_string())
                        return false;
                    created.outputs.insert(QString::fromStdString(name), QString::fromStdString(value.get<std::string>()));
                }
            }
            created.createdAt = at;
            created.status = DeploymentState::Entry::Status::Created;
            state.insert(key, created);
        } else if (entry == record.end()) {
            return false;
        } else if (entry->is_null()) {
            state.remove(key);
        } else {
            const int before = errorCount(diagnostics);
            DeploymentState::Entry value = DeploymentState::entryFromJson(*entry, where, diagnostics);
            if (errorCount(diagnostics) > before)
                return true; // said already
            const std::string event = eventOf(record);
            if (event == "creating")
                value.status = DeploymentState::Entry::Status::Creating;
            else if (event == "destroying")
                value.status = DeploymentState::Entry::Status::Destroying;
            state.insert(key, value);
        }
    }
    if (at.isValid())
        state.setUpdatedAt(at);
    return true;
}

} // namespace

QString StateJournal::pathFor(const QString &statePath)
{
    return statePath + QStringLiteral(".journal");
}

void StateJournal::appendTimeRecord(std::string &out, qint64 at)
{
    out += "{\"at\":";
    JsonText::appendTime(out, at);
    out += "}\n";
}

void StateJournal::appendRecord(std::string &out, Event event, const QString &id, const DeploymentState::Entry *entry,
                                const QString &error)
{
    out += "{\"event\":\"";
    out += eventName(event);
    out += "\",\"id\":";
    JsonText::appendString(out, id);
    if (!error.isEmpty()) {
        out += ",\"error\":";
        JsonText::appendString(out, error);
    }
    out += ",\"entry\":";
    // A "creating" or "destroying" record's entry is in flight: the event says so, not the entry.
    if (entry)
        DeploymentState::appendEntryText(out, *entry, event != Event::Creating && event != Event::Destroying);
    else
        out += "null";
    out += "}\n";
}

void StateJournal::appendCreatedRecord(std::string &out, const QString &id, const QMap<QString, QString> &outputs)
{
    out += "{\"event\":\"created\",\"id\":";
    JsonText::appendString(out, id);
    if (!outputs.isEmpty()) {
        out += ",\"outputs\":";
        JsonText::appendStrings(out, outputs);
    }
    out += "}\n";
}

void StateJournal::appendPlanRecord(std::string &out, const QString &planName)
{
    out += "{\"event\":\"plan\",\"plan\":";
    JsonText::appendString(out, planName);
    out += "}\n";
}

void StateJournal::replay(const QString &journalPath, DeploymentState &state, Diagnostics &diagnostics)
{
    QFile file(journalPath);
    if (!file.open(QIODevice::ReadOnly)) {
        diagnostics.append(Diagnostic{Diagnostic::Severity::Error, QString(), 0, 0,
                                      QStringLiteral("cannot read its journal %1: %2").arg(journalPath, file.errorString())});
        return;
    }
    replayText(file.readAll(), journalPath, state, diagnostics);
}

void StateJournal::replayText(QByteArray text, const QString &journalPath, DeploymentState &state, Diagnostics &diagnostics)
{
    // A journal whose writer was killed ends in the zeros allocated ahead of it.
    if (const qsizetype zero = text.indexOf('\0'); zero >= 0)
        text.truncate(zero);
    const QList<QByteArray> lines = text.split('\n');
    // Whatever follows the last newline was being written when Fanout stopped.
    const qsizetype complete = lines.size() - 1;
    QDateTime batchTime;
    for (qsizetype i = 0; i < complete; ++i) {
        if (lines[i].trimmed().isEmpty())
            continue;
        const QString where = QStringLiteral("%1 line %2").arg(journalPath).arg(i + 1);
        json record;
        try {
            record = json::parse(lines[i].toStdString());
        } catch (const json::exception &) { // a syntax error, or a number nlohmann cannot hold (1e999)
            record = json();
        }
        if (!apply(record, state, batchTime, where, diagnostics)) {
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

bool StateJournal::isInUse(const QString &statePath)
{
    const int fd = ::open(QFile::encodeName(pathFor(statePath)).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool inUse = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    ::close(fd); // and the shared lock with it
    return inUse;
}

namespace {

constexpr qint64 kMiB = 1024 * 1024;
// The journal is mapped once, this much address space (no memory: a file's mapping beyond its
// end costs nothing until the file grows into it), so that the mapping never moves while the
// background thread prepares pages of it. A journal is folded long before (at 4 times the
// snapshot, which is at most 512 MiB).
constexpr qint64 kReservedBytes = 64 * 1024 * kMiB;
// Linux 5.14: MADV_POPULATE_WRITE, which Debian 12's headers may not name yet.
constexpr int kPopulateWrite = 23;

} // namespace

StateJournal::StateJournal(const QString &statePath, Writing writing)
    : m_path(pathFor(statePath))
    , m_writing(writing)
{
    m_background.setMaxThreadCount(1); // one task at a time, in the order given
}

StateJournal::~StateJournal()
{
    close();
}

QString StateJournal::error(const QString &what, int code) const
{
    return QStringLiteral("cannot %1 its journal %2: %3").arg(what, m_path, systemError(code));
}

Expected<void> StateJournal::open()
{
    const std::lock_guard lock(m_mutex);
    return openLocked();
}

Expected<void> StateJournal::openLocked()
{
    if (m_fd >= 0)
        return {};
    const int fd = ::open(QFile::encodeName(m_path).constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return unexpected(error(QStringLiteral("open"), errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int code = errno;
        ::close(fd);
        if (code == EWOULDBLOCK) {
            return unexpected(QStringLiteral("another Fanout is running with this state file now (it holds the lock of its journal "
                                             "%1); wait until that run ends").arg(m_path));
        }
        return unexpected(error(QStringLiteral("lock"), code));
    }
    // Where the records end: before the zeros a killed writer allocated ahead, and before a last
    // line cut short (which the next record would otherwise continue). Both are trimmed.
    struct stat info = {};
    if (::fstat(fd, &info) != 0) {
        const int code = errno;
        ::close(fd);
        return unexpected(error(QStringLiteral("read"), code));
    }
    qint64 end = 0;
    if (info.st_size > 0) {
        std::string text(std::size_t(info.st_size), '\0');
        qint64 done = 0;
        while (done < info.st_size) {
            const ssize_t got = ::pread(fd, text.data() + done, std::size_t(info.st_size - done), done);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0)
                break;
            done += got;
        }
        text.resize(std::size_t(done));
        const std::size_t newline = text.rfind('\n', text.find('\0'));
        end = newline == std::string::npos ? 0 : qint64(newline) + 1;
    }
    if (end != info.st_size && ::ftruncate(fd, end) != 0) {
        const int code = errno;
        ::close(fd);
        return unexpected(error(QStringLiteral("trim"), code));
    }
    m_fd = fd;
    m_size = end;
    m_capacity = end;
    void *map = m_writing == Writing::Written
        ? MAP_FAILED
        : ::mmap(nullptr, std::size_t(kReservedBytes), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, m_fd, 0);
    // A file system that cannot map files (some network and FUSE ones): pwrite() then.
    m_map = map == MAP_FAILED ? nullptr : static_cast<char *>(map);
    // A process forked while the journal is mapped (the group keeper, forked once when the first
    // command starts) would otherwise keep the mapping, and with it the file's lock, for the rest
    // of its life: another Fanout, and this one's next run, would find the state file in use.
    if (m_map)
        (void)::madvise(m_map, std::size_t(kReservedBytes), MADV_DONTFORK);
    return {};
}

void StateJournal::close()
{
    waitForBackground();
    const std::lock_guard lock(m_mutex);
    if (m_map) {
        ::munmap(m_map, std::size_t(kReservedBytes));
        m_map = nullptr;
    }
    if (m_fd < 0)
        return;
    if (m_capacity > m_size)
        (void)::ftruncate(m_fd, m_size); // the zeros allocated ahead; a reader stops at them anyway
    ::close(m_fd); // and the lock with it
    m_fd = -1;
    m_size = 0;
    m_capacity = 0;
}

Expected<void> StateJournal::reserve(qint64 bytes)
{
    // Allocated ahead in steps that grow with the journal, from 1 MiB up to 64 MiB, half a step
    // before they are needed, and prepared by the background thread (a page fault costs
    // microseconds; 10,000 resources write some 410 pages), so that appending is mostly a copy.
    const qint64 step = std::clamp(m_capacity / kMiB * kMiB, kMiB, 64 * kMiB);
    const qint64 needed = m_size + bytes;
    if (needed + step / 2 <= m_capacity)
        return {};
    if (needed > kReservedBytes)
        return unexpected(QStringLiteral("its journal %1 is larger than %2 GiB; Fanout folds it long before").arg(m_path).arg(kReservedBytes / 1024 / kMiB));
    const qint64 capacity = std::min((needed + step + kMiB - 1) / kMiB * kMiB, kReservedBytes);
    // Blocks allocated now, so that a full disk is an error here rather than a SIGBUS when the
    // mapping is written.
    if (const int code = ::posix_fallocate(m_fd, 0, capacity); code != 0) {
        if (needed <= m_capacity)
            return {}; // this batch fits still; growing ahead is tried again with the next one
        return unexpected(error(QStringLiteral("grow"), code));
    }
    const qint64 from = m_capacity;
    m_capacity = capacity;
    startOnPool(m_background, [this, from, capacity] { prepare(from, capacity); });
    return {};
}

void StateJournal::prepare(qint64 from, qint64 to)
{
    // Beyond the file's end by now (emptied meanwhile), it fails harmlessly, without a SIGBUS.
    (void)::madvise(m_map + from, std::size_t(to - from), kPopulateWrite);
    // In a virtual machine whose hypervisor shadows page tables, the first access of a page from
    // user space traps to the hypervisor still (some 10 µs: 4 ms of a 10,000-resource run, on the
    // run's thread). A read of each page here takes that trap on this thread instead, and leaves
    // the page writable, as the kernel made it; on a machine without that, it costs a read a page.
    // Not under m_mutex, which appends take: the file does not shrink meanwhile (a page beyond
    // its end would be a SIGBUS), and pages it was emptied of are left alone.
    const std::lock_guard shrinking(m_shrinking);
    const qint64 end = std::min(to, m_capacity.load(std::memory_order_relaxed));
    const qint64 page = ::sysconf(_SC_PAGESIZE);
    for (qint64 offset = from / page * page; offset < end; offset += page)
        touchPage(m_map + offset);
}

void StateJournal::touchPage(const char *page)
{
    // An append may be copying records into this very page (the background thread does not take
    // m_mutex). The byte read is thrown away: only the trap matters. Read in C++, even through a
    // relaxed atomic, it would race with that memcpy (a data race by the C++ memory model, and
    // ThreadSanitizer says so); a load in assembly is no C++ access at all, and a processor's
    // load of a byte that another core writes is harmless. Where there is no such load here, the
    // page is left to madvise.
#if defined(__x86_64__)
    char byte;
    asm volatile("movb (%1), %0" : "=q"(byte) : "r"(page) : "memory");
    (void)byte;
#elif defined(__aarch64__)
    unsigned int byte;
    asm volatile("ldrb %w0, [%1]" : "=r"(byte) : "r"(page) : "memory");
    (void)byte;
#else
    (void)page;
#endif
}

Expected<void> StateJournal::writeAt(const char *data, qint64 size, qint64 offset)
{
    while (size > 0) {
        const ssize_t written = ::pwrite(m_fd, data, std::size_t(size), offset);
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0)
            return unexpected(error(QStringLiteral("write"), written < 0 ? errno : ENOSPC));
        data += written;
        size -= written;
        offset += written;
    }
    return {};
}

Expected<void> StateJournal::append(const std::string &records, bool sync)
{
    if (records.empty())
        return {};
    const std::lock_guard lock(m_mutex);
    if (const Expected<void> opened = openLocked(); !opened)
        return opened;
    const auto size = qint64(records.size());
    if (m_map) {
        if (const Expected<void> reserved = reserve(size); !reserved)
            return reserved;
        // In the page cache as soon as it is copied: a killed process loses nothing. Killed during
        // the copy, it leaves the records before the first zero byte, which is all a reader takes.
        std::memcpy(m_map + m_size, records.data(), records.size());
    } else if (const Expected<void> written = writeAt(records.data(), size, m_size); !written) {
        // The next batch starts where this one did: nothing, not half a line, in between.
        (void)::ftruncate(m_fd, m_size);
        return written;
    }
    const qint64 start = m_size;
    m_size += size;
    m_capacity = std::max(m_capacity.load(), m_size);
    if (sync) {
        if (m_map) {
            const long page = ::sysconf(_SC_PAGESIZE);
            const qint64 from = start / page * page;
            if (::msync(m_map + from, std::size_t(m_size - from), MS_SYNC) != 0)
                return unexpected(error(QStringLiteral("write to disk"), errno));
        }
        if (::fdatasync(m_fd) != 0)
            return unexpected(error(QStringLiteral("write to disk"), errno));
    }
    return {};
}

Expected<void> StateJournal::clear()
{
    const std::lock_guard lock(m_mutex);
    return clearLocked();
}

Expected<void> StateJournal::clearLocked()
{
    if (const Expected<void> opened = openLocked(); !opened)
        return opened;
    const std::lock_guard shrinking(m_shrinking); // not while the background thread reads pages
    if (::ftruncate(m_fd, 0) != 0)
        return unexpected(error(QStringLiteral("empty"), errno));
    m_size = 0;
    m_capacity = 0;
    return {};
}

Expected<bool> StateJournal::clearIfSize(qint64 size)
{
    const std::lock_guard lock(m_mutex);
    if (m_fd < 0 || m_size != size)
        return false;
    if (const Expected<void> cleared = clearLocked(); !cleared)
        return unexpected(cleared.error());
    return true;
}

bool StateJournal::isOpen() const
{
    const std::lock_guard lock(m_mutex);
    return m_fd >= 0;
}

qint64 StateJournal::size() const
{
    const std::lock_guard lock(m_mutex);
    return m_size;
}

void StateJournal::waitForBackground()
{
    m_background.waitForDone();
}

} // namespace fanout
