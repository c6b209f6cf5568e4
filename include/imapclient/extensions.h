/**
 * @file
 * libimapclient: ID (RFC 2971), ENABLE (RFC 5161), QUOTA (RFC 2087 /
 * RFC 9208) and ACL (RFC 4314), as IMAPClient's id_(), enable(),
 * get_quota(), get_quota_root(), set_quota(), getacl() and setacl();
 * beyond the reference: UTF8=ACCEPT (RFC 6855) and IMAP4rev2 (RFC 9051)
 * through ENABLE, UNAUTHENTICATE (RFC 8437), METADATA (RFC 5464) and
 * NOTIFY (RFC 5465).
 *
 * Each call first checks that the server announced its capability (ID,
 * ENABLE, QUOTA, ACL) and fails with IMAPCLIENT_ECAPABILITY without sending
 * anything otherwise. Folder names are UTF-8 and sent as modified UTF-7
 * while folder_encode is on (the default); names in results are decoded
 * the same way.
 */
#ifndef IMAPCLIENT_EXTENSIONS_H
#define IMAPCLIENT_EXTENSIONS_H

#include "client.h"
#include "mail.h"

IMAPCLIENT_BEGIN_DECLS

/* ---- ID ----------------------------------------------------------------- */

/** One field of an ID response. */
typedef struct imapclient_id_field {
    const char *key;   /**< field name as the server sent it, e.g. "name" */
    const char *value; /**< its value, or NULL for NIL */
} imapclient_id_field;

/** The server's ID fields (the reference's dict), in the server's order. */
typedef struct imapclient_id_result {
    size_t count;                      /**< number of fields */
    const imapclient_id_field *fields; /**< the fields, in the order sent */
} imapclient_id_result;

/**
 * Exchange implementation details with ID (IMAPClient.id_()).
 *
 * @param c       a connected handle (any state but IDLE)
 * @param params  NULL-terminated key, value, key, value, ... array, e.g.
 *                `(const char *[]){"name", "myprog", "version", "1.0", NULL}`;
 *                NULL (or an empty array) sends NIL
 * @param[out] out the server's fields, free with imapclient_id_result_free();
 *                set to NULL when the server answers `ID NIL` (or sends no
 *                ID response) and on failure
 * @return 0, IMAPCLIENT_ECAPABILITY (no ID), IMAPCLIENT_EINVAL (odd number of
 *         items, out NULL), IMAPCLIENT_ERROR (NO/BAD), IMAPCLIENT_EABORT or
 *         another negative code
 */
IMAPCLIENT_EXTERN int imapclient_id(imapclient *c, const char *const *params,
                                    imapclient_id_result **out);

/** The value of field key (case-insensitive), NULL when absent or NIL. */
IMAPCLIENT_EXTERN const char *imapclient_id_result_get(const imapclient_id_result *r,
                                                       const char *key);

/** Release an ID result; NULL is a no-op. */
IMAPCLIENT_EXTERN void imapclient_id_result_free(imapclient_id_result *r);

/* ---- ENABLE ------------------------------------------------------------- */

/** Capabilities the server enabled (from `* ENABLED`), upper-cased. */
typedef struct imapclient_enabled {
    size_t count;             /**< number of capabilities enabled */
    const char *const *items; /**< NULL-terminated too */
} imapclient_enabled;

/**
 * Enable server extensions such as CONDSTORE or UTF8=ACCEPT
 * (IMAPClient.enable()). Once enabled they stay on until the connection
 * closes (or imapclient_unauthenticate()). The library follows what the
 * server enabled of UTF8=ACCEPT and IMAP4rev2 (UTF-8 folder names, see
 * imapclient_is_utf8()) and records CONDSTORE and QRESYNC
 * (imapclient_is_enabled()).
 *
 * @param c            a handle in the authenticated state (RFC 5161: not
 *                     with a folder selected)
 * @param capabilities NULL-terminated list of capability names (atoms)
 * @param[out] out     what the server enabled (possibly none), free with
 *                     imapclient_enabled_free(); may be NULL when not wanted
 * @return 0, IMAPCLIENT_ECAPABILITY (no ENABLE), IMAPCLIENT_EILLEGAL_STATE
 *         (not logged in, or a folder is selected), IMAPCLIENT_EINVAL (empty
 *         list, a name that is not an atom), IMAPCLIENT_ERROR, IMAPCLIENT_EABORT
 */
