/*
 * BODY and BODYSTRUCTURE from real server bytes: RFC 3501 sections 7.4.2
 * and 8, IMAPClient's test_response_parser.py, and responses quoted in
 * public bug reports: Exchange 2016 (javamail #278, MailKit #919), Exchange
 * 365 (jakarta mail-api #31), a multipart in single-part form (javamail
 * #282), multiparts without parts (go-imap #701, MailKit #371), a delivery
 * report with message/rfc822 and a NIL-typed body (MailKit #1393), Apple
 * Mail and Gmail (swift-nio-imap #246 and #684, himalaya #617), line
 * counts on non-text parts (davmail #239 / K-9), and a literal parameter.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <imapclient/errors.h>
#include <imapclient/mail.h>

#include "types/types.h"
#include "util/arena.h"
#include "wire/parser.h"

static imc_arena *arena;

static int setup(void **state)
{
    (void)state;
    arena = imc_arena_new();
    return arena ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    imc_arena_free(arena);
    arena = NULL;
    return 0;
}

static const imapclient_value *valn(const char *text, size_t len, unsigned depth)
{
    imc_parser p;
    imc_parser_init(&p, depth);
    imapclient_value *list = imc_arena_alloc(arena, sizeof *list);
    assert_non_null(list);
    int rc = imc_parse_values(&p, text, len, arena, list);
    imc_parser_free(&p);
    assert_int_equal(rc, 0);
    assert_true(list->count >= 1);
    return &list->items[0];
}

static const imapclient_value *val(const char *text)
{
    return valn(text, strlen(text), 0);
}

static const imapclient_body *body_n(const char *text, size_t len, int normalise)
{
    const imapclient_value *v = valn(text, len, 0);
    imapclient_body *b = NULL;
    assert_int_equal(imc_body_from_value(arena, v, normalise, &b), 0);
    assert_non_null(b);
    assert_ptr_equal(b->raw, v);
    assert_non_null(b->extensions);
    assert_int_equal(b->extensions->type, IMAPCLIENT_VALUE_LIST);
    return b;
}

static const imapclient_body *body(const char *text)
{
    return body_n(text, strlen(text), 0);
}

static void assert_str(const char *got, const char *want)
{
    if (!want) {
        assert_null(got);
        return;
    }
    assert_non_null(got);
    assert_string_equal(got, want);
}

static void assert_param(const imapclient_param *p, const char *name, const char *value)
{
    assert_str(p->name, name);
    assert_str(p->value, value);
}

static void assert_part(const imapclient_body *b, const char *type, const char *subtype,
                        const char *encoding, uint64_t size, int has_lines,
                        uint64_t lines)
{
    assert_false(b->is_multipart);
    assert_str(b->type, type);
    assert_str(b->subtype, subtype);
    assert_str(b->encoding, encoding);
    assert_true(b->has_size);
    assert_int_equal(b->size, size);
    assert_int_equal(b->has_lines, has_lines);
    if (has_lines)
        assert_int_equal(b->lines, lines);
}

/* ------------------------------------------------------------------ */
/* RFC 3501 and the reference's tests                                   */
/* ------------------------------------------------------------------ */

static void test_bodystructure__rfc3501_body_example(void **state)
{
    (void)state;
    const imapclient_body *b =
        body("(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92)");
    assert_part(b, "TEXT", "PLAIN", "7BIT", 3028, 1, 92);
    assert_int_equal(b->param_count, 1);
    assert_param(&b->params[0], "CHARSET", "US-ASCII");
    assert_null(b->id);
    assert_null(b->description);
    assert_null(b->md5);
    assert_null(b->disposition);
    assert_int_equal(b->language_count, 0);
    assert_null(b->location);
    assert_int_equal(b->extensions->count, 0);
    assert_int_equal(b->part_count, 0);
    assert_null(b->envelope);
    assert_null(b->body);
}

static void test_bodystructure__rfc3501_multipart_example(void **state)
{
    (void)state;
    const imapclient_body *b = body(
        "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 1152 23)"
        "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\" \"NAME\" \"cc.diff\") "
        "\"<960723163407.20117h@cac.washington.edu>\" \"Compiler diff\" \"BASE64\" 4554 "
        "73) \"MIXED\")");
    assert_true(b->is_multipart);
    assert_string_equal(b->type, "MULTIPART");
    assert_string_equal(b->subtype, "MIXED");
    assert_int_equal(b->part_count, 2);
    assert_int_equal(b->param_count, 0);
    assert_part(&b->parts[0], "TEXT", "PLAIN", "7BIT", 1152, 1, 23);
    const imapclient_body *p = &b->parts[1];
    assert_part(p, "TEXT", "PLAIN", "BASE64", 4554, 1, 73);
    assert_int_equal(p->param_count, 2);
    assert_param(&p->params[1], "NAME", "cc.diff");
    assert_string_equal(p->id, "<960723163407.20117h@cac.washington.edu>");
    assert_string_equal(p->description, "Compiler diff");
    assert_ptr_equal(p->raw, &b->raw->items[1]);
}

static void test_bodystructure__reference_single_part(void **state)
{
    (void)state;
    const imapclient_body *b =
        body("(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 16 1)");
    assert_part(b, "TEXT", "PLAIN", "7BIT", 16, 1, 1);
    assert_param(&b->params[0], "CHARSET", "us-ascii");
}

