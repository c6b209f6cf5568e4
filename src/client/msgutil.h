/*
 * Helpers shared by the message calls (search.c, store.c, mailbox.c):
 * argument checks and writers for sequence sets, folder names, flag lists
 * and dates; membership in a sequence set; UID-set expansion; results
 * that own an arena.
 */
#ifndef IMC_CLIENT_MSGUTIL_H
#define IMC_CLIENT_MSGUTIL_H

#include "internal.h"

/* Most ids a set from the server (ESEARCH ALL, COPYUID, APPENDUID) is
 * expanded to: a hostile "1:4294967295" must not take 16 GiB. */
#define IMC_MSG_MAX_EXPAND (1u << 24)

/* A result struct of size bytes, zeroed, first in a new arena (whose
 * pointer sits right before it). NULL when out of memory. */
void *imc_msg_result_new(size_t size);
imc_arena *imc_msg_result_arena(void *result);
void imc_msg_result_free(void *result);

/* EINVAL (errmsg names call) unless messages is a valid sequence set. */
int imc_msg_check_set(imapclient *c, const char *call, const char *messages);

/* The folder name to send: modified UTF-7 (in call_arena) when
 * folder_encode is on, else folder itself. 0 or EINVAL/ENOMEM via
 * imc_fail. Call before imc_begin() so a refused name costs no tag. */
int imc_msg_folder_name(imapclient *c, const char *call, const char *folder,
                        const char **out);
/* Put " <name>" always quoted (a literal only for 8-bit names with
 * folder_encode off), as the reference's _normalise_folder. */
void imc_msg_put_folder(imapclient *c, const char *name);

/* Check a flag list: each flag non-empty, an optional leading '\' then
 * ASTRING-CHARs. 0 or EINVAL via imc_fail. NULL is an empty list. */
int imc_msg_check_flags(imapclient *c, const char *call, const char *const *flags);
/* Put " (flag flag ...)" of a checked list. */
void imc_msg_put_flags(imapclient *c, const char *const *flags);

/* Put " \"dd-Mon-yyyy hh:mm:ss +zzzz\"". 0 or EINVAL via imc_fail. */
int imc_msg_put_date(imapclient *c, const char *call, const imapclient_datetime *dt);

/* Which ids a request named. A set with "*" names any id: the highest
 * id of the folder is not known here. */
typedef struct imc_idset {
    imapclient_range *r; /* sorted, merged */
    size_t n;
    int any;
} imc_idset;
/* 0, EINVAL or ENOMEM (no message set). */
int imc_idset_init(imc_idset *s, const char *set);
int imc_idset_has(const imc_idset *s, uint32_t id);
void imc_idset_free(imc_idset *s);

/* A value that is a number 1..UINT32_MAX (NUMBER, or an atom of digits). */
int imc_msg_value_u32(const imapclient_value *v, uint32_t *out);
/* A value that is a number 0..UINT64_MAX. */
int imc_msg_value_u64(const imapclient_value *v, uint64_t *out);

/* Expand a set of numbers sent by the server ("3:5,9"; no "*") into ids
 * in a, in order, each range ascending. 0, EPROTOCOL (not a set),
 * ETOOBIG (more than IMC_MSG_MAX_EXPAND ids) or ENOMEM. */
int imc_msg_expand_set(imc_arena *a, const char *s, size_t len, uint32_t **out,
                       size_t *count);

/* Growable array of ids built while responses arrive. */
typedef struct imc_u32vec {
    uint32_t *v;
    size_t n, cap;
} imc_u32vec;
int imc_u32vec_push(imc_u32vec *v, uint32_t x); /* 0 or ENOMEM */
void imc_u32vec_free(imc_u32vec *v);
/* Copy into a (a non-NULL pointer even when empty). NULL on ENOMEM. */
uint32_t *imc_u32vec_copy(const imc_u32vec *v, imc_arena *a);

/* uint32 key -> non-zero uint32 value (open addressing). Zeroed is empty. */
typedef struct imc_u32map {
    uint32_t *slots, *keys;
    size_t n, used;
} imc_u32map;
/* The value of key, or 0. */
uint32_t imc_u32map_get(const imc_u32map *m, uint32_t key);
/* Set key to val (non-zero) unless it has a value already; 0 or -1 (out
 * of memory). */
int imc_u32map_add(imc_u32map *m, uint32_t key, uint32_t val);
void imc_u32map_free(imc_u32map *m);

/* The text of the tagged completion (in call_arena) or "". */
const char *imc_msg_done_text(const imc_request *rq);

/* An APPEND's result from its completion (text and APPENDUID). */
int imc_msg_append_result(imapclient *c, const imc_request *rq,
                          imapclient_append_result **out);

/* Refuse a message of size bytes over the server's APPENDLIMIT (RFC 7889)
 * for folder name (as sent) before anything is sent: ETOOBIG. may_wait: a
 * per-folder limit may be asked with STATUS (blocking calls only). */
int imc_msg_check_limit(imapclient *c, const char *call, const char *name, uint64_t size,
                        int may_wait);

/* Check one message's flags and date before anything is sent. */
int imc_msg_check_flags_date(imapclient *c, const char *call, const char *const *flags,
                             const imapclient_datetime *date);

#endif
