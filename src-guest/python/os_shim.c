/*
 * The libc functions CPython reaches that musl would answer with a system call, answered here without one (the build
 * refuses an image with a syscall instruction). What CPython can do without is said absent at configure time
 * (python/config.site: processes, users, signals, terminals, mmap); this file answers what remains:
 *   - file descriptors 0, 1 and 2 are the console: reading 0 is end of file, writing 1 and 2 goes to the log ring;
 *   - paths and the descriptors past the console's are the host's mounts and /output (host_files.c); what the host's
 *     file service cannot do (links, renames, removals, permissions) fails with EROFS;
 *   - no threads: pthread_create fails with EAGAIN (threading.Thread.start raises RuntimeError), semaphores never
 *     wait, locks are free;
 *   - getrandom/getentropy: the platform's random bytes (platform/random.c).
 * The musl-internal names (__lock, __stdio_read, __map_file, ...) are musl 1.2.5's.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/uio.h>
#include <stdlib.h>
#include <utime.h>
#include <time.h>
#include <unistd.h>
#include "guest.h"
#include "python.h"

static int fail(int error) { errno = error; return -1; }
static int is_console(int fd) { return fd >= 0 && fd <= 2; }

/* ---- file descriptors: the console's, and the host's files (host_files.c) */
int open(const char *path, int flags, ...) { return host_files_open(path, flags); }
int openat(int dirfd, const char *path, int flags, ...) {
    return dirfd == AT_FDCWD || path[0] == '/' ? host_files_open(path, flags) : fail(EBADF);
}
int creat(const char *path, mode_t mode) { (void)mode; return host_files_open(path, O_WRONLY | O_CREAT | O_TRUNC); }

ssize_t read(int fd, void *buf, size_t count) {
    if (host_files_owns(fd)) return host_files_read(fd, buf, count);
    return fd == 0 ? 0 : fail(EBADF);
}

ssize_t write(int fd, const void *buf, size_t count) {
    if (host_files_owns(fd)) return host_files_write(fd, buf, count);
    if (fd != 1 && fd != 2) return fail(EBADF);
    hl_log_write(fd == 2 ? HL_STREAM_STDERR : HL_STREAM_STDOUT, buf, count);
    return (ssize_t)count;
}

int close(int fd) { return host_files_owns(fd) ? host_files_close(fd) : is_console(fd) ? 0 : fail(EBADF); }
int fsync(int fd) { return host_files_owns(fd) ? host_files_sync(fd) : is_console(fd) ? 0 : fail(EBADF); }
int fdatasync(int fd) { return fsync(fd); }
off_t lseek(int fd, off_t offset, int whence) {
    if (host_files_owns(fd)) return host_files_seek(fd, offset, whence);
    return fail(is_console(fd) ? ESPIPE : EBADF);
}
off_t __lseek(int fd, off_t offset, int whence) { return lseek(fd, offset, whence); }
int dup(int fd) { return fail(is_console(fd) ? EMFILE : EBADF); }
int dup2(int old, int new) { (void)new; return fail(is_console(old) ? EMFILE : EBADF); }
int isatty(int fd) { (void)fd; return fail(ENOTTY); }
int ioctl(int fd, int request, ...) { (void)fd; (void)request; return fail(ENOTTY); }

int fcntl(int fd, int cmd, ...) {
    if (!is_console(fd) && !host_files_owns(fd)) return fail(EBADF);
    switch (cmd) {
    case F_GETFD: return FD_CLOEXEC;
    case F_GETFL: return fd == 0 ? O_RDONLY : fd <= 2 ? O_WRONLY : O_RDWR;
    case F_SETFD: case F_SETFL: return 0;
    default: return fail(EINVAL);
    }
}

int fstat(int fd, struct stat *st) {
    if (host_files_owns(fd)) return host_files_fstat(fd, st);
    if (!is_console(fd)) return fail(EBADF);
    memset(st, 0, sizeof *st);
    st->st_mode = S_IFCHR | 0620;
    st->st_blksize = 4096;
    return 0;
}
int __fstat(int fd, struct stat *st) { return fstat(fd, st); }
int fstatat(int dirfd, const char *restrict path, struct stat *restrict st, int flags) {
    if (path && !*path && (flags & AT_EMPTY_PATH)) return fstat(dirfd, st);
    return dirfd == AT_FDCWD || path[0] == '/' ? host_files_stat(path, st) : fail(EBADF); /* the host has no links */
}
int __fstatat(int dirfd, const char *restrict path, struct stat *restrict st, int flags) { return fstatat(dirfd, path, st, flags); }
int stat(const char *restrict path, struct stat *restrict st) { return host_files_stat(path, st); }
int lstat(const char *restrict path, struct stat *restrict st) { return host_files_stat(path, st); }