static void test_bodystructure__reference_multipart(void **state)
{
    (void)state;
    const imapclient_body *b = body("((\"TEXT\" \"HTML\" (\"CHARSET\" \"us-ascii\") NIL "
                                    "NIL \"QUOTED-PRINTABLE\" 55 3)"
                                    "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL "
                                    "NIL \"7BIT\" 26 1) \"MIXED\")");
    assert_true(b->is_multipart);
    assert_int_equal(b->part_count, 2);
    assert_part(&b->parts[0], "TEXT", "HTML", "QUOTED-PRINTABLE", 55, 1, 3);
    assert_part(&b->parts[1], "TEXT", "PLAIN", "7BIT", 26, 1, 1);
    assert_string_equal(b->subtype, "MIXED");
}

static void test_bodystructure__reference_nested_multipart(void **state)
{
    (void)state;
    const imapclient_body *b = body(
        "(((\"text\" \"html\" (\"charset\" \"utf-8\") NIL NIL \"7bit\" 97 3 NIL NIL NIL "
        "NIL)"
        "(\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"7bit\" 62 3 NIL NIL NIL "
        "NIL)"
        "\"alternative\" (\"boundary\" \"===============8211050864078048428==\") NIL NIL "
        "NIL)"
        "(\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"7bit\" 16 1 NIL "
        "(\"attachment\" "
        "(\"filename\" \"attachment.txt\")) NIL NIL) "
        "\"mixed\" (\"boundary\" \"===============0373402508605428821==\") NIL NIL NIL)");
    assert_true(b->is_multipart);
    assert_string_equal(b->subtype, "mixed");
    assert_param(&b->params[0], "boundary", "===============0373402508605428821==");
    assert_int_equal(b->part_count, 2);
    const imapclient_body *alt = &b->parts[0];
    assert_true(alt->is_multipart);
    assert_string_equal(alt->subtype, "alternative");
    assert_param(&alt->params[0], "boundary", "===============8211050864078048428==");
    assert_int_equal(alt->part_count, 2);
    assert_false(alt->parts[0].is_multipart);
    assert_part(&alt->parts[0], "text", "html", "7bit", 97, 1, 3);
    const imapclient_body *att = &b->parts[1];
    assert_string_equal(att->disposition, "attachment");
    assert_int_equal(att->disposition_param_count, 1);
    assert_param(&att->disposition_params[0], "filename", "attachment.txt");
    assert_int_equal(att->extensions->count, 0);
}

static void test_bodystructure__reference_complex_mixed(void **state)
{
    (void)state;
    /* test_complex_mixed: an atom where the type string belongs */
    const imapclient_body *b =
        body("((FOO \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 1152 23) "
             "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\" \"NAME\" \"cc.diff\") "
             "\"<hi.there>\" \"foo\" \"BASE64\" 4554 73) \"MIXED\")");
    assert_int_equal(b->part_count, 2);
    assert_string_equal(b->parts[0].type, "FOO");
    /* not TEXT, so 23 is a line count on a non-text part */
    assert_part(&b->parts[0], "FOO", "PLAIN", "7BIT", 1152, 1, 23);
    assert_string_equal(b->parts[1].id, "<hi.there>");
    assert_string_equal(b->parts[1].description, "foo");
}

/* ------------------------------------------------------------------ */
/* Real servers                                                         */
/* ------------------------------------------------------------------ */

static void test_bodystructure__apple_mail_alternative(void **state)
{
    (void)state;
    const imapclient_body *b =
        body("((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"QUOTED-PRINTABLE\" "
             "1772 47 NIL "
             "NIL NIL NIL)(\"TEXT\" \"HTML\" (\"CHARSET\" \"utf-8\") NIL NIL "
             "\"QUOTED-PRINTABLE\" "
             "2778 40 NIL NIL NIL NIL) \"ALTERNATIVE\" (\"BOUNDARY\" "
             "\"Apple-Mail=_0D97185D-4FF1-42FE-9B8F-A0759D299015\") NIL NIL NIL)");
    assert_string_equal(b->subtype, "ALTERNATIVE");
    assert_param(&b->params[0], "BOUNDARY",
                 "Apple-Mail=_0D97185D-4FF1-42FE-9B8F-A0759D299015");
    assert_part(&b->parts[1], "TEXT", "HTML", "QUOTED-PRINTABLE", 2778, 1, 40);
    assert_null(b->disposition);
    assert_int_equal(b->extensions->count, 0);
}

static void test_bodystructure__multipart_params_with_charset(void **state)
{
    (void)state;
    const imapclient_body *b =
        body("((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"UTF-8\") NIL NIL \"7BIT\" 221 5 NIL "
             "NIL NIL NIL)"
             "(\"TEXT\" \"HTML\" (\"CHARSET\" \"UTF-8\") NIL NIL \"7BIT\" 2075 20 NIL "
             "NIL NIL NIL) "
             "\"ALTERNATIVE\" (\"BOUNDARY\" "
             "\"--==_mimepart_5efddab8ca39a_6a343f841aacb93410876c\" "
             "\"CHARSET\" \"UTF-8\") NIL NIL NIL)");
    assert_int_equal(b->param_count, 2);
    assert_param(&b->params[1], "CHARSET", "UTF-8");
}

static void test_bodystructure__binary_text_without_params(void **state)
{
    (void)state;
    const imapclient_body *b =
        body("(\"TEXT\" \"HTML\" NIL NIL NIL \"BINARY\" 28803 603 NIL NIL NIL NIL)");
    assert_part(b, "TEXT", "HTML", "BINARY", 28803, 1, 603);
    assert_int_equal(b->param_count, 0);
    assert_null(b->params);
}

