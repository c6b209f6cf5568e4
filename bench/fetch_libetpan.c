/*
 * FETCH benchmark, libetpan side (see bench/README.md, "## fetch").
 *
 *   fetch_libetpan HOST PORT USER PASSWORD FOLDER
 *
 * The same work as fetch_imapclient: EXAMINE FOLDER, mailimap_fetch() of
 * 1:* with ENVELOPE BODYSTRUCTURE FLAGS INTERNALDATE RFC822.SIZE (libetpan
 * returns the whole result as one list), then walk it the same way and free
 * it. Prints the same key=value line.
 */
#include <libetpan/libetpan.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

typedef struct walk {
    uint64_t msgs, envs, addrs, parts, bytes, flags;
} walk;

static double cpu_now(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

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

static void walk_message(walk *w, const struct mailimap_msg_att *m)
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
        default:
            break;
        }
    }
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: %s HOST PORT USER PASSWORD FOLDER\n", argv[0]);
        return 2;
    }
    double t0 = now();
    mailimap *s = mailimap_new(0, NULL);
    if (!s)
        return 1;
    mailimap_set_timeout(s, 120);
    int r = mailimap_socket_connect(s, argv[1], (uint16_t)atoi(argv[2]));
    if (r != MAILIMAP_NO_ERROR_NON_AUTHENTICATED && r != MAILIMAP_NO_ERROR) {
        fprintf(stderr, "fetch_libetpan: connect: error %d\n", r);
        return 1;
    }
    r = mailimap_login(s, argv[3], argv[4]);
    if (r == MAILIMAP_NO_ERROR)
        r = mailimap_examine(s, argv[5]);
    if (r != MAILIMAP_NO_ERROR) {
        fprintf(stderr, "fetch_libetpan: login/examine: error %d\n", r);
        return 1;
    }

    struct mailimap_fetch_type *ft = mailimap_fetch_type_new_fetch_att_list_empty();
    mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_envelope());
    mailimap_fetch_type_new_fetch_att_list_add(ft,
                                               mailimap_fetch_att_new_bodystructure());
    mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_flags());
    mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_internaldate());
    mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_rfc822_size());
    struct mailimap_set *set = mailimap_set_new_interval(1, 0); /* 1:* */
    clist *result = NULL;
    double c0 = cpu_now();
    r = mailimap_fetch(s, set, ft, &result);
    mailimap_set_free(set);
    mailimap_fetch_type_free(ft);
    if (r != MAILIMAP_NO_ERROR) {
        fprintf(stderr, "fetch_libetpan: fetch: error %d\n", r);
        return 1;
    }
    walk w = {0};
    for (clistiter *it = clist_begin(result); it; it = clist_next(it))
        walk_message(&w, clist_content(it));
    mailimap_fetch_list_free(result);
    double fetch_cpu = cpu_now() - c0;
    mailimap_logout(s);
    mailimap_free(s);
    double wall = now() - t0;

    double cpu = cpu_now();
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("client=libetpan msgs=%llu envs=%llu addrs=%llu parts=%llu "
           "bytes=%llu flags=%llu cpu=%.3f fetch_cpu=%.3f wall=%.3f rss_kb=%ld\n",
           (unsigned long long)w.msgs, (unsigned long long)w.envs,
           (unsigned long long)w.addrs, (unsigned long long)w.parts,
           (unsigned long long)w.bytes, (unsigned long long)w.flags, cpu, fetch_cpu, wall,
           ru.ru_maxrss);
    return 0;
}
