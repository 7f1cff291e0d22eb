// The child process of tst_eventstore's kill test: enqueues 1 KB requests into the event store at
// the path given as fast as the store takes them, and prints "ack <id>" from each callback, that
// is once the store says the event is committed, and "enqueued <n>" after each burst. It runs
// until it is killed.
//
//   wa_eventstore_writer PATH ROUND

#include <cstdio>

#include <QCoreApplication>
#include <QDateTime>
#include <QTimer>

#include "EventStore.h"

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    if (args.size() != 3) {
        std::fprintf(stderr, "usage: wa_eventstore_writer PATH ROUND\n");
        return 2;
    }
    wa::EventStore store;
    QString error;
    if (!store.open(args.at(1), &error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    const QString round = args.at(2);
    const QByteArray filler(900, 'x');
    constexpr int kBurst = 50;
    constexpr int kMaxPending = 2000;
    int next = 0;
    QTimer timer;
    QObject::connect(&timer, &QTimer::timeout, &store, [&] {
        if (store.pendingRequests() > kMaxPending)
            return;
        for (int i = 0; i < kBurst; ++i) {
            const QString id = QStringLiteral("wamid.kill-%1-%2").arg(round).arg(next++);
            wa::StoredRequest request;
            request.receivedAt = QDateTime::currentMSecsSinceEpoch();
            request.method = "POST";
            request.target = "/webhook";
            request.body = "{\"id\":\"" + id.toLatin1() + "\",\"pad\":\"" + filler + "\"}";
            request.statusCode = 200;
            wa::WebhookEvent event;
            event.kind = wa::WebhookEvent::Kind::Text;
            event.id = id;
            event.contact = QStringLiteral("16505551234");
            event.summary = QStringLiteral("kill test ") + id;
            event.payload = QJsonObject{{QStringLiteral("id"), id}};
            store.enqueue(request, {event}, [id](bool ok, QList<wa::WebhookEvent>) {
                if (ok) {
                    std::printf("ack %s\n", qPrintable(id));
                    std::fflush(stdout);
                }
            });
        }
        std::printf("enqueued %d\n", next);
        std::fflush(stdout);
    });
    timer.start(0);
    return QCoreApplication::exec();
}
