/*
 * What the RFC 7162 code shares between area files (select.c, fetch.c,
 * condstore.c, sync.c): reading VANISHED and the FLAGS/MODSEQ of FETCH
 * responses, and growable lists of flag changes.
 */
#ifndef IMC_CLIENT_CONDSTORE_PRIV_H
#define IMC_CLIENT_CONDSTORE_PRIV_H

#include "internal.h"

#include "../types/types.h"

/* Mod-sequences: RFC 7162 makes them 63-bit, RFC 4551 servers used all
 * 64 bits; any uint64_t is read and sent back as it came, and only 0 is
 * refused where a mod-sequence-value (not -valzer) is due. */

/* `* VANISHED [(EARLIER)] uid-set` (RFC 7162 3.2.10): 0 when r is not a
 * VANISHED response; 1 with *earlier set and the UIDs added to v;
 * EPROTOCOL (malformed: nothing added) or ENOMEM. */
int imc_vanished_read(const imapclient_response *r, int *earlier, imc_ranges *v);

/* `* n FETCH (... UID u FLAGS (...) MODSEQ (m) ...)`: 0 when r is not a
 * FETCH or carries neither FLAGS nor MODSEQ; 1 with *out filled (flags
 * copied into a, NULL when not sent); EPROTOCOL (FLAGS not a list, MODSEQ
 * not (number), UID not a number) or ENOMEM. */
int imc_flag_change_read(imc_arena *a, const imapclient_response *r,
                         imapclient_flag_change *out);

/* A growable list of flag changes (entries point into an arena). */
typedef struct imc_changes_vec {
    imapclient_flag_change *v;
    size_t n, cap;
} imc_changes_vec;
int imc_changes_push(imc_changes_vec *v, const imapclient_flag_change *ch);
void imc_changes_vec_free(imc_changes_vec *v);
/* Sort by UID (by_uid) or message number, keeping the last entry of each:
 * 0 or ENOMEM (v unchanged). */
int imc_changes_sort(imc_changes_vec *v, int by_uid);
/* A copy in a (never NULL when it succeeds); NULL when out of memory. */
const imapclient_flag_change *imc_changes_freeze(imc_arena *a, const imc_changes_vec *v);

/* 1 when one of the FETCH modifiers is VANISHED (RFC 7162 3.2.6). */
int imc_modifiers_vanished(const char *const *modifiers);

/* Check the QRESYNC/CONDSTORE select parameters (syntax only): 0 or
 * EINVAL via imc_fail naming call. */
int imc_select_params_check(imapclient *c, const char *call,
                            const imapclient_select_params *p);
/* The state and capability checks of those parameters (when the command
 * goes out): 0, ECAPABILITY, EILLEGAL_STATE. */
int imc_select_params_ready(imapclient *c, const char *call,
                            const imapclient_select_params *p);
/* imapclient_select_folder_params() after imc_call_begin(); *bad (when
 * not NULL) is set when the server answered BAD. */
int imc_select(imapclient *c, const char *folder, const imapclient_select_params *params,
               imapclient_select_info **out, int *bad);

/* Put " (CONDSTORE)" or " (QRESYNC (...))" of checked parameters. */
void imc_select_params_put(imapclient *c, const imapclient_select_params *p);

#endif
