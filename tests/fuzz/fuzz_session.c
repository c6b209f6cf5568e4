/*
 * Fuzz target for the whole client: the input is the server's side of a
 * session, played by the scripted server (imapclient/testing.h) while the
 * client makes a fixed sequence of public calls, so every byte goes
 * through the reader, the parser, the command engine, the state machine
 * and the typed results, across calls (unsolicited responses, capability
 * changes, BYE, IDLE).
 *
 * The input is split at each "\n--\n" (the "\n" stays with the piece
 * before): the first piece is the greeting, each next one what the server
 * answers to the next call of calls[] below ("\n--\n--\n" leaves an
 * empty piece between). In a piece, "$TAG" stands for the tag of the
 * command it answers (so a seed stays valid when a call sends one command
 * more or less) and "$EOF" ends the piece and closes the connection.
 * Every other byte is passed on escaped, so anything goes; the script
 * adds "<tag> OK done" after each piece so that most calls complete,
 * whatever the piece did.
 *
 * The scripted server checks every byte the client sends, so the script
 * must hold exactly the client's commands. They are predicted (fixed
 * arguments), but whether a call sends an extra CAPABILITY first, or
 * nothing at all (refused for state or capability), depends on what the
 * server said before. So the sent lines are watched through the protocol
 * log; when a call sends other lines than the script has, the script is
 * rebuilt with what it sent and the session replayed from the start (it
 * is deterministic), a few times at most.
 *
 * Nothing may crash, leak or hang; every result is walked (ASan sees a bad
 * pointer) and freed; a failed call leaves its outputs NULL or valid.
 */
#include "fuzz.h"

#include "types/types.h"

#include <imapclient.h>
#include <imapclient/testing.h>

#include <stdio.h>

#define MAX_INPUT (1u << 16)
#define MAX_LINES 4 /* command lines one call may send */
#define SEP       "\n--\n"
#define LOGIN     "LOGIN fuzz secret"
#define LOGIN_LOG "LOGIN fuzz ***" /* as the protocol log shows it */
/* the answer to a CAPABILITY the client sends of its own accord */
#define ALL_CAPS                                                                         \
    "* CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE SORT THREAD=REFERENCES "     \
    "NAMESPACE UIDPLUS CHILDREN UNSELECT CONDSTORE ESEARCH MOVE SPECIAL-USE QUOTA "      \
    "ACL X-GM-EXT-1 METADATA NOTIFY APPENDLIMIT UNAUTHENTICATE LIST-EXTENDED "           \
    "LIST-STATUS STATUS=SIZE OBJECTID CREATE-SPECIAL-USE ESORT SEARCHRES PARTIAL "       \
    "MULTISEARCH BINARY PREVIEW SAVEDATE WITHIN CATENATE URLAUTH\r\n"

enum {
    C_LOGIN,
    C_CAPS,
    C_SELECT,
    C_FETCH,
    C_SEARCH,
    C_SORT,
    C_THREAD,
    C_LIST,
    C_STATUS,
    C_FLAGS,
    C_NAMESPACE,
    C_GETACL,
    C_QUOTA,
    C_ID,
    C_NOOP,
    C_IDLE,
    C_IDLE_CHECK,
    C_IDLE_DONE,
    C_EXPUNGE,
    C_METADATA,
    C_NOTIFY,
    C_APPENDLIMIT,
    C_LIST_EXT,
    C_CREATE_EX,
    C_ESEARCH,
    C_FETCH_EXT,
    C_ESORT,
    C_MULTISEARCH,
    C_CATENATE,
    C_URLFETCH,
    C_UNAUTH,
    C_LOGOUT,
    NCALLS
};

/* What each call is expected to send (without its tag), and whether the
 * script completes it with "<tag> OK done" after the server's piece. */
