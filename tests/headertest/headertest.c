/* The public header must compile alone, with -std=c11 -pedantic -Werror. */
#include <imapclient.h>

int headertest_dummy(void);
int headertest_dummy(void)
{
    return IMAPCLIENT_OK;
}
