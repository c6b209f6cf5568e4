/*
 * The libetpan benchmark client (bench/README.md, bench/run-all.sh): the
 * same workloads as imc_bench.c, each in libetpan's one form.
 *
 *   etpan_bench NAME WORKLOAD HOST PORT USER PASSWORD FOLDER [ARG]
 *
 *   w1      mailimap_fetch() of 1:* (UID FLAGS INTERNALDATE RFC822.SIZE
 *           ENVELOPE BODYSTRUCTURE): one list of all messages, walked, freed
 *   w2, w3  mailimap_fetch() of BODY.PEEK[] (1:*, or 1)
 *   w4      15 mailimap_uid_search(); w4s: 5 mailimap_uid_sort()
 *   w5      mailimap_append() of each message of the blob ARG to FOLDER
 *   w6t     50 x (mailimap_ssl_connect(), LOGIN, SELECT, LOGOUT); libetpan
 *           (built with GnuTLS on Debian) sets TLS up anew for each
 *           connection and verifies no certificate
 *   idle-plain, idle-tls: ARG connections held open, RSS each adds
 */
#include <libetpan/libetpan.h>

#include "bench.h"

static const char *workload;
static const char *host, *user, *password, *folder, *arg;
static uint16_t port;

static void die(const char *what, int r)
{
    fprintf(stderr, "etpan_bench %s: %s: error %d\n", workload, what, r);
    exit(1);
}

static mailimap *session(int tls, const char *box, int readonly)
{
    mailimap *s = mailimap_new(0, NULL);
    if (!s)
        die("mailimap_new", -1);
    mailimap_set_timeout(s, 300);
    int r = tls ? mailimap_ssl_connect(s, host, port)
                : mailimap_socket_connect(s, host, port);
    if (r != MAILIMAP_NO_ERROR_NON_AUTHENTICATED && r != MAILIMAP_NO_ERROR)
        die("connect", r);
    if ((r = mailimap_login(s, user, password)) != MAILIMAP_NO_ERROR)
        die("login", r);
    if (box && (r = readonly ? mailimap_examine(s, box) : mailimap_select(s, box)) !=
                   MAILIMAP_NO_ERROR)
        die("select", r);
    return s;
}

static void finish(mailimap *s)
{
    mailimap_logout(s);
    mailimap_free(s);
}

/* ---- W1 ------------------------------------------------------------------------ */

static uint64_t list_len(clist *l)
{
    return l ? (uint64_t)clist_count(l) : 0;
}

static uint64_t count_parts(const struct mailimap_body *b)
{
    uint64_t n = 1;
    if (b->bd_type == MAILIMAP_BODY_MPART) {
        for (clistiter *it = clist_begin(b->bd_data.bd_body_mpart->bd_list); it;
             it = clist_next(it))
            n += count_parts(clist_content(it));
    } else {
        const struct mailimap_body_type_1part *p = b->bd_data.bd_body_1part;
        if (p->bd_type == MAILIMAP_BODY_TYPE_1PART_MSG && p->bd_data.bd_type_msg->bd_body)
            n += count_parts(p->bd_data.bd_type_msg->bd_body);
    }
    return n;
}

static void walk_message(bench_walk *w, const struct mailimap_msg_att *m)
{
    w->msgs++;
    for (clistiter *it = clist_begin(m->att_list); it; it = clist_next(it)) {
        const struct mailimap_msg_att_item *item = clist_content(it);
        if (item->att_type == MAILIMAP_MSG_ATT_ITEM_DYNAMIC) {
            w->flags += list_len(item->att_data.att_dyn->att_list);
            continue;
        }
        if (item->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC)
            continue;
        const struct mailimap_msg_att_static *s = item->att_data.att_static;
        switch (s->att_type) {
        case MAILIMAP_MSG_ATT_ENVELOPE: {
            const struct mailimap_envelope *e = s->att_data.att_env;
            if (!e)
                break;
            w->envs++;
            if (e->env_from)
                w->addrs += list_len(e->env_from->frm_list);
            if (e->env_to)
                w->addrs += list_len(e->env_to->to_list);
            if (e->env_cc)
                w->addrs += list_len(e->env_cc->cc_list);
            break;
        }
        case MAILIMAP_MSG_ATT_BODYSTRUCTURE:
            if (s->att_data.att_bodystructure)
                w->parts += count_parts(s->att_data.att_bodystructure);
            break;
        case MAILIMAP_MSG_ATT_RFC822_SIZE:
            w->bytes += s->att_data.att_rfc822_size;
            break;
        case MAILIMAP_MSG_ATT_UID:
            w->uids++;
            bench_fold(w, s->att_data.att_uid);
            break;
        case MAILIMAP_MSG_ATT_BODY_SECTION: {
            const struct mailimap_msg_att_body_section *b = s->att_data.att_body_section;
            w->bytes += b->sec_length;
            if (b->sec_length)
                bench_fold(w, (unsigned char)b->sec_body_part[b->sec_length / 2]);
            break;
        }
        default:
            break;
        }
    }
}

