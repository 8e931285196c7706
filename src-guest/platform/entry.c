#include <locale.h>
#include <string.h>
#include "guest.h"

struct hl_mailbox *hl_mailbox;
static int booted;

/* Static TLS (platform/guest.ld): the block of thread-locals ends at the thread pointer (FS.base, the host's thread
   block at tls_addr), rounded up to its alignment, as the linker computed their offsets (x86-64 variant II); the host
   reserves HL_STATIC_TLS_BYTES below it. The initial image (.tdata) is copied there and .tbss zeroed once, at boot:
   the snapshot keeps them. A thread-local with a known value checks that the block is where the code looks. */
/* weak: python/tools/native-harness.c links these objects without guest.ld, where musl lays TLS out itself */
extern char __tdata_start[] __attribute__((weak)), __tdata_end[] __attribute__((weak)),
    __tbss_end[] __attribute__((weak)), __tls_align[] __attribute__((weak));
static __thread volatile uint64_t tls_check = 0x7715c0de;

static void tls_init(void) {
    size_t align = (size_t)__tls_align ? (size_t)__tls_align : 1; /* the PT_TLS alignment, as ld rounds the block */
    size_t bytes = ((size_t)(__tbss_end - __tdata_start) + align - 1) & ~(align - 1);
    if (hl_mailbox->tls_addr) { /* 0: a Linux process (python/tools/native-harness.c), where musl laid TLS out */
        if (bytes > HL_STATIC_TLS_BYTES) hl_abort(HL_ABORT_BOOT_FAILED, "the image's thread-locals exceed the static TLS block");
        char *block = (char *)hl_mailbox->tls_addr - bytes;
        size_t initialised = (size_t)(__tdata_end - __tdata_start);
        memcpy(block, __tdata_start, initialised);
        memset(block + initialised, 0, bytes - initialised);
    }
    if (tls_check != 0x7715c0de) hl_abort(HL_ABORT_BOOT_FAILED, "static TLS: the block is not where the code looks");
    /* musl's thread block: its start-up code (which the guest does not run) points the locale at the C locale;
       without it strerror, MB_CUR_MAX and every locale-dependent function read through a null pointer */
    uselocale(LC_GLOBAL_LOCALE);
}

void guest_entry(struct hl_mailbox *mailbox) {
    hl_mailbox = mailbox;
    mailbox->tsc_at_entry = hl_rdtsc();
    mailbox->log_length = 0;
    mailbox->outcome_length = 0;
    if (mailbox->magic != HL_MAILBOX_MAGIC || mailbox->abi_version != HL_ABI_VERSION)
        hl_abort(HL_ABORT_BAD_COMMAND, "mailbox magic or ABI version mismatch");
    if (mailbox->command == HL_COMMAND_BOOT && !booted) {
        tls_init();
        heap_init((void *)mailbox->heap_addr, mailbox->heap_size_bytes);
        runtime_boot();
        booted = 1;
    } else if (mailbox->command == HL_COMMAND_EXECUTE && booted) {
        runtime_execute();
    } else {
        hl_abort(HL_ABORT_BAD_COMMAND, "unknown command or wrong state");
    }
    hl_log_flush();
    mailbox->heap_high_water_bytes = heap_high_water();
    mailbox->tsc_at_exit = hl_rdtsc();
    for (;;) hl_out(HL_PORT_DONE, 0);
}
