package dev.codeact.hyperlight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The execution contract of {@link ExecutionContractTest} for Python programs: a twin of each of its cases that has a
 * meaning in Python, in the same order and under the same names where they carry over, on the same host functions
 * ({@link ContractFixture}). The program is a module body; the value of a final expression statement is the result;
 * print goes to stdout, sys.stderr to stderr; call_tool takes a dict or keywords and raises ToolError. Run on the KVM
 * Python guest here ({@code PoolPythonExecutionContractTest}) and by every Python backend of the Spring layer through
 * this module's test jar. A JavaScript case without a twin says why where it would be.
 */
public abstract class PythonExecutionContractTest extends ContractFixture {

    /**
     * The cases this backend is known to fail, by test method name, each with the reason: the run reports each as a
     * skip with its reason, so a deviation is written down where the backend is, never hidden in an assertion.
     */
    protected Map<String, String> knownDeviations() {
        return Map.of();
    }

    @BeforeEach
    void unlessAKnownDeviation(TestInfo test) {
        String reason = knownDeviations().get(test.getTestMethod().orElseThrow().getName());
        assumeTrue(reason == null, () -> backend() + " deviates here: " + reason);
    }

    @AfterEach
    void theNextExecutionStartsFreshAndWorks() {
        ExecutionResult r = run("""
                import json, builtins, sys
                [1 + 1, 'leak' in globals(), hasattr(builtins, 'leak'), json.dumps({'a': 1}), sys.getrecursionlimit()]""");
        assertThat(r.error()).as("%s", r.error()).isNull();
        assertThat(r.resultJson()).isEqualTo("[2,false,false,\"{\\\"a\\\": 1}\",1000]");
    }

    @Test
    void theBackendHasItsName() {
        assertThat(backend()).isIn("kvm", "graalpy");
    }

    // ------------------------------------------------------------------ the language

    @Nested
    class ModernPython {
        @Test
        void classesWithInheritanceAndProperties() {
            assertThat(resultOf("""
                    from dataclasses import dataclass
                    class Shape:
                        def __init__(self, name): self.__name = name
                        @property
                        def name(self): return self.__name
                        def area(self): return 0
                    @dataclass
                    class Square(Shape):
                        s: int
                        def __post_init__(self): super().__init__('square')
                        def area(self): return self.s ** 2
                        @classmethod
                        def of(cls, s): return cls(s)
                    q = Square.of(3)
                    [q.name, q.area(), isinstance(q, Shape), repr(q)]""")).isEqualTo("[\"square\",9,true,\"Square(s=3)\"]");
        }

        @Test
        void asyncFunctionsAndTopLevelAwait() {
            // there is no event loop (asyncio is not in the sandbox): coroutines that complete are awaited at top level
            assertThat(resultOf("""
                    async def delay(v): return v
                    async def twice(x): return (await delay(x)) * 2
                    [await twice(1), await twice(2), await twice(3)]""")).isEqualTo("[2,4,6]");
        }

        // pendingPromiseJobsRunBeforeTheExecutionEnds: no twin; Python has no job queue a program can leave work in

        @Test
        void generatorsAndAsyncGenerators() {
            assertThat(resultOf("""
                    import itertools
                    def fib():
                        a, b = 0, 1
                        while True:
                            yield a
                            a, b = b, a + b
                    out = list(itertools.takewhile(lambda v: v <= 50, fib()))
                    async def count():
                        yield 1
                        yield 2
                    total = 0
                    async for v in count():
                        total += v
                    {'out': out, 'sum': total}""")).isEqualTo("{\"out\":[0,1,1,2,3,5,8,13,21,34],\"sum\":3}");
        }

        @Test
        void unpackingComprehensionsAndMatch() {
            assertThat(resultOf("""
                    a, (b, *c), *rest = 1, (2, 3, 4), 5, 6
                    merged = {'x': 1} | {'y': 2}
                    match {'kind': 'point', 'at': [3, 4]}:
                        case {'kind': 'point', 'at': [x, y]}: where = x * y
                    [a, b, c, rest, merged, sorted({v % 3 for v in range(10)}), where, (n := 7) + n]"""))
                    .isEqualTo("[1,2,[3,4],[5,6],{\"x\":1,\"y\":2},[0,1,2],12,14]");
        }

        @Test
        void bigIntegersAreExact() {
            assertThat(resultOf("big = 2 ** 100\n[str(big), big % 97, big, type(big).__name__, 257 & 0xff]"))
                    .isEqualTo("[\"1267650600228229401496703205376\"," + java.math.BigInteger.TWO.pow(100)
                            .mod(java.math.BigInteger.valueOf(97)) + ",1267650600228229401496703205376,\"int\",1]");
        }

        @Test
        void dictsSetsAndWeakReferences() {
            assertThat(resultOf("""
                    import weakref, collections
                    m = {'a': 1, 'b': 2}; m['c'] = 3; del m['a']
                    class K: pass
                    k = K(); w = weakref.WeakKeyDictionary(); w[k] = 'v'
                    [list(m.items()), ''.join(dict.fromkeys('hello')), w[k], len(m), collections.Counter('abca').most_common(1)]"""))
                    .isEqualTo("[[[\"b\",2],[\"c\",3]],\"helo\",\"v\",2,[[\"a\",2]]]");
        }

        @Test
        void bytesStructAndArray() {
            assertThat(resultOf("""
                    import struct, array, math
                    packed = struct.pack('>d', math.pi)
                    f = array.array('f', [1.5, 2.5])
                    [len(packed), struct.unpack('>d', packed)[0] == math.pi, [x * 2 for x in f], struct.unpack('<h', struct.pack('<i', 70000)[:2])[0],
                     bytes([104, 105]).decode(), bytearray(b'ab').hex()]"""))
                    .isEqualTo("[8,true,[3.0,5.0],4464,\"hi\",\"6162\"]");
        }

        @Test
        void jsonRoundTrip() {
            assertThat(resultOf("""
                    import json
                    text = json.dumps({'n': 1, 's': 'x"y', 'a': [True, None], 'nested': {'d': 1.5e-7}})
                    json.loads(text, parse_float=lambda s: float(s) * 2, parse_int=lambda s: int(s) * 2)"""))
                    .isEqualTo("{\"n\":2,\"s\":\"x\\\"y\",\"a\":[true,null],\"nested\":{\"d\":3.0E-7}}");
        }

