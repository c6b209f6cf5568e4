/*
 * A progress bar on stderr for long work (fetching, appending, export,
 * import): only when stderr is a terminal (or --progress), never in the
 * output of a script. Redrawn at most ten times a second.
 */
#include "cmd.h"

#include <time.h>

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void draw(cli_progress *p)
{
    enum { WIDTH = 30 };
    size_t total = p->total ? p->total : 1;
    size_t done = p->done > total ? total : p->done;
    int fill = (int)(done * WIDTH / total);
    fprintf(stderr, "\r%s [", p->what);
    for (int i = 0; i < WIDTH; i++)
        fputc(i < fill ? '#' : '.', stderr);
    fprintf(stderr, "] %zu/%zu %3d%%", p->done, p->total, (int)(done * 100 / total));
    fflush(stderr);
}

void cli_progress_start(cli_ctx *ctx, cli_progress *p, const char *what, size_t total)
{
    p->on = ctx->progress && total > 1;
    p->what = what;
    p->total = total;
    p->done = 0;
    p->last_ms = 0;
    if (p->on)
        draw(p);
}

void cli_progress_update(cli_progress *p, size_t done)
{
    p->done = done;
    if (!p->on)
        return;
    long t = now_ms();
    if (done < p->total && t - p->last_ms < 100)
        return;
    p->last_ms = t;
    draw(p);
}

void cli_progress_end(cli_progress *p)
{
    if (!p->on)
        return;
    draw(p);
    fputc('\n', stderr);
    fflush(stderr);
    p->on = 0;
}
