/*
 * The fronts: what drives the core over a transport. The blocking front
 * (blocking.c) is what every public call of the reference's API uses: send
 * what the core has, wait for bytes with the timeouts, feed them, until the
 * call's command completed. The non-blocking front (async.c) is the public
 * event-loop API of include/imapclient/async.h.
 *
 * A front owns the transport and the clock; the core owns neither.
 */
#ifndef IMC_FRONT_H
#define IMC_FRONT_H

#include "../core/core.h"
#include "../transport/transport.h"

/* Queue rq (built in c->cmd) and drive the connection until it completed.
 * Returns rq->rc: 0, IMAPCLIENT_ERROR on NO/BAD (errmsg set), or a failure
 * status. Commands queued before it (non-blocking ones) go first, and
 * their completions are delivered on the way. */
int imc_run(imapclient *c, imc_request *rq);

/* Drive the connection until rq (already queued) completed, or until a
 * handler asks to stop (c->stop: returns 1). Returns rq->rc once done. */
int imc_front_wait(imapclient *c, imc_request *rq);

/* Send everything the core has to send now (blocking, with the timeout). */
int imc_front_flush(imapclient *c);

/* Small pieces of output are gathered into one write of up to this many
 * bytes (a pipelined APPEND is a command line, a literal and a CRLF:
 * three system calls otherwise); larger pieces go out as they are. */
#define IMC_GATHER 16384
/* Move up to cap bytes of what the core has to send into buf, marking
 * them sent in the core; how many. */
size_t imc_front_gather(imapclient *c, char *buf, size_t cap);

/* Give the handle its transport (reader set up, alive, no greeting yet).
 * 0 or ENOMEM (the transport is then closed). */
int imc_front_attach(imapclient *c, imc_transport *t);

/* Read the greeting (connect timeout). 0 or the abort status. */
int imc_front_greeting(imapclient *c);
/* The connection died before its greeting: say so in the words of the
 * greeting; returns the status. */
int imc_front_greeting_failed(imapclient *c);

/* Wait up to timeout_ms (0: for ever, <0: do not wait) for the server to
 * send something, then take in all it sent (a response it started is
 * completed with the read timeout) and handle it. Returns 1 when
 * something came, 0 when nothing did, or a failure status: when the wait
 * itself failed the handle is still alive and the caller aborts it with
 * its own words (IMAPCLIENT_EINTERRUPTED: nothing was read, the connection
 * is still in step); a failure while reading has killed the handle. */
int imc_front_poll(imapclient *c, int timeout_ms);

/* The transport closed and detached (the core's on_dead hook). */
void imc_front_close(imapclient *c);

/* ---- the call's deadline (issue 14, item 4) ----------------------------------- */

/* A blocking call starts now: its deadline (options.deadline_ms) is set. */
void imc_front_start_deadline(imapclient *c);
/* The wait for one read, write or handshake of the running call:
 * timeout_ms (0 for ever, <0 not at all), cut to what is left before the
 * deadline; *capped is set when the deadline decides, and the wait is 0
 * once it has passed. */
int imc_wait_budget(const imapclient *c, int timeout_ms, int *capped);
/* Fail with ETIMEOUT "what: the call's deadline of N ms passed"; the
 * handle is closed (out of step) unless keep is set. */
int imc_deadline_passed(imapclient *c, const char *what, int keep);

/* ---- the non-blocking front (async.c) -------------------------------------- */

#include <imapclient/async.h>

/* The prologue of every start call: 0, or EINVAL / EABORT (dead handle)
 * with the error set. */
int imc_async_begin(imapclient *c);

/* Queue rq (built in c->cmd) as a command started without waiting. Its
 * completion goes to cb (or the completion queue) with rq->out as the
 * result, freed with free_result unless the receiver took it; then
 * free_op(rq) releases the area's state that holds rq. On failure
 * nothing is queued, free_op(rq) was called, and the error is set. */
int imc_async_submit(imapclient *c, imc_request *rq, imapclient_op op,
                     void (*free_result)(void *), void (*free_op)(imc_request *rq),
                     imapclient_done_cb cb, void *user, uint64_t *id);

/* Deliver a completion that no queued command carries (IDLE's "+"). */
void imc_async_deliver(imapclient *c, imapclient_op op, uint64_t id,
                       imapclient_done_cb cb, void *user, int status, const char *text,
                       void *result, void (*free_result)(void *));

/* A fresh completion id. */
uint64_t imc_async_next_id(imapclient *c);

/* 1 while a connect or STARTTLS started without waiting has not
 * completed (its handshake runs in imapclient_drive()). */
int imc_async_handshaking(const imapclient *c);
/* imapclient_free() begins: completions still to come say the handle was
 * freed. */
void imc_async_closing(imapclient *c);
/* Release the non-blocking front's state (imapclient_free); a connect or
 * STARTTLS still under way completes with EABORT first. */
void imc_async_free(imapclient *c);

#endif
