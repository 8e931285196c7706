/* The Python guest's parts: the .c files in python/. */
#ifndef CODEACT_PYTHON_H
#define CODEACT_PYTHON_H
#include <stddef.h>
#include <stdint.h>

/* memory.c */
void memory_install(void);
size_t memory_used(void);
void memory_begin(size_t boot_bytes, uint64_t execution_limit);

/* immortal.c: _codeact.immortalize() (a PyCFunction; python.h does not include Python.h) */
struct _object;
struct _object *immortal_everything(struct _object *self, struct _object *unused);

/* program_compile.c: _codeact.compile_program(source, filename, result_name) */
struct _object *program_compile(struct _object *self, struct _object *args);
/* host_files.c: files on the host's mounts and /output (see there); host_dirs.c: their directories */
#define MAX_PATH_BYTES 4096
struct stat;
struct __dirstream;
int host_files_call(const char *service, const char *path, const char *content, size_t content_length,
                    const char **reply, size_t *reply_length);
int host_files_absolute(const char *path, char out[MAX_PATH_BYTES]);
int host_files_stat_reply(const char *path, const char *reply, size_t length, struct stat *st);
int host_dirs_made_stat(const char *full, struct stat *st);
int host_files_open(const char *path, int flags);
int host_files_owns(int fd);
long host_files_read(int fd, void *buf, size_t count);
long host_files_write(int fd, const void *buf, size_t count);
long host_files_seek(int fd, long offset, int whence);
int host_files_fstat(int fd, struct stat *st);
int host_files_sync(int fd);
int host_files_close(int fd);
int host_files_stat(const char *path, struct stat *st);
int host_files_access(const char *path);
int host_dirs_mkdir(const char *path);
struct __dirstream *host_dirs_opendir(const char *path);
struct dirent *host_dirs_readdir(struct __dirstream *dir);
void host_dirs_rewinddir(struct __dirstream *dir);
void host_dirs_closedir(struct __dirstream *dir);
void host_files_begin(void);
void host_files_end(void);

/* host_json.c: the JSON of the host's file service replies (see there) */
int json_is_utf8(const char *text, size_t length);
size_t json_string_size(const char *text, size_t length);
size_t json_put_string(char *out, size_t at, size_t capacity, const char *text, size_t length);
long json_get_string(const char **at, const char *end, char *out);
long json_each_string(const char *text, size_t length, char *scratch, int (*each)(const char *, size_t, void *),
                      void *context);
int json_get_number(const char *text, size_t length, const char *key, long long *value);
#endif
