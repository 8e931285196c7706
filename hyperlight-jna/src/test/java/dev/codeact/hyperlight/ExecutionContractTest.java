package dev.codeact.hyperlight;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * What every way of running a program must do: the same program-facing API, the same results, the same error
 * types and messages. Run against the micro-VM pool here, and against each sandbox backend of the Spring layer
 * (KVM and GraalJS) through this module's test jar. Where backends legitimately differ (only KVM enforces the
 * memory limit), the test lives in the backend's own subclass. These are JavaScript programs; the same contract for
 * Python programs is {@link PythonExecutionContractTest}, over the same fixture ({@link ContractFixture}).
 */
public abstract class ExecutionContractTest extends ContractFixture {

    @AfterEach
    void theNextExecutionStartsFreshAndWorks() {
        ExecutionResult r = run("return [1 + 1, typeof globalThis.leak, [].leak === undefined];");
        assertThat(r.error()).isNull();
        assertThat(r.resultJson()).isEqualTo("[2,\"undefined\",true]");
    }

    @Test
    void theBackendHasItsName() {
        assertThat(backend()).isIn("kvm", "graaljs");
    }

    // ------------------------------------------------------------------ the language

    @Nested
    class ModernJavaScript {
        @Test
        void classesWithInheritanceAndPrivateFields() {
            assertThat(resultOf("""
                    class Shape { #name; constructor(n) { this.#name = n; } get name() { return this.#name; } area() { return 0; } }
                    class Square extends Shape { constructor(s) { super('square'); this.s = s; } area() { return this.s ** 2; } static of(s) { return new Square(s); } }
                    const q = Square.of(3);
                    return [q.name, q.area(), q instanceof Shape];""")).isEqualTo("[\"square\",9,true]");
        }

        @Test
        void asyncAwaitAndTopLevelAwait() {
            assertThat(resultOf("""
                    const delay = (v) => new Promise((resolve) => resolve(v));
                    async function twice(x) { return (await delay(x)) * 2; }
                    return await Promise.all([twice(1), twice(2), twice(3)]);""")).isEqualTo("[2,4,6]");
        }

        @Test
        void pendingPromiseJobsRunBeforeTheExecutionEnds() {
            ExecutionResult r = run("Promise.resolve().then(() => console.log('job ran')); return 'returned';");
            assertThat(r.resultJson()).isEqualTo("\"returned\"");
            assertThat(r.stdout()).isEqualTo("job ran\n");
        }

        @Test
        void generatorsAndAsyncIterators() {
            assertThat(resultOf("""
                    function* fib() { let [a, b] = [0, 1]; for (;;) { yield a; [a, b] = [b, a + b]; } }
                    const out = []; for (const v of fib()) { if (v > 50) break; out.push(v); }
                    async function* count() { yield 1; yield 2; }
                    let sum = 0; for await (const v of count()) sum += v;
                    return { out, sum };""")).isEqualTo("{\"out\":[0,1,1,2,3,5,8,13,21,34],\"sum\":3}");
        }

        @Test
        void destructuringSpreadAndOptionalChaining() {
            assertThat(resultOf("""
                    const { a, b: { c = 5 } = {}, ...rest } = { a: 1, b: {}, d: 4, e: 5 };
                    const arr = [...[1, 2], ...new Set([3, 3, 4])];
                    const o = { x: { y: null } };
                    return [a, c, rest, arr, o?.x?.y?.z, o.missing?.(), o.x.y ?? 'default'];"""))
                    .isEqualTo("[1,5,{\"d\":4,\"e\":5},[1,2,3,4],null,null,\"default\"]");
        }

        @Test
        void bigIntArithmetic() {
            assertThat(resultOf("""
                    const big = 2n ** 100n;
                    return [big.toString(), (big % 97n).toString(), typeof big, BigInt.asUintN(8, 257n).toString()];"""))
                    .isEqualTo("[\"1267650600228229401496703205376\",\"" + java.math.BigInteger.TWO.pow(100)
                            .mod(java.math.BigInteger.valueOf(97)) + "\",\"bigint\",\"1\"]");
        }

        @Test
        void mapsSetsAndWeakMaps() {
            assertThat(resultOf("""
                    const m = new Map([['a', 1], ['b', 2]]); m.set('c', 3); m.delete('a');
                    const s = new Set('hello');
                    const w = new WeakMap(); const k = {}; w.set(k, 'v');
                    return [[...m.entries()], [...s].join(''), w.get(k), m.size];"""))
                    .isEqualTo("[[[\"b\",2],[\"c\",3]],\"helo\",\"v\",2]");
        }

        @Test
        void typedArraysAndDataView() {
            assertThat(resultOf("""
                    const buf = new ArrayBuffer(8); const view = new DataView(buf);
                    view.setFloat64(0, Math.PI);
                    const bytes = new Uint8Array(buf);
                    const f = new Float32Array([1.5, 2.5]).map((x) => x * 2);
                    return [bytes.length, view.getFloat64(0) === Math.PI, Array.from(f), new Int16Array([70000])[0]];"""))
                    .isEqualTo("[8,true,[3,5],4464]");
        }

        @Test
        void jsonRoundTrip() {
            assertThat(resultOf("""
                    const text = JSON.stringify({ n: 1, s: 'x"y', a: [true, null], nested: { d: 1.5e-7 } });
                    return JSON.parse(text, (k, v) => (typeof v === 'number' ? v * 2 : v));"""))
                    .isEqualTo("{\"n\":2,\"s\":\"x\\\"y\",\"a\":[true,null],\"nested\":{\"d\":3.0E-7}}");
        }

