/*
 * Files on the host's mounts and /output, below every Python API (io, pathlib, os): os_shim.c sends here every path
 * and every descriptor past the console's. The host's file service (the unlisted host functions codeact.fs.readFile,
 * writeFile, readdir, stat, exists; the JavaScript guest's fs object uses the same ones) decides what exists and what
 * may be written, and checks every path; this file only keeps a file's bytes in the guest while it is open:
 *   - open reads the whole file (readFile) into a buffer; opening to write creates or truncates it on the host at
 *     once (writeFile), so a read-only mount or a quota fails at open, as a program expects;
 *   - writes go to the buffer, which close (and fsync) sends back whole with writeFile (the host writes atomically);
 *     what a program leaves open is sent when the execution ends (host_files_end);
 *   - stat asks stat; directories (mkdir, opendir) are host_dirs.c's.
 * The host's service is text: files are UTF-8 (a file that is not fails with EILSEQ, on read or on write). A buffer
 * holds at most the host's read limit (FileSession.MAX_READ_BYTES, 8 MiB; past it EFBIG) and comes from CPython's raw
 * allocator, so it counts against the execution's memory limit. Host calls happen only during an execution: at boot
 * every path is absent. The host's messages become errno values (below), so programs get FileNotFoundError,
 * PermissionError, IsADirectoryError... with their own path in the message.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <Python.h>
#include "guest.h"
#include "python.h"

#define MAX_FILE_BYTES (8u << 20) /* FileSession.MAX_READ_BYTES */
#define FIRST_FD 3
#define MAX_FILES 64

struct host_file {
    int open, flags, dirty;
    char *path;         /* absolute, as sent to the host */
    char *data;         /* the file's bytes */
    size_t length, capacity, position;
};
static struct host_file files[MAX_FILES];
static int in_execution;

static int fail(int error) { errno = error; return -1; }

/* ---- errors: the host's messages (FileSession, FsWriter, MountTable, GuestPaths, FsErrors) as errno values */
static const struct { const char *says; int error; } HOST_ERRORS[] = {
    {" calls: the limit is", ECANCELED}, /* the execution's host-call limit: "too many tool calls: the limit is N" */
    {"no such", ENOENT},               /* file, directory, file or directory, mount */
    {"unknown ", ENOENT},              /* no file service registered: nothing is mounted */
    {"is a directory", EISDIR},
    {"not a directory", ENOTDIR},
    {"a parent is not a directory", ENOTDIR},
    {"read-only", EROFS},
    {"quota", EDQUOT},
    {"entry limit", ENOSPC},
    {"no space left", ENOSPC},
    {"is not UTF-8", EILSEQ},
    {"fs.readFile limit", EFBIG},
    {"the limit is", EFBIG},           /* the host call's request or result limit */
    {"escapes mount", EACCES},
    {"outside any mount", EACCES},
    {"leads outside mount", EACCES},
    {"permission denied", EACCES},
    {"are reserved", EACCES},
    {"too deep", ENAMETOOLONG},
    {"longer than", ENAMETOOLONG},
    {"too long", ENAMETOOLONG},
    {"symbolic links", ELOOP},
    {"already exists", EEXIST},
    {"not a regular file", EINVAL},
    {"contains", EINVAL},              /* a NUL, backslash, control character or %-escape */
    {"the path is empty", ENOENT},
};

/* The errno of a host message; the path the call named is blanked out first, so a file named "no such.txt" does not
   read as ENOENT (the host quotes the path as sent, or normalised; only the former is blanked, enough for names). */
static int host_error(const char *reply, size_t length, const char *path) {
    char message[1024];
    if (length > sizeof message) length = sizeof message;
    memcpy(message, reply, length);
    size_t path_length = strlen(path);
    for (size_t at = 0; path_length && at + path_length <= length; at++) {
        if (memcmp(message + at, path, path_length) == 0) memset(message + at, 1, path_length);
    }
    for (size_t i = 0; i < sizeof HOST_ERRORS / sizeof *HOST_ERRORS; i++) {
        size_t n = strlen(HOST_ERRORS[i].says);
        for (size_t at = 0; at + n <= length; at++) {
            if (memcmp(message + at, HOST_ERRORS[i].says, n) == 0) return HOST_ERRORS[i].error;
        }
    }
    return EIO;
}

