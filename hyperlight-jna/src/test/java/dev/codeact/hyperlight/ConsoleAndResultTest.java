package dev.codeact.hyperlight;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Console capture on both streams, the returned value, and how failures are reported. */
@RequiresKvm
class ConsoleAndResultTest {

    @Test
    void consoleMethodsGoToTheirStreams() {
        ExecutionResult r = SharedPool.run("""
                console.log('log', 1); console.info('info'); console.debug('debug');
                console.warn('warn'); console.error('error', true);""");
        assertThat(r.success()).isTrue();
        assertThat(r.stdout()).isEqualTo("log 1\ninfo\ndebug\n");
        assertThat(r.stderr()).isEqualTo("warn\nerror true\n");
        assertThat(r.stdoutTruncated()).isFalse();
        assertThat(r.stderrTruncated()).isFalse();
    }

    @Test
    void plainDataIsPrintedAsJson() {
        ExecutionResult r = SharedPool.run("""
                console.log({ a: 1, b: [1, 'two', null] }, [1, 2], 'text', null, undefined, 10n, Symbol('s'));""");
        assertThat(r.stdout()).isEqualTo("{\"a\":1,\"b\":[1,\"two\",null]} [1,2] text null undefined 10n Symbol(s)\n");
    }

    @Test
    void outputOrderIsKeptAcrossLargeVolumes() {
        ExecutionResult r = SharedPool.run("for (let i = 0; i < 20000; i++) console.log(i);");
        assertThat(r.success()).isTrue();
        String[] lines = r.stdout().split("\n");
        assertThat(lines).hasSize(20000);
        assertThat(lines[0]).isEqualTo("0");
        assertThat(lines[19999]).isEqualTo("19999");
    }

    @Test
    void unicodeOutputSurvives() {
        ExecutionResult r = SharedPool.run("console.log('żółw 🐢 中文'); return 'é';");
        assertThat(r.stdout()).isEqualTo("żółw 🐢 中文\n");
        assertThat(r.resultJson()).isEqualTo("\"é\"");
    }

    @Test
    void returnedValueIsTheResult() {
        assertThat(SharedPool.run("return { total: 3, items: ['a'] };").resultJson()).isEqualTo("{\"total\":3,\"items\":[\"a\"]}");
        assertThat(SharedPool.run("const x = 1;").resultJson()).isEqualTo("null");
        assertThat(SharedPool.run("return undefined;").resultJson()).isEqualTo("null");
    }

    @Test
    void aResultThatIsNotJsonSerialisableFails() {
        ExecutionResult r = SharedPool.run("return 1n;");
        assertThat(r.success()).isFalse();
        assertThat(r.error().type()).isEqualTo(ErrorType.RUNTIME);
        assertThat(r.error().message()).contains("not JSON-serialisable");
    }

    @Test
    void syntaxErrorsAreTyped() {
        ExecutionResult r = SharedPool.run("const = 1;");
        assertThat(r.success()).isFalse();
        assertThat(r.error().type()).isEqualTo(ErrorType.SYNTAX);
        assertThat(r.error().name()).isEqualTo("SyntaxError");
        assertThat(r.error().message()).startsWith("SyntaxError: ");
    }

    @Test
    void runtimeErrorsCarryTheJavaScriptStack() {
        ExecutionResult r = SharedPool.run("""
                console.log('before');
                function inner() { return null.property; }
                function outer() { return inner(); }
                outer();""");
        assertThat(r.success()).isFalse();
        assertThat(r.error().type()).isEqualTo(ErrorType.RUNTIME);
        assertThat(r.error().name()).isEqualTo("TypeError");
        assertThat(r.error().stack()).contains("at inner (program.js:2").contains("at outer (program.js:3");
        assertThat(r.stdout()).isEqualTo("before\n");
    }

    @Test
    void thrownNonErrorsAreReported() {
        ExecutionResult r = SharedPool.run("throw { code: 42 };");
        assertThat(r.error().type()).isEqualTo(ErrorType.RUNTIME);
        assertThat(r.error().message()).contains("{\"code\":42}");
    }

    @Test
    void rejectedAwaitIsARuntimeError() {
        ExecutionResult r = SharedPool.run("await Promise.reject(new RangeError('nope'));");
        assertThat(r.error().type()).isEqualTo(ErrorType.RUNTIME);
        assertThat(r.error().message()).isEqualTo("RangeError: nope");
    }

    @Test
    void aPromiseThatNeverSettlesIsReportedNotHung() {
        ExecutionResult r = SharedPool.run("await new Promise(() => {}); return 1;");
        assertThat(r.error().type()).isEqualTo(ErrorType.RUNTIME);
        assertThat(r.error().message()).contains("never settled");
    }

    @Test
    void resultJsonOfTheWholeExecution() {
        ExecutionResult r = SharedPool.run("console.log('x'); return [1];");
        String json = r.toJson();
        assertThat(json).contains("\"success\":true").contains("\"stdout\":\"x\\n\"").contains("\"result\":[1]")
                .contains("\"error\":null").contains("\"toolCalls\":0");
        assertThat(r.duration()).isPositive();
    }
}