static void fetch_run(mailimap *s, struct mailimap_set *set,
                      struct mailimap_fetch_type *ft, bench_walk *w)
{
    clist *result = NULL;
    int r = mailimap_fetch(s, set, ft, &result);
    mailimap_set_free(set);
    mailimap_fetch_type_free(ft);
    if (r != MAILIMAP_NO_ERROR)
        die("fetch", r);
    for (clistiter *it = clist_begin(result); it; it = clist_next(it))
        walk_message(w, clist_content(it));
    mailimap_fetch_list_free(result);
}

/* ---- W4 -----------------------------------------------------------------------------
 */

static struct mailimap_search_key *flag_key(int type)
{
    struct mailimap_search_key *k = calloc(1, sizeof *k);
    if (!k)
        die("out of memory", -1);
    k->sk_type = type;
    return k;
}

static struct mailimap_search_key *and2(struct mailimap_search_key *a,
                                        struct mailimap_search_key *b)
{
    struct mailimap_search_key *k = mailimap_search_key_new_multiple_empty();
    mailimap_search_key_multiple_add(k, a);
    mailimap_search_key_multiple_add(k, b);
    return k;
}

/* The same 15 searches as imc_bench.c, in that order. */
static struct mailimap_search_key *search_key(int i)
{
    switch (i) {
    case 0:
        return mailimap_search_key_new_all();
    case 1:
        return flag_key(MAILIMAP_SEARCH_KEY_SEEN);
    case 2:
        return flag_key(MAILIMAP_SEARCH_KEY_UNSEEN);
    case 3:
        return flag_key(MAILIMAP_SEARCH_KEY_FLAGGED);
    case 4:
        return flag_key(MAILIMAP_SEARCH_KEY_UNFLAGGED);
    case 5:
        return flag_key(MAILIMAP_SEARCH_KEY_ANSWERED);
    case 6:
        return flag_key(MAILIMAP_SEARCH_KEY_UNANSWERED);
    case 7:
        return mailimap_search_key_new_larger(1000);
    case 8:
        return mailimap_search_key_new_smaller(1000);
    case 9:
        return mailimap_search_key_new_uid(mailimap_set_new_interval(1, 60000));
    case 10:
        return mailimap_search_key_new_uid(mailimap_set_new_interval(40000, 0));
    case 11:
        return mailimap_search_key_new_or(flag_key(MAILIMAP_SEARCH_KEY_FLAGGED),
                                          flag_key(MAILIMAP_SEARCH_KEY_ANSWERED));
    case 12:
        return mailimap_search_key_new_not(mailimap_search_key_new_larger(1500));
    case 13:
        return and2(flag_key(MAILIMAP_SEARCH_KEY_SEEN),
                    mailimap_search_key_new_larger(800));
    default:
        return and2(flag_key(MAILIMAP_SEARCH_KEY_UNSEEN),
                    mailimap_search_key_new_smaller(1200));
    }
}

static struct mailimap_sort_key *sort_key(int i)
{
    switch (i) {
    case 0:
        return mailimap_sort_key_new_arrival(0);
    case 1:
        return mailimap_sort_key_new_arrival(1);
    case 2:
        return mailimap_sort_key_new_size(0);
    case 3:
        return mailimap_sort_key_new_size(1);
    default:
        return mailimap_sort_key_new_date(0);
    }
}

static void walk_ids(bench_walk *w, clist *result)
{
    w->msgs++;
    for (clistiter *it = clist_begin(result); it; it = clist_next(it)) {
        w->uids++;
        bench_fold(w, *(uint32_t *)clist_content(it));
    }
}

static long idle_conns(int tls, int n)
{
    mailimap **ss = calloc((size_t)n, sizeof *ss);
    if (!ss || n < 2)
        die("idle: ARG must be 2 or more", -1);
    ss[0] = session(tls, "INBOX", 0);
    long before = bench_rss_kb();
    for (int i = 1; i < n; i++)
        ss[i] = session(tls, "INBOX", 0);
    long after = bench_rss_kb();
    for (int i = 0; i < n; i++)
        finish(ss[i]);
    free(ss);
    return (after - before) / (n - 1);
}