static const struct {
    const char *line; /* NULL: nothing */
    int tagged;
    int complete;
} calls[NCALLS] = {
    [C_LOGIN] = {LOGIN, 1, 1},
    [C_CAPS] = {"CAPABILITY", 1, 1},
    [C_SELECT] = {"SELECT INBOX", 1, 1},
    [C_FETCH] = {"UID FETCH 1:* (ENVELOPE BODYSTRUCTURE FLAGS INTERNALDATE BODY.PEEK[])",
                 1, 1},
    [C_SEARCH] = {"UID SEARCH ALL", 1, 1},
    [C_SORT] = {"UID SORT (ARRIVAL) UTF-8 ALL", 1, 1},
    [C_THREAD] = {"UID THREAD REFERENCES UTF-8 ALL", 1, 1},
    [C_LIST] = {"LIST \"\" \"*\"", 1, 1},
    [C_STATUS] = {"STATUS INBOX (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN)", 1, 1},
    [C_FLAGS] = {"UID FETCH 1:* (FLAGS)", 1, 1},
    [C_NAMESPACE] = {"NAMESPACE", 1, 1},
    [C_GETACL] = {"GETACL INBOX", 1, 1},
    [C_QUOTA] = {"GETQUOTAROOT INBOX", 1, 1},
    [C_ID] = {"ID (\"name\" \"fuzz\")", 1, 1},
    [C_NOOP] = {"NOOP", 1, 1},
    [C_IDLE] = {"IDLE", 1, 0},
    [C_IDLE_CHECK] = {NULL, 0, 0},
    [C_IDLE_DONE] = {"DONE", 0, 1},
    [C_EXPUNGE] = {"EXPUNGE", 1, 1},
    /* (MAXSIZE: max_literal is lowered below, so it is sent as MAXSIZE) */
    [C_METADATA] = {"GETMETADATA (MAXSIZE 16384 DEPTH infinity) INBOX "
                    "(/private/comment /shared)",
                    1, 1},
    [C_NOTIFY] = {"NOTIFY SET STATUS (selected (MessageNew (UID FLAGS) MessageExpunge "
                  "FlagChange)) (personal (MessageNew MessageExpunge MailboxName "
                  "SubscriptionChange MailboxMetadataChange))",
                  1, 1},
    [C_APPENDLIMIT] = {"STATUS INBOX (APPENDLIMIT)", 1, 1},
    [C_LIST_EXT] =
        {"LIST (SUBSCRIBED RECURSIVEMATCH) \"\" (\"*\" INBOX) RETURN (CHILDREN "
         "SPECIAL-USE STATUS (MESSAGES SIZE MAILBOXID))",
         1, 1},
    [C_CREATE_EX] = {"CREATE Fuzz (USE (\\Sent))", 1, 1},
    [C_ESEARCH] = {"UID SEARCH RETURN (MIN MAX COUNT ALL SAVE PARTIAL -1:-10) YOUNGER 60",
                   1, 1},
    [C_FETCH_EXT] = {"UID FETCH $ (EMAILID THREADID SAVEDATE PREVIEW BINARY.SIZE[1] "
                     "BINARY.PEEK[1])",
                     1, 1},
    [C_ESORT] = {"UID SORT RETURN (ALL MIN) (DATE) UTF-8 ALL", 1, 1},
    [C_MULTISEARCH] = {"ESEARCH IN (personal subtree Work) RETURN (ALL COUNT) UNSEEN", 1,
                       1},
    [C_CATENATE] = {"APPEND \"Drafts\" CATENATE (URL "
                    "\"/INBOX;UIDVALIDITY=7/;UID=1/;SECTION=HEADER\" URL "
                    "\"/INBOX/;UID=2/;SECTION=1.MIME\")",
                    1, 1},
    [C_URLFETCH] = {"URLFETCH \"imap://a@b/INBOX/;UID=1;urlauth=anonymous:internal:00\"",
                    1, 1},
    [C_UNAUTH] = {"UNAUTHENTICATE", 1, 1},
    [C_LOGOUT] = {"LOGOUT", 1, 1},
};

typedef struct piece {
    const uint8_t *p;
    size_t n;
} piece;

/* The lines one call sends, as learnt (or first as predicted). */
typedef struct plan {
    char *text[MAX_LINES]; /* without the tag; owned */
    int tagged[MAX_LINES];
    size_t n;
} plan;

typedef struct session {
    piece greeting, pieces[NCALLS];
    plan plans[NCALLS];
    int check_reads; /* idle_check has its TIMEOUT and piece in the script */

    /* per run */
    char *expect[NCALLS][MAX_LINES]; /* lines with their tags, as logged */
    char **sent;                     /* lines the client sent, as logged */
    size_t nsent, sent_cap;
} session;

/* ---- growing text ---------------------------------------------------- */

typedef struct strbuf {
    char *p;
    size_t n, cap;
} strbuf;

static void add(strbuf *t, const void *p, size_t n)
{
    if (t->n + n + 1 > t->cap) {
        size_t cap = (t->n + n + 1) * 2;
        char *np = realloc(t->p, cap);
        if (!np)
            abort();
        t->p = np;
        t->cap = cap;
    }
    memcpy(t->p + t->n, p, n);
    t->n += n;
    t->p[t->n] = '\0';
}

static void adds(strbuf *t, const char *s)
{
    add(t, s, strlen(s));
}

/* Bytes as %XX escapes (so any byte can go in a script line). */
static void add_escaped(strbuf *t, const void *p, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    const uint8_t *b = p;
    add(t, "", 0);
    if (t->n + 3 * n + 1 > t->cap) {
        size_t cap = (t->n + 3 * n + 1) * 2;
        char *np = realloc(t->p, cap);
        if (!np)
            abort();
        t->p = np;
        t->cap = cap;
    }
    char *o = t->p + t->n;
    for (size_t i = 0; i < n; i++) {
        *o++ = '%';
        *o++ = hex[b[i] >> 4];
        *o++ = hex[b[i] & 15];
    }
    t->n += 3 * n;
    t->p[t->n] = '\0';
}

/* A server piece as a script line, with "$TAG" replaced by tag. At "$EOF"
 * the piece ends and the server closes the connection: returns 1. (No
 * line for no bytes: an empty server step would read as end of file.) */
static int add_piece(strbuf *t, piece pc, const char *tag)
{
    size_t mark = t->n;
    adds(t, "S% ");
    size_t start = t->n, i = 0, from = 0;
    int eof = 0;
    for (; i < pc.n; i++) {
        if (pc.p[i] != '$' || pc.n - i < 4)
            continue;
        if (!memcmp(pc.p + i, "$TAG", 4)) {
            add_escaped(t, pc.p + from, i - from); /* pc.p is not NULL here */
            add_escaped(t, tag, strlen(tag));
            from = i + 4;
            i += 3;
        } else if (!memcmp(pc.p + i, "$EOF", 4)) {
            eof = 1;
            break;
        }
    }
    if (i > from)
        add_escaped(t, pc.p + from, i - from);
    if (t->n == start)
        t->n = mark; /* nothing to send */
    else
        adds(t, "\n");
    t->p[t->n] = '\0';
    if (eof)
        adds(t, "!EOF\n");
    return eof;
}

static char *dup(const char *s)
{
    char *d = strdup(s);
    if (!d)
        abort();
    return d;
}

/* ---- the plan and the script --------------------------------------- */

static void plan_clear(plan *pl)
{
    for (size_t i = 0; i < pl->n; i++)
        free(pl->text[i]);
    pl->n = 0;
}

