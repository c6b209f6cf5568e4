/**
 * @file
 * libimapclient: status codes.
 *
 * Every call returns 0 on success or one of these negative codes. The
 * categories mirror IMAPClient's exceptions; the detail (the command and the
 * server's own words) is in imapclient_errmsg().
 *
 * Codes are appended, never renumbered or removed.
 */
#ifndef IMAPCLIENT_ERRORS_H
#define IMAPCLIENT_ERRORS_H

#include "common.h"

/**
 * The one table of status codes: XX(name, value, text) per code; the enum,
 * imapclient_strerror() and imapclient_status_name() expand from it.
 */
#define IMAPCLIENT_STATUS_MAP(XX)                                                        \
    XX(ERROR, -1, "server replied NO or BAD")             /* IMAPClientError */          \
    XX(EABORT, -2, "connection unusable")                 /* IMAPClientAbortError */     \
    XX(EREADONLY, -3, "folder is read-only")              /* IMAPClientReadOnlyError */  \
    XX(ECAPABILITY, -4, "server lacks capability")        /* CapabilityError */          \
    XX(EILLEGAL_STATE, -5, "wrong state for command")     /* IllegalStateError */        \
    XX(EINVALID_CRITERIA, -6, "search criteria rejected") /* InvalidCriteriaError */     \
    XX(ELOGIN, -7, "authentication failed")               /* LoginError */               \
    XX(EPROTOCOL, -8, "malformed server response")        /* ProtocolError */            \
    XX(EIO, -9, "input/output error")                     /* socket.error */             \
    XX(ETIMEOUT, -10, "operation timed out")              /* socket.timeout */           \
    XX(ETLS, -11, "TLS error")                            /* ssl.SSLError */             \
    XX(ECERTIFICATE, -12, "certificate verification failed") /* CertificateError */      \
    XX(ENOMEM, -13, "out of memory")                                                     \
    XX(EINVAL, -14, "invalid argument")                                                  \
    XX(ERESOLVE, -15, "host name could not be resolved")                                 \
    XX(ECONNECT, -16, "connection refused or unreachable")                               \
    XX(ETOOBIG, -17, "response exceeds a configured limit")                              \
    XX(EINTERRUPTED, -18, "interrupted by the caller")

IMAPCLIENT_BEGIN_DECLS

/** Status codes returned by every call (0 is success). */
typedef enum imapclient_status {
    IMAPCLIENT_OK = 0,
/** @cond INTERNAL */
#define IMAPCLIENT_XX_ENUM(name, value, text) IMAPCLIENT_##name = (value),
    IMAPCLIENT_STATUS_MAP(IMAPCLIENT_XX_ENUM)
#undef IMAPCLIENT_XX_ENUM
    /** @endcond */
} imapclient_status;

/**
 * A short fixed text for a status code ("connection unusable"); never NULL.
 * Unknown codes give "unknown error".
 */
IMAPCLIENT_EXTERN const char *imapclient_strerror(int code);

/**
 * The symbolic name of a status code without prefix ("EABORT", "ERROR",
 * "OK"); never NULL. Unknown codes give "UNKNOWN".
 */
IMAPCLIENT_EXTERN const char *imapclient_status_name(int code);

IMAPCLIENT_END_DECLS

#endif
