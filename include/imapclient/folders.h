/**
 * @file
 * libimapclient: folders and selection (the folder side of IMAPClient).
 *
 * Listing (LIST, LSUB, XLIST), special folders (SPECIAL-USE and the
 * reference's name heuristics), STATUS, CREATE, DELETE, RENAME, SUBSCRIBE,
 * UNSUBSCRIBE, SELECT / EXAMINE, UNSELECT, CLOSE and NAMESPACE.
 *
 * Folder names: every name given to these calls is UTF-8 and is sent in
 * modified UTF-7 when folder_encode is on (the default), else sent as the
 * bytes given. Either way it is sent as an atom, a quoted string or a
 * literal as its bytes require, so names with spaces, quotes, backslashes,
 * '&', '%', '*', only digits or 8-bit bytes all work. Names in results are
 * decoded from modified UTF-7 when folder_encode is on; a name that is not
 * valid modified UTF-7 is returned as the bytes the server sent.
 *
 * RFC 3501 (sections 5.1, 6.3), RFC 9051, RFC 2342 (NAMESPACE), RFC 3691
 * (UNSELECT), RFC 5258 (LIST-EXTENDED), RFC 5819 (LIST-STATUS), RFC 6154
 * (SPECIAL-USE, CREATE-SPECIAL-USE), RFC 7162 (CONDSTORE: HIGHESTMODSEQ,
 * NOMODSEQ), RFC 7889 (APPENDLIMIT in STATUS), RFC 8438 (STATUS=SIZE),
 * RFC 8474 (OBJECTID: MAILBOXID).
 */
#ifndef IMAPCLIENT_FOLDERS_H
#define IMAPCLIENT_FOLDERS_H

#include "client.h"
#include "common.h"
#include "mail.h"
#include "types.h"

IMAPCLIENT_BEGIN_DECLS

/* ------------------------------------------------------------------ */
/* Constants                                                            */
/* ------------------------------------------------------------------ */

/** The one folder every account has. */
#define IMAPCLIENT_INBOX "INBOX"

/* Special-use folder flags (RFC 6154), for imapclient_find_special_folder().
 * `\Flagged` is omitted as in the reference: it is also a message flag. */
#define IMAPCLIENT_ALL     "\\All"     /**< all messages */
#define IMAPCLIENT_ARCHIVE "\\Archive" /**< archived messages */
#define IMAPCLIENT_DRAFTS  "\\Drafts"  /**< drafts */
#define IMAPCLIENT_JUNK    "\\Junk"    /**< spam */
#define IMAPCLIENT_SENT    "\\Sent"    /**< sent messages */
#define IMAPCLIENT_TRASH   "\\Trash"   /**< deleted messages */

/* ------------------------------------------------------------------ */
/* Listing                                                              */
/* ------------------------------------------------------------------ */

/** One folder of a LIST, LSUB or XLIST reply: the reference's
 *  (flags, delimiter, name) tuple. */
typedef struct imapclient_folder {
    const char *const *flags;         /**< NULL-terminated, as sent ("\\HasNoChildren",
                                           "\\Sent"); never NULL */
    size_t flag_count;                /**< entries in flags */
    const char *delimiter;            /**< hierarchy delimiter ("/", "."), NULL for NIL */
    const char *name;                 /**< UTF-8 when folder_encode is on and the name
                                           decodes, else the bytes sent */
    size_t name_len;                  /**< bytes in name */
    const char *raw_name;             /**< the name exactly as sent (modified UTF-7);
                                           pass it with folder_encode off to reach it */
    size_t raw_name_len;              /**< bytes in raw_name */
    const imapclient_value *extended; /**< the LIST-EXTENDED data after the name
                                           (RFC 5258 mbox-list-extended, e.g.
                                           (("CHILDINFO" ("SUBSCRIBED")))); an
                                           empty LIST when none; never NULL */
    const struct imapclient_status_info *status; /**< the folder's STATUS
                                           (LIST-STATUS, RFC 5819: asked with
                                           imapclient_list_status() or status
                                           items in imapclient_list_extended());
                                           NULL when none came (not asked, or a
                                           folder that cannot be selected);
                                           owned by the list, never freed alone */
    const char *const *childinfo; /**< CHILDINFO extended data (RFC 5258 section
                                       3.5): the selection options ("SUBSCRIBED",
                                       "SPECIAL-USE") a child matches that this
                                       folder does not; NULL-terminated, never NULL */
    size_t childinfo_count;       /**< entries in childinfo */
    const char *old_name;         /**< OLDNAME extended data (RFC 9051, RFC 5465):
                                       the name before a rename, decoded as name;
                                       NULL when not sent */
    int nonexistent;              /**< `\NonExistent` (RFC 5258, RFC 9051): listed
                                       (subscribed, or a parent of matches) but
                                       no such folder; it cannot be selected */
} imapclient_folder;