        @Test
        void regularExpressionsNamedGroupsAndLookbehind() {
            assertThat(resultOf("""
                    import re
                    m = re.search(r'(?P<year>\\d{4})-(?P<month>\\d{2})-(?P<day>\\d{2})', '2026-11-23')
                    [m['year'], m.group('day'), re.findall(r'(?<=\\$)\\d+', 'cost: $42, tax: $7'), re.sub(r'-(?!c)', '+', 'a-b-c'),
                     bool(re.fullmatch(r'\\w+', 'żółw'))]"""))
                    .isEqualTo("[\"2026\",\"23\",[\"42\",\"7\"],\"a+b-c\",true]");
        }

        @Test
        void datesInUtcAndTheClock() {
            long before = System.currentTimeMillis();
            ExecutionResult r = run("""
                    import datetime, time, zoneinfo
                    d = datetime.datetime(2020, 2, 29, 12, 30, tzinfo=datetime.timezone.utc)
                    t0 = time.monotonic(); x = sum(range(100000)); t1 = time.monotonic()
                    [d.isoformat(), d.weekday(), datetime.datetime.fromisoformat('2021-03-04T05:06:07Z').timestamp(), int(time.time() * 1000),
                     t1 >= t0, time.timezone, datetime.datetime.fromtimestamp(0).hour,
                     datetime.datetime(2024, 1, 1, tzinfo=zoneinfo.ZoneInfo('UTC')).utcoffset().total_seconds()]""");
            long after = System.currentTimeMillis();
            assertThat(r.error()).isNull();
            var parts = JSON.readTree(r.resultJson());
            assertThat(parts.get(0).asString()).isEqualTo("2020-02-29T12:30:00+00:00");
            assertThat(parts.get(1).asInt()).isEqualTo(5);
            assertThat(parts.get(2).asDouble()).isEqualTo(1614834367.0);
            assertThat(parts.get(3).asLong()).isBetween(before - 1000, after + 1000);
            assertThat(parts.get(4).asBoolean()).isTrue();
            assertThat(parts.get(5).asInt()).isZero();
            assertThat(parts.get(6).asInt()).isZero();
            assertThat(parts.get(7).asDouble()).isZero();
        }

        @Test
        void stringMethods() {
            assertThat(resultOf("""
                    import unicodedata
                    s = '  Hello, Wörld 👋  '
                    [s.strip().upper(), s.strip().rjust(16, '*'), 'abc'[-1], 'a,b,,c'.split(','), ord('👋'), r'x\\ny', 'ß'.upper(), 'x' * 3,
                     len(unicodedata.normalize('NFD', s.strip())), f'{1234567.891:,.2f}', 'Straße'.casefold()]"""))
                    .isEqualTo("[\"HELLO, WÖRLD 👋\",\"**Hello, Wörld 👋\",\"c\",[\"a\",\"b\",\"\",\"c\"],128075,\"x\\\\ny\",\"SS\",\"xxx\",15,"
                            + "\"1,234,567.89\",\"strasse\"]");
        }

        // intlFormatsAndSortsAsNodeDoes, intlLeavesNothingForTheNextExecution: no twin; Python's locale is C in every
        // backend (format specifiers above), and what a program changes is covered by Isolation below

        @Test
        void randomIsUsableAndDiffersBetweenExecutions() {
            String program = "import random\nv = [random.random() for _ in range(100)]\n[all(0 <= x < 1 for x in v), len(set(v)), v[0]]";
            var first = JSON.readTree(resultOf(program));
            var second = JSON.readTree(resultOf(program));
            assertThat(first.get(0).asBoolean()).isTrue();
            assertThat(first.get(1).asInt()).isEqualTo(100);
            assertThat(first.get(2).asDouble()).isNotEqualTo(second.get(2).asDouble());
            // a seeded generator is the program's own, and the same everywhere
            assertThat(resultOf("import random\nrandom.seed(42)\nrandom.randint(1, 10**6)")).isEqualTo("670488");
        }

        @Test
        void moderateRecursionWorks() {
            assertThat(resultOf("def depth(n): return 0 if n == 0 else 1 + depth(n - 1)\ndepth(400)")).isEqualTo("400");
        }

        @Test
        void nothingOfTheHostIsReachable() {
            assertThat(resultOf("""
                    import os, sys, importlib
                    def refused(f):
                        try:
                            f()
                        except (OSError, RuntimeError, ModuleNotFoundError) as e:
                            return type(e).__name__
                        return 'allowed'
                    [[refused(lambda: importlib.import_module(m)) for m in ('ctypes', 'subprocess', 'socket', '_posixsubprocess', 'java', 'polyglot')],
                     dict(os.environ), refused(lambda: open('/etc/passwd')), refused(lambda: os.listdir('/')),
                     refused(lambda: os.system('id')), sys.argv]"""))
                    .isEqualTo("[[" + "\"ModuleNotFoundError\",".repeat(5) + "\"ModuleNotFoundError\"],{},\"FileNotFoundError\",\"FileNotFoundError\","
                            + "\"PermissionError\",[\"\"]]");
        }

        @Test
        void theStandardLibraryIsThere() {
            // the twin of theWebPlatformIsThereWithinTheSandbox: what Python programs expect to find is the issue's
            // standard library, and each imports in the sandbox
            assertThat(resultOf("""
                    import importlib
                    names = ['json', 're', 'math', 'cmath', 'statistics', 'random', 'decimal', 'fractions', 'itertools', 'functools',
                             'operator', 'collections', 'heapq', 'bisect', 'array', 'struct', 'copy', 'dataclasses', 'enum', 'typing',
                             'abc', 'string', 'textwrap', 'difflib', 'unicodedata', 'datetime', 'zoneinfo', 'time', 'calendar', 'io',
                             'csv', 'base64', 'binascii', 'hashlib', 'hmac', 'uuid', 'urllib.parse', 'html', 'pprint', 'traceback']
                    [n for n in names if importlib.import_module(n) is None]""")).isEqualTo("[]");
        }

