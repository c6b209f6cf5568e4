/**
 * @file
 * libimapclient: an easy-to-use, complete IMAP client library for C.
 *
 * This umbrella header includes the whole public API. Start with
 * imapclient/client.h (connecting, logging in) and read the other headers
 * as the manual of each area.
 */
#ifndef IMAPCLIENT_H
#define IMAPCLIENT_H

#include "imapclient/common.h"
#include "imapclient/errors.h"
#include "imapclient/options.h"
#include "imapclient/tls.h"
#include "imapclient/types.h"
#include "imapclient/client.h"
#include "imapclient/folders.h"
#include "imapclient/mail.h"
#include "imapclient/fetch.h"
#include "imapclient/messages.h"
#include "imapclient/auth.h"
#include "imapclient/idle.h"
#include "imapclient/extensions.h"
#include "imapclient/quirks.h"
#include "imapclient/async.h"
#include "imapclient/condstore.h"
#include "imapclient/sync.h"
#include "imapclient/session.h"
#include "imapclient/testing.h"

#endif
