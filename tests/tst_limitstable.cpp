// Boundary tests for every row of the limits table: for each rule, a payload right at the limit
// (or the last valid form) that must not raise the rule's code, and one just over it that must
// raise exactly one finding with that code, at the exact path, with the row's severity and numbers.
// Length rows are tested by one generic routine with ASCII, CJK (BMP) and emoji (outside the BMP)
// text; every other kind of rule has explicit good and bad payloads below.

#include <optional>
#include <vector>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QJsonValue>
#include <QList>
#include <QRegularExpression>
#include <QSet>
#include <QStringList>
#include <QTest>

#include "Finding.h"
#include "LimitsTable.h"
#include "Message.h"
#include "MessageCodec.h"
#include "Validator.h"

using wa::ApiFamily;
using wa::CheckKind;
using wa::Finding;
using wa::InteractiveType;
using wa::LimitRule;
using wa::LimitsTable;
using wa::MessageCodec;
using wa::Rule;
using wa::Severity;
using wa::Validator;

namespace {

// --- JSON helpers ----------------------------------------------------------------------------------

QString str(const char* utf8)
{
    return QString::fromUtf8(utf8);
}

// Any JSON value written as text: parseValue("42"), parseValue("{}"), parseValue("null").
QJsonValue parseValue(const char* json)
{
    const QByteArray wrapped = QByteArray("{\"v\":") + json + '}';
    return QJsonDocument::fromJson(wrapped).object().value(QLatin1String("v"));
}

QJsonObject parseObject(const char* json)
{
    return QJsonDocument::fromJson(QByteArray(json)).object();
}

struct Step
{
    QString key;
    int index = -1; // -1: no index on this step
};

// A field path such as `interactive.action.sections[1].rows[0].title` as steps; `[]` means [0].
std::vector<Step> parsePath(const QString& path)
{
    std::vector<Step> steps;
    const QStringList parts = path.split(QLatin1Char('.'));
    for (const QString& part : parts) {
        Step step;
        const qsizetype bracket = part.indexOf(QLatin1Char('['));
        if (bracket < 0) {
            step.key = part;
        } else {
            step.key = part.left(bracket);
            const QString inside = part.mid(bracket + 1, part.size() - bracket - 2);
            step.index = inside.isEmpty() ? 0 : inside.toInt();
        }
        steps.push_back(step);
    }
    return steps;
}

// A copy of `node` with the value at steps[i..] replaced (or removed when `value` is empty); missing
// objects and array items on the way are created.
QJsonValue edited(const QJsonValue& node, const std::vector<Step>& steps, size_t i,
                  const std::optional<QJsonValue>& value)
{
    QJsonObject object = node.toObject();
    const Step& step = steps[i];
    const bool last = i + 1 == steps.size();
    if (step.index < 0) {
        if (!last)
            object.insert(step.key, edited(object.value(step.key), steps, i + 1, value));
        else if (value)
            object.insert(step.key, *value);
        else
            object.remove(step.key);
        return object;
    }
    QJsonArray array = object.value(step.key).toArray();
    while (array.size() <= step.index)
        array.append(QJsonObject());
    if (!last)
        array.replace(step.index, edited(array.at(step.index), steps, i + 1, value));
    else if (value)
        array.replace(step.index, *value);
    else
        array.removeAt(step.index);
    object.insert(step.key, array);
    return object;
}

// The concrete path of a table path pattern: `[]` is index 0, `<media>` the header's media key.
QString concretePath(const char* pattern, const QString& mediaKey = QString())
{
    QString path = QString::fromLatin1(pattern);
    path.replace(QLatin1String("[]"), QLatin1String("[0]"));
    path.replace(QLatin1String("<media>"), mediaKey);
    return path;
}

QJsonObject with(const QJsonObject& root, const QString& path, const QJsonValue& value)
{
    return edited(root, parsePath(path), 0, value).toObject();
}

QJsonObject with(const QJsonObject& root, const char* path, const QJsonValue& value)
{
    return with(root, QString::fromLatin1(path), value);
}

QJsonObject without(const QJsonObject& root, const char* path)
{
    return edited(root, parsePath(QString::fromLatin1(path)), 0, std::nullopt).toObject();
}

// Whether a finding's path fits a table path pattern. `[]` is any index, `<media>` any media key,
// `*` any path; a Count rule reports "too many" at the first item over the limit, below its array.
bool pathFitsPattern(const QString& path, const LimitRule& rule)
{
    const QString pattern = QString::fromLatin1(rule.path);
    if (pattern == QLatin1String("*"))
        return !path.isEmpty();
    QString re = QRegularExpression::escape(pattern);
    re.replace(QLatin1String("\\[\\]"), QLatin1String("\\[\\d+\\]"));
    re.replace(QLatin1String("\\<media\\>"), QLatin1String("(image|video|document)"));
    if (rule.kind == CheckKind::Count)
        re += QLatin1String("(\\[\\d+\\])?");
    return QRegularExpression(QRegularExpression::anchoredPattern(re)).match(path).hasMatch();
}

QString describe(const QList<Finding>& findings)
{
    QStringList lines;
    for (const Finding& f : findings) {
        lines << QStringLiteral("  %1 %2 at \"%3\" (limit %4, actual %5): %6")
                     .arg(wa::severityName(f.severity), f.code, f.path)
                     .arg(f.limit)
                     .arg(f.actual)
                     .arg(f.message);
    }
    return lines.isEmpty() ? QStringLiteral("  (no findings)") : lines.join(QLatin1Char('\n'));
}

// --- base payloads -----------------------------------------------------------------------------

struct Bases
{
    QJsonObject list;
    QJsonObject button; // text header, footer, three buttons
    QJsonObject buttonImage;
    QJsonObject buttonDocument;
    QJsonObject buttonVideoOnPremises;
    QJsonObject cta;
    QJsonObject location;
    QJsonObject product;
    QJsonObject productList;
    QJsonObject flow;
    QJsonObject replyContext;
    // invalid samples
    QJsonObject listElevenRows;
    QJsonObject buttonFour;
    QJsonObject buttonIdSpaces;
    QJsonObject listTwoSectionsUntitled;
    QJsonObject listHeaderImage;
    QJsonObject mediaIdAndLink;
    QJsonObject rowTitle25;

    QStringList errors; // samples that could not be read