/* ---- calls: {"path": P[, "content": C]} to service; the reply points into the mailbox's IN buffer */
int host_files_call(const char *service, const char *path, const char *content, size_t content_length,
                const char **reply, size_t *reply_length) {
    if (!in_execution) return fail(ENOENT);
    size_t path_length = strlen(path);
    if (!json_is_utf8(path, path_length)) return fail(EILSEQ);
    if (content && !json_is_utf8(content, content_length)) return fail(EILSEQ);
    size_t capacity = 64 + strlen(service) + json_string_size(path, path_length)
                      + (content ? json_string_size(content, content_length) : 0);
    if (capacity > hl_mailbox->out_capacity) return fail(EFBIG); /* the host's request limit is smaller still */
    char *request = PyMem_RawMalloc(capacity);
    if (!request) return fail(ENOMEM);
    size_t n = (size_t)snprintf(request, capacity, "{\"name\":\"%s\",\"args\":{\"path\":", service);
    n = json_put_string(request, n, capacity, path, path_length);
    if (content) {
        memcpy(request + n, ",\"content\":", 11);
        n = json_put_string(request, n + 11, capacity, content, content_length);
    }
    request[n++] = '}';
    request[n++] = '}';
    int status = hl_host_call(request, n, reply, reply_length);
    PyMem_RawFree(request);
    if (status != HL_REPLY_OK) return fail(host_error(*reply, *reply_length, path));
    return 0;
}

/* The path as the host's service takes it: absolute (the working directory is /). Names like "<stdlib>/json/x.py",
   which tracebacks and linecache look up for the embedded modules' frames, are nobody's files: absent without a call. */
int host_files_absolute(const char *path, char out[MAX_PATH_BYTES]) {
    size_t n = strlen(path);
    if (n == 0 || path[0] == '<') return fail(ENOENT);
    if (n + 2 > MAX_PATH_BYTES) return fail(ENAMETOOLONG);
    out[0] = '/';
    memcpy(out + (path[0] != '/'), path, n + 1);
    return 0;
}

int host_files_stat_reply(const char *path, const char *reply, size_t length, struct stat *st) {
    long long size, is_file, is_directory, modified_ms;
    if (json_get_number(reply, length, "size", &size) || json_get_number(reply, length, "isFile", &is_file)
        || json_get_number(reply, length, "isDirectory", &is_directory)
        || json_get_number(reply, length, "modifiedMs", &modified_ms)) return fail(EIO);
    memset(st, 0, sizeof *st);
    st->st_mode = is_directory ? S_IFDIR | 0755 : is_file ? S_IFREG | 0644 : S_IFIFO | 0644;
    st->st_size = size;
    st->st_nlink = 1;
    st->st_dev = 1;
    uint64_t inode = 1469598103934665603u; /* FNV-1a of the path: os.path.samefile and DirEntry.inode() need one */
    for (const char *p = path; *p; p++) inode = (inode ^ (unsigned char)*p) * 1099511628211u;
    st->st_ino = inode;
    st->st_blksize = 4096;
    st->st_blocks = (size + 511) / 512;
    st->st_mtim.tv_sec = st->st_atim.tv_sec = st->st_ctim.tv_sec = modified_ms / 1000;
    st->st_mtim.tv_nsec = st->st_atim.tv_nsec = st->st_ctim.tv_nsec = (modified_ms % 1000) * 1000000;
    return 0;
}

int host_files_stat(const char *path, struct stat *st) {
    char full[MAX_PATH_BYTES];
    const char *reply;
    size_t length;
    if (host_files_absolute(path, full)) return -1;
    if (host_files_call("codeact.fs.stat", full, NULL, 0, &reply, &length)) return errno == ENOENT ? host_dirs_made_stat(full, st) : -1;
    return host_files_stat_reply(full, reply, length, st);
}

int host_files_access(const char *path) {
    struct stat st;
    return host_files_stat(path, &st);
}

/* ---- descriptors */
static struct host_file *file_of(int fd) {
    if (fd < FIRST_FD || fd >= FIRST_FD + MAX_FILES || !files[fd - FIRST_FD].open) return NULL;
    return &files[fd - FIRST_FD];
}

int host_files_owns(int fd) { return file_of(fd) != NULL; }

static int reserve(struct host_file *f, size_t length) {
    if (length <= f->capacity) return 0;
    if (length > MAX_FILE_BYTES) return fail(EFBIG);
    size_t capacity = f->capacity ? f->capacity : 4096;
    while (capacity < length) capacity *= 2;
    if (capacity > MAX_FILE_BYTES) capacity = MAX_FILE_BYTES;
    char *data = PyMem_RawRealloc(f->data, capacity);
    if (!data) return fail(ENOMEM);
    f->data = data;
    f->capacity = capacity;
    return 0;
}

static void release(struct host_file *f) {
    PyMem_RawFree(f->data);
    PyMem_RawFree(f->path);
    memset(f, 0, sizeof *f);
}

/* Reads the file at f->path into f's buffer; the reply is a JSON string no longer decoded than encoded. */
static int load(struct host_file *f) {
    const char *reply;
    size_t length;
    if (host_files_call("codeact.fs.readFile", f->path, NULL, 0, &reply, &length)) return -1;
    if (reserve(f, length)) return -1;
    const char *at = reply;
    long n = json_get_string(&at, reply + length, f->data);
    if (n < 0) return fail(EIO);
    f->length = (size_t)n;
    return 0;
}

