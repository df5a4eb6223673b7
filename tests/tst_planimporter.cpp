#include <QtTest>

class Tst_planimporter : public QObject
{
    Q_OBJECT

private slots:
    void placeholder() { QSKIP("not written yet"); }
};

QTEST_GUILESS_MAIN(Tst_planimporter)
#include "tst_planimporter.moc"
