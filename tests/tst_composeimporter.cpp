#include <QtTest>

class Tst_composeimporter : public QObject
{
    Q_OBJECT

private slots:
    void placeholder() { QSKIP("not written yet"); }
};

QTEST_GUILESS_MAIN(Tst_composeimporter)
#include "tst_composeimporter.moc"
