/*
 * Helpers shared by the folder files (folders.c, select.c, namespace.c):
 * folder-name encoding both ways, flag lists, and results that own one
 * arena (folderutil.c); NAMESPACE for find_special_folder (namespace.c).
 */
#ifndef IMC_CLIENT_FOLDERS_PRIV_H
#define IMC_CLIENT_FOLDERS_PRIV_H

#include "internal.h"

/* A result struct of size bytes, zeroed, first in a new arena whose
 * pointer is kept just before it; NULL when out of memory. */
void *imc_result_new(size_t size);
/* The arena of a result made by imc_result_new(). */
imc_arena *imc_result_arena(void *result);
/* Free a result made by imc_result_new(); NULL is a no-op. */
void imc_result_free(void *result);

/* The name to send for a caller's folder name: modified UTF-7 (in
 * call_arena) when folder_encode is on, else name itself; UTF-8 as is once
 * UTF8=ACCEPT or IMAP4rev2 is on (imc_utf8_names()). Fails with
 * EINVAL (NULL, invalid UTF-8) or ENOMEM, errmsg naming call. Call before
 * imc_begin() so a refused name costs no tag. */
int imc_folder_encode(imapclient *c, const char *call, const char *name,
                      const char **out);

/* The text of a mailbox in a response: atoms, strings, literals and
 * numbers are text; the atom NIL is the name "NIL" (a valid astring).
 * NULL for lists. */
const char *imc_mailbox_text(const imapclient_value *v, size_t *len);

/* A name from a response for the caller: decoded from modified UTF-7 into
 * a when folder_encode is on and it decodes (and names are not UTF-8, see
 * imc_utf8_names()), else a copy of the raw bytes.
 * 0 or ENOMEM. */
int imc_folder_decode(imapclient *c, imc_arena *a, const char *raw, size_t len,
                      const char **out, size_t *out_len);

/* Copy the text members of a LIST value into a NULL-terminated array in a;
 * non-text members are skipped. NULL when out of memory. */
const char *const *imc_flags_copy(imc_arena *a, const imapclient_value *list,
                                  size_t *count);

/* The whole of NAMESPACE without imc_call_begin() (for
 * find_special_folder). */
int imc_namespace_get(imapclient *c, imapclient_namespace_info **out);

#endif
