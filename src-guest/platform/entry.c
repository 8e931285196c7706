#include "guest.h"

struct hl_mailbox *hl_mailbox;
static int booted;

void guest_entry(struct hl_mailbox *mailbox) {
    hl_mailbox = mailbox;
    mailbox->tsc_at_entry = hl_rdtsc();
    mailbox->log_length = 0;
    mailbox->outcome_length = 0;
    if (mailbox->magic != HL_MAILBOX_MAGIC || mailbox->abi_version != HL_ABI_VERSION)
        hl_abort(HL_ABORT_BAD_COMMAND, "mailbox magic or ABI version mismatch");
    if (mailbox->command == HL_COMMAND_BOOT && !booted) {
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
