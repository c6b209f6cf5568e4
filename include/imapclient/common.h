/**
 * @file
 * libimapclient: common definitions (export macro, version).
 */
#ifndef IMAPCLIENT_COMMON_H
#define IMAPCLIENT_COMMON_H

#include <stddef.h>
#include <stdint.h>

/** @cond INTERNAL */
#ifdef __cplusplus
#define IMAPCLIENT_BEGIN_DECLS extern "C" {
#define IMAPCLIENT_END_DECLS   }
#else
#define IMAPCLIENT_BEGIN_DECLS
#define IMAPCLIENT_END_DECLS
#endif

#if defined(__GNUC__) && __GNUC__ >= 4
#define IMAPCLIENT_EXTERN __attribute__((visibility("default")))
#else
#define IMAPCLIENT_EXTERN
#endif
/** @endcond */

#define IMAPCLIENT_VERSION_MAJOR 0       /**< the headers' major version */
#define IMAPCLIENT_VERSION_MINOR 1       /**< the headers' minor version */
#define IMAPCLIENT_VERSION_PATCH 0       /**< the headers' patch level */
#define IMAPCLIENT_VERSION       "0.1.0" /**< the headers' version as text */

IMAPCLIENT_BEGIN_DECLS

/** The library's version string, e.g. "0.1.0" (may differ from the header's). */
IMAPCLIENT_EXTERN const char *imapclient_version(void);

IMAPCLIENT_END_DECLS

#endif