        @Test
        void regExpNamedGroupsAndLookbehind() {
            assertThat(resultOf("""
                    const m = '2026-11-23'.match(/(?<year>\\d{4})-(?<month>\\d{2})-(?<day>\\d{2})/);
                    const prices = 'cost: $42, tax: $7'.match(/(?<=\\$)\\d+/g);
                    const replaced = 'a-b-c'.replaceAll(/-(?!c)/g, '+');
                    return [m.groups.year, m.groups.day, prices, replaced, /\\p{L}+/u.test('żółw')];"""))
                    .isEqualTo("[\"2026\",\"23\",[\"42\",\"7\"],\"a+b-c\",true]");
        }

        @Test
        void datesInUtcAndTheClock() {
            long before = System.currentTimeMillis();
            ExecutionResult r = run("""
                    const d = new Date(Date.UTC(2020, 1, 29, 12, 30));
                    const t0 = performance.now(); let x = 0; for (let i = 0; i < 1e5; i++) x += i; const t1 = performance.now();
                    return [d.toISOString(), d.getUTCDay(), new Date('2021-03-04T05:06:07Z').getTime(), Date.now(), t1 >= t0,
                            new Date(0).getTimezoneOffset(), new Date(0).getHours()];""");
            long after = System.currentTimeMillis();
            assertThat(r.error()).isNull();
            var parts = JSON.readTree(r.resultJson());
            assertThat(parts.get(0).asString()).isEqualTo("2020-02-29T12:30:00.000Z");
            assertThat(parts.get(1).asInt()).isEqualTo(6);
            assertThat(parts.get(2).asLong()).isEqualTo(1614834367000L);
            assertThat(parts.get(3).asLong()).isBetween(before - 1000, after + 1000);
            assertThat(parts.get(4).asBoolean()).isTrue();
            assertThat(parts.get(5).asInt()).isZero();
            assertThat(parts.get(6).asInt()).isZero();
        }

        @Test
        void stringFunctions() {
            assertThat(resultOf("""
                    const s = '  Hello, Wörld 👋  ';
                    return [s.trim().toUpperCase(), s.trim().padStart(16, '*'), 'abc'.at(-1), 'a,b,,c'.split(','),
                            '👋'.codePointAt(0), String.raw`x\\ny`, 'ß'.toUpperCase(), 'x'.repeat(3), s.trim().normalize('NFD').length];"""))
                    .isEqualTo("[\"HELLO, WÖRLD 👋\",\"*Hello, Wörld 👋\",\"c\",[\"a\",\"b\",\"\",\"c\"],128075,\"x\\\\ny\",\"SS\",\"xxx\",16]");
        }

        @Test
        void intlFormatsAndSortsAsNodeDoes() {
            assertThat(resultOf("""
                    const d = new Date(Date.UTC(2024, 0, 15, 13, 5));
                    return [(1234567.891).toLocaleString('en-US', { style: 'currency', currency: 'USD' }),
                            new Intl.NumberFormat('de-DE', { style: 'percent', minimumFractionDigits: 1 }).format(0.256),
                            d.toLocaleDateString('fr-FR', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }),
                            d.toLocaleTimeString('en-US', { timeZone: 'America/New_York', hour: 'numeric', minute: '2-digit' }),
                            new Intl.RelativeTimeFormat('en', { numeric: 'auto' }).format(-3, 'day'),
                            new Intl.ListFormat('es-ES').format(['uno', 'dos', 'tres']), new Intl.PluralRules('en-US', { type: 'ordinal' }).select(22),
                            ['b', 'a', 'é', 'e', 'Z'].sort((a, b) => a.localeCompare(b)).join(','),
                            ['item10', 'item2'].sort(new Intl.Collator('en', { numeric: true }).compare).join(',')];"""))
                    .isEqualTo("[\"$1,234,567.89\",\"25,6\u00a0%\",\"lundi 15 janvier 2024\",\"8:05 AM\",\"3 days ago\",\"uno, dos y tres\","
                            + "\"two\",\"a,b,e,é,Z\",\"item2,item10\"]");
        }

        @Test
        void intlLeavesNothingForTheNextExecution() {
            ExecutionResult tamper = run("""
                    (1).toLocaleString('de-DE', { style: 'currency', currency: 'EUR' }); 'x'.localeCompare('y');
                    Object.defineProperty(Intl.NumberFormat.prototype, 'format', { get() { return () => 'tampered'; } });
                    Number.prototype.toLocaleString = () => 'tampered';
                    String.prototype.localeCompare = () => 0;
                    if (Intl.DateTimeFormat.tzData) Intl.DateTimeFormat.tzData['Europe/Paris'] = undefined; // the guest's zones
                    Intl.DateTimeFormat = function () { throw new Error('tampered'); };
                    globalThis.Intl = undefined;
                    return 'done';""");
            assertThat(tamper.resultJson()).isEqualTo("\"done\"");
            assertThat(resultOf("""
                    return [(1).toLocaleString('de-DE', { style: 'currency', currency: 'EUR' }), 'x'.localeCompare('y'),
                            new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', timeStyle: 'short' }).format(Date.UTC(2024, 6, 1, 12)),
                            new Intl.NumberFormat('en-US').format(1e6)];"""))
                    .isEqualTo("[\"1,00\u00a0€\",-1,\"14:00\",\"1,000,000\"]");
        }