/** The folders of one listing, in the order the server sent them. */
typedef struct imapclient_folder_list {
    imapclient_folder *folders; /**< folders[0..count) */
    size_t count;               /**< number of folders (may be 0) */
} imapclient_folder_list;

/**
 * List folders (IMAPClient.list_folders).
 *
 * Sends LIST directory pattern. While NOTIFY is on
 * (imapclient_notify_set()), LIST responses for folders the pattern does
 * not match (and renames, with OLDNAME) are events: they are kept for
 * imapclient_noop() instead of joining the result.
 *
 * @param c          an authenticated handle
 * @param directory  base directory (reference name), NULL for "" (the default)
 * @param pattern    mailbox pattern; '*' matches anything, '%' anything but the
 *                   delimiter; NULL for "*" (the default: every folder)
 * @param[out] out   the folders, free with imapclient_folder_list_free(); set to
 *                   NULL on failure; may be NULL when the result is not wanted
 * @return 0, IMAPCLIENT_ERROR (NO/BAD), IMAPCLIENT_EILLEGAL_STATE (not logged
 *         in; nothing sent), IMAPCLIENT_EINVAL (a name is not valid UTF-8 with
 *         folder_encode on), IMAPCLIENT_EPROTOCOL (a malformed LIST reply),
 *         IMAPCLIENT_EABORT or another negative code; see imapclient_errmsg()
 */
IMAPCLIENT_EXTERN int imapclient_list_folders(imapclient *c, const char *directory,
                                              const char *pattern,
                                              imapclient_folder_list **out);

/**
 * List subscribed folders (IMAPClient.list_sub_folders).
 *
 * LSUB directory pattern; once IMAP4rev2 rules apply, which have no LSUB,
 * `LIST (SUBSCRIBED) directory pattern` (subscribed folders that no
 * longer exist then come with nonexistent set). Arguments and return
 * values as imapclient_list_folders().
 */
IMAPCLIENT_EXTERN int imapclient_list_sub_folders(imapclient *c, const char *directory,
                                                  const char *pattern,
                                                  imapclient_folder_list **out);

/**
 * List folders with Gmail's XLIST (IMAPClient.xlist_folders).
 *
 * XLIST adds special flags (`\Inbox`, `\AllMail`, `\Sent`, `\Spam`, ...) and
 * localised names. A deprecated Gmail extension; prefer
 * imapclient_list_folders() with SPECIAL-USE.
 *
 * @return as imapclient_list_folders(), plus IMAPCLIENT_ECAPABILITY when the
 *         server does not announce XLIST (nothing sent)
 */
IMAPCLIENT_EXTERN int imapclient_xlist_folders(imapclient *c, const char *directory,
                                               const char *pattern,
                                               imapclient_folder_list **out);

/* LIST-EXTENDED selection options (RFC 5258 section 3.1, RFC 6154), for
 * imapclient_list_options.selection. */
#define IMAPCLIENT_LIST_SUBSCRIBED                                                       \
    0x01u /**< SUBSCRIBED: subscribed folders,                                           \
               also those that no longer exist                                           \
               (nonexistent set) */
#define IMAPCLIENT_LIST_REMOTE                                                           \
    0x02u /**< REMOTE: folders on other servers                                          \
               too (`\Remote`) */
#define IMAPCLIENT_LIST_RECURSIVEMATCH                                                   \
    0x04u /**< RECURSIVEMATCH: also a folder                                             \
               whose children match the other                                            \
               options (with CHILDINFO); only                                            \
               with SUBSCRIBED or SPECIAL_USE */
#define IMAPCLIENT_LIST_SPECIAL_USE                                                      \
    0x08u /**< SPECIAL-USE (RFC 6154): folders                                           \
               with a special use only */

