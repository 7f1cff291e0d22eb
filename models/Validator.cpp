#include "Validator.h"

#include <algorithm>
#include <functional>

#include <QHash>
#include <QUrl>

#include "JsonPath.h"
#include "LimitsTable.h"
#include "TextMetrics.h"

namespace wa {

namespace {

QString ordinal(qint64 n)
{
    const qint64 lastTwo = n % 100;
    const qint64 last = n % 10;
    const char* suffix = "th";
    if (lastTwo < 11 || lastTwo > 13) {
        if (last == 1)
            suffix = "st";
        else if (last == 2)
            suffix = "nd";
        else if (last == 3)
            suffix = "rd";
    }
    return QString::number(n) + QLatin1String(suffix);
}

// Whether `value` is one of the '|'-separated Latin-1 tokens of `allowed`; no allocation.
bool isAllowed(const char* allowed, QStringView value)
{
    const char* start = allowed;
    for (const char* p = allowed;; ++p) {
        if (*p == '|' || *p == '\0') {
            if (value == QLatin1String(start, static_cast<qsizetype>(p - start)))
                return true;
            if (*p == '\0')
                return false;
            start = p + 1;
        }
    }
}

QString allowedForPeople(const LimitRule& rule)
{
    QStringList values = rule.allowedValues();
    for (QString& v : values)
        v = QLatin1Char('"') + v + QLatin1Char('"');
    return values.join(QLatin1String(", "));
}

bool isMediaType(QStringView type)
{
    return type == QLatin1String("image") || type == QLatin1String("video") || type == QLatin1String("document");
}

class Run
{
public:
    Run(const Message& message, ApiFamily family, QList<Finding>& out)
        : m_message(message)
        , m_family(family)
        , m_out(out)
        , m_type(message.interactive ? message.interactive->kind() : InteractiveType::Unknown)
    {
    }

    void all()
    {
        for (const TypeMismatch& mismatch : m_message.typeMismatches) {
            const LimitRule& r = LimitsTable::rule(Rule::WrongType);
            add(r, mismatch.path,
                QStringLiteral("%1 must be %2, not %3.")
                    .arg(mismatch.path.isEmpty() ? QStringLiteral("The payload") : mismatch.path, mismatch.expected,
                         mismatch.actual));
        }
        envelope();
        if (m_message.interactive)
            interactive(*m_message.interactive, m_root.key("interactive"));
    }

private:
    // --- the checks, one per kind of rule ------------------------------------------------------

    bool applies(Rule rule) const { return LimitsTable::rule(rule).appliesTo(m_type); }

    void add(const LimitRule& rule, const QString& path, const QString& message, qint64 limit = -1, qint64 actual = -1)
    {
        m_out.append(Finding{rule.severity, path, QLatin1String(rule.code), message, limit, actual});
    }

    // Whether a type mismatch was met at `path` or below it: a sorted look-up, so that a payload
    // full of wrongly typed values stays linear.
    bool mismatchUnder(const QString& path)
    {
        if (m_message.typeMismatches.empty())
            return false;
        if (m_mismatchPaths.empty()) {
            m_mismatchPaths.reserve(m_message.typeMismatches.size());
            for (const TypeMismatch& mismatch : m_message.typeMismatches)
                m_mismatchPaths.push_back(mismatch.path);
            std::sort(m_mismatchPaths.begin(), m_mismatchPaths.end());
        }
        const auto startsRange = [this](const QString& prefix) {
            const auto it = std::lower_bound(m_mismatchPaths.cbegin(), m_mismatchPaths.cend(), prefix);
            return it != m_mismatchPaths.cend() && it->startsWith(prefix);
        };
        const auto exact = std::lower_bound(m_mismatchPaths.cbegin(), m_mismatchPaths.cend(), path);
        if (exact != m_mismatchPaths.cend() && *exact == path)
            return true;
        return startsRange(path + QLatin1Char('.')) || startsRange(path + QLatin1Char('['));
    }

