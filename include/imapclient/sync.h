/**
 * @file
 * libimapclient: incremental folder sync ("what changed since last time").
 *
 * A sync state is what a client remembers of one folder between sessions:
 * its UIDVALIDITY, its HIGHESTMODSEQ and the UIDs it knows, kept as
 * ranges (a folder of a million messages with UIDs 1:1000000 is one
 * range), and optionally each message's flags. It is saved as a small
 * text blob (imapclient_sync_state_format()) the caller stores where it
 * likes, and read back with imapclient_sync_state_parse(), which refuses
 * a blob that is malformed, cut short or inconsistent.
 *
 * imapclient_sync_folder() selects the folder and tells what changed since
 * the state: the new UIDs, the messages whose flags changed (with their
 * flags and mod-sequence), the UIDs that vanished, or "start over" when the
 * folder's UIDVALIDITY changed. It picks the cheapest way the server
 * offers, or the one the caller forces:
 *
 * - QRESYNC (RFC 7162): `SELECT folder (QRESYNC (uidvalidity modseq
 *   known-uids))`; the answer itself holds what vanished and changed. One
 *   round trip (plus ENABLE QRESYNC once per connection).
 * - CONDSTORE: `SELECT folder (CONDSTORE)`, `UID FETCH 1:* (UID FLAGS)
 *   (CHANGEDSINCE modseq)` for new and changed messages, and `UID SEARCH`
 *   over the known UIDs (ESEARCH when offered, else in chunks of 20,000
 *   UIDs) for what vanished.
 * - FLAGS: SELECT and `UID FETCH 1:* (UID FLAGS)`, compared with the state
 *   (which keeps each message's flags for this), for servers without
 *   mod-sequences; also what the other two fall back to for a folder with
 *   NOMODSEQ, a state without a mod-sequence, or a first sync.
 *
 * The three give the same answer for the same changes, with one
 * difference: the mod-sequence ways report every message whose
 * mod-sequence went up, which includes a message whose flags were changed
 * and changed back, while FLAGS compares the flags themselves. `\Recent`,
 * which belongs to a session rather than to a message, is neither kept,
 * compared nor reported.
 *
 * Memory stays bounded on big folders: responses are handled one at a time
 * as they arrive, the UID sets are ranges, and per-message flags are runs
 * of equal flag sets. What is kept grows with the number of changes, not
 * with the size of the folder.
 *
 * A typical loop, for a client that keeps a local copy:
 *
 *     imapclient_sync_state *st = NULL;
 *     if (imapclient_sync_state_parse(saved, saved_len, &st) != 0)
 *         imapclient_sync_state_new(&st);          // first run, or a bad blob
 *     imapclient_sync_result *r = NULL;
 *     if (imapclient_sync_folder(c, "INBOX", st, NULL, &r) == 0) {
 *         if (r->start_over)
 *             drop_local_copy();
 *         download(&r->new_uids);                  // UID FETCH of the new ones
 *         for (size_t i = 0; i < r->changed_count; i++)
 *             set_local_flags(r->changed[i].uid, r->changed[i].flags);
 *         delete_local(&r->vanished);
 *         char *blob; size_t len;
 *         imapclient_sync_state_format(st, &blob, &len);   // then store it
 *     }
 *
 * Resuming after a reconnect is the same call with the state kept in
 * memory: with QRESYNC it is one SELECT that reports what happened while
 * the connection was down. The changes may include some the caller has
 * already seen (as unsolicited responses before the connection dropped):
 * applying them again does no harm.
 *
 * imapclient_sync_folder() is a blocking call; there is no start_ form in
 * imapclient/async.h. A sync is a conversation of several commands, each
 * chosen by the answers before (ENABLE while QRESYNC is not on yet, after
 * an UNSELECT when a folder is selected; the SELECT; then nothing, a
 * `UID FETCH n:*`, CHANGEDSINCE and UID SEARCH in chunks, or a FETCH of
 * every message's flags), and the state
 * changes only when all of them succeeded. On a handle driven without
 * waiting it may be called between imapclient_drive() calls (never from a
 * callback): it waits behind the commands already started, whose
 * completions come first. A program that must never block sends the
 * QRESYNC SELECT itself with imapclient_start_select_folder_params(): one
 * command whose IMAPCLIENT_OP_SELECT result holds the same typed data
 * (vanished UIDs, changed messages with flags and MODSEQ, HIGHESTMODSEQ),
 * and imapclient_start_fetch_changedsince() for the CONDSTORE way; it
 * then keeps its own UIDVALIDITY, HIGHESTMODSEQ and UID set instead of an
 * imapclient_sync_state.
 */
