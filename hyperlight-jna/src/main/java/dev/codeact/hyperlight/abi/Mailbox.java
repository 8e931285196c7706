package dev.codeact.hyperlight.abi;

/**
 * Byte offsets and sizes of {@code struct hl_mailbox}, and the ABI's numbers (ports, commands, replies, streams, abort
 * codes), mirrored from src-guest/platform/hostabi.h, which defines them; {@code HostAbiParityTest} checks that the
 * two agree. The strings both sides agree on are in {@link GuestStrings}.
 */
public final class Mailbox {
    private Mailbox() {
    }

    public static final int MAGIC = 0x4C484143;
    public static final int ABI_VERSION = 4;
    /** Room below the thread pointer for the image's static thread-locals (guest.ld's PT_TLS; entry.c fills it). */
    public static final int STATIC_TLS_BYTES = 4096;

    public static final int PORT_HOSTCALL = 0xE0;
    public static final int PORT_DONE = 0xE1;
    public static final int PORT_ABORT = 0xE2;
    public static final int PORT_LOG_FLUSH = 0xE3;
    public static final int PORT_EXCEPTION = 0xE4;
    public static final int PORT_OUT_OF_MEMORY = 0xE5;
    public static final int PORT_SLEEP = 0xE6;

    public static final int COMMAND_BOOT = 1;
    public static final int COMMAND_EXECUTE = 2;
    public static final int REPLY_OK = 0;
    public static final int REPLY_ERROR = 1;
    public static final int LOG_RECORD_HEADER_BYTES = 5;

    /** The code the guest leaves in EAX and {@link #OFF_ABORT_CODE} at an ABORT exit ({@link GuestAbort} words it). */
    public static final int ABORT_ASSERT = 1;
    public static final int ABORT_OUT_OF_MEMORY = 2;
    public static final int ABORT_BAD_COMMAND = 3;
    public static final int ABORT_BOOT_FAILED = 4;

    /** {@code sizeof(struct hl_mailbox)}: what of the mailbox page the ABI uses. */
    public static final int MAILBOX_STRUCT_BYTES = 352;

    public static final int OFF_MAGIC = 0;
    public static final int OFF_ABI_VERSION = 4;
    public static final int OFF_IN_ADDR = 8;
    public static final int OFF_IN_CAPACITY = 16;
    public static final int OFF_OUT_CAPACITY = 20;
    public static final int OFF_OUT_ADDR = 24;
    public static final int OFF_LOG_ADDR = 32;
    public static final int OFF_LOG_CAPACITY = 40;
    public static final int OFF_HEAP_ADDR = 48;
    public static final int OFF_HEAP_SIZE = 56;
    public static final int OFF_TLS_ADDR = 64;
    public static final int OFF_COMMAND = 128;
    public static final int OFF_CODE_LENGTH = 132;
    public static final int OFF_MEMORY_LIMIT = 136;
    public static final int OFF_STACK_LIMIT = 144;
    public static final int OFF_EPOCH_MS = 152;
    public static final int OFF_RNG_SEED = 160;
    public static final int OFF_TSC_PER_MS = 168;
    public static final int OFF_MAX_REQUEST_BYTES = 176;
    public static final int OFF_CANCEL_REQUESTED = 192;
    public static final int OFF_CALL_LENGTH = 256;
    public static final int OFF_REPLY_LENGTH = 260;
    public static final int OFF_REPLY_STATUS = 264;
    public static final int OFF_LOG_LENGTH = 268;
    public static final int OFF_OUTCOME_LENGTH = 272;
    public static final int OFF_ABORT_CODE = 276;
    public static final int OFF_TSC_AT_ENTRY = 280;
    public static final int OFF_HEAP_HIGH_WATER = 288;
    public static final int OFF_TSC_AT_EXIT = 296;
    public static final int OFF_SLEEP_US = 304;
    public static final int OFF_ENTROPY = 320;
    public static final int ENTROPY_BYTES = 32;

    /** The size in bytes of the field at {@code offset}: how the host reads and writes it (int, long or bytes). */
    public static int fieldBytes(int offset) {
        return switch (offset) {
            case OFF_MAGIC, OFF_ABI_VERSION, OFF_IN_CAPACITY, OFF_OUT_CAPACITY, OFF_LOG_CAPACITY, OFF_COMMAND, OFF_CODE_LENGTH,
                    OFF_MAX_REQUEST_BYTES, OFF_CANCEL_REQUESTED, OFF_CALL_LENGTH, OFF_REPLY_LENGTH, OFF_REPLY_STATUS,
                    OFF_LOG_LENGTH, OFF_OUTCOME_LENGTH, OFF_ABORT_CODE -> Integer.BYTES;
            case OFF_IN_ADDR, OFF_OUT_ADDR, OFF_LOG_ADDR, OFF_HEAP_ADDR, OFF_HEAP_SIZE, OFF_TLS_ADDR, OFF_MEMORY_LIMIT,
                    OFF_STACK_LIMIT, OFF_EPOCH_MS, OFF_RNG_SEED, OFF_TSC_PER_MS, OFF_TSC_AT_ENTRY, OFF_HEAP_HIGH_WATER,
                    OFF_TSC_AT_EXIT, OFF_SLEEP_US -> Long.BYTES;
            case OFF_ENTROPY -> ENTROPY_BYTES;
            default -> throw new IllegalArgumentException("no mailbox field at offset " + offset);
        };
    }
}