    // Reports a missing field, unless it is missing because its value had the wrong type.
    void required(Rule id, bool present, const JsonPath& path)
    {
        if (present || !applies(id))
            return;
        const QString where = path.toString();
        if (mismatchUnder(where))
            return;
        const LimitRule& r = LimitsTable::rule(id);
        add(r, where, QStringLiteral("%1 is required.").arg(QLatin1String(r.label)));
    }

    // Returns whether the text broke the rule's limit.
    bool length(Rule id, const std::optional<QString>& text, const JsonPath& path)
    {
        if (!text || !applies(id))
            return false;
        const LimitRule& r = LimitsTable::rule(id);
        const qsizetype chars = TextMetrics::codePoints(*text);
        if (r.max >= 0 && chars > r.max) {
            add(r, path.toString(),
                QStringLiteral("%1 is %2 characters; the limit is %3.")
                    .arg(QLatin1String(r.label))
                    .arg(chars)
                    .arg(r.max),
                r.max, chars);
            return true;
        }
        if (r.min > 0 && chars < r.min) {
            add(r, path.toString(),
                r.min == 1 ? QStringLiteral("%1 is empty; it needs at least 1 character.").arg(QLatin1String(r.label))
                           : QStringLiteral("%1 is %2 characters; it needs at least %3.")
                                 .arg(QLatin1String(r.label))
                                 .arg(chars)
                                 .arg(r.min),
                r.min, chars);
            return true;
        }
        const qsizetype units = TextMetrics::utf16Units(*text);
        if (r.max >= 0 && units > r.max)
            utf16Length(r, chars, units, path);
        return false;
    }

    // Section 3: within the limit in code points, above it in UTF-16 code units.
    void utf16Length(const LimitRule& r, qsizetype chars, qsizetype units, const JsonPath& path)
    {
        const LimitRule& u = LimitsTable::rule(Rule::Utf16Length);
        add(u, path.toString(),
            QStringLiteral("%1 is %2 characters but %3 UTF-16 code units (emoji count twice there); "
                           "clients that count UTF-16 reject it above %4.")
                .arg(QLatin1String(r.label))
                .arg(chars)
                .arg(units)
                .arg(r.max),
            r.max, units);
    }

    // `hardMax`: the limit of the Length rule of the same field, whose UTF-16 warning comes first.
    void legacyLength(Rule id, const std::optional<QString>& text, const JsonPath& path, int hardMax)
    {
        if (!text || !applies(id))
            return;
        const LimitRule& r = LimitsTable::rule(id);
        const qsizetype chars = TextMetrics::codePoints(*text);
        if (chars > r.max) {
            add(r, path.toString(),
                QStringLiteral("%1 is %2 characters; older WhatsApp pages and SDKs allow only %3.")
                    .arg(QLatin1String(r.label))
                    .arg(chars)
                    .arg(r.max),
                r.max, chars);
            return;
        }
        // The older limit comes from SDKs that count UTF-16, so section 3 holds for it too.
        const qsizetype units = TextMetrics::utf16Units(*text);
        if (units > r.max && units <= hardMax)
            utf16Length(r, chars, units, path);
    }

    void lengthWithLegacy(Rule hard, Rule legacy, const std::optional<QString>& text, const JsonPath& path)
    {
        if (!length(hard, text, path))
            legacyLength(legacy, text, path, LimitsTable::rule(hard).max);
    }

    void oneOf(Rule id, const std::optional<QString>& value, const JsonPath& path)
    {
        if (!value || !applies(id))
            return;
        const LimitRule& r = LimitsTable::rule(id);
        if (isAllowed(r.allowed, *value))
            return;
        add(r, path.toString(),
            QStringLiteral("%1 is \"%2\"; expected %3.").arg(QLatin1String(r.label), *value, allowedForPeople(r)));
    }

