package dev.codeact.hyperlight.abi;

import dev.codeact.hyperlight.ConsoleCapture;
import dev.codeact.hyperlight.GuestProtocolException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Console records {@code [u8 stream][u32 LE length][bytes]} from the guest's LOG buffer. */
class LogRecordsTest {

    @Test
    void separatesStdoutFromStderrAndKeepsOrderWithinEachStream() throws Exception {
        ConsoleCapture c = new ConsoleCapture(1 << 20);

        boolean ok = LogRecords.append(c, records(
                out("one\n"), err("warn 1\n"), out("two\n"), err("warn 2\n"), out("three\n")));

        assertThat(ok).isTrue();
        assertThat(c.stdout()).isEqualTo("one\ntwo\nthree\n");
        assertThat(c.stderr()).isEqualTo("warn 1\nwarn 2\n");
        assertThat(c.stdoutTruncated()).isFalse();
        assertThat(c.stderrTruncated()).isFalse();
    }

    @Test
    void accumulatesAcrossSeveralFlushes() throws Exception {
        ConsoleCapture c = new ConsoleCapture(1 << 20);

        assertThat(LogRecords.append(c, records(out("a")))).isTrue();
        assertThat(LogRecords.append(c, records(err("b")))).isTrue();
        assertThat(LogRecords.append(c, records(out("c")))).isTrue();

        assertThat(c.stdout()).isEqualTo("ac");
        assertThat(c.stderr()).isEqualTo("b");
    }

    @Test
    void decodesUtf8() throws Exception {
        ConsoleCapture c = new ConsoleCapture(1 << 20);
        LogRecords.append(c, records(out("héllo → 世界 🎉\n")));
        assertThat(c.stdout()).isEqualTo("héllo → 世界 🎉\n");
    }

    @Test
    void acceptsAnEmptyBufferAndEmptyRecords() throws Exception {
        ConsoleCapture c = new ConsoleCapture(16);
        assertThat(LogRecords.append(c, new byte[0])).isTrue();
        assertThat(LogRecords.append(c, records(out(""), err("")))).isTrue();
        assertThat(c.stdout()).isEmpty();
        assertThat(c.stderr()).isEmpty();
    }

    @Test
    void outputExactlyAtTheCapIsNotTruncated() throws Exception {
        ConsoleCapture c = new ConsoleCapture(10);
        assertThat(LogRecords.append(c, records(out("0123456789")))).isTrue();
        assertThat(c.stdout()).isEqualTo("0123456789");
        assertThat(c.stdoutTruncated()).isFalse();
    }

    @Test
    void cutsAStreamAtItsCapAndReportsIt() throws Exception {
        ConsoleCapture c = new ConsoleCapture(10);

        boolean ok = LogRecords.append(c, records(out("0123456789ABCDEF"), err("fine")));

        assertThat(ok).isFalse();
        assertThat(c.stdout()).isEqualTo("0123456789");
        assertThat(c.stdoutTruncated()).isTrue();
        assertThat(c.stderr()).isEqualTo("fine");
        assertThat(c.stderrTruncated()).isFalse();
    }

    @Test
    void capAppliesToTheTotalAcrossFlushes() throws Exception {
        ConsoleCapture c = new ConsoleCapture(10);

        assertThat(LogRecords.append(c, records(err("123456")))).isTrue();
        assertThat(LogRecords.append(c, records(err("789ABC")))).isFalse();

        assertThat(c.stderr()).isEqualTo("123456789A");
        assertThat(c.stderrTruncated()).isTrue();
        assertThat(c.stdoutTruncated()).isFalse();
    }

    @Test
    void eachStreamHasItsOwnCap() throws Exception {
        ConsoleCapture c = new ConsoleCapture(4);
        assertThat(LogRecords.append(c, records(out("abcd"), err("wxyz")))).isTrue();
        assertThat(c.stdout()).isEqualTo("abcd");
        assertThat(c.stderr()).isEqualTo("wxyz");
    }

