/* Live: CATENATE (RFC 4469) against the private Dovecot 2.3: drafts made
 * of the sample INBOX's messages and body parts (URLs built from folder,
 * UIDVALIDITY, UID and section) and of text from memory and from a
 * streamed source; MULTIAPPEND with CATENATE; a URL from a folder with a
 * non-ASCII name; BADURL typed; the non-blocking form. Everything is
 * appended to folders the test creates and removes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <poll.h>
#include <unistd.h>

#include "live/live.h"

#define INBOX_UIDVALIDITY 1700000001u

static void check(int rc, imapclient *c)
{
    if (rc < 0)
        fail_msg("call failed: %d %s", rc, imapclient_errmsg(c));
}

/* The bytes of one item of the message with this UID in the selected
 * folder (malloc'd, *len set). */
static char *fetch_item(imapclient *c, uint32_t uid, const char *item, const char *name,
                        size_t *len)
{
    char set[16];
    snprintf(set, sizeof set, "%u", uid);
    imapclient_fetch_result *r = NULL;
    check(imapclient_fetch(c, set, (const char *[]){item, NULL}, NULL, &r), c);
    const imapclient_message *m = imapclient_fetch_result_get(r, uid);
    assert_non_null(m);
    const imapclient_value *v = imapclient_message_item(m, name);
    assert_non_null(v);
    assert_non_null(v->str);
    char *out = malloc(v->len + 1);
    memcpy(out, v->str, v->len + 1);
    *len = v->len;
    imapclient_fetch_result_free(r);
    return out;
}

static char *concat(const char *a, size_t al, const char *b, size_t bl, size_t *len)
{
    char *out = malloc(al + bl + 1);
    memcpy(out, a, al);
    memcpy(out + al, b, bl);
    out[al + bl] = '\0';
    *len = al + bl;
    return out;
}

static imapclient *login_with_folder(char *folder, size_t size, const char *stem)
{
    imapclient *c = live_login();
    snprintf(folder, size, "%s-%d", stem, (int)getpid());
    check(imapclient_create_folder(c, folder, NULL), c);
    return c;
}

static void drop_folder(imapclient *c, const char *folder)
{
    if (imapclient_get_state(c) == IMAPCLIENT_STATE_SELECTED)
        check(imapclient_unselect_folder(c, NULL), c);
    check(imapclient_delete_folder(c, folder, NULL), c);
    imapclient_free(c);
}

static void test_catenate__header_and_text(void **state)
{
    /* INBOX message 1's header (section HEADER, with its blank line) and
     * a new body: the saved message is exactly the two put together */
    char folder[64];
    imapclient *c = login_with_folder(folder, sizeof folder, "Cat");
    /* Dovecot 2.3 checks a URL's UIDVALIDITY against its index, which a
     * maildir never opened since the server started (the sample mail is
     * written by dovecot.sh) does not have yet: "NO [BADURL ...] Invalid
     * UIDVALIDITY" until INBOX was opened once */
    check(imapclient_select_folder(c, "INBOX", 1, NULL), c);
    check(imapclient_unselect_folder(c, NULL), c);
    static const char body[] = "A new body for an old header.\r\n";
    imapclient_cat_part parts[] = {
        {.type = IMAPCLIENT_CAT_MESSAGE,
         .folder = "INBOX",
         .uidvalidity = INBOX_UIDVALIDITY,
         .uid = 1,
         .section = "HEADER"},
        {.type = IMAPCLIENT_CAT_TEXT, .text = body, .len = sizeof body - 1},
    };
    imapclient_append_result *r = NULL;
    check(imapclient_catenate(c, folder, parts, 2, (const char *[]){"\\Draft", NULL},
                              NULL, &r),
          c);
    assert_true(r->has_appenduid);
    assert_int_equal(r->count, 1);
    uint32_t uid = r->uids[0];
    imapclient_append_result_free(r);

    check(imapclient_select_folder(c, "INBOX", 1, NULL), c);
    size_t hl, want_len, got_len;
    char *hdr = fetch_item(c, 1, "BODY.PEEK[HEADER]", "BODY[HEADER]", &hl);
    char *want = concat(hdr, hl, body, sizeof body - 1, &want_len);
    check(imapclient_select_folder(c, folder, 1, NULL), c);
    char *got = fetch_item(c, uid, "BODY.PEEK[]", "BODY[]", &got_len);
    assert_int_equal(got_len, want_len);
    assert_memory_equal(got, want, want_len);
    free(hdr);
    free(want);
    free(got);
    drop_folder(c, folder);
}

