/**
 * @file
 * libimapclient: message calls other than FETCH (IMAPClient's search,
 * gmail_search, sort, thread, get/set/add/remove_flags, the Gmail label
 * equivalents, delete_messages, expunge, uid_expunge, copy, move, append
 * and multiappend).
 *
 * Message ids go in as an IMAP sequence-set string ("2,4:7,9,12:*"; build
 * one from an array with imapclient_seqset_from_ids()). With use_uid on
 * (the default) they are UIDs and the UID form of each command is sent
 * (UID SEARCH, UID STORE, UID COPY, ...); ids in results are UIDs too.
 *
 * Every result that owns memory has one *_free() that releases all of it;
 * *_free(NULL) is a no-op. Results stay valid after later calls.
 *
 * RFC 3501 (SEARCH, STORE, COPY, EXPUNGE, APPEND), RFC 4315 (UIDPLUS),
 * RFC 4731 (ESEARCH), RFC 5256 (SORT, THREAD), RFC 6851 (MOVE), RFC 3502
 * (MULTIAPPEND), RFC 7162 (CONDSTORE: MODSEQ in SEARCH), RFC 5032 (WITHIN),
 * RFC 5182 (SEARCHRES: "$"), RFC 5267 (ESORT), RFC 7377 (MULTISEARCH),
 * RFC 8474 (OBJECTID), RFC 8514 (SAVEDATE), RFC 9394 (PARTIAL), RFC 9051
 * (IMAP4rev2).
 */
#ifndef IMAPCLIENT_MESSAGES_H
#define IMAPCLIENT_MESSAGES_H

#include "client.h"
#include "common.h"
#include "mail.h"
#include "types.h"

IMAPCLIENT_BEGIN_DECLS

/* ------------------------------------------------------------------ */
/* System flags (the reference's DELETED, SEEN, ...)                    */
/* ------------------------------------------------------------------ */

#define IMAPCLIENT_DELETED  "\\Deleted"  /**< marked for removal by expunge */
#define IMAPCLIENT_SEEN     "\\Seen"     /**< read */
#define IMAPCLIENT_ANSWERED "\\Answered" /**< replied to */
#define IMAPCLIENT_FLAGGED  "\\Flagged"  /**< marked for attention */
#define IMAPCLIENT_DRAFT    "\\Draft"    /**< not yet sent */
#define IMAPCLIENT_RECENT   "\\Recent"   /**< read-only: servers refuse to store it */

/* ------------------------------------------------------------------ */
/* Search, sort, thread                                                 */
/* ------------------------------------------------------------------ */

/**
 * Message ids returned by search, sort and gmail_search (the reference's
 * list of ints with its modseq attribute).
 */
typedef struct imapclient_ids {
    const uint32_t *ids; /**< ids (UIDs with use_uid), in the server's order */
    size_t count;        /**< entries in ids (0 when nothing matched) */
    uint64_t modseq;     /**< the (MODSEQ n) the server added; valid when has_modseq */
    int has_modseq;      /**< non-zero when the server sent (MODSEQ n) (RFC 7162) */
} imapclient_ids;

/** Release an id list; NULL is a no-op. */
IMAPCLIENT_EXTERN void imapclient_ids_free(imapclient_ids *ids);

/**
 * Search the selected folder (IMAPClient.search).
 *
 * Each criteria item is sent as one IMAP argument, encoded as the
 * reference does:
 *  - the items "(" and ")" are sent bare and open and close a group, so
 *    {"NOT", "(", "SUBJECT", "foo", "FLAGGED", ")", NULL} sends
 *    `NOT (SUBJECT foo FLAGGED)` (the reference's nested lists);
 *  - an item with bytes above 0x7f, CR or LF is sent as a literal
 *    ({n} or {n+} with LITERAL+), as the reference sends 8-bit items;
 *  - an empty item, or one holding a space, '"' or '\\', is quoted with
 *    '\\' and '"' escaped (the reference's _quoted.maybe); so is one holding
 *    '(', ')', '{', '%' or a control character, which the reference would
 *    send bare and break the command with;
 *  - anything else (keywords, numbers, sequence sets such as "1:*", dates
 *    such as "03-Apr-2005") is sent as it is.
 * Format dates with imapclient_datetime_format_date() ("03-Apr-2005", the
 * time part ignored, as the reference's format_criteria_date()).
 *
 * Items are text in charset. With charset NULL or "UTF-8" they are UTF-8
 * (checked: invalid UTF-8 fails) and the library chooses how to send
 * them, so that any text works on any server without the caller knowing
 * it:
 *  - ASCII items go as the reference sends them: no CHARSET for NULL,
 *    `CHARSET UTF-8` (as spelt) for "UTF-8";
 *  - 8-bit items go as literals with `CHARSET UTF-8`; with no CHARSET at
 *    all once UTF-8 is switched on (UTF8=ACCEPT enabled, or IMAP4rev2:
 *    RFC 6855 forbids it then), and for servers known to refuse the
 *    argument (imapclient_quirks.search_no_charset: Yahoo). A search does
 *    not switch UTF8=ACCEPT on itself: ENABLE is only allowed before a
 *    folder is selected (RFC 5161), so call imapclient_enable() after
 *    login for that;
 *  - when the server answers `NO [BADCHARSET (<charsets>)]`, the search
 *    is sent again in the first charset of its list that holds the text
 *    exactly (converted with iconv; charsets that do not keep ASCII as it
 *    is, such as UTF-16, are passed over); ASCII text again in US-ASCII,
 *    which every server takes. When none can, the call fails with
 *    IMAPCLIENT_EINVALID_CRITERIA and an errmsg naming the server's
 *    charsets and quoting its answer;
 *  - when the server answers BAD to a CHARSET the library added (NULL
 *    given, 8-bit text), the search is sent again without it.
 * At most three commands go out for one call; the protocol log says why
 * each retry was made. With "US-ASCII" an item with 8-bit bytes cannot be
 * encoded and fails (the reference's encode error); other charsets are
 * sent as given and not checked (the bytes go as they are, as the
 * reference does for bytes items), and not negotiated.
 *
 * Search keys of extensions need their capability, checked before
 * sending: OLDER and YOUNGER WITHIN (RFC 5032), EMAILID and THREADID
 * OBJECTID (RFC 8474), SAVEDBEFORE, SAVEDON, SAVEDSINCE and
 * SAVEDATESUPPORTED SAVEDATE (RFC 8514), "$" (as a key or as UID's
 * argument) SEARCHRES (RFC 5182). A server that answers with ESEARCH (as
 * IMAP4rev2 servers do, RFC 9051 section 6.4.4) gives the same ids.
 *
 * @param c         a handle with a folder selected
 * @param criteria  NULL-terminated items; NULL means {"ALL", NULL} (the
 *                  reference's default); an empty list fails
 * @param charset   NULL or "UTF-8": chosen by the library (above);
 *                  otherwise sent as `CHARSET <charset>` before the
 *                  criteria; once UTF8=ACCEPT is enabled a
 *                  charset other than UTF-8 or US-ASCII is refused
 *                  (EINVAL: the criteria are UTF-8, RFC 6855 section 3)
 * @param[out] out  the matching ids; free with imapclient_ids_free(); NULL
 *                  on failure
 * @return 0; IMAPCLIENT_EINVALID_CRITERIA when the list is empty, a group
 *         is empty or unbalanced (nothing sent), the server answers NO
 *         or BAD (imapclient_errmsg() has its words), or no charset the
 *         server takes can hold the text; IMAPCLIENT_EINVAL for NULL out
 *         or an item that cannot be encoded (nothing sent);
 *         IMAPCLIENT_EILLEGAL_STATE with no folder selected;
 *         IMAPCLIENT_ECAPABILITY for a key of an extension the server does
 *         not offer (nothing sent);
 *         IMAPCLIENT_EPROTOCOL for a malformed SEARCH response;
 *         IMAPCLIENT_ETOOBIG for an ESEARCH answer of more than 16777216
 *         ids;
 *         IMAPCLIENT_EABORT, IMAPCLIENT_EIO, IMAPCLIENT_ETIMEOUT or
 *         IMAPCLIENT_ENOMEM
 */