/* LIST-EXTENDED return options (RFC 5258 section 3.2, RFC 6154), for
 * imapclient_list_options.returns. */
#define IMAPCLIENT_LIST_RETURN_CHILDREN                                                  \
    0x01u /**< CHILDREN: `\HasChildren` or                                               \
               `\HasNoChildren` on each */
#define IMAPCLIENT_LIST_RETURN_SUBSCRIBED                                                \
    0x02u /**< SUBSCRIBED: `\Subscribed` on                                              \
               each subscribed folder */
#define IMAPCLIENT_LIST_RETURN_SPECIAL_USE                                               \
    0x04u /**< SPECIAL-USE: the special-use                                              \
               attributes (`\Sent` ...) */

/** What imapclient_list_extended() asks for beyond a plain LIST. */
typedef struct imapclient_list_options {
    unsigned selection;              /**< IMAPCLIENT_LIST_SUBSCRIBED, ... OR-ed; 0
                                          for none */
    unsigned returns;                /**< IMAPCLIENT_LIST_RETURN_* OR-ed; 0 for none */
    const char *const *status_items; /**< RETURN (STATUS (items)) (LIST-STATUS,
                                          RFC 5819): NULL-terminated STATUS items
                                          as for imapclient_folder_status(), each
                                          folder's answer in its status field;
                                          NULL for none */
} imapclient_list_options;

/**
 * List folders with LIST-EXTENDED (RFC 5258), SPECIAL-USE (RFC 6154) and
 * LIST-STATUS (RFC 5819) options: one LIST command
 * `LIST [(selection)] directory (patterns) [RETURN (returns)]`.
 *
 * Capabilities are checked before sending: selection options, several
 * patterns and the CHILDREN and SUBSCRIBED return options need
 * LIST-EXTENDED; the SPECIAL-USE selection option SPECIAL-USE and
 * LIST-EXTENDED, the SPECIAL-USE return option SPECIAL-USE; status items
 * LIST-STATUS (and each item its own capability, as in
 * imapclient_folder_status()). IMAP4rev2 (imapclient_is_imap4rev2())
 * includes all of them.
 *
 * Each folder comes with its flags, CHILDINFO and OLDNAME data typed, and
 * its STATUS when status items were asked. While NOTIFY is on
 * (imapclient_notify_set()), a LIST or STATUS response that does not
 * answer this command (a folder that does not match the patterns, a
 * STATUS for a folder not listed) is an event: it is kept for
 * imapclient_noop() instead.
 *
 * @param c          an authenticated handle
 * @param directory  the reference name, NULL for ""
 * @param patterns   NULL-terminated mailbox patterns ('*', '%'), UTF-8;
 *                   NULL for {"*"}; one or more
 * @param opts       the options, or NULL for none (a plain LIST)
 * @param[out] out   the folders, free with imapclient_folder_list_free();
 *                   NULL on failure; may be NULL
 * @return 0, IMAPCLIENT_ECAPABILITY (nothing sent), IMAPCLIENT_EINVAL
 *         (RECURSIVEMATCH alone, unknown option bits, an empty pattern
 *         list, a bad status item or name), IMAPCLIENT_EILLEGAL_STATE,
 *         IMAPCLIENT_ERROR (NO/BAD), IMAPCLIENT_EPROTOCOL (a malformed
 *         LIST or STATUS reply), IMAPCLIENT_EABORT or another negative code
 */
IMAPCLIENT_EXTERN int imapclient_list_extended(imapclient *c, const char *directory,
                                               const char *const *patterns,
                                               const imapclient_list_options *opts,
                                               imapclient_folder_list **out);

/**
 * List folders, each with its status, in one round trip when the server
 * offers LIST-STATUS (RFC 5819): `LIST directory pattern RETURN (STATUS
 * (items))`. Without LIST-STATUS the same result comes from a LIST and
 * then one STATUS per folder that can be selected, all sent at once.
 *
 * @param c          an authenticated handle
 * @param directory  the reference name, NULL for ""
 * @param pattern    the mailbox pattern, NULL for "*"
 * @param items      NULL-terminated STATUS items, as for
 *                   imapclient_folder_status(); NULL for its default
 * @param[out] out   the folders, each with its status (NULL for folders
 *                   that cannot be selected: `\Noselect`, `\NonExistent`),
 *                   free with imapclient_folder_list_free()
 * @return as imapclient_list_extended(); without LIST-STATUS, a STATUS
 *         the server refuses (a folder deleted in between) leaves that
 *         folder's status NULL
 */
