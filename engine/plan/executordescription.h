#pragma once

#include "engine/plan/fieldsection.h"

#include <QByteArray>
#include <QString>

#include <nlohmann/json.hpp>

namespace fanout {

// How an executor presents itself: what a new resource of its type starts with, its icon, and
// every one of its fields. Each executor fills one in (ExecutorType::description()); the plan
// validator takes the parameter names from it, the executor its own rules (ranges, what is
// required), and the window builds the palette, the Add Resource menu and the Inspector's section
// from it, so that a new executor needs no change outside its own folder.
struct ExecutorDescription
{
    QString type{};             // the resource's "type": "http"
    QString summary{};          // one line for the palette's tooltip: "calls an HTTP API and waits for it to finish"
    QString iconName{};         // a freedesktop icon theme name: "network-server"
    QByteArray iconSvg{};       // drawn when the icon theme has no `iconName` (the engine draws nothing itself)
    nlohmann::ordered_json newParameters = nlohmann::ordered_json::object(); // a new resource's: they must validate
    FieldSection section{};     // the Inspector's section: its title ("HTTP request"), fields and footnote

    // The executor's parameters, the ones only the JSON tab edits included.
    QStringList parameterNames() const { return section.parameterNames(); }
    const FieldDescription &field(const QString &path) const { return section.field(path); }
};

} // namespace fanout
