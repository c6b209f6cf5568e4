/**
 * @file
 * libimapclient: CONDSTORE and QRESYNC (RFC 7162), typed.
 *
 * Mod-sequences tell what changed since a point in time: every change to
 * a message's flags gives it a new MODSEQ, and a folder's HIGHESTMODSEQ
 * (in imapclient_select_info and imapclient_status_info) is the latest.
 * With CONDSTORE a client asks for the messages changed since a
 * mod-sequence (imapclient_fetch_changedsince()) and stores flags only if
 * nobody changed them meanwhile (imapclient_store_unchangedsince()). With
 * QRESYNC, enabled with imapclient_enable(c, {"QRESYNC", NULL}, NULL), a
 * SELECT given the last UIDVALIDITY and HIGHESTMODSEQ it knew also says
 * which messages changed and which vanished meanwhile
 * (imapclient_select_folder_params()), and expunges are reported as
 * `VANISHED uid-set` instead of `n EXPUNGE`.
 *
 * Sets of UIDs are imapclient_uidset ranges (mail.h): never expanded, so
 * a `VANISHED (EARLIER) 1:4294967295` costs one range. The responses that
 * come outside a command's result (imapclient_noop(), imapclient_idle_check(),
 * imapclient_idle_done(), imapclient_expunge(), the unsolicited callback of
 * the non-blocking API) are read with imapclient_changes_add(), which
 * takes both forms of an expunge.
 *
 * For "what changed in this folder since last time" as one call, see
 * imapclient/sync.h, built on these.
 *
 * Each call checks its capability before sending anything (CONDSTORE or
 * QRESYNC; IMAPCLIENT_ECAPABILITY), and what needs QRESYNC enabled fails
 * with IMAPCLIENT_EILLEGAL_STATE until it is.
 */
#ifndef IMAPCLIENT_CONDSTORE_H
#define IMAPCLIENT_CONDSTORE_H

#include "async.h"
#include "client.h"
#include "common.h"
#include "fetch.h"
#include "folders.h"
#include "mail.h"
#include "types.h"

IMAPCLIENT_BEGIN_DECLS

/* ------------------------------------------------------------------ */
/* SELECT / EXAMINE with CONDSTORE or QRESYNC                            */
/* ------------------------------------------------------------------ */

/**
 * What to send with SELECT or EXAMINE besides the folder. All zero is a
 * plain SELECT; fill it with designated initialisers:
 *
 *     imapclient_select_params p = {.readonly = 1,
 *                                   .qresync_uidvalidity = 67890007,
 *                                   .qresync_modseq = 20050715194045000,
 *                                   .qresync_known_uids = "41,43:211,214:541"};
 */
typedef struct imapclient_select_params {
    int readonly;  /**< non-zero sends EXAMINE */
    int condstore; /**< send the CONDSTORE parameter (RFC 7162 3.1.8): mod-sequences
                        on from here; needs the CONDSTORE capability. Not needed
                        with QRESYNC, which implies it */
    uint32_t qresync_uidvalidity;       /**< non-zero: send (QRESYNC (uidvalidity modseq
                                             ...)) (RFC 7162 3.2.5); needs QRESYNC
                                             enabled. The UIDVALIDITY last seen */
    uint64_t qresync_modseq;            /**< the HIGHESTMODSEQ last seen (not 0) */
    const char *qresync_known_uids;     /**< optional: the UIDs the client knows
                                             (a uid-set: "1:100,200"; no "*"); the
                                             server then reports only those of them
                                             that vanished */
    const char *qresync_seq_match_seqs; /**< optional, with the next one and
                                             qresync_known_uids: message numbers
                                             the client knew... */
    const char *qresync_seq_match_uids; /**< ...and their UIDs, in the same order
                                             (RFC 7162 3.2.5.2: helps a server that
                                             forgets expunges to say less) */
} imapclient_select_params;