        // fetchAndFsReachOnlyWhatTheHostOffers: the Python guest's fetch and file services have their own tests; the
        // refusals without them are in nothingOfTheHostIsReachable

        @Test
        void theApiNamesRebindOnlyInTheProgram() {
            // a program's names are its own: rebinding call_tool or print there changes nothing past the program
            assertThat(resultOf("""
                    import builtins
                    real = call_tool
                    call_tool = lambda *a: 'hijacked'
                    builtins.print = None
                    [call_tool('echo'), real('echo', {'v': 1})]""")).isEqualTo("[\"hijacked\",{\"v\":1}]");
            ExecutionResult next = run("print('printed')\ncall_tool('echo', {'v': 2})");
            assertThat(next.stdout()).isEqualTo("printed\n");
            assertThat(next.resultJson()).isEqualTo("{\"v\":2}");
        }
    }

    // ------------------------------------------------------------------ console and results

    @Nested
    class ConsoleAndResults {
        @Test
        void printAndStderrGoToTheirStreams() {
            ExecutionResult r = run("""
                    import sys
                    print('log', 1); print('a', 'b', sep='-', end='!\\n'); sys.stdout.write('raw\\n')
                    print('warn', file=sys.stderr); sys.stderr.write('error True\\n')""");
            assertThat(r.success()).isTrue();
            assertThat(r.stdout()).isEqualTo("log 1\na-b!\nraw\n");
            assertThat(r.stderr()).isEqualTo("warn\nerror True\n");
            assertThat(r.stdoutTruncated()).isFalse();
            assertThat(r.stderrTruncated()).isFalse();
        }

        @Test
        void valuesArePrintedAsPythonPrintsThem() {
            ExecutionResult r = run("""
                    import sys
                    print({'a': 1, 'b': [1, 'two', None]}, [1, 2], 'text', None, 10**20, (1,), {1}, 1.5, True)
                    print({'nested': {'s': 'quoted "x"'}}, file=sys.stderr)""");
            assertThat(r.stdout()).isEqualTo("{'a': 1, 'b': [1, 'two', None]} [1, 2] text None 100000000000000000000 (1,) {1} 1.5 True\n");
            assertThat(r.stderr()).isEqualTo("{'nested': {'s': 'quoted \"x\"'}}\n");
        }

        @Test
        void errorsArePrintedWithTheirTraceback() {
            ExecutionResult r = run("""
                    import traceback
                    try:
                        raise TypeError('bad input')
                    except TypeError:
                        traceback.print_exc()""");
            assertThat(r.stderr()).startsWith("Traceback (most recent call last):\n").contains("File \"<program>\", line 3")
                    .endsWith("TypeError: bad input\n");
        }

        @Test
        void outputOrderIsKeptAcrossLargeVolumes() {
            ExecutionResult r = run("for i in range(20000): print(i)");
            assertThat(r.success()).isTrue();
            String[] lines = r.stdout().split("\n");
            assertThat(lines).hasSize(20000);
            assertThat(lines[0]).isEqualTo("0");
            assertThat(lines[19999]).isEqualTo("19999");
        }

        @Test
        void unicodeOutputSurvives() {
            ExecutionResult r = run("print('żółw 🐢 中文')\n'é'");
            assertThat(r.stdout()).isEqualTo("żółw 🐢 中文\n");
            assertThat(r.resultJson()).isEqualTo("\"é\"");
        }

        @Test
        void theFinalExpressionIsTheResult() {
            assertThat(run("{'total': 3, 'items': ['a'], 'ok': True, 'none': None}").resultJson())
                    .isEqualTo("{\"total\":3,\"items\":[\"a\"],\"ok\":true,\"none\":null}");
            assertThat(run("x = 1").resultJson()).isEqualTo("null");
            assertThat(run("None").resultJson()).isEqualTo("null");
            assertThat(run("print('x')").resultJson()).isEqualTo("null");
            assertThat(run("'text'").resultJson()).isEqualTo("\"text\"");
            assertThat(run("async def f(): return 1.5\nawait f()").resultJson()).isEqualTo("1.5");
            assertThat(run("(1, 2)").resultJson()).isEqualTo("[1,2]");
            assertThat(run("x = 1\nif x:\n    x + 1").resultJson()).as("only a final statement at top level").isEqualTo("null");
        }

        @Test
        void aResultThatIsNotJsonSerialisableFails() {
            for (String program : new String[] {"{1, 2}", "float('nan')", "float('inf')", "object()", "x = []\nx.append(x)\nx",
                    "{(1, 2): 'tuple key'}"}) {
                ExecutionResult r = run(program);
                assertThat(r.error()).as(program).isNotNull();
                assertThat(r.error().type()).as(program).isEqualTo(ErrorType.RUNTIME);
                assertThat(r.error().message()).as(program).contains("not JSON-serialisable");
            }
        }

        @Test
        void consoleOutputIsKeptWhenTheProgramFails() {
            ExecutionResult r = run("import sys\nprint('before')\nprint('careful', file=sys.stderr)\nNone.boom");
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
            ExecutionResult r = run("x = = 1");
            assertThat(r.success()).isFalse();
            assertThat(r.error().type()).isEqualTo(ErrorType.SYNTAX);
            assertThat(r.error().name()).isEqualTo("SyntaxError");
            assertThat(r.error().message()).startsWith("SyntaxError: ");
            assertThat(r.error().stack()).contains("line 1");
            assertThat(run("if True:\nprint(1)").error().type()).as("an IndentationError").isEqualTo(ErrorType.SYNTAX);
        }

        @Test
        void aRaisedExceptionIsRuntimeWithNameMessageAndTheProgramsTraceback() {
            ExecutionResult r = run("""
                    def inner(): raise TypeError('wrong type')
                    inner()""");
            assertThat(r.error().type()).isEqualTo(ErrorType.RUNTIME);
            assertThat(r.error().name()).isEqualTo("TypeError");
            assertThat(r.error().message()).isEqualTo("TypeError: wrong type");
            assertThat(r.error().stack()).startsWith("Traceback (most recent call last):\n")
                    .contains("File \"<program>\", line 1, in inner").contains("File \"<program>\", line 2, in <module>")
                    .endsWith("TypeError: wrong type\n");
            ExecutionResult chained = run("try:\n    call_tool('fail')\nexcept ToolError:\n    {}['missing']");
            assertThat(chained.error().stack()).contains("ToolError: inventory service is down", "KeyError: 'missing'")
                    .doesNotContain("<string>", "call_tool(name");
        }

