#pragma once

#include <QString>
#include <QStringList>

#include "Finding.h"
#include "Message.h"

namespace wa {

// What a rule checks.
enum class CheckKind {
    WrongType,        // a known key holds a value of another JSON type
    Required,         // the field must be present
    Length,           // min..max characters (code points)
    LegacyLength,     // above max characters: older pages and SDKs reject it (warning)
    Utf16Length,      // the UTF-16 length is above a Length rule's max while the code points are not
    Count,            // min..max items in one array
    TotalCount,       // at most max items across all sections
    Unique,           // no two items share the value
    OneOf,            // the value is one of `allowed`
    ExactlyOne,       // exactly one of the `allowed` keys is present
    NotAllowed,       // the field must be absent (for this type, or with this value)
    OnPremisesOnly,   // allowed in the On-Premises form only
    HeaderType,       // header.type is one of `allowed` for this interactive type
    UrlScheme,        // an absolute URL with a scheme of `allowed`
    NoEmoji,          // no emoji in the text
    NoEdgeWhitespace, // no white space at either end
    NonEmptyObject,   // when present, an object with at least one key
    PhoneNumber,      // digits, with + spaces - ( ) allowed
    CountryCode,      // a national-looking number (leading 0)
    TitleWhenMany,    // required when there is more than one section
    TitleWhenSingle,  // missing on a single section (warning)
};

// One rule of the reference sheet. Every number the validator uses lives in this table.
enum class Rule {
    WrongType,
    MessagingProductRequired,
    MessagingProductOnPremises,
    MessagingProduct,
    RecipientType,
    ToRequired,
    ToFormat,
    ToCountryCode,
    TypeRequired,
    TypeValue,
    ContextMessageIdRequired,
    InteractiveRequired,
    InteractiveTypeRequired,
    InteractiveTypeValue,

    HeaderRequired,
    HeaderNotAllowed,
    HeaderTypeTextOnly,
    HeaderTypeTextOrMedia,
    HeaderTextRequired,
    HeaderTextLength,
    HeaderMediaRequired,
    MediaIdOrLink,
    MediaLinkScheme,
    MediaCaption,
    MediaFilename,
    MediaProvider,

    BodyRequired,
    BodyTextRequired,
    ListBodyLength,
    ListBodyLegacyLength,
    BodyLength,
    FooterNotAllowed,
    FooterTextRequired,
    FooterLength,
    ActionRequired,
    ActionNameRequired,

    ListButtonRequired,
    ListButtonLength,
    SectionsRequired,
    SectionsCount,
    SectionTitleLength,
    SectionTitleWhenMany,
    SectionTitleWhenSingle,
    ListRowsRequired,
    ListRowsCount,
    ListRowsTotal,
    RowIdRequired,
    RowIdLength,
    RowIdUnique,
    RowTitleRequired,
    RowTitleLength,
    RowTitleUnique,
    RowDescriptionLength,

    ButtonsRequired,
    ButtonsCount,
    ButtonTypeRequired,
    ButtonTypeValue,
    ButtonReplyRequired,
    ButtonIdRequired,
    ButtonIdLength,
    ButtonIdUnique,
    ButtonIdWhitespace,
    ButtonTitleRequired,
    ButtonTitleLength,
    ButtonTitleUnique,

    CtaActionName,
    ParametersRequired,
    CtaDisplayTextRequired,
    CtaDisplayTextLength,
    CtaUrlRequired,
    CtaUrlScheme,

    LocationActionName,

    CatalogIdRequired,
    ProductRetailerIdRequired,
    ProductSectionTitleRequired,
    ProductItemsRequired,
    ProductItemsCount,
    ProductItemRetailerIdRequired,
    ProductItemsTotal,

    FlowActionName,
    FlowMessageVersionRequired,
    FlowMessageVersionValue,
    FlowIdOrName,
    FlowCtaRequired,
    FlowCtaLength,
    FlowCtaLegacyLength,
    FlowCtaNoEmoji,
    FlowModeValue,
    FlowActionValue,
    FlowPayloadOnlyNavigate,
    FlowPayloadScreenRequired,
    FlowPayloadData,

    Utf16Length,

    Count_ // not a rule: the number of rules
};

// Bit masks of InteractiveType, for the types a rule applies to.
using TypeMask = unsigned;
constexpr TypeMask typeBit(InteractiveType t)
{
    return 1u << static_cast<unsigned>(t);
}
constexpr TypeMask kEnvelope = 0; // applies to every message, whatever its type
constexpr TypeMask kAllTypes = typeBit(InteractiveType::List) | typeBit(InteractiveType::Button) |
                               typeBit(InteractiveType::CtaUrl) | typeBit(InteractiveType::LocationRequest) |
                               typeBit(InteractiveType::Product) | typeBit(InteractiveType::ProductList) |
                               typeBit(InteractiveType::Flow);

struct LimitRule
{
    Rule rule;
    const char* code; // stable identifier, reported as Finding::code
    const char* path; // field path pattern; [] stands for every index, <media> for image|video|document
    TypeMask types;   // interactive types the rule applies to (kEnvelope: all messages)
    CheckKind kind;
    int min;             // -1 when the kind has none
    int max;             // -1 when the kind has none
    const char* allowed; // '|'-separated values for OneOf, ExactlyOne, HeaderType, UrlScheme; else ""
    Severity severity;
    const char* label;  // how a person calls the field
    const char* source; // where in the reference sheet the rule comes from

    bool appliesTo(InteractiveType type) const;
    QStringList allowedValues() const;
};

class LimitsTable
{
public:
    static const LimitRule& rule(Rule rule);
    static int size() { return static_cast<int>(Rule::Count_); }
    static const LimitRule& at(int index);
    static const LimitRule* byCode(QStringView code);
    // The character limit of a field for a type: the max of the Length row with this path
    // pattern that applies to the type, or -1 when there is none.
    static int maxLength(QLatin1String pathPattern, InteractiveType type);
    // The values a OneOf or HeaderType row with this path pattern allows for the type.
    static QStringList allowedValues(QLatin1String pathPattern, InteractiveType type);
};

QString checkKindName(CheckKind kind);

} // namespace wa