IMAPCLIENT_EXTERN int imapclient_enable(imapclient *c, const char *const *capabilities,
                                        imapclient_enabled **out);

/** Release an ENABLE result; NULL is a no-op. */
IMAPCLIENT_EXTERN void imapclient_enabled_free(imapclient_enabled *r);

/**
 * Whether ENABLE turned on an extension that changes the protocol.
 *
 * Tracked are those turned on with imapclient_enable() on this
 * connection: CONDSTORE, QRESYNC (RFC 7162;
 * QRESYNC turns CONDSTORE on too), UTF8=ACCEPT (RFC 6855) or IMAP4rev2
 * (RFC 9051). Only what was asked for and named in the server's ENABLED
 * response counts; imapclient_unauthenticate() turns them all off.
 * Case-insensitive. Never fails.
 *
 * @return 1 or 0 (also for names the library does not track)
 */
IMAPCLIENT_EXTERN int imapclient_is_enabled(const imapclient *c, const char *capability);

/**
 * Whether IMAP4rev2 (RFC 9051) rules are in effect.
 *
 * They are when the server enabled IMAP4rev2 after `imapclient_enable(c, {"IMAP4rev2",
 * NULL}, ...)`, or it offers IMAP4rev2 without IMAP4rev1 (judged from the capabilities
 * cached so far). A server offering only IMAP4rev2 is used like any other; this getter
 * tells which rules apply. Then, as with UTF8=ACCEPT, mailbox names travel as UTF-8
 * (imapclient_is_utf8()) and non-synchronising literals of up to 4096 bytes are used
 * (IMAP4rev2 includes LITERAL-).
 *
 * @return 1 or 0
 */
IMAPCLIENT_EXTERN int imapclient_is_imap4rev2(const imapclient *c);

/**
 * Whether mailbox names and quoted strings travel as UTF-8.
 *
 * They do after UTF8=ACCEPT was enabled (RFC 6855, `imapclient_enable(c,
 * {"UTF8=ACCEPT", NULL}, ...)`) or while IMAP4rev2 rules apply. Folder
 * names are then sent as UTF-8 (not modified UTF-7) and names in
 * responses are taken as UTF-8, with folder_encode on; text with 8-bit
 * bytes goes in quoted strings instead of literals.
 *
 * @return 1 or 0
 */
IMAPCLIENT_EXTERN int imapclient_is_utf8(const imapclient *c);

/* ---- UNAUTHENTICATE ----------------------------------------------------- */

/**
 * End the authenticated session but keep the connection (RFC 8437).
 *
 * Sends UNAUTHENTICATE, to log in again, perhaps as someone else.
 * Afterwards the handle is as freshly connected (TLS and COMPRESS stay):
 * state IMAPCLIENT_STATE_NOT_AUTHENTICATED, no folder selected, every
 * ENABLEd extension off, capabilities asked again when next needed
 * (unless the completion carried them).
 *
 * @param c          an authenticated handle
 * @param[out] text  if not NULL, the completion text (valid until the next
 *                   call)
 * @return 0, IMAPCLIENT_ECAPABILITY (no UNAUTHENTICATE; nothing sent),
 *         IMAPCLIENT_EILLEGAL_STATE (not logged in), IMAPCLIENT_ERROR
 *         (NO/BAD: still authenticated), IMAPCLIENT_EABORT or another code
 */
IMAPCLIENT_EXTERN int imapclient_unauthenticate(imapclient *c, const char **text);

/* ---- METADATA (RFC 5464) ------------------------------------------------- */

/** depth for imapclient_get_metadata(): the entries and everything below. */
#define IMAPCLIENT_METADATA_DEPTH_INFINITY (-1)

/** One metadata entry (an annotation of a mailbox or of the server). */
typedef struct imapclient_metadata_entry {
    const char *name;  /**< entry name, e.g. "/private/comment" or "/shared/admin" */
    const char *value; /**< its value, NUL-terminated but it may hold NUL bytes (see
                            len); NULL for NIL: the entry does not exist, or (for
                            imapclient_set_metadata()) remove it */
    size_t len;        /**< bytes in value */
} imapclient_metadata_entry;

/** The entries GETMETADATA returned for one mailbox or for the server. */
typedef struct imapclient_metadata {
    const char *mailbox; /**< the mailbox, decoded; "" for server entries */
    size_t count;        /**< number of entries */
    const imapclient_metadata_entry *entries; /**< in the server's order */
    int has_longentries;  /**< the server left out values larger than maxsize */
    uint64_t longentries; /**< then: the size of the largest one left out
                               ([METADATA LONGENTRIES n]) */
} imapclient_metadata;