        @Test
        void theTracebackHasOnlyTheProgramsFrames() {
            ExecutionResult r = run("import json\njson.loads('{bad')");
            assertThat(r.error().name()).isEqualTo("JSONDecodeError");
            assertThat(r.error().stack()).contains("File \"<program>\", line 2").doesNotContain("decoder.py", "boot.py", "<stdlib>");
        }

        @Test
        void anExceptionWithoutMessageIsDescribedByItsName() {
            ExecutionResult r = run("raise KeyError");
            assertThat(r.error().type()).isEqualTo(ErrorType.RUNTIME);
            assertThat(r.error().message()).isEqualTo("KeyError");
        }

        @Test
        void anInterpreterErrorIsRuntime() {
            ExecutionResult r = run("o = None\no.field");
            assertThat(r.error().type()).isEqualTo(ErrorType.RUNTIME);
            assertThat(r.error().name()).isEqualTo("AttributeError");
        }

        @Test
        void aFailedAwaitIsRuntime() {
            ExecutionResult r = run("async def f(): raise ArithmeticError('no way')\nawait f()");
            assertThat(r.error().type()).isEqualTo(ErrorType.RUNTIME);
            assertThat(r.error().message()).isEqualTo("ArithmeticError: no way");
        }

        @Test
        void raisingANonExceptionIsRuntime() {
            ExecutionResult r = run("raise 42");
            assertThat(r.error().type()).isEqualTo(ErrorType.RUNTIME);
            assertThat(r.error().message()).isEqualTo("TypeError: exceptions must derive from BaseException");
        }

        @Test
        void anAwaitThatCouldNeverCompleteIsRuntime() {
            ExecutionResult r = run("""
                    class Never:
                        def __await__(self):
                            while True: yield
                    await Never()""");
            assertThat(r.error().type()).isEqualTo(ErrorType.RUNTIME);
            assertThat(r.error().message()).contains("never completes");
        }

        @Test
        void baseExceptionsAreRuntimeToo() {
            for (String raised : new String[] {"SystemExit(2)", "SystemExit('bye')", "KeyboardInterrupt()", "GeneratorExit()",
                    "BaseException('x')"}) {
                ExecutionResult r = run("import sys\nraise " + raised);
                assertThat(r.error()).as(raised).isNotNull();
                assertThat(r.error().type()).as(raised).isEqualTo(ErrorType.RUNTIME);
            }
            assertThat(run("import sys\nsys.exit(3)").error().message()).isEqualTo("SystemExit: 3");
        }

        @Test
        void exitingWithStatusZeroEndsTheProgramWell() {
            // as a script: sys.exit(), sys.exit(0) and exit() end it there, without a result
            for (String exit : new String[] {"sys.exit()", "sys.exit(0)", "raise SystemExit", "exit()"}) {
                ExecutionResult r = run("import sys\nprint('before')\n" + exit + "\nprint('after')\n42");
                assertThat(r.error()).as(exit).isNull();
                assertThat(r.resultJson()).as(exit).isEqualTo("null");
                assertThat(r.stdout()).as(exit).isEqualTo("before\n");
            }
        }

        @Test
        void aProgramOverTheSizeLimitIsRefused() {
            ExecutionResult r = run("'" + "x".repeat(3 << 20) + "'");
            assertThat(r.error().type()).isEqualTo(ErrorType.SYNTAX);
            assertThat(r.error().message()).startsWith("the program is ").contains("bytes, the limit is");
        }
    }

    // ------------------------------------------------------------------ call_tool

    @Nested
    class ToolCalls {
        @Test
        void nestedDictsAndListsRoundTrip() {
            ExecutionResult r = run("""
                    data = {'order': {'id': 7, 'lines': [{'sku': 'a', 'qty': 2}, {'sku': 'b', 'qty': [1, [2, [3]]]}]}, 'tags': [], 'empty': {}}
                    back = call_tool('echo', data)
                    [back == data, back]""");
            assertThat(r.error()).isNull();
            assertThat(r.resultJson()).startsWith("[true,{\"order\":{\"id\":7,");
            assertThat(r.hostCalls()).isEqualTo(1);
        }

        @Test
        void keywordArgumentsAreTheArgumentsObject() {
            ExecutionResult r = run("[call_tool('record', id=1, name='x'), call_tool('echo', a=[1, None], b={'c': True})]");
            assertThat(r.resultJson()).isEqualTo("[{\"stored\":true},{\"a\":[1,null],\"b\":{\"c\":true}}]");
            assertThat(received).containsExactly("{\"id\":1,\"name\":\"x\"}");
            ExecutionResult both = run("call_tool('echo', {'a': 1}, b=2)");
            assertThat(both.error().name()).isEqualTo("TypeError");
        }

        @Test
        void unicodeRoundTrips() {
            assertThat(resultOf("""
                    s = 'żółw 🐢 中文 \\u0000 \\u2028 "quoted" \\\\ back'
                    call_tool('echo', {'s': s})['s'] == s""")).isEqualTo("true");
        }

        @Test
        void numbersAtTheEdgesOfDoublePrecisionAndBigIntegers() {
            assertThat(resultOf("""
                    import sys
                    values = [2**53 - 1, -(2**53 - 1), sys.float_info.max, 5e-324, sys.float_info.epsilon, -0.0, 0.1 + 0.2, 1e21,
                              2**53 + 2, -1.7976931348623157e308, 10**30, -(10**40) - 1, 0, 1.0]
                    back = call_tool('echo', {'values': values})['values']
                    [v == b and type(v) is type(b) for v, b in zip(values, back)]"""))
                    .isEqualTo("[true,true,true,true,true,true,true,true,true,true,true,true,true,true]");
        }

