/**
 * @file
 * libimapclient: the non-blocking API, for event loops and pipelining.
 *
 * Every call of the reference's API waits until its command completed.
 * The calls here start the same commands and return at once; the handle
 * then tells which file descriptor it waits on, for what, and until when
 * (imapclient_want()), and imapclient_drive() moves it on whenever that fd
 * is ready or the deadline passed. It never blocks (except to resolve a
 * host name that is not a numeric address: see imapclient_connect_start()).
 *
 * A started command completes exactly once: with the callback given to the
 * start call, or, when that is NULL, in the handle's completion queue
 * (imapclient_next_completion()). The completion carries the status and the
 * same typed result the blocking call returns.
 *
 * Several commands may be in flight on one connection: they go out as soon
 * as RFC 3501 section 5.5 allows (pipelining: many FETCH, STORE, SEARCH,
 * APPEND, COPY in a row), while commands that change the state (login,
 * STARTTLS, select, expunge, idle, logout, ...) go out alone, once every
 * earlier command completed, and nothing follows them until they did. The
 * library does this ordering; the caller just starts commands.
 *
 * The checks of the blocking call (state, capabilities) are made when the
 * command is about to go out, after every earlier command completed or
 * went out, so "login, then select, then fetch" may be started in one go.
 * Argument checks are made when the command is started.
 *
 * A handle may be driven from one thread at a time. Blocking calls may be
 * made on a handle with non-blocking commands in flight: they queue behind
 * them and deliver their completions while they wait. While a connect or
 * STARTTLS started without waiting has not completed they fail with
 * IMAPCLIENT_EILLEGAL_STATE (its handshake runs in imapclient_drive()).
 *
 *     imapclient *c;
 *     imapclient_connect_start("imap.example.org", &opts, on_connected, NULL, &c);
 *     for (;;) {
 *         imapclient_wants w;
 *         if (imapclient_want(c, &w) < 0)
 *             break;
 *         struct pollfd p = {.fd = w.fd};
 *         if (w.events & IMAPCLIENT_WANT_READ)
 *             p.events |= POLLIN;
 *         if (w.events & IMAPCLIENT_WANT_WRITE)
 *             p.events |= POLLOUT;
 *         poll(&p, 1, w.timeout_ms);
 *         if (imapclient_drive(c) < 0)
 *             break;
 *     }
 */
#ifndef IMAPCLIENT_ASYNC_H
#define IMAPCLIENT_ASYNC_H

#include "auth.h"
#include "client.h"
#include "extensions.h"
#include "fetch.h"
#include "folders.h"
#include "messages.h"

IMAPCLIENT_BEGIN_DECLS

/** Which command a completion is for. */
typedef enum imapclient_op {
    IMAPCLIENT_OP_CONNECT = 1, /**< imapclient_connect_start(); result NULL */
    IMAPCLIENT_OP_STARTTLS,    /**< result NULL */
    IMAPCLIENT_OP_LOGIN,       /**< every login form; result NULL */
    IMAPCLIENT_OP_SELECT,      /**< select/examine; imapclient_select_info * */
    IMAPCLIENT_OP_SEARCH,      /**< imapclient_ids * */
    IMAPCLIENT_OP_FETCH,       /**< imapclient_fetch_result * */
    IMAPCLIENT_OP_FETCH_EACH,  /**< result NULL (messages went to the callback) */
    IMAPCLIENT_OP_STORE,       /**< add/remove/set flags; imapclient_flags_result * */
    IMAPCLIENT_OP_APPEND,  /**< append, multiappend, catenate; imapclient_append_result *
                            */
    IMAPCLIENT_OP_COPY,    /**< copy and move; imapclient_copy_result * */
    IMAPCLIENT_OP_EXPUNGE, /**< imapclient_responses * */
    IMAPCLIENT_OP_IDLE,    /**< the server accepted IDLE; result NULL */
    IMAPCLIENT_OP_IDLE_DONE, /**< IDLE ended; imapclient_responses * */
    IMAPCLIENT_OP_NOOP,      /**< imapclient_responses * (the kept responses) */
    IMAPCLIENT_OP_LOGOUT,    /**< result NULL */
    IMAPCLIENT_OP_STORE_UNCHANGEDSINCE, /**< imapclient_store_result * (condstore.h) */
    IMAPCLIENT_OP_SORT,                 /**< imapclient_ids * (in sort order) */
    IMAPCLIENT_OP_THREAD,               /**< imapclient_threads * */
    IMAPCLIENT_OP_STATUS,               /**< imapclient_status_info * */
    IMAPCLIENT_OP_UNSELECT,             /**< unselect and close; result NULL */
    IMAPCLIENT_OP_ENABLE,               /**< imapclient_enabled * */
    IMAPCLIENT_OP_METADATA,             /**< get: imapclient_metadata *; set: NULL */
    IMAPCLIENT_OP_NOTIFY,               /**< notify set and none; result NULL */
    IMAPCLIENT_OP_LIST /**< list_extended, list_status; imapclient_folder_list * */
} imapclient_op;