IMAPCLIENT_EXTERN int imapclient_search(imapclient *c, const char *const *criteria,
                                        const char *charset, imapclient_ids **out);

/**
 * Search with criteria given as one string sent without any quoting (the
 * reference's search("TEXT \"foo bar\" FLAGGED")). The caller writes the
 * IMAP syntax; 8-bit bytes are sent as they are (prefer
 * imapclient_search(), which sends them as literals).
 *
 * @param criteria  the criteria text; NULL means "ALL"; "" fails
 * @param charset   sent as `CHARSET <charset>` when not NULL; never
 *                  negotiated (the text is the caller's IMAP syntax)
 * @return as imapclient_search(); IMAPCLIENT_EINVAL when criteria holds CR,
 *         LF (nothing sent)
 */
IMAPCLIENT_EXTERN int imapclient_search_raw(imapclient *c, const char *criteria,
                                            const char *charset, imapclient_ids **out);

/**
 * Search with Gmail's X-GM-RAW (IMAPClient.gmail_search): sends
 * `SEARCH CHARSET <charset> X-GM-RAW <query>`, the query quoted, or as a
 * literal when it holds 8-bit text.
 *
 * @param query    a Gmail query ("has:attachment in:unread"), UTF-8
 * @param charset  NULL means "UTF-8" (the reference's default); UTF-8 is
 *                 negotiated as by imapclient_search()
 * @return as imapclient_search(); IMAPCLIENT_ECAPABILITY when the server
 *         lacks X-GM-EXT-1 (nothing sent)
 */
IMAPCLIENT_EXTERN int imapclient_gmail_search(imapclient *c, const char *query,
                                              const char *charset, imapclient_ids **out);

/** ESEARCH result (RFC 4731). Each part is present only if asked and sent. */
typedef struct imapclient_esearch_result {
    int uid;                     /**< non-zero when the server marked the ids as UIDs */
    int has_min;                 /**< MIN was returned */
    uint32_t min;                /**< lowest matching id */
    int has_max;                 /**< MAX was returned */
    uint32_t max;                /**< highest matching id */
    int has_count;               /**< COUNT was returned */
    uint32_t count;              /**< number of matching messages */
    const char *all;             /**< ALL as sent (a sequence set, "1:3,7"), or NULL */
    const uint32_t *ids;         /**< ALL expanded to ids, ascending within each range */
    size_t id_count;             /**< entries in ids */
    int has_modseq;              /**< MODSEQ was returned (RFC 7162) */
    uint64_t modseq;             /**< highest mod-sequence of the matches */
    int has_partial;             /**< PARTIAL was returned (RFC 9394) */
    int64_t partial_first;       /**< the range it answers, as the server echoed it:
                                      positions 1-based, negative counted from the
                                      last match (-1 is the last) */
    int64_t partial_last;        /**< the other end of that range */
    const char *partial;         /**< the ids at those positions as sent ("7:9,12"),
                                      or NULL (NIL: none there) */
    const uint32_t *partial_ids; /**< partial expanded, in the server's order */
    size_t partial_count;        /**< entries in partial_ids */
    const char *tag;             /**< the tag of the command that answered
                                      ("A012"): the one updates with the
                                      UPDATE return option name, and
                                      imapclient_cancel_update() takes */
} imapclient_esearch_result;

/** Release an ESEARCH result; NULL is a no-op. */
IMAPCLIENT_EXTERN void imapclient_esearch_result_free(imapclient_esearch_result *r);

/**
 * Search returning ESEARCH data (RFC 4731; no reference equivalent):
 * sends `SEARCH RETURN (<returns>) [CHARSET <charset>] <criteria>`.
 * Nothing matched gives a result with every has_* 0 and id_count 0.
 *
 * @param criteria  as imapclient_search()
 * @param charset   as imapclient_search()
 * @param returns   NULL-terminated return options ("MIN", "MAX", "COUNT",
 *                  "ALL", "SAVE", "PARTIAL 1:100"...); NULL or empty sends
 *                  RETURN (), which the server answers as ALL. SAVE
 *                  (RFC 5182) keeps the result on the server for "$",
 *                  which then names these messages in the message sets of
 *                  fetch, store, copy, move and in criteria; it needs
 *                  SEARCHRES. "PARTIAL first:last" (RFC 9394) returns one
 *                  page of the matches (positions from 1, or from -1 for
 *                  the last); it needs PARTIAL. "UPDATE" (RFC 5267,
 *                  CONTEXT=SEARCH) asks the server to keep the result up
 *                  to date: the changes then come as untagged ESEARCH
 *                  responses naming the result's tag, through
 *                  imapclient_noop(), imapclient_idle_check() or the
 *                  unsolicited callback, and
 *                  imapclient_context_update_from_response() types them;
 *                  "CONTEXT" hints that more searches will follow
 * @param[out] out  free with imapclient_esearch_result_free()
 * @return as imapclient_search(); IMAPCLIENT_ECAPABILITY without ESEARCH
 *         (or SEARCHRES, PARTIAL, CONTEXT=SEARCH for those options);
 *         IMAPCLIENT_EINVAL for
 *         a return option that is not an atom or a PARTIAL range;
 *         IMAPCLIENT_ETOOBIG when ALL would expand past 16777216 ids
 */