/**
 * Read metadata entries with GETMETADATA (RFC 5464 section 4.2).
 *
 * Entries the server does not have come back with a NULL value (NIL), or not at
 * all, as the server chooses.
 *
 * Values arrive as literals, so each is bounded by the options'
 * max_literal (a bigger one ends the connection with IMAPCLIENT_ETOOBIG);
 * when max_literal was set below its default, it is also sent as MAXSIZE
 * (lowering a larger maxsize), so that an honest server leaves such values
 * out and reports them in longentries instead.
 *
 * @param c        an authenticated handle
 * @param mailbox  UTF-8 mailbox name, or "" (or NULL) for the server's
 *                 own entries
 * @param entries  NULL-terminated entry names, e.g. {"/private/comment",
 *                 NULL}: "/"-separated, without "*", "%" or "//"
 * @param maxsize  MAXSIZE: values larger than this many bytes are left
 *                 out (see longentries); 0 sends none
 * @param depth    DEPTH: 0 (the entries only, sent as no option), 1 (and
 *                 their children) or IMAPCLIENT_METADATA_DEPTH_INFINITY
 *                 (everything below them)
 * @param[out] out the entries, free with imapclient_metadata_free()
 * @return 0, IMAPCLIENT_ECAPABILITY (no METADATA; for mailbox "" also
 *         METADATA-SERVER suffices), IMAPCLIENT_EILLEGAL_STATE,
 *         IMAPCLIENT_EINVAL (bad entry name or depth, out NULL),
 *         IMAPCLIENT_ERROR (NO/BAD), IMAPCLIENT_EPROTOCOL (malformed
 *         METADATA response), IMAPCLIENT_ETOOBIG, IMAPCLIENT_EABORT
 */
IMAPCLIENT_EXTERN int imapclient_get_metadata(imapclient *c, const char *mailbox,
                                              const char *const *entries,
                                              uint32_t maxsize, int depth,
                                              imapclient_metadata **out);

/** The entry called name (case-insensitive), or NULL when absent. */
IMAPCLIENT_EXTERN const imapclient_metadata_entry *
imapclient_metadata_get(const imapclient_metadata *m, const char *name);

/** Release a METADATA result; NULL is a no-op. */
IMAPCLIENT_EXTERN void imapclient_metadata_free(imapclient_metadata *m);

/**
 * Set or remove metadata entries with SETMETADATA (RFC 5464 section 4.3).
 *
 * All of them or none are changed. A value is sent as a string (a literal when it has
 * 8-bit bytes or line ends) or, when it holds NUL bytes, as a literal8
 * (`~{n}`, which not every server accepts); a NULL value (NIL) removes
 * the entry. Refusals come as IMAPCLIENT_ERROR with the server's code in
 * imapclient_errmsg(), e.g. `NO [METADATA MAXSIZE 1024]`,
 * `[METADATA TOOMANY]`, `[METADATA NOPRIVATE]`.
 *
 * @param mailbox    UTF-8 mailbox name, or "" (or NULL) for server entries
 * @param entries    n entries: name, value (or NULL) and len
 * @param n          at least 1
 * @param[out] text  if not NULL, the completion text (valid until the
 *                   next call)
 * @return as imapclient_get_metadata()
 */
IMAPCLIENT_EXTERN int imapclient_set_metadata(imapclient *c, const char *mailbox,
                                              const imapclient_metadata_entry *entries,
                                              size_t n, const char **text);

/* ---- NOTIFY (RFC 5465) --------------------------------------------------- */

/** Which mailboxes an event group of NOTIFY SET watches (RFC 5465 6). */
typedef enum imapclient_notify_filter {
    IMAPCLIENT_NOTIFY_SELECTED = 0,     /**< the selected mailbox */
    IMAPCLIENT_NOTIFY_SELECTED_DELAYED, /**< the same, expunges held back while
                                             message numbers are in use */
    IMAPCLIENT_NOTIFY_INBOXES,          /**< every mailbox mail is delivered to */
    IMAPCLIENT_NOTIFY_PERSONAL,         /**< every mailbox of the personal namespaces */
    IMAPCLIENT_NOTIFY_SUBSCRIBED,       /**< every subscribed mailbox */
    IMAPCLIENT_NOTIFY_SUBTREE,          /**< the named mailboxes and all below them */
    IMAPCLIENT_NOTIFY_MAILBOXES         /**< the named mailboxes */
} imapclient_notify_filter;

