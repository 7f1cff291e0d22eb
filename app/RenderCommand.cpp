#include "RenderCommand.h"

#include <QCommandLineParser>
#include <QFile>
#include <QFileInfo>
#include <QEventLoop>
#include <QImage>
#include <QTextStream>

#include "BubbleContent.h"
#include "MediaCache.h"
#include "MessageCodec.h"
#include "PhonePreview.h"

namespace {
enum ExitCode { Done = 0, Failed = 2 };
constexpr int kImageTimeoutMs = 10000;
} // namespace

int RenderCommand::run(const QStringList& arguments, QTextStream& out, QTextStream& err, QIODevice& standardInput)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Renders the phone preview of a payload to a PNG image."));
    parser.addHelpOption();
    const QCommandLineOption outputOption({QStringLiteral("o"), QStringLiteral("output")},
                                          QStringLiteral("The PNG to write (default: FILE with .png)."),
                                          QStringLiteral("out.png"));
    const QCommandLineOption themeOption(QStringLiteral("theme"), QStringLiteral("light (default) or dark."),
                                         QStringLiteral("light|dark"), QStringLiteral("light"));
    const QCommandLineOption widthOption(QStringLiteral("width"),
                                         QStringLiteral("Width of the phone screen in pixels (default 380)."),
                                         QStringLiteral("PX"), QStringLiteral("380"));
    const QCommandLineOption platformOption(QStringLiteral("os"), QStringLiteral("android (default), ios or web."),
                                            QStringLiteral("android|ios|web"), QStringLiteral("android"));
    const QCommandLineOption openListOption(QStringLiteral("open-list"),
                                            QStringLiteral("Show a list message's bottom sheet opened."));
    parser.addOptions({outputOption, themeOption, widthOption, platformOption, openListOption});
    parser.addPositionalArgument(QStringLiteral("render"), QStringLiteral("The command."));
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("A payload file; - reads standard input."));

    const auto fail = [&err](const QString& why) {
        err << "wa-composer render: " << why << '\n';
        return Failed;
    };
    if (!parser.parse(arguments))
        return fail(parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        out << parser.helpText();
        return Done;
    }
    QStringList files = parser.positionalArguments();
    files.removeFirst(); // "render"
    if (files.size() != 1)
        return fail(QStringLiteral("give exactly one FILE (or - for standard input)."));

    const QString theme = parser.value(themeOption);
    if (theme != QLatin1String("light") && theme != QLatin1String("dark"))
        return fail(QStringLiteral("--theme takes light or dark, not '%1'.").arg(theme));
    bool widthOk = false;
    const int width = parser.value(widthOption).toInt(&widthOk);
    if (!widthOk || width < 240 || width > 2000)
        return fail(QStringLiteral("--width takes a number of pixels from 240 to 2000, not '%1'.")
                        .arg(parser.value(widthOption)));
    const QString platformName = parser.value(platformOption).toLower();
    PhoneStyle::Platform platform = PhoneStyle::Platform::Android;
    if (platformName == QLatin1String("ios"))
        platform = PhoneStyle::Platform::IOS;
    else if (platformName == QLatin1String("web"))
        platform = PhoneStyle::Platform::Web;
    else if (platformName != QLatin1String("android"))
        return fail(QStringLiteral("--os takes android, ios or web, not '%1'.").arg(platformName));

    const QString input = files.first();
    QByteArray bytes;
    if (input == QLatin1String("-")) {
        bytes = standardInput.readAll();
    } else {
        QFile file(input);
        if (!file.open(QIODevice::ReadOnly))
            return fail(QStringLiteral("cannot read %1: %2").arg(input, file.errorString()));
        bytes = file.readAll();
    }
    const wa::DecodeResult decoded = wa::MessageCodec::decode(bytes);
    if (!decoded.ok())
        return fail(QStringLiteral("%1: %2").arg(input, decoded.error.message));

    QString output = parser.value(outputOption);
    if (output.isEmpty()) {
        if (input == QLatin1String("-"))
            return fail(QStringLiteral("reading standard input needs -o FILE.png."));
        const QFileInfo info(input);
        output = info.path() + QLatin1Char('/') + info.completeBaseName() + QLatin1String(".png");
    }

    const PhoneStyle style =
        PhoneStyle::make(platform, theme == QLatin1String("dark") ? PhoneStyle::Theme::Dark : PhoneStyle::Theme::Light);
    PhoneLayout::State state;
    state.sheetOpen = parser.isSet(openListOption);
    const wa::BubbleContent content = wa::BubbleContent::fromMessage(*decoded.message);
    // An image header is fetched from its link first, as the phone would, within a time limit.
    QImage headerImage;
    if (content.header == wa::BubbleContent::Header::Image && !content.mediaLink.isEmpty()) {
        const QUrl url(content.mediaLink);
        wa::MediaCache media;
        media.setTimeout(kImageTimeoutMs);
        QEventLoop loop;
        QObject::connect(&media, &wa::MediaCache::loaded, &loop, &QEventLoop::quit);
        QObject::connect(&media, &wa::MediaCache::failed, &loop, &QEventLoop::quit);
        media.request(url);
        if (media.isLoading(url))
            loop.exec();
        QString why = media.error(url);
        if (why.isEmpty())
            headerImage = PhonePreview::decodeImage(media.data(url), &why);
        if (!why.isEmpty()) {
            err << "wa-composer render: the header image " << content.mediaLink << " is shown as a placeholder: " << why
                << '\n';
            state.mediaStatus = why;
        }
    }
    const QImage image = PhonePreview::renderImage(content, style, width, state, headerImage);
    if (image.isNull() || !image.save(output, "PNG"))
        return fail(QStringLiteral("cannot write %1").arg(output));
    out << output << ": " << image.width() << "×" << image.height() << '\n';
    return Done;
}