/**
 * A command's completion.
 *
 * The result belongs to whoever receives the completion: take it by
 * copying the pointer and setting result to NULL. A result still set when
 * the callback returns (or when imapclient_completion_free() is called) is
 * freed by the library, so nothing leaks when you only look.
 */
typedef struct imapclient_completion {
    imapclient_op op;     /**< what was started */
    uint64_t id;          /**< the id the start call gave */
    int status;           /**< 0, or the code the blocking call would return */
    const char *errmsg;   /**< "" or the error text (as imapclient_errmsg()) */
    const char *text;     /**< the server's completion text, or "" */
    void *result;         /**< the typed result (see imapclient_op), or NULL */
    void *user;           /**< the user pointer given at start */
    const char *code;     /**< the response code of the server's NO/BAD
                               ("BADURL", "TRYCREATE"), or NULL (as
                               imapclient_error_code()) */
    const char *code_arg; /**< its text after the name, or NULL */
} imapclient_completion;

/**
 * Called once per started command, from imapclient_drive() (or from a
 * blocking call that waits behind it, or from imapclient_free() with
 * IMAPCLIENT_EABORT). done is valid during the call only. The callback
 * may start new commands on the handle; a blocking call on the same
 * handle fails there with IMAPCLIENT_EILLEGAL_STATE, and it must not free
 * the handle (free it after imapclient_drive() returned).
 */
typedef void (*imapclient_done_cb)(imapclient *c, imapclient_completion *done);

/* ------------------------------------------------------------------ */
/* Driving a handle                                                     */
/* ------------------------------------------------------------------ */

/** Bits of imapclient_wants.events. */
#define IMAPCLIENT_WANT_READ  1 /**< poll the fd for reading */
#define IMAPCLIENT_WANT_WRITE 2 /**< poll the write fd for writing */

/** What a handle waits for. */
typedef struct imapclient_wants {
    int fd;         /**< the fd to poll for reading, or -1 (dead, scripted) */
    int write_fd;   /**< the fd to poll for writing: fd, except in stream mode */
    int events;     /**< IMAPCLIENT_WANT_READ and/or IMAPCLIENT_WANT_WRITE */
    int timeout_ms; /**< call imapclient_drive() within this many ms even if
                         the fd is not ready (a timeout is due), or -1 */
} imapclient_wants;

/**
 * What the handle waits for now. Ask again after every imapclient_drive()
 * and after starting a command.
 *
 * @return 0, or the handle's status when it is unusable (w->fd is -1)
 */
IMAPCLIENT_EXTERN int imapclient_want(const imapclient *c, imapclient_wants *w);

/**
 * Move the handle on without blocking: send what can be sent, read what
 * arrived, deliver completions, enforce the timeouts (connect_timeout_ms
 * for the whole connect; the TLS handshake after STARTTLS as the blocking
 * call, connect_timeout_ms or else timeout_ms; timeout_ms as the longest
 * silence while a command is in flight, an IDLE that is idling excepted;
 * deadline_ms as the longest time from a command's start, or the connect's,
 * to its completion, however the server trickles its bytes). Call it when
 * the fd is ready or the timeout of imapclient_want() passed; a call at any other time is
 * harmless. Called from inside one of the handle's callbacks it does nothing (the drive
 * under way goes on once the callback returned).
 *
 * @return 0 while the handle is usable; otherwise the status that ended
 *         it (IMAPCLIENT_EABORT, IMAPCLIENT_ETIMEOUT, ...), after every
 *         command in flight completed with it
 */
IMAPCLIENT_EXTERN int imapclient_drive(imapclient *c);

/**
 * The next completion in the queue (commands started with a NULL
 * callback), oldest first.
 *
 * @param[out] out  the completion; free it with imapclient_completion_free()
 * @return 1 with *out set, 0 when the queue is empty
 */
