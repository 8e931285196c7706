package dev.codeact.hyperlight.abi;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Collects the guest's console records into stdout and stderr, each capped. Records arrive as
 * {@code [u8 stream][u32 length][bytes]} in a copy of the LOG buffer; every length is checked.
 */
public final class ConsoleCapture {
    private final int capBytesPerStream;
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private boolean stdoutTruncated;
    private boolean stderrTruncated;

    public ConsoleCapture(int capBytesPerStream) {
        this.capBytesPerStream = capBytesPerStream;
    }

    /** Appends the records; returns false once a stream has passed its cap. */
    public boolean append(byte[] records) throws GuestProtocolException {
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
            if (stream == Mailbox.STREAM_STDOUT) {
                stdoutTruncated |= appendCapped(stdout, records, b.position(), length);
            } else if (stream == Mailbox.STREAM_STDERR) {
                stderrTruncated |= appendCapped(stderr, records, b.position(), length);
            } else {
                throw new GuestProtocolException("console record for unknown stream " + stream);
            }
            b.position(b.position() + length);
        }
        return !stdoutTruncated && !stderrTruncated;
    }

    private boolean appendCapped(ByteArrayOutputStream out, byte[] bytes, int offset, int length) {
        int room = capBytesPerStream - out.size();
        out.write(bytes, offset, Math.max(0, Math.min(room, length)));
        return length > room;
    }

    public String stdout() {
        return stdout.toString(StandardCharsets.UTF_8);
    }

    public String stderr() {
        return stderr.toString(StandardCharsets.UTF_8);
    }

    public boolean stdoutTruncated() {
        return stdoutTruncated;
    }

    public boolean stderrTruncated() {
        return stderrTruncated;
    }
}
