#pragma once

// Test support, header-only: the shared sample payloads (../shared/samples, WA_SAMPLES_DIR).

#include <QByteArray>
#include <QFile>
#include <QString>
#include <QtGlobal>

namespace TestSamples {

// A sample, byte for byte, by its path under the samples folder ("messages/list-basic.json"); a
// sample that cannot be read stops the test run, naming the file.
inline QByteArray read(const QString& relative)
{
    QFile file(QStringLiteral(WA_SAMPLES_DIR "/") + relative);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read sample %s", qPrintable(file.fileName()));
    return file.readAll();
}

// A webhook sample ("cloud-text.json").
inline QByteArray webhook(const QString& name)
{
    return read(QStringLiteral("webhooks/") + name);
}

} // namespace TestSamples
