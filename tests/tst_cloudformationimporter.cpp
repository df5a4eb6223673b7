#include <QtTest>

class Tst_cloudformationimporter : public QObject
{
    Q_OBJECT

private slots:
    void placeholder() { QSKIP("not written yet"); }
};

QTEST_GUILESS_MAIN(Tst_cloudformationimporter)
#include "tst_cloudformationimporter.moc"