IMAPCLIENT_EXTERN int imapclient_list_status(imapclient *c, const char *directory,
                                             const char *pattern,
                                             const char *const *items,
                                             imapclient_folder_list **out);

/** Release a folder list; NULL is a no-op. */
IMAPCLIENT_EXTERN void imapclient_folder_list_free(imapclient_folder_list *list);

/**
 * Whether a listed folder carries a flag, such as IMAPCLIENT_SENT.
 *
 * Flags compare case-insensitively, as IMAP flags do.
 *
 * @return 1 or 0 (0 when f or flag is NULL)
 */
IMAPCLIENT_EXTERN int imapclient_folder_has_flag(const imapclient_folder *f,
                                                 const char *flag);

/**
 * Find a special folder such as Sent or Trash (IMAPClient.find_special_folder).
 *
 * First by its special-use flag: with the SPECIAL-USE and LIST-EXTENDED
 * capabilities through `LIST (SPECIAL-USE) "" "*"`, with SPECIAL-USE alone
 * through `LIST "" "*" RETURN (SPECIAL-USE)`, else through the flags of a
 * plain LIST (which also catches servers that flag folders without
 * announcing SPECIAL-USE); folders listed `\NonExistent` do not count.
 * Then by the reference's common names, tried in each personal namespace
 * (from NAMESPACE when the server has it, else "" and "INBOX."):
 * Sent: "Sent", "Sent Items", "Sent items", "Sent Messages"; Drafts:
 * "Drafts"; Archive: "Archive"; Trash: "Trash", "Deleted Items",
 * "Deleted Messages", "Deleted"; Junk: "Junk", "Spam". `\All` has no common
 * names. Flags compare case-insensitively.
 *
 * @param c            an authenticated handle
 * @param folder_flag  IMAPCLIENT_SENT, IMAPCLIENT_TRASH, ... (any flag)
 * @param[out] out     the folder's name (decoded as in listings), malloc'd,
 *                     free with free(); NULL when no folder was found (the
 *                     reference's None) or on failure
 * @return 0 (found or not), IMAPCLIENT_ERROR, IMAPCLIENT_EILLEGAL_STATE,
 *         IMAPCLIENT_EINVAL (NULL argument), IMAPCLIENT_EABORT or another
 *         negative code
 */
IMAPCLIENT_EXTERN int imapclient_find_special_folder(imapclient *c,
                                                     const char *folder_flag, char **out);

/**
 * Whether a folder exists (IMAPClient.folder_exists).
 *
 * Runs LIST "" folder. As in the reference any listed folder counts; when the name holds
 * the wildcards '*' or '%', only a listed folder of exactly that name counts. A folder
 * listed `\NonExistent` (RFC 5258, RFC 9051) does not.
 *
 * @return 1 (exists), 0 (does not), or a negative code as
 *         imapclient_list_folders()
 */
IMAPCLIENT_EXTERN int imapclient_folder_exists(imapclient *c, const char *folder);

/* ------------------------------------------------------------------ */
/* STATUS                                                               */
/* ------------------------------------------------------------------ */

/** One STATUS item as the server answered it. */
typedef struct imapclient_status_item {
    const char *name;            /**< upper-cased: "MESSAGES", "HIGHESTMODSEQ" */
    uint64_t value;              /**< its number (0 when not a number) */
    int is_number;               /**< the server sent a number */
    const imapclient_value *raw; /**< the value as sent, never NULL */
} imapclient_status_item;

/** The reply to STATUS: the reference's dict of item name -> value. The
 *  typed fields are valid when their has_ field is set. */
