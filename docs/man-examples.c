/*
 * The EXAMPLE section of every man page (scripts/gen-man.py). Each block
 * starts with an "@example NAME..." comment naming the pages it serves and
 * ends with an "@end" comment. A block that defines main() is shown as it
 * is; any other block is `static int example(imapclient *c)` (put inside a
 * program that connects and logs in from its arguments) or `static int
 * example(void)` (put inside a bare main()). CI compiles every page's
 * program (gen-man.py --extract DIR; tests/CMakeLists.txt).
 *
 * This file is not compiled as a whole.
 */

/* @example imapclient_connect imapclient_free imapclient_options_init imapclient_options
 *          imapclient_errmsg imapclient_errcode imapclient_logout imapclient_login */
int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s HOST USER PASSWORD\n", argv[0]);
        return 2;
    }
    imapclient_options opts;
    imapclient_options_init(&opts); /* TLS on port 993, certificate checked */
    opts.connect_timeout_ms = 15000;
    opts.timeout_ms = 60000;

    imapclient *c = NULL;
    int rc = imapclient_connect(argv[1], &opts, &c);
    if (rc == 0)
        rc = imapclient_login(c, argv[2], argv[3], NULL);
    if (rc != 0) {
        /* c may hold the error even when connecting failed */
        fprintf(stderr, "%s (%d): %s\n", imapclient_strerror(rc),
                c ? imapclient_errcode(c) : rc,
                c ? imapclient_errmsg(c) : "out of memory");
        imapclient_free(c);
        return 1;
    }
    printf("logged in\n");
    const char *bye = NULL;
    if (imapclient_logout(c, &bye) == 0)
        printf("%s\n", bye);
    imapclient_free(c);
    return 0;
}
/* @end */

/* @example imapclient_starttls imapclient_is_tls */
int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s HOST USER PASSWORD\n", argv[0]);
        return 2;
    }
    imapclient_options opts;
    imapclient_options_init(&opts);
    opts.ssl = 0; /* plain TCP on port 143, upgraded before the password goes */
    imapclient *c = NULL;
    if (imapclient_connect(argv[1], &opts, &c) != 0 || imapclient_starttls(c) != 0 ||
        imapclient_login(c, argv[2], argv[3], NULL) != 0) {
        fprintf(stderr, "%s\n", c ? imapclient_errmsg(c) : "out of memory");
        imapclient_free(c);
        return 1;
    }
    printf("TLS: %s\n", imapclient_is_tls(c) ? "on" : "off");
    imapclient_logout(c, NULL);
    imapclient_free(c);
    return 0;
}
/* @end */

/* @example imapclient_welcome imapclient_get_state imapclient_state */
static int example(imapclient *c)
{
    printf("greeting: %s\n", imapclient_welcome(c));
    if (imapclient_get_state(c) == IMAPCLIENT_STATE_AUTHENTICATED)
        printf("logged in, no folder selected\n");
    return 0;
}
/* @end */

/* @example imapclient_socket */
static int example(imapclient *c)
{
    /* for poll() only: never read or write it */
    int rc = imapclient_select_folder(c, "INBOX", 1, NULL);
    if (rc == 0)
        rc = imapclient_idle(c);
    if (rc)
        return rc;
    struct pollfd p = {.fd = imapclient_socket(c), .events = POLLIN};
    imapclient_responses *r = NULL;
    /* what may already be buffered, then wait up to 30 s for more */
    if ((rc = imapclient_idle_check(c, 0, &r)) == 0 && r->count == 0 &&
        poll(&p, 1, 30000) > 0) {
        imapclient_responses_free(r);
        rc = imapclient_idle_check(c, 0, &r);
    }
    if (rc == 0)
        printf("%zu responses\n", r->count);
    imapclient_responses_free(r);
    return imapclient_idle_done(c, NULL, NULL);
}
/* @end */

/* @example imapclient_set_use_uid imapclient_get_use_uid */
static int example(imapclient *c)
{
    imapclient_ids *ids = NULL;
    int rc = imapclient_select_folder(c, "INBOX", 1, NULL);
    imapclient_set_use_uid(c, 0); /* sequence numbers from now on */
    if (rc == 0)
        rc = imapclient_search(c, (const char *[]){"ALL", NULL}, NULL, &ids);
    if (rc == 0)
        printf("%zu messages (%s)\n", ids->count,
               imapclient_get_use_uid(c) ? "UIDs" : "sequence numbers");
    imapclient_ids_free(ids);
    return rc;
}
/* @end */

/* @example imapclient_set_folder_encode imapclient_get_folder_encode */
static int example(imapclient *c)
{
    /* off: names go and come as the server spells them (modified UTF-7) */
    imapclient_set_folder_encode(c, 0);
    int exists = imapclient_folder_exists(c, "Donn&AOk-es");
    imapclient_set_folder_encode(c, 1);
    printf("folder_encode is %s; Donn&AOk-es %s\n",
           imapclient_get_folder_encode(c) ? "on" : "off",
           exists == 1 ? "exists" : "not found");
    return exists < 0 ? exists : 0;
}
/* @end */

/* @example imapclient_set_normalise_times imapclient_get_normalise_times */
static int example(imapclient *c)
{
    imapclient_set_normalise_times(c, 0); /* keep the server's offsets */
    imapclient_fetch_result *res = NULL;
    int rc = imapclient_select_folder(c, "INBOX", 1, NULL);
    if (rc == 0)
        rc = imapclient_fetch(c, "1:*", (const char *[]){"INTERNALDATE", NULL}, NULL,
                              &res);
    for (size_t i = 0; rc == 0 && i < res->count; i++)
        printf("%u: offset %+d minutes\n", res->msgs[i].id,
               res->msgs[i].internaldate.offset_minutes);
    printf("normalise_times: %d\n", imapclient_get_normalise_times(c));
    imapclient_fetch_result_free(res);
    return rc;
}
/* @end */

/* @example imapclient_set_deadline imapclient_get_deadline */
static int example(imapclient *c)
{
    /* this search gets 10 seconds in all, however slowly the server answers */
    int before = imapclient_get_deadline(c);
    imapclient_set_deadline(c, 10000);
    imapclient_ids *ids = NULL;
    int rc = imapclient_search(c, (const char *[]){"UNSEEN", NULL}, NULL, &ids);
    imapclient_set_deadline(c, before);
    if (rc == IMAPCLIENT_ETIMEOUT)
        fprintf(stderr, "%s\n", imapclient_errmsg(c)); /* the handle is closed now */
    if (rc == 0)
        printf("%zu unseen\n", ids->count);
    imapclient_ids_free(ids);
    return rc;
}
/* @end */

/* @example imapclient_compress imapclient_is_compressed */
static int example(imapclient *c)
{
    int rc = imapclient_compress(c);
    if (rc == IMAPCLIENT_ECAPABILITY)
        return 0; /* the server does not offer COMPRESS=DEFLATE */
    if (rc == 0)
        printf("compressed: %d\n", imapclient_is_compressed(c));
    return rc;
}
/* @end */

/* @example imapclient_shutdown */
static int example(imapclient *c)
{
    /* close at once, without LOGOUT; the handle still needs imapclient_free() */
    int rc = imapclient_shutdown(c);
    printf("state after shutdown: %d\n", (int)imapclient_get_state(c));
    return rc;
}
/* @end */

/* @example imapclient_capabilities imapclient_has_capability */
static int example(imapclient *c)
{
    const char *const *caps;
    size_t n;
    int rc = imapclient_capabilities(c, &caps, &n);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++)
        printf("%s\n", caps[i]);
    if (imapclient_has_capability(c, "IDLE") == 1)
        printf("the server can push changes (IDLE)\n");
    return 0;
}
/* @end */

/* @example imapclient_noop imapclient_responses_free imapclient_responses
 * imapclient_response */
static int example(imapclient *c)
{
    imapclient_responses *r = NULL;
    int rc = imapclient_select_folder(c, "INBOX", 0, NULL);
    if (rc == 0)
        rc = imapclient_noop(c, &r);
    for (size_t i = 0; rc == 0 && i < r->count; i++) {
        const imapclient_response *x = &r->items[i];
        if (x->has_number)
            printf("(%u, %s)\n", x->number, x->name); /* (3, EXISTS) */
        else
            printf("(%s, %s)\n", x->name, x->text);
    }
    imapclient_responses_free(r);
    return rc;
}
/* @end */

/* @example imapclient_take_responses */
static int example(imapclient *c)
{
    imapclient_responses *r = NULL;
    /* responses that came along with earlier commands, without a command */
    int rc = imapclient_take_responses(c, &r);
    if (rc == 0)
        printf("%zu responses kept\n", r->count);
    imapclient_responses_free(r);
    return rc;
}
/* @end */

/* @example imapclient_version */
static int example(void)
{
    printf("header %s, library %s\n", IMAPCLIENT_VERSION, imapclient_version());
    return 0;
}
/* @end */

/* @example imapclient_strerror imapclient_status_name imapclient_status */
static int example(void)
{
    for (int code = IMAPCLIENT_ERROR; code >= IMAPCLIENT_EINTERRUPTED; code--)
        printf("%d %s: %s\n", code, imapclient_status_name(code),
               imapclient_strerror(code));
    return 0;
}
/* @end */

/* ---- auth.h ---------------------------------------------------------------- */

/* @example imapclient_plain_login */
int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s HOST USER PASSWORD\n", argv[0]);
        return 2;
    }
    imapclient *c = NULL;
    const char *text = NULL;
    if (imapclient_connect(argv[1], NULL, &c) != 0 ||
        imapclient_plain_login(c, argv[2], argv[3], NULL, &text) != 0) {
        fprintf(stderr, "%s\n", c ? imapclient_errmsg(c) : "out of memory");
        imapclient_free(c);
        return 1;
    }
    printf("%s\n", text);
    imapclient_logout(c, NULL);
    imapclient_free(c);
    return 0;
}
/* @end */

/* @example imapclient_scram_login imapclient_cram_md5_login */
int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s HOST USER PASSWORD\n", argv[0]);
        return 2;
    }
    imapclient *c = NULL;
    if (imapclient_connect(argv[1], NULL, &c) != 0) {
        fprintf(stderr, "%s\n", c ? imapclient_errmsg(c) : "out of memory");
        imapclient_free(c);
        return 1;
    }
    /* the strongest mechanism the server offers */
    int rc;
    if (imapclient_has_capability(c, "AUTH=SCRAM-SHA-256") == 1)
        rc = imapclient_scram_login(c, "SCRAM-SHA-256", argv[2], argv[3], NULL);
    else if (imapclient_has_capability(c, "AUTH=CRAM-MD5") == 1)
        rc = imapclient_cram_md5_login(c, argv[2], argv[3], NULL);
    else
        rc = imapclient_login(c, argv[2], argv[3], NULL);
    if (rc != 0)
        fprintf(stderr, "%s\n", imapclient_errmsg(c));
    else
        imapclient_logout(c, NULL);
    imapclient_free(c);
    return rc != 0;
}
/* @end */

/* @example imapclient_oauth2_login imapclient_oauthbearer_login */
int main(int argc, char **argv)
{
    /* the token from the environment: never on the command line */
    const char *token = getenv("IMAP_ACCESS_TOKEN");
    if (argc != 3 || !token) {
        fprintf(stderr, "usage: IMAP_ACCESS_TOKEN=... %s HOST USER\n", argv[0]);
        return 2;
    }
    imapclient *c = NULL;
    if (imapclient_connect(argv[1], NULL, &c) != 0) {
        fprintf(stderr, "%s\n", c ? imapclient_errmsg(c) : "out of memory");
        imapclient_free(c);
        return 1;
    }
    int rc = imapclient_has_capability(c, "AUTH=OAUTHBEARER") == 1
                 ? imapclient_oauthbearer_login(c, argv[2], token, NULL)
                 : imapclient_oauth2_login(c, argv[2], token, NULL, NULL, NULL);
    if (rc != 0)
        fprintf(stderr, "%s\n", imapclient_errmsg(c));
    else
        imapclient_logout(c, NULL);
    imapclient_free(c);
    return rc != 0;
}
/* @end */