IMAPCLIENT_EXTERN int imapclient_esearch(imapclient *c, const char *const *criteria,
                                         const char *charset, const char *const *returns,
                                         imapclient_esearch_result **out);

/** One change of an updated search or sort result (RFC 5267 section 4.3). */
typedef struct imapclient_context_change {
    int add;             /**< 1: ADDTO (the ids now match), 0: REMOVEFROM */
    uint32_t position;   /**< where in the result the first id goes or went,
                              from 1 (sorts); 0: not told (searches) */
    const char *set;     /**< the ids as sent ("3:5,9") */
    const uint32_t *ids; /**< set expanded, in the server's order */
    size_t count;        /**< entries in ids */
} imapclient_context_change;

/** An ESEARCH update of a result kept up to date (the UPDATE return option). */
typedef struct imapclient_context_update {
    const char *tag;                          /**< the tag of the search or sort
                                                   whose result changed */
    int uid;                                  /**< the ids are UIDs */
    const imapclient_context_change *changes; /**< ADDTO and REMOVEFROM, in order */
    size_t change_count;                      /**< entries in changes */
    int has_min;                              /**< MIN came: its new value */
    uint32_t min;                             /**< lowest matching id */
    int has_max;                              /**< MAX came */
    uint32_t max;                             /**< highest matching id */
    int has_count;                            /**< COUNT came */
    uint32_t count;                           /**< number of matches now */
} imapclient_context_update;

/**
 * Decode an update of a search or sort result started with the UPDATE
 * return option (CONTEXT=SEARCH, CONTEXT=SORT; RFC 5267): an untagged
 * `ESEARCH (TAG "t") [UID] ADDTO (...) REMOVEFROM (...)` from
 * imapclient_noop(), imapclient_idle_check(), imapclient_take_responses(),
 * the unsolicited callback or a non-blocking NOOP or IDLE. Sets of more
 * than 16777216 ids are refused, never expanded.
 *
 * @param r        the response
 * @param[out] out the update, free with imapclient_context_update_free();
 *                 NULL when r is no update (another response, or an
 *                 ESEARCH without ADDTO or REMOVEFROM)
 * @return 0 (whether or not r was an update), IMAPCLIENT_EPROTOCOL (an
 *         update without its tag, a position or set that is no number
 *         set), IMAPCLIENT_ETOOBIG, IMAPCLIENT_EINVAL (NULL argument),
 *         IMAPCLIENT_ENOMEM
 */
IMAPCLIENT_EXTERN int
imapclient_context_update_from_response(const imapclient_response *r,
                                        imapclient_context_update **out);

/** Release an update; NULL is a no-op. */
IMAPCLIENT_EXTERN void imapclient_context_update_free(imapclient_context_update *u);

/**
 * Stop the updates of results asked with the UPDATE return option
 * (CANCELUPDATE, RFC 5267 section 4.2): `CANCELUPDATE "<tag>" ...`. A
 * few updates may still come after it, sent before the server read it.
 *
 * @param tags  NULL-terminated tags of the searches or sorts
 *              (imapclient_esearch_result.tag)
 * @return 0; IMAPCLIENT_EINVAL (no tags, a tag that is no IMAP tag);
 *         IMAPCLIENT_EILLEGAL_STATE (no folder selected);
 *         IMAPCLIENT_ECAPABILITY (neither CONTEXT=SEARCH nor
 *         CONTEXT=SORT; nothing sent); IMAPCLIENT_ERROR (NO: a tag the
 *         server does not know); IMAPCLIENT_EABORT
 */
IMAPCLIENT_EXTERN int imapclient_cancel_update(imapclient *c, const char *const *tags);

/**
 * One page of the matches of a search (PARTIAL, RFC 9394; no reference
 * equivalent): sends `SEARCH RETURN (COUNT PARTIAL first:last)
 * criteria`, so a mail view can show messages 1-50 of many thousands
 * without the server listing them all.
 *
 * @param criteria  as imapclient_search()
 * @param charset   as imapclient_search()
 * @param first     the first position wanted, from 1; or from -1 (the last
 *                  match) backwards for the newest
 * @param last      the last position wanted: the same sign as first; the
 *                  range may be given in either order
 * @param[out] out  the page in partial_ids and the number of matches in
 *                  count; free with imapclient_esearch_result_free()
 * @return as imapclient_esearch(); IMAPCLIENT_ECAPABILITY without PARTIAL;
 *         IMAPCLIENT_EINVAL for a range with 0, mixed signs, or beyond
 *         2^32-1
 */
IMAPCLIENT_EXTERN int
imapclient_search_partial(imapclient *c, const char *const *criteria, const char *charset,
                          int64_t first, int64_t last, imapclient_esearch_result **out);

/**
 * Sorted search returning ESEARCH data (ESORT, RFC 5267; no reference
 * equivalent): sends `SORT RETURN (<returns>) (<sort criteria>) <charset>
 * <criteria>`. ids (ALL) come in sort order, MIN and MAX are the first
 * and last in sort order, PARTIAL pages through the sorted matches.
 *
 * @param sort_criteria  as imapclient_sort()
 * @param criteria       as imapclient_search(); NULL means ALL
 * @param charset        NULL means "UTF-8"
 * @param returns        as imapclient_esearch() (MIN, MAX, COUNT, ALL,
 *                       PARTIAL; UPDATE and CONTEXT with CONTEXT=SORT: the
 *                       updates carry the positions in sort order); NULL
 *                       or empty sends RETURN ()
 * @param[out] out       free with imapclient_esearch_result_free()
 * @return as imapclient_sort(); IMAPCLIENT_ECAPABILITY without ESORT (or
 *         CONTEXT=SORT for UPDATE and CONTEXT)
 */
IMAPCLIENT_EXTERN int imapclient_esort(imapclient *c, const char *const *sort_criteria,
                                       const char *const *criteria, const char *charset,
                                       const char *const *returns,
                                       imapclient_esearch_result **out);

/** Which mailboxes imapclient_multisearch() searches (RFC 7377 section 2,
 *  the mailbox filters of RFC 5465 section 6). */
typedef enum imapclient_search_in {
    IMAPCLIENT_IN_SELECTED = 0,     /**< the selected mailbox */
    IMAPCLIENT_IN_SELECTED_DELAYED, /**< the same (as NOTIFY names it) */
    IMAPCLIENT_IN_INBOXES,          /**< every mailbox mail is delivered to */
    IMAPCLIENT_IN_PERSONAL,         /**< every mailbox of the personal namespaces */
    IMAPCLIENT_IN_SUBSCRIBED,       /**< every subscribed mailbox */
    IMAPCLIENT_IN_SUBTREE,          /**< the named mailboxes and all below them */
    IMAPCLIENT_IN_SUBTREE_ONE,      /**< the named mailboxes and their children */
    IMAPCLIENT_IN_MAILBOXES         /**< the named mailboxes */
} imapclient_search_in;

