/*
 * Directories on the host's mounts and /output (see host_files.c for the file service and its calls): opendir lists
 * a directory's names with codeact.fs.readdir; mkdir, which the host's service does not have, is answered here.
 */
#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <Python.h>
#include "python.h"

static int fail(int error) { errno = error; return -1; }

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

int host_dirs_made_stat(const char *full, struct stat *st) {
    if (!was_made(full)) return fail(ENOENT);
    static const char made[] = "{\"size\":0,\"isFile\":false,\"isDirectory\":true,\"modifiedMs\":0}";
    return host_files_stat_reply(full, made, sizeof made - 1, st);
}

int host_dirs_mkdir(const char *path) {
    char full[MAX_PATH_BYTES];
    struct stat st;
    if (host_files_absolute(path, full)) return -1;
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
    if (host_files_call("codeact.fs.writeFile", full, "", 0, &reply, &length) != 0 && errno != EACCES) return -1;
    full[n] = 0;
    if (!(made_directories[made_directory_count] = PyMem_RawMalloc(n + 1))) return fail(ENOMEM);
    memcpy(made_directories[made_directory_count++], full, n + 1);
    return 0;
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

DIR *host_dirs_opendir(const char *path) {
    char full[MAX_PATH_BYTES];
    const char *reply;
    size_t length;
    if (host_files_absolute(path, full)) return NULL;
    if (host_files_call("codeact.fs.readdir", full, NULL, 0, &reply, &length)) {
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

struct dirent *host_dirs_readdir(DIR *d) {
    if (d->next >= d->length) return NULL;
    size_t n = strlen(d->names + d->next);
    memcpy(d->entry.d_name, d->names + d->next, n + 1);
    d->next += n + 1;
    d->entry.d_type = DT_UNKNOWN; /* the listing has names only: scandir's is_dir() asks stat */
    d->entry.d_ino = 0;
    return &d->entry;
}

void host_dirs_rewinddir(DIR *d) { d->next = 0; }

void host_dirs_closedir(DIR *d) {
    PyMem_RawFree(d->names);
    PyMem_RawFree(d);
}