#ifndef IMAPCLIENT_SYNC_H
#define IMAPCLIENT_SYNC_H

#include "client.h"
#include "common.h"
#include "folders.h"
#include "mail.h"

IMAPCLIENT_BEGIN_DECLS

/** What one folder looked like at the last sync (opaque). */
typedef struct imapclient_sync_state imapclient_sync_state;

/** How imapclient_sync_folder() finds the changes. */
typedef enum imapclient_sync_strategy {
    IMAPCLIENT_SYNC_AUTO = 0,  /**< by capability: QRESYNC, else CONDSTORE, else FLAGS;
                                    a server that announces QRESYNC but refuses it
                                    (ENABLE or SELECT answered NO/BAD) gets CONDSTORE */
    IMAPCLIENT_SYNC_QRESYNC,   /**< SELECT with QRESYNC (needs QRESYNC) */
    IMAPCLIENT_SYNC_CONDSTORE, /**< CHANGEDSINCE and UID SEARCH (needs CONDSTORE) */
    IMAPCLIENT_SYNC_FLAGS      /**< UID FETCH 1:* (UID FLAGS) compared with the state */
} imapclient_sync_strategy;

/** Options of imapclient_sync_folder(); all zero (or NULL) is the default. */
typedef struct imapclient_sync_options {
    imapclient_sync_strategy strategy; /**< the way to use; AUTO by default */
    int readonly;   /**< select with EXAMINE (nothing changes on the server, not
                         even \\Recent); default SELECT */
    int keep_flags; /**< keep each message's flags in the state even when the
                         strategy does not need them (the FLAGS strategy always
                         keeps them); read them with imapclient_sync_state_flags() */
} imapclient_sync_options;

/** What changed in a folder since a sync state. */
typedef struct imapclient_sync_result {
    imapclient_sync_strategy strategy; /**< the way used (never AUTO): the one asked
                                            or chosen, or FLAGS when there was no
                                            mod-sequence to start from */
    int start_over;             /**< the folder's UIDVALIDITY is not the state's: the
                                     UIDs known before name other messages or none.
                                     Forget everything kept for this folder; new_uids
                                     holds every message now, and changed and vanished
                                     are empty */
    uint32_t uidvalidity;       /**< the folder's UIDVALIDITY */
    uint64_t highestmodseq;     /**< its HIGHESTMODSEQ; 0 without mod-sequences */
    uint32_t exists;            /**< messages in the folder (EXISTS) */
    imapclient_uidset new_uids; /**< UIDs not in the state: the messages to
                                     download (all of them on a first sync) */
    const imapclient_flag_change *changed; /**< known messages whose flags changed
                                                (or may have: see above), ascending
                                                by UID, with the flags they have now
                                                and their MODSEQ when the server has
                                                mod-sequences; never NULL */
    size_t changed_count;                  /**< entries in changed */
    imapclient_uidset vanished;            /**< known UIDs no longer in the folder */
    const imapclient_select_info *select;  /**< the SELECT (EXAMINE) answer */
} imapclient_sync_result;

/**
 * A state for a folder never synced: the first imapclient_sync_folder()
 * reports every message as new.
 *
 * @param[out] out  free with imapclient_sync_state_free()
 * @return 0, IMAPCLIENT_EINVAL (out NULL) or IMAPCLIENT_ENOMEM
 */
IMAPCLIENT_EXTERN int imapclient_sync_state_new(imapclient_sync_state **out);

/**
 * Read a state saved with imapclient_sync_state_format().
 *
 * The blob is refused unless it is exactly what format writes: the header
 * line, UIDVALIDITY, HIGHESTMODSEQ, the UID set (ascending, disjoint
 * ranges), the flag sets and the flags of every known UID when present,
 * and the closing line, so a truncated or edited blob is not mistaken for
 * a state that lost messages.
 *
 * @param blob      the text (need not be NUL-terminated)
 * @param len       bytes in blob
 * @param[out] out  the state, free with imapclient_sync_state_free(); NULL
 *                  on failure
 * @return 0, IMAPCLIENT_EINVAL (NULL argument, or a malformed blob) or
 *         IMAPCLIENT_ENOMEM
 */
IMAPCLIENT_EXTERN int imapclient_sync_state_parse(const char *blob, size_t len,
                                                  imapclient_sync_state **out);

