/*
 * The platform every guest language runs on: the host-call ABI (hostabi.h), the entry (start.S, entry.c), the heap
 * (heap.c), the host calls (hostcall.c) and the libc functions that would need a kernel (libc_shim.c). A language
 * runtime includes this header and defines runtime_boot and runtime_execute.
 */
#ifndef CODEACT_GUEST_H
#define CODEACT_GUEST_H
#include <stddef.h>
#include <stdint.h>
#include "hostabi.h"

extern struct hl_mailbox *hl_mailbox;

/* hostcall.c */
void hl_out(uint16_t port, uint32_t value);
_Noreturn void hl_abort(uint32_t code, const char *message);
void hl_log_write(uint32_t stream, const char *bytes, size_t length);
void hl_log_flush(void);
int hl_host_call(const char *request, size_t length, const char **reply, size_t *reply_length);
void hl_finish(const char *outcome, size_t length);
void hl_sleep(uint64_t microseconds);
/* random.c: bytes from a ChaCha20 keyed with the host's entropy for this entry */
void hl_random_bytes(void *buf, size_t length);
static inline uint64_t hl_rdtsc(void) {
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* heap.c */
#define HEAP_BLOCK_HEADER_BYTES 16u /* what the heap spends on each block besides its usable bytes */
void heap_init(void *base, size_t size);
size_t heap_high_water(void);
void heap_seal(void);

/* defined by the language runtime (quickjs/runtime.c): BOOT makes it, once; EXECUTE runs the program in IN and
   leaves its outcome in OUT (hl_finish) */
void runtime_boot(void);
void runtime_execute(void);
#endif
