#include "ui/inspector/fieldlist.h"

#include <QApplication>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

namespace fanout {

namespace {

const QString kInvalidLineStyle = QStringLiteral("QLineEdit { border: 1px solid #c5221f; border-radius: 2px; padding: 1px 2px; }");

QToolButton *rowButton(QStyle::StandardPixmap icon, const QString &tip, QWidget *parent)
{
    auto *button = new QToolButton(parent);
    button->setIcon(parent->style()->standardIcon(icon));
    button->setToolTip(tip);
    button->setAutoRaise(true);
    button->setFocusPolicy(Qt::TabFocus);
    return button;
}

} // namespace

FieldList::FieldList(const QStringList &placeholders, bool reorderable, const QString &addText, QWidget *parent)
    : QWidget(parent)
    , m_placeholders(placeholders)
    , m_reorderable(reorderable)
{
    m_layout = new QVBoxLayout(this);
    m_layout->setContentsMargins(0, 0, 0, 0);
    m_layout->setSpacing(2);
    m_add = new QPushButton(QStringLiteral("+ ") + addText);
    auto *addRowLayout = new QHBoxLayout;
    addRowLayout->setContentsMargins(0, 0, 0, 0);
    addRowLayout->addWidget(m_add);
    addRowLayout->addStretch();
    m_layout->addLayout(addRowLayout);
    connect(m_add, &QPushButton::clicked, this, [this] {
        addRow(QStringList());
        m_newRow = rowCount() - 1;
        updateButtons();
        focusRow(m_newRow);
    });
}

QList<QStringList> FieldList::rows() const
{
    QList<QStringList> result;
    for (const Row &row : m_rows) {
        QStringList texts;
        for (const QLineEdit *edit : row.editors)
            texts.append(edit->text());
        result.append(texts);
    }
    return result;
}

void FieldList::setRows(const QList<QStringList> &rows)
{
    m_newRow = -1;
    while (rowCount() > rows.size())
        removeRow(rowCount() - 1);
    while (rowCount() < rows.size())
        addRow(QStringList());
    for (int r = 0; r < rows.size(); ++r) {
        for (int c = 0; c < columnCount(); ++c) {
            QLineEdit *edit = m_rows[r].editors[c];
            const QString text = rows[r].value(c);
            if (edit->text() != text) {
                const int cursor = edit->cursorPosition();
                edit->setText(text);
                edit->setCursorPosition(edit->hasFocus() ? qMin(cursor, int(text.size())) : 0);
            }
        }
    }
    setInvalidRows({});
    updateButtons();
}

void FieldList::setReadOnly(bool readOnly)
{
    m_readOnly = readOnly;
    for (const Row &row : std::as_const(m_rows)) {
        for (QLineEdit *edit : row.editors)
            edit->setReadOnly(readOnly);
    }
    m_add->setVisible(!readOnly);
    updateButtons();
}

void FieldList::setInvalidRows(const QList<int> &rows)
{
    for (int r = 0; r < rowCount(); ++r) {
        const QString style = rows.contains(r) ? kInvalidLineStyle : QString();
        for (QLineEdit *edit : std::as_const(m_rows[r].editors)) {
            if (edit->styleSheet() != style)
                edit->setStyleSheet(style);
        }
    }
}

QLineEdit *FieldList::editor(int row, int column) const
{
    return row >= 0 && row < rowCount() ? m_rows[row].editors.value(column) : nullptr;
}

QToolButton *FieldList::upButton(int row) const
{
    return row >= 0 && row < rowCount() ? m_rows[row].up : nullptr;
}

QToolButton *FieldList::downButton(int row) const
{
    return row >= 0 && row < rowCount() ? m_rows[row].down : nullptr;
}

QToolButton *FieldList::removeButton(int row) const
{
    return row >= 0 && row < rowCount() ? m_rows[row].remove : nullptr;
}

bool FieldList::focusRow(int row)
{
    if (m_rows.isEmpty()) {
        m_add->setFocus(Qt::OtherFocusReason);
        return false;
    }
    QLineEdit *edit = m_rows[qBound(0, row, rowCount() - 1)].editors.first();
    edit->setFocus(Qt::OtherFocusReason);
    edit->selectAll();
    return true;
}

void FieldList::addRow(const QStringList &texts)
{
    Row row;
    row.widget = new QWidget(this);
    auto *layout = new QHBoxLayout(row.widget);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    for (int c = 0; c < columnCount(); ++c) {
        auto *edit = new QLineEdit(texts.value(c), row.widget);
        edit->setPlaceholderText(m_placeholders[c]);
        edit->setReadOnly(m_readOnly);
        edit->setMinimumWidth(40);
        layout->addWidget(edit, c == 0 && columnCount() > 1 ? 2 : 3);
        connect(edit, &QLineEdit::textEdited, this, &FieldList::edited);
        connect(edit, &QLineEdit::editingFinished, this, [this, edit] {
            // Moving from a row's name to its value is not the end of editing that row.
            const int r = rowOf(edit);
            if (r < 0)
                return;
            if (QWidget *next = QApplication::focusWidget(); next && next != edit && m_rows[r].editors.contains(next))
                return;
            finishRow(r);
        });
        row.editors.append(edit);
    }
    if (m_reorderable) {
        row.up = rowButton(QStyle::SP_ArrowUp, tr("Move up"), row.widget);
        row.down = rowButton(QStyle::SP_ArrowDown, tr("Move down"), row.widget);
        layout->addWidget(row.up);
        layout->addWidget(row.down);
        connect(row.up, &QToolButton::clicked, this, [this] { moveRow(rowOf(sender()), -1); });
        connect(row.down, &QToolButton::clicked, this, [this] { moveRow(rowOf(sender()), +1); });
    }
    row.remove = rowButton(QStyle::SP_DialogDiscardButton, tr("Remove"), row.widget);
    layout->addWidget(row.remove);
    connect(row.remove, &QToolButton::clicked, this, [this] {
        const int r = rowOf(sender());
        if (r < 0 || m_readOnly)
            return;
        const bool wasNew = r == m_newRow;
        removeRow(r);
        updateButtons();
        if (!wasNew)
            emit committed();
    });
    m_layout->insertWidget(rowCount(), row.widget);
    row.widget->show(); // now, not when the layout gets to it: it is about to be typed in
    m_rows.append(row);
}

void FieldList::removeRow(int row)
{
    if (row < 0 || row >= rowCount())
        return;
    Row removed = m_rows.takeAt(row);
    removed.widget->hide();
    removed.widget->deleteLater(); // it may be the sender of the signal being handled
    if (m_newRow == row)
        m_newRow = -1;
    else if (m_newRow > row)
        --m_newRow;
}

void FieldList::moveRow(int row, int by)
{
    const int to = row + by;
    if (m_readOnly || row < 0 || to < 0 || to >= rowCount())
        return;
    // Swap the texts, not the widgets: the rows stay where they are on screen.
    for (int c = 0; c < columnCount(); ++c) {
        QLineEdit *a = m_rows[row].editors[c];
        QLineEdit *b = m_rows[to].editors[c];
        const QString text = a->text();
        a->setText(b->text());
        b->setText(text);
    }
    if (m_newRow == row)
        m_newRow = to;
    else if (m_newRow == to)
        m_newRow = row;
    emit committed();
    if (QToolButton *same = by < 0 ? upButton(to) : downButton(to); same && same->isEnabled())
        same->setFocus(Qt::OtherFocusReason);
    else
        editor(to)->setFocus(Qt::OtherFocusReason);
}

int FieldList::rowOf(QObject *sender) const
{
    for (int r = 0; r < rowCount(); ++r) {
        const Row &row = m_rows[r];
        if (sender == row.up || sender == row.down || sender == row.remove || row.editors.contains(sender))
            return r;
    }
    return -1;
}

void FieldList::finishRow(int row)
{
    if (row == m_newRow) {
        bool empty = true;
        for (const QLineEdit *edit : std::as_const(m_rows[row].editors))
            empty = empty && edit->text().isEmpty();
        m_newRow = -1;
        if (empty) { // added and left empty: as if never added
            removeRow(row);
            updateButtons();
            emit edited();
            return;
        }
    }
    emit committed();
}

void FieldList::updateButtons()
{
    for (int r = 0; r < rowCount(); ++r) {
        const Row &row = m_rows[r];
        if (row.up) {
            row.up->setEnabled(!m_readOnly && r > 0);
            row.down->setEnabled(!m_readOnly && r + 1 < rowCount());
            row.up->setVisible(!m_readOnly);
            row.down->setVisible(!m_readOnly);
        }
        row.remove->setVisible(!m_readOnly);
    }
}

} // namespace fanout