IMAPCLIENT_EXTERN int imapclient_next_completion(imapclient *c,
                                                 imapclient_completion **out);

/** Free a completion from the queue, and its result unless taken (NULL is a no-op). */
IMAPCLIENT_EXTERN void imapclient_completion_free(imapclient_completion *done);

/** Commands started and not yet completed. */
IMAPCLIENT_EXTERN size_t imapclient_pending_commands(const imapclient *c);

/**
 * Give up: every command queued or in flight completes with
 * IMAPCLIENT_EINTERRUPTED (a connect or STARTTLS whose handshake is under
 * way too) and the handle becomes unusable (the server may be half-way
 * through a command, so the connection cannot go on in step). For a
 * signal handler's flag checked by the event loop. Called from
 * inside one of the handle's callbacks (a completion, a message callback,
 * a body sink, a source's read callback, ...), it takes effect as soon as
 * that callback returned.
 */
IMAPCLIENT_EXTERN void imapclient_cancel_all(imapclient *c);

/**
 * Have untagged responses that no command takes (EXISTS, EXPUNGE, FETCH
 * from other clients' changes, ALERTs, NOTIFY events ...) handed to fn as
 * they arrive, instead of being kept for imapclient_noop() and
 * imapclient_take_responses(). The response is valid during the call only.
 * fn NULL goes back to keeping them.
 */
IMAPCLIENT_EXTERN void imapclient_set_unsolicited_cb(
    imapclient *c, void (*fn)(void *payload, imapclient *c, const imapclient_response *r),
    void *payload);

/* ------------------------------------------------------------------ */
/* Starting commands                                                    */
/* ------------------------------------------------------------------ */

/*
 * Every start call takes the arguments of the blocking call it mirrors,
 * then cb and user (the callback, or NULL for the completion queue, and
 * a pointer handed back in the completion) and id (if not NULL, the id
 * the completion will carry). It returns 0 when the command is queued, or
 * a negative code with nothing queued (bad arguments, a dead handle);
 * imapclient_errmsg() then says why.
 */

/**
 * Start connecting (imapclient_connect() without waiting): resolves host
 * (getaddrinfo: this may block, unless host is a numeric address), starts
 * the TCP connection, then TLS (with ssl), then reads the greeting, each
 * step as the fd becomes ready. The IMAPCLIENT_OP_CONNECT completion comes
 * once the greeting was read, or with opts->starttls once STARTTLS is done
 * (a PREAUTH greeting on the plain connection then completes it with
 * IMAPCLIENT_ETLS, and any failure closes the connection, as in
 * imapclient_connect()).
 *
 * @param[out] out  the new handle, also on failure (for imapclient_errmsg();
 *                  free it with imapclient_free())
 * @return 0, or the codes of imapclient_connect() for what failed at once
 *         (IMAPCLIENT_ERESOLVE, IMAPCLIENT_ECONNECT, IMAPCLIENT_ENOMEM, ...)
 */
IMAPCLIENT_EXTERN int imapclient_connect_start(const char *host,
                                               const imapclient_options *opts,
                                               imapclient_done_cb cb, void *user,
                                               imapclient **out);

/** imapclient_starttls() without waiting; the handshake runs in imapclient_drive(). */
IMAPCLIENT_EXTERN int imapclient_start_starttls(imapclient *c, imapclient_done_cb cb,
                                                void *user, uint64_t *id);

/** imapclient_login() without waiting. */
IMAPCLIENT_EXTERN int imapclient_start_login(imapclient *c, const char *username,
                                             const char *password, imapclient_done_cb cb,
                                             void *user, uint64_t *id);

/** imapclient_plain_login() without waiting. */
IMAPCLIENT_EXTERN int imapclient_start_plain_login(imapclient *c, const char *identity,
                                                   const char *password,
                                                   const char *authorization_identity,
                                                   imapclient_done_cb cb, void *user,
                                                   uint64_t *id);

/** imapclient_oauth2_login() without waiting. */
IMAPCLIENT_EXTERN int imapclient_start_oauth2_login(imapclient *c, const char *user_name,
                                                    const char *access_token,
                                                    const char *mech, const char *vendor,
                                                    imapclient_done_cb cb, void *user,
                                                    uint64_t *id);

/** imapclient_oauthbearer_login() without waiting. */
IMAPCLIENT_EXTERN int imapclient_start_oauthbearer_login(imapclient *c,
                                                         const char *identity,
                                                         const char *access_token,
                                                         imapclient_done_cb cb,
                                                         void *user, uint64_t *id);