/* @example imapclient_sasl_login imapclient_sasl_reply_set */
/* SASL PLAIN by hand: authzid NUL authcid NUL password (RFC 4616) */
static int plain_step(void *payload, const unsigned char *challenge, size_t challenge_len,
                      imapclient_sasl_reply *reply)
{
    const char *const *cred = payload;
    char buf[512];
    (void)challenge;
    (void)challenge_len;
    int n = snprintf(buf, sizeof buf, "%c%s%c%s", 0, cred[0], 0, cred[1]);
    if (n < 0 || (size_t)n >= sizeof buf)
        return -1; /* cancels the exchange */
    return imapclient_sasl_reply_set(reply, buf, (size_t)n);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s HOST USER PASSWORD\n", argv[0]);
        return 2;
    }
    imapclient *c = NULL;
    const char *cred[] = {argv[2], argv[3]};
    if (imapclient_connect(argv[1], NULL, &c) != 0 ||
        imapclient_sasl_login(c, "PLAIN", plain_step, cred, NULL) != 0) {
        fprintf(stderr, "%s\n", c ? imapclient_errmsg(c) : "out of memory");
        imapclient_free(c);
        return 1;
    }
    imapclient_logout(c, NULL);
    imapclient_free(c);
    return 0;
}
/* @end */

/* ---- extensions.h ---------------------------------------------------------- */

/* @example imapclient_id imapclient_id_result_get imapclient_id_result_free */
static int example(imapclient *c)
{
    imapclient_id_result *r = NULL;
    int rc = imapclient_id(
        c, (const char *[]){"name", "my-client", "version", "1.0", NULL}, &r);
    if (rc == 0 && r) { /* r is NULL when the server answers NIL */
        const char *name = imapclient_id_result_get(r, "name");
        printf("server: %s\n", name ? name : "(no name)");
    }
    imapclient_id_result_free(r);
    return rc;
}
/* @end */

/* @example imapclient_enable imapclient_enabled_free */
static int example(imapclient *c)
{
    imapclient_enabled *r = NULL;
    int rc = imapclient_enable(c, (const char *[]){"CONDSTORE", NULL}, &r);
    for (size_t i = 0; rc == 0 && i < r->count; i++)
        printf("enabled %s\n", r->items[i]);
    imapclient_enabled_free(r);
    return rc;
}
/* @end */

/* @example imapclient_get_quota imapclient_quotas_free */
static int example(imapclient *c)
{
    imapclient_quotas *q = NULL;
    int rc = imapclient_get_quota(c, "INBOX", &q);
    for (size_t i = 0; rc == 0 && i < q->count; i++)
        printf("%s %s: %llu of %llu\n", q->items[i].quota_root, q->items[i].resource,
               (unsigned long long)q->items[i].usage,
               (unsigned long long)q->items[i].limit);
    imapclient_quotas_free(q);
    return rc;
}
/* @end */

/* @example imapclient_get_quota_root imapclient_quota_roots_free
 * imapclient_get_quota_for_root */
static int example(imapclient *c)
{
    imapclient_quota_roots *roots = NULL;
    imapclient_quotas *q = NULL;
    int rc = imapclient_get_quota_root(c, "INBOX", &roots, NULL);
    for (size_t i = 0; rc == 0 && i < roots->count; i++) {
        if ((rc = imapclient_get_quota_for_root(c, roots->roots[i], &q)) != 0)
            break;
        printf("%s: %zu resources\n", roots->roots[i], q->count);
        imapclient_quotas_free(q);
        q = NULL;
    }
    imapclient_quota_roots_free(roots);
    return rc;
}
/* @end */

/* @example imapclient_set_quota */
static int example(imapclient *c)
{
    /* usually only an administrator may */
    imapclient_quota limit = {
        .quota_root = "User quota", .resource = "STORAGE", .limit = 512000};
    imapclient_quotas *q = NULL;
    int rc = imapclient_set_quota(c, &limit, 1, &q);
    if (rc == 0)
        printf("%zu limits now\n", q->count);
    imapclient_quotas_free(q);
    return rc;
}
/* @end */

/* @example imapclient_getacl imapclient_acl_free */
static int example(imapclient *c)
{
    imapclient_acl *acl = NULL;
    int rc = imapclient_getacl(c, "INBOX", &acl);
    for (size_t i = 0; rc == 0 && i < acl->count; i++)
        printf("%s: %s\n", acl->items[i].who, acl->items[i].rights);
    imapclient_acl_free(acl);
    return rc;
}
/* @end */

/* @example imapclient_setacl imapclient_deleteacl */
static int example(imapclient *c)
{
    /* let "otheruser" look up and read the folder, then take it back */
    int rc = imapclient_setacl(c, "Shared", "otheruser", "lr", NULL);
    if (rc == 0)
        rc = imapclient_deleteacl(c, "Shared", "otheruser", NULL);
    return rc;
}
/* @end */

/* ---- fetch.h ----------------------------------------------------------------- */

/* @example imapclient_fetch imapclient_fetch_result_free imapclient_fetch_result
 *          imapclient_message imapclient_envelope imapclient_address */
static int example(imapclient *c)
{
    imapclient_fetch_result *res = NULL;
    int rc = imapclient_select_folder(c, "INBOX", 1, NULL);
    if (rc == 0)
        rc = imapclient_fetch(c, "1:*", (const char *[]){"ENVELOPE", "FLAGS", NULL}, NULL,
                              &res);
    for (size_t i = 0; rc == 0 && i < res->count; i++) {
        const imapclient_message *m = &res->msgs[i];
        const imapclient_envelope *e = m->envelope;
        char from[256] = "";
        if (e && e->from_count)
            imapclient_address_format(&e->from[0], from, sizeof from);
        printf("%u %s \"%s\" (%zu flags)\n", m->id, from,
               e && e->subject ? e->subject : "", m->flag_count);
    }
    imapclient_fetch_result_free(res);
    return rc;
}
/* @end */

/* @example imapclient_fetch_result_get imapclient_message_item */
static int example(imapclient *c)
{
    imapclient_fetch_result *res = NULL;
    int rc = imapclient_select_folder(c, "INBOX", 1, NULL);
    if (rc == 0)
        rc = imapclient_fetch(
            c, "1", (const char *[]){"BODY.PEEK[HEADER.FIELDS (SUBJECT)]", NULL}, NULL,
            &res);
    const imapclient_message *m = rc == 0 ? imapclient_fetch_result_get(res, 1) : NULL;
    /* the item is named as the server names it: without .PEEK */
    const imapclient_value *v =
        m ? imapclient_message_item(m, "BODY[HEADER.FIELDS (SUBJECT)]") : NULL;
    if (v && IMAPCLIENT_VALUE_IS_TEXT(v))
        printf("%.*s", (int)v->len, v->str);
    imapclient_fetch_result_free(res);
    return rc;
}
/* @end */

/* @example imapclient_fetch_each */
static int on_message(void *payload, const imapclient_message *m)
{
    size_t *total = payload;
    if (m->has_size)
        *total += m->size;
    return 0; /* go on; non-zero stops */
}

static int example(imapclient *c)
{
    size_t total = 0;
    int rc = imapclient_select_folder(c, "INBOX", 1, NULL);
    /* one message in memory at a time, however big the folder */
    if (rc == 0)
        rc = imapclient_fetch_each(c, "1:*", (const char *[]){"RFC822.SIZE", NULL}, NULL,
                                   on_message, NULL, 0, &total);
    if (rc == 0)
        printf("%zu bytes in INBOX\n", total);
    return rc;
}
/* @end */

/* ---- folders.h --------------------------------------------------------------- */

/* @example imapclient_list_folders imapclient_folder_list_free imapclient_folder_has_flag
 *          imapclient_folder imapclient_folder_list */
static int example(imapclient *c)
{
    imapclient_folder_list *list = NULL;
    int rc = imapclient_list_folders(c, "", "*", &list);
    for (size_t i = 0; rc == 0 && i < list->count; i++) {
        const imapclient_folder *f = &list->folders[i];
        printf("%s%s\n", f->name,
               imapclient_folder_has_flag(f, IMAPCLIENT_SENT) ? " (sent)" : "");
    }
    imapclient_folder_list_free(list);
    return rc;
}
/* @end */

/* @example imapclient_list_sub_folders */
static int example(imapclient *c)
{
    imapclient_folder_list *list = NULL;
    int rc = imapclient_list_sub_folders(c, "", "%", &list); /* subscribed, top level */
    for (size_t i = 0; rc == 0 && i < list->count; i++)
        printf("%s\n", list->folders[i].name);
    imapclient_folder_list_free(list);
    return rc;
}
/* @end */

/* @example imapclient_xlist_folders */
static int example(imapclient *c)
{
    imapclient_folder_list *list = NULL;
    int rc = imapclient_xlist_folders(c, "", "*", &list); /* Gmail's; LIST elsewhere */
    if (rc == IMAPCLIENT_ECAPABILITY)
        rc = imapclient_list_folders(c, "", "*", &list);
    for (size_t i = 0; rc == 0 && i < list->count; i++)
        printf("%s\n", list->folders[i].name);
    imapclient_folder_list_free(list);
    return rc;
}
/* @end */

/* @example imapclient_find_special_folder */
static int example(imapclient *c)
{
    char *sent = NULL;
    int rc = imapclient_find_special_folder(c, IMAPCLIENT_SENT, &sent);
    if (rc == 0)
        printf("sent mail goes to %s\n", sent ? sent : "(none found)");
    free(sent);
    return rc;
}
/* @end */

/* @example imapclient_folder_exists imapclient_create_folder imapclient_delete_folder */
static int example(imapclient *c)
{
    int rc = imapclient_folder_exists(c, "Projects/2025");
    if (rc == 0)
        rc = imapclient_create_folder(c, "Projects/2025", NULL);
    if (rc >= 0)
        rc = imapclient_delete_folder(c, "Projects/2025", NULL);
    return rc;
}
/* @end */

/* @example imapclient_folder_status imapclient_status_info_get
 * imapclient_status_info_free imapclient_status_info */
static int example(imapclient *c)
{
    imapclient_status_info *st = NULL;
    uint64_t unseen = 0;
    int rc = imapclient_folder_status(c, "INBOX",
                                      (const char *[]){"MESSAGES", "UNSEEN", NULL}, &st);
    if (rc == 0 && imapclient_status_info_get(st, "UNSEEN", &unseen) == 0)
        printf("%llu messages, %llu unseen\n", (unsigned long long)st->messages,
               (unsigned long long)unseen);
    imapclient_status_info_free(st);
    return rc;
}
/* @end */

/* @example imapclient_rename_folder */
static int example(imapclient *c)
{
    int rc = imapclient_create_folder(c, "Old name", NULL);
    if (rc == 0)
        rc = imapclient_rename_folder(c, "Old name", "New name", NULL);
    if (rc == 0)
        rc = imapclient_delete_folder(c, "New name", NULL);
    return rc;
}
/* @end */

/* @example imapclient_subscribe_folder imapclient_unsubscribe_folder */
static int example(imapclient *c)
{
    const char *text = NULL;
    int rc = imapclient_subscribe_folder(c, "Archive", &text);
    if (rc == 0)
        printf("%s\n", text);
    if (rc == 0)
        rc = imapclient_unsubscribe_folder(c, "Archive", NULL);
    return rc;
}
/* @end */

/* @example imapclient_select_folder imapclient_select_info_free
 * imapclient_select_info_get imapclient_select_info */
static int example(imapclient *c)
{
    imapclient_select_info *info = NULL;
    int rc = imapclient_select_folder(c, "INBOX", 1, &info); /* 1: read-only (EXAMINE) */
    if (rc == 0) {
        printf("%u messages, UIDVALIDITY %u\n", info->exists, info->uidvalidity);
        const imapclient_value *id = imapclient_select_info_get(info, "MAILBOXID");
        if (id)
            printf("has a MAILBOXID\n");
    }
    imapclient_select_info_free(info);
    return rc;
}
/* @end */