/** One source of a multi-mailbox search. */
typedef struct imapclient_search_source {
    imapclient_search_in in;      /**< which mailboxes */
    const char *const *mailboxes; /**< SUBTREE, SUBTREE_ONE and MAILBOXES:
                                       NULL-terminated UTF-8 names (at least
                                       one); else NULL */
} imapclient_search_source;

/** The matches in one mailbox of a multi-mailbox search. */
typedef struct imapclient_multisearch_mailbox {
    const char *mailbox;              /**< the mailbox, decoded */
    uint32_t uidvalidity;             /**< its UIDVALIDITY: the ids are UIDs */
    imapclient_esearch_result result; /**< what was returned for it */
} imapclient_multisearch_mailbox;

/** The result of imapclient_multisearch(): one entry per mailbox with
 *  matches (or with return data), in the server's order. */
typedef struct imapclient_multisearch_result {
    size_t count;                                    /**< number of mailboxes */
    const imapclient_multisearch_mailbox *mailboxes; /**< mailboxes[0..count) */
} imapclient_multisearch_result;

/**
 * Search several mailboxes at once (MULTISEARCH, RFC 7377; no reference
 * equivalent): sends `ESEARCH IN (<sources>) [RETURN (<returns>)]
 * [CHARSET <charset>] <criteria>`. Allowed without a selected folder.
 * The ids are UIDs, whatever use_uid says.
 *
 * @param sources   n sources, e.g. {IMAPCLIENT_IN_PERSONAL, NULL}
 * @param n         at least 1
 * @param criteria  as imapclient_search()
 * @param charset   as imapclient_search()
 * @param returns   as imapclient_esearch(); NULL sends none (ALL)
 * @param[out] out  free with imapclient_multisearch_result_free()
 * @return as imapclient_esearch(); IMAPCLIENT_ECAPABILITY without
 *         MULTISEARCH; IMAPCLIENT_EILLEGAL_STATE when not logged in;
 *         IMAPCLIENT_EINVAL for a source without its mailboxes (or with
 *         mailboxes it does not take); IMAPCLIENT_ETOOBIG when the ids
 *         of all mailboxes together pass 16777216
 */
IMAPCLIENT_EXTERN int
imapclient_multisearch(imapclient *c, const imapclient_search_source *sources, size_t n,
                       const char *const *criteria, const char *charset,
                       const char *const *returns, imapclient_multisearch_result **out);

/** Release a multi-mailbox search result; NULL is a no-op. */
IMAPCLIENT_EXTERN void
imapclient_multisearch_result_free(imapclient_multisearch_result *r);

/**
 * Sorted search (IMAPClient.sort, RFC 5256): sends
 * `SORT (<sort criteria>) <charset> <criteria>`.
 *
 * @param sort_criteria  NULL-terminated, e.g. {"REVERSE", "DATE", NULL} or
 *                       {"REVERSE SIZE", NULL}; each is upper-cased and
 *                       sent as it is; at least one is needed
 * @param criteria       as imapclient_search(); NULL means ALL
 * @param charset        NULL means "UTF-8" (the reference's default); UTF-8
 *                       is negotiated as by imapclient_search(), except
 *                       that SORT always names a charset (UTF-8 once
 *                       UTF-8 is on; US-ASCII for ASCII text refused in
 *                       UTF-8); once
 *                       UTF8=ACCEPT is enabled, a charset other than UTF-8
 *                       or US-ASCII is refused (RFC 6855 erratum 4029)
 * @param[out] out       the ids in sorted order; has_modseq is 0
 * @return as imapclient_search(); IMAPCLIENT_ECAPABILITY without SORT;
 *         IMAPCLIENT_EINVAL for empty sort criteria or one holding CR, LF
 */
IMAPCLIENT_EXTERN int imapclient_sort(imapclient *c, const char *const *sort_criteria,
                                      const char *const *criteria, const char *charset,
                                      imapclient_ids **out);

/**
 * One member of a thread list, mirroring the nested tuples the reference
 * returns: either a message id (id non-zero, count 0) or a nested list
 * (id 0, its members in items[0..count)).
 */
typedef struct imapclient_thread_node {
    uint32_t id;                                /**< message id, or 0 for a list */
    const struct imapclient_thread_node *items; /**< members of a list */
    size_t count;                               /**< entries in items */
} imapclient_thread_node;

/**
 * THREAD result. threads[i] is one thread, always a list. As RFC 5256 and
 * the reference give it, `(2)(3 6 (4 23)(44 7 96))` is two threads: {2}
 * and {3, 6, {4, 23}, {44, 7, 96}}: 3 is the parent of 6, which has two
 * replies, 4 (parent of 23) and 44 (parent of 7, parent of 96).
 */
typedef struct imapclient_threads {
    const imapclient_thread_node *threads; /**< the threads, each a list node */
    size_t count;                          /**< number of threads */
} imapclient_threads;

/** Release a thread result; NULL is a no-op. */
IMAPCLIENT_EXTERN void imapclient_threads_free(imapclient_threads *t);

/**
 * Threaded search (IMAPClient.thread, RFC 5256): sends
 * `THREAD <algorithm> <charset> <criteria>`.
 *
 * @param algorithm  "REFERENCES" (when NULL), "ORDEREDSUBJECT", "REFS"...
 * @param criteria   as imapclient_search(); NULL means ALL
 * @param charset    NULL means "UTF-8"; negotiated as for imapclient_sort()
 * @param[out] out   free with imapclient_threads_free()
 * @return as imapclient_search(); IMAPCLIENT_ECAPABILITY when the server
 *         lacks `THREAD=<algorithm>`; IMAPCLIENT_EINVAL for an algorithm that
 *         is not an atom
 */
IMAPCLIENT_EXTERN int imapclient_thread(imapclient *c, const char *algorithm,
                                        const char *const *criteria, const char *charset,
                                        imapclient_threads **out);

/* ------------------------------------------------------------------ */
/* Flags and Gmail labels                                               */
/* ------------------------------------------------------------------ */

/** The flags (or labels) of one message. */
typedef struct imapclient_msg_flags {
    uint32_t id;              /**< UID with use_uid, else sequence number */
    uint32_t seq;             /**< sequence number */
    const char *const *flags; /**< NULL-terminated flags or labels */
    size_t count;             /**< entries in flags */
    uint64_t modseq;          /**< MODSEQ sent with them (RFC 7162); valid when
                                   has_modseq */
    int has_modseq;           /**< non-zero when MODSEQ was sent */
} imapclient_msg_flags;