        @Test
        void mathRandomIsUsableAndDiffersBetweenExecutions() {
            String program = "const v = Array.from({ length: 100 }, Math.random); return [v.every((x) => x >= 0 && x < 1), new Set(v).size, v[0]];";
            var first = JSON.readTree(resultOf(program));
            var second = JSON.readTree(resultOf(program));
            assertThat(first.get(0).asBoolean()).isTrue();
            assertThat(first.get(1).asInt()).isEqualTo(100);
            assertThat(first.get(2).asDouble()).isNotEqualTo(second.get(2).asDouble());
        }

        @Test
        void moderateRecursionWorks() {
            assertThat(resultOf("function depth(n) { return n === 0 ? 0 : 1 + depth(n - 1); } return depth(400);")).isEqualTo("400");
        }

        @Test
        void nothingOfTheHostIsReachable() {
            assertThat(resultOf("""
                    return [typeof require, typeof process, typeof std, typeof os, typeof XMLHttpRequest, typeof Deno, typeof Java, typeof Polyglot, typeof Packages, typeof load,
                            typeof print, typeof Graal, typeof quit, typeof importScripts].every((t) => t === 'undefined');"""))
                    .isEqualTo("true");
        }

        @Test
        void theWebPlatformIsThereWithinTheSandbox() {
            // timers, crypto and the rest live in the sandbox (runtime.js); none of them is a way to the host
            assertThat(resultOf("""
                    return [typeof setTimeout, typeof queueMicrotask, typeof URL, typeof TextEncoder, typeof structuredClone,
                            typeof crypto.randomUUID, typeof AbortController, typeof atob].every((t) => t === 'function');"""))
                    .isEqualTo("true");
        }

        @Test
        void fetchAndFsReachOnlyWhatTheHostOffers() {
            // no egress or file service is registered here: both fail with the host's refusal, never reach the host
            ExecutionResult r = run("""
                    const out = [];
                    try { await fetch('http://127.0.0.1:1/'); } catch (e) { out.push(e.name + ': ' + e.message); }
                    try { fs.readFile('/etc/passwd'); } catch (e) { out.push(e.name + ': ' + e.message); }
                    return out;""");
            assertThat(r.resultJson()).contains("TypeError: unknown tool 'codeact.fetch'")
                    .contains("FileSystemError: unknown tool 'codeact.fs.readFile'");
        }

        @Test
        void theApiGlobalsCannotBeReplaced() {
            assertThat(resultOf("""
                    'use strict';
                    const errors = [];
                    try { globalThis.call_tool = () => 'hijacked'; } catch (e) { errors.push(e.name); }
                    try { console.log = null; } catch (e) { errors.push(e.name); }
                    return [errors, typeof call_tool('echo', {})];""")).isEqualTo("[[\"TypeError\",\"TypeError\"],\"object\"]");
        }
    }

    // ------------------------------------------------------------------ console and results

    @Nested
    class ConsoleAndResults {
        @Test
        void consoleMethodsGoToTheirStreams() {
            ExecutionResult r = run("""
                    console.log('log', 1); console.info('info'); console.debug('debug');
                    console.warn('warn'); console.error('error', true);""");
            assertThat(r.success()).isTrue();
            assertThat(r.stdout()).isEqualTo("log 1\ninfo\ndebug\n");
            assertThat(r.stderr()).isEqualTo("warn\nerror true\n");
            assertThat(r.stdoutTruncated()).isFalse();
            assertThat(r.stderrTruncated()).isFalse();
        }

        @Test
        void objectsArePrintedAsJson() {
            ExecutionResult r = run("""
                    console.log({ a: 1, b: [1, 'two', null] }, [1, 2], 'text', null, undefined, 10n, Symbol('s'), { big: 3n });
                    console.error({ nested: { s: 'quoted "x"' } });""");
            // plain data as JSON; what JSON would misrepresent (a BigInt inside) as Node shows it
            assertThat(r.stdout()).isEqualTo("{\"a\":1,\"b\":[1,\"two\",null]} [1,2] text null undefined 10n Symbol(s) { big: 3n }\n");
            assertThat(r.stderr()).isEqualTo("{\"nested\":{\"s\":\"quoted \\\"x\\\"\"}}\n");
        }

        @Test
        void errorsArePrintedWithNameAndMessage() {
            ExecutionResult r = run("console.error(new TypeError('bad input'));");
            assertThat(r.stderr()).startsWith("TypeError: bad input\n").contains("program.js");
        }

        @Test
        void outputOrderIsKeptAcrossLargeVolumes() {
            ExecutionResult r = run("for (let i = 0; i < 20000; i++) console.log(i);");
            assertThat(r.success()).isTrue();
            String[] lines = r.stdout().split("\n");
            assertThat(lines).hasSize(20000);
            assertThat(lines[0]).isEqualTo("0");
            assertThat(lines[19999]).isEqualTo("19999");
        }

        @Test
        void unicodeOutputSurvives() {
            ExecutionResult r = run("console.log('żółw 🐢 中文'); return 'é';");
            assertThat(r.stdout()).isEqualTo("żółw 🐢 中文\n");
            assertThat(r.resultJson()).isEqualTo("\"é\"");
        }

