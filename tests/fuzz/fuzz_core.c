/*
 * Fuzz target for the protocol core with pipelined commands in flight.
 * The core has no I/O of its own, so no transport is needed: a handle is
 * made around it, eleven commands of every pipelining class are started
 * through the non-blocking API (UID FETCH plain and streaming with a body
 * sink, SEARCH, STORE, APPEND with LITERAL+, NOOP, COPY, then a barrier
 * SELECT, a FETCH by sequence number, IDLE and EXPUNGE behind it), and the
 * input is fed to it as the server's bytes, in pieces of sizes the input
 * chooses, while what the core wants to send is taken and dropped.
 *
 * Input: the first byte picks the piece size (1 to 256); the rest is the
 * server's side. The commands carry the tags A001..A011 in the order
 * above (the seeds answer them), IDLE is A010.
 *
 * Nothing may crash, leak or hang, and every started command completes
 * exactly once (callback count per id), whatever the bytes: out of order,
 * foreign tags, stray continuations, drops, garbage.
 */
#include "fuzz.h"

#include "core/core.h"
#include "front/front.h"

#include <imapclient.h>

#define MAX_INPUT (1u << 16)
#define NCMDS     11

typedef struct tally {
    int done[NCMDS + 1]; /* by id (ids start at 1) */
    int idle_done;       /* IDLE's second completion (it ended) */
    size_t walked;
} tally;

static void on_done(imapclient *c, imapclient_completion *d)
{
    tally *t = d->user;
    FUZZ_CHECK(d->id >= 1 && d->id <= NCMDS);
    if (d->op == IMAPCLIENT_OP_IDLE_DONE)
        t->idle_done++;
    else
        t->done[d->id]++;
    FUZZ_CHECK(d->errmsg != NULL && d->text != NULL);
    FUZZ_CHECK((d->status == 0) || d->result == NULL);
    if (d->result && d->op == IMAPCLIENT_OP_FETCH) {
        const imapclient_fetch_result *r = d->result;
        for (size_t i = 0; i < r->count; i++) {
            t->walked += fuzz_walk_envelope(r->msgs[i].envelope);
            t->walked += fuzz_walk_body(r->msgs[i].body, 0);
            for (size_t k = 0; k < r->msgs[i].item_count; k++)
                fuzz_check_value(r->msgs[i].items[k].value);
        }
    }
    /* results left in place are freed by the library */
}

static int on_msg(void *payload, const imapclient_message *m)
{
    tally *t = payload;
    t->walked += fuzz_walk_envelope(m->envelope) + fuzz_walk_body(m->body, 0);
    return 0;
}

static int on_sink(void *payload, uint32_t seq, const char *name, const char *data,
                   size_t len)
{
    ((tally *)payload)->walked += len + strlen(name);
    return 0;
}

static void unsolicited(void *payload, imapclient *c, const imapclient_response *r)
{
    fuzz_check_value(r->args);
}

/* Take everything the core wants to send, as a socket would. */
static void drain(imapclient *c)
{
    const char *p;
    size_t n;
    for (int i = 0; i < 10000 && imc_core_output(c, &p, &n) > 0; i++)
        imc_core_written(c, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > MAX_INPUT)
        return 0;
    size_t piece = (size_t)data[0] + 1;
    data++;
    size--;

    imapclient_options o;
    imapclient_options_init(&o);
    o.max_line = 1 << 16;
    o.max_literal = 1 << 20;
    o.max_depth = 40;
    imapclient *c = imc_handle_new("fuzz", &o);
    if (!c)
        return 0;
    if (imc_reader_init(&c->rd, NULL, o.max_line, o.max_literal)) {
        imapclient_free(c);
        return 0;
    }
    /* as after a greeting and a SELECT */
    c->dead = 0;
    c->greeted = 1;
    imc_set_state(c, IMAPCLIENT_STATE_SELECTED);
    static const imapclient_value caps_items[] = {
        {.type = IMAPCLIENT_VALUE_ATOM, .str = "IMAP4rev1", .len = 9},
        {.type = IMAPCLIENT_VALUE_ATOM, .str = "LITERAL+", .len = 8},
        {.type = IMAPCLIENT_VALUE_ATOM, .str = "IDLE", .len = 4},
        {.type = IMAPCLIENT_VALUE_ATOM, .str = "UIDPLUS", .len = 7},
    };
    static const imapclient_value caps = {.type = IMAPCLIENT_VALUE_LIST,
                                          .items = (imapclient_value *)caps_items,
                                          .count = 4};
    imc_caps_set_from_values(c, &caps, 0);
    imapclient_set_unsolicited_cb(c, unsolicited, NULL);

    tally t = {0};
    static const char *const env[] = {"UID", "FLAGS", "ENVELOPE", "BODYSTRUCTURE", NULL};
    static const char *const body[] = {"BODY.PEEK[]", NULL};
    static const char *const seen[] = {"\\Seen", NULL};
    static const char msg[] = "From: a@b\r\n\r\nhi\r\n";
    int started = 0;
    started += imapclient_start_fetch(c, "1:*", env, NULL, on_done, &t, NULL) == 0;
    started += imapclient_start_fetch_each(c, "1:*", body, NULL, on_msg, on_sink, 0, &t,
                                           on_done, &t, NULL) == 0;
    started += imapclient_start_search(c, (const char *[]){"ALL", NULL}, NULL, on_done,
                                       &t, NULL) == 0;
    started += imapclient_start_add_flags(c, "1:3", seen, 0, on_done, &t, NULL) == 0;
    started += imapclient_start_append(c, "INBOX", msg, sizeof msg - 1, NULL, NULL,
                                       on_done, &t, NULL) == 0;
    started += imapclient_start_noop(c, on_done, &t, NULL) == 0;
    started += imapclient_start_copy(c, "1:2", "Archive", on_done, &t, NULL) == 0;
    started += imapclient_start_select_folder(c, "Other", 0, on_done, &t, NULL) == 0;
    imapclient_set_use_uid(c, 0);
    started += imapclient_start_fetch(c, "1", env, NULL, on_done, &t, NULL) == 0;
    imapclient_set_use_uid(c, 1);
    started += imapclient_start_idle(c, on_done, &t, NULL) == 0;
    started += imapclient_start_expunge(c, NULL, on_done, &t, NULL) == 0;
    FUZZ_CHECK(started == NCMDS);

    size_t off = 0;
    drain(c);
    while (off < size && !c->dead) {
        size_t k = size - off < piece ? size - off : piece;
        imc_reader_push(&c->rd, (const char *)data + off, k);
        off += k;
        for (int round = 0; round < 4 && !c->dead; round++) {
            imc_core_process(c, NULL);
            drain(c);
        }
        /* DONE once IDLE is up, as a caller would */
        if (c->state == IMAPCLIENT_STATE_IDLE && c->idle_rq && !c->reply.buf.len)
            imapclient_start_idle_done(c, NULL, NULL, NULL);
    }
    if (!c->dead) {
        imc_core_eof(c);
        imc_core_process(c, NULL);
    }
    imapclient_free(c); /* what is left completes with EABORT */
    for (int i = 1; i <= NCMDS; i++)
        FUZZ_CHECK(t.done[i] == 1);
    FUZZ_CHECK(t.idle_done <= 1);
    return 0;
}