/* Events of an imapclient_notify_group (RFC 5465 section 5), OR-ed. */
#define IMAPCLIENT_EVENT_MESSAGE_NEW             0x01u /**< MessageNew */
#define IMAPCLIENT_EVENT_MESSAGE_EXPUNGE         0x02u /**< MessageExpunge */
#define IMAPCLIENT_EVENT_FLAG_CHANGE             0x04u /**< FlagChange */
#define IMAPCLIENT_EVENT_ANNOTATION_CHANGE       0x08u /**< AnnotationChange */
#define IMAPCLIENT_EVENT_MAILBOX_NAME            0x10u /**< MailboxName */
#define IMAPCLIENT_EVENT_SUBSCRIPTION_CHANGE     0x20u /**< SubscriptionChange */
#define IMAPCLIENT_EVENT_MAILBOX_METADATA_CHANGE 0x40u /**< MailboxMetadataChange */
#define IMAPCLIENT_EVENT_SERVER_METADATA_CHANGE  0x80u /**< ServerMetadataChange */
/** MessageNew, MessageExpunge and FlagChange: what a mail view needs. */
#define IMAPCLIENT_EVENT_MESSAGES                                                        \
    (IMAPCLIENT_EVENT_MESSAGE_NEW | IMAPCLIENT_EVENT_MESSAGE_EXPUNGE |                   \
     IMAPCLIENT_EVENT_FLAG_CHANGE)

/** One event group of NOTIFY SET: "(filter events)". */
typedef struct imapclient_notify_group {
    imapclient_notify_filter filter; /**< which mailboxes */
    const char *const *mailboxes;    /**< SUBTREE and MAILBOXES: NULL-terminated
                                          UTF-8 names (at least one); else NULL */
    unsigned events;                 /**< IMAPCLIENT_EVENT_* bits; 0 sends NONE
                                          (no events for these mailboxes) */
    const char *const *fetch_attrs;  /**< SELECTED groups with MessageNew:
                                          NULL-terminated fetch attributes sent
                                          for each new message, e.g. {"UID",
                                          "FLAGS", NULL}, each well-formed as
                                          imapclient_fetch()'s data items
                                          (else EINVAL); NULL for none */
} imapclient_notify_group;

/**
 * Ask for notifications with NOTIFY SET (RFC 5465).
 *
 * The server then sends the events of the groups as untagged responses at any time, read
 * like any unsolicited response through imapclient_noop(), imapclient_idle_check() or
 * imapclient_take_responses() and decoded by imapclient_notify_event_from_response().
 * Each SET replaces the one before.
 *
 * Checked before sending (RFC 5465 section 5): for the selected mailbox,
 * MessageNew and MessageExpunge go together and FlagChange and
 * AnnotationChange need both; fetch attributes need MessageNew and a
 * SELECTED or SELECTED_DELAYED group; SUBTREE and MAILBOXES need mailboxes
 * (and only they take them). A server that cannot deliver an event
 * refuses with `NO [BADEVENT ...]` (IMAPCLIENT_ERROR, the code in
 * imapclient_errmsg()).
 *
 * @param c       an authenticated handle
 * @param groups  n event groups
 * @param n       at least 1
 * @param status  non-zero sends "SET STATUS": the server first reports a
 *                STATUS of every watched mailbox (not the selected one)
 * @return 0, IMAPCLIENT_ECAPABILITY (no NOTIFY; nothing sent),
 *         IMAPCLIENT_EILLEGAL_STATE, IMAPCLIENT_EINVAL, IMAPCLIENT_ERROR
 *         (NO/BAD), IMAPCLIENT_EABORT or another code
 */
IMAPCLIENT_EXTERN int imapclient_notify_set(imapclient *c,
                                            const imapclient_notify_group *groups,
                                            size_t n, int status);

/**
 * Stop all notifications with NOTIFY NONE (RFC 5465 section 3.1).
 *
 * @return as imapclient_notify_set()
 */
IMAPCLIENT_EXTERN int imapclient_notify_none(imapclient *c);