    void notAllowed(Rule id, bool present, const JsonPath& path, const QString& why)
    {
        if (!present || !applies(id))
            return;
        const LimitRule& r = LimitsTable::rule(id);
        add(r, path.toString(), QStringLiteral("%1 is not allowed %2.").arg(QLatin1String(r.label), why));
    }

    // Count: too few reports at the array, too many at the first item over the limit.
    void count(Rule id, qsizetype n, const JsonPath& arrayPath, const char* noun)
    {
        if (!applies(id))
            return;
        const LimitRule& r = LimitsTable::rule(id);
        if (r.max >= 0 && n > r.max) {
            add(r, arrayPath.index(r.max).toString(),
                QStringLiteral("%1 %2: at most %3 %4 are allowed; this message has %5.")
                    .arg(ordinal(r.max + 1), QLatin1String(noun))
                    .arg(r.max)
                    .arg(QLatin1String(r.label))
                    .arg(n),
                r.max, n);
        } else if (r.min >= 0 && n < r.min) {
            add(r, arrayPath.toString(),
                QStringLiteral("At least %1 %2 needed; there are %3.")
                    .arg(r.min)
                    .arg(r.min == 1 ? QLatin1String(noun) : QLatin1String(r.label))
                    .arg(n),
                r.min, n);
        }
    }

    void url(Rule id, const std::optional<QString>& value, const JsonPath& path)
    {
        if (!value || !applies(id))
            return;
        const QUrl url(*value, QUrl::StrictMode);
        const QString scheme = url.scheme().toLower();
        const LimitRule& r = LimitsTable::rule(id);
        if (url.isValid() && !url.host().isEmpty() && isAllowed(r.allowed, scheme))
            return;
        add(r, path.toString(),
            QStringLiteral("%1 \"%2\" is not an absolute http or https URL.").arg(QLatin1String(r.label), *value));
    }

    // Each occurrence after the first of a value is reported, naming where it was first used.
    class Seen
    {
    public:
        // Returns the first index the value was seen at, or -1 (and remembers it).
        int firstOrRemember(QStringView value, int index)
        {
            const auto it = m_first.constFind(value);
            if (it != m_first.constEnd())
                return *it;
            m_first.insert(value, index);
            return -1;
        }

    private:
        QHash<QStringView, int> m_first;
    };

    void unique(Rule id, Seen& seen, const std::optional<QString>& value, int index, const JsonPath& path,
                const std::function<QString(int)>& pathOfIndex)
    {
        if (!value || value->isEmpty() || !applies(id))
            return;
        const int first = seen.firstOrRemember(*value, index);
        if (first < 0)
            return;
        const LimitRule& r = LimitsTable::rule(id);
        add(r, path.toString(),
            QStringLiteral("%1 \"%2\" is also used at %3; %4.")
                .arg(QLatin1String(r.label), *value, pathOfIndex(first),
                     r.severity == Severity::Error ? QStringLiteral("each must be unique")
                                                   : QStringLiteral("the customer cannot tell them apart")));
    }

    // --- the message, part by part ---------------------------------------------------------------