/** imapclient_scram_login() without waiting. */
IMAPCLIENT_EXTERN int imapclient_start_scram_login(imapclient *c, const char *mech,
                                                   const char *username,
                                                   const char *password,
                                                   imapclient_done_cb cb, void *user,
                                                   uint64_t *id);

/** imapclient_cram_md5_login() without waiting. */
IMAPCLIENT_EXTERN int imapclient_start_cram_md5_login(imapclient *c, const char *username,
                                                      const char *password,
                                                      imapclient_done_cb cb, void *user,
                                                      uint64_t *id);

/** imapclient_sasl_login() without waiting (fn is called from imapclient_drive()). */
IMAPCLIENT_EXTERN int imapclient_start_sasl_login(imapclient *c, const char *mech_name,
                                                  imapclient_sasl_fn fn, void *payload,
                                                  imapclient_done_cb cb, void *user,
                                                  uint64_t *id);

/**
 * imapclient_enable() without waiting; result imapclient_enabled *.
 *
 * The state and capability checks are made when it goes out (after the
 * login started before it).
 */
IMAPCLIENT_EXTERN int imapclient_start_enable(imapclient *c,
                                              const char *const *capabilities,
                                              imapclient_done_cb cb, void *user,
                                              uint64_t *id);

/** imapclient_select_folder() without waiting; result imapclient_select_info *. */
IMAPCLIENT_EXTERN int imapclient_start_select_folder(imapclient *c, const char *folder,
                                                     int readonly, imapclient_done_cb cb,
                                                     void *user, uint64_t *id);

/**
 * imapclient_search() without waiting; result imapclient_ids *. The
 * charset is negotiated as by imapclient_search(): a retry after BADCHARSET
 * or BAD is queued from the completion of the refused attempt (the
 * criteria are copied, so they need not outlive this call), and the one
 * completion reports the last attempt.
 */
IMAPCLIENT_EXTERN int imapclient_start_search(imapclient *c, const char *const *criteria,
                                              const char *charset, imapclient_done_cb cb,
                                              void *user, uint64_t *id);

/** imapclient_fetch() without waiting; result imapclient_fetch_result *. */
IMAPCLIENT_EXTERN int imapclient_start_fetch(imapclient *c, const char *messages,
                                             const char *const *data,
                                             const char *const *modifiers,
                                             imapclient_done_cb cb, void *user,
                                             uint64_t *id);

/**
 * imapclient_fetch_each() without waiting: msg_cb and sink are called from
 * imapclient_drive() as the messages arrive; the completion's status is
 * what fetch_each would return (msg_cb's non-zero value included).
 */
IMAPCLIENT_EXTERN int
imapclient_start_fetch_each(imapclient *c, const char *messages, const char *const *data,
                            const char *const *modifiers, imapclient_message_cb msg_cb,
                            imapclient_sink_cb sink, size_t sink_min, void *payload,
                            imapclient_done_cb cb, void *user, uint64_t *id);

/** imapclient_add_flags() without waiting; result imapclient_flags_result * (or NULL with
 * silent). */
IMAPCLIENT_EXTERN int imapclient_start_add_flags(imapclient *c, const char *messages,
                                                 const char *const *flags, int silent,
                                                 imapclient_done_cb cb, void *user,
                                                 uint64_t *id);

/** imapclient_remove_flags() without waiting. */
IMAPCLIENT_EXTERN int imapclient_start_remove_flags(imapclient *c, const char *messages,
                                                    const char *const *flags, int silent,
                                                    imapclient_done_cb cb, void *user,
                                                    uint64_t *id);

/** imapclient_set_flags() without waiting. */
IMAPCLIENT_EXTERN int imapclient_start_set_flags(imapclient *c, const char *messages,
                                                 const char *const *flags, int silent,
                                                 imapclient_done_cb cb, void *user,
                                                 uint64_t *id);

/**
 * imapclient_append() without waiting; result imapclient_append_result *.
 * msg is copied (use imapclient_start_append_stream() for big messages).
 */
IMAPCLIENT_EXTERN int imapclient_start_append(imapclient *c, const char *folder,
                                              const char *msg, size_t msg_len,
                                              const char *const *flags,
                                              const imapclient_datetime *internal_date,
                                              imapclient_done_cb cb, void *user,
                                              uint64_t *id);