typedef struct imapclient_status_info {
    const char *folder;                  /**< the folder named in the reply (decoded) */
    const imapclient_status_item *items; /**< every item, in the order sent */
    size_t count;                        /**< entries in items */

    uint64_t messages;        /**< MESSAGES */
    uint64_t recent;          /**< RECENT (IMAP4rev1 only) */
    uint64_t uidnext;         /**< UIDNEXT */
    uint64_t uidvalidity;     /**< UIDVALIDITY */
    uint64_t unseen;          /**< UNSEEN */
    uint64_t highestmodseq;   /**< HIGHESTMODSEQ (CONDSTORE); 0 for a folder without
                                   mod-sequences (NOMODSEQ, RFC 7162 3.1.6) */
    uint64_t size;            /**< SIZE (RFC 8438 / IMAP4rev2), in octets */
    uint64_t deleted;         /**< DELETED (IMAP4rev2) */
    int has_messages;         /**< MESSAGES was sent */
    int has_recent;           /**< RECENT was sent */
    int has_uidnext;          /**< UIDNEXT was sent */
    int has_uidvalidity;      /**< UIDVALIDITY was sent */
    int has_unseen;           /**< UNSEEN was sent */
    int has_highestmodseq;    /**< HIGHESTMODSEQ was sent */
    int has_size;             /**< SIZE was sent */
    int has_deleted;          /**< DELETED was sent */
    uint64_t deleted_storage; /**< DELETED-STORAGE (IMAP4rev2, RFC 9208), in octets */
    int has_deleted_storage;  /**< DELETED-STORAGE was sent */
    uint64_t appendlimit;     /**< APPENDLIMIT (RFC 7889): the largest message the
                                   folder takes; UINT64_MAX
                                   (IMAPCLIENT_APPENDLIMIT_NONE) for NIL: no limit */
    int has_appendlimit;      /**< APPENDLIMIT was sent */
    const char *mailboxid;    /**< MAILBOXID (RFC 8474), or NULL when not sent
                                   or not a valid object id */
} imapclient_status_info;

/**
 * Ask for a folder's status (IMAPClient.folder_status).
 *
 * Sends STATUS folder (items).
 *
 * @param c          an authenticated handle
 * @param folder     the folder
 * @param items      NULL-terminated status items, sent as given (atoms such as
 *                   "MESSAGES", "HIGHESTMODSEQ", "SIZE"); NULL for the
 *                   reference's default: MESSAGES RECENT UIDNEXT UIDVALIDITY
 *                   UNSEEN (without RECENT once IMAP4rev2 rules apply).
 *                   Items of an extension need its capability: SIZE
 *                   STATUS=SIZE (RFC 8438), MAILBOXID OBJECTID (RFC 8474),
 *                   APPENDLIMIT a bare APPENDLIMIT (per-folder limits, RFC
 *                   7889; imapclient_get_appendlimit() reads either),
 *                   HIGHESTMODSEQ CONDSTORE or QRESYNC (RFC 7162; 0 for a
 *                   folder without mod-sequences), DELETED and
 *                   DELETED-STORAGE IMAP4rev2; the typed fields hold them
 * @param[out] out   the answer, free with imapclient_status_info_free(); NULL
 *                   on failure; may be NULL
 * @return 0, IMAPCLIENT_ERROR (NO/BAD, e.g. no such folder),
 *         IMAPCLIENT_EILLEGAL_STATE, IMAPCLIENT_EINVAL (NULL folder, an empty
 *         items list or an item that is not an atom), IMAPCLIENT_ECAPABILITY
 *         (an item of an extension the server does not offer; nothing sent),
 *         IMAPCLIENT_EPROTOCOL (no STATUS reply; while NOTIFY is on, a STATUS
 *         for another folder is an event, not the reply), IMAPCLIENT_EABORT or
 *         another negative code
 */
IMAPCLIENT_EXTERN int imapclient_folder_status(imapclient *c, const char *folder,
                                               const char *const *items,
                                               imapclient_status_info **out);

/**
 * The value of one item of a STATUS answer, by name.
 *
 * Names compare case-insensitively.
 *
 * @return 1 and *value set when the item is there with a number, else 0
 */
IMAPCLIENT_EXTERN int imapclient_status_info_get(const imapclient_status_info *st,
                                                 const char *name, uint64_t *value);

/** Release a STATUS answer; NULL is a no-op. */
IMAPCLIENT_EXTERN void imapclient_status_info_free(imapclient_status_info *st);

/* ------------------------------------------------------------------ */
/* Creating, deleting, renaming, subscribing                            */
/* ------------------------------------------------------------------ */