static void split(session *s, const uint8_t *data, size_t size)
{
    piece *out[NCALLS + 1];
    out[0] = &s->greeting;
    for (size_t i = 0; i < NCALLS; i++)
        out[i + 1] = &s->pieces[i];
    size_t k = 0, start = 0;
    for (size_t i = 0; i + 4 <= size && k < NCALLS; i++) {
        if (data[i] != '\n' || memcmp(data + i, SEP, 4) != 0)
            continue;
        out[k]->p = data + start;
        out[k]->n = i + 1 - start;
        k++;
        start = i + 4;
        i += 2; /* "\n--\n--\n": an empty piece between */
    }
    out[k]->p = data + start;
    out[k]->n = size - start;
}

static int has(piece pc, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i + n <= pc.n; i++)
        if (pc.p[i] == s[0] && !memcmp(pc.p + i, s, n))
            return 1;
    return 0;
}

static void predict(session *s)
{
    for (size_t i = 0; i < NCALLS; i++) {
        if (!calls[i].line)
            continue;
        s->plans[i].text[0] = dup(calls[i].line);
        s->plans[i].tagged[0] = calls[i].tagged;
        s->plans[i].n = 1;
    }
    /* capabilities() asks only when the login answer did not tell */
    if (has(s->pieces[C_LOGIN], "[CAPABILITY "))
        plan_clear(&s->plans[C_CAPS]);
    s->check_reads = 1;
}

static char *script(session *s)
{
    strbuf t = {0};
    adds(&t, "# fuzz_session\n");
    add_piece(&t, s->greeting, "*");
    unsigned tagnum = 0;
    char tag[16] = "*";
    for (size_t i = 0; i < NCALLS; i++) {
        plan *pl = &s->plans[i];
        for (size_t j = 0; j < pl->n; j++) {
            if (pl->tagged[j])
                snprintf(tag, sizeof tag, "A%03u", ++tagnum);
            strbuf line = {0};
            if (pl->tagged[j]) {
                adds(&line, tag);
                adds(&line, " ");
            }
            adds(&line, strcmp(pl->text[j], LOGIN) ? pl->text[j] : LOGIN_LOG);
            s->expect[i][j] = line.p;
            adds(&t, "C% ");
            if (pl->tagged[j]) {
                add_escaped(&t, tag, strlen(tag));
                add_escaped(&t, " ", 1);
            }
            add_escaped(&t, pl->text[j], strlen(pl->text[j]));
            adds(&t, "%0D%0A\n");
            int eof = 0;
            if (j + 1 < pl->n) {
                /* a command sent before the call's own (CAPABILITY) */
                adds(&t, "S% ");
                add_escaped(&t, ALL_CAPS, strlen(ALL_CAPS));
                adds(&t, "\n");
            } else {
                eof = add_piece(&t, s->pieces[i], tag);
            }
            if (!eof && (j + 1 < pl->n || calls[i].complete)) {
                adds(&t, "S: ");
                adds(&t, tag);
                adds(&t, " OK done\n");
            }
        }
        if (i == C_IDLE_CHECK && s->plans[C_IDLE].n && s->check_reads) {
            /* a first idle_check times out (or drains what came with
             * the "+"), a later one reads this piece */
            adds(&t, "!TIMEOUT\n");
            if (!add_piece(&t, s->pieces[i], tag))
                adds(&t, "S: * OK still here\n");
        }
    }
    return t.p;
}

/* ---- the protocol log: what the client sent ------------------------- */

static void on_log(void *payload, imapclient_log_dir dir, const char *line, size_t len)
{
    session *s = payload;
    if (dir != IMAPCLIENT_LOG_SENT)
        return;
    if (s->nsent == s->sent_cap) {
        size_t cap = s->sent_cap ? s->sent_cap * 2 : 32;
        char **n = realloc(s->sent, cap * sizeof *n);
        if (!n)
            abort();
        s->sent = n;
        s->sent_cap = cap;
    }
    char *copy = malloc(len + 1);
    if (!copy)
        abort();
    memcpy(copy, line, len);
    copy[len] = '\0';
    s->sent[s->nsent++] = copy;
}

static void run_clear(session *s)
{
    for (size_t i = 0; i < NCALLS; i++)
        for (size_t j = 0; j < MAX_LINES; j++) {
            free(s->expect[i][j]);
            s->expect[i][j] = NULL;
        }
    for (size_t i = 0; i < s->nsent; i++)
        free(s->sent[i]);
    free(s->sent);
    s->sent = NULL;
    s->nsent = s->sent_cap = 0;
}

/* "A012 UID SEARCH ALL" -> "UID SEARCH ALL"; DONE has no tag. */
static const char *untag(const char *line, int *tagged)
{
    const char *p = line;
    if (*p == 'A') {
        p++;
        while (*p >= '0' && *p <= '9')
            p++;
        if (p - line >= 4 && *p == ' ') {
            *tagged = 1;
            return p + 1;
        }
    }
    *tagged = 0;
    return line;
}

/* Call i sent s->sent[from..]: 0 when that is the plan, 1 when the plan was
 * corrected (replay), -1 when it cannot be (stop). */
static int learn(session *s, size_t i, size_t from)
{
    plan *pl = &s->plans[i];
    size_t n = s->nsent - from, j = 0;
    while (j < n && j < pl->n && !strcmp(s->sent[from + j], s->expect[i][j]))
        j++;
    if (j == n && j == pl->n)
        return 0;
    plan np = {0};
    for (size_t k = 0; k < n && k <= j; k++) {
        if (np.n == MAX_LINES || strstr(s->sent[from + k], "***"))
            goto fail;
        int tagged;
        const char *t = untag(s->sent[from + k], &tagged);
        np.text[np.n] = dup(t);
        np.tagged[np.n++] = tagged;
    }
    /* one line more than planned, or another one: it came before the
     * planned ones, which may still follow */
    for (size_t k = j; j < n && k < pl->n; k++) {
        if (np.n == MAX_LINES)
            goto fail;
        np.text[np.n] = dup(pl->text[k]);
        np.tagged[np.n++] = pl->tagged[k];
    }
    plan_clear(pl);
    *pl = np;
    return 1;
fail:
    plan_clear(&np);
    return -1;
}

