package dev.codeact.spring.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.HostFunctions;
import dev.codeact.hyperlight.kvm.KvmAvailability;
import dev.codeact.spring.sandbox.TestSandboxes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.graalvm.polyglot.Context;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * The guest's collator ({@code src-guest/quickjs/js/11-collator.js}, QuickJS has no Intl.Collator) against ICU's: GraalJS's
 * own {@code Intl.Collator} (ICU4J 78, the version of Node 20's ICU) sorts the same strings, from the alphabets, accents,
 * punctuation and digits programs meet, with each option. The collator runs on its own in GraalJS, beside ICU, and
 * within the whole runtime in the KVM guest.
 */
class RootCollationTest {
    private static final Path COLLATOR = Path.of("../src-guest/quickjs/js/11-collator.js");
    /** One sort per case: locale and options, as JavaScript. ICU4J and ICU4C differ on ß at the case level only. */
    private static final List<String> CASES = List.of("undefined, undefined", "'de', undefined", "'es', undefined",
            "'fr', { sensitivity: 'base' }", "'en', { sensitivity: 'accent' }", "'en', { numeric: true }",
            "'pt', { caseFirst: 'upper' }", "'en', { ignorePunctuation: true }", "'nl', { numeric: true, sensitivity: 'base' }");
    /** Superscript digits with numeric: true and kana with caseFirst: 'upper' are left out: the README lists them. */
    private static final String REPERTOIRE = "aAbBcCeEéÉèêëiIíoOöÖøØuUüÜnNñÑsSßzZæÆœçÇłåÅŁđħþıŋ ,.-_'\"()!?;:[]{}@*/\\&#%`^+<=>|~€$£¥"
            + "°©«»–—‘’“”…•0123456789ﬁαβΣσςάабвЖёйі日本한ÀÂÄÈÍÎÒÓÔÕÙÚÛýÿčšžřěůőŽŠ";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static Context icu;
    private static Context guestCollator;

    @BeforeAll
    static void contexts() throws IOException {
        icu = Context.newBuilder("js").option("engine.WarnInterpreterOnly", "false").option("js.locale", "en-US").build();
        // The collator part alone, over an Intl that has only getCanonicalLocales (which it uses), as in the guest.
        guestCollator = Context.newBuilder("js").option("engine.WarnInterpreterOnly", "false").build();
        guestCollator.eval("js", "globalThis.Intl = { getCanonicalLocales: Intl.getCanonicalLocales };");
        guestCollator.eval("js", "(function () { 'use strict'; const intlPolyfilled = true;\n"
                + Files.readString(COLLATOR, StandardCharsets.UTF_8) + "\n})()");
    }

    @AfterAll
    static void close() {
        icu.close();
        guestCollator.close();
    }

    static String words() {
        List<String> words = new ArrayList<>(List.of("résumé", "resume", "Resume", "RESUME", "cote", "côte", "coté", "côté",
                "straße", "strasse", "Strasse", "Müller", "Mueller", "œuvre", "oeuvre", "Ærø", "Aero", "ñandú", "nube", "Ñu",
                "Łódź", "Lodz", "item10", "item2", "item01", "Item 3", "a-b", "a b", "ab", "a_b", "10", "9", "-5", "Émile", "emile"));
        Random random = new Random(20240115);
        int[] codePoints = REPERTOIRE.codePoints().toArray();
        for (int i = 0; i < 1500; i++) {
            StringBuilder w = new StringBuilder();
            for (int n = 1 + random.nextInt(6); n > 0; n--) {
                w.appendCodePoint(codePoints[random.nextInt(codePoints.length)]);
            }
            words.add(w.toString());
        }
        return JSON.writeValueAsString(words);
    }

    private static String sortProgram(String words) {
        StringBuilder js = new StringBuilder("const words = " + words + "; const sorted = [];\n");
        for (String c : CASES) {
            js.append("sorted.push(words.slice().sort(new Intl.Collator(").append(c).append(").compare));\n");
        }
        js.append("sorted.push(words.slice().sort((a, b) => a.localeCompare(b)));\n");
        return js.toString();
    }

    private static String expected(String words) {
        return icu.eval("js", "(() => {" + sortProgram(words) + "return JSON.stringify(sorted); })()").asString();
    }

    @Test
    void sortsAsIcuDoesEveryOption() {
        String words = words();
        String actual = guestCollator.eval("js", "(() => {" + sortProgram(words) + "return JSON.stringify(sorted); })()").asString();
        assertSameOrders(actual, expected(words));
    }

    @Test
    void sortsAsIcuDoesInTheGuest() {
        Assumptions.assumeTrue(KvmAvailability.probe().usable(), "KVM is not usable here: the collator ran in GraalJS only");
        String words = words();
        ExecutionResult r = TestSandboxes.kvm().execute(sortProgram(words) + "return sorted;", HostFunctions.none(),
                ExecutionLimits.defaults().withTimeout(Duration.ofSeconds(20)));
        assertThat(r.error()).isNull();
        assertSameOrders(r.resultJson(), expected(words));
    }

    @ParameterizedTest
    @ValueSource(strings = {"'a'.localeCompare('B')", "'a'.localeCompare('á', undefined, { sensitivity: 'base' })",
            "'ä'.localeCompare('a', 'de', { sensitivity: 'accent' })", "'a'.localeCompare('A', 'en', { sensitivity: 'case' })",
            "'01'.localeCompare('1', 'en', { numeric: true })", "'x'.localeCompare('x')", "'ß'.localeCompare('ss')",
            "JSON.stringify(new Intl.Collator('de-DE', { numeric: true }).resolvedOptions())",
            "JSON.stringify(new Intl.Collator().resolvedOptions())"})
    void comparesAndResolvesAsIcuDoes(String expression) {
        assertThat(guestCollator.eval("js", "String(" + expression + ")").asString())
                .isEqualTo(icu.eval("js", "String(" + expression + ")").asString()
                        .replace("\"locale\":\"de-DE\"", "\"locale\":\"de\"")); // ICU4C (Node) resolves de-DE to de
    }

    private static void assertSameOrders(String actualJson, String expectedJson) {
        var actual = JSON.readTree(actualJson);
        var expected = JSON.readTree(expectedJson);
        for (int i = 0; i < expected.size(); i++) {
            String label = i < CASES.size() ? "new Intl.Collator(" + CASES.get(i) + ")" : "localeCompare";
            assertThat(actual.get(i).toString()).as(label).isEqualTo(expected.get(i).toString());
        }
    }
}