/** What a notification tells (the kind of response it came as). */
typedef enum imapclient_notify_kind {
    IMAPCLIENT_NOTIFY_EXISTS = 1, /**< selected mailbox: `* n EXISTS`, new messages
                                       (MessageNew); number is the new count */
    IMAPCLIENT_NOTIFY_EXPUNGE,    /**< selected mailbox: `* n EXPUNGE` (MessageExpunge);
                                       number is the message number */
    IMAPCLIENT_NOTIFY_VANISHED,   /**< selected mailbox: `* VANISHED [(EARLIER)] set`
                                       (MessageExpunge with QRESYNC); uid_set */
    IMAPCLIENT_NOTIFY_FETCH,      /**< selected mailbox: `* n FETCH (...)`: flags
                                       changed (FlagChange), or the attributes of a
                                       new message (MessageNew) */
    IMAPCLIENT_NOTIFY_STATUS,     /**< another mailbox changed: `* STATUS` (MessageNew,
                                       MessageExpunge, FlagChange) */
    IMAPCLIENT_NOTIFY_MAILBOX,    /**< `* LIST`: a mailbox was created, deleted
                                       (nonexistent), renamed (old_mailbox), or
                                       (un)subscribed (subscribed) */
    IMAPCLIENT_NOTIFY_METADATA,   /**< `* METADATA mailbox entry ...`: entries changed
                                       (mailbox "" for the server's) */
    IMAPCLIENT_NOTIFY_OVERFLOW    /**< `* OK [NOTIFICATIONOVERFLOW]`: the server gave up
                                       and sends no more events (as after NOTIFY NONE) */
} imapclient_notify_kind;

/* imapclient_notify_event.status_items: which STATUS values came. */
#define IMAPCLIENT_NOTIFY_HAS_MESSAGES      0x01u /**< messages is set */
#define IMAPCLIENT_NOTIFY_HAS_UIDNEXT       0x02u /**< uidnext is set */
#define IMAPCLIENT_NOTIFY_HAS_UIDVALIDITY   0x04u /**< uidvalidity is set */
#define IMAPCLIENT_NOTIFY_HAS_UNSEEN        0x08u /**< unseen is set */
#define IMAPCLIENT_NOTIFY_HAS_HIGHESTMODSEQ 0x10u /**< highestmodseq is set */
#define IMAPCLIENT_NOTIFY_HAS_RECENT        0x20u /**< recent is set */

/** A notification decoded from an untagged response. */
typedef struct imapclient_notify_event {
    imapclient_notify_kind kind; /**< what happened */
    uint32_t number;             /**< EXISTS: the message count; EXPUNGE, FETCH: the
                                      message number */

    /* FETCH */
    int has_uid;              /**< the FETCH carried a UID */
    uint32_t uid;             /**< the UID, when the FETCH carried one */
    int has_flags;            /**< the FETCH carried FLAGS */
    const char *const *flags; /**< the flags, NULL-terminated, when it carried them */
    size_t flag_count;        /**< entries in flags */
    int has_modseq;           /**< the FETCH carried MODSEQ */
    uint64_t modseq;          /**< MODSEQ, when it carried one (CONDSTORE) */

    /* VANISHED */
    const char *uid_set; /**< the UIDs as sent ("3:5,9"; never expanded) */
    int earlier;         /**< VANISHED (EARLIER) */

    /* STATUS, MAILBOX, METADATA */
    const char *mailbox; /**< the mailbox, decoded; "" for server metadata */

    /* STATUS */
    unsigned status_items;  /**< IMAPCLIENT_NOTIFY_HAS_* of the values below */
    uint64_t messages;      /**< MESSAGES */
    uint64_t uidnext;       /**< UIDNEXT */
    uint64_t uidvalidity;   /**< UIDVALIDITY */
    uint64_t unseen;        /**< UNSEEN */
    uint64_t highestmodseq; /**< HIGHESTMODSEQ */
    uint64_t recent;        /**< RECENT */

    /* MAILBOX */
    const char *delimiter;         /**< hierarchy delimiter, or NULL (NIL) */
    const char *const *attributes; /**< LIST attributes, NULL-terminated */
    size_t attribute_count;        /**< entries in attributes */
    int nonexistent;               /**< `\NonExistent`: deleted (or renamed away) */
    int subscribed;                /**< `\Subscribed` */
    const char *old_mailbox; /**< renamed: the old name (OLDNAME), decoded; else NULL */

    /* METADATA */
    const char *const *entries; /**< the entries that changed, NULL-terminated */
    size_t entry_count;         /**< entries in entries */

    /** The attributes (FETCH) or items (STATUS) as sent, every one of them;
     *  the empty list for other kinds. */
    const imapclient_value *items;

    /** VANISHED: the same UIDs as uid_set, as a set of ranges (as the RFC 7162
     *  results of condstore.h hold them; never expanded); empty for other
     *  kinds */
    imapclient_uidset vanished;
} imapclient_notify_event;

