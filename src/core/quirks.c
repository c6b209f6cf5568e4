/*
 * Server quirks as data (include/imapclient/quirks.h): the profiles, and
 * their detection from what the server says about itself: the ID response
 * (RFC 2971), the greeting (RFC 3501 section 7.1) and the capabilities.
 *
 * Where the evidence comes from: greetings, capability lists and ID
 * responses captured from the servers (tests/data/quirks/, each file names
 * its source), MailKit's quirks detection, and the public bug reports
 * cited with each switch.
 */
#include "core.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* How strongly the server named itself: higher replaces lower. */
enum { EVIDENCE_NONE, EVIDENCE_CAPS, EVIDENCE_GREETING, EVIDENCE_ID };

#define PROFILE(n, ...)                                                                  \
    {                                                                                    \
        .version = IMAPCLIENT_QUIRKS_VERSION, .name = n, .list_flags_special_use = 1,    \
        .idle_max_ms = IMAPCLIENT_IDLE_MAX_MS, __VA_ARGS__                               \
    }

/* The profiles; "default" first. A switch is set here only on evidence
 * (see quirks.h for what each does and where it was seen). */
static const imapclient_quirks profiles[] = {
    PROFILE("default"),
    PROFILE("gmail"),
    PROFILE("exchange"),
    /* "UID SEARCH CHARSET utf-8 ALL" -> "BAD [CLIENTBUG] UID SEARCH Command
     * arguments invalid" (aioimaplib issue 126) */
    PROFILE("yahoo", .search_no_charset = 1),
    PROFILE("icloud"),
    PROFILE("domino"),
    PROFILE("courier"),
    PROFILE("cyrus"),
    PROFILE("dovecot"),
    PROFILE("mailru"),
    /* "NO SELECT Unsafe Login. Please contact kefu@188.com for help" until
     * the client sends ID (163.com's help pages; himalaya issue 651) */
    PROFILE("netease", .id_before_select = 1),
};

#define NPROFILES (sizeof profiles / sizeof profiles[0])

static const char *const profile_names[NPROFILES + 1] = {
    "default", "gmail", "exchange", "yahoo",  "icloud",  "domino",
    "courier", "cyrus", "dovecot",  "mailru", "netease", NULL,
};

/* How a profile is recognised: words in the ID response's name or vendor,
 * in the greeting, or a capability (matched without regard to case). */
static const struct rule {
    const char *profile;
    const char *id[3];
    const char *greeting[3];
    const char *cap[2];
} rules[] = {
    {"gmail", {"GImap", "Google"}, {"Gimap ready"}, {"X-GM-EXT-1"}},
    {"exchange", {"Exchange", "Microsoft"}, {"Microsoft Exchange"}, {NULL}},
    {"yahoo", {"Yahoo"}, {NULL}, {"XYMHIGHESTMODSEQ"}},
    {"icloud", {"iCloud", "Apple"}, {"iSCREAM"}, {"AUTH=ATOKEN"}},
    {"domino", {"Domino"}, {"Domino IMAP4 Server"}, {NULL}},
    {"courier", {"Courier"}, {"Courier-IMAP"}, {NULL}},
    {"cyrus", {"Cyrus"}, {"Cyrus IMAP"}, {NULL}},
    {"dovecot", {"Dovecot"}, {"Dovecot"}, {NULL}},
    {"mailru", {"Mail.Ru"}, {NULL}, {NULL}},
    {"netease", {"Coremail", "NetEase"}, {"Coremail"}, {NULL}},
};

static const imapclient_quirks *find_profile(const char *name)
{
    for (size_t i = 0; name && i < NPROFILES; i++)
        if (strcasecmp(profiles[i].name, name) == 0)
            return &profiles[i];
    return NULL;
}

int imapclient_quirks_profile(const char *name, imapclient_quirks *out)
{
    const imapclient_quirks *p = find_profile(name);
    if (out)
        *out = p ? *p : profiles[0];
    return p && out ? 0 : IMAPCLIENT_EINVAL;
}