    QJsonObject forType(InteractiveType type) const
    {
        switch (type) {
        case InteractiveType::List:
            return list;
        case InteractiveType::Button:
            return button;
        case InteractiveType::CtaUrl:
            return cta;
        case InteractiveType::LocationRequest:
            return location;
        case InteractiveType::Product:
            return product;
        case InteractiveType::ProductList:
            return productList;
        case InteractiveType::Flow:
            return flow;
        case InteractiveType::Unknown:
            break;
        }
        return {};
    }
};

const Bases& bases()
{
    static const Bases loaded = [] {
        Bases b;
        const auto load = [&b](const char* name) {
            const QString fileName = QString::fromUtf8(WA_SAMPLES_DIR "/messages/") + QString::fromLatin1(name);
            QFile file(fileName);
            if (!file.open(QIODevice::ReadOnly)) {
                b.errors << QStringLiteral("%1: %2").arg(fileName, file.errorString());
                return QJsonObject();
            }
            QJsonParseError error;
            const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
            if (error.error != QJsonParseError::NoError || !document.isObject()) {
                b.errors << QStringLiteral("%1: not a JSON object (%2)").arg(fileName, error.errorString());
                return QJsonObject();
            }
            return document.object();
        };
        b.list = load("list-takeout-menu.json");
        b.button = load("button-text-header.json");
        b.buttonImage = load("button-image-header.json");
        b.buttonDocument = load("button-document-header.json");
        b.buttonVideoOnPremises = load("button-video-header-onprem.json");
        b.cta = load("cta-url.json");
        b.location = load("location-request.json");
        b.product = load("product.json");
        b.productList = load("product-list.json");
        b.flow = load("flow.json");
        b.replyContext = load("reply-context.json");
        b.listElevenRows = load("invalid/list-eleven-rows.json");
        b.buttonFour = load("invalid/button-four.json");
        b.buttonIdSpaces = load("invalid/button-id-spaces.json");
        b.listTwoSectionsUntitled = load("invalid/list-two-sections-untitled.json");
        b.listHeaderImage = load("invalid/list-header-image.json");
        b.mediaIdAndLink = load("invalid/media-id-and-link.json");
        b.rowTitle25 = load("invalid/row-title-25.json");
        return b;
    }();
    return loaded;
}

const InteractiveType kTypes[] = {
    InteractiveType::List,    InteractiveType::Button,      InteractiveType::CtaUrl, InteractiveType::LocationRequest,
    InteractiveType::Product, InteractiveType::ProductList, InteractiveType::Flow};

// A list whose sections hold perSection[i] rows each, every row and section titled and unique.
QJsonObject listWithRows(const QList<int>& perSection)
{
    QJsonArray sections;
    int n = 0;
    for (int si = 0; si < perSection.size(); ++si) {
        QJsonArray rows;
        for (int ri = 0; ri < perSection.at(si); ++ri, ++n) {
            rows.append(QJsonObject{{QStringLiteral("id"), QStringLiteral("row-%1").arg(n)},
                                    {QStringLiteral("title"), QStringLiteral("Row %1").arg(n)}});
        }
        sections.append(QJsonObject{{QStringLiteral("title"), QStringLiteral("Section %1").arg(si)},
                                    {QStringLiteral("rows"), rows}});
    }
    return with(bases().list, "interactive.action.sections", sections);
}

// A product list whose sections hold perSection[i] products each.
QJsonObject productListWith(const QList<int>& perSection)
{
    QJsonArray sections;
    int n = 0;
    for (int si = 0; si < perSection.size(); ++si) {
        QJsonArray items;
        for (int ii = 0; ii < perSection.at(si); ++ii, ++n)
            items.append(QJsonObject{{QStringLiteral("product_retailer_id"), QStringLiteral("SKU-%1").arg(n)}});
        sections.append(QJsonObject{{QStringLiteral("title"), QStringLiteral("Shelf %1").arg(si)},
                                    {QStringLiteral("product_items"), items}});
    }
    return with(bases().productList, "interactive.action.sections", sections);
}

// A reply-button message with n distinct buttons.
QJsonObject buttonsN(int n)
{
    QJsonArray buttons;
    for (int i = 0; i < n; ++i) {
        buttons.append(QJsonObject{
            {QStringLiteral("type"), QStringLiteral("reply")},
            {QStringLiteral("reply"), QJsonObject{{QStringLiteral("id"), QStringLiteral("choice-%1").arg(i)},
                                                  {QStringLiteral("title"), QStringLiteral("Choice %1").arg(i)}}}});
    }
    return with(bases().button, "interactive.action.buttons", buttons);
}

// --- the cases ---------------------------------------------------------------------------------

// One boundary case: validating `payload` in `family` must (expected) or must not raise rule's code.
struct Case
{
    QByteArray name;
    Rule rule;
    QJsonObject payload;
    ApiFamily family = ApiFamily::Cloud;
    bool expected = false;
    QString path;      // where the finding must be, when expected
    qint64 limit = -1; // the finding's numbers, when expected (-1: the rule has none)
    qint64 actual = -1;
};

QByteArray caseName(Rule rule, bool expected, const QString& what)
{
    return QByteArray(LimitsTable::rule(rule).code) + (expected ? "/over: " : "/at: ") + what.toUtf8();
}

class Cases
{
public:
    explicit Cases(std::vector<Case>& out)
        : m_out(out)
    {
    }

    // The largest or last valid form: no finding with the rule's code anywhere.
    void ok(Rule rule, const char* what, const QJsonObject& payload, ApiFamily family = ApiFamily::Cloud)
    {
        okNamed(rule, QString::fromUtf8(what), payload, family);
    }
    void okNamed(Rule rule, const QString& what, const QJsonObject& payload, ApiFamily family = ApiFamily::Cloud)
    {
        m_out.push_back(Case{caseName(rule, false, what), rule, payload, family, false, QString(), -1, -1});
    }