/**
 * Flags or labels per message (the reference's dict {msgid: flags}), in
 * ascending id order, one entry per message (the last FETCH for a message
 * wins). Only FETCH responses that carry the item asked for and name a
 * message of the request are taken; others stay for imapclient_noop().
 * Under CONDSTORE the MODSEQ of a message comes with its entry; a
 * response with only UID and MODSEQ (the MODSEQ of a change) updates the
 * entry of its message, or, when there is none (or the store was
 * .SILENT), stays for imapclient_noop(): a MODSEQ is never dropped.
 */
typedef struct imapclient_flags_result {
    const imapclient_msg_flags *msgs; /**< entries, ascending by id */
    size_t count;                     /**< number of messages */
} imapclient_flags_result;

/** Release a flags result; NULL is a no-op. */
IMAPCLIENT_EXTERN void imapclient_flags_result_free(imapclient_flags_result *r);

/** The entry for id, or NULL (binary search). */
IMAPCLIENT_EXTERN const imapclient_msg_flags *
imapclient_flags_result_get(const imapclient_flags_result *r, uint32_t id);

/**
 * The flags of each message (IMAPClient.get_flags): FETCH (FLAGS).
 *
 * @param messages  a sequence set; "" returns an empty result and sends
 *                  nothing (the reference's empty list)
 * @param[out] out  free with imapclient_flags_result_free()
 * @return 0; IMAPCLIENT_EINVAL (not a sequence set, NULL out);
 *         IMAPCLIENT_EILLEGAL_STATE with no folder selected; IMAPCLIENT_ERROR
 *         (NO/BAD); IMAPCLIENT_EPROTOCOL, IMAPCLIENT_EABORT...
 */
IMAPCLIENT_EXTERN int imapclient_get_flags(imapclient *c, const char *messages,
                                           imapclient_flags_result **out);

/**
 * Replace the flags of messages (IMAPClient.set_flags): STORE FLAGS.
 *
 * @param messages  a sequence set; "" does nothing (out gets an empty result)
 * @param flags     NULL-terminated flags ("\\Seen", "$Label1"); NULL or empty
 *                  stores none. Each must be an atom, optionally after one
 *                  '\\' (IMAPCLIENT_EINVAL otherwise)
 * @param silent    non-zero sends FLAGS.SILENT; *out is then NULL
 * @param[out] out  if not NULL, the flags now set per message (NULL when
 *                  silent); free with imapclient_flags_result_free()
 * @return 0; IMAPCLIENT_EREADONLY (folder opened with EXAMINE) or
 *         IMAPCLIENT_EILLEGAL_STATE (none selected), nothing sent;
 *         IMAPCLIENT_EINVAL; IMAPCLIENT_ERROR (NO/BAD); IMAPCLIENT_EABORT...
 */
IMAPCLIENT_EXTERN int imapclient_set_flags(imapclient *c, const char *messages,
                                           const char *const *flags, int silent,
                                           imapclient_flags_result **out);
/** Add flags (IMAPClient.add_flags): STORE +FLAGS. As imapclient_set_flags(). */
IMAPCLIENT_EXTERN int imapclient_add_flags(imapclient *c, const char *messages,
                                           const char *const *flags, int silent,
                                           imapclient_flags_result **out);
/** Remove flags (IMAPClient.remove_flags): STORE -FLAGS. As imapclient_set_flags(). */
IMAPCLIENT_EXTERN int imapclient_remove_flags(imapclient *c, const char *messages,
                                              const char *const *flags, int silent,
                                              imapclient_flags_result **out);

/**
 * Gmail labels of each message (IMAPClient.get_gmail_labels): FETCH
 * (X-GM-LABELS), each label decoded from modified UTF-7 (kept as sent if
 * it does not decode); labels are UTF-8 as sent while imapclient_is_utf8()
 * (and set as UTF-8 then too). As imapclient_get_flags().
 */
IMAPCLIENT_EXTERN int imapclient_get_gmail_labels(imapclient *c, const char *messages,
                                                  imapclient_flags_result **out);

/**
 * Replace the Gmail labels of messages (IMAPClient.set_gmail_labels):
 * STORE X-GM-LABELS. Labels are UTF-8, encoded in modified UTF-7 (sent as
 * UTF-8 while imapclient_is_utf8()) and always quoted, as the reference
 * does ("\\Important" is sent "\\\\Important"); results are decoded.
 * Otherwise as imapclient_set_flags().
 */
IMAPCLIENT_EXTERN int imapclient_set_gmail_labels(imapclient *c, const char *messages,
                                                  const char *const *labels, int silent,
                                                  imapclient_flags_result **out);
/** Add Gmail labels: STORE +X-GM-LABELS. As imapclient_set_gmail_labels(). */
IMAPCLIENT_EXTERN int imapclient_add_gmail_labels(imapclient *c, const char *messages,
                                                  const char *const *labels, int silent,
                                                  imapclient_flags_result **out);
/** Remove Gmail labels: STORE -X-GM-LABELS. As imapclient_set_gmail_labels(). */
IMAPCLIENT_EXTERN int imapclient_remove_gmail_labels(imapclient *c, const char *messages,
                                                     const char *const *labels,
                                                     int silent,
                                                     imapclient_flags_result **out);

/**
 * Mark messages deleted (IMAPClient.delete_messages): add_flags with
 * \\Deleted. Call imapclient_expunge() to remove them.
 */
IMAPCLIENT_EXTERN int imapclient_delete_messages(imapclient *c, const char *messages,
                                                 int silent,
                                                 imapclient_flags_result **out);

/* ------------------------------------------------------------------ */
/* Expunge, copy, move                                                  */
/* ------------------------------------------------------------------ */

/**
 * Remove deleted messages (IMAPClient.expunge).
 *
 * Without ids it sends EXPUNGE; with ids (which needs use_uid, as the
 * reference, and UIDPLUS) `UID EXPUNGE <ids>`, which only removes those of
 * the ids that have \\Deleted.
 *
 * @param messages  NULL for all deleted messages, or a UID sequence set
 * @param[out] out  if not NULL: out->text is the completion text and
 *                  out->items every untagged response that arrived during
 *                  the command ((2, EXPUNGE), (1, EXPUNGE), (0, RECENT)...),
 *                  as the reference returns them; free with
 *                  imapclient_responses_free(). When NULL they are kept for
 *                  imapclient_noop().
 * @return 0; IMAPCLIENT_EREADONLY, IMAPCLIENT_EILLEGAL_STATE (nothing sent);
 *         IMAPCLIENT_EINVAL (bad set, or ids with use_uid off);
 *         IMAPCLIENT_ECAPABILITY (ids without UIDPLUS); IMAPCLIENT_ERROR...
 */