/* ---- paths: the host's; what its file service has no call for cannot change */
char *getcwd(char *buf, size_t size) {
    if (!buf || size < 2) { errno = buf ? ERANGE : EINVAL; return NULL; }
    buf[0] = '/'; buf[1] = 0;
    return buf;
}
int access(const char *path, int mode) { (void)mode; return host_files_access(path); }
int chdir(const char *path) { (void)path; return fail(ENOENT); }
int mkdir(const char *path, mode_t mode) { (void)mode; return host_dirs_mkdir(path); }
int rmdir(const char *path) { (void)path; return fail(EROFS); }
int unlink(const char *path) { (void)path; return fail(EROFS); }
int rename(const char *from, const char *to) { (void)from; (void)to; return fail(EROFS); }
DIR *opendir(const char *path) { return host_dirs_opendir(path); }
DIR *fdopendir(int fd) { (void)fd; errno = EBADF; return NULL; }
struct dirent *readdir(DIR *dir) { return host_dirs_readdir(dir); }
int closedir(DIR *dir) { host_dirs_closedir(dir); return 0; }
void rewinddir(DIR *dir) { host_dirs_rewinddir(dir); }
FILE *fopen(const char *restrict path, const char *restrict mode) { (void)path; (void)mode; errno = ENOENT; return NULL; }
FILE *fdopen(int fd, const char *mode) { (void)fd; (void)mode; errno = EBADF; return NULL; }
FILE *__fdopen(int fd, const char *mode) { return fdopen(fd, mode); }
const unsigned char *__map_file(const char *path, size_t *size) { (void)path; (void)size; errno = ENOENT; return NULL; }

/* ---- musl's stdio on the console: stdin is at its end; no FILE is ever locked (one thread) */
struct file_view { unsigned flags; };
size_t __stdio_read(FILE *f, unsigned char *buf, size_t len) {
    (void)buf; (void)len;
    ((struct file_view *)f)->flags |= 16; /* F_EOF */
    return 0;
}
int __stdio_close(FILE *f) { (void)f; return 0; }
off_t __stdio_seek(FILE *f, off_t offset, int whence) { (void)f; (void)offset; (void)whence; return fail(ESPIPE); }
/* musl's getc/putc family lock the FILE with a futex (a syscall) when it is shared between threads; never here */
int fgetc(FILE *f) { unsigned char c; return fread(&c, 1, 1, f) == 1 ? c : EOF; }
int getc(FILE *f) { return fgetc(f); }
int getchar(void) { return fgetc(stdin); }
int fputc(int c, FILE *f) { unsigned char b = (unsigned char)c; return fwrite(&b, 1, 1, f) == 1 ? b : EOF; }
int putc(int c, FILE *f) { return fputc(c, f); }
int putchar(int c) { return fputc(c, stdout); }
void __lock(volatile int *lock) { (void)lock; }
void __unlock(volatile int *lock) { (void)lock; }

/* ---- the process */
_Noreturn void _Exit(int status) {
    char message[64];
    snprintf(message, sizeof message, "the interpreter exited with status %d", status);
    hl_abort(HL_ABORT_ASSERT, message);
}
_Noreturn void _exit(int status) { _Exit(status); }

long sysconf(int name) {
    switch (name) {
    case _SC_PAGESIZE: return 4096;
    case _SC_NPROCESSORS_CONF: case _SC_NPROCESSORS_ONLN: return 1;
    case _SC_CLK_TCK: return 100;
    case _SC_OPEN_MAX: return 3;
    case _SC_ARG_MAX: return 4096;
    default: errno = EINVAL; return -1;
    }
}