/**
 * Select a folder with CONDSTORE or QRESYNC parameters.
 *
 * Sends `SELECT folder (CONDSTORE)`, or `SELECT folder (QRESYNC
 * (uidvalidity modseq [known-uids [(seqs uids)]]))` (EXAMINE when
 * readonly), else does what imapclient_select_folder() does. With QRESYNC
 * parameters and the server's UIDVALIDITY equal to qresync_uidvalidity,
 * the result's vanished set holds the UIDs expunged since qresync_modseq
 * (`VANISHED (EARLIER)`; a server may name UIDs the client never had,
 * and one without full expunge history may name more than vanished since:
 * keep only those you know) and changed the messages whose mod-sequence
 * is above it, with their UID, flags and MODSEQ (RFC 7162 3.2.5.1). With
 * another UIDVALIDITY the server ignores the parameters: compare
 * info->uidvalidity with the one given. When a folder was selected before,
 * the responses about it that come before `OK [CLOSED]` are not mixed in
 * (RFC 7162 3.2.11); they stay for imapclient_noop().
 *
 * Works in both fronts: imapclient_start_select_folder_params() starts it
 * without waiting.
 *
 * @param c       an authenticated handle
 * @param folder  the folder
 * @param params  NULL or all zero for a plain SELECT
 * @param[out] out SELECT data, free with imapclient_select_info_free(); NULL
 *                 on failure; may be NULL
 * @return 0; IMAPCLIENT_ECAPABILITY (no CONDSTORE, or no QRESYNC, nothing
 *         sent); IMAPCLIENT_EILLEGAL_STATE (not logged in, or QRESYNC
 *         parameters before QRESYNC was enabled; nothing sent);
 *         IMAPCLIENT_EINVAL (a set that is not a uid-set, seq-match sets
 *         without known UIDs or one without the other, modseq 0);
 *         IMAPCLIENT_ERROR (NO/BAD; after NO no folder is selected);
 *         IMAPCLIENT_EPROTOCOL (a malformed VANISHED or FETCH in the answer;
 *         the folder is selected all the same); IMAPCLIENT_EABORT or another
 *         negative code
 */
IMAPCLIENT_EXTERN int
imapclient_select_folder_params(imapclient *c, const char *folder,
                                const imapclient_select_params *params,
                                imapclient_select_info **out);

/**
 * Start imapclient_select_folder_params() without waiting (see
 * imapclient/async.h). The parameters are checked now and copied; the
 * state and capabilities (QRESYNC enabled) when the command goes out. The
 * completion is IMAPCLIENT_OP_SELECT with an imapclient_select_info.
 *
 * @return 0 (started; *id set when id is not NULL), IMAPCLIENT_EINVAL,
 *         IMAPCLIENT_EABORT or IMAPCLIENT_ENOMEM (nothing started)
 */
IMAPCLIENT_EXTERN int
imapclient_start_select_folder_params(imapclient *c, const char *folder,
                                      const imapclient_select_params *params,
                                      imapclient_done_cb cb, void *user, uint64_t *id);

/* ------------------------------------------------------------------ */
/* FETCH ... (CHANGEDSINCE n [VANISHED])                                 */
/* ------------------------------------------------------------------ */

/**
 * Fetch data of the messages changed since a mod-sequence (RFC 7162
 * 3.1.4.1), and with vanished those expunged since (3.2.6).
 *
 * Sends `[UID] FETCH messages (data) (CHANGEDSINCE modseq [VANISHED])`;
 * the server adds MODSEQ to every message (imapclient_message.modseq).
 * With vanished the UIDs of messages named by messages and expunged
 * since modseq come in out->vanished (from `VANISHED (EARLIER)`).
 * imapclient_fetch() with the modifiers {"CHANGEDSINCE n", "VANISHED"}
 * does the same.
 *
 * @param c         a handle with a selected folder
 * @param messages  a sequence set; UIDs when use_uid is on
 * @param data      the data items, as imapclient_fetch()
 * @param modseq    report messages whose mod-sequence is above this (not 0)
 * @param vanished  non-zero adds VANISHED (needs QRESYNC enabled and
 *                  use_uid on: UID FETCH)
 * @param[out] out  the messages, free with imapclient_fetch_result_free()
 * @return as imapclient_fetch(); IMAPCLIENT_ECAPABILITY without CONDSTORE
 *         (or QRESYNC with vanished); IMAPCLIENT_EILLEGAL_STATE with vanished
 *         before QRESYNC was enabled; IMAPCLIENT_EINVAL with vanished and
 *         use_uid off, or modseq 0 (nothing sent)
 */