    @Test
    void onceTruncatedEveryLaterAppendReportsFalseAndAddsNothingToThatStream() throws Exception {
        ConsoleCapture c = new ConsoleCapture(3);
        assertThat(LogRecords.append(c, records(out("abcdef")))).isFalse();
        assertThat(LogRecords.append(c, records(out("ghi"), err("x")))).isFalse();
        assertThat(c.stdout()).isEqualTo("abc");
        assertThat(c.stderr()).isEqualTo("x");
    }

    @Test
    void rejectsARecordLengthPastTheBuffer() {
        ConsoleCapture c = new ConsoleCapture(1 << 20);
        byte[] bytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
                .put((byte) ConsoleCapture.Stream.STDOUT.number).putInt(1000).put(new byte[] {'a', 'b', 'c'}).array();

        assertThatThrownBy(() -> LogRecords.append(c, bytes))
                .isInstanceOf(GuestProtocolException.class)
                .hasMessageContaining("console record length 1000")
                .hasMessageContaining("3 bytes left");
    }

    @Test
    void rejectsALengthWithTheTopBitSetAsUnsigned() {
        ConsoleCapture c = new ConsoleCapture(1 << 20);
        byte[] bytes = ByteBuffer.allocate(9).order(ByteOrder.LITTLE_ENDIAN)
                .put((byte) ConsoleCapture.Stream.STDERR.number).putInt(0xFFFFFFFF).array();

        assertThatThrownBy(() -> LogRecords.append(c, bytes))
                .isInstanceOf(GuestProtocolException.class)
                .hasMessageContaining("console record length 4294967295");
    }

    @Test
    void rejectsARecordLengthOneBytePastTheBuffer() {
        ConsoleCapture c = new ConsoleCapture(1 << 20);
        byte[] good = records(out("abc"));
        ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN).putInt(1, 4);

        assertThatThrownBy(() -> LogRecords.append(c, good))
                .isInstanceOf(GuestProtocolException.class)
                .hasMessageContaining("console record length 4");
    }

    @Test
    void rejectsATruncatedHeader() {
        ConsoleCapture c = new ConsoleCapture(1 << 20);
        assertThatThrownBy(() -> LogRecords.append(c, new byte[] {(byte) ConsoleCapture.Stream.STDOUT.number, 1, 0}))
                .isInstanceOf(GuestProtocolException.class)
                .hasMessageContaining("truncated console record header");
    }

    @Test
    void rejectsStrayBytesAfterTheLastRecord() {
        ConsoleCapture c = new ConsoleCapture(1 << 20);
        byte[] valid = records(out("ok"));
        byte[] withTail = java.util.Arrays.copyOf(valid, valid.length + 4);
        withTail[valid.length] = (byte) ConsoleCapture.Stream.STDOUT.number;

        assertThatThrownBy(() -> LogRecords.append(c, withTail))
                .isInstanceOf(GuestProtocolException.class)
                .hasMessageContaining("truncated console record header");
    }

    @Test
    void rejectsAnUnknownStream() {
        ConsoleCapture c = new ConsoleCapture(1 << 20);
        assertThatThrownBy(() -> LogRecords.append(c, records(record(3, "x"))))
                .isInstanceOf(GuestProtocolException.class)
                .hasMessageContaining("unknown stream 3");
        assertThatThrownBy(() -> LogRecords.append(c, records(record(0, "x"))))
                .isInstanceOf(GuestProtocolException.class)
                .hasMessageContaining("unknown stream 0");
        assertThatThrownBy(() -> LogRecords.append(c, records(record(0xFF, "x"))))
                .isInstanceOf(GuestProtocolException.class)
                .hasMessageContaining("unknown stream 255");
    }

    // ------------------------------------------------------------------ helpers

    private static byte[] out(String text) {
        return record(ConsoleCapture.Stream.STDOUT.number, text);
    }

    private static byte[] err(String text) {
        return record(ConsoleCapture.Stream.STDERR.number, text);
    }

    private static byte[] record(int stream, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(Mailbox.LOG_RECORD_HEADER_BYTES + bytes.length).order(ByteOrder.LITTLE_ENDIAN)
                .put((byte) stream).putInt(bytes.length).put(bytes).array();
    }

    private static byte[] records(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            all.writeBytes(p);
        }
        return all.toByteArray();
    }
}