static void test_bodystructure__gmail_nil_encoding(void **state)
{
    (void)state;
    /* himalaya #617 (Gmail): the plain part's encoding is NIL */
    const imapclient_body *b = body("((\"text\" \"plain\" (\"CHARSET\" \"UTF-8\") NIL "
                                    "NIL NIL 1059 28 NIL NIL NIL NIL)"
                                    "(\"text\" \"html\" (\"CHARSET\" \"UTF-8\") NIL NIL "
                                    "\"quoted-printable\" 1836 35 NIL NIL "
                                    "NIL NIL) \"alternative\" (\"BOUNDARY\" "
                                    "\"000000000000431d880649782d51\") NIL NIL NIL)");
    assert_part(&b->parts[0], "text", "plain", NULL, 1059, 1, 28);
    assert_part(&b->parts[1], "text", "html", "quoted-printable", 1836, 1, 35);
}

static void test_bodystructure__gmail_nested_mixed(void **state)
{
    (void)state;
    /* swift-nio-imap #684 */
    const imapclient_body *b = body(
        "(((\"text\" \"plain\" (\"CHARSET\" \"UTF-8\") NIL NIL NIL 1423 44 NIL NIL NIL "
        "NIL)"
        "(\"text\" \"html\" (\"CHARSET\" \"UTF-8\") NIL NIL \"quoted-printable\" 2524 34 "
        "NIL NIL "
        "NIL NIL) \"alternative\" (\"BOUNDARY\" \"000000000000ccac3a05a5ef76c3\") NIL "
        "NIL NIL)"
        "(\"text\" \"plain\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7bit\" 151 4 NIL NIL "
        "NIL NIL) "
        "\"mixed\" (\"BOUNDARY\" \"===============5781602957316160403==\") NIL NIL NIL)");
    assert_int_equal(b->part_count, 2);
    assert_true(b->parts[0].is_multipart);
    assert_int_equal(b->parts[0].part_count, 2);
    assert_part(&b->parts[0].parts[0], "text", "plain", NULL, 1423, 1, 44);
    assert_part(&b->parts[1], "text", "plain", "7bit", 151, 1, 4);
}

static void test_bodystructure__exchange2016_disposition_as_string(void **state)
{
    (void)state;
    /* javamail #278: the multipart's disposition is a bare string */
    const imapclient_body *b =
        body("((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 21 0 NIL "
             "(\"inline\" "
             "NIL) NIL NIL)(\"application\" \"octet-stream\" (\"name\" \"private.txt\") "
             "NIL NIL "
             "\"base64\" 690 NIL (\"attachment\" (\"filename\" \"private.txt\")) NIL "
             "NIL) \"mixed\" "
             "(\"boundary\" \"----=_Part_0_-1731707885.1504253815584\") \"S/MIME "
             "Encrypted Message\" "
             "NIL)");
    assert_string_equal(b->subtype, "mixed");
    assert_string_equal(b->disposition, "S/MIME Encrypted Message");
    assert_int_equal(b->disposition_param_count, 0);
    assert_int_equal(b->language_count, 0);
    const imapclient_body *t = &b->parts[0];
    assert_part(t, "text", "plain", "7bit", 21, 1, 0);
    assert_string_equal(t->disposition, "inline");
    assert_int_equal(t->disposition_param_count, 0);
    const imapclient_body *a = &b->parts[1];
    assert_part(a, "application", "octet-stream", "base64", 690, 0, 0);
    assert_null(a->md5);
    assert_string_equal(a->disposition, "attachment");
    assert_param(&a->disposition_params[0], "filename", "private.txt");
    assert_param(&a->params[0], "name", "private.txt");
}

static void test_bodystructure__exchange_bare_inline_disposition(void **state)
{
    (void)state;
    /* MailKit #919 */
    const imapclient_body *b = body(
        "((\"text\" \"plain\" (\"charset\" \"ISO-8859-1\") NIL NIL \"QUOTED-PRINTABLE\" "
        "850 31 "
        "NIL \"inline\" NIL NIL)(\"text\" \"html\" (\"charset\" \"ISO-8859-1\") NIL NIL "
        "\"QUOTED-PRINTABLE\" 14692 502 NIL \"inline\" NIL NIL) \"alternative\" "
        "(\"boundary\" "
        "\"----=_Part_45_elided\") NIL NIL)");
    assert_string_equal(b->parts[0].disposition, "inline");
    assert_string_equal(b->parts[1].disposition, "inline");
    assert_part(&b->parts[1], "text", "html", "QUOTED-PRINTABLE", 14692, 1, 502);
}

static void test_bodystructure__exchange365_single_part(void **state)
{
    (void)state;
    /* jakarta mail-api #31 */
    const imapclient_body *b =
        body("(\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL "
             "\"quoted-printable\" 802 19 NIL \"inline\" NIL NIL)");
    assert_part(b, "text", "plain", "quoted-printable", 802, 1, 19);
    assert_string_equal(b->disposition, "inline");
    assert_null(b->location);
}

static void test_bodystructure__exchange_multipart_in_single_form(void **state)
{
    (void)state;
    /* javamail #282: no parts, size -1 */
    const imapclient_body *b = body("(\"multipart\" \"signed\" (\"boundary\" "
                                    "\"_9bc333e9-3a24-4740-8211-a395c5448479_\") "
                                    "NIL NIL \"7BIT\" -1 NIL NIL NIL NIL)");
    assert_true(b->is_multipart);
    assert_int_equal(b->part_count, 0);
    assert_null(b->parts);
    assert_string_equal(b->type, "multipart");
    assert_string_equal(b->subtype, "signed");
    assert_param(&b->params[0], "boundary", "_9bc333e9-3a24-4740-8211-a395c5448479_");
    assert_false(b->has_size);
    assert_false(b->has_lines);
}