const char *const *imapclient_quirks_profile_names(void)
{
    return profile_names;
}

const imapclient_quirks *imapclient_get_quirks(const imapclient *c)
{
    return c ? &c->quirks : &profiles[0];
}

/* Case-insensitive substring. */
static int contains(const char *hay, const char *needle)
{
    if (!hay || !needle)
        return 0;
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return 1;
    return 0;
}

static int any_in(const char *text, const char *const *words, size_t nwords)
{
    for (size_t i = 0; i < nwords && words[i]; i++)
        if (contains(text, words[i]))
            return 1;
    return 0;
}

#define NRULES (sizeof rules / sizeof rules[0])

/* The rule the evidence names, and how strong that evidence is. */
static const struct rule *recognise(const imapclient *c, int *evidence)
{
    /* the ID name before the vendor: a Dovecot that Apple ships names
     * itself "Dovecot" */
    const char *id[] = {c->server_id_name, c->server_id_vendor};
    for (size_t k = 0; k < 2; k++)
        for (size_t i = 0; *id[k] && i < NRULES; i++)
            if (any_in(id[k], rules[i].id, 3)) {
                *evidence = EVIDENCE_ID;
                return &rules[i];
            }
    for (size_t i = 0; c->welcome && i < NRULES; i++)
        if (any_in(c->welcome, rules[i].greeting, 3)) {
            *evidence = EVIDENCE_GREETING;
            return &rules[i];
        }
    for (size_t i = 0; i < NRULES; i++)
        for (size_t k = 0; k < 2 && rules[i].cap[k]; k++)
            if (imc_has_cap(c, rules[i].cap[k])) {
                *evidence = EVIDENCE_CAPS;
                return &rules[i];
            }
    *evidence = EVIDENCE_NONE;
    return NULL;
}

void imc_quirks_init(imapclient *c)
{
    if (c->opts.quirks && c->opts.quirks->version == IMAPCLIENT_QUIRKS_VERSION) {
        c->quirks = *c->opts.quirks;
        c->quirks.name[sizeof c->quirks.name - 1] = '\0';
        c->quirks_pinned = 1;
    } else {
        c->quirks = profiles[0];
        c->quirks_pinned = 0;
    }
    c->opts.quirks = NULL; /* the caller's struct may not outlive connect */
    c->quirks_evidence = EVIDENCE_NONE;
}

void imc_quirks_detect(imapclient *c)
{
    if (c->quirks_pinned)
        return;
    int evidence;
    const struct rule *r = recognise(c, &evidence);
    if (!r || evidence < c->quirks_evidence)
        return;
    c->quirks_evidence = evidence;
    if (strcmp(c->quirks.name, r->profile) == 0)
        return;
    c->quirks = *find_profile(r->profile);
    if (c->opts.log) {
        static const char *from[] = {"", "capabilities", "greeting", "ID response"};
        char tmp[96];
        snprintf(tmp, sizeof tmp, "server quirks: profile %s (from the %s)", r->profile,
                 from[evidence]);
        imc_log_info(c, tmp);
    }
}

void imc_quirks_note_id(imapclient *c, const char *name, const char *vendor)
{
    snprintf(c->server_id_name, sizeof c->server_id_name, "%s", name ? name : "");
    snprintf(c->server_id_vendor, sizeof c->server_id_vendor, "%s", vendor ? vendor : "");
    imc_quirks_detect(c);
}

int imapclient_set_quirks(imapclient *c, const imapclient_quirks *q)
{
    if (!c)
        return IMAPCLIENT_EINVAL;
    if (!q) {
        c->quirks = profiles[0];
        c->quirks_pinned = 0;
        c->quirks_evidence = EVIDENCE_NONE;
        imc_quirks_detect(c);
        return 0;
    }
    if (q->version != IMAPCLIENT_QUIRKS_VERSION || !memchr(q->name, '\0', sizeof q->name))
        return IMAPCLIENT_EINVAL;
    c->quirks = *q;
    c->quirks_pinned = 1;
    return 0;
}
