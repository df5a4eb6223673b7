#include <QtTest>

class Tst_textdecoder : public QObject
{
    Q_OBJECT

private slots:
    void placeholder() { QSKIP("not written yet"); }
};

QTEST_GUILESS_MAIN(Tst_textdecoder)
#include "tst_textdecoder.moc"