        @Test
        void theReturnedValueIsTheResult() {
            assertThat(run("return { total: 3, items: ['a'], ok: true, none: null };").resultJson())
                    .isEqualTo("{\"total\":3,\"items\":[\"a\"],\"ok\":true,\"none\":null}");
            assertThat(run("const x = 1;").resultJson()).isEqualTo("null");
            assertThat(run("return undefined;").resultJson()).isEqualTo("null");
            assertThat(run("return 'text';").resultJson()).isEqualTo("\"text\"");
            assertThat(run("return await Promise.resolve(1.5);").resultJson()).isEqualTo("1.5");
        }

        @Test
        void aResultThatIsNotJsonSerialisableFails() {
            ExecutionResult r = run("return 1n;");
            assertThat(r.error().type()).isEqualTo(ErrorType.RUNTIME);
            assertThat(r.error().message()).contains("not JSON-serialisable");
        }

        @Test
        void consoleOutputIsKeptWhenTheProgramFails() {
            ExecutionResult r = run("console.log('before'); console.warn('careful'); null.boom;");
            assertThat(r.error().type()).isEqualTo(ErrorType.RUNTIME);
            assertThat(r.stdout()).isEqualTo("before\n");
            assertThat(r.stderr()).isEqualTo("careful\n");
            assertThat(r.resultJson()).isNull();
        }
    }

    // ------------------------------------------------------------------ failures

    @Nested
    class Failures {
        @Test
        void aSyntaxErrorIsSyntax() {
            ExecutionResult r = run("const = 1;");
            assertThat(r.success()).isFalse();
            assertThat(r.error().type()).isEqualTo(ErrorType.SYNTAX);
            assertThat(r.error().name()).isEqualTo("SyntaxError");
            assertThat(r.error().message()).startsWith("SyntaxError: ");
        }

        @Test
        void aThrownErrorIsRuntimeWithNameMessageAndStack() {
            ExecutionResult r = run("""
                    function inner() { throw new TypeError('wrong type'); }
                    inner();""");
            assertThat(r.error().type()).isEqualTo(ErrorType.RUNTIME);
            assertThat(r.error().name()).isEqualTo("TypeError");
            assertThat(r.error().message()).isEqualTo("TypeError: wrong type");
            assertThat(r.error().stack()).contains("inner").contains("program.js:1");
        }

        @Test
        void anEngineErrorIsRuntime() {
            ExecutionResult r = run("const o = undefined; return o.field;");
            assertThat(r.error().type()).isEqualTo(ErrorType.RUNTIME);
            assertThat(r.error().name()).isEqualTo("TypeError");
        }

        @Test
        void aRejectedAwaitIsRuntime() {
            ExecutionResult r = run("await Promise.reject(new RangeError('no way'));");
            assertThat(r.error().type()).isEqualTo(ErrorType.RUNTIME);
            assertThat(r.error().message()).isEqualTo("RangeError: no way");
        }

        @Test
        void throwingANonErrorIsRuntime() {
            ExecutionResult r = run("throw { code: 42 };");
            assertThat(r.error().type()).isEqualTo(ErrorType.RUNTIME);
            assertThat(r.error().message()).isEqualTo("Error: Uncaught {\"code\":42}");
        }

        @Test
        void aPromiseThatNeverSettlesIsRuntime() {
            ExecutionResult r = run("await new Promise(() => {});");
            assertThat(r.error().type()).isEqualTo(ErrorType.RUNTIME);
            assertThat(r.error().message()).contains("never settled");
        }

        @Test
        void aProgramOverTheSizeLimitIsRefused() {
            ExecutionResult r = run("return '" + "x".repeat(3 << 20) + "';");
            assertThat(r.error().type()).isEqualTo(ErrorType.SYNTAX);
            assertThat(r.error().message()).startsWith("the program is ").contains("bytes, the limit is");
        }
    }

    // ------------------------------------------------------------------ call_tool

    @Nested
    class ToolCalls {
        @Test
        void nestedObjectsAndArraysRoundTrip() {
            ExecutionResult r = run("""
                    const input = { order: { id: 7, lines: [{ sku: 'a', qty: 2 }, { sku: 'b', qty: [1, [2, [3]]] }] }, tags: [], empty: {} };
                    const output = call_tool('echo', input);
                    return [JSON.stringify(output) === JSON.stringify(input), output];""");
            assertThat(r.error()).isNull();
            assertThat(r.resultJson()).startsWith("[true,{\"order\":{\"id\":7,");
            assertThat(r.hostCalls()).isEqualTo(1);
        }

        @Test
        void unicodeRoundTrips() {
            assertThat(resultOf("""
                    const s = 'żółw 🐢 中文 \\u0000 \\u2028 "quoted" \\\\ back';
                    return call_tool('echo', { s }).s === s;""")).isEqualTo("true");
        }

        @Test
        void numbersAtTheEdgesOfDoublePrecision() {
            assertThat(resultOf("""
                    const values = [Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, Number.MAX_VALUE, Number.MIN_VALUE,
                                    Number.EPSILON, -0, 0.1 + 0.2, 1e21, 2 ** 53 + 2, -1.7976931348623157e308];
                    const back = call_tool('echo', { values }).values;
                    return values.map((v, i) => Object.is(v, back[i]) || (v === 0 && back[i] === 0));"""))
                    .isEqualTo("[true,true,true,true,true,true,true,true,true,true]");
        }

