#include "ui/window/resourcepalette.h"

#include "engine/plan/executortype.h"
#include "ui/window/executoricon.h"

#include <QApplication>
#include <QDrag>
#include <QLabel>
#include <QMimeData>
#include <QMouseEvent>
#include <QPainter>
#include <QToolButton>

namespace fanout {

namespace {

// A palette button that also starts a drag of its type.
class PaletteButton final : public QToolButton
{
public:
    explicit PaletteButton(const QString &type, QWidget *parent)
        : QToolButton(parent)
        , m_type(type)
    {
    }

protected:
    void mousePressEvent(QMouseEvent *event) override
    {
        if (event->button() == Qt::LeftButton)
            m_pressPos = event->position().toPoint();
        QToolButton::mousePressEvent(event);
    }

    void mouseMoveEvent(QMouseEvent *event) override
    {
        if (!(event->buttons() & Qt::LeftButton) || !isEnabled()
            || (event->position().toPoint() - m_pressPos).manhattanLength() < QApplication::startDragDistance()) {
            QToolButton::mouseMoveEvent(event);
            return;
        }
        setDown(false); // a drag is not a click
        auto *mime = new QMimeData;
        mime->setData(QString::fromLatin1(ResourcePalette::kMimeType), m_type.toUtf8());
        auto *drag = new QDrag(this);
        drag->setMimeData(mime);
        drag->setPixmap(grab());
        drag->setHotSpot(m_pressPos);
        drag->exec(Qt::CopyAction);
    }

private:
    QString m_type;
    QPoint m_pressPos;
};

} // namespace

ResourcePalette::ResourcePalette(const ExecutorTypes &types, QWidget *parent)
    : QToolBar(tr("Palette"), parent)
{
    setObjectName(QStringLiteral("PaletteToolBar"));
    setToolButtonStyle(Qt::ToolButtonTextOnly);
    auto *label = new QLabel(tr("Add: "));
    label->setToolTip(tr("Click to add a resource next to the selection, or drag it onto the graph"));
    addWidget(label);
    for (const QString &type : types.types()) {
        const ExecutorType *executor = types.findType(type);
        Q_ASSERT(executor);
        const ExecutorDescription &description = executor->description();
        const QString summary = description.summary.isEmpty() ? tr("provisioned by the %1 executor").arg(type) : description.summary;
        auto *button = new PaletteButton(type, this);
        button->setObjectName(QStringLiteral("Palette_") + type);
        button->setText(QStringLiteral("+ ") + type);
        button->setIcon(executorIcon(description));
        button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
        button->setToolTip(tr("<b>%1</b>: %2.<br>Click to add one next to the selection, or drag it onto the graph to put it there.")
                               .arg(type.toHtmlEscaped(), summary.toHtmlEscaped()));
        button->setAutoRaise(true);
        connect(button, &QToolButton::clicked, this, [this, type] { emit addRequested(type); });
        addWidget(button);
    }
}

QToolButton *ResourcePalette::button(const QString &type) const
{
    return findChild<QToolButton *>(QStringLiteral("Palette_") + type);
}

} // namespace fanout