IMAPCLIENT_EXTERN int imapclient_fetch_changedsince(imapclient *c, const char *messages,
                                                    const char *const *data,
                                                    uint64_t modseq, int vanished,
                                                    imapclient_fetch_result **out);

/**
 * Start imapclient_fetch_changedsince() without waiting. The completion is
 * IMAPCLIENT_OP_FETCH with an imapclient_fetch_result.
 *
 * @return as imapclient_start_fetch()
 */
IMAPCLIENT_EXTERN int imapclient_start_fetch_changedsince(
    imapclient *c, const char *messages, const char *const *data, uint64_t modseq,
    int vanished, imapclient_done_cb cb, void *user, uint64_t *id);

/* ------------------------------------------------------------------ */
/* STORE (UNCHANGEDSINCE n)                                              */
/* ------------------------------------------------------------------ */

/** How a conditional STORE changes the flags. */
typedef enum imapclient_store_mode {
    IMAPCLIENT_STORE_SET = 0, /**< FLAGS: replace them */
    IMAPCLIENT_STORE_ADD,     /**< +FLAGS */
    IMAPCLIENT_STORE_REMOVE   /**< -FLAGS */
} imapclient_store_mode;

/** The answer to a conditional STORE. */
typedef struct imapclient_store_result {
    const imapclient_flag_change *changes; /**< the messages the server stored, each
                                                with its new MODSEQ and, unless
                                                silent, its flags; ascending by id
                                                (UID with use_uid, else number) */
    size_t count;                          /**< entries in changes */
    imapclient_uidset modified;            /**< [MODIFIED]: the ids (UIDs with
                                                use_uid, else message numbers) NOT
                                                stored because their mod-sequence was
                                                above unchangedsince; empty when every
                                                message was stored */
    const char *text;                      /**< the completion text */
} imapclient_store_result;

/**
 * Store flags only where nobody changed them since a mod-sequence (RFC 7162
 * 3.1.3).
 *
 * Sends `[UID] STORE messages (UNCHANGEDSINCE modseq) [+-]FLAGS[.SILENT]
 * (flags)`. The server stores the flags of the messages whose
 * mod-sequence is at most unchangedsince and names the others in
 * `[MODIFIED set]` (out->modified); both come back. UNCHANGEDSINCE 0
 * stores nothing and tells which messages exist with mod-sequences.
 * A NO (RFC 7162 3.1.3: a message number of the set was expunged) is
 * IMAPCLIENT_ERROR, with the server's words, its MODIFIED set included,
 * in imapclient_errmsg().
 *
 * @param c              a handle with a folder selected read-write
 * @param messages       a sequence set; UIDs when use_uid is on
 * @param mode           set, add or remove
 * @param flags          NULL-terminated flags, as imapclient_set_flags()
 * @param unchangedsince the mod-sequence the caller last saw (0 stores nothing)
 * @param silent         non-zero sends FLAGS.SILENT: the changes then carry
 *                       MODSEQ only
 * @param[out] out       the result, free with imapclient_store_result_free();
 *                       NULL on failure; may be NULL
 * @return 0; IMAPCLIENT_ECAPABILITY (no CONDSTORE); IMAPCLIENT_EREADONLY,
 *         IMAPCLIENT_EILLEGAL_STATE (nothing sent); IMAPCLIENT_EINVAL;
 *         IMAPCLIENT_ERROR (NO/BAD); IMAPCLIENT_EPROTOCOL (a MODIFIED that
 *         is not a set); IMAPCLIENT_EABORT or another negative code
 */
IMAPCLIENT_EXTERN int imapclient_store_unchangedsince(imapclient *c, const char *messages,
                                                      imapclient_store_mode mode,
                                                      const char *const *flags,
                                                      uint64_t unchangedsince, int silent,
                                                      imapclient_store_result **out);

/**
 * Start imapclient_store_unchangedsince() without waiting. The completion
 * is IMAPCLIENT_OP_STORE_UNCHANGEDSINCE with an imapclient_store_result.
 *
 * @return 0 (started), IMAPCLIENT_EINVAL, IMAPCLIENT_EABORT or
 *         IMAPCLIENT_ENOMEM (nothing started)
 */