        @Test
        void hostFunctionsReceiveTheArgumentsAsJson() {
            ExecutionResult r = run("return [call_tool('record', { id: 1, name: 'x' }), call_tool('add', { a: 2, b: 0.5 })];");
            assertThat(r.resultJson()).isEqualTo("[{\"stored\":true},2.5]");
            assertThat(received).containsExactly("{\"id\":1,\"name\":\"x\"}");
            assertThat(r.hostCalls()).isEqualTo(2);
        }

        @Test
        void missingArgumentsBecomeAnEmptyObject() {
            assertThat(resultOf("return call_tool('echo');")).isEqualTo("{}");
        }

        @Test
        void awaitCallToolWorks() {
            assertThat(resultOf("""
                    const a = await call_tool('echo', { v: 1 });
                    const b = await Promise.all([call_tool('echo', { v: 2 })]);
                    return [a.v, b[0].v];""")).isEqualTo("[1,2]");
        }

        @Test
        void toolErrorsAreCatchableToolErrorsWithTheHostMessage() {
            assertThat(resultOf("""
                    try { call_tool('fail', {}); return 'no error'; }
                    catch (e) { return [e instanceof Error, e instanceof ToolError, e.name, e.message, e.tool]; }"""))
                    .isEqualTo("[true,true,\"ToolError\",\"inventory service is down\",\"fail\"]");
        }

        @Test
        void anUncaughtToolErrorFailsAsToolError() {
            ExecutionResult r = run("console.log('calling'); call_tool('fail', {});");
            assertThat(r.error().type()).isEqualTo(ErrorType.HOST_FUNCTION_ERROR);
            assertThat(r.error().name()).isEqualTo("ToolError");
            assertThat(r.error().message()).isEqualTo("ToolError: inventory service is down");
            assertThat(r.stdout()).isEqualTo("calling\n");
            assertThat(r.hostCalls()).isEqualTo(1);
        }

        @Test
        void exceptionsWithoutMessageStillExplainThemselves() {
            assertThat(resultOf("try { call_tool('npe'); } catch (e) { return e.message; }"))
                    .isEqualTo("\"NullPointerException in tool 'npe'\"");
        }

        @Test
        void unknownToolsListTheAvailableOnes() {
            assertThat(resultOf("try { call_tool('no_such_tool', {}); } catch (e) { return [e.name, e.message]; }"))
                    .isEqualTo("[\"ToolError\",\"unknown tool 'no_such_tool'; available tools: " + AVAILABLE_TOOLS + "\"]");
        }

        @Test
        void withoutToolsTheListSaysNone() {
            ExecutionResult r = execute("try { call_tool('x'); } catch (e) { return e.message; }",
                    HostFunctions.builder().wording(GuestStrings.HOST_CALL_WORDING).build(), DEFAULTS);
            assertThat(r.resultJson()).isEqualTo("\"unknown tool 'x'; available tools: (none)\"");
        }

        @Test
        void badToolNamesAndUnserialisableArgumentsAreTypeErrors() {
            assertThat(resultOf("""
                    const out = [];
                    try { call_tool(42); } catch (e) { out.push(e.name); }
                    const cyclic = {}; cyclic.self = cyclic;
                    try { call_tool('echo', cyclic); } catch (e) { out.push(e.name); }
                    return out;""")).isEqualTo("[\"TypeError\",\"TypeError\"]");
        }

        @Test
        void oversizedResultsAreACatchableError() {
            assertThat(resultOf("try { call_tool('huge'); } catch (e) { return [e.name, e.message]; }"))
                    .contains("ToolError").contains("the tool's result is").contains("the limit is 1048576 bytes");
        }

        @Test
        void aResultThatIsNotJsonIsAToolError() {
            assertThat(resultOf("try { call_tool('not_json'); } catch (e) { return [e.name, e.message]; }"))
                    .startsWith("[\"ToolError\",\"tool \\\"not_json\\\" returned a result that is not JSON");
        }

        @Test
        void aNullResultIsJsonNull() {
            assertThat(resultOf("return call_tool('nothing');")).isEqualTo("null");
        }

        @Test
        void consoleOutputStaysInOrderAroundToolCalls() {
            assertThat(run("console.log('a'); call_tool('record', {}); console.log('b');").stdout()).isEqualTo("a\nb\n");
        }

        @Test
        void oversizedArgumentsAreACatchableToolError() {
            assertThat(resultOf("""
                    try { call_tool('echo', { blob: 'x'.repeat(2 << 20) }); return 'sent'; }
                    catch (e) { return [e.name, e.message]; }"""))
                    .contains("ToolError").contains("tool arguments too large: 2097186 bytes of JSON, the limit is 1048576 bytes");
        }

        @Test
        void oversizedArgumentsLeftUncaughtAreToolError() {
            ExecutionResult r = run("call_tool('echo', { blob: 'x'.repeat(200) });", DEFAULTS.withHostCallSizes(100, 100));
            assertThat(r.error().type()).isEqualTo(ErrorType.HOST_FUNCTION_ERROR);
            assertThat(r.error().message()).isEqualTo("ToolError: tool arguments too large: 234 bytes of JSON, the limit is 100 bytes");
            assertThat(r.hostCalls()).isZero();
        }

