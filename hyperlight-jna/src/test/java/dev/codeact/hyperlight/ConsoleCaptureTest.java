package dev.codeact.hyperlight;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.hyperlight.ConsoleCapture.Stream;
import org.junit.jupiter.api.Test;

/** Console writes as an in-process engine hands them over: a stream and a string; the guest's records are LogRecordsTest's. */
class ConsoleCaptureTest {

    @Test
    void separatesTheStreamsAndKeepsOrderWithinEach() {
        ConsoleCapture c = new ConsoleCapture(1 << 20);
        assertThat(c.append(Stream.STDOUT, "one\n")).isTrue();
        assertThat(c.append(Stream.STDERR, "warn\n")).isTrue();
        assertThat(c.append(Stream.STDOUT, "héllo → 世界 🎉\n")).isTrue();
        assertThat(c.stdout()).isEqualTo("one\nhéllo → 世界 🎉\n");
        assertThat(c.stderr()).isEqualTo("warn\n");
        assertThat(c.truncated(Stream.STDOUT)).isFalse();
    }

    @Test
    void capsEachStreamInUtf8BytesAndReportsIt() {
        ConsoleCapture c = new ConsoleCapture(4);
        assertThat(c.append(Stream.STDOUT, "abcd")).isTrue();
        assertThat(c.append(Stream.STDERR, "éé")).isTrue(); // 4 bytes: exactly the cap
        assertThat(c.append(Stream.STDOUT, "e")).isFalse();
        assertThat(c.stdout()).isEqualTo("abcd");
        assertThat(c.truncated(Stream.STDOUT)).isTrue();
        assertThat(c.stdoutTruncated()).isTrue();
        assertThat(c.truncated(Stream.STDERR)).isFalse();
        assertThat(c.append(Stream.STDERR, "")).isFalse(); // once a stream is past its cap, every append says so
    }
}