static void test_bodystructure__multipart_without_parts(void **state)
{
    (void)state;
    /* go-imap #701 */
    const imapclient_body *b = body(
        "((\"ALTERNATIVE\" (\"BOUNDARY\" "
        "\"e7e3f78cb2203c4e50561d13c480670d46c0bb5ccba09400aae9c221fc41\") NIL NIL)"
        "(\"APPLICATION\" \"PDF\" NIL NIL NIL \"BASE64\" 1476806 NIL (\"ATTACHMENT\" "
        "(\"FILENAME\" \"investing-101.pdf\")) NIL) \"MIXED\" (\"BOUNDARY\" "
        "\"7b1fa0fc24c33f620e26ce902dcf2ecbcc7ba56cd9e042624b2ee60b9d56\") NIL NIL)");
    assert_int_equal(b->part_count, 2);
    const imapclient_body *alt = &b->parts[0];
    assert_true(alt->is_multipart);
    assert_int_equal(alt->part_count, 0);
    assert_string_equal(alt->subtype, "ALTERNATIVE");
    assert_param(&alt->params[0], "BOUNDARY",
                 "e7e3f78cb2203c4e50561d13c480670d46c0bb5ccba09400aae9c221fc41");
    const imapclient_body *pdf = &b->parts[1];
    assert_part(pdf, "APPLICATION", "PDF", "BASE64", 1476806, 0, 0);
    assert_string_equal(pdf->disposition, "ATTACHMENT");
    assert_param(&pdf->disposition_params[0], "FILENAME", "investing-101.pdf");
    assert_null(pdf->location);
}

static void test_bodystructure__mailkit371_x_zip_without_parts(void **state)
{
    (void)state;
    /* MailKit #371: ( "X-ZIP" ("BOUNDARY" "") ...) inside a multipart */
    const imapclient_body *b = body(
        "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"windows-1251\") NIL NIL \"base64\" 356 5)"
        "( \"X-ZIP\" (\"BOUNDARY\" \"\") NIL NIL) \"MIXED\")");
    assert_int_equal(b->part_count, 2);
    assert_true(b->parts[1].is_multipart);
    assert_string_equal(b->parts[1].subtype, "X-ZIP");
    assert_param(&b->parts[1].params[0], "BOUNDARY", "");
}

static const char delivery_report[] =
    "((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"7bit\" 727 16 NIL NIL NIL "
    "NIL)"
    "(\"message\" \"delivery-status\" (\"name\" \"Delivery status\") NIL NIL \"7bit\" "
    "416 NIL "
    "NIL NIL NIL)"
    "(\"message\" \"rfc822\" (\"name\" \"Message headers\") NIL NIL \"7bit\" 903 "
    "(\"Mon, 17 Nov 2014 13:29:21 +0100\" \"Re: Adresy\" "
    "((\"username\" NIL \"e.username\" \"example.com\")) "
    "((\"username\" NIL \"e.username\" \"example.com\")) "
    "((\"username\" NIL \"e.username\" \"example.com\")) "
    "((\"=?utf-8?Q?Justyna?=\" NIL \"salesde\" \"some-company.eu\")) "
    "((NIL NIL \"saleseu\" \"some-company.eu\")(\"Bogdan\" NIL \"bogdan\" "
    "\"some-company.eu\")) "
    "NIL \"<004901d00260$35405970$9fc10c50$@some-company.eu>\" "
    "\"<D6173425-9D71-4D78-8C3C-1CEB03BCB4D0@example.com>\") "
    "(NIL \"alternative\" (\"boundary\" "
    "\"Apple-Mail=_352FCEEC-EB15-428F-9D8B-D3B4259DD646\") "
    "NIL NIL NIL) 17 NIL NIL NIL NIL) "
    "\"report\" (\"report-type\" \"delivery-status\" \"boundary\" "
    "\"_e0d7475d888f9882b71de053e5efb221_idea\") NIL NIL NIL)";

static void test_bodystructure__delivery_report_with_message_rfc822(void **state)
{
    (void)state;
    /* MailKit #1393 */
    const imapclient_body *b = body(delivery_report);
    assert_string_equal(b->subtype, "report");
    assert_int_equal(b->param_count, 2);
    assert_param(&b->params[0], "report-type", "delivery-status");
    assert_int_equal(b->part_count, 3);
    const imapclient_body *ds = &b->parts[1];
    assert_part(ds, "message", "delivery-status", "7bit", 416, 0, 0);
    assert_null(ds->envelope);
    const imapclient_body *m = &b->parts[2];
    assert_part(m, "message", "rfc822", "7bit", 903, 1, 17);
    assert_non_null(m->envelope);
    assert_string_equal(m->envelope->subject, "Re: Adresy");
    assert_int_equal(m->envelope->to_count, 1);
    assert_string_equal(m->envelope->to[0].name, "=?utf-8?Q?Justyna?=");
    assert_int_equal(m->envelope->cc_count, 2);
    assert_string_equal(m->envelope->message_id,
                        "<D6173425-9D71-4D78-8C3C-1CEB03BCB4D0@example.com>");
    assert_true(m->envelope->has_date);
    assert_int_equal(m->envelope->date.offset_minutes, 60);
    /* the server's broken inner body: NIL type, read as a single part */
    assert_non_null(m->body);
    assert_null(m->body->type);
    assert_string_equal(m->body->subtype, "alternative");
    assert_param(&m->body->params[0], "boundary",
                 "Apple-Mail=_352FCEEC-EB15-428F-9D8B-D3B4259DD646");
    assert_null(m->md5);
    assert_int_equal(m->extensions->count, 0);
}