IMAPCLIENT_EXTERN int imapclient_expunge(imapclient *c, const char *messages,
                                         imapclient_responses **out);

/**
 * `UID EXPUNGE <uids>` (IMAPClient.uid_expunge, RFC 4315). The ids are UIDs
 * whatever use_uid says. Results as imapclient_expunge().
 *
 * @return as imapclient_expunge(); IMAPCLIENT_ECAPABILITY without UIDPLUS
 */
IMAPCLIENT_EXTERN int imapclient_uid_expunge(imapclient *c, const char *messages,
                                             imapclient_responses **out);

/** Result of COPY and MOVE, with the COPYUID data of RFC 4315 when sent. */
typedef struct imapclient_copy_result {
    const char *text;            /**< completion text of the command */
    int has_copyuid;             /**< the server sent [COPYUID ...] */
    uint32_t uidvalidity;        /**< UIDVALIDITY of the destination folder */
    const char *source_set;      /**< the source UIDs as sent ("304,319:320") */
    const char *dest_set;        /**< the new UIDs as sent ("3956:3958") */
    const uint32_t *source_uids; /**< source_set expanded; source_uids[i] became */
    const uint32_t *dest_uids;   /**< dest_uids[i]; NULL when the sets differ in
                                      size or pass 16777216 ids */
    size_t count;                /**< entries in source_uids and dest_uids */
} imapclient_copy_result;

/** Release a copy result; NULL is a no-op. */
IMAPCLIENT_EXTERN void imapclient_copy_result_free(imapclient_copy_result *r);

/**
 * Copy messages to another folder (IMAPClient.copy): [UID] COPY.
 *
 * @param messages  a sequence set
 * @param folder    UTF-8; modified UTF-7 when folder_encode is on; always
 *                  quoted, as the reference does
 * @param[out] out  if not NULL, the text and COPYUID data; free with
 *                  imapclient_copy_result_free()
 * @return 0; IMAPCLIENT_EILLEGAL_STATE (no folder selected); IMAPCLIENT_EINVAL;
 *         IMAPCLIENT_ERROR (NO/BAD, e.g. [TRYCREATE]); IMAPCLIENT_EABORT...
 */
IMAPCLIENT_EXTERN int imapclient_copy(imapclient *c, const char *messages,
                                      const char *folder, imapclient_copy_result **out);

/**
 * Move messages to another folder atomically (IMAPClient.move, RFC 6851):
 * [UID] MOVE. The COPYUID of the untagged OK is returned; the EXPUNGE
 * responses are kept for imapclient_noop().
 *
 * @return as imapclient_copy(); IMAPCLIENT_ECAPABILITY without MOVE;
 *         IMAPCLIENT_EREADONLY on a folder opened with EXAMINE
 */
IMAPCLIENT_EXTERN int imapclient_move(imapclient *c, const char *messages,
                                      const char *folder, imapclient_copy_result **out);

/* ------------------------------------------------------------------ */
/* Append                                                               */
/* ------------------------------------------------------------------ */

/** Result of APPEND, with the APPENDUID data of RFC 4315 when sent. */
typedef struct imapclient_append_result {
    const char *text;     /**< completion text ("Append completed.") */
    int has_appenduid;    /**< the server sent [APPENDUID ...] */
    uint32_t uidvalidity; /**< UIDVALIDITY of the folder */
    const char *uid_set;  /**< the new UIDs as sent ("3955", "3955:3957") */
    const uint32_t *uids; /**< uid_set expanded, in message order */
    size_t count;         /**< entries in uids */
} imapclient_append_result;

/** Release an append result; NULL is a no-op. */
IMAPCLIENT_EXTERN void imapclient_append_result_free(imapclient_append_result *r);

/**
 * Append a message to a folder (IMAPClient.append): sends
 * `APPEND "<folder>" (<flags>) ["<date>"] {n}` and the message. The
 * literal is sent at once with LITERAL+ (or LITERAL- up to 4096 bytes),
 * else after the server's "+". As the reference (through imaplib) does,
 * line ends are normalised: every CR, LF or CRLF is sent as CRLF.
 *
 * Beyond the reference: when the server offers BINARY (RFC 3516), a
 * message with NUL or other 8-bit bytes goes as a literal8 (`~{n}`), and a
 * message with NUL bytes is binary data, sent as given (no line-end
 * change). When the server announces APPENDLIMIT=n (RFC 7889), a bigger
 * message is refused before anything is sent (IMAPCLIENT_ETOOBIG); with
 * per-mailbox limits (a bare APPENDLIMIT), the folder's limit is asked
 * with STATUS first for messages of 64 KiB or more.
 *
 * @param folder         UTF-8; modified UTF-7 when folder_encode is on
 *                       (UTF-8 once imapclient_is_utf8())
 * @param msg            the whole message, headers included; NUL bytes only
 *                       when the server offers BINARY (else
 *                       IMAPCLIENT_EINVAL: a plain literal cannot carry
 *                       them)
 * @param msg_len        bytes in msg
 * @param flags          NULL-terminated flags, or NULL: "()" is sent
 * @param internal_date  the INTERNALDATE to set, or NULL for the server's
 *                       time; its offset is honoured, a date without one
 *                       is local time (imapclient_datetime_format_internaldate())
 * @param[out] out       if not NULL, the text and APPENDUID; free with
 *                       imapclient_append_result_free()
 * @return 0; IMAPCLIENT_EILLEGAL_STATE (not logged in); IMAPCLIENT_EINVAL
 *         (NULL folder or msg, NUL byte without BINARY, bad flag or date);
 *         IMAPCLIENT_ETOOBIG (over the server's APPENDLIMIT; nothing sent);
 *         IMAPCLIENT_ERROR (NO/BAD, e.g. [TRYCREATE], [TOOBIG]);
 *         IMAPCLIENT_EABORT...
 */
IMAPCLIENT_EXTERN int imapclient_append(imapclient *c, const char *folder,
                                        const char *msg, size_t msg_len,
                                        const char *const *flags,
                                        const imapclient_datetime *internal_date,
                                        imapclient_append_result **out);

/** One message for imapclient_multiappend(). */
typedef struct imapclient_append_msg {
    const char *data;                /**< the whole message (NUL bytes only
                                          with BINARY) */
    size_t len;                      /**< bytes in data */
    const char *const *flags;        /**< NULL-terminated flags, or NULL: none sent */
    const imapclient_datetime *date; /**< INTERNALDATE, or NULL: none sent */
} imapclient_append_msg;

