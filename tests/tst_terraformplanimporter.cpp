#include <QtTest>

class Tst_terraformplanimporter : public QObject
{
    Q_OBJECT

private slots:
    void placeholder() { QSKIP("not written yet"); }
};

QTEST_GUILESS_MAIN(Tst_terraformplanimporter)
#include "tst_terraformplanimporter.moc"