/* @example imapclient_unselect_folder imapclient_close_folder */
static int example(imapclient *c)
{
    int rc = imapclient_select_folder(c, "INBOX", 0, NULL);
    /* UNSELECT leaves \Deleted messages; CLOSE expunges them */
    if (rc == 0)
        rc = imapclient_unselect_folder(c, NULL);
    if (rc == IMAPCLIENT_ECAPABILITY)
        rc = imapclient_close_folder(c, NULL);
    return rc;
}
/* @end */

/* @example imapclient_namespace imapclient_namespace_info_free */
static int example(imapclient *c)
{
    imapclient_namespace_info *ns = NULL;
    int rc = imapclient_namespace(c, &ns);
    for (size_t i = 0; rc == 0 && i < ns->personal_count; i++)
        printf("personal: \"%s\" separator %s\n", ns->personal[i].prefix,
               ns->personal[i].separator ? ns->personal[i].separator : "NIL");
    imapclient_namespace_info_free(ns);
    return rc;
}
/* @end */

/* ---- idle.h ------------------------------------------------------------------ */

/* @example imapclient_idle imapclient_idle_check imapclient_idle_done
 * imapclient_idle_renew */
static int example(imapclient *c)
{
    int rc = imapclient_select_folder(c, "INBOX", 1, NULL);
    if (rc == 0)
        rc = imapclient_idle(c);
    for (int round = 0; rc == 0 && round < 10; round++) {
        imapclient_responses *r = NULL;
        if ((rc = imapclient_idle_check(c, 30000, &r)) != 0) /* up to 30 s */
            break;
        for (size_t i = 0; i < r->count; i++)
            if (r->items[i].has_number)
                printf("(%u, %s)\n", r->items[i].number, r->items[i].name);
        imapclient_responses_free(r);
        if ((rc = imapclient_idle_renew(c, IMAPCLIENT_IDLE_RENEW_MS)) > 0)
            rc = 0; /* renewed */
    }
    const char *text = NULL;
    int done = imapclient_idle_done(c, &text, NULL);
    return rc ? rc : done;
}
/* @end */

/* ---- mail.h: dates, addresses, names, sets ----------------------------------- */

/* @example imapclient_datetime_parse_internaldate imapclient_datetime_format_internaldate
 *          imapclient_datetime */
static int example(void)
{
    imapclient_datetime dt;
    char out[32];
    const char *s = "17-Jul-1996 02:44:25 -0700";
    int rc = imapclient_datetime_parse_internaldate(s, strlen(s), &dt);
    if (rc == 0)
        rc = imapclient_datetime_format_internaldate(&dt, out);
    if (rc == 0)
        printf("%04d-%02d-%02d, offset %d min: %s\n", dt.year, dt.month, dt.day,
               dt.offset_minutes, out);
    return rc;
}
/* @end */

/* @example imapclient_datetime_parse_rfc2822 imapclient_datetime_to_epoch */
static int example(void)
{
    imapclient_datetime dt;
    int64_t t;
    const char *s = "Tue, 14 Nov 2023 22:13:20 +0100";
    int rc = imapclient_datetime_parse_rfc2822(s, strlen(s), &dt);
    if (rc == 0)
        rc = imapclient_datetime_to_epoch(&dt, &t);
    if (rc == 0)
        printf("%lld seconds since 1970\n", (long long)t);
    return rc;
}
/* @end */

/* @example imapclient_datetime_normalise */
static int example(void)
{
    imapclient_datetime dt;
    const char *s = "14-Nov-2023 22:13:20 +0100";
    int rc = imapclient_datetime_parse_internaldate(s, strlen(s), &dt);
    if (rc == 0)
        rc = imapclient_datetime_normalise(&dt); /* local time, offset dropped */
    if (rc == 0)
        printf("%02d:%02d local time\n", dt.hour, dt.minute);
    return rc;
}
/* @end */

/* @example imapclient_datetime_format_date imapclient_datetime_from_epoch */
static int example(void)
{
    imapclient_datetime dt;
    char day[16];
    /* a week ago, as SEARCH SINCE wants it */
    int rc = imapclient_datetime_from_epoch((int64_t)time(NULL) - 7 * 86400, 0, &dt);
    if (rc == 0)
        rc = imapclient_datetime_format_date(&dt, day);
    if (rc == 0)
        printf("SINCE %s\n", day);
    return rc;
}
/* @end */

/* @example imapclient_address_format imapclient_address_format_decoded */
static int example(void)
{
    imapclient_address a = {
        .name = "=?UTF-8?Q?J=C3=BCrgen?=", .mailbox = "juergen", .host = "example.de"};
    char raw[256], shown[256];
    int rc = imapclient_address_format(&a, raw, sizeof raw);
    if (rc >= 0)
        rc = imapclient_address_format_decoded(&a, shown, sizeof shown);
    if (rc >= 0)
        printf("%s\n%s\n", raw,
               shown); /* the second reads "Jürgen <juergen@example.de>" */
    return rc < 0 ? rc : 0;
}
/* @end */

/* @example imapclient_utf7_encode imapclient_utf7_decode */
static int example(void)
{
    char *wire = NULL, *back = NULL;
    int rc = imapclient_utf7_encode("Données", &wire);
    if (rc == 0)
        rc = imapclient_utf7_decode(wire, &back);
    if (rc == 0)
        printf("%s -> %s -> %s\n", "Données", wire, back); /* Donn&AOk-es */
    free(wire);
    free(back);
    return rc;
}
/* @end */

/* @example imapclient_seqset_from_ids imapclient_seqset_valid imapclient_seqset_parse */
static int example(void)
{
    const uint32_t ids[] = {1, 2, 3, 7, 9, 10};
    char *set = NULL;
    imapclient_range *ranges = NULL;
    size_t n = 0;
    int rc = imapclient_seqset_from_ids(ids, 6, &set); /* "1:3,7,9:10" */
    if (rc == 0 && imapclient_seqset_valid(set))
        rc = imapclient_seqset_parse(set, &ranges, &n);
    if (rc == 0)
        printf("%s: %zu ranges, the first %u:%u\n", set, n, ranges[0].lo, ranges[0].hi);
    free(set);
    free(ranges);
    return rc;
}
/* @end */

/* @example imapclient_decode_header */
static int example(void)
{
    const char *subject = "=?UTF-8?B?R3LDvMOfZSBhdXMgTcO8bmNoZW4=?=";
    char *text = NULL;
    int rc = imapclient_decode_header(subject, strlen(subject), &text);
    if (rc == 0)
        printf("%s\n", text); /* Grüße aus München */
    free(text);
    return rc;
}
/* @end */

/* ---- messages.h -------------------------------------------------------------- */

/* @example imapclient_search imapclient_ids_free imapclient_ids */
static int example(imapclient *c)
{
    imapclient_ids *ids = NULL;
    int rc = imapclient_select_folder(c, "INBOX", 1, NULL);
    if (rc == 0)
        rc = imapclient_search(c, (const char *[]){"FROM", "alice", "NOT", "SEEN", NULL},
                               NULL, &ids);
    for (size_t i = 0; rc == 0 && i < ids->count; i++)
        printf("%u\n", ids->ids[i]);
    imapclient_ids_free(ids);
    return rc;
}
/* @end */

/* @example imapclient_search_raw */
static int example(imapclient *c)
{
    imapclient_ids *ids = NULL;
    int rc = imapclient_select_folder(c, "INBOX", 1, NULL);
    if (rc == 0) /* sent as written: quote it yourself */
        rc = imapclient_search_raw(c, "OR FLAGGED (SUBJECT \"invoice\")", NULL, &ids);
    if (rc == 0)
        printf("%zu matches\n", ids->count);
    imapclient_ids_free(ids);
    return rc;
}
/* @end */

/* @example imapclient_gmail_search */
static int example(imapclient *c)
{
    imapclient_ids *ids = NULL;
    int rc = imapclient_select_folder(c, "[Gmail]/All Mail", 1, NULL);
    if (rc == 0)
        rc = imapclient_gmail_search(c, "has:attachment in:unread", NULL, &ids);
    if (rc == 0)
        printf("%zu matches\n", ids->count);
    imapclient_ids_free(ids);
    return rc;
}
/* @end */

/* @example imapclient_esearch imapclient_esearch_result_free */
static int example(imapclient *c)
{
    imapclient_esearch_result *r = NULL;
    int rc = imapclient_select_folder(c, "INBOX", 1, NULL);
    if (rc == 0)
        rc = imapclient_esearch(c, (const char *[]){"UNSEEN", NULL}, NULL,
                                (const char *[]){"MIN", "COUNT", NULL}, &r);
    if (rc == 0 && r->has_count)
        printf("%u unseen, the first %u\n", r->count, r->has_min ? r->min : 0);
    imapclient_esearch_result_free(r);
    return rc;
}
/* @end */

/* @example imapclient_sort */
static int example(imapclient *c)
{
    imapclient_ids *ids = NULL;
    int rc = imapclient_select_folder(c, "INBOX", 1, NULL);
    if (rc == 0) /* newest first */
        rc = imapclient_sort(c, (const char *[]){"REVERSE ARRIVAL", NULL},
                             (const char *[]){"ALL", NULL}, NULL, &ids);
    if (rc == 0 && ids->count)
        printf("newest: %u\n", ids->ids[0]);
    imapclient_ids_free(ids);
    return rc;
}
/* @end */

/* @example imapclient_thread imapclient_threads_free */
static int example(imapclient *c)
{
    imapclient_threads *t = NULL;
    int rc = imapclient_select_folder(c, "INBOX", 1, NULL);
    if (rc == 0)
        rc = imapclient_thread(c, "REFERENCES", (const char *[]){"ALL", NULL}, NULL, &t);
    if (rc == 0)
        printf("%zu threads\n", t->count);
    imapclient_threads_free(t);
    return rc;
}
/* @end */

/* @example imapclient_get_flags imapclient_flags_result_get imapclient_flags_result_free
 */
static int example(imapclient *c)
{
    imapclient_flags_result *r = NULL;
    int rc = imapclient_select_folder(c, "INBOX", 1, NULL);
    if (rc == 0)
        rc = imapclient_get_flags(c, "1:*", &r);
    const imapclient_msg_flags *first =
        rc == 0 ? imapclient_flags_result_get(r, 1) : NULL;
    for (size_t i = 0; first && i < first->count; i++)
        printf("%s\n", first->flags[i]);
    imapclient_flags_result_free(r);
    return rc;
}
/* @end */

/* @example imapclient_set_flags imapclient_add_flags imapclient_remove_flags */
static int example(imapclient *c)
{
    imapclient_flags_result *r = NULL;
    int rc = imapclient_select_folder(c, "INBOX", 0, NULL);
    if (rc == 0)
        rc = imapclient_add_flags(c, "1", (const char *[]){IMAPCLIENT_FLAGGED, NULL}, 0,
                                  &r);
    if (rc == 0)
        printf("message 1 has %zu flags\n", r->count ? r->msgs[0].count : 0);
    imapclient_flags_result_free(r);
    if (rc == 0) /* silent: no result */
        rc = imapclient_remove_flags(c, "1", (const char *[]){IMAPCLIENT_FLAGGED, NULL},
                                     1, NULL);
    if (rc == 0) /* replace them all */
        rc = imapclient_set_flags(
            c, "2", (const char *[]){IMAPCLIENT_SEEN, "$Work", NULL}, 1, NULL);
    return rc;
}
/* @end */

/* @example imapclient_get_gmail_labels imapclient_set_gmail_labels
 *          imapclient_add_gmail_labels imapclient_remove_gmail_labels */
static int example(imapclient *c)
{
    imapclient_flags_result *r = NULL;
    int rc = imapclient_select_folder(c, "[Gmail]/All Mail", 0, NULL);
    if (rc == 0)
        rc = imapclient_add_gmail_labels(c, "1", (const char *[]){"Receipts", NULL}, 1,
                                         NULL);
    if (rc == 0)
        rc = imapclient_remove_gmail_labels(c, "1", (const char *[]){"Later", NULL}, 1,
                                            NULL);
    if (rc == 0)
        rc = imapclient_set_gmail_labels(c, "2", (const char *[]){"\\Important", NULL}, 1,
                                         NULL);
    if (rc == 0)
        rc = imapclient_get_gmail_labels(c, "1:2", &r);
    if (rc == 0)
        printf("%zu messages\n", r->count);
    imapclient_flags_result_free(r);
    return rc;
}
/* @end */

