#include "ui/logs/logpane.h"

#include "engine/run/deployment.h"
#include "models/logs/logmodel.h"
#include "ui/logs/logdelegate.h"
#include "ui/logs/logview.h"

#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QSaveFile>
#include <QToolButton>
#include <QVBoxLayout>

namespace fanout {

LogPane::LogPane(LogModel *model, int resource, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_filter(new LogFilterModel(this))
    , m_view(new LogView(this))
    , m_filterEdit(new QLineEdit(this))
    , m_levelBox(new QComboBox(this))
    , m_followButton(new QToolButton(this))
    , m_saveButton(new QToolButton(this))
    , m_count(new QLabel(this))
    , m_copyAction(new QAction(tr("&Copy"), this))
    , m_saveAction(new QAction(tr("&Save…"), this))
{
    m_filter->setResource(resource);
    m_filter->setSourceModel(model);
    m_view->setModel(m_filter);
    m_view->logDelegate()->setShowResource(resource == LogFilterModel::kAllResources);

    m_filterEdit->setObjectName(QStringLiteral("filter"));
    m_filterEdit->setPlaceholderText(tr("Filter…"));
    m_filterEdit->setClearButtonEnabled(true);
    m_filterEdit->setToolTip(tr("Show only lines containing this text (ignoring case)"));
    connect(m_filterEdit, &QLineEdit::textChanged, m_filter, &LogFilterModel::setText);
    connect(m_filterEdit, &QLineEdit::textChanged, this, [this] {
        if (m_filter->isScanning()) // a long log: the lines shown change when it has been looked through
            m_count->setText(tr("Searching %1 lines…").arg(QLocale().toString(m_model->rowCount())));
    });
    connect(m_filter, &LogFilterModel::textApplied, this, &LogPane::updateCount);

    m_levelBox->setObjectName(QStringLiteral("level"));
    m_levelBox->addItem(tr("All"), int(LogLevel::Debug));
    m_levelBox->addItem(tr("Info"), int(LogLevel::Info));
    m_levelBox->addItem(tr("Warnings"), int(LogLevel::Warning));
    m_levelBox->addItem(tr("Errors"), int(LogLevel::Error));
    m_levelBox->setToolTip(tr("Show lines of this level and worse"));
    connect(m_levelBox, &QComboBox::currentIndexChanged, this, [this] {
        m_filter->setMinimumLevel(LogLevel(m_levelBox->currentData().toInt()));
    });

    m_followButton->setObjectName(QStringLiteral("follow"));
    m_followButton->setText(tr("Follow"));
    m_followButton->setCheckable(true);
    m_followButton->setChecked(m_view->isFollowing());
    m_followButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_followButton->setToolTip(tr("Keep the newest line in view. Scrolling up stops following; "
                                  "scrolling to the bottom starts again."));
    connect(m_followButton, &QToolButton::toggled, m_view, &LogView::setFollowing);
    connect(m_view, &LogView::followingChanged, m_followButton, &QToolButton::setChecked);

    m_copyAction->setShortcut(QKeySequence::Copy);
    m_copyAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_copyAction->setToolTip(tr("Copy the selected lines as plain text"));
    connect(m_copyAction, &QAction::triggered, this, &LogPane::copy);
    addAction(m_copyAction);
    m_saveAction->setToolTip(tr("Save the lines shown (after filtering) to a file"));
    connect(m_saveAction, &QAction::triggered, this, &LogPane::save);
    m_saveButton->setObjectName(QStringLiteral("save"));
    m_saveButton->setDefaultAction(m_saveAction);
    m_saveButton->setToolButtonStyle(Qt::ToolButtonTextOnly);

    m_count->setObjectName(QStringLiteral("count"));
    m_count->setForegroundRole(QPalette::PlaceholderText);

    auto *filterRow = new QHBoxLayout;
    filterRow->setContentsMargins(4, 4, 4, 0);
    filterRow->setSpacing(6);
    filterRow->addWidget(m_filterEdit, 1);
    filterRow->addWidget(m_levelBox);
    filterRow->addWidget(m_count);
    filterRow->addWidget(m_followButton);
    filterRow->addWidget(m_saveButton);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addLayout(filterRow);
    layout->addWidget(m_view, 1);

    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_view, &QWidget::customContextMenuRequested, this, &LogPane::showContextMenu);
    connect(m_view, &QAbstractItemView::clicked, this, [this](const QModelIndex &index) {
        emit resourceClicked(index.data(LogModel::ResourceRole).toInt());
    });
    connect(m_view, &QAbstractItemView::doubleClicked, this, [this](const QModelIndex &index) {
        emit resourceActivated(index.data(LogModel::ResourceRole).toInt());
    });

    for (const auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved}) {
        connect(m_filter, signal, this, &LogPane::updateCount);
    }
    connect(m_filter, &QAbstractItemModel::modelReset, this, &LogPane::updateCount);
    connect(m_model, &LogModel::flushed, this, &LogPane::updateCount); // "of N" grows with lines filtered out
    connect(m_filter, &QAbstractItemModel::layoutChanged, this, &LogPane::updateCount);
    connect(m_model, &LogModel::resourceIdsChanged, this, &LogPane::updateResourceColumn);
    updateResourceColumn();
    updateCount();
    setFocusProxy(m_view);
}

