#include "ui/window/resourcepalette.h"

#include <QApplication>
#include <QDrag>
#include <QLabel>
#include <QMimeData>
#include <QMouseEvent>
#include <QPainter>
#include <QToolButton>

namespace fanout {

namespace {

QString description(const QString &type)
{
    if (type == QLatin1String("sim"))
        return QObject::tr("a simulated resource: takes a set time, may fail on purpose (demos, forecasts)");
    if (type == QLatin1String("command"))
        return QObject::tr("runs a process, such as terraform apply or a script");
    if (type == QLatin1String("http"))
        return QObject::tr("calls an HTTP API and waits for it to finish");
    return QObject::tr("provisioned by the %1 executor").arg(type);
}

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

ResourcePalette::ResourcePalette(const QStringList &types, QWidget *parent)
    : QToolBar(tr("Palette"), parent)
{
    setObjectName(QStringLiteral("PaletteToolBar"));
    setToolButtonStyle(Qt::ToolButtonTextOnly);
    auto *label = new QLabel(tr("Add: "));
    label->setToolTip(tr("Click to add a resource next to the selection, or drag it onto the graph"));
    addWidget(label);
    for (const QString &type : types) {
        auto *button = new PaletteButton(type, this);
        button->setObjectName(QStringLiteral("Palette_") + type);
        button->setText(QStringLiteral("+ ") + type);
        button->setToolTip(tr("<b>%1</b>: %2.<br>Click to add one next to the selection, or drag it onto the graph to put it there.")
                               .arg(type.toHtmlEscaped(), description(type).toHtmlEscaped()));
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