        @Test
        void theToolCallCapIsEnforced() {
            ExecutionResult r = run("""
                    const out = [];
                    for (let i = 0; i < 5; i++) { try { out.push(call_tool('echo', { i }).i); } catch (e) { out.push(e.message); } }
                    return out;""", THREE_TOOL_CALLS);
            assertThat(r.resultJson()).isEqualTo("[0,1,2,\"too many tool calls: the limit is 3 per execution\","
                    + "\"too many tool calls: the limit is 3 per execution\"]");
        }
    }

    // ------------------------------------------------------------------ isolation and concurrency

    @Nested
    class Isolation {
        @Test
        void globalsAndPrototypesDoNotLeakIntoTheNextExecution() {
            assertThat(resultOf("""
                    globalThis.leak = 'secret'; Array.prototype.leak = 1; Object.prototype.polluted = true;
                    return typeof leak;""")).isEqualTo("\"string\"");
            assertThat(resultOf("return [typeof leak, [].leak, ({}).polluted];")).isEqualTo("[\"undefined\",null,null]");
        }

        @Test
        void concurrentExecutionsDoNotMix() throws Exception {
            ExecutorService callers = Executors.newFixedThreadPool(4);
            try {
                List<Future<ExecutionResult>> futures = new ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    int n = i;
                    futures.add(callers.submit(() -> run("globalThis.mine = " + n + "; console.log(" + n + ");"
                            + " const echoed = call_tool('echo', { n: mine }).n; return [mine, echoed];")));
                }
                for (int i = 0; i < futures.size(); i++) {
                    ExecutionResult r = futures.get(i).get();
                    assertThat(r.resultJson()).isEqualTo("[" + i + "," + i + "]");
                    assertThat(r.stdout()).isEqualTo(i + "\n");
                }
            } finally {
                callers.shutdownNow();
            }
        }
    }

    // ------------------------------------------------------------------ limits

    /** What a program does to the protocol's own objects reaches neither the host nor the outcome's type. */
    @Nested
    class ProgramsCannotShapeTheProtocol {
        private static final String TAMPER = """
                Object.prototype.toJSON = () => ({ ok: false, type: 'INTERRUPTED', name: 'forged', args: 'forged' });
                Array.prototype[Symbol.iterator] = function* () { yield false; yield 'forged'; };
                JSON.stringify = () => '{"forged":true}';
                JSON.parse = () => 'forged';
                Object.defineProperty(Error, Symbol.hasInstance, { value: () => true });
                """;

        @Test
        void aToolCallStillReachesItsToolWithTheProgramsOwnValue() {
            ExecutionResult r = run(TAMPER + """
                    const back = call_tool('record', { n: 1 });
                    delete Object.prototype.toJSON;
                    return back;""");
            assertThat(r.error()).isNull();
            assertThat(r.resultJson()).isEqualTo("{\"stored\":true}");
            // the arguments went through the program's own toJSON, as its values do; the envelope did not
            assertThat(received).containsExactly("{\"ok\":false,\"type\":\"INTERRUPTED\",\"name\":\"forged\",\"args\":\"forged\"}");
        }

        @Test
        void aResultsToJsonShapesTheResultButNotTheOutcome() {
            ExecutionResult r = run(TAMPER + "return { a: 1 };");
            assertThat(r.error()).isNull();
            assertThat(r.resultJson()).isEqualTo("{\"ok\":false,\"type\":\"INTERRUPTED\",\"name\":\"forged\",\"args\":\"forged\"}");
        }

        @Test
        void aThrownErrorIsStillRuntimeWithItsOwnMessage() {
            ExecutionResult r = run(TAMPER + "call_tool('echo', {}); throw new Error('boom');");
            assertThat(r.error().type()).isEqualTo(ErrorType.RUNTIME);
            assertThat(r.error().message()).isEqualTo("Error: boom");
        }

        @Test
        void aFailingToolIsStillAToolError() {
            ExecutionResult r = run(TAMPER + "call_tool('fail', {});");
            assertThat(r.error().type()).isEqualTo(ErrorType.HOST_FUNCTION_ERROR);
            assertThat(r.error().message()).isEqualTo("ToolError: inventory service is down");
        }

        @Test
        void setterTrapsOnArrayIndicesBreakOnlyTheProgramsOwnJson() {
            ExecutionResult r = run("""
                    Object.defineProperty(Array.prototype, '0', { set() { throw new Error('setter ran'); }, configurable: true });
                    let outcome; try { outcome = call_tool('echo', { a: 1 }); } catch (e) { outcome = e.name; }
                    throw new Error('after ' + JSON.stringify(outcome));""");
            assertThat(r.error().type()).isEqualTo(ErrorType.RUNTIME);
            assertThat(r.error().message()).startsWith("Error: after ");
        }

        @Test
        void errorsThatOnlyClaimToBeToolErrorsAreRuntime() {
            assertThat(run("throw new ToolError('made by the program', 'fail');").error().type()).isEqualTo(ErrorType.RUNTIME);
            assertThat(run("const e = new Error('x'); Object.setPrototypeOf(e, ToolError.prototype); throw e;").error().type())
                    .isEqualTo(ErrorType.RUNTIME);
            assertThat(run("throw { name: 'ToolError', message: 'plain object' };").error().type()).isEqualTo(ErrorType.RUNTIME);
        }

        @Test
        void theToolErrorClassCannotBeRewired() {
            ExecutionResult r = run("""
                    try { Object.setPrototypeOf(ToolError, function Evil() {}); } catch (e) { }
                    try { ToolError.prototype.name = 'Evil'; } catch (e) { }
                    try { call_tool('fail'); } catch (e) { return [e instanceof ToolError, e.name, e.tool]; }""");
            assertThat(r.error()).isNull();
            assertThat(r.resultJson()).isEqualTo("[true,\"ToolError\",\"fail\"]");
        }

        @Test
        void anErrorWhoseGettersThrowIsDescribedWithoutThem() {
            ExecutionResult r = run("""
                    const e = new Error('x');
                    Object.defineProperty(e, 'message', { get() { throw new Error('getter'); } });
                    Object.defineProperty(e, 'name', { get() { throw new Error('getter'); } });
                    throw e;""");
            assertThat(r.error().type()).isEqualTo(ErrorType.RUNTIME);
        }

        @Test
        void aHugeErrorMessageIsClippedNotAnOutputLimit() {
            ExecutionResult r = run("throw new Error('m'.repeat(1 << 20));");
            assertThat(r.error().type()).isEqualTo(ErrorType.RUNTIME);
            assertThat(r.error().message()).hasSizeLessThan(20_000).contains("more characters");
        }
    }

    /** One nesting limit for JSON between program and host, the same in every backend. */
    @Nested
    class DeepJson {
        private static final int TOO_DEEP = JsonNesting.MAX_DEPTH + 1;

        @Test
        void argumentsAtTheLimitReachTheTool() {
            ExecutionResult r = run("const n = " + JsonNesting.MAX_DEPTH + """
                    ; let v = []; for (let i = 1; i < n; i++) v = [v];
                    let back = call_tool('echo', v), depth = 0; while (Array.isArray(back)) { back = back[0]; depth++; } return depth;""");
            assertThat(r.error()).isNull();
            assertThat(r.resultJson()).isEqualTo(String.valueOf(JsonNesting.MAX_DEPTH));
        }

        @Test
        void argumentsPastTheLimitAreACatchableToolError() {
            ExecutionResult r = run("const n = " + TOO_DEEP + """
                    ; let v = []; for (let i = 1; i < n; i++) v = [v];
                    try { call_tool('echo', v); } catch (e) { return [e.name, e.message]; }""");
            assertThat(r.error()).isNull();
            assertThat(r.resultJson()).isEqualTo("[\"ToolError\",\"JSON nested " + TOO_DEEP
                    + " levels deep in the arguments of 'echo'; the limit is 500 levels\"]");
        }

        @Test
        void aResultPastTheLimitIsACatchableToolError() {
            ExecutionResult r = run("try { call_tool('deep'); } catch (e) { return [e.name, e.message]; }");
            assertThat(r.error()).isNull();
            assertThat(r.resultJson()).isEqualTo("[\"ToolError\",\"JSON nested " + TOO_DEEP
                    + " levels deep in the result of 'deep'; the limit is 500 levels\"]");
            assertThat(run("return JSON.stringify(call_tool('deep_enough')).length;").resultJson())
                    .isEqualTo(String.valueOf(2 * JsonNesting.MAX_DEPTH));
        }

        @Test
        void aReturnedValuePastTheLimitIsARuntimeErrorThatSaysSo() {
            for (int depth : new int[] {TOO_DEEP, 1000}) {
                ExecutionResult r = run("let v = []; for (let i = 1; i < " + depth + "; i++) v = [v]; return v;");
                assertThat(r.error().type()).isEqualTo(ErrorType.RUNTIME);
                assertThat(r.error().message()).isEqualTo("RangeError: JSON nested " + depth
                        + " levels deep in the returned value; the limit is 500 levels");
            }
            ExecutionResult atTheLimit = run("let v = []; for (let i = 1; i < " + JsonNesting.MAX_DEPTH + "; i++) v = [v]; return v;");
            assertThat(atTheLimit.error()).isNull();
        }
    }

    @Nested
    class Limits {
        @Test
        void aResultWhoseToJsonNeverReturnsIsATimeout() {
            ExecutionResult r = run("return { toJSON() { for (;;); } };", DEFAULTS.withTimeout(Duration.ofMillis(300)));
            assertThat(r.error().type()).isEqualTo(ErrorType.TIMEOUT);
        }

        @Test
        void aFailureWhoseDescriptionNeverEndsIsATimeout() {
            ExecutionResult r = run("throw { toString() { for (;;); }, toJSON() { for (;;); } };",
                    DEFAULTS.withTimeout(Duration.ofMillis(300)));
            assertThat(r.error().type()).isEqualTo(ErrorType.TIMEOUT);
        }

        @Test
        void aDeadlineThatInterruptsABlockedToolIsATimeoutEvenIfTheToolThenThrows() throws Exception {
            ExecutionResult r = run("call_tool('block');", DEFAULTS.withTimeout(Duration.ofMillis(200)));
            assertThat(blocked.getCount()).isZero();
            assertThat(r.error().type()).isEqualTo(ErrorType.TIMEOUT);
        }

        @Test
        void aDeadlineThatInterruptsABlockedToolIsATimeoutEvenIfTheProgramThenEnds() {
            ExecutionResult r = run("return call_tool('block_then_return');", DEFAULTS.withTimeout(Duration.ofMillis(200)));
            assertThat(blocked.getCount()).isZero();
            assertThat(r.error().type()).isEqualTo(ErrorType.TIMEOUT);
        }

        @Test
        void anInfiniteLoopTimesOutAtItsDeadline() {
            ExecutionResult r = run("globalThis.leak = 1; while (true) {}", DEFAULTS.withTimeout(Duration.ofMillis(300)));
            assertThat(r.error().type()).isEqualTo(ErrorType.TIMEOUT);
            assertThat(r.error().message()).isEqualTo("the execution exceeded its 300 ms time limit");
            assertThat(r.duration()).isGreaterThanOrEqualTo(Duration.ofMillis(300))
                    .isLessThan(Duration.ofMillis(300).plus(StopMargin.LOADED_MACHINE));
        }

        @Test
        void aLoopThatCatchesEverythingIsStillStopped() {
            ExecutionResult r = run("for (;;) { try { while (true) {} } catch (e) { } finally { continue; } }",
                    DEFAULTS.withTimeout(Duration.ofMillis(200)));
            assertThat(r.error().type()).isEqualTo(ErrorType.TIMEOUT);
            assertThat(r.duration()).isLessThan(Duration.ofMillis(200).plus(StopMargin.LOADED_MACHINE));
        }

        @Test
        void aBlockedHostFunctionIsInterruptedAtTheDeadline() {
            ExecutionResult r = run("console.log('going to sleep'); call_tool('block');", DEFAULTS.withTimeout(Duration.ofMillis(300)));
            assertThat(blocked.getCount()).isZero();
            assertThat(r.error().type()).isEqualTo(ErrorType.TIMEOUT);
            assertThat(r.stdout()).isEqualTo("going to sleep\n");
        }

        @Test
        void theCpuTimeLimitStopsASpinningProgram() {
            ExecutionResult r = run("while (true) {}", DEFAULTS.withTimeout(Duration.ofSeconds(10)).withCpuTime(Duration.ofMillis(200)));
            assertThat(r.error().type()).isEqualTo(ErrorType.CPU_LIMIT);
            assertThat(r.error().message()).isEqualTo("the execution exceeded its 200 ms CPU-time limit");
            assertThat(r.duration()).isLessThan(Duration.ofSeconds(2));
        }

        @Test
        void timeSpentInToolsDoesNotCountAsProgramCpu() {
            ExecutionResult r = run("return [call_tool('spin'), call_tool('spin')];", DEFAULTS.withCpuTime(Duration.ofMillis(100)));
            assertThat(r.error()).isNull();
            assertThat(r.resultJson()).isEqualTo("[true,true]");
        }

        @Test
        void unboundedRecursionIsAStackOverflow() {
            ExecutionResult r = run("function down(n) { return down(n + 1) + 1; } return down(0);");
            assertThat(r.error().type()).isEqualTo(ErrorType.STACK_OVERFLOW);
        }

        @Test
        void aStackOverflowCanBeCaughtByTheProgram() {
            assertThat(resultOf("function down(n) { return down(n + 1) + 1; } try { down(0); } catch (e) { return 'caught'; }"))
                    .isEqualTo("\"caught\"");
        }

        @Test
        void deeplyNestedJsonIsAStackOverflow() {
            ExecutionResult r = run("return JSON.parse('['.repeat(1e6) + ']'.repeat(1e6)).length;");
            assertThat(r.error().type()).isEqualTo(ErrorType.STACK_OVERFLOW);
        }

        @Test
        void printing100MiBStopsAtTheOutputCapWithTruncatedOutput() {
            ExecutionResult r = run("""
                    const chunk = 'x'.repeat(1 << 20);
                    for (let i = 0; i < 100; i++) console.log(chunk);""");
            assertThat(r.error().type()).isEqualTo(ErrorType.OUTPUT_LIMIT);
            assertThat(r.error().message()).isEqualTo("the program printed more than 1048576 bytes to one console stream; output was truncated");
            assertThat(r.stdout()).hasSize(ExecutionLimits.DEFAULT_OUTPUT_BYTES_PER_STREAM);
            assertThat(r.stdoutTruncated()).isTrue();
            assertThat(r.duration()).isLessThan(Duration.ofSeconds(5));
        }

        @Test
        void theOutputCapIsPerStreamAndConfigurable() {
            ExecutionResult r = run("console.error('e'.repeat(100)); console.log('fine');", DEFAULTS.withOutputBytesPerStream(10));
            assertThat(r.error().type()).isEqualTo(ErrorType.OUTPUT_LIMIT);
            assertThat(r.stderr()).isEqualTo("e".repeat(10));
            assertThat(r.stderrTruncated()).isTrue();
            assertThat(r.stdoutTruncated()).isFalse();
        }

        @Test
        void anOutputCapHitByAProgramThatCatchesEverythingStillStopsIt() {
            ExecutionResult r = run("for (;;) { try { console.log('spam'); } catch (e) { } }",
                    DEFAULTS.withOutputBytesPerStream(1000).withTimeout(Duration.ofSeconds(10)));
            assertThat(r.error().type()).isEqualTo(ErrorType.OUTPUT_LIMIT);
            assertThat(r.stdout()).hasSize(1000);
            assertThat(r.duration()).isLessThan(Duration.ofSeconds(2));
        }

        @Test
        void anOversizedResultIsAnOutputLimit() {
            ExecutionResult r = run("return 'x'.repeat(3 << 20);");
            assertThat(r.error().type()).isEqualTo(ErrorType.OUTPUT_LIMIT);
            assertThat(r.error().message()).isEqualTo("RangeError: the result is 3145751 bytes of JSON, the limit is 2097152 bytes");
        }
    }
}
