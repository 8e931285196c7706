/*
 * What musl would otherwise reach the kernel for. The guest has no kernel: a `syscall` at CPL3 is a
 * VM shutdown, so every libc entry point that could make one is defined here instead (the build checks
 * that the final image contains no syscall instruction).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <time.h>
#include <pthread.h>
#include "guest.h"

/* Milliseconds since the Unix epoch: the host's clock at entry plus the TSC's progress since. */
static int64_t now_microseconds(void) {
    int64_t us = hl_mailbox->epoch_ms * 1000;
    uint64_t per_ms = hl_mailbox->tsc_per_ms;
    if (per_ms) us += (int64_t)((hl_rdtsc() - hl_mailbox->tsc_at_entry) * 1000 / per_ms);
    return us;
}

int gettimeofday(struct timeval *restrict tv, void *restrict tz) {
    (void)tz;
    int64_t us = now_microseconds();
    tv->tv_sec = us / 1000000;
    tv->tv_usec = us % 1000000;
    return 0;
}

int clock_gettime(clockid_t clock, struct timespec *ts) {
    (void)clock;
    int64_t us = now_microseconds();
    ts->tv_sec = us / 1000000;
    ts->tv_nsec = (us % 1000000) * 1000;
    return 0;
}

time_t time(time_t *t) {
    time_t now = (time_t)(now_microseconds() / 1000000);
    if (t) *t = now;
    return now;
}

/* The guest knows no time zone: local time is UTC. */
struct tm *localtime_r(const time_t *restrict t, struct tm *restrict tm) { return gmtime_r(t, tm); }

_Noreturn void abort(void) { hl_abort(HL_ABORT_ASSERT, "abort() called in the guest"); }

_Noreturn void __assert_fail(const char *expr, const char *file, int line, const char *func) {
    char message[512];
    snprintf(message, sizeof message, "assertion failed: %s (%s:%d, %s)", expr, file, line, func);
    hl_abort(HL_ABORT_ASSERT, message);
}

/* musl's stdio ends in these two; both go to the console's stderr stream. */
size_t __stdio_write(FILE *f, const unsigned char *buf, size_t len);
size_t __stdout_write(FILE *f, const unsigned char *buf, size_t len);

static size_t console_write(FILE *f, const unsigned char *buf, size_t len) {
    /* musl keeps pending bytes in the FILE's own buffer; drain them first, in order. */
    struct { unsigned flags; unsigned char *rpos, *rend; int (*close)(FILE *); unsigned char *wend, *wpos,
             *mustbezero_1, *wbase; } *view = (void *)f;
    if (view->wpos > view->wbase) hl_log_write(HL_STREAM_STDERR, (const char *)view->wbase,
                                               (size_t)(view->wpos - view->wbase));
    hl_log_write(HL_STREAM_STDERR, (const char *)buf, len);
    view->wpos = view->wbase;
    return len;
}
size_t __stdio_write(FILE *f, const unsigned char *buf, size_t len) { return console_write(f, buf, len); }
size_t __stdout_write(FILE *f, const unsigned char *buf, size_t len) { return console_write(f, buf, len); }

/* Single-threaded guest: locks are free and nothing ever waits. */
int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *a) { (void)m; (void)a; return 0; }
int pthread_mutex_destroy(pthread_mutex_t *m) { (void)m; return 0; }
int pthread_mutex_lock(pthread_mutex_t *m) { (void)m; return 0; }
int pthread_mutex_unlock(pthread_mutex_t *m) { (void)m; return 0; }
int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *a) { (void)c; (void)a; return 0; }
int pthread_cond_destroy(pthread_cond_t *c) { (void)c; return 0; }
int pthread_cond_signal(pthread_cond_t *c) { (void)c; return 0; }
int pthread_cond_broadcast(pthread_cond_t *c) { (void)c; return 0; }
int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m) { (void)c; (void)m; abort(); }
int pthread_cond_timedwait(pthread_cond_t *restrict c, pthread_mutex_t *restrict m,
                           const struct timespec *restrict t) { (void)c; (void)m; (void)t; abort(); }
int __lockfile(FILE *f) { (void)f; return 0; }
void __unlockfile(FILE *f) { (void)f; }
