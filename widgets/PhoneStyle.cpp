#include "PhoneStyle.h"

namespace {

QFont font(const QStringList& families, qreal pixelSize, QFont::Weight weight = QFont::Normal)
{
    QFont f;
    // Noto covers Latin, CJK (Noto Sans CJK) and colour emoji; fontconfig falls back through them.
    f.setFamilies(families + QStringList{QStringLiteral("Noto Sans"), QStringLiteral("Noto Sans CJK SC"),
                                         QStringLiteral("Noto Color Emoji"), QStringLiteral("DejaVu Sans")});
    f.setPixelSize(qRound(pixelSize));
    f.setWeight(weight);
    f.setStyleStrategy(QFont::PreferAntialias);
    return f;
}

} // namespace

PhoneStyle PhoneStyle::make(Platform platform, Theme theme)
{
    PhoneStyle s;
    s.platform = platform;
    s.theme = theme;
    const bool dark = theme == Theme::Dark;

    s.wallpaper = dark ? QColor(0x0B, 0x14, 0x1A) : QColor(0xEF, 0xEA, 0xE2);
    s.wallpaperDoodle = dark ? QColor(255, 255, 255, 10) : QColor(0, 0, 0, 12);
    s.bubble = dark ? QColor(0x20, 0x2C, 0x33) : QColor(Qt::white);
    s.text = dark ? QColor(0xE9, 0xED, 0xEF) : QColor(0x11, 0x1B, 0x21);
    s.secondaryText = dark ? QColor(0x8696A0) : QColor(0x66, 0x77, 0x81);
    s.accent = dark ? QColor(0x53, 0xBD, 0xEB) : QColor(0x02, 0x7E, 0xB5);
    s.link = s.accent;
    s.divider = dark ? QColor(255, 255, 255, 28) : QColor(0, 0, 0, 24);
    s.overflow = dark ? QColor(0xB3, 0x26, 0x1E, 150) : QColor(0xF8, 0x9C, 0x94);
    s.sheet = dark ? QColor(0x11, 0x1B, 0x21) : QColor(Qt::white);
    s.radio = QColor(0x00, 0xA8, 0x84);
    s.sendButton = QColor(0x00, 0xA8, 0x84);

    QStringList families;
    switch (platform) {
    case Platform::Android:
        s.bar = dark ? QColor(0x1F, 0x2C, 0x34) : QColor(0x00, 0x80, 0x69);
        s.barText = dark ? QColor(0xE9, 0xED, 0xEF) : QColor(Qt::white);
        families = {QStringLiteral("Roboto")};
        break;
    case Platform::IOS:
        s.bar = dark ? QColor(0x1C, 0x1C, 0x1E) : QColor(0xF6, 0xF6, 0xF6);
        s.barText = dark ? QColor(Qt::white) : QColor(Qt::black);
        families = {QStringLiteral("SF Pro Text"), QStringLiteral("Helvetica Neue")};
        break;
    case Platform::Web:
        s.bar = dark ? QColor(0x20, 0x2C, 0x33) : QColor(0xF0, 0xF2, 0xF5);
        s.barText = dark ? QColor(0xE9, 0xED, 0xEF) : QColor(0x11, 0x1B, 0x21);
        families = {QStringLiteral("Segoe UI"), QStringLiteral("Helvetica Neue")};
        break;
    }

    s.headerFont = font(families, 15, QFont::Bold);
    s.bodyFont = font(families, 14.5);
    s.monoFont = font({QStringLiteral("Noto Sans Mono"), QStringLiteral("DejaVu Sans Mono")}, 13.5);
    s.monoFont.setStyleHint(QFont::Monospace);
    s.footerFont = font(families, 12.5);
    s.timeFont = font(families, 11);
    s.buttonFont = font(families, 14.5, QFont::Medium);
    s.barFont = font(families, 16, QFont::DemiBold);
    s.sheetTitleFont = font(families, 16, QFont::DemiBold);
    s.sectionFont = font(families, 13.5, QFont::Medium);
    s.rowTitleFont = font(families, 15.5);
    s.rowDescriptionFont = font(families, 13.5);
    return s;
}

QString PhoneStyle::platformName(Platform platform)
{
    switch (platform) {
    case Platform::Android:
        return QStringLiteral("Android");
    case Platform::IOS:
        return QStringLiteral("iOS");
    case Platform::Web:
        return QStringLiteral("Web");
    }
    return {};
}

QString PhoneStyle::themeName(Theme theme)
{
    return theme == Theme::Dark ? QStringLiteral("dark") : QStringLiteral("light");
}