        @Test
        void hostFunctionsReceiveTheArgumentsAsJson() {
            ExecutionResult r = run("[call_tool('record', {'id': 1, 'name': 'x'}), call_tool('add', {'a': 2, 'b': 0.5})]");
            assertThat(r.resultJson()).isEqualTo("[{\"stored\":true},2.5]");
            assertThat(received).containsExactly("{\"id\":1,\"name\":\"x\"}");
            assertThat(r.hostCalls()).isEqualTo(2);
        }

        @Test
        void missingArgumentsBecomeAnEmptyObject() {
            assertThat(resultOf("call_tool('echo')")).isEqualTo("{}");
        }

        @Test
        void awaitCallToolWorks() {
            assertThat(resultOf("""
                    a = await call_tool('echo', {'v': 1})
                    async def later(): return await call_tool('echo', v=2)
                    b = await later()
                    [a['v'], b['v']]""")).isEqualTo("[1,2]");
        }

        @Test
        void toolErrorsAreCatchableToolErrorsWithTheHostMessage() {
            assertThat(resultOf("""
                    try:
                        call_tool('fail', {})
                        out = 'no error'
                    except ToolError as e:
                        out = [isinstance(e, Exception), type(e).__name__, str(e), e.tool]
                    out""")).isEqualTo("[true,\"ToolError\",\"inventory service is down\",\"fail\"]");
            assertThat(resultOf("""
                    try:
                        call_tool('fail')
                    except Exception as e:
                        out = 'caught as Exception'
                    out""")).isEqualTo("\"caught as Exception\"");
        }

        @Test
        void anUncaughtToolErrorFailsAsToolError() {
            ExecutionResult r = run("print('calling')\ncall_tool('fail', {})");
            assertThat(r.error().type()).isEqualTo(ErrorType.HOST_FUNCTION_ERROR);
            assertThat(r.error().name()).isEqualTo("ToolError");
            assertThat(r.error().message()).isEqualTo("ToolError: inventory service is down");
            assertThat(r.error().stack()).contains("File \"<program>\", line 2");
            assertThat(r.stdout()).isEqualTo("calling\n");
            assertThat(r.hostCalls()).isEqualTo(1);
        }

        @Test
        void exceptionsWithoutMessageStillExplainThemselves() {
            assertThat(resultOf("try:\n    call_tool('npe')\nexcept ToolError as e:\n    m = str(e)\nm"))
                    .isEqualTo("\"NullPointerException in tool 'npe'\"");
        }

        @Test
        void unknownToolsListTheAvailableOnes() {
            assertThat(resultOf("try:\n    call_tool('no_such_tool', {})\nexcept ToolError as e:\n    m = [type(e).__name__, str(e)]\nm"))
                    .isEqualTo("[\"ToolError\",\"unknown tool 'no_such_tool'; available tools: " + AVAILABLE_TOOLS + "\"]");
        }

        @Test
        void withoutToolsTheListSaysNone() {
            ExecutionResult r = execute("try:\n    call_tool('x')\nexcept ToolError as e:\n    m = str(e)\nm",
                    HostFunctions.builder().wording(GuestStrings.HOST_CALL_WORDING).build(), DEFAULTS);
            assertThat(r.resultJson()).isEqualTo("\"unknown tool 'x'; available tools: (none)\"");
        }

        @Test
        void badToolNamesAndUnserialisableArgumentsAreTypeErrors() {
            assertThat(resultOf("""
                    out = []
                    cyclic = {}; cyclic['self'] = cyclic
                    for name, args in ((42, {}), ('', {}), ('echo', cyclic), ('echo', {'s': {1, 2}}), ('echo', {'x': float('nan')}),
                                       ('echo', {1.5: 'float key'})):
                        try:
                            call_tool(name, args)
                            out.append('sent')
                        except TypeError as e:
                            out.append('TypeError')
                    out""")).isEqualTo("[\"TypeError\",\"TypeError\",\"TypeError\",\"TypeError\",\"TypeError\",\"sent\"]");
        }

        @Test
        void oversizedResultsAreACatchableError() {
            assertThat(resultOf("try:\n    call_tool('huge')\nexcept ToolError as e:\n    m = [type(e).__name__, str(e)]\nm"))
                    .contains("ToolError").contains("the tool's result is").contains("the limit is 1048576 bytes");
        }

        @Test
        void aResultThatIsNotJsonIsAToolError() {
            assertThat(resultOf("try:\n    call_tool('not_json')\nexcept ToolError as e:\n    m = [type(e).__name__, str(e)]\nm"))
                    .startsWith("[\"ToolError\",\"tool \\\"not_json\\\" returned a result that is not JSON");
        }

        @Test
        void aNullResultIsNone() {
            assertThat(resultOf("[call_tool('nothing') is None]")).isEqualTo("[true]");
        }

        @Test
        void consoleOutputStaysInOrderAroundToolCalls() {
            assertThat(run("print('a')\ncall_tool('record', {})\nprint('b')").stdout()).isEqualTo("a\nb\n");
        }

        @Test
        void oversizedArgumentsAreACatchableToolError() {
            assertThat(resultOf("""
                    try:
                        call_tool('echo', {'blob': 'x' * (2 << 20)})
                        m = 'sent'
                    except ToolError as e:
                        m = [type(e).__name__, str(e)]
                    m""")).contains("ToolError").contains("tool arguments too large: 2097186 bytes of JSON, the limit is 1048576 bytes");
        }

        @Test
        void oversizedArgumentsLeftUncaughtAreToolError() {
            ExecutionResult r = run("call_tool('echo', {'blob': 'x' * 200})", DEFAULTS.withHostCallSizes(100, 100));
            assertThat(r.error().type()).isEqualTo(ErrorType.HOST_FUNCTION_ERROR);
            assertThat(r.error().message()).isEqualTo("ToolError: tool arguments too large: 234 bytes of JSON, the limit is 100 bytes");
            assertThat(r.hostCalls()).isZero();
        }

