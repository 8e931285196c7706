/*
 * Memory, as quickjs/memory.c does it: CPython's three allocator domains (raw, mem, object) are charged what the heap
 * really spends on each block, header included, and the allocation that would cross the limit ends the execution
 * there and then through the OUT_OF_MEMORY port (the host reports OUT_OF_MEMORY and restores the VM). CPython never
 * sees a failed allocation, so no program catches MemoryError and goes on. Boot runs without a limit; memory_begin
 * sets the execution's: what boot left allocated plus the mailbox's memory_limit_bytes.
 */
#include <malloc.h>
#include <stdlib.h>
#include <Python.h>
#include "guest.h"
#include "python.h"

static size_t used_bytes, limit_bytes = (size_t)-1;

static _Noreturn void out_of_memory(void) {
    for (;;) hl_out(HL_PORT_OUT_OF_MEMORY, 0);
}

static size_t charged(void *p) { return malloc_usable_size(p) + HEAP_BLOCK_HEADER_BYTES; }

static void admit(size_t more) {
    if (more > limit_bytes || used_bytes > limit_bytes - more) out_of_memory();
}

static void *limited_malloc(void *ctx, size_t size) {
    (void)ctx;
    if (size == 0) size = 1;
    admit(size + HEAP_BLOCK_HEADER_BYTES);
    void *p = malloc(size);
    if (!p) out_of_memory();
    used_bytes += charged(p);
    return p;
}

static void *limited_calloc(void *ctx, size_t count, size_t size) {
    (void)ctx;
    size_t n;
    if (__builtin_mul_overflow(count, size, &n)) out_of_memory();
    if (n == 0) n = 1;
    admit(n + HEAP_BLOCK_HEADER_BYTES);
    void *p = calloc(1, n); /* the heap's calloc zeroes only memory that is not zero already (platform/heap.c) */
    if (!p) out_of_memory();
    used_bytes += charged(p);
    return p;
}

static void limited_free(void *ctx, void *p) {
    (void)ctx;
    if (!p) return;
    used_bytes -= charged(p);
    free(p);
}

static void *limited_realloc(void *ctx, void *p, size_t size) {
    if (!p) return limited_malloc(ctx, size);
    if (size == 0) size = 1;
    size_t old = charged(p);
    if (size + HEAP_BLOCK_HEADER_BYTES > old) admit(size + HEAP_BLOCK_HEADER_BYTES - old);
    void *q = realloc(p, size);
    if (!q) out_of_memory();
    used_bytes = used_bytes - old + charged(q);
    return q;
}

void memory_install(void) {
    PyMemAllocatorEx allocator = {NULL, limited_malloc, limited_calloc, limited_realloc, limited_free};
    PyMem_SetAllocator(PYMEM_DOMAIN_RAW, &allocator);
    PyMem_SetAllocator(PYMEM_DOMAIN_MEM, &allocator);
    PyMem_SetAllocator(PYMEM_DOMAIN_OBJ, &allocator);
}

/* CPython also raises MemoryError without asking the allocator, for a size it knows is too large ([0] * 2**62,
   list(range(2**62))). python.mk links with --wrap for both entry points, so that is the same OUT_OF_MEMORY: a program
   can never catch a MemoryError and go on, and one it raises itself is only an exception (RUNTIME). */
PyObject *__wrap_PyErr_NoMemory(void) { out_of_memory(); }
PyObject *__wrap__PyErr_NoMemory(PyThreadState *tstate) { (void)tstate; out_of_memory(); }

size_t memory_used(void) { return used_bytes; }

void memory_begin(size_t boot_bytes, uint64_t execution_limit) {
    limit_bytes = execution_limit > (uint64_t)((size_t)-1 - boot_bytes) ? (size_t)-1 : boot_bytes + (size_t)execution_limit;
}
