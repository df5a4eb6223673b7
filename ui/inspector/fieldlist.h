#pragma once

#include <QList>
#include <QStringList>
#include <QWidget>

class QLineEdit;
class QPushButton;
class QToolButton;
class QVBoxLayout;

namespace fanout {

// An editable list of rows of text in the Inspector's form: one column for a command's arguments
// (with buttons to move a row up or down), two for names and values (environment variables, HTTP
// headers). Each row has its own line edit so that a bad entry is marked where it is.
class FieldList : public QWidget
{
    Q_OBJECT

public:
    // `placeholders`: one per column ("argument"; "NAME", "value"); `reorderable`: up/down buttons.
    FieldList(const QStringList &placeholders, bool reorderable, const QString &addText, QWidget *parent = nullptr);

    int columnCount() const { return int(m_placeholders.size()); }
    int rowCount() const { return int(m_rows.size()); }
    QList<QStringList> rows() const;
    // Shows `rows`; the row being typed in keeps its cursor when its text is unchanged.
    void setRows(const QList<QStringList> &rows);
    void setReadOnly(bool readOnly);
    bool isReadOnly() const { return m_readOnly; }
    // Marks (red frame) the rows whose entries are invalid.
    void setInvalidRows(const QList<int> &rows);

    QLineEdit *editor(int row, int column = 0) const;
    QToolButton *upButton(int row) const;
    QToolButton *downButton(int row) const;
    QToolButton *removeButton(int row) const;
    QPushButton *addButton() const { return m_add; }
    // Focuses the row's first line edit (the last row when `row` is past the end).
    bool focusRow(int row);

signals:
    void edited();    // text typed: check it
    void committed(); // a row finished editing, or was added, moved or removed: apply it

private:
    struct Row
    {
        QWidget *widget = nullptr;
        QList<QLineEdit *> editors;
        QToolButton *up = nullptr;
        QToolButton *down = nullptr;
        QToolButton *remove = nullptr;
    };
    void addRow(const QStringList &texts);
    void removeRow(int row);
    void moveRow(int row, int by);
    int rowOf(QObject *sender) const;
    void finishRow(int row);
    void updateButtons();

    QStringList m_placeholders;
    bool m_reorderable;
    bool m_readOnly = false;
    QVBoxLayout *m_layout;
    QList<Row> m_rows;
    QPushButton *m_add;
    int m_newRow = -1; // added by the Add button and not yet finished
};

} // namespace fanout