static long long mem_read(void *payload, char *buf, size_t n)
{
    const char **p = payload;
    size_t k = strlen(*p) < n ? strlen(*p) : n;
    memcpy(buf, *p, k);
    *p += k;
    return (long long)k;
}

static void test_catenate__multipart_draft_and_multi(void **state)
{
    /* a multipart draft from the PDF message (4): its header, a new text
     * part streamed from a callback, and its attachment (part 2, with its
     * MIME header) by URL; then two messages in one MULTIAPPEND, one of
     * them a whole message by URL (no UIDVALIDITY) */
    char folder[64];
    imapclient *c = login_with_folder(folder, sizeof folder, "CatMulti");
    check(imapclient_select_folder(c, "INBOX", 1, NULL), c);
    size_t hl, ml, pl, whole_len;
    char *hdr = fetch_item(c, 4, "BODY.PEEK[HEADER]", "BODY[HEADER]", &hl);
    char *mime = fetch_item(c, 4, "BODY.PEEK[2.MIME]", "BODY[2.MIME]", &ml);
    char *part = fetch_item(c, 4, "BODY.PEEK[2]", "BODY[2]", &pl);
    char *whole = fetch_item(c, 7, "BODY.PEEK[]", "BODY[]", &whole_len);
    check(imapclient_unselect_folder(c, NULL), c);
    /* the boundary of message 4 */
    const char *b = strstr(hdr, "boundary=");
    assert_non_null(b);
    b += strlen("boundary=");
    char boundary[128];
    size_t bl = strcspn(b + (*b == '"'), "\";\r\n");
    snprintf(boundary, sizeof boundary, "%.*s", (int)bl, b + (*b == '"'));

    char t1[512], t3[256];
    snprintf(t1, sizeof t1,
             "--%s\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
             "Forwarding the attachment without downloading it.\r\n--%s\r\n",
             boundary, boundary);
    snprintf(t3, sizeof t3, "\r\n--%s--\r\n", boundary);
    const char *cursor = t1;
    imapclient_cat_part parts[] = {
        {.type = IMAPCLIENT_CAT_MESSAGE,
         .folder = "INBOX",
         .uidvalidity = INBOX_UIDVALIDITY,
         .uid = 4,
         .section = "HEADER"},
        {.type = IMAPCLIENT_CAT_SOURCE,
         .src = {.fd = -1,
                 .read = mem_read,
                 .payload = &cursor,
                 .size = strlen(t1),
                 .crlf = 1}},
        {.type = IMAPCLIENT_CAT_MESSAGE,
         .folder = "INBOX",
         .uidvalidity = INBOX_UIDVALIDITY,
         .uid = 4,
         .section = "2.MIME"},
        {.type = IMAPCLIENT_CAT_MESSAGE,
         .folder = "INBOX",
         .uidvalidity = INBOX_UIDVALIDITY,
         .uid = 4,
         .section = "2"},
        {.type = IMAPCLIENT_CAT_TEXT, .text = t3, .len = strlen(t3)},
    };
    imapclient_cat_part whole7 = {
        .type = IMAPCLIENT_CAT_MESSAGE, .folder = "INBOX", .uid = 7};
    imapclient_catenate_msg m[] = {{parts, 5, NULL, NULL}, {&whole7, 1, NULL, NULL}};
    imapclient_append_result *r = NULL;
    check(imapclient_multicatenate(c, folder, m, 2, &r), c);
    assert_int_equal(r->count, 2);
    uint32_t uid1 = r->uids[0], uid2 = r->uids[1];
    imapclient_append_result_free(r);

    check(imapclient_select_folder(c, folder, 1, NULL), c);
    size_t gl;
    char *got = fetch_item(c, uid1, "BODY.PEEK[]", "BODY[]", &gl);
    size_t wl = hl + strlen(t1) + ml + pl + strlen(t3);
    assert_int_equal(gl, wl);
    assert_memory_equal(got, hdr, hl);
    assert_memory_equal(got + hl, t1, strlen(t1));
    assert_memory_equal(got + hl + strlen(t1), mime, ml);
    assert_memory_equal(got + hl + strlen(t1) + ml, part, pl);
    free(got);
    /* the server sees the structure: part 2 is the attachment again */
    size_t p2l;
    char *p2 = fetch_item(c, uid1, "BODY.PEEK[2]", "BODY[2]", &p2l);
    assert_int_equal(p2l, pl);
    assert_memory_equal(p2, part, pl);
    free(p2);
    got = fetch_item(c, uid2, "BODY.PEEK[]", "BODY[]", &gl);
    assert_int_equal(gl, whole_len);
    assert_memory_equal(got, whole, gl);
    free(got);
    free(hdr);
    free(mime);
    free(part);
    free(whole);
    drop_folder(c, folder);
}

