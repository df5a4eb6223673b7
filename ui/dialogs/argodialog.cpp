#include "ui/dialogs/argodialog.h"

#include "engine/argo/argotoken.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>

namespace fanout {

namespace {

constexpr char kServerKey[] = "argo/server";
constexpr char kNamespaceKey[] = "argo/namespace";
constexpr char kTokenFromKey[] = "argo/tokenFrom"; // "variable" or "file"
constexpr char kTokenVariableKey[] = "argo/tokenVariable";
constexpr char kTokenFileKey[] = "argo/tokenFile";
constexpr char kWorkflowKey[] = "argo/workflow";

} // namespace

ArgoDialog::ArgoDialog(Mode mode, QWidget *parent)
    : QDialog(parent)
    , m_mode(mode)
{
    setObjectName(QStringLiteral("ArgoDialog"));
    setWindowTitle(mode == Mode::Submit ? tr("Run on Argo Workflows") : tr("Attach to Argo Workflow"));
    const QSettings settings;
    auto *form = new QFormLayout;
    auto *intro = new QLabel(mode == Mode::Submit
                                 ? tr("The plan is submitted to the Argo Server as a workflow (as File → Export Argo Workflow writes it) "
                                      "and shown here as it runs on the cluster. Closing the window does not stop it.")
                                 : tr("Show a workflow that is running or has run on the Argo Server, submitted from here, from CI or "
                                      "by anyone: it is shown here as it goes on."));
    intro->setWordWrap(true);
    m_server = new QLineEdit(settings.value(kServerKey).toString());
    m_server->setPlaceholderText(QStringLiteral("https://argo.example.com:2746"));
    m_server->setToolTip(tr("The Argo Server's address (argo server, port 2746 by default); TLS certificates are verified"));
    form->addRow(tr("Argo &Server:"), m_server);
    m_namespace = new QLineEdit(settings.value(kNamespaceKey, QStringLiteral("argo")).toString());
    form->addRow(tr("&Namespace:"), m_namespace);
    m_tokenFrom = new QComboBox;
    m_tokenFrom->addItems({tr("Environment variable"), tr("File")});
    m_variable = settings.value(kTokenVariableKey, QString::fromLatin1(ArgoToken::kDefaultVariable)).toString();
    m_file = settings.value(kTokenFileKey).toString();
    m_tokenSource = new QLineEdit;
    m_browse = new QPushButton(tr("Browse…"));
    auto *tokenRow = new QHBoxLayout;
    tokenRow->addWidget(m_tokenFrom);
    tokenRow->addWidget(m_tokenSource, 1);
    tokenRow->addWidget(m_browse);
    auto *tokenLabel = new QLabel(tr("&Token from:"));
    tokenLabel->setBuddy(m_tokenFrom);
    form->addRow(tokenLabel, tokenRow);
    auto *tokenNote = new QLabel(tr("The token (argo auth token, or a service account's) is read when you go on, sent to this server "
                                    "only, and never saved: Fanout remembers where it comes from."));
    tokenNote->setWordWrap(true);
    form->addRow(QString(), tokenNote);
    if (mode == Mode::Attach) {
        m_workflow = new QLineEdit(settings.value(kWorkflowKey).toString());
        m_workflow->setPlaceholderText(tr("web-x7k2p"));
        form->addRow(tr("&Workflow:"), m_workflow);
    }
    m_problem = new QLabel;
    m_problem->setObjectName(QStringLiteral("ArgoDialogProblem"));
    m_problem->setWordWrap(true);
    m_problem->hide();
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText(mode == Mode::Submit ? tr("&Submit") : tr("&Attach"));
    connect(buttons, &QDialogButtonBox::accepted, this, &ArgoDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &ArgoDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);

    m_tokenFrom->setCurrentIndex(settings.value(kTokenFromKey).toString() == QLatin1String("file") ? 1 : 0);
    updateTokenSource();
    connect(m_tokenFrom, &QComboBox::currentIndexChanged, this, [this] {
        // What was typed for the other choice is kept for it.
        (m_tokenFrom->currentIndex() == 1 ? m_variable : m_file) = m_tokenSource->text();
        updateTokenSource();
    });
    connect(m_browse, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("Token File"), m_tokenSource->text());
        if (!file.isEmpty())
            m_tokenSource->setText(file);
    });
    setMinimumWidth(520);
}

QString ArgoDialog::workflow() const
{
    return m_workflow ? m_workflow->text().trimmed() : QString();
}

void ArgoDialog::updateTokenSource()
{
    const bool fromFile = m_tokenFrom->currentIndex() == 1;
    m_tokenSource->setText(fromFile ? m_file : m_variable);
    m_tokenSource->setPlaceholderText(fromFile ? tr("a file holding the token") : QString::fromLatin1(ArgoToken::kDefaultVariable));
    m_browse->setVisible(fromFile);
}

void ArgoDialog::accept()
{
    auto refuse = [this](const QString &problem) {
        m_problem->setText(problem);
        m_problem->show();
    };
    const QUrl server = QUrl::fromUserInput(m_server->text().trimmed());
    if (m_server->text().trimmed().isEmpty() || !ArgoConnection::isServerAddress(server))
        return refuse(tr("Give the Argo Server's address, such as https://argo.example.com:2746"));
    const QString ns = m_namespace->text().trimmed();
    if (ns.isEmpty())
        return refuse(tr("Give the Kubernetes namespace to run in (argo, unless the server was installed elsewhere)"));
    if (m_mode == Mode::Attach && workflow().isEmpty())
        return refuse(tr("Give the workflow's name, as argo list shows it"));
    const bool fromFile = m_tokenFrom->currentIndex() == 1;
    const QString source = m_tokenSource->text().trimmed();
    if (fromFile && source.isEmpty())
        return refuse(tr("Give the file that holds the token, or read it from an environment variable"));
    const Expected<QByteArray> token = ArgoToken::read(fromFile ? source : QString(), fromFile ? QString() : source);
    if (!token)
        return refuse(tr("Cannot read the token: %1").arg(token.error()));
    m_connection = ArgoConnection{server, ns, *token};
    QSettings settings;
    settings.setValue(kServerKey, server.toString(QUrl::RemoveUserInfo));
    settings.setValue(kNamespaceKey, ns);
    settings.setValue(kTokenFromKey, fromFile ? QStringLiteral("file") : QStringLiteral("variable"));
    settings.setValue(fromFile ? kTokenFileKey : kTokenVariableKey, source);
    if (m_mode == Mode::Attach)
        settings.setValue(kWorkflowKey, workflow());
    QDialog::accept();
}

} // namespace fanout
