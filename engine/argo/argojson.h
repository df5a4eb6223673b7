#pragma once

#include <QString>

#include <nlohmann/json.hpp>

// Reading what the Argo Server sends: members that may be absent or of another type (grpc-gateway
// leaves out empty strings and zero numbers), read without throwing.
namespace fanout::argojson {

// The string member `key` of `object`; empty when it has none, or `object` is not an object.
inline QString text(const nlohmann::ordered_json &object, const char *key)
{
    if (!object.is_object())
        return QString();
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? QString::fromStdString(it->get<std::string>()) : QString();
}

// The member `key` of `object`; null when it has none.
inline const nlohmann::ordered_json &member(const nlohmann::ordered_json &object, const char *key)
{
    static const nlohmann::ordered_json none;
    if (!object.is_object())
        return none;
    const auto it = object.find(key);
    return it != object.end() ? *it : none;
}

} // namespace fanout::argojson