    void envelope()
    {
        const Message& m = m_message;
        const JsonPath product = m_root.key("messaging_product");
        if (m_family == ApiFamily::Cloud) {
            required(Rule::MessagingProductRequired, m.messagingProduct.has_value(), product);
            oneOf(Rule::MessagingProduct, m.messagingProduct, product);
        } else {
            notAllowed(Rule::MessagingProductOnPremises, m.messagingProduct.has_value(), product,
                       QStringLiteral("in the On-Premises form; it belongs to the Cloud API"));
        }
        oneOf(Rule::RecipientType, m.recipientType, m_root.key("recipient_type"));
        const JsonPath to = m_root.key("to");
        required(Rule::ToRequired, m.to.has_value(), to);
        if (m.to) {
            int digits = 0;
            bool clean = true;
            QChar firstDigit;
            for (const QChar c : *m.to) {
                if (c >= QLatin1Char('0') && c <= QLatin1Char('9')) {
                    if (digits++ == 0)
                        firstDigit = c;
                } else if (c != QLatin1Char('+') && c != QLatin1Char(' ') && c != QLatin1Char('-') &&
                           c != QLatin1Char('(') && c != QLatin1Char(')')) {
                    clean = false;
                }
            }
            const LimitRule& format = LimitsTable::rule(Rule::ToFormat);
            if (!clean || digits < format.min) {
                add(format, to.toString(),
                    QStringLiteral("Recipient (to) \"%1\" is not a phone number: use digits, optionally with +, "
                                   "spaces, - and parentheses.")
                        .arg(*m.to));
            } else if (firstDigit == QLatin1Char('0')) {
                add(LimitsTable::rule(Rule::ToCountryCode), to.toString(),
                    QStringLiteral("Recipient (to) \"%1\" starts with 0 and looks like a national number; without a "
                                   "country code WhatsApp assumes the business number's country.")
                        .arg(*m.to));
            }
        }
        const JsonPath type = m_root.key("type");
        required(Rule::TypeRequired, m.type.has_value(), type);
        oneOf(Rule::TypeValue, m.type, type);
        if (m.context) {
            const JsonPath context = m_root.key("context");
            required(Rule::ContextMessageIdRequired, m.context->messageId && !m.context->messageId->isEmpty(),
                     context.key("message_id"));
        }
        required(Rule::InteractiveRequired, m.interactive.has_value(), m_root.key("interactive"));
    }

    void interactive(const Interactive& in, const JsonPath& path)
    {
        const JsonPath type = path.key("type");
        required(Rule::InteractiveTypeRequired, in.type.has_value(), type);
        oneOf(Rule::InteractiveTypeValue, in.type, type);
        if (m_type == InteractiveType::Unknown)
            return; // nothing else can be judged without knowing the type

        const QString typeName = interactiveTypeName(m_type);
        const QString inThisType = QStringLiteral("in a %1 message").arg(typeName);

        const JsonPath headerPath = path.key("header");
        required(Rule::HeaderRequired, in.header.has_value(), headerPath);
        if (in.header) {
            if (applies(Rule::HeaderNotAllowed))
                notAllowed(Rule::HeaderNotAllowed, true, headerPath, inThisType);
            else
                header(*in.header, headerPath, typeName);
        }

        const JsonPath bodyPath = path.key("body");
        required(Rule::BodyRequired, in.body.has_value(), bodyPath);
        if (in.body) {
            const JsonPath text = bodyPath.key("text");
            required(Rule::BodyTextRequired, in.body->text.has_value(), text);
            lengthWithLegacy(Rule::ListBodyLength, Rule::ListBodyLegacyLength, in.body->text, text);
            length(Rule::BodyLength, in.body->text, text);
        }

        const JsonPath footerPath = path.key("footer");
        if (in.footer) {
            if (applies(Rule::FooterNotAllowed)) {
                notAllowed(Rule::FooterNotAllowed, true, footerPath, inThisType);
            } else {
                const JsonPath text = footerPath.key("text");
                required(Rule::FooterTextRequired, in.footer->text.has_value(), text);
                length(Rule::FooterLength, in.footer->text, text);
            }
        }

        const JsonPath actionPath = path.key("action");
        required(Rule::ActionRequired, in.action.has_value(), actionPath);
        if (in.action)
            action(*in.action, actionPath);
    }

