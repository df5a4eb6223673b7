#pragma once

#include "engine/import/cloudformationdeclarations.h"
#include "engine/import/cloudformationreport.h"
#include "engine/import/cloudformationresources.h"
#include "engine/import/cloudformationscope.h"
#include "engine/import/cloudformationvalues.h"

#include <QString>
#include <QStringList>

namespace fanout::cloudformation {

// The resource whose dependencies are being collected.
struct Target
{
    QString address;
    QStringList *dependsOn = nullptr;
};

// Follows the references of a template's values to what they name: Ref, Fn::GetAtt and Fn::Sub
// anywhere in a value, however deep inside other intrinsic functions, and DependsOn. A resource
// named becomes a dependency of the target; a parameter or pseudo parameter is nothing; any other
// name is reported, as CloudFormation rejects the template. On the way it checks the arguments of
// the intrinsic functions and the conditions they name.
class ReferenceResolver
{
public:
    // All three must outlive this.
    ReferenceResolver(const Declarations &declarations, const Resources &resources, Report &report);

    // Every reference in `value`, at `path`.
    void walk(const json &value, const QString &path, const Scope &scope, const Target &target);
    // A loop in properties or outputs: its identifier names each value, not a resource. False when
    // it is no loop.
    bool walkLoop(const json &loop, const QString &path, const Scope &scope, const Target &target);
    // A resource's DependsOn: a logical id or a list of them.
    void dependsOn(const json &value, const QString &path, const Scope &scope, const Target &target);
    // A resource's Condition, or the first argument of Fn::If.
    void checkCondition(const QString &name, const QString &path, const Scope &scope);

private:
    enum class Kind { Ref, GetAtt, Sub, SubAttribute, DependsOn };

    void checkArguments(const std::string &function, const json &argument, const QString &path, const Scope &scope);
    void ref(const json &argument, const QString &path, const Scope &scope, const Target &target);
    void getAtt(const json &argument, const QString &path, const Scope &scope, const Target &target);
    void sub(const json &argument, const QString &path, const Scope &scope, const Target &target);
    void subText(const QString &text, const QStringList &variables, const QString &path, const Scope &scope, const Target &target);
    void reference(const QString &name, Kind kind, const QString &written, const QString &path, const Target &target);
    QString unresolved(const QString &name, Kind kind, const QString &written) const;
    static void addDependency(const Target &target, const QString &name);

    const Declarations &m_declarations;
    const Resources &m_resources;
    Report &m_report;
};

} // namespace fanout::cloudformation