int LogPane::resource() const
{
    return m_filter->resource();
}

bool LogPane::isFollowing() const
{
    return m_view->isFollowing();
}

void LogPane::setFollowing(bool follow)
{
    m_view->setFollowing(follow);
}

void LogPane::copy()
{
    m_view->copySelection();
}

QString LogPane::countText() const
{
    const QLocale locale;
    const int shown = m_filter->rowCount();
    const int all = m_model->rowCount();
    if (shown == all && !m_filter->isFiltering())
        return all == 1 ? tr("1 line") : tr("%1 lines").arg(locale.toString(all));
    return tr("%1 of %2 lines").arg(locale.toString(shown), locale.toString(all));
}

void LogPane::updateCount()
{
    m_count->setText(countText());
    m_count->setToolTip(m_model->droppedCount() > 0
                            ? tr("%1 older lines were dropped to keep the newest %2")
                                  .arg(QLocale().toString(m_model->droppedCount()), QLocale().toString(m_model->capacity()))
                            : QString());
}

void LogPane::updateResourceColumn()
{
    m_view->logDelegate()->setResourceColumn(m_model->longestResourceId());
    m_view->viewport()->update();
}

Expected<void> LogPane::saveTo(const QString &path) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return unexpected(file.errorString());
    QByteArray chunk;
    const int rows = m_filter->rowCount();
    for (int row = 0; row < rows; ++row) {
        chunk.append(m_filter->index(row, 0).data(Qt::DisplayRole).toString().toUtf8());
        chunk.append('\n');
        if (chunk.size() > (1 << 20) || row == rows - 1) {
            if (file.write(chunk) != chunk.size())
                break;
            chunk.clear();
        }
    }
    if (!file.commit())
        return unexpected(file.errorString());
    return {};
}

QString LogPane::suggestedFileName() const
{
    QString name = m_model->deployment() ? m_model->deployment()->plan().name : QString();
    if (name.isEmpty())
        name = QStringLiteral("fanout");
    const int r = resource();
    if (r >= 0)
        name += QLatin1Char('-') + m_model->resourceId(r);
    // Ids and plan names may hold characters a file name cannot.
    static const QString unsafe = QStringLiteral("/\\:*?\"<>|");
    for (QChar &c : name) {
        if (unsafe.contains(c) || c.unicode() < 0x20)
            c = QLatin1Char('_');
    }
    return name + QStringLiteral(".log");
}

void LogPane::save()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Save Log"), QDir::home().filePath(suggestedFileName()),
                                                      tr("Log files (*.log *.txt);;All files (*)"));
    if (path.isEmpty())
        return;
    if (const Expected<void> saved = saveTo(path); !saved)
        QMessageBox::warning(this, tr("Save Log"), tr("Could not save the log to %1: %2").arg(QDir::toNativeSeparators(path), saved.error()));
}

void LogPane::showContextMenu(const QPoint &pos)
{
    QMenu menu(this);
    m_copyAction->setEnabled(m_view->selectionModel() && m_view->selectionModel()->hasSelection());
    menu.addAction(m_copyAction);
    menu.addAction(tr("Select &All"), m_view, &QAbstractItemView::selectAll);
    menu.addSeparator();
    const QModelIndex index = m_view->indexAt(pos);
    const int r = index.isValid() ? index.data(LogModel::ResourceRole).toInt() : -1;
    if (resource() == LogFilterModel::kAllResources && r >= 0) {
        menu.addAction(tr("Show %1's Log").arg(m_model->resourceId(r)), this, [this, r] { emit resourceActivated(r); });
        menu.addSeparator();
    }
    menu.addAction(m_saveAction);
    menu.exec(m_view->viewport()->mapToGlobal(pos));
    m_copyAction->setEnabled(true);
}

} // namespace fanout
