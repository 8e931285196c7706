package dev.codeact.hyperlight;

import dev.codeact.hyperlight.memory.GuestLayout;
import dev.codeact.hyperlight.memory.SlotPages;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A {@link SessionState} as bytes, for a store that keeps sessions outside the process (memory, Redis), and back. The
 * format is versioned and big-endian: magic, version, image key, layout, data pages, stack pages, registers, pending
 * call, host-call count. Reading trusts nothing: every count is checked against what is left before anything is
 * allocated, and bytes that are not a state of this version are refused whole ({@link SessionStateException.Reason#MALFORMED}).
 * What a state's pages hold is the guest's own memory, which the host never trusts anyway; whether a store hands back
 * the state it was given (integrity, who may resume it) is the store's business.
 */
public final class SessionStateCodec {
    private static final int MAGIC = 0x43415353; // "CASS"
    private static final int VERSION = 1;
    /** Everything but the pages and registers is small: the image key, the layout, the pending call. */
    private static final int MAX_TEXT_BYTES = 16 << 20;

    private SessionStateCodec() {
    }

    public static byte[] encode(SessionState state) {
        // sized exactly and written in place: a 10 MiB state is copied once, not grown and copied again (12 ms -> ~3)
        byte[] imageKey = utf8(state.imageKey());
        SessionState.PendingCall call = state.pendingCall().orElse(null);
        byte[][] callTexts = call == null ? new byte[0][]
                : new byte[][] {utf8(call.name()), utf8(call.argumentsJson()), utf8(call.reason() == null ? "" : call.reason())};
        byte[] registers = state.registersUnsafe();
        long size = 8 + textBytes(imageKey) + 15 * 8 + pagesBytes(state.data()) + pagesBytes(state.stack())
                + 4 + registers.length + 1 + 4;
        for (byte[] text : callTexts) {
            size += textBytes(text);
        }
        if (size > Integer.MAX_VALUE - 8) {
            throw new SessionStateException(SessionStateException.Reason.TOO_LARGE, "a session state of " + size
                    + " bytes cannot be encoded in one array");
        }
        ByteBuffer out = ByteBuffer.allocate((int) size);
        out.putInt(MAGIC).putInt(VERSION);
        putText(out, imageKey);
        GuestLayout l = state.layout();
        for (long v : new long[] {l.rwStart(), l.mailboxAddress(), l.tlsAddress(), l.inAddress(), l.inCapacityBytes(),
            l.outAddress(), l.outCapacityBytes(), l.logAddress(), l.logCapacityBytes(), l.heapAddress(), l.heapSizeBytes(),
            l.guardAddress(), l.stackBottom(), l.stackTop(), l.totalBytes()}) {
            out.putLong(v);
        }
        putPages(out, state.data());
        putPages(out, state.stack());
        out.putInt(registers.length).put(registers);
        out.put((byte) (call != null ? 1 : 0));
        for (byte[] text : callTexts) {
            putText(out, text);
        }
        out.putInt(state.hostCalls());
        return out.array();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static long textBytes(byte[] utf8) {
        return 4 + utf8.length;
    }

    private static long pagesBytes(SlotPages pages) {
        return 4 + (long) pages.count() * (8 + GuestLayout.PAGE_BYTES);
    }

    private static void putText(ByteBuffer out, byte[] utf8) {
        out.putInt(utf8.length).put(utf8);
    }

    private static void putPages(ByteBuffer out, SlotPages pages) {
        long[] numbers = pages.numbers();
        out.putInt(numbers.length);
        for (long n : numbers) {
            out.putLong(n);
        }
        for (int i = 0; i < numbers.length; i++) {
            pages.putPage(i, out);
        }
    }

    /**
     * The state in {@code bytes}, if they hold one of at most {@code maxBytes} (pages and registers).
     *
     * @throws SessionStateException MALFORMED, or TOO_LARGE
     */
    public static SessionState decode(byte[] bytes, long maxBytes) {
        return decode(bytes, 0, bytes.length, maxBytes);
    }

    /** As {@link #decode(byte[], long)}, for the state in {@code length} bytes of {@code bytes} from {@code offset}. */
    public static SessionState decode(byte[] bytes, int offset, int length, long maxBytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes, offset, length);
        try {
            if (in.getInt() != MAGIC || in.getInt() != VERSION) {
                throw malformed("not a session state of version " + VERSION);
            }
            String imageKey = readText(in);
            long[] l = new long[15];
            for (int i = 0; i < l.length; i++) {
                l[i] = in.getLong();
            }
            GuestLayout layout = new GuestLayout(l[0], l[1], l[2], l[3], Math.toIntExact(l[4]), l[5], Math.toIntExact(l[6]), l[7],
                    Math.toIntExact(l[8]), l[9], l[10], l[11], l[12], l[13], l[14]);
            SlotPages data = readPages(in, maxBytes);
            SlotPages stack = readPages(in, maxBytes - data.bytes());
            int registerBytes = in.getInt();
            if (registerBytes < 0 || registerBytes > in.remaining()) {
                throw malformed("register length " + registerBytes);
            }
            if (data.bytes() + stack.bytes() + registerBytes > maxBytes) {
                throw SessionState.tooLarge(data.bytes() + stack.bytes() + registerBytes, maxBytes, null);
            }
            byte[] registers = new byte[registerBytes];
            in.get(registers);
            SessionState.PendingCall call = in.get() != 0 ? new SessionState.PendingCall(readText(in), readText(in), readText(in)) : null;
            int hostCalls = in.getInt();
            if (in.hasRemaining()) {
                throw malformed(in.remaining() + " bytes after the state");
            }
            return new SessionState(imageKey, layout, data, stack, registers, call, hostCalls);
        } catch (java.nio.BufferUnderflowException | ArithmeticException | IllegalArgumentException e) {
            throw malformed(e.toString());
        }
    }

    private static SlotPages readPages(ByteBuffer in, long maxBytes) {
        int count = in.getInt();
        if (count < 0 || (long) count * (8 + GuestLayout.PAGE_BYTES) > in.remaining()) {
            throw malformed("page count " + count);
        }
        if ((long) count * GuestLayout.PAGE_BYTES > maxBytes) {
            throw SessionState.tooLarge((long) count * GuestLayout.PAGE_BYTES, maxBytes, null);
        }
        long[] numbers = new long[count];
        for (int i = 0; i < count; i++) {
            numbers[i] = in.getLong();
        }
        return SlotPages.read(numbers, in);
    }

    private static String readText(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0 || length > in.remaining() || length > MAX_TEXT_BYTES) {
            throw malformed("text length " + length);
        }
        byte[] utf8 = new byte[length];
        in.get(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    private static SessionStateException malformed(String detail) {
        return new SessionStateException(SessionStateException.Reason.MALFORMED, "not a usable session state: " + detail);
    }
}
