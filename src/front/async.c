/*
 * The non-blocking front (include/imapclient/async.h).
 */
#include "front.h"

#include <stdlib.h>

void imc_async_free(imapclient *c)
{
    free(c->front);
    c->front = NULL;
}