/**
 * Create a folder (IMAPClient.create_folder).
 *
 * Sends CREATE folder.
 *
 * @param[out] text  if not NULL, the server's completion text (owned by the
 *                   handle, valid until the next call)
 * @return 0, IMAPCLIENT_ERROR (NO/BAD, e.g. [ALREADYEXISTS]),
 *         IMAPCLIENT_EILLEGAL_STATE, IMAPCLIENT_EINVAL (NULL folder or, with
 *         folder_encode, invalid UTF-8), IMAPCLIENT_EABORT or another
 *         negative code
 */
IMAPCLIENT_EXTERN int imapclient_create_folder(imapclient *c, const char *folder,
                                               const char **text);

/** The result of imapclient_create_folder_ex(). */
typedef struct imapclient_create_result {
    const char *text;      /**< the completion text */
    const char *mailboxid; /**< the new folder's MAILBOXID (RFC 8474), from the
                                completion's [MAILBOXID (id)]; NULL when not sent */
} imapclient_create_result;

/**
 * Create a folder with special uses (CREATE-SPECIAL-USE, RFC 6154 section
 * 3) and learn its object id (OBJECTID, RFC 8474).
 *
 * Sends `CREATE folder (USE (\Sent ...))`, or a plain CREATE when
 * special_use is NULL or empty. A server that cannot give the folder a
 * use refuses with `NO [USEATTR]` (IMAPCLIENT_ERROR, the code in
 * imapclient_errmsg()).
 *
 * @param c            an authenticated handle
 * @param folder       the folder, UTF-8
 * @param special_use  NULL-terminated special-use attributes, such as
 *                     {IMAPCLIENT_SENT, NULL}: a backslash and an atom
 *                     each; NULL for none
 * @param[out] out     the text and MAILBOXID, free with
 *                     imapclient_create_result_free(); may be NULL
 * @return as imapclient_create_folder(), plus IMAPCLIENT_ECAPABILITY
 *         (special uses without CREATE-SPECIAL-USE; nothing sent) and
 *         IMAPCLIENT_EINVAL for a malformed attribute
 */
IMAPCLIENT_EXTERN int imapclient_create_folder_ex(imapclient *c, const char *folder,
                                                  const char *const *special_use,
                                                  imapclient_create_result **out);

/** Release a CREATE result; NULL is a no-op. */
IMAPCLIENT_EXTERN void imapclient_create_result_free(imapclient_create_result *r);

/**
 * Delete a folder (IMAPClient.delete_folder).
 *
 * Sends DELETE folder. Arguments and return values as
 * imapclient_create_folder().
 */
IMAPCLIENT_EXTERN int imapclient_delete_folder(imapclient *c, const char *folder,
                                               const char **text);

/**
 * Rename a folder (IMAPClient.rename_folder).
 *
 * Sends RENAME old_name new_name; renaming a folder moves its children too.
 * Arguments and return values as imapclient_create_folder().
 */
IMAPCLIENT_EXTERN int imapclient_rename_folder(imapclient *c, const char *old_name,
                                               const char *new_name, const char **text);

/**
 * Subscribe to a folder (IMAPClient.subscribe_folder).
 *
 * Sends SUBSCRIBE folder. Arguments and return values as
 * imapclient_create_folder().
 */
IMAPCLIENT_EXTERN int imapclient_subscribe_folder(imapclient *c, const char *folder,
                                                  const char **text);

/**
 * Unsubscribe from a folder (IMAPClient.unsubscribe_folder).
 *
 * Sends UNSUBSCRIBE folder. Arguments and return values as
 * imapclient_create_folder().
 */
IMAPCLIENT_EXTERN int imapclient_unsubscribe_folder(imapclient *c, const char *folder,
                                                    const char **text);

/* ------------------------------------------------------------------ */
/* Selecting                                                            */
/* ------------------------------------------------------------------ */

/** One piece of SELECT data: an untagged response (EXISTS, FLAGS, ...) or a
 *  response code (UIDVALIDITY, PERMANENTFLAGS, READ-WRITE, MAILBOXID, ...). */
typedef struct imapclient_select_item {
    const char *name;              /**< upper-cased name */
    const imapclient_value *value; /**< LIST of its values: (3) for EXISTS,
                                        ((\\Seen ...)) for FLAGS, () for
                                        READ-WRITE; never NULL */
} imapclient_select_item;

