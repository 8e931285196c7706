package dev.codeact.hyperlight;

import com.sun.jna.Pointer;
import dev.codeact.hyperlight.abi.Mailbox;
import dev.codeact.hyperlight.memory.GuestLayout;
import java.security.SecureRandom;

/** What the host writes into the mailbox before it enters the guest: for its boot, a program, or a resumed program. */
final class EntryMailbox {
    /** Seeds each execution's Math.random: a CSPRNG, so no execution can predict another's sequence. */
    private static final SecureRandom SEEDS = new SecureRandom();

    private EntryMailbox() {
    }

    /** What the guest finds in the mailbox when it boots: where its buffers, heap and thread block are. */
    static void writeBoot(Pointer memory, GuestLayout layout, long stackBytes) {
        Pointer mailbox = memory.share(layout.mailboxAddress());
        mailbox.setInt(Mailbox.OFF_MAGIC, Mailbox.MAGIC);
        mailbox.setInt(Mailbox.OFF_ABI_VERSION, Mailbox.ABI_VERSION);
        mailbox.setLong(Mailbox.OFF_IN_ADDR, layout.inAddress());
        mailbox.setInt(Mailbox.OFF_IN_CAPACITY, layout.inCapacityBytes());
        mailbox.setLong(Mailbox.OFF_OUT_ADDR, layout.outAddress());
        mailbox.setInt(Mailbox.OFF_OUT_CAPACITY, layout.outCapacityBytes());
        mailbox.setLong(Mailbox.OFF_LOG_ADDR, layout.logAddress());
        mailbox.setInt(Mailbox.OFF_LOG_CAPACITY, layout.logCapacityBytes());
        mailbox.setLong(Mailbox.OFF_HEAP_ADDR, layout.heapAddress());
        mailbox.setLong(Mailbox.OFF_HEAP_SIZE, layout.heapSizeBytes());
        mailbox.setLong(Mailbox.OFF_TLS_ADDR, layout.tlsAddress());
        mailbox.setLong(Mailbox.OFF_MEMORY_LIMIT, layout.heapSizeBytes());
        mailbox.setLong(Mailbox.OFF_STACK_LIMIT, stackBytes / 2);
        mailbox.setLong(Mailbox.OFF_EPOCH_MS, System.currentTimeMillis());
        memory.setLong(layout.tlsAddress(), layout.tlsAddress()); // musl's thread pointer points at itself
    }

    /** The command to run the program of {@code programLength} bytes in IN, under {@code limits}. */
    static void writeExecution(Pointer mailbox, int programLength, ExecutionLimits limits, long tscPerMs) {
        mailbox.setInt(Mailbox.OFF_COMMAND, Mailbox.COMMAND_EXECUTE);
        mailbox.setInt(Mailbox.OFF_CODE_LENGTH, programLength);
        mailbox.setLong(Mailbox.OFF_MEMORY_LIMIT, limits.memoryBytes());
        mailbox.setLong(Mailbox.OFF_STACK_LIMIT, limits.stackBytes());
        mailbox.setLong(Mailbox.OFF_EPOCH_MS, System.currentTimeMillis());
        mailbox.setLong(Mailbox.OFF_RNG_SEED, SEEDS.nextLong()); // unpredictable from anything another execution saw
        byte[] entropy = new byte[Mailbox.ENTROPY_BYTES]; // keys the guest's crypto.getRandomValues, likewise
        SEEDS.nextBytes(entropy);
        mailbox.write(Mailbox.OFF_ENTROPY, entropy, 0, entropy.length);
        mailbox.setLong(Mailbox.OFF_TSC_PER_MS, tscPerMs);
        mailbox.setInt(Mailbox.OFF_MAX_REQUEST_BYTES, limits.maxHostCallRequestBytes());
    }

    /**
     * Before a suspended program goes on (the mailbox is the one of its state): the request cap of the resuming call's
     * limits, and the guest's clock moved so that it reads the host's time now and never runs backwards. The guest
     * reads the time as epoch_ms plus the TSC ticks since tsc_at_entry; epoch_ms stays the suspended execution's start,
     * and tsc_at_entry becomes what this vCPU's TSC read that long ago (modulo 2^64, as the guest subtracts).
     */
    static void writeResumption(Pointer mailbox, ExecutionLimits limits, long tscPerMs, long guestTscNow) {
        mailbox.setInt(Mailbox.OFF_MAX_REQUEST_BYTES, limits.maxHostCallRequestBytes());
        mailbox.setLong(Mailbox.OFF_TSC_PER_MS, tscPerMs);
        long sinceStartMs = Math.max(0, System.currentTimeMillis() - mailbox.getLong(Mailbox.OFF_EPOCH_MS));
        long ticks = Math.min(sinceStartMs, Long.MAX_VALUE / Math.max(1, tscPerMs)) * tscPerMs;
        mailbox.setLong(Mailbox.OFF_TSC_AT_ENTRY, guestTscNow - ticks);
    }
}