/* ---- walking results ------------------------------------------------- */

static void check_rc(imapclient *c, int rc)
{
    if (rc >= 0)
        return;
    FUZZ_CHECK(strcmp(imapclient_status_name(rc), "UNKNOWN") != 0);
    FUZZ_CHECK(imapclient_errmsg(c)[0] != '\0');
}

static size_t walk_strings(const char *const *v, size_t n)
{
    size_t t = 0;
    for (size_t i = 0; i < n; i++)
        t += fuzz_touch(v[i]);
    FUZZ_CHECK(v[n] == NULL);
    return t;
}

static size_t walk_responses(const imapclient_responses *r)
{
    if (!r)
        return 0;
    size_t t = fuzz_touch(r->text);
    for (size_t i = 0; i < r->count; i++) {
        const imapclient_response *x = &r->items[i];
        FUZZ_CHECK(x->tag && x->name && x->text && x->args && x->code_args);
        t += fuzz_touch(x->tag) + fuzz_touch(x->name) + fuzz_touch(x->text) +
             fuzz_touch(x->code) + fuzz_touch(x->code_raw);
        fuzz_check_value(x->args);
        fuzz_check_value(x->code_args);
        if (x->raw && x->raw_len)
            t += (uint8_t)x->raw[x->raw_len - 1];
    }
    return t;
}

/* Each response typed as a NOTIFY event and as a CONTEXT update (most are
 * neither). */
static size_t walk_events(imapclient *c, const imapclient_responses *r)
{
    size_t t = 0;
    for (size_t i = 0; r && i < r->count; i++) {
        imapclient_notify_event *e = NULL;
        int rc = imapclient_notify_event_from_response(c, &r->items[i], &e);
        FUZZ_CHECK(rc == 0 || (rc == IMAPCLIENT_EPROTOCOL && e == NULL));
        if (!e)
            continue;
        FUZZ_CHECK(e->items != NULL);
        fuzz_check_value(e->items);
        t += e->kind + e->number + e->uid + fuzz_touch(e->uid_set) +
             fuzz_touch(e->mailbox) + fuzz_touch(e->old_mailbox) +
             fuzz_touch(e->delimiter) + (size_t)e->messages;
        if (e->flags)
            t += walk_strings(e->flags, e->flag_count);
        if (e->attributes)
            t += walk_strings(e->attributes, e->attribute_count);
        if (e->entries)
            t += walk_strings(e->entries, e->entry_count);
        imapclient_notify_event_free(e);
    }
    /* and as CONTEXT=SEARCH updates (RFC 5267) */
    for (size_t i = 0; r && i < r->count; i++) {
        imapclient_context_update *u = NULL;
        int rc = imapclient_context_update_from_response(&r->items[i], &u);
        FUZZ_CHECK(rc == 0 || ((rc == IMAPCLIENT_EPROTOCOL || rc == IMAPCLIENT_ETOOBIG) &&
                               u == NULL));
        if (!u)
            continue;
        FUZZ_CHECK(u->tag != NULL && u->change_count > 0);
        t += fuzz_touch(u->tag) + u->min + u->max + u->count;
        for (size_t k = 0; k < u->change_count; k++) {
            const imapclient_context_change *x = &u->changes[k];
            t += fuzz_touch(x->set) + x->position + (size_t)x->add;
            for (size_t j = 0; j < x->count; j++)
                FUZZ_CHECK(x->ids[j] != 0);
        }
        imapclient_context_update_free(u);
    }
    return t;
}

/* The responses read as changes (RFC 7162: EXPUNGE or VANISHED, FETCH
 * with FLAGS or MODSEQ): the UID sets stay sorted and disjoint. */
static size_t walk_changes(const imapclient_responses *r)
{
    imapclient_changes *ch = NULL;
    if (!r || imapclient_changes_new(&ch))
        return 0;
    for (size_t i = 0; i < r->count; i++) {
        int rc = imapclient_changes_add(ch, &r->items[i]);
        FUZZ_CHECK(rc == 0 || rc == 1 || rc == IMAPCLIENT_EPROTOCOL ||
                   rc == IMAPCLIENT_ENOMEM);
    }
    const imapclient_uidset *sets[2] = {&ch->vanished, &ch->vanished_earlier};
    size_t t = ch->expunged_count + ch->changed_count + ch->taken;
    for (size_t k = 0; k < 2; k++)
        for (size_t i = 0; i < sets[k]->count; i++) {
            FUZZ_CHECK(sets[k]->ranges[i].lo >= 1 &&
                       sets[k]->ranges[i].lo <= sets[k]->ranges[i].hi);
            FUZZ_CHECK(!i ||
                       (uint64_t)sets[k]->ranges[i - 1].hi + 1 < sets[k]->ranges[i].lo);
        }
    for (size_t i = 0; i < ch->changed_count; i++)
        if (ch->changed[i].flags)
            t += walk_strings(ch->changed[i].flags, ch->changed[i].flag_count);
    imapclient_changes_free(ch);
    return t;
}