/**
 * Decode a response that carries a NOTIFY event.
 *
 * The response is one returned by imapclient_noop(), imapclient_idle_check(),
 * imapclient_idle_done() or imapclient_take_responses() after imapclient_notify_set()
 * (the same responses also come without NOTIFY, for the selected mailbox). Folder names
 * are decoded as the handle's folder_encode and UTF-8 settings say; a mailbox the client
 * never heard of is reported like any other.
 *
 * @param c        the handle the response came from (its settings are
 *                 read; its error state is not touched)
 * @param r        the response
 * @param[out] out the event, free with imapclient_notify_event_free();
 *                 NULL when r is not a notification (a tagged response,
 *                 FLAGS, SEARCH, an OK without NOTIFICATIONOVERFLOW, ...)
 * @return 0 (whether or not r was an event), IMAPCLIENT_EPROTOCOL (a
 *         response of a notification's kind that is malformed, e.g. a
 *         STATUS without its list), IMAPCLIENT_EINVAL (NULL argument),
 *         IMAPCLIENT_ENOMEM
 */
IMAPCLIENT_EXTERN int
imapclient_notify_event_from_response(const imapclient *c, const imapclient_response *r,
                                      imapclient_notify_event **out);

/** Release an event; NULL is a no-op. */
IMAPCLIENT_EXTERN void imapclient_notify_event_free(imapclient_notify_event *e);

/* ---- QUOTA -------------------------------------------------------------- */

/** One resource of a quota root (the reference's Quota). */
typedef struct imapclient_quota {
    const char *quota_root; /**< e.g. "User quota" */
    const char *resource;   /**< e.g. "STORAGE" (in KiB), "MESSAGE" */
    uint64_t usage;         /**< current usage (ignored by set_quota) */
    uint64_t limit;         /**< the limit */
} imapclient_quota;

/** A list of quotas. */
typedef struct imapclient_quotas {
    size_t count;                  /**< number of quotas */
    const imapclient_quota *items; /**< the quotas: items[0..count) */
} imapclient_quotas;

/** The quota roots of a mailbox (the reference's MailboxQuotaRoots). */
typedef struct imapclient_quota_roots {
    const char *mailbox;      /**< the mailbox, decoded */
    size_t count;             /**< number of roots (0: no quota) */
    const char *const *roots; /**< the roots, NULL-terminated too */
} imapclient_quota_roots;

/**
 * The quotas that apply to a mailbox (IMAPClient.get_quota()): sends
 * GETQUOTAROOT and returns its quotas.
 *
 * @param c        an authenticated handle
 * @param mailbox  UTF-8 mailbox name; NULL means "INBOX" (the reference's
 *                 default)
 * @param[out] out the quotas (possibly none), free with imapclient_quotas_free()
 * @return 0, IMAPCLIENT_ECAPABILITY (no QUOTA), IMAPCLIENT_EILLEGAL_STATE,
 *         IMAPCLIENT_EINVAL, IMAPCLIENT_ERROR (NO/BAD), IMAPCLIENT_EPROTOCOL
 *         (malformed QUOTA data), IMAPCLIENT_EABORT
 */
IMAPCLIENT_EXTERN int imapclient_get_quota(imapclient *c, const char *mailbox,
                                           imapclient_quotas **out);

/**
 * The quota roots of a mailbox and their quotas in one GETQUOTAROOT
 * (IMAPClient.get_quota_root(), which returns (MailboxQuotaRoots, [Quota])).
 *
 * @param mailbox          UTF-8 mailbox name
 * @param[out] roots_out   the roots, free with imapclient_quota_roots_free();
 *                         may be NULL when not wanted
 * @param[out] quotas_out  the quotas, free with imapclient_quotas_free(); may
 *                         be NULL when not wanted
 * @return as imapclient_get_quota()
 */
IMAPCLIENT_EXTERN int imapclient_get_quota_root(imapclient *c, const char *mailbox,
                                                imapclient_quota_roots **roots_out,
                                                imapclient_quotas **quotas_out);

/**
 * The quotas of one quota root (GETQUOTA). Not in the reference, whose
 * get_quota() takes a mailbox.
 *
 * @param root     a quota root name as returned by imapclient_get_quota_root()
 * @param[out] out the quotas, free with imapclient_quotas_free()
 * @return as imapclient_get_quota()
 */
