/**
 * @file
 * libimapclient: FETCH (IMAPClient.fetch) with typed results, a streaming
 * form for mailboxes of any size, and body sinks.
 */
#ifndef IMAPCLIENT_FETCH_H
#define IMAPCLIENT_FETCH_H

#include "client.h"
#include "common.h"
#include "mail.h"
#include "types.h"

IMAPCLIENT_BEGIN_DECLS

/** One data item of a FETCH response, exactly as the server named it. */
typedef struct imapclient_fetch_item {
    const char
        *name; /**< "FLAGS", "BODY[HEADER.FIELDS (SUBJECT)]<0>", ... (case as sent) */
    const imapclient_value *value; /**< its value (never NULL; NIL is a value) */
} imapclient_fetch_item;

/**
 * The data of one message (a value of the reference's fetch() dict).
 *
 * The common items are typed (a has_* flag or a NULL pointer says whether
 * the server sent them); every item the server sent, known or not, is also
 * in items[] as a generic value, so nothing is lost.
 */
typedef struct imapclient_message {
    uint32_t id;  /**< the key: the UID when use_uid is on, else the sequence number */
    uint32_t seq; /**< the sequence number (the reference's SEQ item) */
    uint32_t uid; /**< UID; valid when has_uid */
    int has_uid;  /**< non-zero when UID was sent */

    const char *const *flags;         /**< FLAGS, NULL-terminated; NULL when not sent */
    size_t flag_count;                /**< entries in flags */
    imapclient_datetime internaldate; /**< INTERNALDATE (normalised to local time
                                           when normalise_times is on) */
    int has_internaldate;             /**< non-zero when INTERNALDATE was sent */
    uint64_t size;                    /**< RFC822.SIZE; valid when has_size */
    int has_size;                     /**< non-zero when RFC822.SIZE was sent */
    uint64_t modseq;                  /**< MODSEQ (RFC 7162); valid when has_modseq */
    int has_modseq;                   /**< non-zero when MODSEQ was sent */
    const imapclient_envelope *envelope; /**< ENVELOPE, or NULL */
    const imapclient_body *body;         /**< BODYSTRUCTURE (or BODY), or NULL */

    uint64_t gm_msgid; /**< X-GM-MSGID; valid when has_gm_msgid */
    int has_gm_msgid;  /**< non-zero when X-GM-MSGID was sent */
    uint64_t gm_thrid; /**< X-GM-THRID; valid when has_gm_thrid */
    int has_gm_thrid;  /**< non-zero when X-GM-THRID was sent */
    /** X-GM-LABELS, decoded from modified UTF-7 as get_gmail_labels() does
     *  (kept as sent when not valid modified UTF-7); NULL if not sent */
    const char *const *gm_labels;
    size_t gm_label_count; /**< entries in gm_labels */

    const char *emailid;          /**< EMAILID (OBJECTID, RFC 8474): the message's id,
                                       the same in every folder; NULL when not sent */
    const char *threadid;         /**< THREADID (RFC 8474): its thread's id; NULL when
                                       not sent or NIL (no thread) */
    imapclient_datetime savedate; /**< SAVEDATE (RFC 8514): when it was saved
                                       in this folder (normalised as
                                       internaldate) */
    int has_savedate;             /**< 0 also for NIL (not known to the server) */
    const char *preview;          /**< PREVIEW (RFC 8970): a plain-text preview
                                       of the body, UTF-8, up to 256 characters;
                                       NULL when not sent or NIL (none yet: asked
                                       with "PREVIEW (LAZY)") */
    size_t preview_len;           /**< bytes in preview */

    const imapclient_fetch_item *items; /**< every item as sent, in order */
    size_t item_count;                  /**< entries in items */
} imapclient_message;

