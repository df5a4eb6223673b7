#pragma once

#include <QByteArray>

#include <string>

namespace fanout {

// Turns the bytes of a file into the UTF-8 text Fanout's readers parse. Plans and the files
// importers read come from many tools: UTF-8 with or without a byte-order mark, UTF-16 (little or
// big endian, with or without a byte-order mark, as PowerShell's redirection writes `terraform
// graph`), Windows line endings. Line endings become LF; lines and columns are unchanged by that.
class TextDecoder
{
public:
    static std::string toUtf8(const QByteArray &bytes);

    // The encoding `toUtf8` recognised, for messages: "UTF-8", "UTF-16LE", "UTF-16BE".
    static const char *encodingOf(const QByteArray &bytes);
};

} // namespace fanout
