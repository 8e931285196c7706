/*
 * Files on the host's mounts and /output, below every Python API (io, pathlib, os): os_shim.c sends here every path
 * and every descriptor past the console's. The host's file service (the unlisted host functions codeact.fs.readFile,
 * writeFile, readdir, stat, exists; the JavaScript guest's fs object uses the same ones) decides what exists and what
 * may be written, and checks every path; this file only keeps a file's bytes in the guest while it is open:
 *   - open reads the whole file (readFile) into a buffer; opening to write creates or truncates it on the host at
 *     once (writeFile), so a read-only mount or a quota fails at open, as a program expects;
 *   - writes go to the buffer, which close (and fsync) sends back whole with writeFile (the host writes atomically);
 *     what a program leaves open is sent when the execution ends (host_files_end);
 *   - opendir lists with readdir, stat asks stat.
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
#define MAX_PATH_BYTES 4096
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
static int call(const char *service, const char *path, const char *content, size_t content_length,
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

/* The path as the host's service takes it: absolute (the working directory is /). */
static int absolute(const char *path, char out[MAX_PATH_BYTES]) {
    size_t n = strlen(path);
    if (n == 0) return fail(ENOENT);
    if (n + 2 > MAX_PATH_BYTES) return fail(ENAMETOOLONG);
    out[0] = '/';
    memcpy(out + (path[0] != '/'), path, n + 1);
    return 0;
}

static int stat_reply(const char *path, const char *reply, size_t length, struct stat *st) {
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

/* Directories: the host's service makes them as a write needs them, so a directory appears on the host with the
   first file written in it. mkdir succeeds where such a write could (the parent is a directory, the name is free, the
   mount is writable) and the guest remembers the directory for the rest of the execution: stat sees it, opendir lists
   it empty, and a mkdir below it works (os.makedirs, Path.mkdir(parents=True)). Writability is asked with a write of
   a reserved name (MountTable.TEMP_PREFIX/SUFFIX), which the host refuses after it has checked that the mount is
   writable and before it writes anything: "read-only mount" or "reserved". */
#define MAX_MADE_DIRECTORIES 64
static char *made_directories[MAX_MADE_DIRECTORIES];
static int made_directory_count;

static int was_made(const char *full) {
    for (int i = 0; i < made_directory_count; i++) if (strcmp(made_directories[i], full) == 0) return 1;
    return 0;
}

static int made_stat(const char *full, struct stat *st) {
    static const char made[] = "{\"size\":0,\"isFile\":false,\"isDirectory\":true,\"modifiedMs\":0}";
    return stat_reply(full, made, sizeof made - 1, st);
}

int host_files_stat(const char *path, struct stat *st) {
    char full[MAX_PATH_BYTES];
    const char *reply;
    size_t length;
    if (absolute(path, full)) return -1;
    if (call("codeact.fs.stat", full, NULL, 0, &reply, &length)) return errno == ENOENT && was_made(full) ? made_stat(full, st) : -1;
    return stat_reply(full, reply, length, st);
}

int host_files_access(const char *path) {
    struct stat st;
    return host_files_stat(path, &st);
}

int host_files_mkdir(const char *path) {
    char full[MAX_PATH_BYTES];
    struct stat st;
    if (absolute(path, full)) return -1;
    size_t n = strlen(full);
    while (n > 1 && full[n - 1] == '/') full[--n] = 0;
    if (host_files_stat(full, &st) == 0) return fail(EEXIST);
    if (errno != ENOENT) return -1;
    char *slash = strrchr(full, '/');
    if (slash == full) return fail(EROFS);
    *slash = 0;
    if (host_files_stat(full, &st)) return -1;
    if (!S_ISDIR(st.st_mode)) return fail(ENOTDIR);
    *slash = '/';
    static const char probe[] = "/.codeact-mkdir.tmp";
    if (n + sizeof probe > MAX_PATH_BYTES) return fail(ENAMETOOLONG);
    if (made_directory_count == MAX_MADE_DIRECTORIES) return fail(EMLINK);
    memcpy(full + n, probe, sizeof probe);
    const char *reply;
    size_t length;
    if (call("codeact.fs.writeFile", full, "", 0, &reply, &length) != 0 && errno != EACCES) return -1;
    full[n] = 0;
    if (!(made_directories[made_directory_count] = PyMem_RawMalloc(n + 1))) return fail(ENOMEM);
    memcpy(made_directories[made_directory_count++], full, n + 1);
    return 0;
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
    if (call("codeact.fs.readFile", f->path, NULL, 0, &reply, &length)) return -1;
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
    if (call("codeact.fs.writeFile", f->path, f->data ? f->data : "", f->length, &reply, &length)) return -1;
    f->dirty = 0;
    return 0;
}

int host_files_open(const char *path, int flags) {
    int slot = 0;
    while (slot < MAX_FILES && files[slot].open) slot++;
    if (slot == MAX_FILES) return fail(EMFILE);
    struct host_file *f = &files[slot];
    char full[MAX_PATH_BYTES];
    if (absolute(path, full)) return -1;
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
    return stat_reply(f->path, reply, (size_t)n, st);
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

/* ---- directories: the names, listed at opendir */
struct __dirstream {
    struct dirent entry;
    char *names;        /* NUL-separated */
    size_t length, next;
};

static int add_name(const char *name, size_t length, void *context) {
    DIR *d = context;
    if (length == 0 || length >= sizeof d->entry.d_name || memchr(name, 0, length)) return -1;
    memcpy(d->names + d->length, name, length);
    d->length += length;
    d->names[d->length++] = 0;
    return 0;
}

DIR *host_files_opendir(const char *path) {
    char full[MAX_PATH_BYTES];
    const char *reply;
    size_t length;
    if (absolute(path, full)) return NULL;
    if (call("codeact.fs.readdir", full, NULL, 0, &reply, &length)) {
        if (errno != ENOENT || !was_made(full)) return NULL;
        reply = "[]";
        length = 2;
    }
    DIR *d = PyMem_RawCalloc(1, sizeof *d);
    char *scratch = PyMem_RawMalloc(length + 1);
    if (d) d->names = PyMem_RawMalloc(length + 1);
    if (!d || !scratch || !d->names || json_each_string(reply, length, scratch, add_name, d) < 0) {
        int error = d && scratch && d->names ? EIO : ENOMEM;
        PyMem_RawFree(scratch);
        if (d) PyMem_RawFree(d->names);
        PyMem_RawFree(d);
        errno = error;
        return NULL;
    }
    PyMem_RawFree(scratch);
    return d;
}

struct dirent *host_files_readdir(DIR *d) {
    if (d->next >= d->length) return NULL;
    size_t n = strlen(d->names + d->next);
    memcpy(d->entry.d_name, d->names + d->next, n + 1);
    d->next += n + 1;
    d->entry.d_type = DT_UNKNOWN; /* the listing has names only: scandir's is_dir() asks stat */
    d->entry.d_ino = 0;
    return &d->entry;
}

void host_files_rewinddir(DIR *d) { d->next = 0; }

void host_files_closedir(DIR *d) {
    PyMem_RawFree(d->names);
    PyMem_RawFree(d);
}