    void header(const Header& h, const JsonPath& path, const QString& typeName)
    {
        const JsonPath typePath = path.key("type");
        const Rule typeRule =
            applies(Rule::HeaderTypeTextOnly) ? Rule::HeaderTypeTextOnly : Rule::HeaderTypeTextOrMedia;
        const LimitRule& r = LimitsTable::rule(typeRule);
        if (!h.type) {
            if (!mismatchUnder(typePath.toString()))
                add(r, typePath.toString(),
                    QStringLiteral("Header type is required; a %1 message takes %2.")
                        .arg(typeName, allowedForPeople(r)));
            return;
        }
        if (!isAllowed(r.allowed, *h.type)) {
            add(r, typePath.toString(),
                QStringLiteral("A %1 message cannot have a header of type \"%2\"; it takes %3.")
                    .arg(typeName, *h.type, allowedForPeople(r)));
            return;
        }
        if (*h.type == QLatin1String("text")) {
            const JsonPath text = path.key("text");
            required(Rule::HeaderTextRequired, h.text.has_value(), text);
            length(Rule::HeaderTextLength, h.text, text);
            return;
        }
        if (!isMediaType(*h.type))
            return;
        const QByteArray key = h.type->toLatin1();
        const JsonPath mediaPath = path.key(key.constData());
        required(Rule::HeaderMediaRequired, h.media.has_value(), mediaPath);
        if (!h.media)
            return;
        const MediaObject& media = *h.media;
        const LimitRule& source = LimitsTable::rule(Rule::MediaIdOrLink);
        if (media.id.has_value() == media.link.has_value()) {
            add(source, mediaPath.toString(),
                media.id ? QStringLiteral("The %1 has both an id and a link; give exactly one of them.").arg(*h.type)
                         : QStringLiteral("The %1 needs a media id or a link (exactly one).").arg(*h.type));
        }
        url(Rule::MediaLinkScheme, media.link, mediaPath.key("link"));
        notAllowed(Rule::MediaCaption, media.caption.has_value(), mediaPath.key("caption"),
                   QStringLiteral("on a header: a header's media object has no caption"));
        if (*h.type != QLatin1String("document"))
            notAllowed(Rule::MediaFilename, media.filename.has_value(), mediaPath.key("filename"),
                       QStringLiteral("on an %1: only a document carries a file name").arg(*h.type));
        if (m_family == ApiFamily::Cloud && media.hasProvider && applies(Rule::MediaProvider)) {
            add(LimitsTable::rule(Rule::MediaProvider), mediaPath.key("provider").toString(),
                QStringLiteral("Media provider is On-Premises only; the Cloud API does not use it."));
        }
    }

    void action(const Action& a, const JsonPath& path)
    {
        const JsonPath name = path.key("name");
        required(Rule::ActionNameRequired, a.name.has_value(), name);
        switch (m_type) {
        case InteractiveType::List:
            list(a, path);
            break;
        case InteractiveType::Button:
            buttons(a, path);
            break;
        case InteractiveType::CtaUrl:
            oneOf(Rule::CtaActionName, a.name, name);
            cta(a, path);
            break;
        case InteractiveType::LocationRequest:
            oneOf(Rule::LocationActionName, a.name, name);
            break;
        case InteractiveType::Product:
            required(Rule::CatalogIdRequired, a.catalogId && !a.catalogId->isEmpty(), path.key("catalog_id"));
            required(Rule::ProductRetailerIdRequired, a.productRetailerId && !a.productRetailerId->isEmpty(),
                     path.key("product_retailer_id"));
            break;
        case InteractiveType::ProductList:
            productList(a, path);
            break;
        case InteractiveType::Flow:
            oneOf(Rule::FlowActionName, a.name, name);
            flow(a, path);
            break;
        case InteractiveType::Unknown:
            break;
        }
    }

