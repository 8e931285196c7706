package dev.codeact.hyperlight.abi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.codeact.hyperlight.ConsoleCapture;
import dev.codeact.hyperlight.GuestOutcome;
import dev.codeact.hyperlight.GuestStrings;
import dev.codeact.hyperlight.memory.GuestLayout;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The host-call ABI has one definition, src-guest/platform/hostabi.h; the Java side mirrors it ({@link Mailbox},
 * {@link GuestStrings}). This test reads the header as the guest's compiler does (its {@code #define}s, the struct and
 * the {@code _Static_assert} on every field, which the compiler checks against the real layout) and fails when either
 * side changes alone: a constant, offset or size that differs, or one that only one side has.
 */
class HostAbiParityTest {
    /** Surefire runs in the module's directory; src-guest is its sibling. */
    static final Path HEADER = Path.of("../src-guest/platform/hostabi.h");
    static final Path PROTOCOL_JS = Path.of("../src-guest/quickjs/js/90-protocol.js");
    /** Java names that are not HL_ + their own name. */
    private static final Map<String, String> RENAMED = Map.of("MAGIC", "HL_MAILBOX_MAGIC");

    private static Header header;

    record FieldLayout(String name, int offset, int bytes) {
    }

    @BeforeAll
    static void readHeader() throws IOException {
        assertThat(HEADER).as("the ABI's definition").exists();
        header = Header.parse(Files.readString(HEADER, StandardCharsets.UTF_8));
    }

    @Test
    void everyFieldOfTheMailboxHasItsOffsetAndSizeAssertedWithNoGapBetweenThem() {
        assertThat(header.asserted.keySet()).as("fields with a _Static_assert, in order").containsExactlyElementsOf(header.fields);
        int expected = 0;
        for (FieldLayout field : header.asserted.values()) {
            assertThat(field.offset()).as("offset of " + field.name()).isEqualTo(expected);
            expected += field.bytes();
        }
        assertThat(expected).as("the struct's size").isEqualTo(header.number("HL_MAILBOX_STRUCT_BYTES"))
                .isEqualTo(header.structBytes);
        assertThat(GuestLayout.MAILBOX_BYTES).as("the mailbox region holds the struct").isGreaterThanOrEqualTo(expected);
    }

    @Test
    void everyOffsetAndSizeTheHostUsesIsTheHeaders() throws IllegalAccessException {
        Map<String, Integer> offsets = javaInts("OFF_");
        Set<String> mirrored = new TreeSet<>();
        for (Map.Entry<String, Integer> e : offsets.entrySet()) {
            String base = e.getKey().substring("OFF_".length()).toLowerCase();
            FieldLayout field = header.asserted.containsKey(base) ? header.asserted.get(base) : header.asserted.get(base + "_bytes");
            assertThat(field).as("Mailbox." + e.getKey() + " names a field of struct hl_mailbox").isNotNull();
            assertThat(e.getValue()).as("offset of " + field.name()).isEqualTo(field.offset());
            assertThat(Mailbox.fieldBytes(e.getValue())).as("size of " + field.name()).isEqualTo(field.bytes());
            mirrored.add(field.name());
        }
        Set<String> used = new TreeSet<>(header.asserted.keySet());
        used.removeIf(name -> name.startsWith("reserved"));
        assertThat(mirrored).as("fields with a Mailbox.OFF_ constant").isEqualTo(used);
    }

    @Test
    void everyPortCommandReplyStreamAndAbortCodeIsTheHeaders() throws IllegalAccessException {
        Map<String, Long> java = new LinkedHashMap<>();
        javaInts("").forEach((name, value) -> {
            if (!name.startsWith("OFF_")) {
                java.put(RENAMED.getOrDefault(name, "HL_" + name), Integer.toUnsignedLong(value));
            }
        });
        for (ConsoleCapture.Stream stream : ConsoleCapture.Stream.values()) {
            java.put("HL_STREAM_" + stream.name(), (long) stream.number);
        }
        assertThat(java).as("Mailbox's numbers by their names in hostabi.h").isEqualTo(header.numbers);
    }

