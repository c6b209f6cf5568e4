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

/* Read the greeting (connect timeout). 0 or the abort status. */
int imc_front_greeting(imapclient *c);

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

/* Release the non-blocking front's state (imapclient_free). */
void imc_async_free(imapclient *c);

#endif