    void list(const Action& a, const JsonPath& path)
    {
        const JsonPath button = path.key("button");
        required(Rule::ListButtonRequired, a.button.has_value(), button);
        length(Rule::ListButtonLength, a.button, button);

        const JsonPath sectionsPath = path.key("sections");
        required(Rule::SectionsRequired, a.sections.has_value(), sectionsPath);
        if (!a.sections)
            return;
        const std::vector<Section>& sections = *a.sections;
        const qsizetype sectionCount = static_cast<qsizetype>(sections.size());
        count(Rule::SectionsCount, sectionCount, sectionsPath, "section");

        const int totalMax = LimitsTable::rule(Rule::ListRowsTotal).max;
        qsizetype totalRows = 0;
        for (const Section& s : sections)
            totalRows += s.rows ? static_cast<qsizetype>(s.rows->size()) : 0;

        Seen ids;
        Seen titles;
        int flat = 0;
        // Where the n-th row overall sits, for "also used at …".
        std::vector<std::pair<int, int>> flatToRow;
        flatToRow.reserve(static_cast<size_t>(totalRows));
        const auto rowPathOf = [&flatToRow](int index) {
            const auto [si, ri] = flatToRow[static_cast<size_t>(index)];
            return QStringLiteral("interactive.action.sections[%1].rows[%2]").arg(si).arg(ri);
        };

        for (size_t si = 0; si < sections.size(); ++si) {
            const Section& s = sections[si];
            const JsonPath sectionPath = sectionsPath.index(static_cast<int>(si));
            const JsonPath title = sectionPath.key("title");
            length(Rule::SectionTitleLength, s.title, title);
            if (!s.title && !mismatchUnder(title.toString())) {
                if (sectionCount > 1) {
                    add(LimitsTable::rule(Rule::SectionTitleWhenMany), title.toString(),
                        QStringLiteral("Section title is required when a list has more than one section "
                                       "(this one has %1).")
                            .arg(sectionCount));
                } else {
                    add(LimitsTable::rule(Rule::SectionTitleWhenSingle), title.toString(),
                        QStringLiteral("Section title is missing; WhatsApp accepts a single untitled section "
                                       "today, but its current page calls the title required."));
                }
            }

            const JsonPath rowsPath = sectionPath.key("rows");
            required(Rule::ListRowsRequired, s.rows.has_value(), rowsPath);
            if (!s.rows)
                continue;
            if (s.rows->empty())
                count(Rule::ListRowsCount, 0, rowsPath, "row");
            for (size_t ri = 0; ri < s.rows->size(); ++ri, ++flat) {
                const ListRow& row = (*s.rows)[ri];
                const JsonPath rowPath = rowsPath.index(static_cast<int>(ri));
                flatToRow.emplace_back(static_cast<int>(si), static_cast<int>(ri));
                if (flat == totalMax) {
                    const LimitRule& r = LimitsTable::rule(Rule::ListRowsTotal);
                    add(r, rowPath.toString(),
                        QStringLiteral("%1 row: a list has at most %2 rows in total across all its sections; "
                                       "this one has %3.")
                            .arg(ordinal(totalMax + 1))
                            .arg(totalMax)
                            .arg(totalRows),
                        totalMax, totalRows);
                }
                const JsonPath id = rowPath.key("id");
                required(Rule::RowIdRequired, row.id.has_value(), id);
                length(Rule::RowIdLength, row.id, id);
                unique(Rule::RowIdUnique, ids, row.id, flat, id,
                       [&](int i) { return rowPathOf(i) + QLatin1String(".id"); });
                const JsonPath rowTitle = rowPath.key("title");
                required(Rule::RowTitleRequired, row.title.has_value(), rowTitle);
                length(Rule::RowTitleLength, row.title, rowTitle);
                unique(Rule::RowTitleUnique, titles, row.title, flat, rowTitle,
                       [&](int i) { return rowPathOf(i) + QLatin1String(".title"); });
                length(Rule::RowDescriptionLength, row.description, rowPath.key("description"));
            }
        }
    }

