#ifndef IMC_FDIO_H
#define IMC_FDIO_H

#include "transport.h"

int imc_set_nonblock(int fd);
/* read/write on t->rfd / t->wfd with poll-based timeouts (see transport.h) */
ssize_t imc_fd_read(imc_transport *t, void *buf, size_t len, int timeout_ms);
int imc_fd_write(imc_transport *t, const void *buf, size_t len, int timeout_ms);

/* Non-blocking forms (transport.h try_read/try_write). */
ssize_t imc_fd_try_read(imc_transport *t, void *buf, size_t len);
ssize_t imc_fd_try_write(imc_transport *t, const void *buf, size_t len);

#endif
