#pragma once

#include <QList>
#include <QString>

#include "FormattedText.h"
#include "Message.h"

namespace wa {

// A button as the phone shows it.
struct PreviewButton
{
    enum Icon { Reply, List, Link, Location, Flow, Catalog };

    Icon icon = Reply;
    QList<TextSpan> label;
    QString id;     // the reply id, for a reply button
    QString target; // the URL, for a CTA button
};

struct PreviewRow
{
    QString id;
    QList<TextSpan> title;
    QList<TextSpan> description;
};

struct PreviewSection
{
    QList<TextSpan> title;
    QList<PreviewRow> rows;
};

// What WhatsApp shows for one interactive message (the reference sheet's section 7): the business
// bubble's header, body, footer and buttons, and the list's bottom sheet. Text past a field's limit
// is kept and marked as overflow, never cut.
struct BubbleContent
{
    enum class Header { None, Text, Image, Video, Document };

    InteractiveType type = InteractiveType::Unknown;
    Header header = Header::None;
    QList<TextSpan> headerText;
    QString mediaLink;
    QString mediaId;
    QString fileName;
    QList<TextSpan> body;
    QList<TextSpan> footer;
    QList<PreviewButton> inBubble; // list, CTA, location, flow and catalog buttons, under a divider
    QList<PreviewButton> below;    // reply buttons, stacked under the bubble
    QList<TextSpan> sheetTitle;    // the list's bottom sheet
    QList<PreviewSection> sheet;
    QString productRetailerId;
    int productCount = 0;

    static BubbleContent fromMessage(const Message& message);
};

} // namespace wa