        @Test
        void theToolCallCapIsEnforced() {
            ExecutionResult r = run("""
                    out = []
                    for i in range(5):
                        try:
                            out.append(call_tool('echo', {'i': i})['i'])
                        except ToolError as e:
                            out.append(str(e))
                    out""", THREE_TOOL_CALLS);
            assertThat(r.resultJson()).isEqualTo("[0,1,2,\"too many tool calls: the limit is 3 per execution\","
                    + "\"too many tool calls: the limit is 3 per execution\"]");
        }
    }

    // ------------------------------------------------------------------ isolation and concurrency

    @Nested
    class Isolation {
        @Test
        void globalsBuiltinsAndModulesDoNotLeakIntoTheNextExecution() {
            assertThat(resultOf("""
                    import builtins, json, sys, math
                    leak = 'secret'; builtins.leak = 1; json.dumps = None; math.pi = 3; sys.modules['evil'] = sys
                    sys.setrecursionlimit(50); sys.path.append('/tmp'); dict.fromkeys
                    type(leak).__name__""")).isEqualTo("\"str\"");
            assertThat(resultOf("""
                    import builtins, json, sys, math
                    ['leak' in globals(), hasattr(builtins, 'leak'), json.dumps([1]), math.pi > 3.14, 'evil' in sys.modules,
                     sys.getrecursionlimit(), '/tmp' in sys.path]""")).isEqualTo("[false,false,\"[1]\",true,false,1000,false]");
        }