/* @example imapclient_delete_messages imapclient_expunge */
static int example(imapclient *c)
{
    imapclient_responses *r = NULL;
    int rc = imapclient_select_folder(c, "Trash", 0, NULL);
    if (rc == 0)
        rc = imapclient_delete_messages(c, "1:*", 1, NULL);
    if (rc == 0)
        rc = imapclient_expunge(c, NULL, &r); /* every \Deleted message */
    if (rc == 0)
        printf("%zu expunged\n", r->count);
    imapclient_responses_free(r);
    return rc;
}
/* @end */

/* @example imapclient_uid_expunge */
static int example(imapclient *c)
{
    int rc = imapclient_select_folder(c, "Trash", 0, NULL);
    /* only these UIDs, whatever else is \Deleted (UIDPLUS) */
    if (rc == 0)
        rc = imapclient_delete_messages(c, "7,9", 1, NULL);
    if (rc == 0)
        rc = imapclient_uid_expunge(c, "7,9", NULL);
    return rc;
}
/* @end */

/* @example imapclient_copy imapclient_move imapclient_copy_result_free */
static int example(imapclient *c)
{
    imapclient_copy_result *r = NULL;
    int rc = imapclient_select_folder(c, "INBOX", 0, NULL);
    if (rc == 0)
        rc = imapclient_copy(c, "1", "Archive", &r);
    for (size_t i = 0; rc == 0 && r->dest_uids && i < r->count; i++)
        printf("UID %u is %u in Archive\n", r->source_uids[i], r->dest_uids[i]);
    imapclient_copy_result_free(r);
    if (rc == 0)
        rc = imapclient_move(c, "2", "Archive", NULL);
    return rc;
}
/* @end */

/* @example imapclient_append imapclient_append_result_free */
static int example(imapclient *c)
{
    static const char msg[] = "From: me@example.org\r\n"
                              "Subject: a note to self\r\n"
                              "\r\n"
                              "Remember the milk.\r\n";
    imapclient_append_result *r = NULL;
    int rc = imapclient_append(c, "Drafts", msg, sizeof msg - 1,
                               (const char *[]){IMAPCLIENT_DRAFT, NULL}, NULL, &r);
    if (rc == 0 && r->has_appenduid)
        printf("UID %s in Drafts\n", r->uid_set);
    imapclient_append_result_free(r);
    return rc;
}
/* @end */

/* @example imapclient_multiappend */
static int example(imapclient *c)
{
    static const char a[] = "Subject: one\r\n\r\nfirst\r\n",
                      b[] = "Subject: two\r\n\r\nsecond\r\n";
    imapclient_append_msg msgs[] = {
        {.data = a,
         .len = sizeof a - 1,
         .flags = (const char *[]){IMAPCLIENT_SEEN, NULL}},
        {.data = b, .len = sizeof b - 1},
    };
    /* both or neither (RFC 3502) */
    int rc = imapclient_multiappend(c, "Archive", msgs, 2, NULL);
    if (rc == IMAPCLIENT_ECAPABILITY)
        printf("no MULTIAPPEND here: append them one by one\n");
    return rc;
}
/* @end */

/* ---- testing.h ---------------------------------------------------------------- */

/* @example imapclient_connect_scripted imapclient_script_done imapclient_script_sent */
int main(void)
{
    /* a test of your own code against canned server bytes: S: lines are
     * sent, C: lines are what the client must send */
    static const char script[] = "S: * OK [CAPABILITY IMAP4rev1] ready\n"
                                 "C: A001 LOGIN alice secret\n"
                                 "S: A001 OK LOGIN completed\n";
    imapclient *c = NULL;
    int rc = imapclient_connect_scripted(script, NULL, &c);
    if (rc == 0)
        rc = imapclient_login(c, "alice", "secret", NULL);
    printf("login: %d, script done: %d, sent:\n%s", rc, imapclient_script_done(c),
           imapclient_script_sent(c));
    imapclient_free(c);
    return rc != 0;
}
/* @end */

/* ---- types.h ------------------------------------------------------------------- */

/* @example imapclient_value_is imapclient_value */
static int example(imapclient *c)
{
    imapclient_responses *r = NULL;
    int rc = imapclient_noop(c, &r);
    for (size_t i = 0; rc == 0 && i < r->count; i++)
        if (imapclient_value_is(r->items[i].code_args, "READ-WRITE") ||
            (r->items[i].args->count &&
             imapclient_value_is(&r->items[i].args->items[0], "OK")))
            printf("found\n");
    imapclient_responses_free(r);
    return rc;
}
/* @end */

/* @example imapclient_body */
static void walk(const imapclient_body *b, int depth)
{
    printf("%*s%s/%s\n", depth * 2, "", b->type ? b->type : "?",
           b->subtype ? b->subtype : "?");
    for (size_t i = 0; b->is_multipart && i < b->part_count; i++)
        walk(&b->parts[i], depth + 1);
}

static int example(imapclient *c)
{
    imapclient_fetch_result *res = NULL;
    int rc = imapclient_select_folder(c, "INBOX", 1, NULL);
    if (rc == 0)
        rc = imapclient_fetch(c, "1:*", (const char *[]){"BODYSTRUCTURE", NULL}, NULL,
                              &res);
    for (size_t i = 0; rc == 0 && i < res->count; i++)
        if (res->msgs[i].body)
            walk(res->msgs[i].body, 0);
    imapclient_fetch_result_free(res);
    return rc;
}
/* @end */

/* ---- async.h: the non-blocking API --------------------------------------------- */

/* @example imapclient_connect_start imapclient_want imapclient_drive
 *          imapclient_start_login imapclient_start_select_folder imapclient_start_fetch
 *          imapclient_start_logout imapclient_pending_commands */
static void on_done(imapclient *c, imapclient_completion *done)
{
    (void)c;
    if (done->status != 0) {
        fprintf(stderr, "command %d failed: %s\n", (int)done->op, done->errmsg);
        return;
    }
    if (done->op == IMAPCLIENT_OP_FETCH) {
        imapclient_fetch_result *res = done->result; /* freed after the callback */
        printf("%zu messages fetched\n", res->count);
    }
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s HOST USER PASSWORD\n", argv[0]);
        return 2;
    }
    imapclient *c = NULL;
    /* everything is started at once: the library sends each command when
     * the one before allows it (login, then select, then the fetch) */
    if (imapclient_connect_start(argv[1], NULL, on_done, NULL, &c) != 0 ||
        imapclient_start_login(c, argv[2], argv[3], on_done, NULL, NULL) != 0 ||
        imapclient_start_select_folder(c, "INBOX", 1, on_done, NULL, NULL) != 0 ||
        imapclient_start_fetch(c, "1:*", (const char *[]){"FLAGS", NULL}, NULL, on_done,
                               NULL, NULL) != 0 ||
        imapclient_start_logout(c, on_done, NULL, NULL) != 0) {
        fprintf(stderr, "%s\n", c ? imapclient_errmsg(c) : "out of memory");
        imapclient_free(c);
        return 1;
    }
    /* the event loop: wait for what the handle wants, then drive it */
    while (imapclient_pending_commands(c) > 0) {
        imapclient_wants w;
        if (imapclient_want(c, &w) != 0)
            break;
        struct pollfd p = {.fd = w.fd};
        if (w.events & IMAPCLIENT_WANT_READ)
            p.events |= POLLIN;
        if (w.events & IMAPCLIENT_WANT_WRITE)
            p.events |= POLLOUT;
        poll(&p, 1, w.timeout_ms);
        if (imapclient_drive(c) != 0)
            break;
    }
    imapclient_free(c);
    return 0;
}
/* @end */

/* @example imapclient_next_completion imapclient_completion_free imapclient_start_search
 *          imapclient_start_noop imapclient_start_add_flags imapclient_start_remove_flags
 *          imapclient_start_set_flags imapclient_start_copy imapclient_start_move
 *          imapclient_start_expunge imapclient_start_append */
/* Drive until every started command completed (a blocking loop, for brevity). */
static int run(imapclient *c)
{
    while (imapclient_pending_commands(c) > 0) {
        imapclient_wants w;
        int rc = imapclient_want(c, &w);
        if (rc != 0)
            return rc;
        struct pollfd p = {.fd = w.fd,
                           .events =
                               (short)((w.events & IMAPCLIENT_WANT_READ ? POLLIN : 0) |
                                       (w.events & IMAPCLIENT_WANT_WRITE ? POLLOUT : 0))};
        poll(&p, 1, w.timeout_ms);
        if ((rc = imapclient_drive(c)) != 0)
            return rc;
    }
    return 0;
}

static int example(imapclient *c)
{
    static const char msg[] = "Subject: pipelined\r\n\r\nhello\r\n";
    int rc = imapclient_select_folder(c, "INBOX", 0, NULL);
    /* NULL callbacks: the completions go to the handle's queue; these go
     * out one after the other without waiting (pipelining) */
    if (rc == 0)
        rc = imapclient_start_search(c, (const char *[]){"UNSEEN", NULL}, NULL, NULL,
                                     NULL, NULL);
    if (rc == 0)
        rc = imapclient_start_add_flags(c, "1", (const char *[]){"$Later", NULL}, 1, NULL,
                                        NULL, NULL);
    if (rc == 0)
        rc = imapclient_start_remove_flags(c, "1", (const char *[]){"$Later", NULL}, 1,
                                           NULL, NULL, NULL);
    if (rc == 0)
        rc = imapclient_start_set_flags(c, "2", (const char *[]){IMAPCLIENT_SEEN, NULL},
                                        1, NULL, NULL, NULL);
    if (rc == 0)
        rc = imapclient_start_append(c, "Archive", msg, sizeof msg - 1, NULL, NULL, NULL,
                                     NULL, NULL);
    if (rc == 0)
        rc = imapclient_start_copy(c, "1", "Archive", NULL, NULL, NULL);
    if (rc == 0)
        rc = imapclient_start_move(c, "3", "Archive", NULL, NULL, NULL);
    if (rc == 0)
        rc = imapclient_start_expunge(c, NULL, NULL, NULL, NULL);
    if (rc == 0)
        rc = imapclient_start_noop(c, NULL, NULL, NULL);
    if (rc == 0)
        rc = run(c);
    imapclient_completion *done;
    while (imapclient_next_completion(c, &done) == 1) {
        printf("command %d: %s\n", (int)done->op, done->status ? done->errmsg : "done");
        imapclient_completion_free(done); /* and its result */
    }
    return rc;
}
/* @end */

/* @example imapclient_start_idle imapclient_start_idle_done imapclient_set_unsolicited_cb
 *          imapclient_cancel_all */
static volatile int stop;

static void on_change(void *payload, imapclient *c, const imapclient_response *r)
{
    (void)payload;
    (void)c;
    if (r->has_number)
        printf("(%u, %s)\n", r->number, r->name); /* (4, EXISTS) */
}

static int example(imapclient *c)
{
    int rc = imapclient_select_folder(c, "INBOX", 1, NULL);
    imapclient_set_unsolicited_cb(c, on_change, NULL);
    if (rc == 0)
        rc = imapclient_start_idle(c, NULL, NULL, NULL);
    for (int i = 0; rc == 0 && i < 60; i++) { /* about a minute */
        imapclient_wants w;
        if ((rc = imapclient_want(c, &w)) != 0)
            break;
        struct pollfd p = {.fd = w.fd, .events = POLLIN};
        poll(&p, 1, 1000);
        if (stop) {                   /* e.g. set by a signal handler */
            imapclient_cancel_all(c); /* the handle is unusable afterwards */
            return IMAPCLIENT_EINTERRUPTED;
        }
        rc = imapclient_drive(c);
    }
    if (rc == 0)
        rc = imapclient_start_idle_done(c, NULL, NULL, NULL);
    while (rc == 0 && imapclient_pending_commands(c) > 0) {
        imapclient_wants w;
        if ((rc = imapclient_want(c, &w)) != 0)
            break;
        struct pollfd p = {.fd = w.fd, .events = POLLIN};
        poll(&p, 1, w.timeout_ms);
        rc = imapclient_drive(c);
    }
    imapclient_set_unsolicited_cb(c, NULL, NULL);
    return rc;
}
/* @end */