IMAPCLIENT_EXTERN int imapclient_start_store_unchangedsince(
    imapclient *c, const char *messages, imapclient_store_mode mode,
    const char *const *flags, uint64_t unchangedsince, int silent, imapclient_done_cb cb,
    void *user, uint64_t *id);

/** Release a conditional STORE result; NULL is a no-op. */
IMAPCLIENT_EXTERN void imapclient_store_result_free(imapclient_store_result *r);

/* ------------------------------------------------------------------ */
/* Changes reported outside a command's result                          */
/* ------------------------------------------------------------------ */

/**
 * What a run of untagged responses says about the selected folder: the
 * typed reading of what imapclient_noop(), imapclient_idle_check(),
 * imapclient_idle_done(), imapclient_expunge() and imapclient_take_responses()
 * return, and of what the non-blocking API hands to its unsolicited
 * callback. Expunges come in either form: `n EXPUNGE` (expunged, message
 * numbers) or, once QRESYNC is enabled, `VANISHED uid-set` (vanished, UIDs).
 */
typedef struct imapclient_changes {
    const uint32_t *expunged;           /**< `n EXPUNGE`, message numbers in arrival order
                                             (each renumbers the messages above it) */
    size_t expunged_count;              /**< entries in expunged */
    imapclient_uidset vanished;         /**< `VANISHED uid-set`: UIDs expunged now (the
                                             messages numbers above them shift down) */
    imapclient_uidset vanished_earlier; /**< `VANISHED (EARLIER) uid-set`: UIDs
                                             expunged before (no renumbering) */
    const imapclient_flag_change *changed; /**< `n FETCH` with FLAGS or MODSEQ:
                                                flag changes, in arrival order */
    size_t changed_count;                  /**< entries in changed */
    uint32_t exists;        /**< the last `n EXISTS`; valid when has_exists */
    int has_exists;         /**< an EXISTS was read */
    uint64_t highestmodseq; /**< the last `OK [HIGHESTMODSEQ n]`; valid when
                                 has_highestmodseq */
    int has_highestmodseq;  /**< an OK [HIGHESTMODSEQ] was read */
    size_t taken;           /**< responses read as changes so far */
} imapclient_changes;

/**
 * An empty change record, to fill with imapclient_changes_add().
 *
 * @param[out] out  free with imapclient_changes_free()
 * @return 0, IMAPCLIENT_EINVAL (out NULL) or IMAPCLIENT_ENOMEM
 */
IMAPCLIENT_EXTERN int imapclient_changes_new(imapclient_changes **out);

/**
 * Read one untagged response into a change record, when it is one: EXPUNGE,
 * VANISHED (with or without EARLIER), FETCH with FLAGS or MODSEQ, EXISTS,
 * or OK [HIGHESTMODSEQ]. The record's pointers may move: read them after
 * the last add.
 *
 * @param ch  the record
 * @param r   the response (any: others are left alone)
 * @return 1 taken, 0 not a change, IMAPCLIENT_EPROTOCOL (a VANISHED whose
 *         set is not a uid-set, a FETCH whose FLAGS or MODSEQ cannot be
 *         read; nothing taken), IMAPCLIENT_EINVAL (NULL argument) or
 *         IMAPCLIENT_ENOMEM
 */
IMAPCLIENT_EXTERN int imapclient_changes_add(imapclient_changes *ch,
                                             const imapclient_response *r);

/**
 * The changes a list of responses holds (imapclient_changes_new(), then
 * imapclient_changes_add() of each; malformed ones are skipped).
 *
 * @param rs        responses as imapclient_noop() and the others return them
 * @param[out] out  free with imapclient_changes_free(); NULL on failure
 * @return 0, IMAPCLIENT_EINVAL (NULL argument) or IMAPCLIENT_ENOMEM
 */
IMAPCLIENT_EXTERN int imapclient_changes_from_responses(const imapclient_responses *rs,
                                                        imapclient_changes **out);

/** Release a change record; NULL is a no-op. */
IMAPCLIENT_EXTERN void imapclient_changes_free(imapclient_changes *ch);

IMAPCLIENT_END_DECLS

#endif