static void test_bodystructure__message_rfc822_nested_multipart(void **state)
{
    (void)state;
    /* A forwarded message as Dovecot sends it, with extension data */
    const imapclient_body *b = body(
        "(\"MESSAGE\" \"RFC822\" (\"NAME\" \"fwd.eml\") NIL NIL \"7BIT\" 2310 "
        "(\"Tue, 1 Mar 2022 10:00:00 +0000\" \"Original\" ((\"A\" NIL \"a\" "
        "\"example.com\")) "
        "NIL NIL ((NIL NIL \"b\" \"example.com\")) NIL NIL NIL \"<orig@example.com>\") "
        "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"7BIT\" 10 1 NIL NIL NIL "
        "NIL)"
        "(\"TEXT\" \"HTML\" (\"CHARSET\" \"utf-8\") NIL NIL \"7BIT\" 20 1 NIL NIL NIL "
        "NIL) "
        "\"ALTERNATIVE\" (\"BOUNDARY\" \"inner\") NIL NIL NIL) 48 NIL (\"attachment\" "
        "(\"filename\" \"fwd.eml\")) NIL NIL)");
    assert_part(b, "MESSAGE", "RFC822", "7BIT", 2310, 1, 48);
    assert_string_equal(b->envelope->subject, "Original");
    assert_int_equal(b->envelope->sender_count, 0);
    assert_true(b->body->is_multipart);
    assert_int_equal(b->body->part_count, 2);
    assert_string_equal(b->body->parts[1].subtype, "HTML");
    assert_string_equal(b->disposition, "attachment");
    assert_param(&b->disposition_params[0], "filename", "fwd.eml");
}

static void test_bodystructure__message_rfc822_nil_envelope_and_body(void **state)
{
    (void)state;
    /* MailKit PR #68: NIL envelope and body */
    const imapclient_body *b = body(
        "(\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 1234 NIL NIL 20 NIL NIL NIL NIL)");
    assert_part(b, "message", "rfc822", "7bit", 1234, 1, 20);
    assert_null(b->envelope);
    assert_null(b->body);
    assert_null(b->disposition);
    assert_int_equal(b->extensions->count, 0);
}

static void test_bodystructure__message_rfc822_in_basic_form(void **state)
{
    (void)state;
    /* davmail #239: message/rfc822 sent without envelope, body, lines */
    const imapclient_body *b =
        body("(\"message\" \"rfc822\" (\"name\" \"x.eml\") NIL NIL "
             "\"7bit\" 903 NIL (\"attachment\" NIL) NIL NIL)");
    assert_part(b, "message", "rfc822", "7bit", 903, 0, 0);
    assert_null(b->envelope);
    assert_null(b->body);
    assert_null(b->md5);
    assert_string_equal(b->disposition, "attachment");
}

static void test_bodystructure__message_global(void **state)
{
    (void)state;
    /* RFC 6532: MESSAGE/GLOBAL has the MESSAGE/RFC822 layout */
    const imapclient_body *b =
        body("(\"message\" \"global\" NIL NIL NIL \"8bit\" 500 (NIL \"Gr\xc3\xbc\xc3\x9f"
             "e\" NIL NIL NIL NIL NIL NIL NIL NIL) (\"text\" \"plain\" (\"charset\" "
             "\"utf-8\") "
             "NIL NIL \"8bit\" 100 3) 12)");
    assert_part(b, "message", "global", "8bit", 500, 1, 12);
    assert_string_equal(b->envelope->subject, "Gr\xc3\xbc\xc3\x9f"
                                              "e");
    assert_part(b->body, "text", "plain", "8bit", 100, 1, 3);
}

static void test_bodystructure__nested_envelope_normalised(void **state)
{
    (void)state;
    setenv("TZ", "UTC0", 1);
    tzset();
    const imapclient_body *b = body_n(delivery_report, strlen(delivery_report), 1);
    const imapclient_envelope *e = b->parts[2].envelope;
    assert_int_equal(e->date.has_offset, 0);
    assert_int_equal(e->date.hour, 12);
    assert_int_equal(e->date.minute, 29);
}

/* ------------------------------------------------------------------ */
/* Broken fields                                                        */
/* ------------------------------------------------------------------ */

static void test_bodystructure__text_without_lines(void **state)
{
    (void)state;
    const imapclient_body *b = body("(\"text\" \"plain\" NIL NIL NIL \"7bit\" 0)");
    assert_part(b, "text", "plain", "7bit", 0, 0, 0);
}

static void test_bodystructure__exchange_zero_size_zero_lines(void **state)
{
    (void)state;
    const imapclient_body *b = body("(\"text\" \"plain\" NIL NIL NIL \"7bit\" 0 0)");
    assert_part(b, "text", "plain", "7bit", 0, 1, 0);
    assert_int_equal(b->extensions->count, 0);
}

static void test_bodystructure__text_with_nil_lines(void **state)
{
    (void)state;
    const imapclient_body *b =
        body("(\"text\" \"plain\" NIL NIL NIL \"7bit\" 5 NIL \"md5\" (\"inline\" NIL))");
    assert_part(b, "text", "plain", "7bit", 5, 0, 0);
    assert_string_equal(b->md5, "md5");
    assert_string_equal(b->disposition, "inline");
}