/**
 * Append several messages in one command (IMAPClient.multiappend,
 * RFC 3502): `APPEND "<folder>" [(<flags>)] ["<date>"] {n} ... {n}`. The
 * message bytes are sent as given (no line-end change, as the reference).
 * The server adds all of them or none. BINARY and APPENDLIMIT apply to
 * each message as in imapclient_append().
 *
 * @param msgs  n messages
 * @param n     at least 1
 * @param[out] out  if not NULL, the text and APPENDUID (a UID set, one
 *                  per message); free with imapclient_append_result_free()
 * @return as imapclient_append(); IMAPCLIENT_ECAPABILITY without MULTIAPPEND
 */
IMAPCLIENT_EXTERN int imapclient_multiappend(imapclient *c, const char *folder,
                                             const imapclient_append_msg *msgs, size_t n,
                                             imapclient_append_result **out);

/* ------------------------------------------------------------------ */
/* Streaming append (beyond the reference)                              */
/* ------------------------------------------------------------------ */

/**
 * Where a streamed message's bytes come from: a file descriptor or a read
 * callback. The message is read while the command goes out, a piece at a
 * time, so it is never held whole in memory.
 *
 * With crlf 0, line ends are normalised as imapclient_append() does (CR,
 * LF and CRLF all sent as CRLF), which needs one pass to count the bytes
 * before the literal is announced: the fd must allow pread() (a file),
 * or the callback source must have rewind. A NUL byte found by that pass
 * gives IMAPCLIENT_EINVAL before anything is sent. With crlf 1 the bytes
 * go out as they are, in one pass: you vouch that lines end in CRLF and
 * that there is no NUL (one found on the way ends the connection, since
 * the literal cannot be completed honestly).
 */
typedef struct imapclient_source {
    int fd; /**< read from this fd (pread from its current offset, which is
                 not moved; read() on a pipe with crlf 1), or -1 for read */
    /** Read up to n bytes into buf: the count, 0 at the end, -1 on error.
        Called while the command goes out: a blocking call on the same
        handle fails inside with IMAPCLIENT_EILLEGAL_STATE. */
    long long (*read)(void *payload, char *buf, size_t n);
    /** Start again from the first byte (0 ok, -1 error); may be NULL. */
    int (*rewind)(void *payload);
    void *payload; /**< passed to read and rewind */
    uint64_t size; /**< bytes the source holds: exactly this many are read */
    int crlf;      /**< 1: send as they are; 0: normalise line ends */
} imapclient_source;

/**
 * Append a message read from a source, in bounded memory
 * (imapclient_append() for messages that should not be loaded whole).
 *
 * @param src  where the message comes from; read during the call
 * @return as imapclient_append(); IMAPCLIENT_EINVAL also for a source
 *         without fd or read, a size of 0, a NUL byte found before sending,
 *         or line ends to normalise on a source that cannot be read twice;
 *         IMAPCLIENT_EIO (and the handle unusable) when the source fails or
 *         ends early once the literal is on its way
 */
IMAPCLIENT_EXTERN int imapclient_append_stream(imapclient *c, const char *folder,
                                               const imapclient_source *src,
                                               const char *const *flags,
                                               const imapclient_datetime *internal_date,
                                               imapclient_append_result **out);

/** One message for imapclient_multiappend_stream(). */
typedef struct imapclient_append_source {
    imapclient_source src;           /**< its bytes */
    const char *const *flags;        /**< NULL-terminated flags, or NULL: none sent */
    const imapclient_datetime *date; /**< INTERNALDATE, or NULL: none sent */
} imapclient_append_source;

/**
 * MULTIAPPEND (RFC 3502) of messages read from sources: one command, the
 * messages read one after the other as it goes out, so memory stays
 * bounded whatever their number and size. Line ends are normalised per
 * message as its crlf field says.
 *
 * @return as imapclient_multiappend() and imapclient_append_stream()
 */
IMAPCLIENT_EXTERN int imapclient_multiappend_stream(imapclient *c, const char *folder,
                                                    const imapclient_append_source *msgs,
                                                    size_t n,
                                                    imapclient_append_result **out);

/* ------------------------------------------------------------------ */
/* CATENATE (RFC 4469)                                                  */
/* ------------------------------------------------------------------ */

/** What one part of a CATENATE message is. */
typedef enum imapclient_cat_type {
    IMAPCLIENT_CAT_TEXT = 1, /**< text, len: bytes from memory (a TEXT literal) */
    IMAPCLIENT_CAT_SOURCE,   /**< src: bytes read while the command goes out */
    IMAPCLIENT_CAT_URL,      /**< url: an IMAP URL (RFC 5092), sent as given */
    IMAPCLIENT_CAT_MESSAGE   /**< folder, uidvalidity, uid, section: a message
                                  (or one of its parts) on the server; the
                                  URL is built (imapclient_message_url()) */
} imapclient_cat_type;

/** One part of a CATENATE message; only the fields of its type are read. */
typedef struct imapclient_cat_part {
    imapclient_cat_type type; /**< which fields follow */
    const char *text;         /**< TEXT: the bytes (line ends made CRLF as
                                   imapclient_append() does; no NUL) */
    size_t len;               /**< TEXT: bytes in text (at least 1) */
    imapclient_source src;    /**< SOURCE: where the bytes come from */
    const char *url;          /**< URL: absolute or relative to the server
                                   ("/INBOX;UIDVALIDITY=7/;UID=20/;SECTION=1") */
    const char *folder;       /**< MESSAGE: the folder, UTF-8 (with
                                   folder_encode off, as sent: decoded from
                                   modified UTF-7 for the URL) */
    uint32_t uidvalidity;     /**< MESSAGE: the folder's UIDVALIDITY, or 0 to
                                   leave it out (the server then takes the
                                   folder's current one) */
    uint32_t uid;             /**< MESSAGE: the message's UID (not 0) */
    const char *section;      /**< MESSAGE: a body section ("HEADER", "1",
                                   "1.MIME", "2.TEXT"), or NULL: the whole
                                   message */
} imapclient_cat_part;

/** One message of imapclient_multicatenate(). */
typedef struct imapclient_catenate_msg {
    const imapclient_cat_part *parts; /**< its parts, in order */
    size_t nparts;                    /**< at least 1 */
    const char *const *flags;         /**< NULL-terminated flags, or NULL: none sent */
    const imapclient_datetime *date;  /**< INTERNALDATE, or NULL: none sent */
} imapclient_catenate_msg;