static void test_catenate__utf8_folder_url(void **state)
{
    /* a URL into a folder with a non-ASCII name: UTF-8, %-encoded (RFC
     * 5092), which the server maps to its modified UTF-7 name */
    char folder[64], src[64];
    imapclient *c = login_with_folder(folder, sizeof folder, "CatDst");
    snprintf(src, sizeof src,
             "Entw\xc3\xbc"
             "rfe %d",
             (int)getpid());
    check(imapclient_create_folder(c, src, NULL), c);
    static const char msg[] = "Subject: from a folder with an umlaut\r\n\r\nhi\r\n";
    imapclient_append_result *r = NULL;
    check(imapclient_append(c, src, msg, sizeof msg - 1, NULL, NULL, &r), c);
    imapclient_cat_part p = {.type = IMAPCLIENT_CAT_MESSAGE,
                             .folder = src,
                             .uidvalidity = r->uidvalidity,
                             .uid = r->uids[0]};
    imapclient_append_result_free(r);
    r = NULL;
    check(imapclient_catenate(c, folder, &p, 1, NULL, NULL, &r), c);
    uint32_t uid = r->uids[0];
    imapclient_append_result_free(r);
    check(imapclient_select_folder(c, folder, 1, NULL), c);
    size_t gl;
    char *got = fetch_item(c, uid, "BODY.PEEK[]", "BODY[]", &gl);
    assert_int_equal(gl, sizeof msg - 1);
    assert_memory_equal(got, msg, gl);
    free(got);
    check(imapclient_unselect_folder(c, NULL), c);
    check(imapclient_delete_folder(c, src, NULL), c);
    drop_folder(c, folder);
}

static void test_catenate__badurl(void **state)
{
    /* a UID that does not exist and a wrong UIDVALIDITY: NO [BADURL url],
     * typed; nothing appended, the connection goes on */
    char folder[64];
    imapclient *c = login_with_folder(folder, sizeof folder, "CatBad");
    static const char text[] = "Subject: x\r\n\r\n";
    imapclient_cat_part parts[] = {
        {.type = IMAPCLIENT_CAT_TEXT, .text = text, .len = sizeof text - 1},
        {.type = IMAPCLIENT_CAT_MESSAGE,
         .folder = "INBOX",
         .uidvalidity = INBOX_UIDVALIDITY,
         .uid = 999999,
         .section = "1"},
    };
    assert_int_equal(imapclient_catenate(c, folder, parts, 2, NULL, NULL, NULL),
                     IMAPCLIENT_ERROR);
    assert_string_equal(imapclient_error_code(c), "BADURL");
    assert_non_null(strstr(imapclient_error_code_arg(c), "UID=999999"));
    parts[1].uid = 1;
    parts[1].uidvalidity = INBOX_UIDVALIDITY + 1;
    assert_int_equal(imapclient_catenate(c, folder, &parts[1], 1, NULL, NULL, NULL),
                     IMAPCLIENT_ERROR);
    assert_string_equal(imapclient_error_code(c), "BADURL");
    imapclient_status_info *st = NULL;
    check(imapclient_folder_status(c, folder, (const char *[]){"MESSAGES", NULL}, &st),
          c);
    uint64_t n = 99;
    assert_int_equal(imapclient_status_info_get(st, "MESSAGES", &n), 1);
    assert_int_equal(n, 0);
    imapclient_status_info_free(st);
    drop_folder(c, folder);
}