static void test_bodystructure__line_count_on_non_text_part(void **state)
{
    (void)state;
    /* K-9 / davmail #239: a 0 written where the md5 belongs */
    const imapclient_body *b = body(
        "(\"application\" \"pdf\" (\"name\" \"a.pdf\") NIL NIL \"base64\" 12345 0 NIL "
        "(\"attachment\" (\"filename\" \"a.pdf\")) NIL NIL)");
    assert_part(b, "application", "pdf", "base64", 12345, 1, 0);
    assert_null(b->md5);
    assert_string_equal(b->disposition, "attachment");
    assert_param(&b->disposition_params[0], "filename", "a.pdf");
}

static void test_bodystructure__nil_body_type(void **state)
{
    (void)state;
    const imapclient_body *b = body("(NIL NIL NIL NIL NIL \"7BIT\" 0)");
    assert_false(b->is_multipart);
    assert_null(b->type);
    assert_null(b->subtype);
    assert_true(b->has_size);
    assert_string_equal(b->encoding, "7BIT");
}

static void test_bodystructure__missing_size(void **state)
{
    (void)state;
    const imapclient_body *b =
        body("(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\")");
    assert_false(b->has_size);
    assert_int_equal(b->size, 0);
    assert_false(b->has_lines);
    assert_param(&b->params[0], "charset", "us-ascii");
    b = body("(\"image\" \"png\")");
    assert_string_equal(b->subtype, "png");
    assert_false(b->has_size);
    assert_null(b->encoding);
}

static void test_bodystructure__numbers_as_strings(void **state)
{
    (void)state;
    const imapclient_body *b =
        body("(\"text\" \"plain\" NIL NIL NIL \"7bit\" \"123\" \"4\")");
    assert_part(b, "text", "plain", "7bit", 123, 1, 4);
    b = body("(\"text\" \"plain\" NIL NIL NIL \"7bit\" \"12x\" 4)");
    assert_false(b->has_size);
    b = body("(\"text\" \"plain\" NIL NIL NIL \"7bit\" 99999999999999999999999 4)");
    assert_false(b->has_size); /* does not fit in 64 bits */
    b = body("(\"text\" \"plain\" NIL NIL NIL \"7bit\" 18446744073709551615 4)");
    assert_true(b->has_size);
    assert_true(b->size == UINT64_MAX);
}

static void test_bodystructure__odd_and_nil_parameter_lists(void **state)
{
    (void)state;
    const imapclient_body *b =
        body("(\"text\" \"plain\" (\"charset\") NIL NIL \"7bit\" 1 1)");
    assert_int_equal(b->param_count, 1);
    assert_param(&b->params[0], "charset", NULL);
    b = body("(\"text\" \"plain\" (\"a\" \"1\" \"b\") NIL NIL \"7bit\" 1 1)");
    assert_int_equal(b->param_count, 2);
    assert_param(&b->params[1], "b", NULL);
    b = body("(\"text\" \"plain\" (NIL \"x\" \"c\" \"d\") NIL NIL \"7bit\" 1 1)");
    assert_int_equal(b->param_count, 1);
    assert_param(&b->params[0], "c", "d");
    b = body("(\"text\" \"plain\" \"charset\" NIL NIL \"7bit\" 1 1)");
    assert_int_equal(b->param_count, 0);
    b = body("(\"text\" \"plain\" () NIL NIL \"7bit\" 1 1)");
    assert_int_equal(b->param_count, 0);
    b = body("(\"text\" \"plain\" (\"name\" NIL) NIL NIL \"7bit\" 1 1)");
    assert_param(&b->params[0], "name", NULL);
}

static void test_bodystructure__literal_parameter(void **state)
{
    (void)state;
    const imapclient_body *b =
        body("(\"TEXT\" \"PLAIN\" (\"CHARSET\" {5}\r\nUTF-8) NIL NIL \"7BIT\" 12 1)");
    assert_param(&b->params[0], "CHARSET", "UTF-8");
    assert_part(b, "TEXT", "PLAIN", "7BIT", 12, 1, 1);
}

static void test_bodystructure__extension_data(void **state)
{
    (void)state;
    const imapclient_body *b =
        body("(\"text\" \"plain\" NIL \"<id@x>\" \"desc\" \"7bit\" 10 1 "
             "\"Q2hlY2sgSW50ZWdyaXR5IQ==\" "
             "(\"inline\" (\"filename\" \"a.txt\" \"size\" \"10\")) (\"en\" \"de\") "
             "\"http://example.com/a.txt\" \"future\" (1 2 (3)))");
    assert_string_equal(b->md5, "Q2hlY2sgSW50ZWdyaXR5IQ==");
    assert_string_equal(b->disposition, "inline");
    assert_int_equal(b->disposition_param_count, 2);
    assert_param(&b->disposition_params[1], "size", "10");
    assert_int_equal(b->language_count, 2);
    assert_string_equal(b->language[0], "en");
    assert_string_equal(b->language[1], "de");
    assert_string_equal(b->location, "http://example.com/a.txt");
    assert_int_equal(b->extensions->count, 2);
    assert_string_equal(b->extensions->items[0].str, "future");
    assert_int_equal(b->extensions->items[1].type, IMAPCLIENT_VALUE_LIST);
    assert_int_equal(b->extensions->items[1].count, 3);
}

