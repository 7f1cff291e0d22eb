#pragma once

#include <QColor>
#include <QFont>
#include <QString>

// How the phone preview looks: platform, theme, colours and fonts, close to WhatsApp's own.
struct PhoneStyle
{
    enum class Platform { Android, IOS, Web };
    enum class Theme { Light, Dark };

    Platform platform = Platform::Android;
    Theme theme = Theme::Light;
    QString contactName = QStringLiteral("Your Business");
    QString time = QStringLiteral("12:34");

    QColor wallpaper;
    QColor wallpaperDoodle;
    QColor bar;
    QColor barText;
    QColor bubble;
    QColor text;
    QColor secondaryText;
    QColor accent; // interactive button text
    QColor link;
    QColor divider;
    QColor overflow; // background of text past a limit
    QColor sheet;
    QColor radio;
    QColor sendButton;

    QFont headerFont;
    QFont bodyFont;
    QFont monoFont;
    QFont footerFont;
    QFont timeFont;
    QFont buttonFont;
    QFont barFont;
    QFont sheetTitleFont;
    QFont sectionFont;
    QFont rowTitleFont;
    QFont rowDescriptionFont;

    static PhoneStyle make(Platform platform, Theme theme);
    static QString platformName(Platform platform);
    static QString themeName(Theme theme);
};
