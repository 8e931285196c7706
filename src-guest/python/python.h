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
#endif
