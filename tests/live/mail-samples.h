/* Realistic messages for the live message tests (search, store, mailbox):
 * plain text, a reply chain, multipart/alternative, an attachment, a
 * forward with a nested message/rfc822 and non-ASCII headers and body.
 * Lines end in CRLF as on the wire.
 *
 * Appended in this order into a fresh folder they get UIDs 1..7:
 *   1 plain, Alice, "Lunch on Friday?"            \Seen \Answered
 *   2 reply to 1, Bob                              (none)
 *   3 multipart/alternative, Carol, report         \Seen
 *   4 attachment (PDF), Alice, invoice             \Flagged $Invoice
 *   5 forward of 3 (message/rfc822), Bob           (none)
 *   6 UTF-8 subject/From (RFC 2047), 8-bit body    \Draft
 *   7 reply to 2, Alice                            (none)
 * REFERENCES threads: (1 2 7)(3 5)(4)(6). Date headers ascend 1..7.
 *
 * Include after <cmocka.h>: the helpers at the end use live_login(). */
#ifndef LIVE_MAIL_SAMPLES_H
#define LIVE_MAIL_SAMPLES_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "live/live.h"

#define L(s) s "\r\n"

typedef struct mail_sample {
    const char *data;
    const char *flags[3];
} mail_sample;

static const mail_sample mail_samples[] = {
    {L("From: Alice Example <alice@example.org>") L("To: Bob Example <bob@example.net>")
         L("Subject: Lunch on Friday?") L("Date: Mon, 7 Jun 2021 09:15:00 +0200")
             L("Message-ID: <lunch-1@example.org>") L("MIME-Version: 1.0")
                 L("Content-Type: text/plain; charset=us-ascii") L("") L("Hi Bob,") L("")
                     L("are you free for lunch on Friday? The new place on Elm Street")
                         L("has a lunch menu.") L("") L("Alice"),
     {"\\Seen", "\\Answered", NULL}},

    {L("From: Bob Example <bob@example.net>") L("To: Alice Example <alice@example.org>")
         L("Subject: Re: Lunch on Friday?") L("Date: Mon, 7 Jun 2021 10:02:11 +0200") L(
             "Message-ID: <lunch-2@example.net>") L("In-Reply-To: <lunch-1@example.org>")
             L("References: <lunch-1@example.org>") L("MIME-Version: 1.0")
                 L("Content-Type: text/plain; charset=us-ascii") L("")
                     L("Sure, 12:30 works for me.") L("")
                         L("> are you free for lunch on Friday?"),
     {NULL}},

    {L("From: Carol Example <carol@example.com>") L("To: team@example.com")
         L("Subject: Quarterly report") L("Date: Tue, 8 Jun 2021 16:45:00 -0400")
             L("Message-ID: <report-q2@example.com>") L("MIME-Version: 1.0")
                 L("Content-Type: multipart/alternative; boundary=\"alt-b0undary\"") L("")
                     L("--alt-b0undary") L("Content-Type: text/plain; charset=us-ascii")
                         L("") L("Revenue is up 4% this quarter. Details in the meeting.")
                             L("--alt-b0undary")
                                 L("Content-Type: text/html; charset=us-ascii") L("") L(
                                     "<html><body><p>Revenue is up <b>4%</b> this "
                                     "quarter.</p></body></html>") L("--alt-b0undary--"),
     {"\\Seen", NULL}},

    {L("From: Alice Example <alice@example.org>") L("To: accounts@example.com")
         L("Subject: Invoice 2021-06") L("Date: Wed, 9 Jun 2021 08:00:00 +0000")
             L("Message-ID: <invoice-2021-06@example.org>") L("MIME-Version: 1.0") L(
                 "Content-Type: multipart/mixed; boundary=\"mix-b0undary\"") L("")
                 L("--mix-b0undary") L("Content-Type: text/plain; charset=us-ascii") L("")
                     L("Please find the invoice attached.") L("--mix-b0undary")
                         L("Content-Type: application/pdf; name=\"invoice.pdf\"") L(
                             "Content-Disposition: attachment; filename=\"invoice.pdf\"")
                             L("Content-Transfer-Encoding: base64") L("") L(
                                 "JVBERi0xLjQKMSAwIG9iaiA8PCAvVHlwZSAvQ2F0YWxvZyA+"
                                 "PiBlbmRvYmoKdHJhaWxlciA8PCAv")
                                 L("Um9vdCAxIDAgUiA+PgolJUVPRgo=") L("--mix-b0undary--"),
     {"\\Flagged", "$Invoice", NULL}},

    {L("From: Bob Example <bob@example.net>") L("To: Dave Example <dave@example.org>") L(
         "Subject: Fwd: Quarterly report") L("Date: Thu, 10 Jun 2021 11:30:00 +0100")
         L("Message-ID: <fwd-report@example.net>") L("MIME-Version: 1.0") L(
             "Content-Type: multipart/mixed; boundary=\"fwd-b0undary\"") L("")
             L("--fwd-b0undary") L("Content-Type: text/plain; charset=us-ascii") L("") L(
                 "FYI, see below.") L("--fwd-b0undary") L("Content-Type: message/rfc822")
                 L("") L("From: Carol Example <carol@example.com>")
                     L("To: team@example.com") L("Subject: Quarterly report")
                         L("Date: Tue, 8 Jun 2021 16:45:00 -0400") L(
                             "Message-ID: <report-q2-copy@example.com>")
                             L("Content-Type: text/plain; charset=us-ascii") L("") L(
                                 "Revenue is up 4% this quarter. Details in the meeting.")
                                 L("--fwd-b0undary--"),
     {NULL}},

    {L("From: =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <juergen@example.de>")
         L("To: Alice Example <alice@example.org>")
             L("Subject: =?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?=")
                 L("Date: Fri, 11 Jun 2021 19:05:00 +0200")
                     L("Message-ID: <gruesse@example.de>") L("MIME-Version: 1.0")
                         L("Content-Type: text/plain; charset=utf-8")
                             L("Content-Transfer-Encoding: 8bit") L("") L(
                                 "Sch\xc3\xb6ne Gr\xc3\xbc\xc3\x9f"
                                 "e aus K\xc3\xb6ln, und ein na\xc3\xafves Caf\xc3\xa9.")
                                 L("J\xc3\xbcrgen"),
     {"\\Draft", NULL}},

    {L("From: Alice Example <alice@example.org>") L("To: Bob Example <bob@example.net>")
         L("Subject: Re: Lunch on Friday?") L("Date: Sat, 12 Jun 2021 08:20:00 +0200") L(
             "Message-ID: <lunch-3@example.org>") L("In-Reply-To: <lunch-2@example.net>")
             L("References: <lunch-1@example.org> <lunch-2@example.net>")
                 L("MIME-Version: 1.0") L("Content-Type: text/plain; charset=us-ascii")
                     L("") L("See you there!"),
     {NULL}},
};