    @Test
    void everyStringBothSidesAgreeOnIsTheHeaders() throws IllegalAccessException {
        Map<String, String> java = new LinkedHashMap<>();
        for (Field f : GuestStrings.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                java.put("HL_" + f.getName(), (String) f.get(null));
            }
        }
        assertThat(java).as("GuestStrings by their names in hostabi.h").isEqualTo(header.strings);
    }

    @Test
    void theHostDecodesEveryOutcomeTypeAndTheGuestsOwnOutcomes() {
        header.strings.forEach((name, type) -> {
            if (name.startsWith("HL_OUTCOME_TYPE_")) {
                byte[] outcome = ("{\"ok\":false,\"type\":\"" + type + "\",\"name\":\"Error\",\"message\":\"m\"}")
                        .getBytes(StandardCharsets.UTF_8);
                assertThatCode(() -> GuestOutcome.decode(outcome)).as(type).doesNotThrowAnyException();
            }
        });
        assertThatCode(() -> {
            assertThat(GuestOutcome.decode(bytes(GuestStrings.OUTCOME_BOOTED)).resultJson()).isEqualTo("null");
            assertThat(GuestOutcome.decode(bytes(GuestStrings.OUTCOME_INTERRUPTED)).interrupted()).isTrue();
            assertThat(GuestOutcome.decode(bytes(GuestStrings.OUTCOME_ENCODE_FAILED)).error().message())
                    .isEqualTo("InternalError: the outcome could not be encoded");
            assertThat(GuestOutcome.decode(bytes(GuestStrings.resultTooLarge(300, 200))).error().message())
                    .isEqualTo("RangeError: the result is 300 bytes of JSON, the limit is 200 bytes");
        }).doesNotThrowAnyException();
        assertThat(GuestStrings.requestTooLarge(5000, 4096))
                .isEqualTo("tool arguments too large: 5000 bytes of JSON, the limit is 4096 bytes");
    }

    @Test
    void everyAbortCodeHasItsWords() {
        header.numbers.forEach((name, code) -> {
            if (name.startsWith("HL_ABORT_")) {
                assertThat(GuestAbort.reason(code.intValue())).as(name).doesNotStartWith("unknown");
            }
        });
        assertThat(GuestAbort.reason(99)).isEqualTo("unknown abort code 99");
    }

    @Test
    void theProgramFacingJavaScriptUsesTheHeadersStreamsAndOutcomeTypes() throws IOException {
        String js = Files.readString(PROTOCOL_JS, StandardCharsets.UTF_8);
        assertThat(js).contains("const STDOUT = " + header.number("HL_STREAM_STDOUT") + ", STDERR = "
                + header.number("HL_STREAM_STDERR") + ";");
        Matcher types = Pattern.compile("'([A-Z][A-Z_]{2,})'").matcher(js);
        Set<String> used = new TreeSet<>();
        while (types.find()) {
            used.add(types.group(1));
        }
        Set<String> known = new TreeSet<>();
        header.strings.forEach((name, value) -> {
            if (name.startsWith("HL_OUTCOME_TYPE_")) {
                known.add(value);
            }
        });
        assertThat(used).as("the outcome types 90-protocol.js writes").isNotEmpty().isSubsetOf(known);
        assertThat(js).contains("'" + GuestStrings.ERROR_NAME_HOST_FUNCTION + "'");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, Integer> javaInts(String prefix) throws IllegalAccessException {
        Map<String, Integer> values = new LinkedHashMap<>();
        for (Field f : Mailbox.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class && f.getName().startsWith(prefix)) {
                values.put(f.getName(), f.getInt(null));
            }
        }
        return values;
    }

    /** What the header defines: numeric and string macros named HL_*, the struct's fields, and their asserted layout. */
    static final class Header {
        private static final Pattern DEFINE = Pattern.compile("(?m)^#define\\s+(HL_\\w+)\\s+(.+)$");
        private static final Pattern NUMBER = Pattern.compile("(0[xX][0-9a-fA-F]+|\\d+)[uU]?");
        private static final Pattern STRING_PART = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"|(HL_\\w+)");
        private static final Pattern FIELD = Pattern.compile(
                "(?m)^\\s*(?:volatile\\s+)?u?int(?:8|32|64)_t\\s+(\\w+)(?:\\[\\w+])?;");
        private static final Pattern ASSERT = Pattern.compile(
                "_Static_assert\\(HL_OFFSET\\((\\w+)\\) == (\\w+) && HL_SIZE\\(\\1\\) == (\\w+), \"\\1\"\\);");
        private static final Pattern STRUCT_SIZE = Pattern.compile(
                "_Static_assert\\(sizeof\\(struct hl_mailbox\\) == (\\w+),");

        final Map<String, Long> numbers = new LinkedHashMap<>();
        final Map<String, String> strings = new LinkedHashMap<>();
        final List<String> fields = new ArrayList<>();
        final Map<String, FieldLayout> asserted = new LinkedHashMap<>();
        long structBytes;

        static Header parse(String text) {
            Header h = new Header();
            // as the preprocessor sees it: continued lines joined, comments gone (no string here holds "/*")
            String source = text.replace("\\\n", " ").replaceAll("(?s)/\\*.*?\\*/", " ");
            Map<String, String> raw = new LinkedHashMap<>();
            Matcher d = DEFINE.matcher(source);
            while (d.find()) {
                raw.put(d.group(1), d.group(2).trim());
            }
            raw.remove("HL_OFFSET");
            raw.remove("HL_SIZE");
            raw.forEach((name, value) -> {
                if (NUMBER.matcher(value).matches()) {
                    h.numbers.put(name, h.parseNumber(value));
                } else {
                    h.strings.put(name, expandString(value, raw, new LinkedHashSet<>()));
                }
            });
            int structStart = source.indexOf("struct hl_mailbox {");
            String struct = source.substring(structStart, source.indexOf("};", structStart));
            Matcher f = FIELD.matcher(struct);
            while (f.find()) {
                h.fields.add(f.group(1));
            }
            Matcher a = ASSERT.matcher(source);
            while (a.find()) {
                FieldLayout field = new FieldLayout(a.group(1), (int) h.resolve(a.group(2)), (int) h.resolve(a.group(3)));
                assertThat(h.asserted.put(field.name(), field)).as("one assert for " + field.name()).isNull();
            }
            Matcher size = STRUCT_SIZE.matcher(source);
            assertThat(size.find()).as("the struct's size is asserted").isTrue();
            h.structBytes = h.resolve(size.group(1));
            return h;
        }

        long number(String name) {
            assertThat(numbers).containsKey(name);
            return numbers.get(name);
        }

        private long resolve(String token) {
            return token.startsWith("HL_") ? number(token) : parseNumber(token);
        }

        private long parseNumber(String value) {
            String digits = value.replaceAll("[uU]$", "");
            return digits.startsWith("0x") || digits.startsWith("0X") ? Long.parseLong(digits.substring(2), 16)
                    : Long.parseLong(digits);
        }

        /** Adjacent literals and HL_ macros concatenated, C escapes resolved. */
        private static String expandString(String value, Map<String, String> raw, Set<String> expanding) {
            StringBuilder out = new StringBuilder();
            Matcher m = STRING_PART.matcher(value);
            int end = 0;
            while (m.find()) {
                assertThat(value.substring(end, m.start()).isBlank()).as("only literals and macros in " + value).isTrue();
                if (m.group(1) != null) {
                    out.append(m.group(1).replaceAll("\\\\(.)", "$1"));
                } else {
                    assertThat(expanding.add(m.group(2))).as("no recursive macro").isTrue();
                    out.append(expandString(raw.get(m.group(2)), raw, expanding));
                    expanding.remove(m.group(2));
                }
                end = m.end();
            }
            assertThat(value.substring(end).isBlank()).as("only literals and macros in " + value).isTrue();
            return out.toString();
        }
    }
}
