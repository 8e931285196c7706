package dev.codeact.hyperlight.abi;

import dev.codeact.hyperlight.ConsoleCapture;
import dev.codeact.hyperlight.GuestProtocolException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The KVM guest's console records, {@code [u8 stream][u32 length][bytes]} in a copy of its LOG buffer, decoded
 * into a {@link ConsoleCapture}. Every length is checked: the guest wrote them.
 */
public final class LogRecords {
    private LogRecords() {
    }

    /** Appends the records to {@code console}; returns false once a stream has passed its cap. */
    public static boolean append(ConsoleCapture console, byte[] records) throws GuestProtocolException {
        ByteBuffer b = ByteBuffer.wrap(records).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (b.remaining() < Mailbox.LOG_RECORD_HEADER_BYTES) {
                throw new GuestProtocolException("truncated console record header");
            }
            int stream = b.get() & 0xFF;
            int length = b.getInt();
            if (length < 0 || length > b.remaining()) {
                throw new GuestProtocolException("console record length " + Integer.toUnsignedString(length)
                        + " runs past the " + b.remaining() + " bytes left in the buffer");
            }
            console.append(streamOf(stream), records, b.position(), length);
            b.position(b.position() + length);
        }
        return !console.stdoutTruncated() && !console.stderrTruncated();
    }

    private static ConsoleCapture.Stream streamOf(int stream) throws GuestProtocolException {
        ConsoleCapture.Stream s = ConsoleCapture.Stream.byNumber(stream);
        if (s == null) {
            throw new GuestProtocolException("console record for unknown stream " + stream);
        }
        return s;
    }
}