#define MAIL_SAMPLE_COUNT (sizeof mail_samples / sizeof mail_samples[0])

#undef L

/* ---- a fresh folder holding the samples --------------------------------- */

/* A folder name no other test or run uses: "msgs-<pid>-<n>-<tag>". */
static inline void sample_folder_name(char *buf, size_t size, const char *tag)
{
    static int n; /* per test program; tests run one at a time */
    snprintf(buf, size, "msgs-%ld-%d-%s", (long)getpid(), ++n, tag);
}

/* The INTERNALDATE given to sample i: noon at +0530 on 7+i June 2021
 * (06:30 UTC, the same calendar day in any zone from -06 to +17), except
 * sample 6 (index 5), dated 1 June so that SORT ARRIVAL differs from
 * SORT DATE. */
static inline imapclient_datetime sample_date(size_t i)
{
    imapclient_datetime d = {2021, 6, (int)(7 + i), 12, 0, 0, 1, 330};
    if (i == 5)
        d.day = 1;
    return d;
}

/* Create folder and append every sample with its flags and date; the UIDs
 * are 1..MAIL_SAMPLE_COUNT. Returns 0 or the failing call's code. */
static inline int sample_folder_create(imapclient *c, const char *folder)
{
    int rc = imapclient_create_folder(c, folder, NULL);
    for (size_t i = 0; rc == 0 && i < MAIL_SAMPLE_COUNT; i++) {
        imapclient_datetime d = sample_date(i);
        rc = imapclient_append(c, folder, mail_samples[i].data,
                               strlen(mail_samples[i].data), mail_samples[i].flags, &d,
                               NULL);
    }
    return rc;
}

/* Leave the folder and delete it; errors are ignored (cleanup). */
static inline void sample_folder_drop(imapclient *c, const char *folder)
{
    if (imapclient_get_state(c) == IMAPCLIENT_STATE_SELECTED)
        imapclient_unselect_folder(c, NULL);
    imapclient_delete_folder(c, folder, NULL);
}

/* Per-test state: a connection with a fresh sample folder selected. */
typedef struct sample_ctx {
    imapclient *c;
    char folder[96];
} sample_ctx;

static inline int sample_setup(void **state, const char *tag, int readonly)
{
    sample_ctx *x = calloc(1, sizeof *x);
    if (!x)
        return -1;
    x->c = live_login();
    sample_folder_name(x->folder, sizeof x->folder, tag);
    *state = x;
    if (sample_folder_create(x->c, x->folder) ||
        imapclient_select_folder(x->c, x->folder, readonly, NULL)) {
        fprintf(stderr, "sample setup: %s\n", imapclient_errmsg(x->c));
        return -1;
    }
    return 0;
}

static inline int sample_teardown(void **state)
{
    sample_ctx *x = *state;
    if (!x)
        return 0;
    sample_folder_drop(x->c, x->folder);
    imapclient_logout(x->c, NULL);
    imapclient_free(x->c);
    free(x);
    return 0;
}

#endif