    void buttons(const Action& a, const JsonPath& path)
    {
        const JsonPath buttonsPath = path.key("buttons");
        required(Rule::ButtonsRequired, a.buttons.has_value(), buttonsPath);
        if (!a.buttons)
            return;
        count(Rule::ButtonsCount, static_cast<qsizetype>(a.buttons->size()), buttonsPath, "button");
        Seen ids;
        Seen titles;
        for (size_t i = 0; i < a.buttons->size(); ++i) {
            const ReplyButton& b = (*a.buttons)[i];
            const JsonPath buttonPath = buttonsPath.index(static_cast<int>(i));
            const JsonPath type = buttonPath.key("type");
            required(Rule::ButtonTypeRequired, b.type.has_value(), type);
            oneOf(Rule::ButtonTypeValue, b.type, type);
            const JsonPath reply = buttonPath.key("reply");
            required(Rule::ButtonReplyRequired, b.hasReply, reply);
            if (!b.hasReply)
                continue;
            const JsonPath id = reply.key("id");
            required(Rule::ButtonIdRequired, b.id.has_value(), id);
            length(Rule::ButtonIdLength, b.id, id);
            if (b.id && TextMetrics::hasEdgeWhitespace(*b.id) && applies(Rule::ButtonIdWhitespace)) {
                add(LimitsTable::rule(Rule::ButtonIdWhitespace), id.toString(),
                    QStringLiteral("Button id \"%1\" starts or ends with white space; WhatsApp rejects it.")
                        .arg(*b.id));
            }
            const auto idPathOf = [](int n) {
                return QStringLiteral("interactive.action.buttons[%1].reply.id").arg(n);
            };
            unique(Rule::ButtonIdUnique, ids, b.id, static_cast<int>(i), id, idPathOf);
            const JsonPath title = reply.key("title");
            required(Rule::ButtonTitleRequired, b.title.has_value(), title);
            length(Rule::ButtonTitleLength, b.title, title);
            const auto titlePathOf = [](int n) {
                return QStringLiteral("interactive.action.buttons[%1].reply.title").arg(n);
            };
            unique(Rule::ButtonTitleUnique, titles, b.title, static_cast<int>(i), title, titlePathOf);
        }
    }

    void cta(const Action& a, const JsonPath& path)
    {
        const JsonPath params = path.key("parameters");
        required(Rule::ParametersRequired, a.parameters.has_value(), params);
        if (!a.parameters)
            return;
        const JsonPath displayText = params.key("display_text");
        required(Rule::CtaDisplayTextRequired, a.parameters->displayText.has_value(), displayText);
        length(Rule::CtaDisplayTextLength, a.parameters->displayText, displayText);
        const JsonPath url = params.key("url");
        required(Rule::CtaUrlRequired, a.parameters->url.has_value(), url);
        this->url(Rule::CtaUrlScheme, a.parameters->url, url);
    }

    void productList(const Action& a, const JsonPath& path)
    {
        required(Rule::CatalogIdRequired, a.catalogId && !a.catalogId->isEmpty(), path.key("catalog_id"));
        const JsonPath sectionsPath = path.key("sections");
        required(Rule::SectionsRequired, a.sections.has_value(), sectionsPath);
        if (!a.sections)
            return;
        const std::vector<Section>& sections = *a.sections;
        count(Rule::SectionsCount, static_cast<qsizetype>(sections.size()), sectionsPath, "section");
        const int totalMax = LimitsTable::rule(Rule::ProductItemsTotal).max;
        qsizetype total = 0;
        for (const Section& s : sections)
            total += s.productItems ? static_cast<qsizetype>(s.productItems->size()) : 0;
        int flat = 0;
        for (size_t si = 0; si < sections.size(); ++si) {
            const Section& s = sections[si];
            const JsonPath sectionPath = sectionsPath.index(static_cast<int>(si));
            const JsonPath title = sectionPath.key("title");
            required(Rule::ProductSectionTitleRequired, s.title.has_value(), title);
            length(Rule::SectionTitleLength, s.title, title);
            const JsonPath itemsPath = sectionPath.key("product_items");
            required(Rule::ProductItemsRequired, s.productItems.has_value(), itemsPath);
            if (!s.productItems)
                continue;
            if (s.productItems->empty())
                count(Rule::ProductItemsCount, 0, itemsPath, "product");
            for (size_t ii = 0; ii < s.productItems->size(); ++ii, ++flat) {
                const ProductItem& item = (*s.productItems)[ii];
                const JsonPath itemPath = itemsPath.index(static_cast<int>(ii));
                if (flat == totalMax) {
                    const LimitRule& r = LimitsTable::rule(Rule::ProductItemsTotal);
                    add(r, itemPath.toString(),
                        QStringLiteral("%1 product: a product list has at most %2 products in total across all its "
                                       "sections; this one has %3.")
                            .arg(ordinal(totalMax + 1))
                            .arg(totalMax)
                            .arg(total),
                        totalMax, total);
                }
                required(Rule::ProductItemRetailerIdRequired,
                         item.productRetailerId && !item.productRetailerId->isEmpty(),
                         itemPath.key("product_retailer_id"));
            }
        }
    }