/** The messages of one fetch, in the order the server sent them. */
typedef struct imapclient_fetch_result {
    size_t count;                   /**< number of messages */
    const imapclient_message *msgs; /**< the messages: msgs[0..count) */
    imapclient_uidset vanished;     /**< with the VANISHED modifier (RFC 7162 3.2.6;
                                         imapclient_fetch_changedsince()): the UIDs of
                                         `VANISHED (EARLIER)`; empty otherwise */
} imapclient_fetch_result;

/**
 * Fetch data items of messages (IMAPClient.fetch(messages, data, modifiers)).
 *
 * @param c          a handle with a selected folder
 * @param messages   sequence set, e.g. "1:*", "2,4:7"; UIDs when use_uid is on;
 *                   "$" for the result a search saved (SEARCHRES, RFC 5182:
 *                   imapclient_esearch() with the SAVE return option)
 * @param data       NULL-terminated list of data items sent as given, e.g.
 *                   {"FLAGS", "ENVELOPE", "BODY.PEEK[HEADER]", NULL}; macros
 *                   ALL/FAST/FULL may be given alone. Each must be a
 *                   well-formed item: a name, then maybe a [section] (with
 *                   a parenthesised header list), a `<partial>` and a
 *                   parenthesised list ("PREVIEW (LAZY)"). Items of extensions
 *                   need their capability (checked before sending):
 *                   BINARY[...], BINARY.PEEK[...] and BINARY.SIZE[...]
 *                   BINARY (RFC 3516), EMAILID and THREADID OBJECTID (RFC
 *                   8474), SAVEDATE SAVEDATE (RFC 8514), PREVIEW PREVIEW
 *                   (RFC 8970); their values are typed in the messages
 * @param modifiers  NULL-terminated list of FETCH modifiers
 *                   (RFC 4466: a name, maybe a space and a number, a
 *                   sequence set or a parenthesised list), e.g.
 *                   {"CHANGEDSINCE 123", NULL}, or NULL;
 *                   "PARTIAL first:last" (RFC 9394: only the messages at
 *                   those positions of the set, -1 the last) needs PARTIAL
 * @param[out] out   the messages; free with imapclient_fetch_result_free().
 *                   Several FETCH responses for one message are merged
 *                   (up to 64; a server repeating a message beyond that
 *                   has the rest kept as unsolicited), also later ones
 *                   without UID for a sequence number that came with a UID
 *                   earlier in the command (iCloud splits messages so;
 *                   Dovecot adds "* n FETCH (MODSEQ (m))" when a fetch
 *                   sets `\Seen` under CONDSTORE).
 *                   FETCH responses the server sends unasked (flag changes
 *                   by others, messages outside the set) are not mixed in:
 *                   they stay for imapclient_noop()/take_responses(). A
 *                   list where an item name belongs that is itself made of
 *                   (NAME value) pairs (Lotus Domino wraps items so) is read
 *                   as those items.
 * @return 0, IMAPCLIENT_EILLEGAL_STATE (no folder selected),
 *         IMAPCLIENT_ECAPABILITY (an item, modifier or "$" of an extension
 *         the server does not offer; nothing sent), IMAPCLIENT_EINVAL
 *         (bad sequence set, empty data, an item or modifier that is not
 *         well-formed, named in errmsg; nothing is sent), IMAPCLIENT_ERROR
 *         (NO/BAD), IMAPCLIENT_EPROTOCOL (a response that could not be
 *         parsed, or a FETCH response that cannot be read: no message
 *         number, no item list, items that do not pair up, a UID that is
 *         not a number from 1 to 2^32-1; the command is read to its end,
 *         so the connection stays usable, and errmsg shows the response),
 *         IMAPCLIENT_EABORT, IMAPCLIENT_ETIMEOUT
 */
IMAPCLIENT_EXTERN int imapclient_fetch(imapclient *c, const char *messages,
                                       const char *const *data,
                                       const char *const *modifiers,
                                       imapclient_fetch_result **out);

/** Release a fetch result; NULL is a no-op. */
IMAPCLIENT_EXTERN void imapclient_fetch_result_free(imapclient_fetch_result *r);

