#include "app/console.h"

#include <QByteArray>

#include <sys/ioctl.h>
#include <unistd.h>

namespace fanout {

Console::Console(FILE *stream)
    : m_stream(stream)
    , m_terminal(::isatty(::fileno(stream)) == 1)
{
    // https://no-color.org: any non-empty NO_COLOR turns colours off.
    m_colours = m_terminal && qEnvironmentVariableIsEmpty("NO_COLOR")
        && qEnvironmentVariable("TERM") != QLatin1String("dumb");
}

int Console::width() const
{
    winsize size = {};
    if (m_terminal && ::ioctl(::fileno(m_stream), TIOCGWINSZ, &size) == 0 && size.ws_col > 0)
        return size.ws_col;
    return 80;
}

QString Console::paint(const QString &text, Colour colour) const
{
    if (!m_colours || colour == Colour::None || text.isEmpty())
        return text;
    const char *code = "";
    switch (colour) {
    case Colour::None: break;
    case Colour::Red: code = "31"; break;
    case Colour::Green: code = "32"; break;
    case Colour::Yellow: code = "33"; break;
    case Colour::Blue: code = "34"; break;
    case Colour::Magenta: code = "35"; break;
    case Colour::Cyan: code = "36"; break;
    case Colour::Dim: code = "2"; break;
    case Colour::Bold: code = "1"; break;
    }
    return QStringLiteral("\x1b[%1m%2\x1b[0m").arg(QLatin1String(code), text);
}

void Console::write(const QString &text) const
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, std::size_t(bytes.size()), m_stream);
    std::fflush(m_stream);
}

void Console::writeLine(const QString &text) const
{
    write(text + QLatin1Char('\n'));
}

void Console::writeDiagnostic(const Diagnostic &diagnostic, const QString &file) const
{
    QString line = diagnostic.toString(file);
    const QString label = diagnostic.isError() ? QStringLiteral("error:") : QStringLiteral("warning:");
    if (const qsizetype at = line.indexOf(label); at >= 0)
        line.replace(at, label.size(), paint(label, diagnostic.isError() ? Colour::Red : Colour::Yellow));
    writeLine(line);
}

} // namespace fanout