/* @example imapclient_start_fetch_each */
static int on_message(void *payload, const imapclient_message *m)
{
    (void)payload;
    printf("message %u\n", m->id);
    return 0;
}

static void on_fetched(imapclient *c, imapclient_completion *done)
{
    (void)c;
    *(int *)done->user = done->status == 0 ? 1 : -1;
}

static int example(imapclient *c)
{
    int finished = 0;
    int rc = imapclient_select_folder(c, "INBOX", 1, NULL);
    if (rc == 0)
        rc = imapclient_start_fetch_each(c, "1:*", (const char *[]){"ENVELOPE", NULL},
                                         NULL, on_message, NULL, 0, NULL, on_fetched,
                                         &finished, NULL);
    while (rc == 0 && !finished) {
        imapclient_wants w;
        if ((rc = imapclient_want(c, &w)) != 0)
            break;
        struct pollfd p = {.fd = w.fd, .events = POLLIN};
        poll(&p, 1, w.timeout_ms);
        rc = imapclient_drive(c);
    }
    return rc ? rc : finished < 0 ? IMAPCLIENT_ERROR : 0;
}
/* @end */

/* @example imapclient_start_starttls imapclient_start_plain_login
 *          imapclient_start_scram_login imapclient_start_cram_md5_login
 *          imapclient_start_oauth2_login imapclient_start_oauthbearer_login
 *          imapclient_start_sasl_login */
static int external(void *payload, const unsigned char *challenge, size_t challenge_len,
                    imapclient_sasl_reply *reply)
{
    (void)payload;
    (void)challenge;
    (void)challenge_len;
    (void)reply;
    return 0; /* SASL EXTERNAL: the empty response */
}

int main(int argc, char **argv)
{
    const char *token = getenv("IMAP_ACCESS_TOKEN");
    if (argc != 5) {
        fprintf(stderr, "usage: %s HOST USER PASSWORD MECHANISM\n", argv[0]);
        return 2;
    }
    imapclient_options opts;
    imapclient_options_init(&opts);
    opts.ssl = 0; /* plain on 143, upgraded with STARTTLS first */
    imapclient *c = NULL;
    const char *mech = argv[4], *user = argv[2], *pw = argv[3];
    int rc = imapclient_connect_start(argv[1], &opts, NULL, NULL, &c);
    if (rc == 0)
        rc = imapclient_start_starttls(c, NULL, NULL, NULL);
    if (rc == 0 && !strcmp(mech, "plain"))
        rc = imapclient_start_plain_login(c, user, pw, NULL, NULL, NULL, NULL);
    else if (rc == 0 && !strcmp(mech, "scram"))
        rc = imapclient_start_scram_login(c, "SCRAM-SHA-256", user, pw, NULL, NULL, NULL);
    else if (rc == 0 && !strcmp(mech, "cram-md5"))
        rc = imapclient_start_cram_md5_login(c, user, pw, NULL, NULL, NULL);
    else if (rc == 0 && !strcmp(mech, "xoauth2") && token)
        rc = imapclient_start_oauth2_login(c, user, token, NULL, NULL, NULL, NULL, NULL);
    else if (rc == 0 && !strcmp(mech, "oauthbearer") && token)
        rc = imapclient_start_oauthbearer_login(c, user, token, NULL, NULL, NULL);
    else if (rc == 0)
        rc = imapclient_start_sasl_login(c, "EXTERNAL", external, NULL, NULL, NULL, NULL);
    while (rc == 0 && imapclient_pending_commands(c) > 0) {
        imapclient_wants w;
        if ((rc = imapclient_want(c, &w)) != 0)
            break;
        struct pollfd p = {.fd = w.fd,
                           .events =
                               (short)((w.events & IMAPCLIENT_WANT_READ ? POLLIN : 0) |
                                       (w.events & IMAPCLIENT_WANT_WRITE ? POLLOUT : 0))};
        poll(&p, 1, w.timeout_ms);
        rc = imapclient_drive(c);
    }
    imapclient_completion *done;
    while (imapclient_next_completion(c, &done) == 1) {
        if (done->status && !rc)
            rc = done->status;
        imapclient_completion_free(done);
    }
    if (rc)
        fprintf(stderr, "%s\n", c ? imapclient_errmsg(c) : "out of memory");
    imapclient_free(c);
    return rc != 0;
}
/* @end */

/* ---- messages.h: streaming APPEND, REPLACE, APPENDLIMIT ------------------------ */

/* @example imapclient_append_stream imapclient_start_append_stream */
static int example(imapclient *c)
{
    /* a message file of any size, read while it is sent */
    int fd = open("message.eml", O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        perror("message.eml");
        if (fd >= 0)
            close(fd);
        return 0;
    }
    imapclient_source src = {.fd = fd, .size = (uint64_t)st.st_size, .crlf = 0};
    imapclient_append_result *r = NULL;
    int rc = imapclient_append_stream(c, "Archive", &src, NULL, NULL, &r);
    if (rc == 0 && r->has_appenduid)
        printf("UID %s\n", r->uid_set);
    imapclient_append_result_free(r);
    close(fd);
    return rc;
}
/* @end */

/* @example imapclient_multiappend_stream imapclient_start_multiappend_stream */
typedef struct text {
    const char *p;
    size_t left;
} text;

static long long read_text(void *payload, char *buf, size_t n)
{
    text *t = payload;
    size_t k = n < t->left ? n : t->left;
    memcpy(buf, t->p, k);
    t->p += k;
    t->left -= k;
    return (long long)k;
}

static int example(imapclient *c)
{
    static const char one[] = "Subject: one\n\nfirst\n",
                      two[] = "Subject: two\n\nsecond\n";
    text a = {one, sizeof one - 1}, b = {two, sizeof two - 1};
    imapclient_append_source msgs[] = {
        {.src = {.fd = -1, .read = read_text, .payload = &a, .size = sizeof one - 1}},
        {.src = {.fd = -1, .read = read_text, .payload = &b, .size = sizeof two - 1},
         .flags = (const char *[]){IMAPCLIENT_SEEN, NULL}},
    };
    /* line ends are made CRLF on the way (crlf 0); both or neither */
    return imapclient_multiappend_stream(c, "Archive", msgs, 2, NULL);
}
/* @end */

/* @example imapclient_replace imapclient_get_appendlimit */
static int example(imapclient *c)
{
    static const char draft[] = "Subject: draft, second version\r\n\r\nnow longer\r\n";
    uint64_t limit;
    int rc = imapclient_get_appendlimit(c, "Drafts", &limit);
    if (rc == 0 && limit != IMAPCLIENT_APPENDLIMIT_NONE && sizeof draft - 1 > limit)
        return 0; /* too big for this server */
    if (rc != 0 && rc != IMAPCLIENT_ECAPABILITY)
        return rc;
    rc = imapclient_select_folder(c, "Drafts", 0, NULL);
    /* message (UID) 7 of Drafts becomes the new version, atomically */
    if (rc == 0)
        rc = imapclient_replace(c, 7, "Drafts", draft, sizeof draft - 1,
                                (const char *[]){IMAPCLIENT_DRAFT, NULL}, NULL, NULL);
    return rc;
}
/* @end */

/* ---- extensions.h: METADATA, NOTIFY, ENABLE state, UNAUTHENTICATE ------------- */

/* @example imapclient_get_metadata imapclient_metadata_get imapclient_metadata_free
 *          imapclient_set_metadata */
static int example(imapclient *c)
{
    imapclient_metadata_entry set = {
        .name = "/private/comment", .value = "my notes", .len = 8};
    imapclient_metadata *m = NULL;
    int rc = imapclient_set_metadata(c, "INBOX", &set, 1, NULL);
    if (rc == 0)
        rc = imapclient_get_metadata(
            c, "INBOX", (const char *[]){"/private/comment", NULL}, 0, 0, &m);
    const imapclient_metadata_entry *e =
        rc == 0 ? imapclient_metadata_get(m, "/private/comment") : NULL;
    if (e && e->value)
        printf("comment: %.*s\n", (int)e->len, e->value);
    imapclient_metadata_free(m);
    return rc;
}
/* @end */

/* @example imapclient_notify_set imapclient_notify_none
 * imapclient_notify_event_from_response imapclient_notify_event_free */
static int example(imapclient *c)
{
    imapclient_notify_group groups[] = {
        {.filter = IMAPCLIENT_NOTIFY_SELECTED, .events = IMAPCLIENT_EVENT_MESSAGES},
        {.filter = IMAPCLIENT_NOTIFY_PERSONAL, .events = IMAPCLIENT_EVENT_MESSAGE_NEW},
    };
    imapclient_responses *r = NULL;
    int rc = imapclient_select_folder(c, "INBOX", 1, NULL);
    if (rc == 0)
        rc = imapclient_notify_set(c, groups, 2, 0);
    if (rc == 0)
        rc = imapclient_noop(c, &r); /* events come with any command */
    for (size_t i = 0; rc == 0 && i < r->count; i++) {
        imapclient_notify_event *e = NULL;
        if (imapclient_notify_event_from_response(c, &r->items[i], &e) == 0 && e) {
            if (e->kind == IMAPCLIENT_NOTIFY_STATUS)
                printf("%s: %llu messages\n", e->mailbox,
                       (unsigned long long)e->messages);
            imapclient_notify_event_free(e);
        }
    }
    imapclient_responses_free(r);
    return rc == 0 ? imapclient_notify_none(c) : rc;
}
/* @end */

/* @example imapclient_is_enabled imapclient_is_imap4rev2 imapclient_is_utf8 */
static int example(imapclient *c)
{
    imapclient_enabled *r = NULL;
    int rc = imapclient_enable(c, (const char *[]){"UTF8=ACCEPT", "CONDSTORE", NULL}, &r);
    imapclient_enabled_free(r);
    if (rc != 0 && rc != IMAPCLIENT_ECAPABILITY)
        return rc;
    printf("CONDSTORE enabled: %d, UTF-8 names: %d, IMAP4rev2: %d\n",
           imapclient_is_enabled(c, "CONDSTORE"), imapclient_is_utf8(c),
           imapclient_is_imap4rev2(c));
    return 0;
}
/* @end */

/* @example imapclient_unauthenticate */
static int example(imapclient *c)
{
    /* back to "not authenticated" on the same connection, to log in again
     * as someone else (RFC 8437) */
    int rc = imapclient_unauthenticate(c, NULL);
    if (rc == 0)
        rc = imapclient_login(c, "otheruser", "otherpass", NULL);
    return rc;
}
/* @end */

/* ---- quirks.h ------------------------------------------------------------------ */

/* @example imapclient_quirks_profile imapclient_quirks_profile_names
 * imapclient_get_quirks imapclient_set_quirks */
static int example(imapclient *c)
{
    const char *const *names = imapclient_quirks_profile_names();
    for (size_t i = 0; names[i]; i++)
        printf("profile %s\n", names[i]);
    printf("this server looks like: %s\n", imapclient_get_quirks(c)->name);

    /* a server known to drop IDLE after 10 minutes: renew before */
    imapclient_quirks q = *imapclient_get_quirks(c);
    q.idle_max_ms = 9 * 60 * 1000;
    int rc = imapclient_set_quirks(c, &q);
    if (rc == 0) { /* or start from a named profile */
        imapclient_quirks yahoo;
        if (imapclient_quirks_profile("yahoo", &yahoo) == 0)
            printf("yahoo: search_no_charset %d\n", yahoo.search_no_charset);
    }
    return rc;
}
/* @end */

/* ---- LIST-EXTENDED, LIST-STATUS, CREATE-SPECIAL-USE --------------------------- */

