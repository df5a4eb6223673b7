#include <QtTest>

class Tst_terraformdotimporter : public QObject
{
    Q_OBJECT

private slots:
    void placeholder() { QSKIP("not written yet"); }
};

QTEST_GUILESS_MAIN(Tst_terraformdotimporter)
#include "tst_terraformdotimporter.moc"
