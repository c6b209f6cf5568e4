/*
 * Differential fuzz target for the SEARCH, SORT and THREAD fast paths
 * (src/client/search.c): the input, after a first byte that picks the
 * command and the nesting limit, is the text of one untagged response
 * after its name ("* SEARCH <input>", CR LF added). A handle with the fast
 * paths and one without (imc_parser.generic_only) play the same script;
 * status, error text and result must be the same.
 */
#include "fuzz.h"

#include <stdio.h>

#include <imapclient.h>

#include "client/internal.h"

#define MAX_INPUT 4096

static const char *const kinds[3][2] = {
    {"UID SEARCH ALL", "SEARCH"},
    {"UID SORT (ARRIVAL) UTF-8 ALL", "SORT"},
    {"UID THREAD REFERENCES UTF-8 ALL", "THREAD"},
};

static imapclient *session(const char *script, int generic_only, unsigned max_depth)
{
    imapclient_options o;
    imapclient_options_init(&o);
    o.max_depth = max_depth;
    imapclient *c = NULL;
    if (imapclient_connect_scripted(script, &o, &c) ||
        imapclient_select_folder(c, "INBOX", 0, NULL)) {
        imapclient_free(c);
        return NULL;
    }
    c->parser.generic_only = generic_only;
    return c;
}

static int run(imapclient *c, int kind, imapclient_ids **ids, imapclient_threads **th)
{
    static const char *const keys[] = {"ARRIVAL", NULL};
    if (kind == 0)
        return imapclient_search(c, NULL, NULL, ids);
    if (kind == 1)
        return imapclient_sort(c, keys, NULL, NULL, ids);
    return imapclient_thread(c, NULL, NULL, NULL, th);
}

static void same_node(const imapclient_thread_node *a, const imapclient_thread_node *b)
{
    FUZZ_CHECK(a->id == b->id && a->count == b->count);
    FUZZ_CHECK((a->items == NULL) == (b->items == NULL));
    for (size_t i = 0; i < a->count; i++)
        same_node(&a->items[i], &b->items[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int kind = data[0] % 3;
    unsigned max_depth = (data[0] / 3) % 4 == 0 ? 3 : 0; /* 0: the default (100) */
    data++;
    size--;
    if (size > MAX_INPUT)
        size = MAX_INPUT;
    size_t cap = 512 + size * 3;
    char *script = malloc(cap);
    FUZZ_CHECK(script != NULL);
    int k = snprintf(script, cap,
                     "S: * PREAUTH [CAPABILITY IMAP4rev1 SORT THREAD=REFERENCES] ready\n"
                     "C: A001 SELECT INBOX\nS: * 3 EXISTS\nS: A001 OK selected\n"
                     "C: A002 %s\nS%% * %s ",
                     kinds[kind][0], kinds[kind][1]);
    for (size_t i = 0; i < size; i++)
        k += snprintf(script + k, cap - (size_t)k, "%%%02X", data[i]);
    snprintf(script + k, cap - (size_t)k, "%%0D%%0A\nS: A002 OK done\n");

    imapclient *fast = session(script, 0, max_depth),
               *slow = session(script, 1, max_depth);
    FUZZ_CHECK(fast && slow);
    imapclient_ids *ia = NULL, *ib = NULL;
    imapclient_threads *ta = NULL, *tb = NULL;
    int ra = run(fast, kind, &ia, &ta), rb = run(slow, kind, &ib, &tb);
    FUZZ_CHECK(ra == rb);
    FUZZ_CHECK(strcmp(imapclient_errmsg(fast), imapclient_errmsg(slow)) == 0);
    if (ra == 0 && kind < 2) {
        FUZZ_CHECK(ia->count == ib->count && ia->has_modseq == ib->has_modseq &&
                   ia->modseq == ib->modseq);
        FUZZ_CHECK(ia->count == 0 ||
                   !memcmp(ia->ids, ib->ids, ia->count * sizeof *ia->ids));
    } else if (ra == 0) {
        FUZZ_CHECK(ta->count == tb->count);
        for (size_t i = 0; i < ta->count; i++)
            same_node(&ta->threads[i], &tb->threads[i]);
    }
    imapclient_ids_free(ia);
    imapclient_ids_free(ib);
    imapclient_threads_free(ta);
    imapclient_threads_free(tb);
    imapclient_free(fast);
    imapclient_free(slow);
    free(script);
    return 0;
}