/* @example imapclient_list_extended imapclient_list_status */
static int example(imapclient *c)
{
    /* subscribed folders with their special use, in one LIST */
    imapclient_list_options opts = {.selection = IMAPCLIENT_LIST_SUBSCRIBED,
                                    .returns = IMAPCLIENT_LIST_RETURN_SPECIAL_USE};
    imapclient_folder_list *list = NULL;
    int rc = imapclient_list_extended(c, "", (const char *[]){"*", NULL}, &opts, &list);
    for (size_t i = 0; rc == 0 && i < list->count; i++)
        printf("%s\n", list->folders[i].name);
    imapclient_folder_list_free(list);
    list = NULL;
    /* every folder with its counts (one STATUS per folder without LIST-STATUS) */
    if (rc == 0)
        rc = imapclient_list_status(c, "", "*",
                                    (const char *[]){"MESSAGES", "UNSEEN", NULL}, &list);
    for (size_t i = 0; rc == 0 && i < list->count; i++) {
        const imapclient_folder *f = &list->folders[i];
        if (f->status)
            printf("%s: %llu messages, %llu unseen\n", f->name,
                   (unsigned long long)f->status->messages,
                   (unsigned long long)f->status->unseen);
    }
    imapclient_folder_list_free(list);
    return rc;
}
/* @end */

/* @example imapclient_create_folder_ex imapclient_create_result_free */
static int example(imapclient *c)
{
    imapclient_create_result *r = NULL;
    /* a folder that is the account's Archive (CREATE-SPECIAL-USE) */
    int rc = imapclient_create_folder_ex(c, "Old mail",
                                         (const char *[]){IMAPCLIENT_ARCHIVE, NULL}, &r);
    if (rc == 0)
        printf("created, MAILBOXID %s\n", r->mailboxid ? r->mailboxid : "(none)");
    imapclient_create_result_free(r);
    return rc;
}
/* @end */

/* ---- search extensions ------------------------------------------------------- */

/* @example imapclient_search_partial imapclient_esort */
static int example(imapclient *c)
{
    imapclient_esearch_result *page = NULL, *sorted = NULL;
    int rc = imapclient_select_folder(c, "INBOX", 1, NULL);
    /* the first 50 matches, and how many there are (PARTIAL, RFC 9394) */
    if (rc == 0)
        rc = imapclient_search_partial(c, (const char *[]){"ALL", NULL}, NULL, 1, 50,
                                       &page);
    if (rc == 0)
        printf("%zu of %u messages\n", page->partial_count,
               page->has_count ? page->count : 0);
    /* the newest and the count of the unseen ones, sorted by the server (ESORT) */
    if (rc == 0)
        rc = imapclient_esort(c, (const char *[]){"REVERSE ARRIVAL", NULL},
                              (const char *[]){"UNSEEN", NULL}, NULL,
                              (const char *[]){"MIN", "COUNT", NULL}, &sorted);
    if (rc == 0 && sorted->has_min)
        printf("newest unseen: %u\n", sorted->min);
    imapclient_esearch_result_free(page);
    imapclient_esearch_result_free(sorted);
    return rc;
}
/* @end */

/* @example imapclient_multisearch imapclient_multisearch_result_free */
static int example(imapclient *c)
{
    imapclient_search_source in = {.in = IMAPCLIENT_IN_PERSONAL};
    imapclient_multisearch_result *r = NULL;
    /* every personal folder at once (MULTISEARCH, RFC 7377) */
    int rc = imapclient_multisearch(c, &in, 1, (const char *[]){"FROM", "alice", NULL},
                                    NULL, (const char *[]){"COUNT", NULL}, &r);
    for (size_t i = 0; rc == 0 && i < r->count; i++)
        printf("%s: %u\n", r->mailboxes[i].mailbox, r->mailboxes[i].result.count);
    imapclient_multisearch_result_free(r);
    return rc;
}
/* @end */

/* ---- fetch: BINARY ------------------------------------------------------------ */

/* @example imapclient_message_binary imapclient_message_binary_size */
static int example(imapclient *c)
{
    imapclient_fetch_result *res = NULL;
    int rc = imapclient_select_folder(c, "INBOX", 1, NULL);
    /* part 1 decoded by the server (base64, quoted-printable undone) */
    if (rc == 0)
        rc = imapclient_fetch(c, "1",
                              (const char *[]){"BINARY.SIZE[1]", "BINARY.PEEK[1]", NULL},
                              NULL, &res);
    for (size_t i = 0; rc == 0 && i < res->count; i++) {
        const char *data;
        size_t len;
        uint64_t size;
        if (imapclient_message_binary_size(&res->msgs[i], "1", &size))
            printf("part 1: %llu bytes decoded\n", (unsigned long long)size);
        if (imapclient_message_binary(&res->msgs[i], "1", &data, &len) && data)
            printf("%.*s\n", (int)(len < 200 ? len : 200), data);
    }
    imapclient_fetch_result_free(res);
    return rc;
}
/* @end */

/* ---- tls.h: shared TLS configurations ---------------------------------------- */

/* @example imapclient_tls_config_new imapclient_tls_config_ref
 * imapclient_tls_config_unref imapclient_tls_config_set_ca
 * imapclient_tls_config_set_verify imapclient_tls_config_set_client_cert
 * imapclient_tls_config_set_session_cache imapclient_tls_config_ssl_ctx
 * imapclient_tls_config_errmsg imapclient_tls_resumed */
int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: %s HOST USER PASSWORD CA_FILE\n", argv[0]);
        return 2;
    }
    /* one configuration for every connection: the CA file is read once,
     * and later connections resume the first one's TLS session */
    imapclient_tls_config *tls = imapclient_tls_config_new();
    if (!tls || imapclient_tls_config_set_ca(tls, argv[4], NULL) != 0 ||
        imapclient_tls_config_set_verify(tls, 1) != 0 ||
        imapclient_tls_config_set_session_cache(tls, 1) != 0) {
        fprintf(stderr, "TLS set-up: %s\n",
                tls ? imapclient_tls_config_errmsg(tls) : "no memory");
        imapclient_tls_config_unref(tls);
        return 1;
    }
    if (getenv("IMAP_CLIENT_CERT") &&
        imapclient_tls_config_set_client_cert(tls, getenv("IMAP_CLIENT_CERT"), NULL) != 0)
        fprintf(stderr, "client certificate: %s\n", imapclient_tls_config_errmsg(tls));
    printf("OpenSSL SSL_CTX at %p\n", imapclient_tls_config_ssl_ctx(tls));

    imapclient_options opts;
    imapclient_options_init(&opts);
    opts.tls_config = imapclient_tls_config_ref(tls); /* one reference per holder */
    for (int i = 0; i < 2; i++) {
        imapclient *c = NULL;
        if (imapclient_connect(argv[1], &opts, &c) != 0 ||
            imapclient_login(c, argv[2], argv[3], NULL) != 0) {
            fprintf(stderr, "%s\n", c ? imapclient_errmsg(c) : "out of memory");
        } else {
            printf("connection %d: session %s\n", i + 1,
                   imapclient_tls_resumed(c) ? "resumed" : "new");
            imapclient_logout(c, NULL);
        }
        imapclient_free(c);
    }
    imapclient_tls_config_unref(opts.tls_config);
    imapclient_tls_config_unref(tls);
    return 0;
}
/* @end */

/* @example imapclient_select_folder_params imapclient_fetch_changedsince */
static int example(imapclient *c)
{
    /* what the client saved last time: UIDVALIDITY, HIGHESTMODSEQ, UIDs */
    const uint32_t uidvalidity = 67890007;
    const uint64_t modseq = 90060115194045000u;
    imapclient_select_info *si = NULL;
    imapclient_fetch_result *res = NULL;
    int rc = imapclient_enable(c, (const char *[]){"QRESYNC", NULL}, NULL);
    imapclient_select_params p = {.readonly = 1,
                                  .qresync_uidvalidity = uidvalidity,
                                  .qresync_modseq = modseq,
                                  .qresync_known_uids = "1:500"};
    if (rc == 0)
        rc = imapclient_select_folder_params(c, "INBOX", &p, &si);
    if (rc == 0 && si->uidvalidity != uidvalidity) {
        printf("UIDVALIDITY changed: start over\n");
    } else if (rc == 0) {
        printf("%llu UIDs vanished, %zu messages changed, HIGHESTMODSEQ now %llu\n",
               (unsigned long long)imapclient_uidset_size(&si->vanished),
               si->changed_count, (unsigned long long)si->highestmodseq);
        for (size_t i = 0; i < si->changed_count; i++)
            printf("UID %u: %zu flags, MODSEQ %llu\n", si->changed[i].uid,
                   si->changed[i].flag_count, (unsigned long long)si->changed[i].modseq);
        /* the same question later in the session, by FETCH (UID FETCH with
         * use_uid on, the default) */
        rc = imapclient_fetch_changedsince(c, "1:*", (const char *[]){"FLAGS", NULL},
                                           si->highestmodseq, 1, &res);
    }
    if (rc == 0 && res)
        printf("%zu changed since, %llu vanished since\n", res->count,
               (unsigned long long)imapclient_uidset_size(&res->vanished));
    imapclient_fetch_result_free(res);
    imapclient_select_info_free(si);
    return rc;
}
/* @end */

/* @example imapclient_store_unchangedsince imapclient_store_result_free */
static int example(imapclient *c)
{
    imapclient_select_info *si = NULL;
    imapclient_store_result *r = NULL;
    int rc = imapclient_select_folder_params(
        c, "INBOX", &(imapclient_select_params){.condstore = 1}, &si);
    /* flag UIDs 1:10 \Answered unless someone changed them since we looked */
    if (rc == 0)
        rc = imapclient_store_unchangedsince(c, "1:10", IMAPCLIENT_STORE_ADD,
                                             (const char *[]){IMAPCLIENT_ANSWERED, NULL},
                                             si->highestmodseq, 0, &r);
    if (rc == 0) {
        char *skipped = NULL;
        if (imapclient_uidset_format(&r->modified, &skipped) == 0)
            printf("stored %zu, changed meanwhile (not stored): %s\n", r->count,
                   *skipped ? skipped : "none");
        free(skipped);
    }
    imapclient_store_result_free(r);
    imapclient_select_info_free(si);
    return rc;
}
/* @end */

/* @example imapclient_changes_from_responses imapclient_changes_new
 * imapclient_changes_add imapclient_changes_free */
static int example(imapclient *c)
{
    imapclient_responses *rs = NULL;
    imapclient_changes *ch = NULL;
    int rc = imapclient_select_folder(c, "INBOX", 1, NULL);
    if (rc == 0)
        rc = imapclient_noop(c, &rs);
    if (rc == 0)
        rc = imapclient_changes_from_responses(rs, &ch);
    if (rc == 0) {
        /* EXPUNGE before QRESYNC is enabled, VANISHED after */
        printf("%zu expunged, %llu vanished, %zu flag changes\n", ch->expunged_count,
               (unsigned long long)imapclient_uidset_size(&ch->vanished),
               ch->changed_count);
        if (ch->has_exists)
            printf("%u messages now\n", ch->exists);
    }
    imapclient_changes_free(ch);
    imapclient_responses_free(rs);

    /* or one response at a time, e.g. from an unsolicited callback */
    imapclient_changes *one = NULL;
    if (rc == 0 && (rc = imapclient_changes_new(&one)) == 0) {
        imapclient_responses *more = NULL;
        if ((rc = imapclient_noop(c, &more)) == 0)
            for (size_t i = 0; i < more->count; i++)
                if (imapclient_changes_add(one, &more->items[i]) < 0)
                    printf("malformed: %s\n", more->items[i].name);
        imapclient_responses_free(more);
    }
    imapclient_changes_free(one);
    return rc;
}
/* @end */

/* @example imapclient_uidset_parse imapclient_uidset_format imapclient_uidset_size
 *          imapclient_uidset_contains imapclient_uidset_free */
static int example(void)
{
    imapclient_uidset *s = NULL;
    char *text = NULL;
    int rc = imapclient_uidset_parse("9,1:3,2:4", &s); /* sorted and merged */
    if (rc == 0)
        rc = imapclient_uidset_format(s, &text); /* "1:4,9" */
    if (rc == 0)
        printf("%s: %llu UIDs, holds 9: %d, holds 5: %d\n", text,
               (unsigned long long)imapclient_uidset_size(s),
               imapclient_uidset_contains(s, 9), imapclient_uidset_contains(s, 5));
    free(text);
    imapclient_uidset_free(s);
    return rc;
}
/* @end */