/**
 * imapclient_append_stream() without waiting: the source is read while the
 * command goes out (from imapclient_drive()); it must stay valid until the
 * completion. Result imapclient_append_result *.
 */
IMAPCLIENT_EXTERN int
imapclient_start_append_stream(imapclient *c, const char *folder,
                               const imapclient_source *src, const char *const *flags,
                               const imapclient_datetime *internal_date,
                               imapclient_done_cb cb, void *user, uint64_t *id);

/** imapclient_multiappend_stream() without waiting; sources as above. */
IMAPCLIENT_EXTERN int
imapclient_start_multiappend_stream(imapclient *c, const char *folder,
                                    const imapclient_append_source *msgs, size_t n,
                                    imapclient_done_cb cb, void *user, uint64_t *id);

/**
 * imapclient_catenate() without waiting; result imapclient_append_result *
 * (a refusal's BADURL or TOOBIG in the completion's code). TEXT parts are
 * copied; sources must stay valid until the completion.
 */
IMAPCLIENT_EXTERN int imapclient_start_catenate(imapclient *c, const char *folder,
                                                const imapclient_cat_part *parts,
                                                size_t nparts, const char *const *flags,
                                                const imapclient_datetime *internal_date,
                                                imapclient_done_cb cb, void *user,
                                                uint64_t *id);

/** imapclient_multicatenate() without waiting; parts as imapclient_start_catenate(). */
IMAPCLIENT_EXTERN int imapclient_start_multicatenate(imapclient *c, const char *folder,
                                                     const imapclient_catenate_msg *msgs,
                                                     size_t n, imapclient_done_cb cb,
                                                     void *user, uint64_t *id);

/**
 * imapclient_sort() without waiting; result imapclient_ids * (in sort
 * order). The charset is negotiated as by imapclient_start_search().
 */
IMAPCLIENT_EXTERN int imapclient_start_sort(imapclient *c,
                                            const char *const *sort_criteria,
                                            const char *const *criteria,
                                            const char *charset, imapclient_done_cb cb,
                                            void *user, uint64_t *id);

/** imapclient_thread() without waiting; result imapclient_threads *. */
IMAPCLIENT_EXTERN int imapclient_start_thread(imapclient *c, const char *algorithm,
                                              const char *const *criteria,
                                              const char *charset, imapclient_done_cb cb,
                                              void *user, uint64_t *id);

/**
 * imapclient_folder_status() without waiting; result
 * imapclient_status_info *. items (NULL: the defaults) are copied; the
 * capabilities of extension items are checked when the command goes out.
 * Several may be in flight: each takes only the STATUS reply naming its
 * folder.
 */
IMAPCLIENT_EXTERN int imapclient_start_folder_status(imapclient *c, const char *folder,
                                                     const char *const *items,
                                                     imapclient_done_cb cb, void *user,
                                                     uint64_t *id);

/**
 * imapclient_list_extended() without waiting; result imapclient_folder_list
 * *. The options' capabilities are checked when the command goes out.
 */
IMAPCLIENT_EXTERN int imapclient_start_list_extended(imapclient *c, const char *directory,
                                                     const char *const *patterns,
                                                     const imapclient_list_options *opts,
                                                     imapclient_done_cb cb, void *user,
                                                     uint64_t *id);

/**
 * imapclient_list_status() without waiting; result imapclient_folder_list
 * *. One round trip (LIST-STATUS) when the server is known to offer it at
 * the start; otherwise (also while the capabilities are not known yet) a
 * LIST, then one STATUS per selectable folder, one after the other, and a
 * single completion at the end.
 */
IMAPCLIENT_EXTERN int imapclient_start_list_status(imapclient *c, const char *directory,
                                                   const char *pattern,
                                                   const char *const *items,
                                                   imapclient_done_cb cb, void *user,
                                                   uint64_t *id);

/** imapclient_unselect_folder() without waiting; op IMAPCLIENT_OP_UNSELECT. */
IMAPCLIENT_EXTERN int imapclient_start_unselect_folder(imapclient *c,
                                                       imapclient_done_cb cb, void *user,
                                                       uint64_t *id);

/** imapclient_close_folder() without waiting; op IMAPCLIENT_OP_UNSELECT. */
IMAPCLIENT_EXTERN int imapclient_start_close_folder(imapclient *c, imapclient_done_cb cb,
                                                    void *user, uint64_t *id);

/**
 * imapclient_enable() without waiting; result imapclient_enabled *. What
 * the server enabled is in effect for the commands started after the
 * completion (UTF-8 folder names, IMAP4rev2 rules ...).
 */