/**
 * The reply to SELECT or EXAMINE: the reference's dict, with typed fields
 * for the common keys (valid when their has_ field is set) and every piece
 * of data, known or not, in items. RFC 3501 servers always send EXISTS,
 * RECENT and FLAGS; RFC 9051 servers may omit RECENT.
 */
typedef struct imapclient_select_info {
    uint32_t exists;        /**< EXISTS: messages in the folder */
    uint32_t recent;        /**< RECENT */
    uint32_t uidnext;       /**< [UIDNEXT n] */
    uint32_t uidvalidity;   /**< [UIDVALIDITY n] */
    uint32_t unseen;        /**< [UNSEEN n]: sequence number of the first unseen */
    uint64_t highestmodseq; /**< [HIGHESTMODSEQ n] (CONDSTORE) */
    int has_exists;         /**< EXISTS was sent */
    int has_recent;         /**< RECENT was sent */
    int has_uidnext;        /**< UIDNEXT was sent */
    int has_uidvalidity;    /**< UIDVALIDITY was sent */
    int has_unseen;         /**< UNSEEN was sent */
    int has_highestmodseq;  /**< HIGHESTMODSEQ was sent */
    int nomodseq;           /**< [NOMODSEQ]: the folder keeps no mod-sequences */

    const char *const *flags;          /**< FLAGS, NULL-terminated; never NULL */
    size_t flag_count;                 /**< entries in flags */
    int has_flags;                     /**< FLAGS was sent */
    const char *const *permanentflags; /**< [PERMANENTFLAGS], NULL-terminated
                                            (may hold "\\*"); never NULL */
    size_t permanentflag_count;        /**< entries in permanentflags */
    int has_permanentflags;            /**< PERMANENTFLAGS was sent */

    const char *mailboxid; /**< [MAILBOXID (id)] (OBJECTID, RFC 8474): the
                                folder's object id, or NULL */

    int read_write; /**< the server said [READ-WRITE] */
    int read_only;  /**< the server said [READ-ONLY] (always after EXAMINE) */

    const imapclient_select_item *items; /**< all SELECT data in arrival order,
                                              the completion's code last: untagged
                                              responses known or not (a repeat of
                                              EXISTS, RECENT, FLAGS or a code
                                              replaces the earlier one), the codes
                                              of OK responses, [CLOSED] included
                                              (RFC 7162); not ALERTs, untagged
                                              NO/BAD, CAPABILITY, EXPUNGE or FETCH,
                                              which stay for imapclient_noop() */
    size_t count;                        /**< entries in items */
    const char *text;                    /**< the completion text */

    /* QRESYNC (RFC 7162 3.2.5; imapclient_select_folder_params()) */
    imapclient_uidset vanished; /**< VANISHED (EARLIER): UIDs expunged since the
                                     mod-sequence given; empty otherwise */
    const imapclient_flag_change *changed; /**< the messages changed since it,
                                                with UID, flags and MODSEQ, in
                                                arrival order; never NULL */
    size_t changed_count;                  /**< entries in changed */
} imapclient_select_info;

/**
 * Select a folder (IMAPClient.select_folder).
 *
 * Sends SELECT, or EXAMINE when readonly. The SELECT data is returned here and not kept
 * for imapclient_noop(). On success the handle is in the SELECTED state and read- only
 * when EXAMINE was used or the server answered [READ-ONLY] (message calls that modify
 * then fail with IMAPCLIENT_EREADONLY). When the server refuses (NO), no folder is
 * selected any more and the state is AUTHENTICATED (RFC 3501 section 6.3.1).
 *
 * @param c          an authenticated handle
 * @param folder     the folder
 * @param readonly   non-zero sends EXAMINE
 * @param[out] out   SELECT data, free with imapclient_select_info_free(); NULL
 *                   on failure; may be NULL
 * @return 0, IMAPCLIENT_ERROR (NO/BAD: `SELECT "Nope": NO [NONEXISTENT]
 *         Mailbox doesn't exist`), IMAPCLIENT_EILLEGAL_STATE, IMAPCLIENT_EINVAL,
 *         IMAPCLIENT_EABORT or another negative code; see imapclient_errmsg()
 */
