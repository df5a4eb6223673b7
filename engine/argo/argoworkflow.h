#pragma once

#include "engine/support/diagnostic.h"
#include "engine/support/expected.h"

#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

namespace fanout {

struct Plan;

// A plan as an Argo Workflow (argoproj.io/v1alpha1, the schema in ../shared/argo/schema.json), for
// `argo submit`: one DAG template whose tasks are the plan's resources (its instances, once
// expanded), with their dependencies, the plan's parallelism, each group's limit as a semaphore,
// retries, timeouts, and a template per resource: a container for `command` and `sim`, Argo's
// HTTP template for `http`. docs/argo.md has the table; what does not map is a problem that names
// the resource: an error (the export stops) when running without it would do something else, a
// warning when it only loses something (jitter, a destroy action).
class ArgoWorkflow
{
public:
    struct Export
    {
        nlohmann::ordered_json workflow;  // null when there are errors
        // The semaphores' ConfigMap (kubectl apply it before submitting); null when no group has a
        // limit. Its name is the plan's, so that every run of the plan shares the limits.
        nlohmann::ordered_json configMap;
        Diagnostics problems;             // errors and warnings; paths into the plan file
    };

    // The image a sim resource's container sleeps in.
    static constexpr char kSimImage[] = "busybox:1.36";
    // The DAG template, the workflow's entry point.
    static constexpr char kEntrypoint[] = "deploy";
    // The workflow annotation that maps each task name back to its resource id (JSON object).
    static constexpr char kResourcesAnnotation[] = "fanout/resources";

    static Export fromPlan(const Plan &plan);

    // A name Kubernetes and Argo accept (lower case letters, digits and '-', at most `length`,
    // starting and ending with a letter or digit), close to `text`: "Web[0]@eu-west-1" -> "web-0-eu-west-1".
    static QString kubernetesName(const QString &text, int length = 63);

    // Where the ConfigMap goes beside a workflow written to `path`: web.yaml -> web.configmap.yaml.
    static QString configMapPath(const QString &path);
    // Writes the workflow to `path` (YAML, or JSON when the name ends in .json) and the ConfigMap,
    // when there is one, beside it; each file whole or not at all. The files written, or why not.
    static Expected<QStringList> write(const Export &exported, const QString &path);

    // As YAML (block style, strings quoted wherever a plain scalar would read as something else),
    // documents separated by "---".
    static std::string toYaml(const nlohmann::ordered_json &document);
};

} // namespace fanout