IMAPCLIENT_EXTERN int imapclient_get_quota_for_root(imapclient *c, const char *root,
                                                    imapclient_quotas **out);

/**
 * Set resource limits of one quota root with SETQUOTA
 * (IMAPClient.set_quota()). Servers usually reserve this for administrators.
 *
 * @param quotas   n quotas, all with the same quota_root; each resource is
 *                 an atom; usage is ignored
 * @param n        number of quotas (at least 1)
 * @param[out] out the quotas the server reports back (possibly none), free
 *                 with imapclient_quotas_free(); may be NULL
 * @return 0, IMAPCLIENT_ECAPABILITY, IMAPCLIENT_EILLEGAL_STATE,
 *         IMAPCLIENT_EINVAL (n 0, roots differ, bad resource name),
 *         IMAPCLIENT_ERROR (refused), IMAPCLIENT_EPROTOCOL, IMAPCLIENT_EABORT
 */
IMAPCLIENT_EXTERN int imapclient_set_quota(imapclient *c, const imapclient_quota *quotas,
                                           size_t n, imapclient_quotas **out);

/** Release a quota list; NULL is a no-op. */
IMAPCLIENT_EXTERN void imapclient_quotas_free(imapclient_quotas *q);
/** Release quota roots; NULL is a no-op. */
IMAPCLIENT_EXTERN void imapclient_quota_roots_free(imapclient_quota_roots *r);

/* ---- ACL ---------------------------------------------------------------- */

/** One access right entry: an identifier and its rights, e.g. "lrs". */
typedef struct imapclient_acl_entry {
    const char *who;    /**< the identifier (a user or group) */
    const char *rights; /**< its rights, one letter each (RFC 4314) */
} imapclient_acl_entry;

/** The access control list of a folder (the reference's [(who, acl)]). */
typedef struct imapclient_acl {
    size_t count;                      /**< number of entries */
    const imapclient_acl_entry *items; /**< the entries: items[0..count) */
} imapclient_acl;

/**
 * The access control list of a folder (IMAPClient.getacl()).
 *
 * @param folder   UTF-8 folder name
 * @param[out] out the entries, free with imapclient_acl_free()
 * @return 0, IMAPCLIENT_ECAPABILITY (no ACL), IMAPCLIENT_EILLEGAL_STATE,
 *         IMAPCLIENT_EINVAL, IMAPCLIENT_ERROR (NO/BAD, e.g. no right to
 *         administer), IMAPCLIENT_EPROTOCOL, IMAPCLIENT_EABORT
 */
IMAPCLIENT_EXTERN int imapclient_getacl(imapclient *c, const char *folder,
                                        imapclient_acl **out);

/**
 * Set the rights of an identifier on a folder (IMAPClient.setacl()).
 *
 * As in the reference, an empty what removes the identifier's entry; it is
 * sent as DELETEACL (RFC 4314 section 3.2), because SETACL with "" leaves
 * an entry without rights behind on some servers (Dovecot). A leading "+"
 * or "-" in what adds or removes rights instead of replacing them.
 *
 * @param folder     UTF-8 folder name
 * @param who        the identifier, e.g. "otheruser", "anyone"
 * @param what       the rights, e.g. "lrs"; "" removes
 * @param[out] text  if not NULL, the server's completion text (valid until
 *                   the next call)
 * @return as imapclient_getacl()
 */
IMAPCLIENT_EXTERN int imapclient_setacl(imapclient *c, const char *folder,
                                        const char *who, const char *what,
                                        const char **text);

/**
 * Remove an identifier's entry with DELETEACL (RFC 4314 section 3.2), the
 * same as imapclient_setacl() with empty rights. Not in the reference.
 *
 * @return as imapclient_setacl()
 */
IMAPCLIENT_EXTERN int imapclient_deleteacl(imapclient *c, const char *folder,
                                           const char *who, const char **text);

/** Release an ACL; NULL is a no-op. */
IMAPCLIENT_EXTERN void imapclient_acl_free(imapclient_acl *a);

/* ------------------------------------------------------------------ */
/* URLAUTH (RFC 4467)                                                   */
/* ------------------------------------------------------------------ */