/* @example imapclient_start_select_folder_params imapclient_start_fetch_changedsince
 *          imapclient_start_store_unchangedsince */
static void on_done(imapclient *c, imapclient_completion *d)
{
    (void)c;
    if (d->status)
        printf("command %d failed: %s\n", (int)d->op, d->errmsg);
    else if (d->op == IMAPCLIENT_OP_SELECT) {
        const imapclient_select_info *si = d->result;
        printf("selected: %llu vanished, %zu changed\n",
               (unsigned long long)imapclient_uidset_size(&si->vanished),
               si->changed_count);
    } else if (d->op == IMAPCLIENT_OP_FETCH) {
        const imapclient_fetch_result *f = d->result;
        printf("%zu changed, %llu vanished\n", f->count,
               (unsigned long long)imapclient_uidset_size(&f->vanished));
    } else if (d->op == IMAPCLIENT_OP_STORE_UNCHANGEDSINCE) {
        const imapclient_store_result *s = d->result;
        printf("stored %zu, %llu modified meanwhile\n", s->count,
               (unsigned long long)imapclient_uidset_size(&s->modified));
    }
}

static int example(imapclient *c)
{
    imapclient_select_params p = {.qresync_uidvalidity = 67890007,
                                  .qresync_modseq = 20050715194045000u};
    int rc = imapclient_enable(c, (const char *[]){"QRESYNC", NULL}, NULL);
    /* the three go out at once (pipelined); on_done sees each answer */
    if (rc == 0)
        rc = imapclient_start_select_folder_params(c, "INBOX", &p, on_done, NULL, NULL);
    if (rc == 0)
        rc = imapclient_start_fetch_changedsince(
            c, "1:*", (const char *[]){"FLAGS", NULL}, 20050715194045000u, 1, on_done,
            NULL, NULL);
    if (rc == 0)
        rc = imapclient_start_store_unchangedsince(
            c, "1:10", IMAPCLIENT_STORE_ADD, (const char *[]){"$Seen-Here", NULL},
            20050715194045000u, 1, on_done, NULL, NULL);
    while (rc == 0 && imapclient_pending_commands(c) > 0) {
        imapclient_wants w;
        if ((rc = imapclient_want(c, &w)) != 0)
            break;
        struct pollfd pf = {
            .fd = w.fd,
            .events = (short)((w.events & IMAPCLIENT_WANT_READ ? POLLIN : 0) |
                              (w.events & IMAPCLIENT_WANT_WRITE ? POLLOUT : 0))};
        poll(&pf, 1, w.timeout_ms);
        rc = imapclient_drive(c);
    }
    return rc;
}
/* @end */

/* @example imapclient_sync_folder imapclient_sync_result_free imapclient_sync_state_new
 *          imapclient_sync_state_parse imapclient_sync_state_format
 *          imapclient_sync_state_free imapclient_sync_strategy_name */
static int example(imapclient *c)
{
    /* the state saved by the last run, if any */
    imapclient_sync_state *st = NULL;
    char saved[65536];
    size_t n = 0;
    FILE *f = fopen("inbox.state", "r");
    if (f) {
        n = fread(saved, 1, sizeof saved, f);
        fclose(f);
    }
    if (!f || imapclient_sync_state_parse(saved, n, &st) != 0)
        if (imapclient_sync_state_new(&st) != 0)
            return IMAPCLIENT_ENOMEM;

    imapclient_sync_result *r = NULL;
    imapclient_sync_options o = {.readonly = 1};
    int rc = imapclient_sync_folder(c, "INBOX", st, &o, &r);
    if (rc == 0) {
        if (r->start_over)
            printf("UIDVALIDITY changed: forget the local copy\n");
        printf("by %s: %llu new, %zu changed, %llu vanished\n",
               imapclient_sync_strategy_name(r->strategy),
               (unsigned long long)imapclient_uidset_size(&r->new_uids), r->changed_count,
               (unsigned long long)imapclient_uidset_size(&r->vanished));
        /* ... apply them locally, then save the state */
        char *blob = NULL;
        size_t len = 0;
        if ((rc = imapclient_sync_state_format(st, &blob, &len)) == 0 &&
            (f = fopen("inbox.state", "w")) != NULL) {
            fwrite(blob, 1, len, f);
            fclose(f);
        }
        free(blob);
    }
    imapclient_sync_result_free(r);
    imapclient_sync_state_free(st);
    return rc;
}
/* @end */

/* @example imapclient_sync_state_uidvalidity imapclient_sync_state_highestmodseq
 *          imapclient_sync_state_uids imapclient_sync_state_flags */
static int example(void)
{
    static const char blob[] = "imapclient-sync-state 1\n"
                               "uidvalidity 1700000001\n"
                               "highestmodseq 42\n"
                               "uids 1:8,10\n"
                               "end\n";
    imapclient_sync_state *st = NULL;
    int rc = imapclient_sync_state_parse(blob, sizeof blob - 1, &st);
    if (rc != 0)
        return rc;
    char *uids = NULL;
    if ((rc = imapclient_uidset_format(imapclient_sync_state_uids(st), &uids)) == 0)
        printf("UIDVALIDITY %u, HIGHESTMODSEQ %llu, UIDs %s\n",
               imapclient_sync_state_uidvalidity(st),
               (unsigned long long)imapclient_sync_state_highestmodseq(st), uids);
    free(uids);
    /* flags are kept only by the FLAGS strategy or with keep_flags */
    char **flags = NULL;
    size_t nflags = 0;
    if (rc == 0 && imapclient_sync_state_flags(st, 10, &flags, &nflags) == 1)
        printf("UID 10 has %zu flags\n", nflags);
    free(flags);
    imapclient_sync_state_free(st);
    return rc;
}
/* @end */

/* @example imapclient_catenate imapclient_message_url imapclient_error_code
 *          imapclient_error_code_arg */
static int example(imapclient *c)
{
    /* Forward the attachment (part 2) of INBOX message 42 in a new draft,
     * without downloading it (CATENATE, RFC 4469). */
    uint32_t uidvalidity = 0;
    imapclient_select_info *info = NULL;
    int rc = imapclient_select_folder(c, "INBOX", 1, &info);
    if (rc != 0)
        return rc;
    uidvalidity = info->uidvalidity;
    imapclient_select_info_free(info);
    static const char head[] = "From: me@example.org\r\nSubject: the report\r\n"
                               "MIME-Version: 1.0\r\n"
                               "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
                               "--b1\r\nContent-Type: text/plain\r\n\r\nHere it is.\r\n"
                               "--b1\r\n";
    static const char tail[] = "\r\n--b1--\r\n";
    imapclient_cat_part parts[] = {
        {.type = IMAPCLIENT_CAT_TEXT, .text = head, .len = sizeof head - 1},
        {.type = IMAPCLIENT_CAT_MESSAGE,
         .folder = "INBOX",
         .uidvalidity = uidvalidity,
         .uid = 42,
         .section = "2.MIME"},
        {.type = IMAPCLIENT_CAT_MESSAGE,
         .folder = "INBOX",
         .uidvalidity = uidvalidity,
         .uid = 42,
         .section = "2"},
        {.type = IMAPCLIENT_CAT_TEXT, .text = tail, .len = sizeof tail - 1},
    };
    char url[256];
    if (imapclient_message_url("INBOX", uidvalidity, 42, "2", url, sizeof url) > 0)
        printf("attachment: %s\n", url); /* /INBOX;UIDVALIDITY=.../;UID=42/;SECTION=2 */
    imapclient_append_result *r = NULL;
    rc = imapclient_catenate(c, "Drafts", parts, 4, (const char *[]){"\\Draft", NULL},
                             NULL, &r);
    if (rc == 0) {
        if (r->has_appenduid)
            printf("saved as UID %u\n", r->uids[0]);
        imapclient_append_result_free(r);
    } else if (imapclient_error_code(c) && !strcmp(imapclient_error_code(c), "BADURL")) {
        printf("not on the server: %s\n", imapclient_error_code_arg(c));
    }
    return rc;
}
/* @end */

/* @example imapclient_multicatenate */
static int example(imapclient *c)
{
    /* Two drafts in one command (MULTIAPPEND): each made of a new header
     * and the text of an existing message (UID 7 of INBOX). */
    imapclient_cat_part a[] = {
        {.type = IMAPCLIENT_CAT_TEXT, .text = "Subject: one\r\n\r\n", .len = 16},
        {.type = IMAPCLIENT_CAT_MESSAGE, .folder = "INBOX", .uid = 7, .section = "TEXT"},
    };
    imapclient_cat_part b[] = {
        {.type = IMAPCLIENT_CAT_TEXT, .text = "Subject: two\r\n\r\n", .len = 16},
        {.type = IMAPCLIENT_CAT_MESSAGE, .folder = "INBOX", .uid = 7, .section = "TEXT"},
    };
    imapclient_catenate_msg msgs[] = {{a, 2, NULL, NULL}, {b, 2, NULL, NULL}};
    imapclient_append_result *r = NULL;
    int rc = imapclient_multicatenate(c, "Drafts", msgs, 2, &r);
    if (rc == 0) {
        printf("%zu drafts saved\n", r->count);
        imapclient_append_result_free(r);
    }
    return rc;
}
/* @end */

/* @example imapclient_start_catenate imapclient_start_multicatenate
 *          imapclient_start_sort imapclient_start_thread imapclient_start_folder_status
 *          imapclient_start_unselect_folder imapclient_start_close_folder
 *          imapclient_start_enable imapclient_start_get_metadata
 *          imapclient_start_set_metadata imapclient_start_notify_set
 *          imapclient_start_notify_none imapclient_start_list_extended
 *          imapclient_start_list_status */
/* Each completion as it comes: what it was for, and its typed result. */
static void on_done(imapclient *c, imapclient_completion *d)
{
    (void)c;
    if (d->status != 0) {
        printf("%s: %s%s%s\n", (const char *)d->user, d->errmsg, d->code ? " code " : "",
               d->code ? d->code : "");
        return;
    }
    switch (d->op) {
    case IMAPCLIENT_OP_SORT:
        printf("%s: %zu ids\n", (const char *)d->user,
               ((imapclient_ids *)d->result)->count);
        break;
    case IMAPCLIENT_OP_THREAD:
        printf("%s: %zu threads\n", (const char *)d->user,
               ((imapclient_threads *)d->result)->count);
        break;
    case IMAPCLIENT_OP_STATUS:
        printf("%s: %llu messages\n", (const char *)d->user,
               (unsigned long long)((imapclient_status_info *)d->result)->messages);
        break;
    case IMAPCLIENT_OP_LIST:
        printf("%s: %zu folders\n", (const char *)d->user,
               ((imapclient_folder_list *)d->result)->count);
        break;
    case IMAPCLIENT_OP_METADATA:
        if (d->result)
            printf("%s: %zu entries\n", (const char *)d->user,
                   ((imapclient_metadata *)d->result)->count);
        break;
    default:
        printf("%s: done\n", (const char *)d->user);
    }
}

static int run(imapclient *c)
{
    while (imapclient_pending_commands(c) > 0) {
        imapclient_wants w;
        int rc = imapclient_want(c, &w);
        if (rc != 0)
            return rc;
        struct pollfd p = {.fd = w.fd,
                           .events =
                               (short)((w.events & IMAPCLIENT_WANT_READ ? POLLIN : 0) |
                                       (w.events & IMAPCLIENT_WANT_WRITE ? POLLOUT : 0))};
        poll(&p, 1, w.timeout_ms);
        if ((rc = imapclient_drive(c)) != 0)
            return rc;
    }
    return 0;
}