static void test_bodystructure__multipart_extension_data(void **state)
{
    (void)state;
    const imapclient_body *b = body(
        "((\"text\" \"plain\" NIL NIL NIL \"7bit\" 1 1) \"mixed\" (\"boundary\" \"b\") "
        "(\"inline\" NIL) \"en\" \"loc\" 99 NIL)");
    assert_string_equal(b->disposition, "inline");
    assert_int_equal(b->language_count, 1);
    assert_string_equal(b->language[0], "en");
    assert_string_equal(b->location, "loc");
    assert_null(b->md5);
    assert_int_equal(b->extensions->count, 2);
    assert_int_equal(b->extensions->items[0].number, 99);
}

static void test_bodystructure__language_forms(void **state)
{
    (void)state;
    const imapclient_body *b =
        body("(\"text\" \"plain\" NIL NIL NIL \"7bit\" 1 1 NIL NIL \"fr\" NIL)");
    assert_int_equal(b->language_count, 1);
    assert_string_equal(b->language[0], "fr");
    b = body(
        "(\"text\" \"plain\" NIL NIL NIL \"7bit\" 1 1 NIL NIL (\"en\" NIL \"de\") NIL)");
    assert_int_equal(b->language_count, 2);
    assert_string_equal(b->language[1], "de");
    b = body("(\"text\" \"plain\" NIL NIL NIL \"7bit\" 1 1 NIL NIL (NIL) NIL)");
    assert_int_equal(b->language_count, 0);
    assert_null(b->language);
}

static void test_bodystructure__multipart_nil_member_skipped(void **state)
{
    (void)state;
    const imapclient_body *b = body("((\"text\" \"plain\" NIL NIL NIL \"7bit\" 1 1) NIL "
                                    "(\"text\" \"html\" NIL NIL NIL "
                                    "\"7bit\" 2 1) \"alternative\")");
    assert_int_equal(b->part_count, 2);
    assert_string_equal(b->parts[1].subtype, "html");
    assert_string_equal(b->subtype, "alternative");
}

static void test_bodystructure__multipart_without_subtype(void **state)
{
    (void)state;
    const imapclient_body *b = body("((\"text\" \"plain\" NIL NIL NIL \"7bit\" 1 1))");
    assert_true(b->is_multipart);
    assert_int_equal(b->part_count, 1);
    assert_null(b->subtype);
    assert_int_equal(b->param_count, 0);
    assert_int_equal(b->extensions->count, 0);
}

static void test_bodystructure__empty_and_invalid(void **state)
{
    (void)state;
    const imapclient_body *b = body("()");
    assert_false(b->is_multipart);
    assert_null(b->type);
    assert_false(b->has_size);
    assert_int_equal(b->extensions->count, 0);
    static const char *const bad[] = {"NIL", "\"TEXT\"", "7", "ATOM"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        imapclient_body *out = (imapclient_body *)1;
        assert_int_equal(imc_body_from_value(arena, val(bad[i]), 0, &out),
                         IMAPCLIENT_EPROTOCOL);
        assert_null(out);
    }
    imapclient_body fill;
    assert_int_equal(imc_body_fill(arena, val("NIL"), 0, &fill), IMAPCLIENT_EPROTOCOL);
    assert_int_equal(imc_body_fill(arena, NULL, 0, &fill), IMAPCLIENT_EPROTOCOL);
}

static void test_bodystructure__body_fill_in_place(void **state)
{
    (void)state;
    imapclient_body b;
    const imapclient_value *v = val("(\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 3 1)");
    assert_int_equal(imc_body_fill(arena, v, 0, &b), 0);
    assert_string_equal(b.type, "TEXT");
    assert_ptr_equal(b.raw, v);
}

static void test_bodystructure__deep_nesting_bounded(void **state)
{
    (void)state;
    enum { DEPTH = 90 };
    char text[4096];
    size_t n = 0;
    for (int i = 0; i < DEPTH; i++)
        text[n++] = '(';
    n += (size_t)sprintf(text + n, "\"text\" \"plain\" NIL NIL NIL \"7bit\" 1 1)");
    for (int i = 1; i < DEPTH; i++)
        n += (size_t)sprintf(text + n, " \"mixed\")");
    const imapclient_value *v = valn(text, n, 200);
    imapclient_body *b;
    assert_int_equal(imc_body_from_value(arena, v, 0, &b), 0);
    const imapclient_body *p = b;
    int levels = 0;
    while (p->part_count) {
        assert_true(p->is_multipart);
        assert_string_equal(p->subtype, "mixed");
        p = &p->parts[0];
        levels++;
    }
    /* the tree is cut at IMC_BODY_MAX_DEPTH; raw still holds the rest */
    assert_int_equal(levels, IMC_BODY_MAX_DEPTH);
    assert_true(p->is_multipart);
    assert_non_null(p->raw);
}

