/* The guest side of the host-call ABI: port exits and the IN, OUT and LOG buffers. */
#include <stdio.h>
#include <string.h>
#include "guest.h"

void hl_out(uint16_t port, uint32_t value) {
    __asm__ volatile("outl %0, %1" : : "a"(value), "Nd"(port) : "memory");
}

static void copy_to_out(const char *bytes, size_t length) {
    if (length > hl_mailbox->out_capacity) length = hl_mailbox->out_capacity;
    memcpy((void *)hl_mailbox->out_addr, bytes, length);
    hl_mailbox->outcome_length = (uint32_t)length;
}

_Noreturn void hl_abort(uint32_t code, const char *message) {
    copy_to_out(message, strlen(message));
    hl_mailbox->abort_code = code;
    for (;;) hl_out(HL_PORT_ABORT, code);
}

void hl_log_flush(void) {
    if (hl_mailbox->log_length == 0) return;
    hl_out(HL_PORT_LOG_FLUSH, hl_mailbox->log_length);
    hl_mailbox->log_length = 0;
}

/* Appends one record per stream write; splits writes larger than the buffer. */
void hl_log_write(uint32_t stream, const char *bytes, size_t length) {
    uint32_t capacity = hl_mailbox->log_capacity;
    do {
        size_t room = capacity - hl_mailbox->log_length;
        if (room <= HL_LOG_RECORD_HEADER_BYTES) {
            hl_log_flush();
            room = capacity;
        }
        size_t chunk = room - HL_LOG_RECORD_HEADER_BYTES;
        if (chunk > length) chunk = length;
        uint8_t *record = (uint8_t *)hl_mailbox->log_addr + hl_mailbox->log_length;
        uint32_t chunk32 = (uint32_t)chunk;
        record[0] = (uint8_t)stream;
        memcpy(record + 1, &chunk32, sizeof chunk32);
        memcpy(record + HL_LOG_RECORD_HEADER_BYTES, bytes, chunk);
        hl_mailbox->log_length += (uint32_t)(chunk + HL_LOG_RECORD_HEADER_BYTES);
        bytes += chunk;
        length -= chunk;
    } while (length > 0);
}

/* Returns HL_REPLY_OK or HL_REPLY_ERROR; the reply points into IN and is valid until the next call. A request larger
   than the host takes (max_request_bytes) or than OUT fails here, before any exit, with HL_MESSAGE_REQUEST_TOO_LARGE
   as its reply: every guest's host calls (tools, fs, fetch) are bounded by this one check. */
int hl_host_call(const char *request, size_t length, const char **reply, size_t *reply_length) {
    uint32_t limit = hl_mailbox->max_request_bytes;
    if (limit > hl_mailbox->out_capacity) limit = hl_mailbox->out_capacity;
    if (length > limit) {
        static char message[160];
        int n = snprintf(message, sizeof message, HL_MESSAGE_REQUEST_TOO_LARGE, length, (unsigned)limit);
        *reply = message;
        *reply_length = n < 0 ? 0 : (size_t)n < sizeof message ? (size_t)n : sizeof message - 1;
        return HL_REPLY_ERROR;
    }
    hl_log_flush(); /* keep console output ordered with the tool's own side effects */
    memcpy((void *)hl_mailbox->out_addr, request, length);
    hl_mailbox->call_length = (uint32_t)length;
    hl_mailbox->reply_length = 0;
    hl_mailbox->reply_status = HL_REPLY_ERROR;
    hl_out(HL_PORT_HOSTCALL, (uint32_t)length);
    uint32_t n = hl_mailbox->reply_length;
    if (n > hl_mailbox->in_capacity) n = 0;
    *reply = (const char *)hl_mailbox->in_addr;
    *reply_length = n;
    return hl_mailbox->reply_status == HL_REPLY_OK ? HL_REPLY_OK : HL_REPLY_ERROR;
}

/* Waits on the host: the vCPU leaves, so the wait costs no guest CPU time. */
void hl_sleep(uint64_t microseconds) {
    hl_mailbox->sleep_us = microseconds;
    hl_out(HL_PORT_SLEEP, 0);
}

void hl_finish(const char *outcome, size_t length) {
    copy_to_out(outcome, length);
}