/**
 * Build the IMAP URL (RFC 5092) of a message or of one of its body parts
 * on the server, relative to the server:
 * `/<folder>[;UIDVALIDITY=<n>]/;UID=<n>[/;SECTION=<section>]`, the folder and section
 * %-encoded (every byte but letters, digits and
 * `-._~!$'()*+,:@&=/`), as CATENATE and URLAUTH take it. snprintf's
 * contract: at most size bytes with the NUL are written.
 *
 * @param folder       UTF-8 folder name (RFC 5092 takes UTF-8, not
 *                     modified UTF-7)
 * @param uidvalidity  the folder's UIDVALIDITY, or 0 to leave it out
 * @param uid          the message's UID, not 0
 * @param section      a body section ("1.2", "HEADER", "1.MIME"), or NULL
 * @param buf          where the URL goes (may be NULL with size 0)
 * @param size         bytes at buf
 * @return the URL's length (without the NUL; bigger than size - 1 when
 *         it did not fit), or IMAPCLIENT_EINVAL (NULL or empty folder, uid
 *         0, an empty section, text that is not UTF-8 or holds control
 *         bytes)
 */
IMAPCLIENT_EXTERN long long imapclient_message_url(const char *folder,
                                                   uint32_t uidvalidity, uint32_t uid,
                                                   const char *section, char *buf,
                                                   size_t size);

/**
 * Append a message made on the server from parts (CATENATE, RFC 4469):
 * `APPEND "<folder>" [(<flags>)] ["<date>"] CATENATE (<part> ...)`, each
 * part a TEXT literal (from memory or a source, read while the command
 * goes out) or the URL of a message or body part already on the server,
 * so that a draft with attachments is saved without downloading and
 * uploading them again.
 *
 * A server that cannot resolve a URL refuses with `NO [BADURL <url>]`,
 * one whose result would be too big with `NO [TOOBIG]`: both give
 * IMAPCLIENT_ERROR, with imapclient_error_code() "BADURL" (and
 * imapclient_error_code_arg() the URL) or "TOOBIG". A refusal that comes
 * while a literal is on its way is handled as RFC 4469 section 5 says:
 * a non-synchronising literal (LITERAL+) is still sent in full, a
 * synchronising one is not.
 *
 * @param folder   UTF-8 folder name (as imapclient_append())
 * @param parts    nparts parts, at least one
 * @param flags    NULL-terminated flags, or NULL: none sent
 * @param internal_date  the INTERNALDATE to set, or NULL
 * @param[out] out if not NULL, the text and APPENDUID; free with
 *                 imapclient_append_result_free()
 * @return 0; IMAPCLIENT_ECAPABILITY without CATENATE (nothing sent);
 *         IMAPCLIENT_EINVAL (no parts, an empty TEXT part or one with
 *         NUL, a URL with CR, LF or NUL or of more than 8192 bytes, a
 *         MESSAGE part without folder or UID, bad flags or date, a source
 *         as imapclient_append_stream() refuses); IMAPCLIENT_ETOOBIG (the
 *         text parts alone are over the server's APPENDLIMIT);
 *         IMAPCLIENT_EILLEGAL_STATE; IMAPCLIENT_ERROR (BADURL, TOOBIG,
 *         TRYCREATE ...); IMAPCLIENT_EIO (a source failed on the way, the
 *         handle is then unusable); IMAPCLIENT_EABORT
 */
IMAPCLIENT_EXTERN int imapclient_catenate(imapclient *c, const char *folder,
                                          const imapclient_cat_part *parts, size_t nparts,
                                          const char *const *flags,
                                          const imapclient_datetime *internal_date,
                                          imapclient_append_result **out);

/**
 * Several CATENATE messages in one APPEND (MULTIAPPEND, RFC 3502, with
 * CATENATE, RFC 4469 section 5): the server adds all of them or none.
 * One message needs only CATENATE.
 *
 * @param msgs  n messages, each with at least one part
 * @param[out] out  if not NULL, the text and APPENDUID (one UID per
 *                  message); free with imapclient_append_result_free()
 * @return as imapclient_catenate(); IMAPCLIENT_ECAPABILITY also without
 *         MULTIAPPEND for more than one message
 */
IMAPCLIENT_EXTERN int imapclient_multicatenate(imapclient *c, const char *folder,
                                               const imapclient_catenate_msg *msgs,
                                               size_t n, imapclient_append_result **out);

/**
 * Replace a message with a new one in one atomic step (REPLACE, RFC 8508).
 *
 * The new message is appended to folder (the
 * selected one or another) and the old one expunged. The id is a UID
 * (UID REPLACE) while use_uid is on, else a message number. The message
 * is sent as by imapclient_append() (line ends, BINARY, APPENDLIMIT). The
 * EXISTS and EXPUNGE responses are kept for imapclient_noop().
 *
 * @param id         the message to replace
 * @param folder     where the new message goes, UTF-8
 * @param msg        the new message
 * @param msg_len    bytes in msg
 * @param flags      NULL-terminated flags of the new message, or NULL
 * @param internal_date  its INTERNALDATE, or NULL
 * @param[out] out   if not NULL, the text and APPENDUID of the new
 *                   message (from the untagged OK or the completion); free
 *                   with imapclient_append_result_free()
 * @return as imapclient_append(); IMAPCLIENT_ECAPABILITY without REPLACE;
 *         IMAPCLIENT_EILLEGAL_STATE (no folder selected);
 *         IMAPCLIENT_EREADONLY (selected with EXAMINE); IMAPCLIENT_EINVAL
 *         (id 0)
 */
IMAPCLIENT_EXTERN int imapclient_replace(imapclient *c, uint32_t id, const char *folder,
                                         const char *msg, size_t msg_len,
                                         const char *const *flags,
                                         const imapclient_datetime *internal_date,
                                         imapclient_append_result **out);

/** imapclient_get_appendlimit(): the folder has no limit (NIL). */
#define IMAPCLIENT_APPENDLIMIT_NONE UINT64_MAX

/**
 * The largest message the server accepts in a folder (RFC 7889).
 *
 * This is the limit of the capability `APPENDLIMIT=n`, which applies to
 * every folder (nothing is sent), or, when the server announces a bare
 * APPENDLIMIT (limits per folder), the folder's, asked with
 * `STATUS folder (APPENDLIMIT)`.
 *
 * @param c         an authenticated handle
 * @param folder    UTF-8 folder name; only used for per-folder limits
 * @param[out] out  the limit in bytes, or IMAPCLIENT_APPENDLIMIT_NONE
 * @return 0, IMAPCLIENT_ECAPABILITY (no APPENDLIMIT; nothing sent),
 *         IMAPCLIENT_EILLEGAL_STATE, IMAPCLIENT_EINVAL (NULL folder when
 *         one is needed, out NULL), IMAPCLIENT_ERROR (STATUS refused),
 *         IMAPCLIENT_EPROTOCOL (no APPENDLIMIT in the STATUS reply),
 *         IMAPCLIENT_EABORT
 */
IMAPCLIENT_EXTERN int imapclient_get_appendlimit(imapclient *c, const char *folder,
                                                 uint64_t *out);

IMAPCLIENT_END_DECLS

#endif