static void test_bodystructure__hand_built_trees(void **state)
{
    (void)state;
    imapclient_value lying = {.type = IMAPCLIENT_VALUE_LIST, .count = 9, .items = NULL};
    imapclient_body *b;
    assert_int_equal(imc_body_from_value(arena, &lying, 0, &b), 0);
    assert_null(b->type);
    assert_int_equal(b->extensions->count, 0);
    imapclient_value items[10] = {
        {.type = IMAPCLIENT_VALUE_NUMBER, .str = NULL, .number = 1},
        {.type = IMAPCLIENT_VALUE_STRING, .str = NULL},
        lying,
        {.type = IMAPCLIENT_VALUE_NIL},
        {.type = IMAPCLIENT_VALUE_NIL},
        {.type = IMAPCLIENT_VALUE_ATOM, .str = "7BIT", .len = 4},
        {.type = IMAPCLIENT_VALUE_NUMBER, .str = NULL, .number = 77},
        lying,
        lying,
        lying,
    };
    imapclient_value v = {.type = IMAPCLIENT_VALUE_LIST, .count = 10, .items = items};
    assert_int_equal(imc_body_from_value(arena, &v, 0, &b), 0);
    assert_null(b->type);
    assert_true(b->has_size);
    assert_int_equal(b->size, 77);
    /* items[0] is a lying list for a multipart too */
    imapclient_value mp_items[2] = {
        lying, {.type = IMAPCLIENT_VALUE_ATOM, .str = "MIXED", .len = 5}};
    imapclient_value mp = {.type = IMAPCLIENT_VALUE_LIST, .count = 2, .items = mp_items};
    assert_int_equal(imc_body_from_value(arena, &mp, 0, &b), 0);
    assert_true(b->is_multipart);
    assert_int_equal(b->part_count, 1);
    assert_string_equal(b->subtype, "MIXED");
}

/* Random trees, parser-made and hand-made: nothing may crash or fail
 * except on a non-list. */
static uint32_t rng = 12345;
static uint32_t rnd(uint32_t n)
{
    rng = rng * 1103515245u + 12345u;
    return (rng >> 16) % n;
}

static void gen(char *buf, size_t *n, size_t cap, int depth)
{
    static const char *const atoms[] = {
        "NIL",        "\"TEXT\"",      "\"PLAIN\"", "\"MESSAGE\"", "\"RFC822\"",
        "\"GLOBAL\"", "\"MULTIPART\"", "0",         "42",          "\"7bit\"",
        "{3}\r\nabc", "ATOM",          "\"\"",      "\"name\"",    "-1",
        "\"inline\""};
    if (*n + 64 >= cap)
        return;
    if (depth < 6 && rnd(3) == 0) {
        buf[(*n)++] = '(';
        int k = (int)rnd(12);
        for (int i = 0; i < k; i++) {
            if (i)
                buf[(*n)++] = ' ';
            gen(buf, n, cap, depth + 1);
        }
        buf[(*n)++] = ')';
        return;
    }
    const char *a = atoms[rnd(sizeof atoms / sizeof atoms[0])];
    memcpy(buf + *n, a, strlen(a));
    *n += strlen(a);
}

static void test_bodystructure__random_trees_never_crash(void **state)
{
    (void)state;
    char buf[8192];
    for (int i = 0; i < 3000; i++) {
        size_t n = 0;
        buf[n++] = '(';
        int k = (int)rnd(14);
        for (int j = 0; j < k; j++) {
            buf[n++] = ' ';
            gen(buf, &n, sizeof buf - 2, 0);
        }
        buf[n++] = ')';
        const imapclient_value *v = valn(buf, n, 0);
        imapclient_body *b;
        imapclient_envelope *e;
        assert_int_equal(imc_body_from_value(arena, v, i & 1, &b), 0);
        assert_int_equal(imc_envelope_from_value(arena, v, i & 1, &e), 0);
        if (i % 200 == 199) { /* keep memory flat */
            imc_arena_free(arena);
            arena = imc_arena_new();
            assert_non_null(arena);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_bodystructure__rfc3501_body_example),
        T(test_bodystructure__rfc3501_multipart_example),
        T(test_bodystructure__reference_single_part),
        T(test_bodystructure__reference_multipart),
        T(test_bodystructure__reference_nested_multipart),
        T(test_bodystructure__reference_complex_mixed),
        T(test_bodystructure__apple_mail_alternative),
        T(test_bodystructure__multipart_params_with_charset),
        T(test_bodystructure__binary_text_without_params),
        T(test_bodystructure__gmail_nil_encoding),
        T(test_bodystructure__gmail_nested_mixed),
        T(test_bodystructure__exchange2016_disposition_as_string),
        T(test_bodystructure__exchange_bare_inline_disposition),
        T(test_bodystructure__exchange365_single_part),
        T(test_bodystructure__exchange_multipart_in_single_form),
        T(test_bodystructure__multipart_without_parts),
        T(test_bodystructure__mailkit371_x_zip_without_parts),
        T(test_bodystructure__delivery_report_with_message_rfc822),
        T(test_bodystructure__message_rfc822_nested_multipart),
        T(test_bodystructure__message_rfc822_nil_envelope_and_body),
        T(test_bodystructure__message_rfc822_in_basic_form),
        T(test_bodystructure__message_global),
        T(test_bodystructure__nested_envelope_normalised),
        T(test_bodystructure__text_without_lines),
        T(test_bodystructure__exchange_zero_size_zero_lines),
        T(test_bodystructure__text_with_nil_lines),
        T(test_bodystructure__line_count_on_non_text_part),
        T(test_bodystructure__nil_body_type),
        T(test_bodystructure__missing_size),
        T(test_bodystructure__numbers_as_strings),
        T(test_bodystructure__odd_and_nil_parameter_lists),
        T(test_bodystructure__literal_parameter),
        T(test_bodystructure__extension_data),
        T(test_bodystructure__multipart_extension_data),
        T(test_bodystructure__language_forms),
        T(test_bodystructure__multipart_nil_member_skipped),
        T(test_bodystructure__multipart_without_subtype),
        T(test_bodystructure__empty_and_invalid),
        T(test_bodystructure__body_fill_in_place),
        T(test_bodystructure__deep_nesting_bounded),
        T(test_bodystructure__hand_built_trees),
        T(test_bodystructure__random_trees_never_crash),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