    // The first invalid form: exactly one finding with the rule's code at `path`.
    void bad(Rule rule, const char* what, const QJsonObject& payload, const char* path, qint64 limit = -1,
             qint64 actual = -1, ApiFamily family = ApiFamily::Cloud)
    {
        badNamed(rule, QString::fromUtf8(what), payload, QString::fromLatin1(path), limit, actual, family);
    }
    void badNamed(Rule rule, const QString& what, const QJsonObject& payload, const QString& path, qint64 limit = -1,
                  qint64 actual = -1, ApiFamily family = ApiFamily::Cloud)
    {
        m_out.push_back(Case{caseName(rule, true, what), rule, payload, family, true, path, limit, actual});
    }

private:
    std::vector<Case>& m_out;
};

// The three kinds of text of the issue: ASCII, CJK in the BMP (one UTF-16 unit), and an emoji
// outside the BMP (one code point, two UTF-16 units).
struct TextVariant
{
    const char* name;
    QString unit;
};

const TextVariant& variant(int i)
{
    static const TextVariant variants[] = {
        {"ascii", QStringLiteral("a")},
        {"cjk", QStringLiteral("\u5B57")},       // 字
        {"emoji", QStringLiteral("\U0001F600")}, // 😀
    };
    return variants[i];
}

// The hard (Length) and older (LegacyLength) limits that apply to one text field of one type.
struct TextLimits
{
    int hard = -1;
    int legacy = -1;
};

TextLimits textLimits(const char* path, InteractiveType type)
{
    TextLimits limits;
    for (int i = 0; i < LimitsTable::size(); ++i) {
        const LimitRule& r = LimitsTable::at(i);
        if (qstrcmp(r.path, path) != 0 || !r.appliesTo(type))
            continue;
        if (r.kind == CheckKind::Length)
            limits.hard = r.max;
        else if (r.kind == CheckKind::LegacyLength)
            limits.legacy = r.max;
    }
    return limits;
}

// Section 3 of the reference sheet: the limit counts code points and is an error (or, for the older
// limit, a warning) above it; where the UTF-16 length is above a limit the code points are within,
// a utf16_length warning names that limit. Returns the limit the warning names, if there is one.
std::optional<int> utf16WarningLimit(qsizetype codePoints, qsizetype units, const TextLimits& limits)
{
    if (limits.hard >= 0 && codePoints > limits.hard)
        return std::nullopt; // the length error says it all
    if (limits.hard >= 0 && units > limits.hard)
        return limits.hard;
    if (limits.legacy >= 0 && codePoints > limits.legacy)
        return std::nullopt; // the legacy-length warning says it all
    if (limits.legacy >= 0 && units > limits.legacy)
        return limits.legacy;
    return std::nullopt;
}

// Whether the validator can reach `path` in a message of `type`: a header of a type that takes none
// is reported as not allowed and never looked into.
bool reachable(const char* path, InteractiveType type)
{
    return !(QByteArray(path).startsWith("interactive.header") &&
             LimitsTable::rule(Rule::HeaderNotAllowed).appliesTo(type));
}

// Every Length and LegacyLength row, for every interactive type it applies to: at the limit and one
// over with ASCII, CJK and emoji text, the empty string, and the UTF-16 boundary of section 3.
std::vector<Case> lengthCases()
{
    std::vector<Case> out;
    Cases c(out);
    for (int i = 0; i < LimitsTable::size(); ++i) {
        const LimitRule& r = LimitsTable::at(i);
        if (r.kind != CheckKind::Length && r.kind != CheckKind::LegacyLength)
            continue;
        for (const InteractiveType type : kTypes) {
            if (!r.appliesTo(type) || !reachable(r.path, type))
                continue;
            const QString typeName = wa::interactiveTypeName(type);
            QJsonObject base = bases().forType(type);
            if (QByteArray(r.path).startsWith("interactive.header.text"))
                base = with(base, "interactive.header.type", QStringLiteral("text"));
            const QString path = concretePath(r.path);
            const auto text = [&](const QString& s) { return with(base, path, s); };

            for (int v = 0; v < 3; ++v) {
                const TextVariant& tv = variant(v);
                const QString at = QStringLiteral("%1 %2 x%3").arg(typeName, QLatin1String(tv.name)).arg(r.max);
                const QString over = QStringLiteral("%1 %2 x%3").arg(typeName, QLatin1String(tv.name)).arg(r.max + 1);
                c.okNamed(r.rule, at, text(tv.unit.repeated(r.max)));
                c.badNamed(r.rule, over, text(tv.unit.repeated(r.max + 1)), path, r.max, r.max + 1);
            }
            if (r.min >= 1) {
                c.okNamed(r.rule, QStringLiteral("%1 ascii x%2 (minimum)").arg(typeName).arg(r.min),
                          text(QStringLiteral("a").repeated(r.min)));
                c.badNamed(r.rule, QStringLiteral("%1 empty").arg(typeName), text(QString()), path, r.min, 0);
            } else if (r.min == 0) {
                c.okNamed(r.rule, QStringLiteral("%1 empty").arg(typeName), text(QString()));
            }

            // Section 3: the UTF-16 length against the limits of this field.
            const TextLimits limits = textLimits(r.path, type);
            const QString emoji = variant(2).unit;
            struct Utf16Probe
            {
                QString what;
                QString text;
            };
            const Utf16Probe probes[] = {
                {QStringLiteral("cjk x%1").arg(r.max), variant(1).unit.repeated(r.max)},
                {QStringLiteral("ascii x%1 + emoji (%2 UTF-16 units)").arg(r.max - 2).arg(r.max),
                 QStringLiteral("a").repeated(r.max - 2) + emoji},
                {QStringLiteral("ascii x%1 + emoji (%2 UTF-16 units)").arg(r.max - 1).arg(r.max + 1),
                 QStringLiteral("a").repeated(r.max - 1) + emoji},
                {QStringLiteral("emoji x%1").arg(r.max), emoji.repeated(r.max)},
                {QStringLiteral("emoji x%1").arg(r.max + 1), emoji.repeated(r.max + 1)},
            };
            for (const Utf16Probe& probe : probes) {
                const QString what = QStringLiteral("%1 %2 %3").arg(QLatin1String(r.code), typeName, probe.what);
                const qsizetype units = probe.text.size();
                const qsizetype codePoints = probe.text.toUcs4().size();
                if (const auto limit = utf16WarningLimit(codePoints, units, limits))
                    c.badNamed(Rule::Utf16Length, what, text(probe.text), path, *limit, units);
                else
                    c.okNamed(Rule::Utf16Length, what, text(probe.text));
            }
        }
    }
    return out;
}

// Every other rule: explicit valid payloads at the edge, and the first invalid ones.
std::vector<Case> ruleCases()
{
    std::vector<Case> out;
    Cases c(out);
    const Bases& b = bases();
    const ApiFamily cloud = ApiFamily::Cloud;
    const ApiFamily onPrem = ApiFamily::OnPremises;

    // --- the envelope ----------------------------------------------------------------------------
    c.ok(Rule::WrongType, "every field of its type", b.list);
    c.bad(Rule::WrongType, "body text a number", with(b.list, "interactive.body.text", 42), "interactive.body.text");
    c.bad(Rule::WrongType, "to a number", with(b.list, "to", 16505551234.0), "to");
    c.bad(Rule::WrongType, "sections an object", with(b.list, "interactive.action.sections", QJsonObject()),
          "interactive.action.sections");
    c.bad(Rule::WrongType, "a section a string", with(b.list, "interactive.action.sections[1]", QStringLiteral("Rice")),
          "interactive.action.sections[1]");
    c.bad(Rule::WrongType, "row title null",
          with(b.list, "interactive.action.sections[0].rows[1].title", parseValue("null")),
          "interactive.action.sections[0].rows[1].title");
    c.bad(Rule::WrongType, "flow data an array",
          with(b.flow, "interactive.action.parameters.flow_action_payload.data", parseValue("[1]")),
          "interactive.action.parameters.flow_action_payload.data");

    const QJsonObject listNoProduct = without(b.list, "messaging_product");
    c.ok(Rule::MessagingProductRequired, "present (cloud)", b.list, cloud);
    c.ok(Rule::MessagingProductRequired, "absent (on-premises)", listNoProduct, onPrem);
    c.bad(Rule::MessagingProductRequired, "absent (cloud)", listNoProduct, "messaging_product", -1, -1, cloud);

    c.ok(Rule::MessagingProductOnPremises, "absent (on-premises)", listNoProduct, onPrem);
    c.ok(Rule::MessagingProductOnPremises, "present (cloud)", b.list, cloud);
    c.bad(Rule::MessagingProductOnPremises, "present (on-premises)", b.list, "messaging_product", -1, -1, onPrem);

    c.ok(Rule::MessagingProduct, "whatsapp", b.list);
    c.bad(Rule::MessagingProduct, "WhatsApp", with(b.list, "messaging_product", QStringLiteral("WhatsApp")),
          "messaging_product");
    c.bad(Rule::MessagingProduct, "sms", with(b.list, "messaging_product", QStringLiteral("sms")), "messaging_product");

    c.ok(Rule::RecipientType, "individual", b.list);
    c.ok(Rule::RecipientType, "group", with(b.list, "recipient_type", QStringLiteral("group")));
    c.ok(Rule::RecipientType, "absent", without(b.list, "recipient_type"));
    c.bad(Rule::RecipientType, "person", with(b.list, "recipient_type", QStringLiteral("person")), "recipient_type");
    c.bad(Rule::RecipientType, "Individual", with(b.list, "recipient_type", QStringLiteral("Individual")),
          "recipient_type");

    c.ok(Rule::ToRequired, "present", b.list);
    c.bad(Rule::ToRequired, "absent", without(b.list, "to"), "to");

    c.ok(Rule::ToFormat, "digits, + spaces - ( )", with(b.list, "to", QStringLiteral("+1 (650) 555-1234")));
    c.ok(Rule::ToFormat, "one digit", with(b.list, "to", QStringLiteral("1")));
    c.bad(Rule::ToFormat, "dots", with(b.list, "to", QStringLiteral("650.555.1234")), "to");
    c.bad(Rule::ToFormat, "no digit", with(b.list, "to", QStringLiteral("+")), "to");
    c.bad(Rule::ToFormat, "empty", with(b.list, "to", QString()), "to");
    c.bad(Rule::ToFormat, "tel: URI", with(b.list, "to", QStringLiteral("tel:16505551234")), "to");

    c.ok(Rule::ToCountryCode, "with country code", with(b.list, "to", QStringLiteral("+886 912 345 678")));
    c.bad(Rule::ToCountryCode, "national number", with(b.list, "to", QStringLiteral("0912345678")), "to");
    c.bad(Rule::ToCountryCode, "national number in parentheses", with(b.list, "to", QStringLiteral("(0)20 7946 0958")),
          "to");

    c.ok(Rule::TypeRequired, "present", b.list);
    c.bad(Rule::TypeRequired, "absent", without(b.list, "type"), "type");

    c.ok(Rule::TypeValue, "interactive", b.list);
    c.bad(Rule::TypeValue, "text", with(b.list, "type", QStringLiteral("text")), "type");
    c.bad(Rule::TypeValue, "Interactive", with(b.list, "type", QStringLiteral("Interactive")), "type");

    c.ok(Rule::ContextMessageIdRequired, "with message_id", b.replyContext);
    c.ok(Rule::ContextMessageIdRequired, "no context", b.list);
    c.bad(Rule::ContextMessageIdRequired, "empty context", with(b.replyContext, "context", QJsonObject()),
          "context.message_id");
    c.bad(Rule::ContextMessageIdRequired, "empty message_id", with(b.replyContext, "context.message_id", QString()),
          "context.message_id");

    c.ok(Rule::InteractiveRequired, "present", b.list);
    c.bad(Rule::InteractiveRequired, "absent", without(b.list, "interactive"), "interactive");

    c.ok(Rule::InteractiveTypeRequired, "present", b.list);
    c.bad(Rule::InteractiveTypeRequired, "absent", without(b.list, "interactive.type"), "interactive.type");

    for (const InteractiveType type : kTypes) {
        c.okNamed(Rule::InteractiveTypeValue, wa::interactiveTypeName(type), b.forType(type));
    }
    c.bad(Rule::InteractiveTypeValue, "carousel", with(b.list, "interactive.type", QStringLiteral("carousel")),
          "interactive.type");
    c.bad(Rule::InteractiveTypeValue, "List", with(b.list, "interactive.type", QStringLiteral("List")),
          "interactive.type");

    // --- header ----------------------------------------------------------------------------------
    const QJsonObject textHeader = parseObject(R"({"type":"text","text":"Hello"})");
    const QJsonObject imageHeader = parseObject(R"({"type":"image","image":{"link":"https://example.com/a.jpg"}})");

    c.ok(Rule::HeaderRequired, "product_list with header", b.productList);
    c.ok(Rule::HeaderRequired, "list without header", without(b.list, "interactive.header"));
    c.bad(Rule::HeaderRequired, "product_list without header", without(b.productList, "interactive.header"),
          "interactive.header");

    c.ok(Rule::HeaderNotAllowed, "product without header", b.product);
    c.ok(Rule::HeaderNotAllowed, "location without header", b.location);
    c.bad(Rule::HeaderNotAllowed, "product with text header", with(b.product, "interactive.header", textHeader),
          "interactive.header");
    c.bad(Rule::HeaderNotAllowed, "location with text header", with(b.location, "interactive.header", textHeader),
          "interactive.header");
    c.bad(Rule::HeaderNotAllowed, "location with image header", with(b.location, "interactive.header", imageHeader),
          "interactive.header");

    c.ok(Rule::HeaderTypeTextOnly, "list text header", b.list);
    c.ok(Rule::HeaderTypeTextOnly, "product_list text header", b.productList);
    c.ok(Rule::HeaderTypeTextOnly, "flow text header", b.flow);
    c.bad(Rule::HeaderTypeTextOnly, "list image header (sample)", b.listHeaderImage, "interactive.header.type");
    c.bad(Rule::HeaderTypeTextOnly, "product_list image header", with(b.productList, "interactive.header", imageHeader),
          "interactive.header.type");
    c.bad(Rule::HeaderTypeTextOnly, "flow image header", with(b.flow, "interactive.header", imageHeader),
          "interactive.header.type");
    c.bad(Rule::HeaderTypeTextOnly, "list header without type",
          with(b.list, "interactive.header", parseObject(R"({"text":"Hello"})")), "interactive.header.type");

    c.ok(Rule::HeaderTypeTextOrMedia, "button text", b.button);
    c.ok(Rule::HeaderTypeTextOrMedia, "button image", b.buttonImage);
    c.ok(Rule::HeaderTypeTextOrMedia, "button document", b.buttonDocument);
    c.ok(Rule::HeaderTypeTextOrMedia, "button video (on-premises)", b.buttonVideoOnPremises, onPrem);
    c.ok(Rule::HeaderTypeTextOrMedia, "cta_url image", with(b.cta, "interactive.header", imageHeader));
    c.bad(Rule::HeaderTypeTextOrMedia, "button audio",
          with(b.button, "interactive.header", parseObject(R"({"type":"audio","audio":{"id":"1"}})")),
          "interactive.header.type");
    c.bad(Rule::HeaderTypeTextOrMedia, "cta_url location", with(b.cta, "interactive.header.type", str("location")),
          "interactive.header.type");
    c.bad(Rule::HeaderTypeTextOrMedia, "button header without type",
          with(b.button, "interactive.header", parseObject(R"({"text":"Hello"})")), "interactive.header.type");

    c.ok(Rule::HeaderTextRequired, "list header with text", b.list);
    c.bad(Rule::HeaderTextRequired, "list header without text",
          with(b.list, "interactive.header", parseObject(R"({"type":"text"})")), "interactive.header.text");
    c.bad(Rule::HeaderTextRequired, "button header without text", without(b.button, "interactive.header.text"),
          "interactive.header.text");

    c.ok(Rule::HeaderMediaRequired, "image object", b.buttonImage);
    c.bad(Rule::HeaderMediaRequired, "button image without object",
          with(b.button, "interactive.header", parseObject(R"({"type":"image"})")), "interactive.header.image");
    c.bad(Rule::HeaderMediaRequired, "cta_url document without object",
          with(b.cta, "interactive.header", parseObject(R"({"type":"document","text":"x"})")),
          "interactive.header.document");

    c.ok(Rule::MediaIdOrLink, "link only", b.buttonImage);
    c.ok(Rule::MediaIdOrLink, "id only", b.buttonDocument);
    c.bad(Rule::MediaIdOrLink, "id and link (sample)", b.mediaIdAndLink, "interactive.header.image");
    c.bad(Rule::MediaIdOrLink, "neither", with(b.buttonImage, "interactive.header.image", QJsonObject()),
          "interactive.header.image");
    c.bad(Rule::MediaIdOrLink, "cta_url video with both",
          with(b.cta, "interactive.header",
               parseObject(R"({"type":"video","video":{"id":"9","link":"https://example.com/v.mp4"}})")),
          "interactive.header.video");

    c.ok(Rule::MediaLinkScheme, "https", b.buttonImage);
    c.ok(Rule::MediaLinkScheme, "http",
         with(b.buttonImage, "interactive.header.image.link", str("http://example.com/a.jpg")));
    c.bad(Rule::MediaLinkScheme, "ftp",
          with(b.buttonImage, "interactive.header.image.link", str("ftp://example.com/a.jpg")),
          "interactive.header.image.link");
    c.bad(Rule::MediaLinkScheme, "no scheme",
          with(b.buttonImage, "interactive.header.image.link", str("example.com/a.jpg")),
          "interactive.header.image.link");
    c.bad(Rule::MediaLinkScheme, "no host", with(b.buttonImage, "interactive.header.image.link", str("https://")),
          "interactive.header.image.link");

    c.ok(Rule::MediaCaption, "no caption", b.buttonImage);
    c.bad(Rule::MediaCaption, "image caption", with(b.buttonImage, "interactive.header.image.caption", str("Look")),
          "interactive.header.image.caption");
    c.bad(Rule::MediaCaption, "document caption",
          with(b.buttonDocument, "interactive.header.document.caption", str("Invoice")),
          "interactive.header.document.caption");

    c.ok(Rule::MediaFilename, "document filename", b.buttonDocument);
    c.bad(Rule::MediaFilename, "image filename", with(b.buttonImage, "interactive.header.image.filename", str("a.jpg")),
          "interactive.header.image.filename");
    c.bad(Rule::MediaFilename, "video filename (on-premises)",
          with(b.buttonVideoOnPremises, "interactive.header.video.filename", str("demo.mp4")),
          "interactive.header.video.filename", -1, -1, onPrem);

    const QJsonObject videoCloud = with(b.buttonVideoOnPremises, "messaging_product", str("whatsapp"));
    c.ok(Rule::MediaProvider, "provider (on-premises)", b.buttonVideoOnPremises, onPrem);
    c.ok(Rule::MediaProvider, "no provider (cloud)", without(videoCloud, "interactive.header.video.provider"), cloud);
    c.bad(Rule::MediaProvider, "provider (cloud)", videoCloud, "interactive.header.video.provider", -1, -1, cloud);

    // --- body, footer, action --------------------------------------------------------------------
    c.ok(Rule::BodyRequired, "product without body", without(b.product, "interactive.body"));
    c.ok(Rule::BodyRequired, "list with body", b.list);
    c.bad(Rule::BodyRequired, "list without body", without(b.list, "interactive.body"), "interactive.body");
    c.bad(Rule::BodyRequired, "location without body", without(b.location, "interactive.body"), "interactive.body");
    c.bad(Rule::BodyRequired, "product_list without body", without(b.productList, "interactive.body"),
          "interactive.body");

    c.ok(Rule::BodyTextRequired, "body with text", b.button);
    c.bad(Rule::BodyTextRequired, "list body without text", with(b.list, "interactive.body", QJsonObject()),
          "interactive.body.text");
    c.bad(Rule::BodyTextRequired, "product body without text", with(b.product, "interactive.body", QJsonObject()),
          "interactive.body.text");

    const QJsonObject footer = parseObject(R"({"text":"Thanks"})");
    c.ok(Rule::FooterNotAllowed, "location without footer", b.location);
    c.ok(Rule::FooterNotAllowed, "product with footer", b.product);
    c.bad(Rule::FooterNotAllowed, "location with footer", with(b.location, "interactive.footer", footer),
          "interactive.footer");

    c.ok(Rule::FooterTextRequired, "footer with text", b.list);
    c.bad(Rule::FooterTextRequired, "list footer without text", with(b.list, "interactive.footer", QJsonObject()),
          "interactive.footer.text");
    c.bad(Rule::FooterTextRequired, "flow footer without text", with(b.flow, "interactive.footer", QJsonObject()),
          "interactive.footer.text");

    c.ok(Rule::ActionRequired, "present", b.list);
    c.bad(Rule::ActionRequired, "list without action", without(b.list, "interactive.action"), "interactive.action");
    c.bad(Rule::ActionRequired, "product without action", without(b.product, "interactive.action"),
          "interactive.action");

    c.ok(Rule::ActionNameRequired, "list has none", b.list);
    c.ok(Rule::ActionNameRequired, "cta_url with name", b.cta);
    c.bad(Rule::ActionNameRequired, "cta_url without name", without(b.cta, "interactive.action.name"),
          "interactive.action.name");
    c.bad(Rule::ActionNameRequired, "location without name", without(b.location, "interactive.action.name"),
          "interactive.action.name");
    c.bad(Rule::ActionNameRequired, "flow without name", without(b.flow, "interactive.action.name"),
          "interactive.action.name");

    // --- list ------------------------------------------------------------------------------------
    c.ok(Rule::ListButtonRequired, "present", b.list);
    c.bad(Rule::ListButtonRequired, "absent", without(b.list, "interactive.action.button"),
          "interactive.action.button");

    c.ok(Rule::SectionsRequired, "list with sections", b.list);
    c.bad(Rule::SectionsRequired, "list without sections", without(b.list, "interactive.action.sections"),
          "interactive.action.sections");
    c.bad(Rule::SectionsRequired, "product_list without sections",
          without(b.productList, "interactive.action.sections"), "interactive.action.sections");

    c.ok(Rule::SectionsCount, "list 10 sections", listWithRows(QList<int>(10, 1)));
    c.ok(Rule::SectionsCount, "list 1 section", listWithRows({1}));
    c.ok(Rule::SectionsCount, "product_list 10 sections", productListWith(QList<int>(10, 1)));
    c.ok(Rule::SectionsCount, "product_list 1 section", productListWith({1}));
    c.bad(Rule::SectionsCount, "list 11 sections", listWithRows(QList<int>(11, 1)), "interactive.action.sections[10]",
          10, 11);
    c.bad(Rule::SectionsCount, "list 0 sections", listWithRows({}), "interactive.action.sections", 1, 0);
    c.bad(Rule::SectionsCount, "product_list 11 sections", productListWith(QList<int>(11, 1)),
          "interactive.action.sections[10]", 10, 11);
    c.bad(Rule::SectionsCount, "product_list 0 sections", productListWith({}), "interactive.action.sections", 1, 0);

    const QJsonObject twoTitled = listWithRows({1, 1});
    const QJsonObject oneUntitled = without(listWithRows({2}), "interactive.action.sections[0].title");
    c.ok(Rule::SectionTitleWhenMany, "two titled sections", twoTitled);
    c.ok(Rule::SectionTitleWhenMany, "one untitled section", oneUntitled);
    c.bad(Rule::SectionTitleWhenMany, "second of two untitled",
          without(twoTitled, "interactive.action.sections[1].title"), "interactive.action.sections[1].title");
    c.bad(Rule::SectionTitleWhenMany, "both untitled (sample)", b.listTwoSectionsUntitled,
          "interactive.action.sections[0].title");

    c.ok(Rule::SectionTitleWhenSingle, "one titled section", listWithRows({2}));
    c.ok(Rule::SectionTitleWhenSingle, "two untitled sections", b.listTwoSectionsUntitled);
    c.bad(Rule::SectionTitleWhenSingle, "one untitled section", oneUntitled, "interactive.action.sections[0].title");
    c.bad(Rule::SectionTitleWhenSingle, "one untitled section (sample)", b.rowTitle25,
          "interactive.action.sections[0].title");

    c.ok(Rule::ListRowsRequired, "every section has rows", b.list);
    c.bad(Rule::ListRowsRequired, "second section without rows", without(b.list, "interactive.action.sections[1].rows"),
          "interactive.action.sections[1].rows");

    c.ok(Rule::ListRowsCount, "one row", listWithRows({1, 1}));
    c.bad(Rule::ListRowsCount, "empty rows", listWithRows({1, 0}), "interactive.action.sections[1].rows", 1, 0);

    c.ok(Rule::ListRowsTotal, "10 rows in one section", listWithRows({10}));
    c.ok(Rule::ListRowsTotal, "10 rows as 6+4", listWithRows({6, 4}));
    c.ok(Rule::ListRowsTotal, "10 rows as 4+3+3", listWithRows({4, 3, 3}));
    c.bad(Rule::ListRowsTotal, "11 rows in one section", listWithRows({11}), "interactive.action.sections[0].rows[10]",
          10, 11);
    c.bad(Rule::ListRowsTotal, "11 rows as 6+5", listWithRows({6, 5}), "interactive.action.sections[1].rows[4]", 10,
          11);
    c.bad(Rule::ListRowsTotal, "11 rows as 10+1", listWithRows({10, 1}), "interactive.action.sections[1].rows[0]", 10,
          11);
    c.bad(Rule::ListRowsTotal, "11 rows as 4+4+3", listWithRows({4, 4, 3}), "interactive.action.sections[2].rows[2]",
          10, 11);
    c.bad(Rule::ListRowsTotal, "12 rows as 6+6", listWithRows({6, 6}), "interactive.action.sections[1].rows[4]", 10,
          12);
    c.bad(Rule::ListRowsTotal, "11 rows (sample)", b.listElevenRows, "interactive.action.sections[1].rows[4]", 10, 11);

    c.ok(Rule::RowIdRequired, "present", b.list);
    c.bad(Rule::RowIdRequired, "absent", without(b.list, "interactive.action.sections[1].rows[1].id"),
          "interactive.action.sections[1].rows[1].id");

    c.ok(Rule::RowIdUnique, "distinct", b.list);
    c.ok(Rule::RowIdUnique, "differ in case only",
         with(b.list, "interactive.action.sections[0].rows[1].id", str("Beef-Noodle")));
    c.bad(Rule::RowIdUnique, "same section",
          with(b.list, "interactive.action.sections[0].rows[1].id", str("beef-noodle")),
          "interactive.action.sections[0].rows[1].id");
    c.bad(Rule::RowIdUnique, "across sections",
          with(b.list, "interactive.action.sections[1].rows[0].id", str("dan-dan")),
          "interactive.action.sections[1].rows[0].id");

    c.ok(Rule::RowTitleRequired, "present", b.list);
    c.bad(Rule::RowTitleRequired, "absent", without(b.list, "interactive.action.sections[0].rows[0].title"),
          "interactive.action.sections[0].rows[0].title");

    c.ok(Rule::RowTitleUnique, "distinct", b.list);
    c.bad(Rule::RowTitleUnique, "across sections",
          with(b.list, "interactive.action.sections[1].rows[1].title", str("Beef noodle soup")),
          "interactive.action.sections[1].rows[1].title");

    // --- reply buttons ---------------------------------------------------------------------------
    c.ok(Rule::ButtonsRequired, "present", b.button);
    c.bad(Rule::ButtonsRequired, "absent", without(b.button, "interactive.action.buttons"),
          "interactive.action.buttons");

    c.ok(Rule::ButtonsCount, "3 buttons", buttonsN(3));
    c.ok(Rule::ButtonsCount, "1 button", buttonsN(1));
    c.bad(Rule::ButtonsCount, "4 buttons", buttonsN(4), "interactive.action.buttons[3]", 3, 4);
    c.bad(Rule::ButtonsCount, "4 buttons (sample)", b.buttonFour, "interactive.action.buttons[3]", 3, 4);
    c.bad(Rule::ButtonsCount, "0 buttons", buttonsN(0), "interactive.action.buttons", 1, 0);

    c.ok(Rule::ButtonTypeRequired, "present", b.button);
    c.bad(Rule::ButtonTypeRequired, "absent", without(b.button, "interactive.action.buttons[0].type"),
          "interactive.action.buttons[0].type");

    c.ok(Rule::ButtonTypeValue, "reply", b.button);
    c.bad(Rule::ButtonTypeValue, "url", with(b.button, "interactive.action.buttons[1].type", str("url")),
          "interactive.action.buttons[1].type");
    c.bad(Rule::ButtonTypeValue, "Reply", with(b.button, "interactive.action.buttons[2].type", str("Reply")),
          "interactive.action.buttons[2].type");

    c.ok(Rule::ButtonReplyRequired, "present", b.button);
    c.bad(Rule::ButtonReplyRequired, "absent", without(b.button, "interactive.action.buttons[2].reply"),
          "interactive.action.buttons[2].reply");

    c.ok(Rule::ButtonIdRequired, "present", b.button);
    c.bad(Rule::ButtonIdRequired, "absent", without(b.button, "interactive.action.buttons[0].reply.id"),
          "interactive.action.buttons[0].reply.id");

    c.ok(Rule::ButtonIdUnique, "distinct", b.button);
    c.bad(Rule::ButtonIdUnique, "third repeats first",
          with(b.button, "interactive.action.buttons[2].reply.id", str("topup-5")),
          "interactive.action.buttons[2].reply.id");

    c.ok(Rule::ButtonIdWhitespace, "inner space",
         with(b.button, "interactive.action.buttons[0].reply.id", str("top up")));
    c.bad(Rule::ButtonIdWhitespace, "leading space",
          with(b.button, "interactive.action.buttons[0].reply.id", str(" topup")),
          "interactive.action.buttons[0].reply.id");
    c.bad(Rule::ButtonIdWhitespace, "trailing space",
          with(b.button, "interactive.action.buttons[1].reply.id", str("topup ")),
          "interactive.action.buttons[1].reply.id");
    c.bad(Rule::ButtonIdWhitespace, "leading tab",
          with(b.button, "interactive.action.buttons[2].reply.id", str("\ttopup")),
          "interactive.action.buttons[2].reply.id");
    c.bad(Rule::ButtonIdWhitespace, "padded (sample)", b.buttonIdSpaces, "interactive.action.buttons[0].reply.id");

    c.ok(Rule::ButtonTitleRequired, "present", b.button);
    c.bad(Rule::ButtonTitleRequired, "absent", without(b.button, "interactive.action.buttons[1].reply.title"),
          "interactive.action.buttons[1].reply.title");

    c.ok(Rule::ButtonTitleUnique, "distinct", b.button);
    c.bad(Rule::ButtonTitleUnique, "second repeats first",
          with(b.button, "interactive.action.buttons[1].reply.title", str("$5")),
          "interactive.action.buttons[1].reply.title");

    // --- cta_url ---------------------------------------------------------------------------------
    c.ok(Rule::CtaActionName, "cta_url", b.cta);
    c.bad(Rule::CtaActionName, "url", with(b.cta, "interactive.action.name", str("url")), "interactive.action.name");

    c.ok(Rule::ParametersRequired, "cta_url with parameters", b.cta);
    c.ok(Rule::ParametersRequired, "flow with parameters", b.flow);
    c.bad(Rule::ParametersRequired, "cta_url without", without(b.cta, "interactive.action.parameters"),
          "interactive.action.parameters");
    c.bad(Rule::ParametersRequired, "flow without", without(b.flow, "interactive.action.parameters"),
          "interactive.action.parameters");

    c.ok(Rule::CtaDisplayTextRequired, "present", b.cta);
    c.bad(Rule::CtaDisplayTextRequired, "absent", without(b.cta, "interactive.action.parameters.display_text"),
          "interactive.action.parameters.display_text");

    c.ok(Rule::CtaUrlRequired, "present", b.cta);
    c.bad(Rule::CtaUrlRequired, "absent", without(b.cta, "interactive.action.parameters.url"),
          "interactive.action.parameters.url");

    const char* ctaUrl = "interactive.action.parameters.url";
    c.ok(Rule::CtaUrlScheme, "https", b.cta);
    c.ok(Rule::CtaUrlScheme, "http", with(b.cta, ctaUrl, str("http://example.com")));
    c.ok(Rule::CtaUrlScheme, "upper-case scheme", with(b.cta, ctaUrl, str("HTTPS://EXAMPLE.COM/track")));
    c.bad(Rule::CtaUrlScheme, "ftp", with(b.cta, ctaUrl, str("ftp://example.com/track")), ctaUrl);
    c.bad(Rule::CtaUrlScheme, "no scheme", with(b.cta, ctaUrl, str("example.com/track")), ctaUrl);
    c.bad(Rule::CtaUrlScheme, "no host", with(b.cta, ctaUrl, str("https://")), ctaUrl);
    c.bad(Rule::CtaUrlScheme, "mailto", with(b.cta, ctaUrl, str("mailto:a@example.com")), ctaUrl);

    // --- location_request_message ----------------------------------------------------------------
    c.ok(Rule::LocationActionName, "send_location", b.location);
    c.bad(Rule::LocationActionName, "location", with(b.location, "interactive.action.name", str("location")),
          "interactive.action.name");

    // --- product, product_list -------------------------------------------------------------------
    c.ok(Rule::CatalogIdRequired, "product with catalog", b.product);
    c.ok(Rule::CatalogIdRequired, "product_list with catalog", b.productList);
    c.bad(Rule::CatalogIdRequired, "product without", without(b.product, "interactive.action.catalog_id"),
          "interactive.action.catalog_id");
    c.bad(Rule::CatalogIdRequired, "product empty", with(b.product, "interactive.action.catalog_id", QString()),
          "interactive.action.catalog_id");
    c.bad(Rule::CatalogIdRequired, "product_list without", without(b.productList, "interactive.action.catalog_id"),
          "interactive.action.catalog_id");

    c.ok(Rule::ProductRetailerIdRequired, "present", b.product);
    c.bad(Rule::ProductRetailerIdRequired, "absent", without(b.product, "interactive.action.product_retailer_id"),
          "interactive.action.product_retailer_id");
    c.bad(Rule::ProductRetailerIdRequired, "empty",
          with(b.product, "interactive.action.product_retailer_id", QString()),
          "interactive.action.product_retailer_id");

    c.ok(Rule::ProductSectionTitleRequired, "titled", b.productList);
    c.bad(Rule::ProductSectionTitleRequired, "second untitled",
          without(b.productList, "interactive.action.sections[1].title"), "interactive.action.sections[1].title");
    c.bad(Rule::ProductSectionTitleRequired, "single untitled",
          without(productListWith({2}), "interactive.action.sections[0].title"),
          "interactive.action.sections[0].title");

    c.ok(Rule::ProductItemsRequired, "present", b.productList);
    c.bad(Rule::ProductItemsRequired, "absent", without(b.productList, "interactive.action.sections[0].product_items"),
          "interactive.action.sections[0].product_items");

    c.ok(Rule::ProductItemsCount, "one product", productListWith({1, 1}));
    c.bad(Rule::ProductItemsCount, "empty", productListWith({0, 1}), "interactive.action.sections[0].product_items", 1,
          0);

    c.ok(Rule::ProductItemRetailerIdRequired, "present", b.productList);
    c.bad(Rule::ProductItemRetailerIdRequired, "absent",
          with(b.productList, "interactive.action.sections[1].product_items[0]", QJsonObject()),
          "interactive.action.sections[1].product_items[0].product_retailer_id");
    c.bad(Rule::ProductItemRetailerIdRequired, "empty",
          with(b.productList, "interactive.action.sections[0].product_items[2].product_retailer_id", QString()),
          "interactive.action.sections[0].product_items[2].product_retailer_id");

    c.ok(Rule::ProductItemsTotal, "30 in one section", productListWith({30}));
    c.ok(Rule::ProductItemsTotal, "30 as 15+15", productListWith({15, 15}));
    c.ok(Rule::ProductItemsTotal, "30 as 10 sections of 3", productListWith(QList<int>(10, 3)));
    c.bad(Rule::ProductItemsTotal, "31 in one section", productListWith({31}),
          "interactive.action.sections[0].product_items[30]", 30, 31);
    c.bad(Rule::ProductItemsTotal, "31 as 15+16", productListWith({15, 16}),
          "interactive.action.sections[1].product_items[15]", 30, 31);
    c.bad(Rule::ProductItemsTotal, "31 as 30+1", productListWith({30, 1}),
          "interactive.action.sections[1].product_items[0]", 30, 31);
    c.bad(Rule::ProductItemsTotal, "31 as 10+10+11", productListWith({10, 10, 11}),
          "interactive.action.sections[2].product_items[10]", 30, 31);
    c.bad(Rule::ProductItemsTotal, "32 as 16+16", productListWith({16, 16}),
          "interactive.action.sections[1].product_items[14]", 30, 32);

    // --- flow ------------------------------------------------------------------------------------
    const char* params = "interactive.action.parameters";
    const char* version = "interactive.action.parameters.flow_message_version";
    const char* cta = "interactive.action.parameters.flow_cta";
    const char* mode = "interactive.action.parameters.mode";
    const char* flowAction = "interactive.action.parameters.flow_action";
    const char* payload = "interactive.action.parameters.flow_action_payload";

    c.ok(Rule::FlowActionName, "flow", b.flow);
    c.bad(Rule::FlowActionName, "navigate", with(b.flow, "interactive.action.name", str("navigate")),
          "interactive.action.name");

    c.ok(Rule::FlowMessageVersionRequired, "present", b.flow);
    c.bad(Rule::FlowMessageVersionRequired, "absent", without(b.flow, version), version);

    c.ok(Rule::FlowMessageVersionValue, "3", b.flow);
    c.bad(Rule::FlowMessageVersionValue, "2", with(b.flow, version, str("2")), version);
    c.bad(Rule::FlowMessageVersionValue, "3.0", with(b.flow, version, str("3.0")), version);

    const QJsonObject byName = with(without(b.flow, "interactive.action.parameters.flow_id"),
                                    "interactive.action.parameters.flow_name", str("appointment_booking"));
    c.ok(Rule::FlowIdOrName, "flow_id only", b.flow);
    c.ok(Rule::FlowIdOrName, "flow_name only", byName);
    c.bad(Rule::FlowIdOrName, "both",
          with(b.flow, "interactive.action.parameters.flow_name", str("appointment_booking")), params);
    c.bad(Rule::FlowIdOrName, "neither", without(b.flow, "interactive.action.parameters.flow_id"), params);

    c.ok(Rule::FlowCtaRequired, "present", b.flow);
    c.bad(Rule::FlowCtaRequired, "absent", without(b.flow, cta), cta);

    c.ok(Rule::FlowCtaNoEmoji, "ascii", b.flow);
    c.ok(Rule::FlowCtaNoEmoji, "cjk", with(b.flow, cta, str("預約")));
    c.ok(Rule::FlowCtaNoEmoji, "arrow", with(b.flow, cta, str("Book \u2192")));
    c.bad(Rule::FlowCtaNoEmoji, "emoji outside the BMP", with(b.flow, cta, str("Book \U0001F4C5")), cta);
    c.bad(Rule::FlowCtaNoEmoji, "emoji in the BMP", with(b.flow, cta, str("\u2705 Book")), cta);

    c.ok(Rule::FlowModeValue, "draft", b.flow);
    c.ok(Rule::FlowModeValue, "published", with(b.flow, mode, str("published")));
    c.ok(Rule::FlowModeValue, "absent", without(b.flow, mode));
    c.bad(Rule::FlowModeValue, "live", with(b.flow, mode, str("live")), mode);
    c.bad(Rule::FlowModeValue, "Draft", with(b.flow, mode, str("Draft")), mode);

    const QJsonObject dataExchange = without(with(b.flow, flowAction, str("data_exchange")), payload);
    c.ok(Rule::FlowActionValue, "navigate", b.flow);
    c.ok(Rule::FlowActionValue, "data_exchange", dataExchange);
    c.bad(Rule::FlowActionValue, "submit", with(b.flow, flowAction, str("submit")), flowAction);

    c.ok(Rule::FlowPayloadOnlyNavigate, "navigate with payload", b.flow);
    c.ok(Rule::FlowPayloadOnlyNavigate, "default action with payload", without(b.flow, flowAction));
    c.ok(Rule::FlowPayloadOnlyNavigate, "data_exchange without payload", dataExchange);
    c.bad(Rule::FlowPayloadOnlyNavigate, "data_exchange with payload", with(b.flow, flowAction, str("data_exchange")),
          payload);

    const char* screen = "interactive.action.parameters.flow_action_payload.screen";
    c.ok(Rule::FlowPayloadScreenRequired, "present", b.flow);
    c.bad(Rule::FlowPayloadScreenRequired, "absent", without(b.flow, screen), screen);
    c.bad(Rule::FlowPayloadScreenRequired, "empty", with(b.flow, screen, QString()), screen);

    const char* data = "interactive.action.parameters.flow_action_payload.data";
    c.ok(Rule::FlowPayloadData, "one field", b.flow);
    c.ok(Rule::FlowPayloadData, "absent", without(b.flow, data));
    c.bad(Rule::FlowPayloadData, "empty object", with(b.flow, data, QJsonObject()), data);

    return out;
}

void addCaseColumns()
{
    QTest::addColumn<int>("rule");
    QTest::addColumn<QJsonObject>("payload");
    QTest::addColumn<int>("family");
    QTest::addColumn<bool>("expected");
    QTest::addColumn<QString>("path");
    QTest::addColumn<qint64>("limit");
    QTest::addColumn<qint64>("actual");
}

void addCaseRows(const std::vector<Case>& cases)
{
    for (const Case& c : cases) {
        QTest::newRow(c.name.constData()) << static_cast<int>(c.rule) << c.payload << static_cast<int>(c.family)
                                          << c.expected << c.path << c.limit << c.actual;
    }
}

} // namespace

class TestLimitsTable : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void baseSamplesAreValid_data();
    void baseSamplesAreValid();
    void referenceSheetLimits_data();
    void referenceSheetLimits();
    void lengthBoundaries_data();
    void lengthBoundaries();
    void ruleBoundaries_data();
    void ruleBoundaries();
    void everyRuleHasBoundaryCases();

private:
    void verifyCase();
};

void TestLimitsTable::initTestCase()
{
    const Bases& b = bases();
    if (!b.errors.isEmpty())
        QFAIL(qPrintable(b.errors.join(QLatin1Char('\n'))));
}

// The cases build on these samples: each must be clean, or a case could pass for the wrong reason.
void TestLimitsTable::baseSamplesAreValid_data()
{
    QTest::addColumn<QJsonObject>("payload");
    QTest::addColumn<int>("family");
    const Bases& b = bases();
    for (const InteractiveType type : kTypes)
        QTest::newRow(qPrintable(wa::interactiveTypeName(type))) << b.forType(type) << int(ApiFamily::Cloud);
    QTest::newRow("button image") << b.buttonImage << int(ApiFamily::Cloud);
    QTest::newRow("button document") << b.buttonDocument << int(ApiFamily::Cloud);
    QTest::newRow("button video on-premises") << b.buttonVideoOnPremises << int(ApiFamily::OnPremises);
    QTest::newRow("reply context") << b.replyContext << int(ApiFamily::Cloud);
}

void TestLimitsTable::baseSamplesAreValid()
{
    QFETCH(QJsonObject, payload);
    QFETCH(int, family);
    QVERIFY(!payload.isEmpty());
    const wa::Message message = MessageCodec::fromJson(payload);
    QCOMPARE(int(message.family), family);
    const QList<Finding> findings = Validator::validate(message, static_cast<ApiFamily>(family));
    if (!findings.isEmpty())
        QFAIL(qPrintable(QStringLiteral("expected no findings, got:\n") + describe(findings)));
}

// The numbers of the reference sheet (section 2), written down here a second time so that a wrong
// number in the table does not make its own boundary tests pass.
void TestLimitsTable::referenceSheetLimits_data()
{
    QTest::addColumn<QString>("code");
    QTest::addColumn<int>("min"); // -2: the sheet gives no minimum
    QTest::addColumn<int>("max");
    QTest::addColumn<QString>("severity");

    const auto row = [](const char* code, int min, int max, const char* severity) {
        QTest::newRow(code) << QString::fromLatin1(code) << min << max << QString::fromLatin1(severity);
    };
    row("header_text_length", 1, 60, "error");
    row("list_body_length", 1, 4096, "error");
    row("body_legacy_length", -2, 1024, "warning");
    row("body_length", 1, 1024, "error");
    row("footer_length", 1, 60, "error");
    row("list_button_length", 1, 20, "error");
    row("sections_count", 1, 10, "error");
    row("section_title_length", -2, 24, "error");
    row("rows_count", 1, -1, "error");
    row("rows_total", -2, 10, "error");
    row("row_id_length", 1, 200, "error");
    row("row_title_length", 1, 24, "error");
    row("row_description_length", -2, 72, "error");
    row("buttons_count", 1, 3, "error");
    row("button_id_length", 1, 256, "error");
    row("button_title_length", 1, 20, "error");
    row("cta_display_text_length", 1, 20, "error");
    row("products_total", -2, 30, "error");
    row("flow_cta_length", -2, 30, "error");
    row("flow_cta_legacy_length", -2, 20, "warning");
    row("section_title_required", -2, -1, "error");
    row("section_title_single", -2, -1, "warning");
    row("row_title_duplicate", -2, -1, "warning");
    row("to_country_code", -2, -1, "warning");
    row("utf16_length", -2, -1, "warning");
}

void TestLimitsTable::referenceSheetLimits()
{
    QFETCH(QString, code);
    QFETCH(int, min);
    QFETCH(int, max);
    QFETCH(QString, severity);
    const LimitRule* r = LimitsTable::byCode(code);
    QVERIFY2(r, qPrintable(QStringLiteral("no row with code %1").arg(code)));
    if (min != -2)
        QCOMPARE(r->min, min);
    else
        QVERIFY(r->min <= 1);
    QCOMPARE(r->max, max);
    QCOMPARE(wa::severityName(r->severity), severity);
}

void TestLimitsTable::lengthBoundaries_data()
{
    addCaseColumns();
    addCaseRows(lengthCases());
}

void TestLimitsTable::lengthBoundaries()
{
    verifyCase();
}

void TestLimitsTable::ruleBoundaries_data()
{
    addCaseColumns();
    addCaseRows(ruleCases());
}

void TestLimitsTable::ruleBoundaries()
{
    verifyCase();
}

void TestLimitsTable::verifyCase()
{
    QFETCH(int, rule);
    QFETCH(QJsonObject, payload);
    QFETCH(int, family);
    QFETCH(bool, expected);
    QFETCH(QString, path);
    QFETCH(qint64, limit);
    QFETCH(qint64, actual);

    QVERIFY(rule >= 0 && rule < LimitsTable::size());
    const LimitRule& r = LimitsTable::at(rule);
    const QString code = QLatin1String(r.code);
    const QList<Finding> findings =
        Validator::validate(MessageCodec::fromJson(payload), static_cast<ApiFamily>(family));

    QList<Finding> withCode;
    for (const Finding& f : findings) {
        if (f.code == code)
            withCode.append(f);
    }
    if (!expected) {
        if (!withCode.isEmpty())
            QFAIL(qPrintable(QStringLiteral("expected no %1, got:\n%2").arg(code, describe(findings))));
        return;
    }

    QList<Finding> atPath;
    for (const Finding& f : withCode) {
        if (f.path == path)
            atPath.append(f);
    }
    if (atPath.size() != 1) {
        QFAIL(qPrintable(
            QStringLiteral("expected exactly one %1 at \"%2\", got:\n%3").arg(code, path, describe(findings))));
    }
    const Finding& f = atPath.constFirst();
    QVERIFY2(
        pathFitsPattern(f.path, r),
        qPrintable(QStringLiteral("\"%1\" does not fit the row's path \"%2\"").arg(f.path, QLatin1String(r.path))));
    QCOMPARE(wa::severityName(f.severity), wa::severityName(r.severity));
    QCOMPARE(f.limit, limit);
    QCOMPARE(f.actual, actual);
    QVERIFY(!f.message.isEmpty());
}

// A rule added to the table without boundary cases here fails this test.
void TestLimitsTable::everyRuleHasBoundaryCases()
{
    QSet<int> atLimit;
    QSet<int> over;
    for (const std::vector<Case>& cases : {lengthCases(), ruleCases()}) {
        for (const Case& c : cases)
            (c.expected ? over : atLimit).insert(static_cast<int>(c.rule));
    }
    QStringList missing;
    for (int i = 0; i < LimitsTable::size(); ++i) {
        const LimitRule& r = LimitsTable::at(i);
        QCOMPARE(static_cast<int>(r.rule), i);
        if (!atLimit.contains(i))
            missing << QStringLiteral("%1 (no case at the limit)").arg(QLatin1String(r.code));
        if (!over.contains(i))
            missing << QStringLiteral("%1 (no case over the limit)").arg(QLatin1String(r.code));
    }
    if (!missing.isEmpty())
        QFAIL(qPrintable(QStringLiteral("rules without boundary cases: ") + missing.join(QLatin1String(", "))));
}

QTEST_APPLESS_MAIN(TestLimitsTable)

#include "tst_limitstable.moc"
