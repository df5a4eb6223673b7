#pragma once

#include <QString>

#include <nlohmann/json.hpp>

#include <optional>

namespace fanout {

// How the Inspector's form reads and writes the members of a resource object. A field's path is its
// members from the resource, dot-separated ("retry.backoff.initial").

// A value as a field shows it: a string as it is, anything else as compact JSON.
QString displayText(const nlohmann::ordered_json &value);

// The member at `path`; null when it, or an object on the way, is absent.
const nlohmann::ordered_json *valueAt(const nlohmann::ordered_json &object, const QString &path);
nlohmann::ordered_json *valueAt(nlohmann::ordered_json &object, const QString &path);

// Sets the member at `path`, making the objects on the way; an absent value removes it, and the
// objects that only held it ("retry": {} once its last field is cleared).
void putAt(nlohmann::ordered_json &object, const QString &path, const std::optional<nlohmann::ordered_json> &value);

// "30" → 30, "0.25" → 0.25, anything else as written (the engine says what is wrong with it);
// nullopt for nothing but spaces.
std::optional<nlohmann::ordered_json> numberOrText(const QString &text);

// "3:7: syntax error ..." for a JSON text that does not parse; empty when it does, into `parsed`.
QString jsonSyntaxError(const QString &text, nlohmann::ordered_json *parsed);

// Whether `path` is `base` or inside it: "retry.backoff.max" and "depends_on[1]" are under "retry" and "depends_on".
bool isPathUnder(const QString &path, const QString &base);

} // namespace fanout