static size_t walk_message(const imapclient_message *m)
{
    size_t t = 0;
    if (m->flags)
        t += walk_strings(m->flags, m->flag_count);
    if (m->gm_labels)
        t += walk_strings(m->gm_labels, m->gm_label_count);
    if (m->has_internaldate)
        FUZZ_CHECK(imc_datetime_valid(&m->internaldate));
    t += fuzz_walk_envelope(m->envelope);
    t += fuzz_walk_body(m->body, 0);
    for (size_t i = 0; i < m->item_count; i++) {
        FUZZ_CHECK(m->items[i].name && m->items[i].value);
        t += fuzz_touch(m->items[i].name);
        fuzz_check_value(m->items[i].value);
    }
    return t;
}

static size_t walk_esearch(const imapclient_esearch_result *e)
{
    size_t t = fuzz_touch(e->all) + fuzz_touch(e->partial) + e->min + e->max + e->count;
    FUZZ_CHECK(e->ids != NULL && e->partial_ids != NULL);
    for (size_t i = 0; i < e->id_count; i++)
        t += e->ids[i];
    for (size_t i = 0; i < e->partial_count; i++)
        t += e->partial_ids[i];
    FUZZ_CHECK(!e->has_partial || (e->partial_first != 0 && e->partial_last != 0));
    return t;
}

static size_t walk_thread(const imapclient_thread_node *n, int depth)
{
    FUZZ_CHECK(depth < 1000);
    size_t t = n->id;
    for (size_t i = 0; i < n->count; i++)
        t += walk_thread(&n->items[i], depth + 1);
    return t;
}

static size_t walk_ns(const imapclient_namespace_entry *e, size_t n)
{
    size_t t = 0;
    for (size_t i = 0; i < n; i++) {
        t += fuzz_touch(e[i].prefix) + fuzz_touch(e[i].separator);
        FUZZ_CHECK(e[i].extensions != NULL);
        fuzz_check_value(e[i].extensions);
    }
    return t;
}

/* ---- the calls ---------------------------------------------------------- */

static volatile size_t sink; /* keeps the walks */

/* FUZZ_SESSION_TRACE=1: each call's status and each replay on stderr, for
 * writing seeds. */
static int trace(void)
{
    const char *e = getenv("FUZZ_SESSION_TRACE");
    return e && *e == '1';
}

static int do_idle_check(imapclient *c)
{
    /* until one times out, then once more (which reads the next piece) */
    int timed_out = 0, rc = 0;
    for (int k = 0; k < 4 && imapclient_get_state(c) == IMAPCLIENT_STATE_IDLE; k++) {
        imapclient_responses *r = NULL;
        rc = imapclient_idle_check(c, 1000, &r);
        check_rc(c, rc);
        FUZZ_CHECK(rc == 0 || r == NULL);
        sink += walk_responses(r) + walk_events(c, r) + walk_changes(r);
        int none = rc == 0 && r && r->count == 0;
        imapclient_responses_free(r);
        if (rc < 0 || timed_out)
            break;
        timed_out = none;
    }
    return rc;
}

