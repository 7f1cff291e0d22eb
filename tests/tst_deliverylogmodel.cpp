#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

#include "DeliveryLogModel.h"
#include "WebhookDeliverer.h"
#include "WebhookServer.h"

using namespace wa;

namespace {

const QByteArray kSecret = "log-secret";
const QByteArray kBody = R"({"object":"whatsapp_business_account","entry":[]})";

// A port nobody listens on: bound once, then closed.
quint16 closedPort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        qFatal("cannot bind");
    const quint16 port = server.serverPort();
    server.close();
    return port;
}

} // namespace

class TestDeliveryLogModel : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void columns();
    void retriedThenDelivered();
    void gaveUp();
    void cancelled();
    void newestFirstAndUnnoted();
    void idZeroIgnored();
    void bounded();
    void clear();

private:
    QUrl botUrl() const { return QUrl(QStringLiteral("http://127.0.0.1:%1/webhook").arg(m_bot->port())); }

    std::unique_ptr<WebhookDeliverer> m_deliverer;
    std::unique_ptr<DeliveryLogModel> m_log;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
    std::unique_ptr<WebhookServer> m_bot;
    int m_failNext = 0;
    int m_received = 0;
};

void TestDeliveryLogModel::init()
{
    m_failNext = 0;
    m_received = 0;
    m_deliverer = std::make_unique<WebhookDeliverer>();
    m_log = std::make_unique<DeliveryLogModel>(m_deliverer.get());
    m_tester =
        std::make_unique<QAbstractItemModelTester>(m_log.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_bot = std::make_unique<WebhookServer>();
    m_bot->setAppSecret(kSecret);
    m_bot->setSink([this](const ReceivedRequest&, const QList<WebhookEvent>& events,
                          std::function<void(bool, const QList<WebhookEvent>&)> done) {
        if (m_failNext > 0) {
            --m_failNext;
            done(false, {});
            return;
        }
        ++m_received;
        done(true, events);
    });
    QString error;
    QVERIFY2(m_bot->listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
}

void TestDeliveryLogModel::cleanup()
{
    m_tester.reset();
    m_log.reset();
    m_deliverer.reset();
    m_bot.reset();
}

void TestDeliveryLogModel::columns()
{
    QCOMPARE(m_log->columnCount(), int(DeliveryLogModel::ColumnCount));
    QCOMPARE(m_log->columnCount(), 7);
    QCOMPARE(m_log->headerData(DeliveryLogModel::TimeColumn, Qt::Horizontal).toString(), QStringLiteral("Time"));
    QCOMPARE(m_log->headerData(DeliveryLogModel::KindColumn, Qt::Horizontal).toString(), QStringLiteral("Kind"));
    QCOMPARE(m_log->headerData(DeliveryLogModel::TargetColumn, Qt::Horizontal).toString(), QStringLiteral("Target"));
    QCOMPARE(m_log->headerData(DeliveryLogModel::AttemptsColumn, Qt::Horizontal).toString(),
             QStringLiteral("Attempts"));
    QCOMPARE(m_log->headerData(DeliveryLogModel::HttpStatusColumn, Qt::Horizontal).toString(), QStringLiteral("HTTP"));
    QCOMPARE(m_log->headerData(DeliveryLogModel::LatencyColumn, Qt::Horizontal).toString(), QStringLiteral("Latency"));
    QCOMPARE(m_log->headerData(DeliveryLogModel::StateColumn, Qt::Horizontal).toString(), QStringLiteral("State"));
    QVERIFY(!m_log->headerData(0, Qt::Vertical).isValid());
    QCOMPARE(m_log->rowCount(), 0);
}

void TestDeliveryLogModel::retriedThenDelivered()
{
    m_deliverer->setRetryPolicy(WebhookRetryPolicy{5000, 50, 4, 1000});
    m_failNext = 2; // 500, 500, then 200
    QStringList states;
    connect(m_log.get(), &QAbstractItemModel::dataChanged, this, [this, &states](const QModelIndex& from) {
        const QString state = m_log->index(from.row(), DeliveryLogModel::StateColumn).data().toString();
        if (states.isEmpty() || states.last() != state)
            states << state;
    });
    QSignalSpy finished(m_deliverer.get(), &WebhookDeliverer::deliveryFinished);
    const quint64 id = m_deliverer->deliver(botUrl(), kBody, kSecret);
    QVERIFY(id != 0);
    m_log->noteQueued(id, QStringLiteral("button_reply"), kBody, botUrl());

    QCOMPARE(m_log->rowCount(), 1);
    const auto cell = [this](int column, int role = Qt::DisplayRole) { return m_log->index(0, column).data(role); };
    QCOMPARE(cell(DeliveryLogModel::KindColumn).toString(), QStringLiteral("button_reply"));
    QCOMPARE(cell(DeliveryLogModel::TargetColumn).toString(), botUrl().toString());
    QCOMPARE(cell(DeliveryLogModel::StateColumn).toString(), QStringLiteral("delivering"));
    QCOMPARE(cell(0, DeliveryLogModel::StateRole).toInt(), int(DeliveryLogRow::State::Delivering));
    QCOMPARE(cell(0, DeliveryLogModel::RequestBodyRole).toByteArray(), kBody);
    QCOMPARE(cell(0, DeliveryLogModel::DeliveryIdRole).toULongLong(), id);
    QVERIFY(cell(DeliveryLogModel::TimeColumn).toString().contains(QLatin1Char(':')));

    QVERIFY(finished.wait(10000));
    QCOMPARE(m_received, 1);
    QCOMPARE(states, QStringList({QStringLiteral("delivering"), QStringLiteral("retrying in 0.05 s"),
                                  QStringLiteral("retrying in 0.1 s"), QStringLiteral("delivered")}));
    QCOMPARE(cell(DeliveryLogModel::AttemptsColumn).toInt(), 3);
    QCOMPARE(cell(DeliveryLogModel::HttpStatusColumn).toInt(), 200);
    QVERIFY(cell(DeliveryLogModel::LatencyColumn).toString().endsWith(QStringLiteral(" ms")));
    QCOMPARE(cell(0, DeliveryLogModel::StateRole).toInt(), int(DeliveryLogRow::State::Delivered));
    QCOMPARE(cell(0, DeliveryLogModel::ResponseBodyRole).toByteArray(), QByteArray("{\"ok\":true}"));
    QCOMPARE(cell(0, DeliveryLogModel::ErrorRole).toString(), QString());
    QCOMPARE(m_log->rowAt(0)->kind, QStringLiteral("button_reply"));
}

void TestDeliveryLogModel::gaveUp()
{
    m_deliverer->setRetryPolicy(WebhookRetryPolicy{2000, 20, 2, 100});
    const quint16 port = closedPort();
    const QUrl url(QStringLiteral("http://127.0.0.1:%1/webhook").arg(port));
    QSignalSpy finished(m_deliverer.get(), &WebhookDeliverer::deliveryFinished);
    const quint64 id = m_deliverer->deliver(url, kBody, kSecret);
    m_log->noteQueued(id, QStringLiteral("status: sent"), kBody, url);
    QVERIFY(finished.wait(10000));
    const QModelIndex state = m_log->index(0, DeliveryLogModel::StateColumn);
    QCOMPARE(state.data().toString(), QStringLiteral("gave up: Connection refused by 127.0.0.1:%1").arg(port));
    QCOMPARE(state.data(Qt::ToolTipRole).toString(), QStringLiteral("Connection refused by 127.0.0.1:%1").arg(port));
    QCOMPARE(state.data(DeliveryLogModel::StateRole).toInt(), int(DeliveryLogRow::State::GaveUp));
    QCOMPARE(m_log->index(0, DeliveryLogModel::AttemptsColumn).data().toInt(), 2);
    QCOMPARE(m_log->index(0, DeliveryLogModel::HttpStatusColumn).data().toString(), QString());
    QCOMPARE(m_log->index(0, DeliveryLogModel::KindColumn).data().toString(), QStringLiteral("status: sent"));
}

void TestDeliveryLogModel::cancelled()
{
    m_deliverer->setRetryPolicy(WebhookRetryPolicy{2000, 60000, 5, 60000});
    const QUrl url(QStringLiteral("http://127.0.0.1:%1/webhook").arg(closedPort()));
    QSignalSpy attempts(m_deliverer.get(), &WebhookDeliverer::attemptFinished);
    const quint64 id = m_deliverer->deliver(url, kBody, {});
    m_log->noteQueued(id, QStringLiteral("text"), kBody, url);
    QVERIFY(attempts.wait(10000));
    QCOMPARE(m_log->index(0, DeliveryLogModel::StateColumn).data().toString(), QStringLiteral("retrying in 60 s"));
    m_deliverer->cancelAll();
    QCOMPARE(m_log->index(0, DeliveryLogModel::StateColumn).data().toString(), QStringLiteral("cancelled"));
    QCOMPARE(m_log->index(0, 0).data(DeliveryLogModel::StateRole).toInt(), int(DeliveryLogRow::State::Cancelled));
}

void TestDeliveryLogModel::newestFirstAndUnnoted()
{
    QSignalSpy finished(m_deliverer.get(), &WebhookDeliverer::deliveryFinished);
    const quint64 first = m_deliverer->deliver(botUrl(), kBody, kSecret);
    m_log->noteQueued(first, QStringLiteral("text"), kBody, botUrl());
    const quint64 second = m_deliverer->deliver(botUrl(), kBody, kSecret);
    m_log->noteQueued(second, QStringLiteral("status: read"), kBody, botUrl());
    const quint64 unnoted = m_deliverer->deliver(botUrl(), kBody, kSecret); // nobody says what it is
    QCOMPARE(m_log->rowCount(), 2);
    QCOMPARE(m_log->rowOf(second), 0);
    QCOMPARE(m_log->rowOf(first), 1);
    QCOMPARE(m_log->index(0, DeliveryLogModel::KindColumn).data().toString(), QStringLiteral("status: read"));

    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 3, 10000);
    QCOMPARE(m_log->rowCount(), 3);
    QCOMPARE(m_log->rowOf(unnoted), 0);
    QCOMPARE(m_log->index(0, DeliveryLogModel::KindColumn).data().toString(), QString());
    QCOMPARE(m_log->index(0, DeliveryLogModel::TargetColumn).data().toString(), botUrl().toString());
    for (int row = 0; row < 3; ++row)
        QCOMPARE(m_log->index(row, DeliveryLogModel::StateColumn).data().toString(), QStringLiteral("delivered"));
}

void TestDeliveryLogModel::idZeroIgnored()
{
    m_log->noteQueued(0, QStringLiteral("status: sent"), kBody);
    QCOMPARE(m_log->rowCount(), 0);
    QCOMPARE(m_log->rowOf(0), -1);
}

void TestDeliveryLogModel::bounded()
{
    m_tester.reset(); // thousands of inserts
    const int extra = 3;
    for (int i = 1; i <= DeliveryLogModel::kMaxRows + extra; ++i)
        m_log->noteQueued(quint64(i), QStringLiteral("text"), QByteArray::number(i));
    QCOMPARE(m_log->rowCount(), DeliveryLogModel::kMaxRows);
    QCOMPARE(m_log->rowOf(1), -1);
    QCOMPARE(m_log->rowOf(extra), -1);
    QCOMPARE(m_log->rowOf(extra + 1), DeliveryLogModel::kMaxRows - 1);
    QCOMPARE(m_log->rowOf(DeliveryLogModel::kMaxRows + extra), 0);
    QCOMPARE(m_log->index(0, 0).data(DeliveryLogModel::RequestBodyRole).toByteArray(),
             QByteArray::number(DeliveryLogModel::kMaxRows + extra));
    QCOMPARE(m_log->index(DeliveryLogModel::kMaxRows - 1, 0).data(DeliveryLogModel::DeliveryIdRole).toULongLong(),
             quint64(extra + 1));
    // A later note for a row still kept updates it in place.
    m_log->noteQueued(quint64(extra + 1), QStringLiteral("status: read"), {});
    QCOMPARE(m_log->rowCount(), DeliveryLogModel::kMaxRows);
    QCOMPARE(m_log->index(DeliveryLogModel::kMaxRows - 1, DeliveryLogModel::KindColumn).data().toString(),
             QStringLiteral("status: read"));
}

void TestDeliveryLogModel::clear()
{
    m_log->noteQueued(5, QStringLiteral("text"), kBody);
    m_log->clear();
    QCOMPARE(m_log->rowCount(), 0);
    QCOMPARE(m_log->rowOf(5), -1);
    m_log->noteQueued(6, QStringLiteral("text"), kBody);
    QCOMPARE(m_log->rowOf(6), 0);
    QCOMPARE(m_log->rowAt(0)->deliveryId, quint64(6));
    QCOMPARE(m_log->rowAt(1), nullptr);
}

QTEST_GUILESS_MAIN(TestDeliveryLogModel)
#include "tst_deliverylogmodel.moc"
