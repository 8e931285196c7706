package dev.codeact.hyperlight;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Collects a program's console output into stdout and stderr, each capped at the same number of bytes: output
 * past the cap is dropped and the stream flagged truncated. Every sandbox feeds it: an in-process engine calls
 * {@link #append(Stream, String)} for each console write, the KVM backend decodes its guest's log records
 * ({@code abi.LogRecords}) and appends their bytes.
 */
public final class ConsoleCapture {
    /** The program's two console streams. */
    /**
     * A console stream, with the number runtime.js's {@code native.write} and the guest's log records give it
     * ({@code HL_STREAM_*} in hostabi.h; {@code HostAbiParityTest} checks them).
     */
    public enum Stream {
        STDOUT(1), STDERR(2);

        public final int number;

        Stream(int number) {
            this.number = number;
        }

        /** The stream with {@code number}, or null for a number the ABI does not define. */
        public static Stream byNumber(int number) {
            for (Stream s : values()) {
                if (s.number == number) {
                    return s;
                }
            }
            return null;
        }
    }

    private final int capBytesPerStream;
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private boolean stdoutTruncated;
    private boolean stderrTruncated;

    public ConsoleCapture(int capBytesPerStream) {
        this.capBytesPerStream = capBytesPerStream;
    }

    /** Appends one console write; returns false once a stream has passed its cap. */
    public boolean append(Stream stream, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return append(stream, bytes, 0, bytes.length);
    }

    /**
     * Appends UTF-8 bytes as they came (a guest's bytes are decoded, leniently, only when the stream is read);
     * returns false once a stream has passed its cap.
     */
    public boolean append(Stream stream, byte[] utf8, int offset, int length) {
        if (stream == Stream.STDOUT) {
            stdoutTruncated |= appendCapped(stdout, utf8, offset, length);
        } else {
            stderrTruncated |= appendCapped(stderr, utf8, offset, length);
        }
        return !stdoutTruncated && !stderrTruncated;
    }

    /** True once {@code stream} has passed its cap: further writes to it are dropped. */
    public boolean truncated(Stream stream) {
        return stream == Stream.STDOUT ? stdoutTruncated : stderrTruncated;
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