IMAPCLIENT_EXTERN int imapclient_select_folder(imapclient *c, const char *folder,
                                               int readonly,
                                               imapclient_select_info **out);

/**
 * The values of one piece of SELECT data, by name.
 *
 * Names compare case-insensitively: imapclient_select_info_get(info,
 * "mailboxid") finds MAILBOXID.
 *
 * @return its LIST of values, or NULL when the server did not send it
 */
IMAPCLIENT_EXTERN const imapclient_value *
imapclient_select_info_get(const imapclient_select_info *info, const char *name);

/** Release SELECT data; NULL is a no-op. */
IMAPCLIENT_EXTERN void imapclient_select_info_free(imapclient_select_info *info);

/**
 * Leave the selected folder without expunging (IMAPClient.unselect_folder).
 *
 * Sends UNSELECT (RFC 3691). The state becomes AUTHENTICATED.
 *
 * @param[out] text  if not NULL, the completion text (valid until the next call)
 * @return 0, IMAPCLIENT_EILLEGAL_STATE (no folder selected; nothing sent),
 *         IMAPCLIENT_ECAPABILITY (no UNSELECT capability; nothing sent),
 *         IMAPCLIENT_ERROR, IMAPCLIENT_EABORT or another negative code
 */
IMAPCLIENT_EXTERN int imapclient_unselect_folder(imapclient *c, const char **text);

/**
 * Close the selected folder (IMAPClient.close_folder).
 *
 * Sends CLOSE, which also expunges messages flagged `\Deleted` when the
 * folder is read-write. The state becomes AUTHENTICATED.
 *
 * @param[out] text  if not NULL, the completion text (valid until the next call)
 * @return 0, IMAPCLIENT_EILLEGAL_STATE (no folder selected; nothing sent),
 *         IMAPCLIENT_ERROR, IMAPCLIENT_EABORT or another negative code
 */
IMAPCLIENT_EXTERN int imapclient_close_folder(imapclient *c, const char **text);

/* ------------------------------------------------------------------ */
/* NAMESPACE                                                            */
/* ------------------------------------------------------------------ */

/** One namespace: the reference's (prefix, separator) pair. */
typedef struct imapclient_namespace_entry {
    const char *prefix;    /**< e.g. "", "INBOX.", "Other Users/"; decoded from
                                modified UTF-7 when folder_encode is on */
    const char *separator; /**< hierarchy separator, NULL for NIL */
    const imapclient_value *extensions; /**< LIST of namespace response
                                             extensions after the separator
                                             (RFC 2342 section 5); never NULL */
} imapclient_namespace_entry;

/** The account's namespaces (IMAPClient's Namespace tuple). Each kind is
 *  NULL (with count 0) when the server sent NIL. */
typedef struct imapclient_namespace_info {
    const imapclient_namespace_entry *personal; /**< personal namespaces, or NULL */
    size_t personal_count;                      /**< entries in personal */
    const imapclient_namespace_entry *other;    /**< other users' namespaces, or NULL */
    size_t other_count;                         /**< entries in other */
    const imapclient_namespace_entry *shared;   /**< shared namespaces, or NULL */
    size_t shared_count;                        /**< entries in shared */
} imapclient_namespace_info;

/**
 * The account's namespaces (IMAPClient.namespace).
 *
 * Sends NAMESPACE (RFC 2342).
 *
 * @param c         an authenticated handle
 * @param[out] out  free with imapclient_namespace_info_free(); NULL on failure
 * @return 0, IMAPCLIENT_ECAPABILITY (no NAMESPACE capability; nothing sent),
 *         IMAPCLIENT_EILLEGAL_STATE, IMAPCLIENT_ERROR, IMAPCLIENT_EPROTOCOL (no
 *         or a malformed NAMESPACE reply), IMAPCLIENT_EINVAL (out is NULL),
 *         IMAPCLIENT_EABORT or another negative code
 */
IMAPCLIENT_EXTERN int imapclient_namespace(imapclient *c,
                                           imapclient_namespace_info **out);

/** Release namespaces; NULL is a no-op. */
IMAPCLIENT_EXTERN void imapclient_namespace_info_free(imapclient_namespace_info *ns);

IMAPCLIENT_END_DECLS

#endif