static void on_done(imapclient *c, imapclient_completion *d)
{
    imapclient_completion *out = d->user;
    *out = *d;
    out->errmsg = out->text = "";
    out->code = d->code ? strdup(d->code) : NULL;
    d->result = NULL; /* taken */
}

static void test_catenate__start(void **state)
{
    /* the non-blocking form: the TEXT is copied at the start, the
     * command runs through imapclient_drive() */
    char folder[64];
    imapclient *c = login_with_folder(folder, sizeof folder, "CatAsync");
    char *text = strdup("\r\n-- \r\nsent without waiting\r\n");
    imapclient_cat_part parts[] = {
        {.type = IMAPCLIENT_CAT_MESSAGE,
         .folder = "INBOX",
         .uidvalidity = INBOX_UIDVALIDITY,
         .uid = 3},
        {.type = IMAPCLIENT_CAT_TEXT, .text = text, .len = strlen(text)},
    };
    imapclient_completion got = {0}, bad = {0};
    check(imapclient_start_catenate(c, folder, parts, 2, NULL, NULL, on_done, &got, NULL),
          c);
    size_t tl = strlen(text);
    char *keep = strdup(text);
    memset(text, 'X', tl);
    free(text);
    parts[0].uid = 999999;
    check(imapclient_start_catenate(c, folder, parts, 1, NULL, NULL, on_done, &bad, NULL),
          c);
    for (int i = 0; i < 10000 && imapclient_pending_commands(c); i++) {
        imapclient_wants w;
        check(imapclient_want(c, &w), c);
        struct pollfd p = {.fd = w.fd};
        if (w.events & IMAPCLIENT_WANT_READ)
            p.events |= POLLIN;
        if (w.events & IMAPCLIENT_WANT_WRITE)
            p.events |= POLLOUT;
        poll(&p, 1, w.timeout_ms < 0 || w.timeout_ms > 1000 ? 1000 : w.timeout_ms);
        check(imapclient_drive(c), c);
    }
    assert_int_equal(imapclient_pending_commands(c), 0);
    assert_int_equal(got.status, 0);
    imapclient_append_result *r = got.result;
    assert_non_null(r);
    uint32_t uid = r->uids[0];
    imapclient_append_result_free(r);
    assert_int_equal(bad.status, IMAPCLIENT_ERROR);
    assert_string_equal(bad.code, "BADURL");
    free((char *)bad.code);

    check(imapclient_select_folder(c, "INBOX", 1, NULL), c);
    size_t ol, gl;
    char *orig = fetch_item(c, 3, "BODY.PEEK[]", "BODY[]", &ol);
    check(imapclient_select_folder(c, folder, 1, NULL), c);
    char *saved = fetch_item(c, uid, "BODY.PEEK[]", "BODY[]", &gl);
    assert_int_equal(gl, ol + tl);
    assert_memory_equal(saved, orig, ol);
    assert_memory_equal(saved + ol, keep, tl);
    free(orig);
    free(saved);
    free(keep);
    drop_folder(c, folder);
}

int main(void)
{
    live_require();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_catenate__header_and_text),
        cmocka_unit_test(test_catenate__multipart_draft_and_multi),
        cmocka_unit_test(test_catenate__utf8_folder_url),
        cmocka_unit_test(test_catenate__badurl),
        cmocka_unit_test(test_catenate__start),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