/**
 * Invalidate URLAUTH keys (RESETKEY, RFC 4467 section 6.1): every URL
 * authorized so far stops working. With mailbox NULL all the user's keys
 * are reset; else the mailbox's, for the mechanisms given (NULL: all).
 *
 * @param mailbox     UTF-8 folder name, or NULL for every mailbox
 * @param mechanisms  NULL-terminated mechanisms ("INTERNAL"), or NULL;
 *                    only with a mailbox
 * @return 0; IMAPCLIENT_ECAPABILITY without URLAUTH (nothing sent);
 *         IMAPCLIENT_EINVAL (a mechanism that is not one, mechanisms
 *         without mailbox); IMAPCLIENT_EILLEGAL_STATE; IMAPCLIENT_ERROR;
 *         IMAPCLIENT_EABORT
 */
IMAPCLIENT_EXTERN int imapclient_resetkey(imapclient *c, const char *mailbox,
                                          const char *const *mechanisms);

/** The authorized URLs of imapclient_genurlauth(). */
typedef struct imapclient_urlauth_urls {
    size_t count;            /**< number of URLs */
    const char *const *urls; /**< in the order the server sent them;
                                  NULL-terminated too */
} imapclient_urlauth_urls;

/** Release a GENURLAUTH result; NULL is a no-op. */
IMAPCLIENT_EXTERN void imapclient_urlauth_urls_free(imapclient_urlauth_urls *r);

/**
 * Authorize URLs (GENURLAUTH, RFC 4467 section 6.2): each URL rump
 * (`imap://user@host/INBOX;UIDVALIDITY=n/;UID=n/;SECTION=1;urlauth=submit+user`,
 * whose path imapclient_message_url() builds) comes back with the
 * server's access token appended, for a third party to fetch with
 * URLFETCH (a submission server's BURL, RFC 4468).
 *
 * @param urls       NULL-terminated URL rumps, sent as strings
 * @param mechanism  the authorization mechanism, or NULL for "INTERNAL"
 * @param[out] out   the authorized URLs; free with
 *                   imapclient_urlauth_urls_free()
 * @return 0; IMAPCLIENT_ECAPABILITY without URLAUTH (nothing sent);
 *         IMAPCLIENT_EINVAL (no URL, an empty one, one of more than 8192
 *         bytes or with control bytes, a bad mechanism);
 *         IMAPCLIENT_ERROR (NO: e.g. a rump without ;urlauth=);
 *         IMAPCLIENT_EPROTOCOL; IMAPCLIENT_EABORT
 */
IMAPCLIENT_EXTERN int imapclient_genurlauth(imapclient *c, const char *const *urls,
                                            const char *mechanism,
                                            imapclient_urlauth_urls **out);

/** One URL of a URLFETCH answer. */
typedef struct imapclient_urlfetch_item {
    const char *url;  /**< the URL as the server echoed it */
    const char *data; /**< the data (NUL-terminated too), or NULL: the
                           server could not resolve the URL (NIL) */
    size_t len;       /**< bytes in data */
} imapclient_urlfetch_item;

/** The answer of imapclient_urlfetch(). */
typedef struct imapclient_urlfetch_result {
    size_t count;                          /**< entries in items */
    const imapclient_urlfetch_item *items; /**< in the order sent back */
} imapclient_urlfetch_result;

/** The item for url (compared exactly), or NULL. */
IMAPCLIENT_EXTERN const imapclient_urlfetch_item *
imapclient_urlfetch_result_get(const imapclient_urlfetch_result *r, const char *url);

/** Release a URLFETCH result; NULL is a no-op. */
IMAPCLIENT_EXTERN void imapclient_urlfetch_result_free(imapclient_urlfetch_result *r);

/**
 * Fetch the data of IMAP URLs (URLFETCH, RFC 4467 section 6.3), usually
 * URLs another user authorized with GENURLAUTH. A URL the server cannot
 * resolve comes back with data NULL. Each datum is a literal bounded by
 * options.max_literal.
 *
 * @param urls      NULL-terminated URLs, sent as strings
 * @param[out] out  free with imapclient_urlfetch_result_free()
 * @return 0; IMAPCLIENT_ECAPABILITY without URLAUTH (nothing sent);
 *         IMAPCLIENT_EINVAL (as imapclient_genurlauth()); IMAPCLIENT_ERROR;
 *         IMAPCLIENT_EPROTOCOL; IMAPCLIENT_ETOOBIG; IMAPCLIENT_EABORT
 */
IMAPCLIENT_EXTERN int imapclient_urlfetch(imapclient *c, const char *const *urls,
                                          imapclient_urlfetch_result **out);

IMAPCLIENT_END_DECLS

#endif
