#pragma once

#include <QString>

#include <optional>
#include <utility>
#include <variant>

namespace fanout {

// Why a call did not give its value: said for the user, as the caller will show it.
struct Unexpected
{
    QString error;
};

inline Unexpected unexpected(QString error)
{
    return Unexpected{std::move(error)};
}

// The value of a call that may fail, or why it failed: what a fallible call returns instead of a
// `QString *error` out-parameter (as Qt Creator's Utils::expected_str, after C++23's
// std::expected, which Debian 12's compiler does not have yet).
//     Expected<qint64> size = measure(path);
//     if (!size)
//         return unexpected(size.error());
template <typename T>
class [[nodiscard]] Expected
{
public:
    Expected(T value) : m_value(std::in_place_index<0>, std::move(value)) {}
    Expected(Unexpected failure) : m_value(std::in_place_index<1>, std::move(failure.error)) {}

    bool hasValue() const { return m_value.index() == 0; }
    explicit operator bool() const { return hasValue(); }
    const T &value() const & { return std::get<0>(m_value); }
    T &value() & { return std::get<0>(m_value); }
    T &&value() && { return std::get<0>(std::move(m_value)); }
    const T &operator*() const & { return value(); }
    T &operator*() & { return value(); }
    const T *operator->() const { return &value(); }
    T *operator->() { return &value(); }
    // Empty when there is a value.
    QString error() const { return hasValue() ? QString() : std::get<1>(m_value); }

private:
    std::variant<T, QString> m_value;
};

// Success with nothing to return, or why it failed.
template <>
class [[nodiscard]] Expected<void>
{
public:
    Expected() = default;
    Expected(Unexpected failure) : m_error(std::move(failure.error)) {}

    bool hasValue() const { return !m_error; }
    explicit operator bool() const { return hasValue(); }
    QString error() const { return m_error.value_or(QString()); }

private:
    std::optional<QString> m_error;
};

} // namespace fanout