IMAPCLIENT_EXTERN int imapclient_start_enable(imapclient *c,
                                              const char *const *capabilities,
                                              imapclient_done_cb cb, void *user,
                                              uint64_t *id);

/** imapclient_get_metadata() without waiting; result imapclient_metadata *. */
IMAPCLIENT_EXTERN int imapclient_start_get_metadata(imapclient *c, const char *mailbox,
                                                    const char *const *entries,
                                                    uint32_t maxsize, int depth,
                                                    imapclient_done_cb cb, void *user,
                                                    uint64_t *id);

/** imapclient_set_metadata() without waiting (values copied); result NULL. */
IMAPCLIENT_EXTERN int
imapclient_start_set_metadata(imapclient *c, const char *mailbox,
                              const imapclient_metadata_entry *entries, size_t n,
                              imapclient_done_cb cb, void *user, uint64_t *id);

/**
 * imapclient_notify_set() without waiting; result NULL. The events then
 * come through the unsolicited callback (imapclient_set_unsolicited_cb();
 * imapclient_notify_event_from_response() types them).
 */
IMAPCLIENT_EXTERN int imapclient_start_notify_set(imapclient *c,
                                                  const imapclient_notify_group *groups,
                                                  size_t n, int status,
                                                  imapclient_done_cb cb, void *user,
                                                  uint64_t *id);

/** imapclient_notify_none() without waiting; result NULL. */
IMAPCLIENT_EXTERN int imapclient_start_notify_none(imapclient *c, imapclient_done_cb cb,
                                                   void *user, uint64_t *id);

/** imapclient_copy() without waiting; result imapclient_copy_result *. */
IMAPCLIENT_EXTERN int imapclient_start_copy(imapclient *c, const char *messages,
                                            const char *folder, imapclient_done_cb cb,
                                            void *user, uint64_t *id);

/** imapclient_move() without waiting; result imapclient_copy_result *. */
IMAPCLIENT_EXTERN int imapclient_start_move(imapclient *c, const char *messages,
                                            const char *folder, imapclient_done_cb cb,
                                            void *user, uint64_t *id);

/** imapclient_expunge() without waiting; result imapclient_responses *. */
IMAPCLIENT_EXTERN int imapclient_start_expunge(imapclient *c, const char *messages,
                                               imapclient_done_cb cb, void *user,
                                               uint64_t *id);

/**
 * Start IDLE: the IMAPCLIENT_OP_IDLE completion comes when the server
 * accepted it ("+"). Untagged responses then arrive through the
 * unsolicited callback (imapclient_set_unsolicited_cb()) or are kept for
 * the IDLE_DONE result. End it with imapclient_start_idle_done().
 *
 * imapclient_drive() renews it once it is options.idle_renew_ms old (DONE,
 * NOOP, IDLE, without completions: the caller's IDLE goes on), which keeps
 * it alive and probes the connection: when the server does not answer a
 * renewal within options.idle_probe_ms, the handle dies with
 * IMAPCLIENT_EABORT and the IDLE_DONE completion carries it. So a silently
 * dead connection is found within idle_renew_ms + idle_probe_ms of the last
 * IDLE start (imapclient_want() asks for a drive by then).
 */
IMAPCLIENT_EXTERN int imapclient_start_idle(imapclient *c, imapclient_done_cb cb,
                                            void *user, uint64_t *id);

/**
 * Send DONE: the IMAPCLIENT_OP_IDLE_DONE completion comes with the IDLE
 * command's completion; its result holds the kept untagged responses
 * (imapclient_responses *, text the completion text). The completion is
 * due within options.idle_probe_ms, else the handle dies with
 * IMAPCLIENT_EABORT (and the completion carries that).
 */
IMAPCLIENT_EXTERN int imapclient_start_idle_done(imapclient *c, imapclient_done_cb cb,
                                                 void *user, uint64_t *id);

/** imapclient_noop() without waiting; result imapclient_responses *. */
IMAPCLIENT_EXTERN int imapclient_start_noop(imapclient *c, imapclient_done_cb cb,
                                            void *user, uint64_t *id);

/** imapclient_logout() without waiting; the handle is unusable afterwards. */
IMAPCLIENT_EXTERN int imapclient_start_logout(imapclient *c, imapclient_done_cb cb,
                                              void *user, uint64_t *id);

IMAPCLIENT_END_DECLS

#endif