        @Test
        void concurrentExecutionsDoNotMix() throws Exception {
            ExecutorService callers = Executors.newFixedThreadPool(4);
            try {
                List<Future<ExecutionResult>> futures = new ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    int n = i;
                    futures.add(callers.submit(() -> run("import builtins\nbuiltins.mine = " + n + "\nprint(" + n + ")\n"
                            + "echoed = call_tool('echo', {'n': builtins.mine})['n']\n[builtins.mine, echoed]")));
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

    // ------------------------------------------------------------------ the protocol's own objects

    /** What a program does to the objects of the standard library and of the runtime reaches neither the host nor the outcome's type. */
    @Nested
    class ProgramsCannotShapeTheProtocol {
        private static final String TAMPER = """
                import json, json.encoder, builtins, sys, traceback
                json.dumps = lambda *a, **k: '1},"ok":false,"type":"INTERRUPTED","x":{'
                json.loads = lambda *a, **k: 'forged'
                json.encoder.JSONEncoder.encode = lambda self, o: '"forged"'
                json.encoder.c_make_encoder = None
                builtins.isinstance = lambda *a: True
                builtins.str = lambda *a: 'forged'
                builtins.id = lambda o: 0
                builtins.ToolError = RecursionError
                runtime = call_tool.__globals__  # the runtime's own module (the program's __main__ is its own)
                for name in list(runtime):
                    if not name.startswith('__'):
                        runtime[name] = None
                """;

        @Test
        void aToolCallStillReachesItsToolWithTheProgramsOwnValue() {
            ExecutionResult r = run(TAMPER + "call_tool('record', {'n': 1})");
            assertThat(r.error()).as("%s", r.error()).isNull();
            assertThat(r.resultJson()).isEqualTo("{\"stored\":true}");
            assertThat(received).containsExactly("{\"n\":1}");
        }

        @Test
        void aResultIsEncodedAsItIsWhateverTheProgramDidToJson() {
            ExecutionResult r = run(TAMPER + "{'a': 1, 'b': [2.5, 'x']}");
            assertThat(r.error()).as("%s", r.error()).isNull();
            assertThat(r.resultJson()).isEqualTo("{\"a\":1,\"b\":[2.5,\"x\"]}");
        }

        @Test
        void subclassesOfBuiltinTypesAreEncodedAsTheirValues() {
            ExecutionResult r = run("""
                    class S(str):
                        def __str__(self): return 'forged'
                        def __repr__(self): return 'forged'
                    class I(int):
                        def __repr__(self): return '1,"ok":false'
                        def __str__(self): return '1,"ok":false'
                    class F(float):
                        def __repr__(self): return 'NaN'
                    class D(dict):
                        pass
                    D(k=[S('real'), I(5), F(1.5)])""");
            assertThat(r.error()).as("%s", r.error()).isNull();
            assertThat(r.resultJson()).isEqualTo("{\"k\":[\"real\",5,1.5]}");
        }

        @Test
        void aRaisedExceptionIsStillRuntimeWithItsOwnMessage() {
            ExecutionResult r = run(TAMPER + "call_tool('echo', {})\nraise ValueError('boom')");
            assertThat(r.error().type()).isEqualTo(ErrorType.RUNTIME);
            assertThat(r.error().message()).isEqualTo("ValueError: boom");
        }

        @Test
        void aFailingToolIsStillAToolError() {
            ExecutionResult r = run(TAMPER + "call_tool('fail', {})");
            assertThat(r.error().type()).isEqualTo(ErrorType.HOST_FUNCTION_ERROR);
            assertThat(r.error().message()).isEqualTo("ToolError: inventory service is down");
        }

        // setterTrapsOnArrayIndicesBreakOnlyTheProgramsOwnJson: no twin; Python has no prototype a program could give
        // a setter the runtime's lists would run (subclasses of list and dict are covered above)

        @Test
        void exceptionsThatOnlyClaimToBeToolErrorsAreRuntime() {
            assertThat(run("raise ToolError('made by the program', 'fail')").error().type()).isEqualTo(ErrorType.RUNTIME);
            assertThat(run("class T(ToolError): pass\nraise T('subclass')").error().type()).isEqualTo(ErrorType.RUNTIME);
            assertThat(run("""
                    try:
                        call_tool('fail')
                    except ToolError as e:
                        caught = e
                    e2 = ToolError(str(caught), 'fail')
                    del caught
                    raise e2""").error().type()).isEqualTo(ErrorType.RUNTIME);
            assertThat(run("""
                    class E(Exception):
                        @property
                        def __class__(self): return ToolError
                    raise E('x')""").error().type()).isEqualTo(ErrorType.RUNTIME);
        }

        @Test
        void exceptionsThatOnlyClaimToBeStackOverflowsAreRuntime() {
            assertThat(run("""
                    class E(Exception):
                        @property
                        def __class__(self): return RecursionError
                    raise E('maximum recursion depth exceeded')""").error().type()).isEqualTo(ErrorType.RUNTIME);
            assertThat(run("raise MemoryError('out of memory')").error().type()).isEqualTo(ErrorType.RUNTIME);
        }

        @Test
        void theToolErrorClassCannotBeRewired() {
            ExecutionResult r = run("""
                    ToolError.__init__ = lambda self, *a: None
                    try:
                        call_tool('fail')
                    except ToolError as e:
                        out = [isinstance(e, ToolError), type(e).__name__, e.tool]
                    out""");
            assertThat(r.error()).as("%s", r.error()).isNull();
            assertThat(r.resultJson()).isEqualTo("[true,\"ToolError\",\"fail\"]");
        }

        @Test
        void anExceptionWhoseTextCannotBeMadeIsDescribedWithoutIt() {
            ExecutionResult r = run("""
                    class E(Exception):
                        def __str__(self): raise ValueError('no text')
                        def __repr__(self): raise ValueError('no repr')
                    raise E()""");
            assertThat(r.error().type()).isEqualTo(ErrorType.RUNTIME);
            assertThat(r.error().name()).isEqualTo("E");
        }

        @Test
        void aHugeExceptionMessageIsClippedNotAnOutputLimit() {
            ExecutionResult r = run("raise ValueError('m' * (1 << 20))");
            assertThat(r.error().type()).isEqualTo(ErrorType.RUNTIME);
            assertThat(r.error().message()).hasSizeLessThan(20_000).contains("more characters");
        }
    }

    /** One nesting limit for JSON between program and host, the same in every backend. */
    @Nested
    class DeepJson {
        private static final int TOO_DEEP = JsonNesting.MAX_DEPTH + 1;

        private static String nested(int depth) {
            return "v = []\nfor _ in range(" + (depth - 1) + "): v = [v]\n";
        }

        @Test
        void argumentsAtTheLimitReachTheTool() {
            ExecutionResult r = run(nested(JsonNesting.MAX_DEPTH) + """
                    back, depth = call_tool('echo', v), 0
                    while isinstance(back, list):
                        back, depth = back[0] if back else None, depth + 1
                    depth""");
            assertThat(r.error()).as("%s", r.error()).isNull();
            assertThat(r.resultJson()).isEqualTo(String.valueOf(JsonNesting.MAX_DEPTH));
        }

        @Test
        void argumentsPastTheLimitAreACatchableToolError() {
            ExecutionResult r = run(nested(TOO_DEEP) + "try:\n    call_tool('echo', v)\nexcept ToolError as e:\n    m = [type(e).__name__, str(e)]\nm");
            assertThat(r.error()).as("%s", r.error()).isNull();
            assertThat(r.resultJson()).isEqualTo("[\"ToolError\",\"JSON nested " + TOO_DEEP
                    + " levels deep in the arguments of 'echo'; the limit is 500 levels\"]");
        }

        @Test
        void aResultPastTheLimitIsACatchableToolError() {
            ExecutionResult r = run("try:\n    call_tool('deep')\nexcept ToolError as e:\n    m = [type(e).__name__, str(e)]\nm");
            assertThat(r.error()).isNull();
            assertThat(r.resultJson()).isEqualTo("[\"ToolError\",\"JSON nested " + TOO_DEEP
                    + " levels deep in the result of 'deep'; the limit is 500 levels\"]");
            assertThat(run("import json\nlen(json.dumps(call_tool('deep_enough'), separators=(',', ':')))").resultJson())
                    .isEqualTo(String.valueOf(2 * JsonNesting.MAX_DEPTH));
        }

        @Test
        void aReturnedValuePastTheLimitIsARuntimeErrorThatSaysSo() {
            for (int depth : new int[] {TOO_DEEP, 1000}) {
                ExecutionResult r = run(nested(depth) + "v");
                assertThat(r.error().type()).isEqualTo(ErrorType.RUNTIME);
                assertThat(r.error().message()).isEqualTo("RangeError: JSON nested " + depth
                        + " levels deep in the returned value; the limit is 500 levels");
            }
            ExecutionResult atTheLimit = run(nested(JsonNesting.MAX_DEPTH) + "v");
            assertThat(atTheLimit.error()).isNull();
        }
    }

    @Nested
    class Limits {
        @Test
        void aResultWhoseEncodingNeverEndsIsATimeout() {
            // a dict subclass's items() is the program's code, run while the result is encoded
            ExecutionResult r = run("""
                    class D(dict):
                        def items(self):
                            while True: pass
                    D(a=1)""", DEFAULTS.withTimeout(Duration.ofMillis(300)));
            assertThat(r.error().type()).isEqualTo(ErrorType.TIMEOUT);
        }

        @Test
        void aFailureWhoseDescriptionNeverEndsIsATimeout() {
            ExecutionResult r = run("""
                    class E(Exception):
                        def __str__(self):
                            while True: pass
                    raise E()""", DEFAULTS.withTimeout(Duration.ofMillis(300)));
            assertThat(r.error().type()).isEqualTo(ErrorType.TIMEOUT);
        }

        @Test
        void aDeadlineThatInterruptsABlockedToolIsATimeoutEvenIfTheToolThenThrows() {
            ExecutionResult r = run("call_tool('block')", DEFAULTS.withTimeout(Duration.ofMillis(200)));
            assertThat(blocked.getCount()).isZero();
            assertThat(r.error().type()).isEqualTo(ErrorType.TIMEOUT);
        }

        @Test
        void aDeadlineThatInterruptsABlockedToolIsATimeoutEvenIfTheProgramThenEnds() {
            ExecutionResult r = run("call_tool('block_then_return')", DEFAULTS.withTimeout(Duration.ofMillis(200)));
            assertThat(blocked.getCount()).isZero();
            assertThat(r.error().type()).isEqualTo(ErrorType.TIMEOUT);
        }

        @Test
        void anInfiniteLoopTimesOutAtItsDeadline() {
            ExecutionResult r = run("leak = 1\nwhile True: pass", DEFAULTS.withTimeout(Duration.ofMillis(300)));
            assertThat(r.error().type()).isEqualTo(ErrorType.TIMEOUT);
            assertThat(r.error().message()).isEqualTo("the execution exceeded its 300 ms time limit");
            assertThat(r.duration()).isGreaterThanOrEqualTo(Duration.ofMillis(300))
                    .isLessThan(Duration.ofMillis(300).plus(StopMargin.LOADED_MACHINE));
        }

        @Test
        void aLoopThatCatchesEverythingIsStillStopped() {
            ExecutionResult r = run("""
                    while True:
                        try:
                            while True: pass
                        except BaseException:
                            pass
                        finally:
                            continue""", DEFAULTS.withTimeout(Duration.ofMillis(200)));
            assertThat(r.error().type()).isEqualTo(ErrorType.TIMEOUT);
            assertThat(r.duration()).isLessThan(Duration.ofMillis(200).plus(StopMargin.LOADED_MACHINE));
        }

        @Test
        void aLoopInsideOneLongCallIsStillStopped() {
            // C code that runs long without returning to the eval loop: the host's hard kill
            ExecutionResult r = run("import re\nre.match(r'(a+)+$', 'a' * 40 + 'b')", DEFAULTS.withTimeout(Duration.ofMillis(300)));
            if (backend().equals("graalpy")) {
                // GraalPy's re is TRegex, which matches this pattern in linear time: there is no long call to stop
                assertThat(r.error()).isNull();
                assertThat(r.resultJson()).isEqualTo("null");
                return;
            }
            assertThat(r.error().type()).isEqualTo(ErrorType.TIMEOUT);
            assertThat(r.duration()).isLessThan(Duration.ofMillis(300).plus(StopMargin.LOADED_MACHINE));
        }

        @Test
        void aBlockedHostFunctionIsInterruptedAtTheDeadline() {
            ExecutionResult r = run("print('going to sleep')\ncall_tool('block')", DEFAULTS.withTimeout(Duration.ofMillis(300)));
            assertThat(blocked.getCount()).isZero();
            assertThat(r.error().type()).isEqualTo(ErrorType.TIMEOUT);
            assertThat(r.stdout()).isEqualTo("going to sleep\n");
        }

        @Test
        void theCpuTimeLimitStopsASpinningProgram() {
            ExecutionResult r = run("while True: pass", DEFAULTS.withTimeout(Duration.ofSeconds(10)).withCpuTime(Duration.ofMillis(200)));
            assertThat(r.error().type()).isEqualTo(ErrorType.CPU_LIMIT);
            assertThat(r.error().message()).isEqualTo("the execution exceeded its 200 ms CPU-time limit");
            assertThat(r.duration()).isLessThan(Duration.ofSeconds(2));
        }

        @Test
        void timeSpentInToolsDoesNotCountAsProgramCpu() {
            ExecutionResult r = run("[call_tool('spin'), call_tool('spin')]", DEFAULTS.withCpuTime(Duration.ofMillis(100)));
            assertThat(r.error()).isNull();
            assertThat(r.resultJson()).isEqualTo("[true,true]");
        }

        @Test
        void unboundedRecursionIsAStackOverflow() {
            ExecutionResult r = run("def down(n): return down(n + 1) + 1\ndown(0)");
            assertThat(r.error().type()).isEqualTo(ErrorType.STACK_OVERFLOW);
            assertThat(r.error().name()).isEqualTo("RecursionError");
        }

        @Test
        void aStackOverflowCanBeCaughtByTheProgram() {
            assertThat(resultOf("def down(n): return down(n + 1) + 1\ntry:\n    down(0)\nexcept RecursionError:\n    r = 'caught'\nr"))
                    .isEqualTo("\"caught\"");
        }

        @Test
        void deeplyNestedJsonIsAStackOverflow() {
            ExecutionResult r = run("import json\nlen(json.loads('[' * 1000000 + ']' * 1000000))");
            assertThat(r.error().type()).isEqualTo(ErrorType.STACK_OVERFLOW);
        }

        @Test
        void printing100MiBStopsAtTheOutputCapWithTruncatedOutput() {
            ExecutionResult r = run("chunk = 'x' * (1 << 20)\nfor i in range(100): print(chunk)");
            assertThat(r.error().type()).isEqualTo(ErrorType.OUTPUT_LIMIT);
            assertThat(r.error().message()).isEqualTo("the program printed more than 1048576 bytes to one console stream; output was truncated");
            assertThat(r.stdout()).hasSize(ExecutionLimits.DEFAULT_OUTPUT_BYTES_PER_STREAM);
            assertThat(r.stdoutTruncated()).isTrue();
            assertThat(r.duration()).isLessThan(Duration.ofSeconds(5));
        }

        @Test
        void theOutputCapIsPerStreamAndConfigurable() {
            ExecutionResult r = run("import sys\nprint('e' * 100, file=sys.stderr)\nprint('fine')", DEFAULTS.withOutputBytesPerStream(10));
            assertThat(r.error().type()).isEqualTo(ErrorType.OUTPUT_LIMIT);
            assertThat(r.stderr()).isEqualTo("e".repeat(10));
            assertThat(r.stderrTruncated()).isTrue();
            assertThat(r.stdoutTruncated()).isFalse();
        }

        @Test
        void anOutputCapHitByAProgramThatCatchesEverythingStillStopsIt() {
            ExecutionResult r = run("""
                    while True:
                        try:
                            print('spam')
                        except BaseException:
                            pass""", DEFAULTS.withOutputBytesPerStream(1000).withTimeout(Duration.ofSeconds(10)));
            assertThat(r.error().type()).isEqualTo(ErrorType.OUTPUT_LIMIT);
            assertThat(r.stdout()).hasSize(1000);
            assertThat(r.duration()).isLessThan(Duration.ofSeconds(2));
        }

        @Test
        void anOversizedResultIsAnOutputLimit() {
            ExecutionResult r = run("'x' * (3 << 20)");
            assertThat(r.error().type()).isEqualTo(ErrorType.OUTPUT_LIMIT);
            assertThat(r.error().message()).isEqualTo("RangeError: the result is 3145751 bytes of JSON, the limit is 2097152 bytes");
        }
    }
}