int main(int argc, char **argv)
{
    if (argc < 8 || argc > 9) {
        fprintf(stderr, "usage: %s NAME WORKLOAD HOST PORT USER PASSWORD FOLDER [ARG]\n",
                argv[0]);
        return 2;
    }
    const char *name = argv[1];
    workload = argv[2];
    host = argv[3];
    port = (uint16_t)atoi(argv[4]);
    user = argv[5];
    password = argv[6];
    folder = argv[7];
    arg = argc == 9 ? argv[8] : NULL;
    bench_walk w = {0};
    long extra = 0;
    double t0 = bench_now(), c0 = 0;

    if (!strcmp(workload, "w1")) {
        mailimap *s = session(0, folder, 1);
        c0 = bench_cpu();
        struct mailimap_fetch_type *ft = mailimap_fetch_type_new_fetch_att_list_empty();
        mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_uid());
        mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_flags());
        mailimap_fetch_type_new_fetch_att_list_add(ft,
                                                   mailimap_fetch_att_new_internaldate());
        mailimap_fetch_type_new_fetch_att_list_add(ft,
                                                   mailimap_fetch_att_new_rfc822_size());
        mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_envelope());
        mailimap_fetch_type_new_fetch_att_list_add(
            ft, mailimap_fetch_att_new_bodystructure());
        fetch_run(s, mailimap_set_new_interval(1, 0), ft, &w);
        finish(s);
    } else if (!strcmp(workload, "w2") || !strcmp(workload, "w3")) {
        mailimap *s = session(0, folder, 1);
        c0 = bench_cpu();
        struct mailimap_fetch_type *ft = mailimap_fetch_type_new_fetch_att_list_empty();
        mailimap_fetch_type_new_fetch_att_list_add(
            ft, mailimap_fetch_att_new_body_peek_section(mailimap_section_new(NULL)));
        fetch_run(s,
                  workload[1] == '2' ? mailimap_set_new_interval(1, 0)
                                     : mailimap_set_new_single(1),
                  ft, &w);
        finish(s);
    } else if (!strcmp(workload, "w4") || !strcmp(workload, "w4s")) {
        mailimap *s = session(0, folder, 1);
        c0 = bench_cpu();
        int sort = workload[2] == 's';
        for (int i = 0; i < (sort ? 5 : 15); i++) {
            clist *result = NULL;
            int r;
            if (sort) {
                struct mailimap_sort_key *k = sort_key(i);
                struct mailimap_search_key *range =
                    mailimap_search_key_new_uid(mailimap_set_new_interval(1, 100000));
                r = mailimap_uid_sort(s, "UTF-8", k, range, &result);
                mailimap_sort_key_free(k);
                mailimap_search_key_free(range);
            } else {
                struct mailimap_search_key *k = search_key(i);
                r = mailimap_uid_search(s, NULL, k, &result);
                mailimap_search_key_free(k);
            }
            if (r != MAILIMAP_NO_ERROR)
                die(sort ? "sort" : "search", r);
            walk_ids(&w, result);
            if (sort)
                mailimap_sort_result_free(result);
            else
                mailimap_search_result_free(result);
        }
        finish(s);
    } else if (!strcmp(workload, "w5")) {
        bench_blob b;
        if (!arg || bench_blob_load(arg, &b))
            die("w5: cannot read the blob", -1);
        mailimap *s = session(0, NULL, 0);
        c0 = bench_cpu();
        for (size_t i = 0; i < b.n; i++) {
            int r = mailimap_append(s, folder, NULL, NULL, b.msg[i], b.len[i]);
            if (r != MAILIMAP_NO_ERROR)
                die("append", r);
            w.msgs++;
            w.bytes += b.len[i];
        }
        finish(s);
    } else if (!strcmp(workload, "w6t")) {
        c0 = bench_cpu();
        for (int i = 0; i < W6T_CONNECTIONS; i++) {
            finish(session(1, "INBOX", 0));
            w.msgs++;
        }
    } else if (!strcmp(workload, "idle-plain") || !strcmp(workload, "idle-tls")) {
        int n = arg ? atoi(arg) : 0;
        c0 = bench_cpu();
        extra = idle_conns(workload[5] == 't', n);
        w.msgs = (uint64_t)n;
    } else {
        die("unknown workload", -1);
    }
    double work = bench_cpu() - c0;
    bench_print(name, workload, &w, work, bench_now() - t0, extra);
    return 0;
}