int getrlimit(int resource, struct rlimit *limit) {
    (void)resource;
    limit->rlim_cur = limit->rlim_max = RLIM_INFINITY;
    return 0;
}
int setrlimit(int resource, const struct rlimit *limit) { (void)resource; (void)limit; return fail(EPERM); }

long syscall(long number, ...) { return number == SYS_gettid ? 1 : fail(ENOSYS); }

int sched_yield(void) { return 0; }
int sched_getaffinity(pid_t pid, size_t size, cpu_set_t *set) { (void)pid; (void)size; (void)set; return fail(ENOSYS); }
int sched_get_priority_min(int policy) { (void)policy; return fail(ENOSYS); }
int sched_get_priority_max(int policy) { (void)policy; return fail(ENOSYS); }

/* signals never arrive: handlers are accepted and never run */
int sigaction(int sig, const struct sigaction *restrict act, struct sigaction *restrict old) {
    (void)sig; (void)act;
    if (old) memset(old, 0, sizeof *old);
    return 0;
}
void (*signal(int sig, void (*handler)(int)))(int) { (void)sig; (void)handler; return SIG_DFL; }
int raise(int sig) { (void)sig; return fail(ENOSYS); }

int __clock_gettime(clockid_t clock, struct timespec *ts) { return clock_gettime(clock, ts); }

/* ---- one thread */
int pthread_create(pthread_t *restrict thread, const pthread_attr_t *restrict attr, void *(*start)(void *), void *restrict arg) {
    (void)thread; (void)attr; (void)start; (void)arg;
    return EAGAIN;
}
int pthread_detach(pthread_t thread) { (void)thread; return ESRCH; }
int pthread_join(pthread_t thread, void **result) { (void)thread; (void)result; return ESRCH; }
_Noreturn void pthread_exit(void *result) { (void)result; hl_abort(HL_ABORT_ASSERT, "pthread_exit in the guest"); }

int sem_init(sem_t *sem, int shared, unsigned value) { (void)shared; sem->__val[0] = (int)value; return 0; }
int sem_destroy(sem_t *sem) { (void)sem; return 0; }
int sem_post(sem_t *sem) { sem->__val[0]++; return 0; }
int sem_trywait(sem_t *sem) {
    if (sem->__val[0] <= 0) return fail(EAGAIN);
    sem->__val[0]--;
    return 0;
}
int sem_wait(sem_t *sem) {
    if (sem_trywait(sem) == 0) return 0;
    hl_abort(HL_ABORT_ASSERT, "sem_wait would wait forever: the guest has one thread");
}
int sem_timedwait(sem_t *restrict sem, const struct timespec *restrict at) { (void)at; return sem_trywait(sem) == 0 ? 0 : fail(ETIMEDOUT); }
int sem_clockwait(sem_t *restrict sem, clockid_t clock, const struct timespec *restrict at) { (void)clock; return sem_timedwait(sem, at); }

/* ---- randomness: the platform's (random.c) */
ssize_t getrandom(void *buf, size_t length, unsigned flags) {
    (void)flags;
    hl_random_bytes(buf, length);
    return (ssize_t)length;
}
int getentropy(void *buf, size_t length) {
    if (length > 256) return fail(EIO);
    getrandom(buf, length, 0);
    return 0;
}

/* thread attributes (CPython sets a stack size before a pthread_create that then fails) */
int pthread_attr_init(pthread_attr_t *attr) { memset(attr, 0, sizeof *attr); return 0; }
int pthread_attr_destroy(pthread_attr_t *attr) { (void)attr; return 0; }
int pthread_attr_setstacksize(pthread_attr_t *attr, size_t size) { (void)attr; (void)size; return 0; }
int pthread_attr_getstacksize(const pthread_attr_t *restrict attr, size_t *restrict size) { (void)attr; *size = 0; return 0; }

/* thread-specific data for the one thread: a fixed table (musl's takes a rwlock, a futex) */
#define KEY_COUNT 128
static void *key_values[KEY_COUNT];
static unsigned char key_used[KEY_COUNT];
int pthread_key_create(pthread_key_t *key, void (*destructor)(void *)) {
    (void)destructor; /* the thread never exits */
    for (unsigned i = 0; i < KEY_COUNT; i++) {
        if (!key_used[i]) { key_used[i] = 1; key_values[i] = NULL; *key = i; return 0; }
    }
    return EAGAIN;
}
int pthread_key_delete(pthread_key_t key) { if (key < KEY_COUNT) key_used[key] = 0; return 0; }
void *pthread_getspecific(pthread_key_t key) { return key < KEY_COUNT ? key_values[key] : NULL; }
int pthread_setspecific(pthread_key_t key, const void *value) {
    if (key >= KEY_COUNT || !key_used[key]) return EINVAL;
    key_values[key] = (void *)value;
    return 0;
}

