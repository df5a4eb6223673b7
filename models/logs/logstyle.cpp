#include "models/logs/logstyle.h"

#include <array>

namespace fanout {

QColor LogStyle::levelColor(LogLevel level)
{
    switch (level) {
    case LogLevel::Debug: return QColor(0x80, 0x86, 0x8b);
    case LogLevel::Info: return QColor();
    case LogLevel::Warning: return QColor(0x9a, 0x58, 0x00);
    case LogLevel::Error: return QColor(0xc5, 0x22, 0x1f);
    }
    return QColor();
}

QColor LogStyle::levelBackground(LogLevel level)
{
    switch (level) {
    case LogLevel::Warning: return QColor(0xfe, 0xf7, 0xe0);
    case LogLevel::Error: return QColor(0xfc, 0xe8, 0xe6);
    case LogLevel::Debug:
    case LogLevel::Info: break;
    }
    return QColor();
}

QColor LogStyle::timestampColor()
{
    return QColor(0x80, 0x86, 0x8b);
}

QColor LogStyle::resourceColor(const QString &resourceId)
{
    // Dark, saturated and far apart in hue, so they read as text on white and stay distinct from the
    // amber and red of warnings and errors. FNV-1a rather than qHash, whose seed changes per process.
    static constexpr std::array<QRgb, 12> palette = {
        0x1a73e8, 0x188038, 0x8430ce, 0x007b83, 0xb0409a, 0x3c4fbb,
        0x5f7c16, 0x0b6e99, 0x8d4f2a, 0x6a3fb5, 0x00796b, 0x9c3b6b,
    };
    quint32 hash = 2166136261u;
    for (const QChar c : resourceId) {
        hash ^= c.unicode();
        hash *= 16777619u;
    }
    return QColor::fromRgb(palette[hash % palette.size()]);
}

} // namespace fanout
