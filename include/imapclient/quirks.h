/**
 * @file
 * libimapclient: server quirks as data.
 *
 * Real servers differ from the RFCs in ways a client can only know by
 * experience. What the library knows of a server is one struct of switches,
 * imapclient_quirks, filled from a named profile. The profile is detected
 * from what the server says about itself; every switch can be read and
 * overridden by the caller.
 *
 * Detection (the strongest evidence wins, and a profile once found is only
 * replaced by stronger evidence):
 *
 * | profile   | ID response (name, vendor) | greeting text             | capability | |
 * --------- | -------------------------- | ------------------------- | ---------------- |
 * | gmail     | "GImap", "Google"          | "Gimap ready"             | X-GM-EXT-1 | |
 * exchange  | "Exchange", "Microsoft"    | "Microsoft Exchange"      |                  |
 * | yahoo     | "Yahoo"                    |                           | XYMHIGHESTMODSEQ
 * | | icloud    | "iCloud", "Apple"          | "iSCREAM"                 | AUTH=ATOKEN |
 * | domino    | "Domino"                   | "Domino IMAP4 Server"     | | | courier   |
 * "Courier"                  | "Courier-IMAP"            |                  | | cyrus |
 * "Cyrus"                    | "Cyrus IMAP"              |                  | | dovecot
 * | "Dovecot"                  | "Dovecot"                 |                  | | mailru
 * | "Mail.Ru"                  |                           |                  | | netease
 * | "Coremail", "NetEase"      | "Coremail"                |                  |
 *
 * (netease: 163.com, 126.com, yeah.net and qiye.163.com, which run
 * Coremail.) The ID response is the strongest evidence, then the greeting,
 * then the capabilities; anything else is "default", the neutral profile:
 * the library then assumes nothing of the server and relies on its own
 * fallbacks. The ID response counts when imapclient_id() was called (or
 * the library sent ID itself, see id_before_select).
 *
 * Overriding: imapclient_set_quirks() (or options.quirks at connect)
 * replaces the switches; detection then leaves them alone. Start from a
 * profile with imapclient_quirks_profile() and change what you need:
 *
 *     imapclient_quirks q;
 *     imapclient_quirks_profile("default", &q);
 *     q.search_no_charset = 1;
 *     imapclient_set_quirks(c, &q);
 */
#ifndef IMAPCLIENT_QUIRKS_H
#define IMAPCLIENT_QUIRKS_H

#include "client.h"

IMAPCLIENT_BEGIN_DECLS

/** The current version of imapclient_quirks (set by imapclient_quirks_profile()). */
#define IMAPCLIENT_QUIRKS_VERSION 1

/**
 * What the library knows of a server's departures from the RFCs. Fields are
 * only ever appended; always fill the struct with imapclient_quirks_profile()
 * before changing fields.
 */
typedef struct imapclient_quirks {
    unsigned version; /**< IMAPCLIENT_QUIRKS_VERSION */
    char name[24];    /**< the profile's name ("default", "gmail", ...), NUL-terminated */

    /**
     * The server refuses SEARCH with a CHARSET argument (it answers BAD,
     * whatever the charset: Yahoo). Search criteria are then sent without
     * CHARSET, non-ASCII text as UTF-8, when the library chooses the
     * charset (see imapclient_search()). Without the switch the library
     * learns it the hard way: a BAD to a CHARSET it added is retried once
     * without CHARSET. Default 0; on in: yahoo.
     */
    int search_no_charset;

    /**
     * The server refuses SELECT and EXAMINE ("NO ... Unsafe Login") until
     * the client has identified itself with ID (RFC 2971; NetEase's 163.com
     * and qiye.163.com). The library then sends
     * `ID ("name" "libimapclient" "version" "<version>")` once per
     * connection before the first SELECT or EXAMINE, unless imapclient_id()
     * already identified the client; nothing else about the caller is sent.
     * Needs the ID capability. Default 0; on in: netease.
     */
    int id_before_select;

    /**
     * The server marks special folders (`\Sent`, `\Trash`, ... of RFC 6154) in
     * the flags of a plain LIST although it does not offer SPECIAL-USE
     * (Exchange). imapclient_find_special_folder() lists every folder and
     * reads these flags when SPECIAL-USE is not offered and this is on;
     * off, it goes straight to the common names, which saves listing a big
     * folder tree. Default 1 (the reference's behaviour); on in every
     * profile.
     */
    int list_flags_special_use;

    /**
     * How long the server lets an IDLE (or a quiet connection) last, in
     * milliseconds: imapclient_idle_renew() renews IDLE at least this
     * often, whatever age it is given, and so do imapclient_idle_check()
     * and the non-blocking IDLE when it is shorter than
     * options.idle_renew_ms. Default IMAPCLIENT_IDLE_MAX_MS (29
     * minutes, RFC 2177); lower it for servers known to drop IDLE sooner
     * (some drop it after 10 minutes). 0 or less means the default.
     */
    int idle_max_ms;
} imapclient_quirks;

/**
 * Fill out with a named profile's switches (the table above, "default"
 * for the neutral one). Case-insensitive.
 *
 * @param name      "default", "gmail", "exchange", "yahoo", "icloud",
 *                  "domino", "courier", "cyrus", "dovecot", "mailru" or
 *                  "netease"
 * @param[out] out  the profile (version and name set)
 * @return 0, or IMAPCLIENT_EINVAL for an unknown name or NULL argument
 *         (out is then the default profile, when not NULL)
 */
IMAPCLIENT_EXTERN int imapclient_quirks_profile(const char *name, imapclient_quirks *out);

/**
 * The names of the profiles, NULL-terminated, "default" first. Static
 * data; never NULL.
 */
IMAPCLIENT_EXTERN const char *const *imapclient_quirks_profile_names(void);

/**
 * The switches in effect on a handle: the detected profile, or what the
 * caller set. Borrowed, valid until the next call on the handle; never
 * NULL (for a NULL handle, the default profile).
 */
IMAPCLIENT_EXTERN const imapclient_quirks *imapclient_get_quirks(const imapclient *c);

/**
 * Override the switches of a handle; detection no longer changes them.
 * NULL goes back to detection (from what the server said so far).
 *
 * @param q  the switches (copied), filled by imapclient_quirks_profile()
 *           and changed as needed; NULL to detect again
 * @return 0, or IMAPCLIENT_EINVAL (NULL handle, q->version not
 *         IMAPCLIENT_QUIRKS_VERSION, a name that is not NUL-terminated)
 */
IMAPCLIENT_EXTERN int imapclient_set_quirks(imapclient *c, const imapclient_quirks *q);

IMAPCLIENT_END_DECLS

#endif