    void flow(const Action& a, const JsonPath& path)
    {
        const JsonPath paramsPath = path.key("parameters");
        required(Rule::ParametersRequired, a.parameters.has_value(), paramsPath);
        if (!a.parameters)
            return;
        const ActionParameters& p = *a.parameters;
        const JsonPath version = paramsPath.key("flow_message_version");
        required(Rule::FlowMessageVersionRequired, p.flowMessageVersion.has_value(), version);
        oneOf(Rule::FlowMessageVersionValue, p.flowMessageVersion, version);

        if (p.flowId.has_value() == p.flowName.has_value()) {
            add(LimitsTable::rule(Rule::FlowIdOrName), paramsPath.toString(),
                p.flowId ? QStringLiteral("The flow has both flow_id and flow_name; give exactly one of them.")
                         : QStringLiteral("The flow needs a flow_id or a flow_name (exactly one)."));
        }

        const JsonPath cta = paramsPath.key("flow_cta");
        required(Rule::FlowCtaRequired, p.flowCta.has_value(), cta);
        lengthWithLegacy(Rule::FlowCtaLength, Rule::FlowCtaLegacyLength, p.flowCta, cta);
        if (p.flowCta && TextMetrics::containsEmoji(*p.flowCta)) {
            add(LimitsTable::rule(Rule::FlowCtaNoEmoji), cta.toString(),
                QStringLiteral("Flow button text (flow_cta) \"%1\" contains emoji; WhatsApp rejects them there.")
                    .arg(*p.flowCta));
        }
        oneOf(Rule::FlowModeValue, p.mode, paramsPath.key("mode"));
        oneOf(Rule::FlowActionValue, p.flowAction, paramsPath.key("flow_action"));

        if (!p.flowActionPayload)
            return;
        const JsonPath payload = paramsPath.key("flow_action_payload");
        const bool navigate = !p.flowAction || *p.flowAction == QLatin1String("navigate");
        notAllowed(Rule::FlowPayloadOnlyNavigate, !navigate, payload,
                   QStringLiteral("with flow_action \"%1\"; it goes only with \"navigate\"")
                       .arg(p.flowAction.value_or(QString())));
        required(Rule::FlowPayloadScreenRequired,
                 p.flowActionPayload->screen && !p.flowActionPayload->screen->isEmpty(), payload.key("screen"));
        if (p.flowActionPayload->data && p.flowActionPayload->data->isEmpty()) {
            add(LimitsTable::rule(Rule::FlowPayloadData), payload.key("data").toString(),
                QStringLiteral("Flow data is an empty object; leave it out or give it at least one field."));
        }
    }

    const Message& m_message;
    const ApiFamily m_family;
    QList<Finding>& m_out;
    const InteractiveType m_type;
    const JsonPath m_root;
    std::vector<QString> m_mismatchPaths; // sorted, made on first need
};

} // namespace

QList<Finding> Validator::validate(const Message& message)
{
    return validate(message, message.family);
}

QList<Finding> Validator::validate(const Message& message, ApiFamily family)
{
    QList<Finding> findings;
    Run(message, family, findings).all();
    return findings;
}

} // namespace wa
