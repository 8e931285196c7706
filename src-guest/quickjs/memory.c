/*
 * Memory. QuickJS is charged what the heap really spends on a block, header included, so the limit bounds the
 * heap itself. The allocation that would cross the limit, or that the heap cannot serve, ends the execution
 * there and then: the guest leaves through the OUT_OF_MEMORY port, and the host reports OUT_OF_MEMORY (the error
 * needs no memory of the guest's) and restores the VM. QuickJS never sees a failed allocation, so none of its
 * out-of-memory paths runs (fault injection under AddressSanitizer found several that leave half-built state
 * behind), and no program can catch running out of memory and go on.
 */
#include <malloc.h>
#include <stdlib.h>
#include "runtime.h"

static _Noreturn void out_of_memory(void) {
    for (;;) hl_out(HL_PORT_OUT_OF_MEMORY, 0);
}

static void admit(const JSMallocState *s, size_t more) {
    if (more > s->malloc_limit || s->malloc_size > s->malloc_limit - more) out_of_memory();
}

static size_t charged(const void *p) { return malloc_usable_size((void *)p) + HEAP_BLOCK_HEADER_BYTES; }

static void *limited_malloc(JSMallocState *s, size_t size) {
    admit(s, size + HEAP_BLOCK_HEADER_BYTES);
    void *p = malloc(size);
    if (!p) out_of_memory();
    s->malloc_count++;
    s->malloc_size += charged(p);
    return p;
}

static void limited_free(JSMallocState *s, void *p) {
    if (!p) return;
    s->malloc_count--;
    s->malloc_size -= charged(p);
    free(p);
}

static void *limited_realloc(JSMallocState *s, void *p, size_t size) {
    if (!p) return size == 0 ? NULL : limited_malloc(s, size);
    if (size == 0) {
        limited_free(s, p);
        return NULL;
    }
    size_t old = charged(p);
    if (size + HEAP_BLOCK_HEADER_BYTES > old) admit(s, size + HEAP_BLOCK_HEADER_BYTES - old);
    void *q = realloc(p, size);
    if (!q) out_of_memory();
    s->malloc_size = s->malloc_size - old + charged(q);
    return q;
}

static size_t usable_size(const void *p) { return malloc_usable_size((void *)p); }

const JSMallocFunctions LIMITED_ALLOCATOR = {limited_malloc, limited_free, limited_realloc, usable_size};
