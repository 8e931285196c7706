/*
 * Allocator over the fixed guest heap: segregated free lists in front of a bump pointer.
 * Every execution starts from a restored heap, so fragmentation never outlives one program;
 * what matters is speed and a usable size that QuickJS's memory accounting can trust.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "guest.h"

#define HEADER_BYTES HEAP_BLOCK_HEADER_BYTES
#define SMALL_STEP_BYTES 16u
#define SMALL_LIMIT_BYTES 1024u
#define SMALL_CLASSES (SMALL_LIMIT_BYTES / SMALL_STEP_BYTES)
#define STEPS_PER_DOUBLING 4u
#define CLASS_COUNT (SMALL_CLASSES + 1 + 54 * STEPS_PER_DOUBLING)

struct block_header { size_t usable_bytes; size_t class_index; };
_Static_assert(sizeof(struct block_header) == HEADER_BYTES, "header keeps 16-byte alignment");

static uint8_t *heap_base, *heap_bump, *heap_end;
static void *free_lists[CLASS_COUNT];

void heap_init(void *base, size_t size) {
    heap_base = heap_bump = base;
    heap_end = heap_base + size;
}

size_t heap_high_water(void) { return (size_t)(heap_bump - heap_base); }

/* Drops the free lists, so later allocations come from fresh, contiguous memory past the high-water mark
   instead of from blocks scattered over the boot heap: an execution then writes fewer distinct pages, and
   every page written is one the host must restore (and, on nested KVM, take a dirty-tracking fault for). */
void heap_seal(void) {
    memset(free_lists, 0, sizeof free_lists);
}

/* Small sizes in 16-byte steps, larger ones in quarter steps of each power of two. */
static size_t size_class(size_t n, size_t *class_bytes) {
    if (n <= SMALL_LIMIT_BYTES) {
        size_t c = (n + SMALL_STEP_BYTES - 1) / SMALL_STEP_BYTES;
        if (c == 0) c = 1;
        *class_bytes = c * SMALL_STEP_BYTES;
        return c - 1;
    }
    unsigned k = 63u - (unsigned)__builtin_clzll((unsigned long long)(n - 1));
    size_t power = (size_t)1 << k, step = power / STEPS_PER_DOUBLING;
    size_t m = (n - power + step - 1) / step;
    *class_bytes = power + m * step;
    return SMALL_CLASSES + (k - 10) * STEPS_PER_DOUBLING + m;
}

/* Past the bump pointer's end, a free block of a larger class serves (it keeps its class, so it goes back there). */
static void *from_larger_class(size_t index) {
    for (size_t i = index + 1; i < CLASS_COUNT; i++) {
        struct block_header *h = free_lists[i];
        if (h) {
            free_lists[i] = *(void **)(h + 1);
            return h + 1;
        }
    }
    errno = ENOMEM;
    return NULL;
}

/* malloc's body, under a name the compiler does not know: GCC turns malloc followed by memset into a call to calloc,
   which in calloc itself would be calloc calling itself until the stack overflows. */
static void *allocate(size_t n) {
    if (n > (size_t)(heap_end - heap_base)) { errno = ENOMEM; return NULL; }
    size_t class_bytes, index = size_class(n, &class_bytes);
    struct block_header *h = free_lists[index];
    if (h) {
        free_lists[index] = *(void **)(h + 1);
        return h + 1;
    }
    if ((size_t)(heap_end - heap_bump) < HEADER_BYTES + class_bytes) return from_larger_class(index);
    h = (struct block_header *)heap_bump;
    heap_bump += HEADER_BYTES + class_bytes;
    h->usable_bytes = class_bytes;
    h->class_index = index;
    return h + 1;
}

void *malloc(size_t n) { return allocate(n); }

void free(void *p) {
    if (!p) return;
    struct block_header *h = (struct block_header *)p - 1;
    *(void **)p = free_lists[h->class_index];
    free_lists[h->class_index] = h;
}

size_t malloc_usable_size(void *p) {
    return p ? ((struct block_header *)p - 1)->usable_bytes : 0;
}

void *calloc(size_t count, size_t size) {
    size_t n;
    if (__builtin_mul_overflow(count, size, &n)) { errno = ENOMEM; return NULL; }
    uint8_t *bump = heap_bump;
    void *p = allocate(n);
    /* A block carved from past the bump pointer is zero already: the host zeroes guest memory, the restore brings back
       the snapshot's zeros there, and nothing writes past the bump pointer. Not writing it spares a large calloc of
       which little is used, such as CPython's tokenizer state (17 KB per parse), the pages a memset would dirty and
       the host would copy back. (QuickJS never calls calloc.) */
    if (p && heap_bump == bump) memset(p, 0, n);
    return p;
}

void *realloc(void *p, size_t n) {
    if (!p) return malloc(n);
    if (n == 0) { free(p); return NULL; }
    size_t old = malloc_usable_size(p);
    if (n <= old) return p;
    void *q = malloc(n);
    if (!q) return NULL;
    memcpy(q, p, old);
    free(p);
    return q;
}