/* sleeping is waiting on the host (a SLEEP exit), bounded there by the execution's deadline */
static uint64_t to_microseconds(const struct timespec *t) {
    return t->tv_sec < 0 ? 0 : (uint64_t)t->tv_sec * 1000000u + (uint64_t)(t->tv_nsec + 999) / 1000u;
}
int clock_nanosleep(clockid_t clock, int flags, const struct timespec *request, struct timespec *remain) {
    uint64_t us = to_microseconds(request);
    if (flags & TIMER_ABSTIME) {
        struct timespec now;
        clock_gettime(clock, &now);
        uint64_t at = us, current = to_microseconds(&now);
        us = at > current ? at - current : 0;
    }
    if (us) hl_sleep(us);
    if (remain) remain->tv_sec = remain->tv_nsec = 0;
    return 0;
}
int nanosleep(const struct timespec *request, struct timespec *remain) { return clock_nanosleep(CLOCK_REALTIME, 0, request, remain); }

int clock_getres(clockid_t clock, struct timespec *res) {
    (void)clock;
    if (res) { res->tv_sec = 0; res->tv_nsec = 1000; } /* the clock counts microseconds (libc_shim.c) */
    return 0;
}
pid_t getpid(void) { return 1; }
char *realpath(const char *restrict path, char *restrict resolved) { (void)path; (void)resolved; errno = ENOENT; return NULL; }
clock_t times(struct tms *buf) { (void)buf; errno = ENOSYS; return (clock_t)-1; }
int utimensat(int dirfd, const char *path, const struct timespec times[2], int flags) {
    (void)dirfd; (void)path; (void)times; (void)flags;
    return fail(EROFS);
}
int utime(const char *path, const struct utimbuf *times) { (void)path; (void)times; return fail(EROFS); }

/* musl's time-zone code (tzset, mktime, strftime's %Z) allocates and unmaps through these internal names; with no
   /etc/localtime (__map_file above) and no TZ, the zone is UTC */
void *__libc_malloc(size_t n) { return malloc(n); }
int __munmap(void *start, size_t length) { (void)start; (void)length; return fail(EINVAL); }

ssize_t pread(int fd, void *buf, size_t count, off_t offset) {
    if (!host_files_owns(fd)) return fail(is_console(fd) ? ESPIPE : EBADF);
    off_t at = lseek(fd, 0, SEEK_CUR);
    if (lseek(fd, offset, SEEK_SET) < 0) return -1;
    ssize_t n = read(fd, buf, count);
    lseek(fd, at, SEEK_SET);
    return n;
}
ssize_t pwrite(int fd, const void *buf, size_t count, off_t offset) { (void)buf; (void)count; (void)offset; return fail(is_console(fd) ? ESPIPE : EBADF); }
ssize_t readv(int fd, const struct iovec *iov, int count) { (void)iov; (void)count; return fail(EBADF); }
ssize_t writev(int fd, const struct iovec *iov, int count) {
    ssize_t total = 0;
    for (int i = 0; i < count; i++) {
        ssize_t n = write(fd, iov[i].iov_base, iov[i].iov_len);
        if (n < 0) return n;
        total += n;
    }
    return total;
}
ssize_t readlink(const char *restrict path, char *restrict buf, size_t size) { (void)path; (void)buf; (void)size; return fail(ENOENT); }
int ttyname_r(int fd, char *buf, size_t size) { (void)fd; (void)buf; (void)size; return ENOTTY; }
ssize_t preadv(int fd, const struct iovec *iov, int count, off_t offset) { (void)iov; (void)count; (void)offset; return fail(is_console(fd) ? ESPIPE : EBADF); }
ssize_t pwritev(int fd, const struct iovec *iov, int count, off_t offset) { (void)iov; (void)count; (void)offset; return fail(is_console(fd) ? ESPIPE : EBADF); }
