#pragma once

#include "engine/argo/argoclient.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace fanout {

// Run → Run on Argo Workflows… and File → Attach to Argo Workflow…: which Argo Server, which
// namespace, where the token is read from (an environment variable or a file; never the token
// itself), and for attaching, which workflow. Filled with what was given last time (QSettings,
// "argo/..."); OK checks the address and reads the token, and says what is wrong without closing.
class ArgoDialog : public QDialog
{
    Q_OBJECT

public:
    enum class Mode { Submit, Attach };

    explicit ArgoDialog(Mode mode, QWidget *parent = nullptr);

    // What OK accepted: the server, its namespace and the token read.
    const ArgoConnection &connection() const { return m_connection; }
    QString workflow() const; // Attach: the workflow's name

    QLineEdit *serverEdit() const { return m_server; }
    QLineEdit *namespaceEdit() const { return m_namespace; }
    QComboBox *tokenFromBox() const { return m_tokenFrom; }
    QLineEdit *tokenSourceEdit() const { return m_tokenSource; }
    QLineEdit *workflowEdit() const { return m_workflow; }
    QLabel *problemLabel() const { return m_problem; }

    void accept() override;

private:
    void updateTokenSource();

    Mode m_mode;
    QLineEdit *m_server = nullptr;
    QLineEdit *m_namespace = nullptr;
    QComboBox *m_tokenFrom = nullptr;
    QLineEdit *m_tokenSource = nullptr;
    QPushButton *m_browse = nullptr;
    QLineEdit *m_workflow = nullptr;
    QLabel *m_problem = nullptr;
    QString m_variable; // what each choice of m_tokenFrom last held
    QString m_file;
    ArgoConnection m_connection;
};

} // namespace fanout
