/*
 * libimapclient: ID (RFC 2971), ENABLE (RFC 5161), QUOTA (RFC 2087 /
 * RFC 9208) and ACL (RFC 4314), as IMAPClient's id_(), enable(),
 * get_quota(), get_quota_root(), set_quota(), getacl() and setacl().
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

IMAPCLIENT_BEGIN_DECLS

/* ---- ID ----------------------------------------------------------------- */

/** One field of an ID response. */
typedef struct imapclient_id_field {
    const char *key;   /**< field name as the server sent it, e.g. "name" */
    const char *value; /**< its value, or NULL for NIL */
} imapclient_id_field;

/** The server's ID fields (the reference's dict), in the server's order. */
typedef struct imapclient_id_result {
    size_t count;
    const imapclient_id_field *fields;
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
    size_t count;
    const char *const *items; /**< NULL-terminated too */
} imapclient_enabled;

/**
 * Enable server extensions such as CONDSTORE or UTF8=ACCEPT
 * (IMAPClient.enable()). Once enabled they stay on until the connection
 * closes.
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
    size_t count;
    const imapclient_quota *items;
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
    const char *who;
    const char *rights;
} imapclient_acl_entry;

/** The access control list of a folder (the reference's [(who, acl)]). */
typedef struct imapclient_acl {
    size_t count;
    const imapclient_acl_entry *items;
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

IMAPCLIENT_END_DECLS

#endif