/**
 * Write a state as text to store: a few lines, e.g.
 *
 *     imapclient-sync-state 1
 *     uidvalidity 1700000001
 *     highestmodseq 42
 *     uids 1:8,10
 *     end
 *
 * plus "flagset" and "flags" lines when the state keeps flags.
 *
 * @param st        the state
 * @param[out] out  the text, NUL-terminated, malloc'd, free with free();
 *                  NULL on failure
 * @param[out] len  if not NULL, its length
 * @return 0, IMAPCLIENT_EINVAL (NULL argument) or IMAPCLIENT_ENOMEM
 */
IMAPCLIENT_EXTERN int imapclient_sync_state_format(const imapclient_sync_state *st,
                                                   char **out, size_t *len);

/** Release a state; NULL is a no-op. */
IMAPCLIENT_EXTERN void imapclient_sync_state_free(imapclient_sync_state *st);

/** The state's UIDVALIDITY (0 for a folder never synced). */
IMAPCLIENT_EXTERN uint32_t
imapclient_sync_state_uidvalidity(const imapclient_sync_state *st);

/** The state's HIGHESTMODSEQ (0 when the server gave none). */
IMAPCLIENT_EXTERN uint64_t
imapclient_sync_state_highestmodseq(const imapclient_sync_state *st);

/**
 * The UIDs the state knows.
 *
 * @return a view valid until the state is next changed or freed (never NULL
 *         for a state; NULL for NULL)
 */
IMAPCLIENT_EXTERN const imapclient_uidset *
imapclient_sync_state_uids(const imapclient_sync_state *st);

/**
 * The flags the state keeps for a message (states made by the FLAGS
 * strategy or with keep_flags).
 *
 * @param st         the state
 * @param uid        a known UID
 * @param[out] out   the flags, NULL-terminated, malloc'd as one block (free
 *                   with free()); NULL when not known
 * @param[out] count if not NULL, their number
 * @return 1 found, 0 (the state keeps no flags, or does not know uid),
 *         IMAPCLIENT_EINVAL (NULL argument) or IMAPCLIENT_ENOMEM
 */
IMAPCLIENT_EXTERN int imapclient_sync_state_flags(const imapclient_sync_state *st,
                                                  uint32_t uid, char ***out,
                                                  size_t *count);

/**
 * Select a folder and tell what changed since a state; the state then
 * describes the folder as it is now.
 *
 * Leaves the folder selected (read-only with opts->readonly), as
 * imapclient_select_folder() does. With the QRESYNC strategy it first
 * enables QRESYNC on the connection (after an UNSELECT when a folder is
 * selected, ENABLE being allowed only then), after which the server
 * reports expunges as VANISHED (read them with imapclient_changes_add()).
 *
 * The state is changed only when the call succeeds: on failure it is as it
 * was, so the caller can try again, on this connection or a new one. Save
 * it (imapclient_sync_state_format()) once the changes are applied
 * locally; a crash before then means the next sync reports them again.
 *
 * @param c       an authenticated handle
 * @param folder  the folder (encoded as imapclient_select_folder() does)
 * @param state   the state: the last one saved for this folder, or a new
 *                one; updated on success
 * @param opts    NULL for the defaults
 * @param[out] out the changes, free with imapclient_sync_result_free(); may
 *                be NULL when only the state is wanted; NULL on failure
 * @return 0; IMAPCLIENT_ECAPABILITY (a forced strategy the server lacks;
 *         nothing sent); IMAPCLIENT_EILLEGAL_STATE (not logged in; or QRESYNC
 *         forced with a folder selected and no UNSELECT); IMAPCLIENT_EINVAL
 *         (NULL argument, unknown strategy); IMAPCLIENT_ERROR (the server
 *         refused the SELECT or a command of a forced strategy: its words
 *         in imapclient_errmsg()); IMAPCLIENT_EPROTOCOL (no UIDVALIDITY, or
 *         answers that cannot be read); IMAPCLIENT_EABORT or another
 *         negative code
 */
IMAPCLIENT_EXTERN int imapclient_sync_folder(imapclient *c, const char *folder,
                                             imapclient_sync_state *state,
                                             const imapclient_sync_options *opts,
                                             imapclient_sync_result **out);

/** Release a sync result; NULL is a no-op. */
IMAPCLIENT_EXTERN void imapclient_sync_result_free(imapclient_sync_result *r);

/** The name of a strategy: "auto", "qresync", "condstore", "flags"; NULL for
 *  an unknown value. */
IMAPCLIENT_EXTERN const char *imapclient_sync_strategy_name(imapclient_sync_strategy s);

IMAPCLIENT_END_DECLS

#endif