static int call(imapclient *c, size_t i)
{
    int rc = 0;
    size_t t = 0;
    switch (i) {
    case C_LOGIN: {
        const char *text = NULL;
        rc = imapclient_login(c, "fuzz", "secret", &text);
        t += fuzz_touch(text);
        break;
    }
    case C_CAPS: {
        const char *const *caps = NULL;
        size_t n = 0;
        rc = imapclient_capabilities(c, &caps, &n);
        if (rc == 0)
            t += walk_strings(caps, n);
        break;
    }
    case C_SELECT: {
        imapclient_select_info *info = NULL;
        rc = imapclient_select_folder(c, "INBOX", 0, &info);
        FUZZ_CHECK(rc == 0 || info == NULL);
        if (info) {
            t += walk_strings(info->flags, info->flag_count);
            t += walk_strings(info->permanentflags, info->permanentflag_count);
            t += fuzz_touch(info->text);
            for (size_t k = 0; k < info->count; k++) {
                t += fuzz_touch(info->items[k].name);
                fuzz_check_value(info->items[k].value);
            }
            FUZZ_CHECK(!info->count ||
                       imapclient_select_info_get(info, info->items[0].name) != NULL);
        }
        imapclient_select_info_free(info);
        break;
    }
    case C_FETCH: {
        imapclient_fetch_result *r = NULL;
        static const char *const items[] = {"ENVELOPE",     "BODYSTRUCTURE", "FLAGS",
                                            "INTERNALDATE", "BODY.PEEK[]",   NULL};
        rc = imapclient_fetch(c, "1:*", items, NULL, &r);
        if (r) {
            for (size_t k = 0; k < r->count; k++) {
                t += walk_message(&r->msgs[k]);
                const imapclient_message *m =
                    imapclient_fetch_result_get(r, r->msgs[k].id);
                if (m)
                    t += m->id;
                const imapclient_value *body =
                    imapclient_message_item(&r->msgs[k], "BODY[]");
                if (body)
                    t += fuzz_touch(body->str);
            }
        }
        imapclient_fetch_result_free(r);
        break;
    }
    case C_SEARCH:
    case C_SORT: {
        imapclient_ids *ids = NULL;
        static const char *const all[] = {"ALL", NULL};
        static const char *const arrival[] = {"ARRIVAL", NULL};
        if (i == C_SEARCH)
            rc = imapclient_search(c, all, NULL, &ids);
        else
            rc = imapclient_sort(c, arrival, all, "UTF-8", &ids);
        FUZZ_CHECK(rc == 0 || ids == NULL);
        if (ids)
            for (size_t k = 0; k < ids->count; k++)
                t += ids->ids[k];
        imapclient_ids_free(ids);
        break;
    }
    case C_THREAD: {
        imapclient_threads *th = NULL;
        rc = imapclient_thread(c, "REFERENCES", NULL, NULL, &th);
        FUZZ_CHECK(rc == 0 || th == NULL);
        if (th)
            for (size_t k = 0; k < th->count; k++)
                t += walk_thread(&th->threads[k], 0);
        imapclient_threads_free(th);
        break;
    }
    case C_LIST: {
        imapclient_folder_list *l = NULL;
        rc = imapclient_list_folders(c, NULL, NULL, &l);
        FUZZ_CHECK(rc == 0 || l == NULL);
        for (size_t k = 0; l && k < l->count; k++) {
            const imapclient_folder *f = &l->folders[k];
            t += walk_strings(f->flags, f->flag_count) + fuzz_touch(f->delimiter);
            FUZZ_CHECK(f->name && f->name[f->name_len] == '\0');
            FUZZ_CHECK(f->raw_name && f->raw_name[f->raw_name_len] == '\0');
            FUZZ_CHECK(f->extended != NULL);
            fuzz_check_value(f->extended);
            t += (size_t)imapclient_folder_has_flag(f, "\\Noselect");
        }
        imapclient_folder_list_free(l);
        break;
    }
    case C_STATUS: {
        imapclient_status_info *st = NULL;
        rc = imapclient_folder_status(c, "INBOX", NULL, &st);
        FUZZ_CHECK(rc == 0 || st == NULL);
        if (st) {
            t += fuzz_touch(st->folder);
            for (size_t k = 0; k < st->count; k++) {
                t += fuzz_touch(st->items[k].name);
                FUZZ_CHECK(st->items[k].raw != NULL);
                fuzz_check_value(st->items[k].raw);
            }
            uint64_t v;
            if (imapclient_status_info_get(st, "MESSAGES", &v) == 0)
                t += (size_t)v;
        }
        imapclient_status_info_free(st);
        break;
    }
    case C_FLAGS: {
        imapclient_flags_result *f = NULL;
        rc = imapclient_get_flags(c, "1:*", &f);
        FUZZ_CHECK(rc == 0 || f == NULL);
        for (size_t k = 0; f && k < f->count; k++) {
            t += walk_strings(f->msgs[k].flags, f->msgs[k].count);
            FUZZ_CHECK(k == 0 || f->msgs[k - 1].id < f->msgs[k].id);
            FUZZ_CHECK(imapclient_flags_result_get(f, f->msgs[k].id) == &f->msgs[k]);
        }
        imapclient_flags_result_free(f);
        break;
    }
    case C_NAMESPACE: {
        imapclient_namespace_info *ns = NULL;
        rc = imapclient_namespace(c, &ns);
        FUZZ_CHECK(rc == 0 || ns == NULL);
        if (ns)
            t += walk_ns(ns->personal, ns->personal_count) +
                 walk_ns(ns->other, ns->other_count) +
                 walk_ns(ns->shared, ns->shared_count);
        imapclient_namespace_info_free(ns);
        break;
    }
    case C_GETACL: {
        imapclient_acl *acl = NULL;
        rc = imapclient_getacl(c, "INBOX", &acl);
        FUZZ_CHECK(rc == 0 || acl == NULL);
        for (size_t k = 0; acl && k < acl->count; k++)
            t += fuzz_touch(acl->items[k].who) + fuzz_touch(acl->items[k].rights);
        imapclient_acl_free(acl);
        break;
    }
    case C_QUOTA: {
        imapclient_quota_roots *roots = NULL;
        imapclient_quotas *q = NULL;
        rc = imapclient_get_quota_root(c, "INBOX", &roots, &q);
        FUZZ_CHECK(rc == 0 || (roots == NULL && q == NULL));
        if (roots)
            t += fuzz_touch(roots->mailbox) + walk_strings(roots->roots, roots->count);
        for (size_t k = 0; q && k < q->count; k++)
            t += fuzz_touch(q->items[k].quota_root) + fuzz_touch(q->items[k].resource);
        imapclient_quota_roots_free(roots);
        imapclient_quotas_free(q);
        break;
    }
    case C_ID: {
        imapclient_id_result *id = NULL;
        static const char *const params[] = {"name", "fuzz", NULL};
        rc = imapclient_id(c, params, &id);
        FUZZ_CHECK(rc == 0 || id == NULL);
        for (size_t k = 0; id && k < id->count; k++)
            t += fuzz_touch(id->fields[k].key) + fuzz_touch(id->fields[k].value);
        t += fuzz_touch(imapclient_id_result_get(id, "name"));
        imapclient_id_result_free(id);
        break;
    }
    case C_NOOP:
    case C_EXPUNGE: {
        imapclient_responses *r = NULL;
        rc = i == C_NOOP ? imapclient_noop(c, &r) : imapclient_expunge(c, NULL, &r);
        t += walk_responses(r) + walk_events(c, r) + walk_changes(r);
        imapclient_responses_free(r);
        break;
    }
    case C_IDLE:
        rc = imapclient_idle(c);
        break;
    case C_IDLE_CHECK:
        return do_idle_check(c);
    case C_IDLE_DONE: {
        const char *text = NULL;
        imapclient_responses *r = NULL;
        rc = imapclient_idle_done(c, &text, &r);
        t += fuzz_touch(text) + walk_responses(r) + walk_events(c, r) + walk_changes(r);
        imapclient_responses_free(r);
        break;
    }
    case C_METADATA: {
        imapclient_metadata *m = NULL;
        static const char *const entries[] = {"/private/comment", "/shared", NULL};
        rc = imapclient_get_metadata(c, "INBOX", entries, 0,
                                     IMAPCLIENT_METADATA_DEPTH_INFINITY, &m);
        FUZZ_CHECK(rc == 0 || m == NULL);
        for (size_t k = 0; m && k < m->count; k++) {
            t += fuzz_touch(m->entries[k].name);
            if (m->entries[k].value) {
                FUZZ_CHECK(m->entries[k].value[m->entries[k].len] == '\0');
                t += fuzz_touch(m->entries[k].value);
            }
        }
        if (m)
            t += fuzz_touch(m->mailbox) + (size_t)m->longentries;
        imapclient_metadata_free(m);
        break;
    }
    case C_NOTIFY: {
        static const char *const attrs[] = {"UID", "FLAGS", NULL};
        const imapclient_notify_group g[2] = {
            {.filter = IMAPCLIENT_NOTIFY_SELECTED,
             .events = IMAPCLIENT_EVENT_MESSAGES,
             .fetch_attrs = attrs},
            {.filter = IMAPCLIENT_NOTIFY_PERSONAL,
             .events = IMAPCLIENT_EVENT_MESSAGE_NEW | IMAPCLIENT_EVENT_MESSAGE_EXPUNGE |
                       IMAPCLIENT_EVENT_MAILBOX_NAME |
                       IMAPCLIENT_EVENT_SUBSCRIPTION_CHANGE |
                       IMAPCLIENT_EVENT_MAILBOX_METADATA_CHANGE}};
        rc = imapclient_notify_set(c, g, 2, 1);
        /* the STATUS burst is kept: type it (take_responses() clears the
         * error, so only after a success) */
        imapclient_responses *r = NULL;
        if (rc == 0 && imapclient_take_responses(c, &r) == 0)
            t += walk_responses(r) + walk_events(c, r) + walk_changes(r);
        imapclient_responses_free(r);
        break;
    }
    case C_APPENDLIMIT: {
        uint64_t limit = 0;
        rc = imapclient_get_appendlimit(c, "INBOX", &limit);
        t += (size_t)limit;
        break;
    }
    case C_LIST_EXT: {
        imapclient_folder_list *l = NULL;
        static const char *const pats[] = {"*", "INBOX", NULL};
        static const char *const items[] = {"MESSAGES", "SIZE", "MAILBOXID", NULL};
        imapclient_list_options o = {.selection = IMAPCLIENT_LIST_SUBSCRIBED |
                                                  IMAPCLIENT_LIST_RECURSIVEMATCH,
                                     .returns = IMAPCLIENT_LIST_RETURN_CHILDREN |
                                                IMAPCLIENT_LIST_RETURN_SPECIAL_USE,
                                     .status_items = items};
        rc = imapclient_list_extended(c, "", pats, &o, &l);
        FUZZ_CHECK(rc == 0 || l == NULL);
        for (size_t k = 0; l && k < l->count; k++) {
            const imapclient_folder *f = &l->folders[k];
            t += walk_strings(f->flags, f->flag_count) + fuzz_touch(f->delimiter);
            t += walk_strings(f->childinfo, f->childinfo_count) + fuzz_touch(f->old_name);
            FUZZ_CHECK(f->extended != NULL);
            fuzz_check_value(f->extended);
            if (f->status) {
                t += fuzz_touch(f->status->folder) + fuzz_touch(f->status->mailboxid);
                for (size_t j = 0; j < f->status->count; j++) {
                    t += fuzz_touch(f->status->items[j].name);
                    fuzz_check_value(f->status->items[j].raw);
                }
            }
        }
        imapclient_folder_list_free(l);
        break;
    }
    case C_CREATE_EX: {
        imapclient_create_result *r = NULL;
        static const char *const uses[] = {IMAPCLIENT_SENT, NULL};
        rc = imapclient_create_folder_ex(c, "Fuzz", uses, &r);
        FUZZ_CHECK(rc == 0 || r == NULL);
        if (r)
            t += fuzz_touch(r->text) + fuzz_touch(r->mailboxid);
        imapclient_create_result_free(r);
        break;
    }
    case C_ESEARCH:
    case C_ESORT: {
        imapclient_esearch_result *e = NULL;
        static const char *const young[] = {"YOUNGER", "60", NULL};
        static const char *const date[] = {"DATE", NULL};
        static const char *const r1[] = {
            "MIN", "MAX", "COUNT", "ALL", "SAVE", "PARTIAL -1:-10", NULL};
        static const char *const r2[] = {"ALL", "MIN", NULL};
        if (i == C_ESEARCH)
            rc = imapclient_esearch(c, young, NULL, r1, &e);
        else
            rc = imapclient_esort(c, date, NULL, NULL, r2, &e);
        FUZZ_CHECK(rc == 0 || e == NULL);
        if (e) {
            t += walk_esearch(e);
            imapclient_esearch_result_free(e);
        }
        break;
    }
    case C_FETCH_EXT: {
        imapclient_fetch_result *r = NULL;
        static const char *const items[] = {"EMAILID", "THREADID",       "SAVEDATE",
                                            "PREVIEW", "BINARY.SIZE[1]", "BINARY.PEEK[1]",
                                            NULL};
        rc = imapclient_fetch(c, "$", items, NULL, &r);
        FUZZ_CHECK(rc == 0 || r == NULL);
        for (size_t k = 0; r && k < r->count; k++) {
            const imapclient_message *m = &r->msgs[k];
            t += walk_message(m) + fuzz_touch(m->emailid) + fuzz_touch(m->threadid);
            if (m->has_savedate)
                FUZZ_CHECK(imc_datetime_valid(&m->savedate));
            if (m->preview)
                t += (uint8_t)m->preview[m->preview_len];
            const char *data = NULL;
            size_t len = 0;
            uint64_t n = 0;
            if (imapclient_message_binary(m, "1", &data, &len) && data)
                FUZZ_CHECK(data[len] == '\0');
            t += (size_t)imapclient_message_binary_size(m, "1", &n) + (size_t)n;
        }
        imapclient_fetch_result_free(r);
        break;
    }
    case C_MULTISEARCH: {
        imapclient_multisearch_result *m = NULL;
        static const char *const work[] = {"Work", NULL};
        static const char *const unseen[] = {"UNSEEN", NULL};
        static const char *const rets[] = {"ALL", "COUNT", NULL};
        const imapclient_search_source src[] = {{IMAPCLIENT_IN_PERSONAL, NULL},
                                                {IMAPCLIENT_IN_SUBTREE, work}};
        rc = imapclient_multisearch(c, src, 2, unseen, NULL, rets, &m);
        FUZZ_CHECK(rc == 0 || m == NULL);
        for (size_t k = 0; m && k < m->count; k++)
            t += fuzz_touch(m->mailboxes[k].mailbox) + m->mailboxes[k].uidvalidity +
                 walk_esearch(&m->mailboxes[k].result);
        imapclient_multisearch_result_free(m);
        break;
    }
    case C_CATENATE: {
        /* URL parts only: one line, whatever the literal capabilities */
        const imapclient_cat_part parts[] = {
            {.type = IMAPCLIENT_CAT_MESSAGE,
             .folder = "INBOX",
             .uidvalidity = 7,
             .uid = 1,
             .section = "HEADER"},
            {.type = IMAPCLIENT_CAT_MESSAGE,
             .folder = "INBOX",
             .uid = 2,
             .section = "1.MIME"},
        };
        imapclient_append_result *r = NULL;
        rc = imapclient_catenate(c, "Drafts", parts, 2, NULL, NULL, &r);
        FUZZ_CHECK(rc == 0 || r == NULL);
        if (rc == IMAPCLIENT_ERROR && imapclient_error_code(c))
            t += fuzz_touch(imapclient_error_code(c)) +
                 fuzz_touch(imapclient_error_code_arg(c));
        for (size_t k = 0; r && k < r->count; k++)
            t += r->uids[k];
        if (r)
            t += fuzz_touch(r->text) + fuzz_touch(r->uid_set);
        imapclient_append_result_free(r);
        break;
    }
    case C_URLFETCH: {
        static const char *const urls[] = {
            "imap://a@b/INBOX/;UID=1;urlauth=anonymous:internal:00", NULL};
        imapclient_urlfetch_result *f = NULL;
        rc = imapclient_urlfetch(c, urls, &f);
        FUZZ_CHECK(rc == 0 || f == NULL);
        for (size_t k = 0; f && k < f->count; k++) {
            t += fuzz_touch(f->items[k].url) + f->items[k].len;
            if (f->items[k].data)
                FUZZ_CHECK(f->items[k].data[f->items[k].len] == '\0');
        }
        imapclient_urlfetch_result_free(f);
        break;
    }
    case C_UNAUTH: {
        const char *text = NULL;
        rc = imapclient_unauthenticate(c, &text);
        t += fuzz_touch(text) + (size_t)imapclient_is_utf8(c);
        break;
    }
    case C_LOGOUT: {
        const char *text = NULL;
        rc = imapclient_logout(c, &text);
        t += fuzz_touch(text);
        break;
    }
    }
    check_rc(c, rc);
    sink += t;
    return rc;
}