static int example(imapclient *c)
{
    /* Started in one go: each waits for what it needs (ENABLE before any
     * folder is selected, SORT and THREAD once INBOX is). Calls whose
     * capability is missing complete with IMAPCLIENT_ECAPABILITY, unsent. */
    static const char *const status_items[] = {"MESSAGES", "UNSEEN", NULL};
    imapclient_metadata_entry note = {
        .name = "/private/comment", .value = "seen", .len = 4};
    imapclient_notify_group watch = {.filter = IMAPCLIENT_NOTIFY_SELECTED,
                                     .events = IMAPCLIENT_EVENT_MESSAGES};
    imapclient_cat_part part = {
        .type = IMAPCLIENT_CAT_TEXT, .text = "Subject: note\r\n\r\nhi\r\n", .len = 21};
    imapclient_catenate_msg two[] = {{&part, 1, NULL, NULL}, {&part, 1, NULL, NULL}};
    int rc = imapclient_start_enable(c, (const char *[]){"CONDSTORE", NULL}, on_done,
                                     "enable", NULL);
    if (rc == 0)
        rc = imapclient_start_folder_status(c, "Archive", status_items, on_done, "status",
                                            NULL);
    if (rc == 0) /* with LIST-STATUS in one round trip, else a STATUS per folder */
        rc = imapclient_start_list_status(c, NULL, "*", status_items, on_done,
                                          "list with status", NULL);
    if (rc == 0) {
        imapclient_list_options o = {.selection = IMAPCLIENT_LIST_SUBSCRIBED,
                                     .returns = IMAPCLIENT_LIST_RETURN_CHILDREN};
        rc = imapclient_start_list_extended(c, NULL, NULL, &o, on_done, "subscribed",
                                            NULL);
    }
    if (rc == 0)
        rc = imapclient_start_set_metadata(c, "INBOX", &note, 1, on_done, "setmetadata",
                                           NULL);
    if (rc == 0)
        rc = imapclient_start_get_metadata(c, "INBOX",
                                           (const char *[]){"/private/comment", NULL}, 0,
                                           0, on_done, "getmetadata", NULL);
    if (rc == 0)
        rc = imapclient_start_catenate(c, "Drafts", &part, 1, NULL, NULL, on_done,
                                       "catenate", NULL);
    if (rc == 0)
        rc = imapclient_start_multicatenate(c, "Drafts", two, 2, on_done, "multicatenate",
                                            NULL);
    if (rc == 0)
        rc = imapclient_start_select_folder(c, "INBOX", 1, on_done, "select", NULL);
    if (rc == 0)
        rc = imapclient_start_notify_set(c, &watch, 1, 0, on_done, "notify", NULL);
    if (rc == 0)
        rc = imapclient_start_sort(c, (const char *[]){"REVERSE", "DATE", NULL}, NULL,
                                   NULL, on_done, "sort", NULL);
    if (rc == 0)
        rc = imapclient_start_thread(c, NULL, NULL, NULL, on_done, "thread", NULL);
    if (rc == 0)
        rc = imapclient_start_notify_none(c, on_done, "notify none", NULL);
    if (rc == 0)
        rc = imapclient_start_unselect_folder(c, on_done, "unselect", NULL);
    if (rc == 0)
        rc = imapclient_start_select_folder(c, "INBOX", 0, on_done, "select", NULL);
    if (rc == 0)
        rc = imapclient_start_close_folder(c, on_done, "close", NULL);
    return rc == 0 ? run(c) : rc;
}
/* @end */

/* @example imapclient_context_update_from_response imapclient_context_update_free
 *          imapclient_cancel_update */
static int example(imapclient *c)
{
    /* Keep the list of unread messages up to date (CONTEXT=SEARCH, RFC
     * 5267) while idling, then stop the updates. */
    imapclient_esearch_result *r = NULL;
    int rc = imapclient_select_folder(c, "INBOX", 1, NULL);
    if (rc == 0)
        rc = imapclient_esearch(c, (const char *[]){"UNSEEN", NULL}, NULL,
                                (const char *[]){"UPDATE", "ALL", NULL}, &r);
    if (rc != 0)
        return rc;
    printf("%zu unread\n", r->id_count);
    rc = imapclient_idle(c);
    for (int round = 0; rc == 0 && round < 10; round++) {
        imapclient_responses *rs = NULL;
        if ((rc = imapclient_idle_check(c, 30000, &rs)) != 0)
            break;
        for (size_t i = 0; i < rs->count; i++) {
            imapclient_context_update *u = NULL;
            if (imapclient_context_update_from_response(&rs->items[i], &u) != 0 || !u)
                continue;
            for (size_t k = 0; k < u->change_count; k++)
                printf("%s %s\n",
                       u->changes[k].add ? "now unread:" : "read:", u->changes[k].set);
            imapclient_context_update_free(u);
        }
        imapclient_responses_free(rs);
    }
    if (rc == 0)
        rc = imapclient_idle_done(c, NULL, NULL);
    if (rc == 0)
        rc = imapclient_cancel_update(c, (const char *[]){r->tag, NULL});
    imapclient_esearch_result_free(r);
    return rc;
}
/* @end */

/* @example imapclient_genurlauth imapclient_urlauth_urls_free imapclient_urlfetch
 *          imapclient_urlfetch_result_get imapclient_urlfetch_result_free
 *          imapclient_resetkey */
static int example(imapclient *c)
{
    /* Let a submission server fetch part 1 of message 20 (URLAUTH, RFC
     * 4467): authorize its URL, check that it resolves, then withdraw
     * every authorization of INBOX. */
    char path[256];
    if (imapclient_message_url("INBOX", 0, 20, "1", path, sizeof path) >=
        (long long)sizeof path)
        return IMAPCLIENT_EINVAL;
    char rump[512];
    snprintf(rump, sizeof rump, "imap://joe@imap.example.org%s;urlauth=submit+joe", path);
    imapclient_urlauth_urls *u = NULL;
    int rc = imapclient_genurlauth(c, (const char *[]){rump, NULL}, NULL, &u);
    if (rc != 0)
        return rc;
    printf("authorized: %s\n", u->urls[0]);
    imapclient_urlfetch_result *f = NULL;
    rc = imapclient_urlfetch(c, (const char *[]){u->urls[0], NULL}, &f);
    if (rc == 0) {
        const imapclient_urlfetch_item *it =
            imapclient_urlfetch_result_get(f, u->urls[0]);
        printf("%zu bytes\n", it && it->data ? it->len : 0);
        imapclient_urlfetch_result_free(f);
    }
    imapclient_urlauth_urls_free(u);
    if (rc == 0)
        rc = imapclient_resetkey(c, "INBOX", NULL);
    return rc;
}
/* @end */

/* ---- session.h: a session that survives the real world ---------------------- */

/* @example imapclient_session_config_init imapclient_session_new imapclient_session_free
 *          imapclient_session_run */
static void on_event(void *payload, imapclient_session *s,
                     const imapclient_session_event *e)
{
    (void)payload;
    (void)s;
    switch (e->type) {
    case IMAPCLIENT_SESSION_READY:
        printf("%s: %zu messages\n", e->folder, e->exists);
        break;
    case IMAPCLIENT_SESSION_DISCONNECTED:
        printf("lost: %s; again in %d ms\n", e->errmsg, e->retry_in_ms);
        break;
    case IMAPCLIENT_SESSION_RESUMED: /* what changed while away: never a gap */
        printf("back after %lld ms: %zu new, %zu gone, %zu changed\n", e->away_ms,
               e->added_count, e->vanished_count, e->changed_count);
        break;
    case IMAPCLIENT_SESSION_RESYNC:
        printf("UIDVALIDITY changed: start over with %zu messages\n", e->added_count);
        break;
    case IMAPCLIENT_SESSION_CHANGES:
        printf("%zu new, %zu gone, %zu changed\n", e->added_count, e->vanished_count,
               e->changed_count);
        break;
    case IMAPCLIENT_SESSION_FAILED:
        printf("gave up: %s\n", e->errmsg);
        break;
    }
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s HOST USER PASSWORD\n", argv[0]);
        return 2;
    }
    imapclient_session_config cfg;
    imapclient_session_config_init(&cfg); /* TLS, IDLE, QRESYNC when offered */
    cfg.host = argv[1];
    cfg.auth = IMAPCLIENT_SESSION_AUTH_LOGIN;
    cfg.username = argv[2];
    cfg.password = argv[3];
    cfg.folder = "INBOX";
    cfg.opts.idle_renew_ms = 60000; /* a dead peer is found within 75 s */
    cfg.on_event = on_event;
    imapclient_session *s = NULL;
    int rc = imapclient_session_new(&cfg, &s);
    for (int i = 0; rc == 0 && i < 10; i++) /* ten minutes */
        rc = imapclient_session_run(s, 60000);
    imapclient_session_free(s);
    return rc == 0 ? 0 : 1;
}
/* @end */

/* @example imapclient_session_want imapclient_session_drive imapclient_session_get_state
 *          imapclient_session_handle */
int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s HOST USER PASSWORD\n", argv[0]);
        return 2;
    }
    imapclient_session_config cfg;
    imapclient_session_config_init(&cfg);
    cfg.host = argv[1];
    cfg.auth = IMAPCLIENT_SESSION_AUTH_LOGIN;
    cfg.username = argv[2];
    cfg.password = argv[3];
    cfg.folder = "INBOX";
    imapclient_session *s = NULL;
    if (imapclient_session_new(&cfg, &s) != 0)
        return 1;
    /* the session in a poll() loop with other work: its fd changes with
     * each connection (-1 between them), so ask again every time */
    for (int i = 0; i < 100; i++) {
        imapclient_wants w;
        if (imapclient_session_want(s, &w) != 0)
            break; /* it gave up */
        struct pollfd p = {.fd = w.fd,
                           .events =
                               (short)((w.events & IMAPCLIENT_WANT_READ ? POLLIN : 0) |
                                       (w.events & IMAPCLIENT_WANT_WRITE ? POLLOUT : 0))};
        poll(&p, 1, w.timeout_ms < 0 || w.timeout_ms > 1000 ? 1000 : w.timeout_ms);
        if (imapclient_session_drive(s) != 0)
            break;
        imapclient *c = imapclient_session_handle(s); /* NULL unless connected */
        if (imapclient_session_get_state(s) == IMAPCLIENT_SESSION_CONNECTED && c)
            printf("connected%s\n", imapclient_is_tls(c) ? " over TLS" : "");
    }
    imapclient_session_free(s);
    return 0;
}
/* @end */

/* @example imapclient_session_submit imapclient_session_append imapclient_session_refresh
 */
static int start_flag(imapclient *c, void *arg, imapclient_done_cb cb, void *user,
                      uint64_t *id)
{
    /* UIDs: the session keeps use_uid on, so the set means the same
     * messages on any connection */
    return imapclient_start_add_flags(c, arg, (const char *[]){IMAPCLIENT_FLAGGED, NULL},
                                      1, cb, user, id);
}

static void on_done(imapclient *c, imapclient_completion *done)
{
    (void)c;
    printf("command %d: %s\n", (int)done->op, done->status ? done->errmsg : "done");
    if (done->op == IMAPCLIENT_OP_APPEND && done->status == 0) {
        const imapclient_append_result *r = done->result;
        if (r->count)
            printf("appended as UID %u\n", (unsigned)r->uids[0]);
    }
    (*(int *)done->user)++;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s HOST USER PASSWORD\n", argv[0]);
        return 2;
    }
    imapclient_session_config cfg;
    imapclient_session_config_init(&cfg);
    cfg.host = argv[1];
    cfg.auth = IMAPCLIENT_SESSION_AUTH_LOGIN;
    cfg.username = argv[2];
    cfg.password = argv[3];
    cfg.folder = "INBOX";
    imapclient_session *s = NULL;
    if (imapclient_session_new(&cfg, &s) != 0)
        return 1;
    static const char msg[] = "Message-ID: <note.1@example.org>\r\n"
                              "Subject: note\r\n\r\nhello\r\n";
    int done = 0;
    /* setting a flag twice does no harm: retried after a loss; the APPEND
     * is looked for by its Message-ID before it is ever sent again */
    if (imapclient_session_submit(s, start_flag, "1", IMAPCLIENT_SESSION_IDEMPOTENT,
                                  on_done, &done) != 0 ||
        imapclient_session_append(s, "INBOX", msg, sizeof msg - 1, NULL, on_done,
                                  &done) != 0 ||
        imapclient_session_refresh(s, on_done, &done) != 0) {
        imapclient_session_free(s);
        return 1;
    }
    while (done < 3 && imapclient_session_run(s, 1000) == 0)
        ;
    imapclient_session_free(s);
    return done == 3 ? 0 : 1;
}
/* @end */
