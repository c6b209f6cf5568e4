/**
 * @file
 * libimapclient: the scripted server for tests (IMAPClient's
 * TestableIMAPClient). A handle connected with imapclient_connect_scripted()
 * talks to a script instead of a network server, so you can test your own
 * code against canned server bytes.
 *
 * Script format, one directive per line (LF or CRLF line ends):
 *
 *     # a comment
 *     S: * OK ready             the server sends "* OK ready\r\n"
 *     C: A001 LOGIN me secret   the client must send exactly "A001 LOGIN me secret\r\n"
 *     S+ hello                  the server sends "hello" with no line end
 *     S% a%00b%0D%0A            the server sends these bytes: %XX is a byte in
 *                               hex (for NUL and other bytes a C string cannot
 *                               hold), no line end added; C% likewise
 *     S* 1000000 * 1 EXISTS     the server sends "* 1 EXISTS\r\n" a million
 *                               times (made as it is read: floods cost the
 *                               script no memory)
 *     !EOF                      the server closes the connection
 *     !TIMEOUT                  the next read times out
 *     !DELAY 500                the server pauses 500 ms before its next bytes
 *                               (a read with a shorter timeout times out)
 *     !DRIP 20                  from here on each server byte comes alone,
 *                               20 ms after the one before (a slow server;
 *                               without waiting, imapclient_drive() finds
 *                               nothing to read until a pause is over)
 *
 * Command tags are A001, A002, ... in order. Server lines are delivered when
 * the client reads, after it has sent every C: line before them; a client
 * byte that differs from the script makes the call fail with
 * IMAPCLIENT_EIO and an error message showing the expected and the actual
 * bytes.
 */
#ifndef IMAPCLIENT_TESTING_H
#define IMAPCLIENT_TESTING_H

#include "client.h"

IMAPCLIENT_BEGIN_DECLS

/**
 * Connect a handle to a scripted server instead of a network one, for
 * tests of your own code against canned server bytes (the reference's
 * TestableIMAPClient). The greeting is read as by imapclient_connect();
 * the script is copied.
 *
 * The script has one directive per line (LF or CRLF line ends):
 * `S: text` is a line the server sends; `C: text` the line the client must
 * send next, exactly (command tags are A001, A002, ... in order); `S+ text`
 * server text without a line end; `S% bytes` and `C% bytes` bytes with %XX
 * escapes (for NUL and other bytes a C string cannot hold); `!EOF` the
 * server closes the connection; `!TIMEOUT` the next read times out; `#`
 * starts a comment. Server lines are delivered when the client reads,
 * after it has sent every C: line before them; a client byte that differs
 * from the script fails the call with IMAPCLIENT_EIO and an error message
 * showing the expected and the actual bytes.
 *
 * @param script  the script, NUL-terminated
 * @param opts    options or NULL (port, ssl, timeouts and TLS are ignored)
 * @param[out] out  the new handle, as with imapclient_connect()
 * @return as imapclient_connect(): 0, IMAPCLIENT_EPROTOCOL (not an IMAP
 *         greeting), IMAPCLIENT_EABORT (the script starts with BYE or
 *         !EOF), IMAPCLIENT_EINVAL (a malformed script) or IMAPCLIENT_ENOMEM
 */
IMAPCLIENT_EXTERN int imapclient_connect_scripted(const char *script,
                                                  const imapclient_options *opts,
                                                  imapclient **out);

/**
 * Whether the whole script was played: 1 when every S: line was delivered
 * and every C: line was sent, else 0 (and imapclient_errmsg() is unchanged).
 * For a handle not connected to a script, 0.
 */
IMAPCLIENT_EXTERN int imapclient_script_done(const imapclient *c);

/**
 * Everything the client has sent so far, as one NUL-terminated string
 * (owned by the handle), or NULL for a handle not connected to a script.
 */
IMAPCLIENT_EXTERN const char *imapclient_script_sent(const imapclient *c);

IMAPCLIENT_END_DECLS

#endif