static int store(struct host_file *f) {
    const char *reply;
    size_t length;
    if (host_files_call("codeact.fs.writeFile", f->path, f->data ? f->data : "", f->length, &reply, &length)) return -1;
    f->dirty = 0;
    return 0;
}

int host_files_open(const char *path, int flags) {
    int slot = 0;
    while (slot < MAX_FILES && files[slot].open) slot++;
    if (slot == MAX_FILES) return fail(EMFILE);
    struct host_file *f = &files[slot];
    char full[MAX_PATH_BYTES];
    if (host_files_absolute(path, full)) return -1;
    if (!in_execution) return fail(ENOENT);
    if (!(f->path = PyMem_RawMalloc(strlen(full) + 1))) return fail(ENOMEM);
    strcpy(f->path, full);
    f->open = 1;
    f->flags = flags;
    int access = flags & O_ACCMODE, error = 0;
    if (access == O_RDONLY) {
        if (flags & (O_TRUNC | O_CREAT)) error = EINVAL;
        else if (load(f)) error = errno;
    } else {
        struct stat st;
        int exists = host_files_stat(full, &st) == 0;
        if (!exists && errno != ENOENT) error = errno;
        else if (exists && (flags & O_CREAT) && (flags & O_EXCL)) error = EEXIST;
        else if (exists && S_ISDIR(st.st_mode)) error = EISDIR;
        else if (!exists && !(flags & O_CREAT)) error = ENOENT;
        else if (exists && !(flags & O_TRUNC) && load(f)) error = errno;
        else if (store(f)) error = errno; /* creates or truncates now: refusals come at open */
        if (!error && (flags & O_APPEND)) f->position = f->length;
    }
    if (error) { release(f); return fail(error); }
    return FIRST_FD + slot;
}

long host_files_read(int fd, void *buf, size_t count) {
    struct host_file *f = file_of(fd);
    if (!f || (f->flags & O_ACCMODE) == O_WRONLY) return fail(EBADF);
    size_t n = f->position < f->length ? f->length - f->position : 0;
    if (n > count) n = count;
    memcpy(buf, f->data + f->position, n);
    f->position += n;
    return (ssize_t)n;
}

long host_files_write(int fd, const void *buf, size_t count) {
    struct host_file *f = file_of(fd);
    if (!f || (f->flags & O_ACCMODE) == O_RDONLY) return fail(EBADF);
    if (f->flags & O_APPEND) f->position = f->length;
    if (count > MAX_FILE_BYTES || f->position > MAX_FILE_BYTES - count) return fail(EFBIG);
    size_t end = f->position + count;
    if (reserve(f, end)) return -1;
    if (f->position > f->length) memset(f->data + f->length, 0, f->position - f->length);
    memcpy(f->data + f->position, buf, count);
    f->position = end;
    if (end > f->length) f->length = end;
    f->dirty = 1;
    return (ssize_t)count;
}

long host_files_seek(int fd, long offset, int whence) {
    struct host_file *f = file_of(fd);
    if (!f) return fail(EBADF);
    off_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (off_t)f->position : whence == SEEK_END ? (off_t)f->length : -1;
    if (base < 0 || (offset < 0 && -offset > base) || offset > (off_t)MAX_FILE_BYTES) return fail(EINVAL);
    f->position = (size_t)(base + offset);
    return (off_t)f->position;
}

int host_files_fstat(int fd, struct stat *st) {
    struct host_file *f = file_of(fd);
    if (!f) return fail(EBADF);
    char reply[96];
    int n = snprintf(reply, sizeof reply, "{\"size\":%zu,\"isFile\":true,\"isDirectory\":false,\"modifiedMs\":0}", f->length);
    return host_files_stat_reply(f->path, reply, (size_t)n, st);
}

int host_files_sync(int fd) {
    struct host_file *f = file_of(fd);
    if (!f) return fail(EBADF);
    return f->dirty ? store(f) : 0;
}

int host_files_close(int fd) {
    struct host_file *f = file_of(fd);
    if (!f) return fail(EBADF);
    int result = f->dirty ? store(f) : 0, error = errno;
    release(f);
    errno = error;
    return result;
}

void host_files_begin(void) { in_execution = 1; }

/* What the program left open is written as it stands (CPython would flush it at exit); the buffers are the
   snapshot's to forget, as is everything the execution allocated. */
void host_files_end(void) {
    for (int i = 0; i < MAX_FILES; i++) {
        if (files[i].open && files[i].dirty) store(&files[i]);
    }
    in_execution = 0;
}
