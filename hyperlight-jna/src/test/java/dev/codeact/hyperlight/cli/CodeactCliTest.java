package dev.codeact.hyperlight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.hyperlight.ErrorType;
import dev.codeact.hyperlight.ExecutionError;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.RequiresKvm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code codeact run|doctor}, driven through {@link CodeactCli#run} with captured streams. */
class CodeactCliTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    // ------------------------------------------------------------------ usage (no KVM needed)

    @Test
    void noArgumentsPrintsUsageAndExits64() {
        Cli cli = cli();
        assertThat(cli.exit).isEqualTo(64);
        assertThat(cli.err).contains("usage: codeact run FILE.js");
        assertThat(cli.out).isEmpty();
    }

    @Test
    void unknownCommandExits64() {
        Cli cli = cli("frobnicate");
        assertThat(cli.exit).isEqualTo(64);
        assertThat(cli.err).contains("unknown command 'frobnicate'").contains("usage:");
    }

    @Test
    void helpPrintsUsageToStdoutAndExits0() {
        for (String help : new String[] {"help", "-h", "--help"}) {
            Cli cli = cli(help);
            assertThat(cli.exit).as(help).isEqualTo(0);
            assertThat(cli.out).as(help).contains("usage: codeact run FILE.js").contains("codeact doctor");
        }
    }

    @Test
    void runWithoutAFileExits64() {
        Cli cli = cli("run");
        assertThat(cli.exit).isEqualTo(64);
        assertThat(cli.err).contains("no program file given");
    }

    @Test
    void runWithAnUnknownOptionExits64() throws IOException {
        Cli cli = cli("run", script("return 1"), "--fast");
        assertThat(cli.exit).isEqualTo(64);
        assertThat(cli.err).contains("unexpected argument '--fast'");
    }

    @Test
    void runWithTwoFilesExits64() throws IOException {
        Cli cli = cli("run", script("return 1"), script("return 2"));
        assertThat(cli.exit).isEqualTo(64);
        assertThat(cli.err).contains("unexpected argument");
    }

    @Test
    void optionWithoutValueExits64() throws IOException {
        Cli cli = cli("run", script("return 1"), "--timeout-ms");
        assertThat(cli.exit).isEqualTo(64);
        assertThat(cli.err).contains("--timeout-ms needs a value");
    }

    @Test
    void nonNumericOrNonPositiveLimitsExit64() throws IOException {
        String file = script("return 1");
        assertThat(cli("run", file, "--timeout-ms", "soon").exit).isEqualTo(64);
        assertThat(cli("run", file, "--timeout-ms", "0").exit).isEqualTo(64);
        assertThat(cli("run", file, "--memory-mib", "lots").exit).isEqualTo(64);
        assertThat(cli("run", file, "--memory-mib", "0").exit).isEqualTo(64);
    }

    @Test
    void unreadableFileExits64() {
        Cli cli = cli("run", dir.resolve("missing.js").toString());
        assertThat(cli.exit).isEqualTo(64);
        assertThat(cli.err).contains("cannot read").contains("missing.js");
    }

    @Test
    void exitCodesFollowTheErrorType() {
        assertThat(CodeactCli.exitCode(new ExecutionResult("", false, "", false, "1", null, Duration.ZERO, 0))).isZero();
    }

    @ParameterizedTest
    @EnumSource(ErrorType.class)
    void exitCodeForEachErrorType(ErrorType type) {
        int expected = type.isLimit() ? 2
                : type == ErrorType.GUEST_CRASH || type == ErrorType.KVM_UNAVAILABLE || type == ErrorType.SANDBOX_FAILURE ? 3
                : 1;
        ExecutionResult failed = ExecutionResult.failure(ExecutionError.of(type, "x"), Duration.ZERO);
        assertThat(CodeactCli.exitCode(failed)).isEqualTo(expected);
    }

    // ------------------------------------------------------------------ running programs

    @Nested
    @RequiresKvm
    class Running {

        @Test
        void printsOutputAndResultAndCallsTheEchoTool() throws IOException {
            Cli cli = cli("run", script("""
                    console.log('hello from js');
                    const r = call_tool('echo', {greeting: 'hi', n: 2});
                    console.log(r.greeting, r.n);
                    console.error('to stderr');
                    return {sum: r.n + 40};
                    """));

            assertThat(cli.exit).as(cli.err).isEqualTo(0);
            assertThat(cli.out).isEqualTo("hello from js\nhi 2\n{\"sum\":42}\n");
            assertThat(cli.err).isEqualTo("to stderr\n");
        }

        @Test
        void undefinedResultIsNotPrinted() throws IOException {
            Cli cli = cli("run", script("console.log('only this')"));
            assertThat(cli.exit).isEqualTo(0);
            assertThat(cli.out).isEqualTo("only this\n");
        }

        @Test
        void programThatThrowsExits1() throws IOException {
            Cli cli = cli("run", script("console.log('before');\nthrow new TypeError('nope');"));

            assertThat(cli.exit).isEqualTo(1);
            assertThat(cli.out).isEqualTo("before\n");
            assertThat(cli.err).contains("RUNTIME: TypeError: nope");
        }

        @Test
        void syntaxErrorExits1() throws IOException {
            Cli cli = cli("run", script("return (;"));
            assertThat(cli.exit).isEqualTo(1);
            assertThat(cli.err).contains("SYNTAX");
        }

        @Test
        void uncaughtToolErrorExits1() throws IOException {
            Cli cli = cli("run", script("call_tool('no_such_tool', {})"));
            assertThat(cli.exit).isEqualTo(1);
            assertThat(cli.err).contains("TOOL_ERROR").contains("unknown tool 'no_such_tool'").contains("echo");
        }

        @Test
        void infiniteLoopHitsTheTimeoutAndExits2() throws IOException {
            long started = System.nanoTime();
            Cli cli = cli("run", script("while(true){}"), "--timeout-ms", "200");
            long ms = (System.nanoTime() - started) / 1_000_000;

            assertThat(cli.exit).isEqualTo(2);
            assertThat(cli.err).contains("TIMEOUT").contains("200 ms");
            assertThat(ms).as("wall ms including VM boot").isLessThan(10_000);
        }

        @Test
        void memoryLimitExits2() throws IOException {
            Cli cli = cli("run", script("const a = []; while (true) a.push('x'.repeat(1 << 16) + a.length);"),
                    "--memory-mib", "8");
            assertThat(cli.exit).as(cli.err).isEqualTo(2);
            assertThat(cli.err).contains("OUT_OF_MEMORY");
        }

        @Test
        void aMemoryLimitLargerThanASandboxCanHoldIsAUsageError() throws IOException {
            Cli cli = cli("run", script("return 1"), "--memory-mib", "4096");
            assertThat(cli.exit).isEqualTo(64);
            assertThat(cli.err).contains("codeact: guest memory of").contains("exceeds").doesNotContain("Exception");
        }

        @Test
        void jsonPrintsOneObjectForSuccess() throws IOException {
            Cli cli = cli("run", "--json", script("""
                    console.log('line');
                    console.warn('careful');
                    return call_tool('echo', {a: [1, 2]});
                    """));

            assertThat(cli.exit).isEqualTo(0);
            assertThat(cli.err).isEmpty();
            assertThat(cli.out.strip()).doesNotContain("\n");
            JsonNode json = JSON.readTree(cli.out);
            assertThat(json.get("success").asBoolean()).isTrue();
            assertThat(json.get("stdout").asString()).isEqualTo("line\n");
            assertThat(json.get("stderr").asString()).isEqualTo("careful\n");
            assertThat(json.get("result")).isEqualTo(JSON.readTree("{\"a\":[1,2]}"));
            assertThat(json.get("error").isNull()).isTrue();
            assertThat(json.get("toolCalls").asInt()).isEqualTo(1);
        }

        @Test
        void jsonReportsTheErrorOfAFailedProgram() throws IOException {
            Cli cli = cli("run", script("console.log('partial'); throw new RangeError('out of range');"), "--json");

            assertThat(cli.exit).isEqualTo(1);
            JsonNode json = JSON.readTree(cli.out);
            assertThat(json.get("success").asBoolean()).isFalse();
            assertThat(json.get("stdout").asString()).isEqualTo("partial\n");
            assertThat(json.get("result").isNull()).isTrue();
            assertThat(json.get("error").get("type").asString()).isEqualTo("RUNTIME");
            assertThat(json.get("error").get("name").asString()).isEqualTo("RangeError");
            assertThat(json.get("error").get("message").asString()).contains("out of range");
        }

        @Test
        void jsonReportsATimeout() throws IOException {
            Cli cli = cli("run", script("while(true){}"), "--json", "--timeout-ms", "200");

            assertThat(cli.exit).isEqualTo(2);
            JsonNode json = JSON.readTree(cli.out);
            assertThat(json.get("success").asBoolean()).isFalse();
            assertThat(json.get("error").get("type").asString()).isEqualTo("TIMEOUT");
        }

        @Test
        void doctorReportsKvmAndRunsATrivialProgram() {
            Cli cli = cli("doctor");
            assertThat(cli.exit).as(cli.out).isEqualTo(0);
            assertThat(cli.out).contains("KVM usable").contains("guest boot:").contains("ms cold (the first VM in this fresh JVM")
                    .contains("ms warm (each VM after it starts from that booted image, what a pool pays)").contains("ok (2)");
        }
    }

    @Test
    void anUnknownLanguageExits64() throws IOException {
        Cli cli = cli("run", script("return 1"), "--language", "cobol");
        assertThat(cli.exit).isEqualTo(64);
        assertThat(cli.err).contains("unknown language 'cobol'");
    }

    @Test
    void theLanguageFollowsTheExtensionUnlessForced() {
        assertThat(ProgramLanguage.ofFile("a/b.py")).isEqualTo(ProgramLanguage.PYTHON);
        assertThat(ProgramLanguage.ofFile("B.PY")).isEqualTo(ProgramLanguage.PYTHON);
        assertThat(ProgramLanguage.ofFile("b.js")).isEqualTo(ProgramLanguage.JAVASCRIPT);
        assertThat(ProgramLanguage.ofFile("-")).isEqualTo(ProgramLanguage.JAVASCRIPT);
        assertThat(ProgramLanguage.ofFile("noextension")).isEqualTo(ProgramLanguage.JAVASCRIPT);
        assertThat(ProgramLanguage.named("Python")).isEqualTo(ProgramLanguage.PYTHON);
        assertThat(ProgramLanguage.named("javascript")).isEqualTo(ProgramLanguage.JAVASCRIPT);
        Path js = Path.of("/x/boot-cache");
        assertThat(ProgramLanguage.JAVASCRIPT.bootCache(js)).isEqualTo(js);
        assertThat(ProgramLanguage.PYTHON.bootCache(js)).isEqualTo(Path.of("/x/boot-cache-python"));
    }

    @Nested
    @RequiresKvm
    class RunningPython {

        @Test
        void printsOutputButNotTheFinalExpressionAndCallsTheEchoTool() throws IOException {
            Cli cli = cli("run", python("""
                    import sys
                    print('hello from python')
                    r = call_tool('echo', {'greeting': 'hi', 'n': 2})
                    print(r['greeting'], r['n'])
                    print('to stderr', file=sys.stderr)
                    {'sum': r['n'] + 40}
                    """));

            assertThat(cli.exit).as(cli.err).isEqualTo(0);
            assertThat(cli.out).isEqualTo("hello from python\nhi 2\n");
            assertThat(cli.err).isEqualTo("to stderr\n");
        }

        @Test
        void jsonCarriesTheFinalExpressionAsTheResult() throws IOException {
            Cli cli = cli("run", "--json", python("print('line')\ncall_tool('echo', a=[1, 2])\n"));

            assertThat(cli.exit).as(cli.out).isEqualTo(0);
            JsonNode json = JSON.readTree(cli.out);
            assertThat(json.get("success").asBoolean()).isTrue();
            assertThat(json.get("stdout").asString()).isEqualTo("line\n");
            assertThat(json.get("result")).isEqualTo(JSON.readTree("{\"a\":[1,2]}"));
            assertThat(json.get("toolCalls").asInt()).isEqualTo(1);
        }

        @Test
        void theLanguageOptionRunsAnyFileAsPython() throws IOException {
            Cli asPython = cli("run", script("print(len('four'))"), "--language", "python");
            assertThat(asPython.exit).as(asPython.err).isEqualTo(0);
            assertThat(asPython.out).isEqualTo("4\n");

            Cli asJavaScript = cli("run", "--language", "javascript", python("console.log('js')"));
            assertThat(asJavaScript.exit).as(asJavaScript.err).isEqualTo(0);
            assertThat(asJavaScript.out).isEqualTo("js\n");
        }

        @Test
        void anUncaughtExceptionExits1WithItsTraceback() throws IOException {
            Cli cli = cli("run", python("print('before')\ndef f():\n    return 1 / 0\nf()\n"));

            assertThat(cli.exit).isEqualTo(1);
            assertThat(cli.out).isEqualTo("before\n");
            assertThat(cli.err).contains("RUNTIME").contains("Traceback (most recent call last)")
                    .contains("line 3, in f").contains("ZeroDivisionError: division by zero");
        }

        @Test
        void aSyntaxErrorExits1() throws IOException {
            Cli cli = cli("run", python("def f(:\n"));
            assertThat(cli.exit).isEqualTo(1);
            assertThat(cli.err).contains("SYNTAX");
        }

        @Test
        void aRunawayLoopHitsTheTimeoutAndExits2() throws IOException {
            Cli cli = cli("run", python("while True:\n    pass\n"), "--timeout-ms", "200");
            assertThat(cli.exit).as(cli.err).isEqualTo(2);
            assertThat(cli.err).contains("TIMEOUT").contains("200 ms");
        }

        @Test
        void theMemoryLimitExits2() throws IOException {
            Cli cli = cli("run", python("a = []\nwhile True:\n    a.append(bytearray(1 << 16))\n"), "--memory-mib", "8");
            assertThat(cli.exit).as(cli.err).isEqualTo(2);
            assertThat(cli.err).contains("OUT_OF_MEMORY");
        }

        @Test
        void stdoutIsWhatCPythonPrints() throws IOException, InterruptedException {
            Path cpython = Path.of(System.getProperty("user.home"), ".pyenv/versions/3.13.0/bin/python3.13");
            org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(cpython), "no CPython 3.13 at " + cpython);
            String program = python("""
                    import json, datetime, collections, statistics, re
                    from decimal import Decimal
                    records = [{"id": i, "city": ["Oslo", "Lima", "Pune"][i % 3], "amount": (i * 37) % 101,
                                "day": (datetime.date(2024, 1, 1) + datetime.timedelta(days=i % 28)).isoformat()}
                               for i in range(1000)]
                    by_city = collections.Counter(r["city"] for r in records)
                    print(by_city.most_common())
                    print(statistics.mean(r["amount"] for r in records), statistics.pstdev(r["amount"] for r in records))
                    print(json.dumps({c: sum(r["amount"] for r in records if r["city"] == c) for c in by_city}, indent=2))
                    print(re.findall(r"\\d+", "a1b22c333"), Decimal("0.1") + Decimal("0.2"), 1 / 3, 2 ** 100)
                    print(repr({1.5, "x"} - {"x"}), f"{1234567.891:,.2f}", "é", sep=" | ")
                    sorted(by_city)
                    """);
            Process p = new ProcessBuilder(cpython.toString(), program).redirectErrorStream(false).start();
            String expected = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).isZero();

            Cli cli = cli("run", program);
            assertThat(cli.exit).as(cli.err).isEqualTo(0);
            assertThat(cli.out).isEqualTo(expected);
        }
    }

    // ------------------------------------------------------------------ helpers

    private String python(String code) throws IOException {
        Path file = Files.createTempFile(dir, "program", ".py");
        Files.writeString(file, code, StandardCharsets.UTF_8);
        return file.toString();
    }


    private String script(String code) throws IOException {
        Path file = Files.createTempFile(dir, "program", ".js");
        Files.writeString(file, code, StandardCharsets.UTF_8);
        return file.toString();
    }

    private static Cli cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            exit = CodeactCli.run(args, o, e);
        }
        return new Cli(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private record Cli(int exit, String out, String err) {
    }
}