/** The message with this id (UID or sequence number, as the result's keys), or NULL. */
IMAPCLIENT_EXTERN const imapclient_message *
imapclient_fetch_result_get(const imapclient_fetch_result *r, uint32_t id);

/**
 * An item of a message by name, case-insensitive, or NULL. ".PEEK" in the
 * name is ignored, so the name you asked for finds what the server sent:
 * "BODY.PEEK[HEADER]" finds "BODY[HEADER]", and "BODY[]" finds "BODY[]<0>"
 * only when asked as "BODY[]<0>".
 */
IMAPCLIENT_EXTERN const imapclient_value *
imapclient_message_item(const imapclient_message *m, const char *name);

/**
 * The content of a BINARY[section] item (RFC 3516), fetched with
 * "BINARY[1]" or "BINARY.PEEK[1]": the part's body decoded from its
 * Content-Transfer-Encoding by the server (base64, quoted-printable), so
 * it may hold NUL and any other byte. A partial fetch ("BINARY[1]<0.100>",
 * sent back as "BINARY[1]<0>") is found too.
 *
 * @param m        a message of a fetch result (or of fetch_each)
 * @param section  the section: "1", "1.2", "" for the whole message
 * @param[out] data  the bytes (NUL-terminated as well), or NULL for NIL;
 *                   owned by the result; may be NULL
 * @param[out] len   bytes in data; may be NULL
 * @return 1 when the item is there (data may still be NULL: NIL), 0 when
 *         not (or a NULL argument)
 */
IMAPCLIENT_EXTERN int imapclient_message_binary(const imapclient_message *m,
                                                const char *section, const char **data,
                                                size_t *len);

/**
 * The size of a part once decoded: BINARY.SIZE[section] (RFC 3516), as
 * the server computed it.
 *
 * @return 1 with *size set, 0 when the item is not there or not a number
 */
IMAPCLIENT_EXTERN int imapclient_message_binary_size(const imapclient_message *m,
                                                     const char *section, uint64_t *size);

/**
 * Called once per message by imapclient_fetch_each(). The message and all
 * it points to are valid only during the call. Return 0 to go on, non-zero
 * to stop: the rest of the responses are still read (and dropped) so the
 * connection stays usable, and fetch_each returns that value. A blocking
 * call on the same handle from inside fails with IMAPCLIENT_EILLEGAL_STATE
 * (the handle is in the middle of a response).
 */
typedef int (*imapclient_message_cb)(void *payload, const imapclient_message *msg);

/**
 * Where body literals go instead of memory: called for each piece of a
 * literal as it arrives (len may be 0 once for an empty literal). seq is
 * the message's sequence number; name the item ("BODY[]", "BINARY[1]")
 * as sent. Return 0 to go on, non-zero to fail the fetch with
 * IMAPCLIENT_ERROR (the literal is still read to its end). The item then
 * appears in the message with an empty LITERAL value. Blocking calls on the
 * same handle fail inside, as in the message callback.
 */
typedef int (*imapclient_sink_cb)(void *payload, uint32_t seq, const char *name,
                                  const char *data, size_t len);

/**
 * Streaming fetch: like imapclient_fetch() but calls msg_cb per FETCH
 * response as it is parsed, holding only one message in memory, however
 * many messages the folder has. If sink is not NULL, every literal of at
 * least sink_min bytes goes to sink as it arrives instead of memory.
 *
 * A server that splits one message over several FETCH responses gives
 * several calls for that message; with use_uid, a later one without UID
 * comes with the UID of its sequence number, when that came earlier in the
 * command (the last 4,096 sequence numbers are remembered).
 *
 * @return 0, the non-zero value msg_cb returned, or the codes of
 *         imapclient_fetch()
 */
IMAPCLIENT_EXTERN int
imapclient_fetch_each(imapclient *c, const char *messages, const char *const *data,
                      const char *const *modifiers, imapclient_message_cb msg_cb,
                      imapclient_sink_cb sink, size_t sink_min, void *payload);

IMAPCLIENT_END_DECLS

#endif