static const char *const call_names[NCALLS] = {"login",          "capabilities",
                                               "select_folder",  "fetch",
                                               "search",         "sort",
                                               "thread",         "list_folders",
                                               "folder_status",  "get_flags",
                                               "namespace",      "getacl",
                                               "get_quota_root", "id",
                                               "noop",           "idle",
                                               "idle_check",     "idle_done",
                                               "expunge",        "get_metadata",
                                               "notify_set",     "get_appendlimit",
                                               "list_extended",  "create_folder_ex",
                                               "esearch",        "fetch_ext",
                                               "esort",          "multisearch",
                                               "catenate",       "urlfetch",
                                               "unauthenticate", "logout"};

/* One session over the script of the current plans: 0 when it ran to its
 * end, 1 when the plans were corrected and it must be replayed. */
static int run(session *s)
{
    char *sc = script(s);
    imapclient_options o;
    imapclient_options_init(&o);
    o.max_line = 4096;
    o.max_literal = 16384;
    o.max_depth = 16;
    o.log = on_log;
    o.log_payload = s;
    imapclient *c = NULL;
    int rc = imapclient_connect_scripted(sc, &o, &c), again = 0;
    free(sc);
    if (trace())
        fprintf(stderr, "-- connect %s %s\n", imapclient_status_name(rc),
                rc ? imapclient_errmsg(c) : "");
    for (size_t i = 0; rc == 0 && i < NCALLS; i++) {
        if (i == C_IDLE_CHECK && s->plans[C_IDLE].n && s->check_reads &&
            imapclient_get_state(c) != IMAPCLIENT_STATE_IDLE) {
            /* IDLE did not start: nothing will read its pieces */
            s->check_reads = 0;
            again = 1;
            break;
        }
        size_t from = s->nsent;
        int r = call(c, i);
        int l = learn(s, i, from);
        if (trace())
            fprintf(stderr, "%-14s %-9s %s%s\n", call_names[i], imapclient_status_name(r),
                    l ? "(replay) " : "", r < 0 ? imapclient_errmsg(c) : "");
        if (l) {
            again = l > 0;
            break;
        }
        if (r == IMAPCLIENT_EABORT || imapclient_get_state(c) == IMAPCLIENT_STATE_LOGOUT)
            break;
    }
    imapclient_free(c);
    run_clear(s);
    return again;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MAX_INPUT)
        return 0;
    session s;
    memset(&s, 0, sizeof s);
    split(&s, data, size);
    predict(&s);
    for (int k = 0; k < 2 * NCALLS && run(&s); k++)
        ;
    for (size_t i = 0; i < NCALLS; i++)
        plan_clear(&s.plans[i]);
    return 0;
}
