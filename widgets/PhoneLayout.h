#pragma once

#include <memory>

#include <QList>
#include <QRectF>
#include <QString>

#include "BubbleContent.h"
#include "IncrementalTextLayout.h"
#include "PhoneStyle.h"

// Where everything of the phone preview goes, computed by one pure function from the content,
// the style, the width and the interaction state, so it can be tested without painting.
class PhoneLayout
{
public:
    enum class Kind {
        Bar,        // the chat header with the contact's name
        DateChip,   // "Today"
        Bubble,     // the business's message bubble
        HeaderText, // bold header text
        Media,      // image / video / document placeholder or image
        Body,
        Footer,
        Time,
        Divider,      // between the text and an in-bubble button
        BubbleButton, // list, CTA, location, flow, catalog button inside the bubble
        ReplyButton,  // a reply button under the bubble
        Notice,       // a remark about the platform (Flows on Web)
        SheetShade,   // the dimmed chat behind the list's bottom sheet
        Sheet,
        SheetTitle,
        SheetSection,
        SheetRow,
        SheetSend,
    };

    struct State
    {
        bool sheetOpen = false;
        int selectedRow = -1;  // flat index over all rows of the sheet
        int tappedButton = -1; // a reply button tapped: they stop being active
        int minimumHeight = 0; // the widget's height; 0 to fit the content
        QSize mediaSize;       // the loaded header image's size, when there is one
        QString mediaStatus;   // "Loading…" or why the image could not be shown
    };

    struct Item
    {
        Kind kind = Kind::Bubble;
        QRectF rect;
        int index = -1;        // button, section or flat row index
        QString text;          // the plain text shown (labels, titles)
        QString secondaryText; // a row's description, a document's file name
        QString detail;        // a media item's loading state or error
        bool hasImage = false; // a media item showing the loaded image
        wa::PreviewButton::Icon icon = wa::PreviewButton::Reply;
        bool enabled = true;
        bool selected = false;
        std::shared_ptr<const IncrementalTextLayout> layout;      // laid-out text, positioned relative to rect
        std::shared_ptr<const IncrementalTextLayout> extraLayout; // a row's description
    };

    // `previous`, when given, is the layout computed before for the same preview: the texts that
    // did not change are taken from it as they are, and an edited text is laid out again only
    // from a little before the edit on (see IncrementalTextLayout). The result is the same.
    static PhoneLayout compute(const wa::BubbleContent& content, const PhoneStyle& style, int width, const State& state,
                               const PhoneLayout* previous = nullptr);

    QList<Item> items;
    QSizeF size;
    // The bubble's header, body and footer laid out at the widest the bubble can be (which decides
    // its width), kept for the next compute().
    std::shared_ptr<const IncrementalTextLayout> measured[3];

    QList<const Item*> itemsOf(Kind kind) const;
    const Item* itemAt(const QPointF& point) const; // the topmost interactive item there
};
