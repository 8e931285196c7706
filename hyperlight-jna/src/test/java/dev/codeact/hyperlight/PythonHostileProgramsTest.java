package dev.codeact.hyperlight;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.hyperlight.memory.GuestMemorySizes;
import dev.codeact.hyperlight.memory.RestoreStrategy;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link HostileProgramsTest} for the Python guest: programs written to break the VM, each followed on the same VM by
 * a check that its memory is byte for byte the snapshot's and that the next execution sees nothing of it: every way
 * of running out of memory, C recursion, runaway C code, big-integer bombs, and programs that change the runtime's
 * own modules (json, builtins, sys, gc, random, decimal, ...) to reach the next execution or the outcome.
 */
@RequiresKvm
class PythonHostileProgramsTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final long LARGEST_LIMIT_BYTES = 128L << 20;
    /** One VM, so that each program's successor runs where it ran; the caller's thread enters it. */
    private static MicroVm vm;

    @BeforeAll
    static void boot() {
        vm = MicroVm.start(GuestImage.python(), GuestMemorySizes.forMemoryLimit(LARGEST_LIMIT_BYTES),
                RestoreStrategy.DIRTY_PAGE_COPY, VcpuThreading.CALLER);
    }

    @AfterAll
    static void close() {
        vm.close();
    }

    private static ExecutionResult run(String code, ExecutionLimits limits) {
        ExecutionResult r = vm.execute(code, SharedPool.ECHO, limits);
        vm.restore();
        assertThat(vm.firstAddressDifferingFromSnapshot()).as("memory after %s", code).isEmpty();
        return r;
    }

    private static ExecutionResult run(String code) {
        return run(code, ExecutionLimits.defaults());
    }

    /**
     * The successor of every hostile program: the runtime's modules are as booted, and its clocks agree with the host's.
     */
    private static void theNextExecutionIsUntouched() {
        long before = System.currentTimeMillis();
        ExecutionResult r = run("""
                import time, json, sys, builtins, gc, decimal, os, random, re
                t0, m0 = time.time(), time.monotonic()
                while time.monotonic() - m0 < 0.02: pass
                print('printed')
                [t0 * 1000, (time.monotonic() - m0) * 1000, (time.time() - t0) * 1000, json.dumps({'a': [1]}), json.loads('[2]'),
                 sys.getrecursionlimit(), sys.get_int_max_str_digits(), gc.isenabled(), decimal.getcontext().prec,
                 'LEAK' in os.environ, hasattr(builtins, 'leak'), 'leak' in globals(), str(1.5), len(sys.meta_path) >= 2,
                 re.sub('a', 'b', 'aa'), type(sys.stdout).__name__, float('1e3') == 1000.0]""");
        long after = System.currentTimeMillis();
        assertThat(r.error()).as("%s", r.error()).isNull();
        assertThat(r.stdout()).isEqualTo("printed\n");
        JsonNode v = JSON.readTree(r.resultJson());
        assertThat(v.get(0).asDouble()).as("time.time() at the start").isBetween(before - 1.0, after + 1.0);
        assertThat(v.get(1).asDouble()).as("a 20 ms wait by time.monotonic()").isLessThanOrEqualTo(r.duration().toMillis() + 1.0);
        assertThat(v.get(2).asDouble()).as("the same wait by time.time()").isLessThanOrEqualTo(r.duration().toMillis() + 1.0);
        assertThat(r.resultJson()).endsWith(",\"{\\\"a\\\": [1]}\",[2],1000,4300,true,28,false,false,false,\"1.5\",true,\"bb\","
                + "\"_Console\",true]");
    }

    @Nested
    class RunningOutOfMemory {
        static Stream<Arguments> programs() {
            List<String> programs = List.of(
                    "leak = 1\nx = [0] * (10 ** 9)",
                    "hoard = []\nwhile True: hoard.append([0] * 1000)",
                    "bytearray(10 ** 10)",
                    "'x' * 10 ** 10",
                    "s = 'x'\nwhile True: s = s * 2",
                    "d = {}\ni = 0\nwhile True:\n    d[i] = str(i) * 10\n    i += 1",
                    "def g():\n    while True: yield [0] * 1000\nlist(g())",
                    "import gc\ngc.disable()\nwhile True:\n    a = [[0] * 100]\n    a.append(a)",
                    "[0] * (2 ** 62)",
                    "list(range(2 ** 62))",
                    "(1).to_bytes(2 ** 40, 'big')",
                    "import sys\nsys.setrecursionlimit(10 ** 9)\ndef down(n): return down(n + 1)\ndown(0)",
                    "import json\nparts = []\nwhile True: parts.append(json.dumps({'i': len(parts), 'text': 'abcdefghij' * 10}))",
                    "while True:\n    try:\n        hoard = bytearray(10 ** 9)\n    except MemoryError:\n        pass",
                    "class Big(dict):\n    def items(self):\n        return [('k' + str(i), 'v' * 1000) for i in range(10 ** 6)]\nBig(a=1)",
                    "import io\nb = io.BytesIO()\nwhile True: b.write(b'x' * 65536)",
                    "hoard = []\ntry:\n    while True: hoard.append('y' * 65536 + str(len(hoard)))\nexcept MemoryError:\n    hoard = None\n'recovered'");
            return Stream.of(16, 64).flatMap(mib -> programs.stream().map(p -> Arguments.of(mib, p)));
        }

        @ParameterizedTest(name = "{0} MiB: {1}")
        @MethodSource("programs")
        void everyWayIsOutOfMemory(int limitMiB, String program) {
            ExecutionResult r = run(program, ExecutionLimits.defaults().withMemoryBytes((long) limitMiB << 20));
            assertThat(r.error()).as("outcome of %s", program).isNotNull();
            assertThat(r.error().type()).as("%s", r.error()).isEqualTo(ErrorType.OUT_OF_MEMORY);
            assertThat(r.error().message()).isEqualTo("the program ran out of memory: its limit is " + limitMiB + " MiB");
            theNextExecutionIsUntouched();
        }

        @ParameterizedTest(name = "{0} MiB")
        @ValueSource(ints = {16, 32, 64, 128})
        void aLongListAtEveryLimit(int limitMiB) {
            ExecutionResult r = run("hoard = []\nwhile True: hoard.append({'n': len(hoard)})",
                    ExecutionLimits.defaults().withMemoryBytes((long) limitMiB << 20));
            assertThat(r.error().type()).as("%s", r.error()).isEqualTo(ErrorType.OUT_OF_MEMORY);
            theNextExecutionIsUntouched();
        }

        @Test
        void memoryWellUnderTheLimitIsUsable() {
            ExecutionResult r = run("a = [{'i': i} for i in range(30000)]\nlen(a)", ExecutionLimits.defaults().withMemoryBytes(16L << 20));
            assertThat(r.error()).isNull();
            assertThat(r.resultJson()).isEqualTo("30000");
        }

        @Test
        void aMemoryErrorTheProgramRaisesIsOnlyAnException() {
            ExecutionResult r = run("raise MemoryError('out of memory')");
            assertThat(r.error().type()).isEqualTo(ErrorType.RUNTIME);
            assertThat(r.error().message()).isEqualTo("MemoryError: out of memory");
            theNextExecutionIsUntouched();
        }
    }

    @Nested
    class DeepStructuresInCCode {
        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"repr(x)", "str(x)", "import json\njson.dumps(x)", "import pickle\npickle.dumps(x)", "import copy\ncopy.deepcopy(x)",
                "y = []\nfor _ in range(100000): y = [y]\nx == y", "x"})
        void deepNestingIsAStackOverflowNotACrash(String use) {
            // the C recursion limit (python/patches/0002) is not the one sys.setrecursionlimit raises
            ExecutionResult r = run("import sys\nsys.setrecursionlimit(10 ** 9)\nx = []\nfor _ in range(100000): x = [x]\n" + use);
            assertThat(r.error()).as(use).isNotNull();
            assertThat(r.error().type()).as("%s: %s", use, r.error()).isEqualTo(ErrorType.STACK_OVERFLOW);
            assertThat(r.error().name()).isEqualTo("RecursionError");
            theNextExecutionIsUntouched();
        }

        @Test
        void deepRecursionInPythonCodeOfTheStandardLibraryIsAStackOverflow() {
            ExecutionResult r = run("import pprint\nx = []\nfor _ in range(100000): x = [x]\npprint.pformat(x)");
            assertThat(r.error().type()).as("%s", r.error()).isEqualTo(ErrorType.STACK_OVERFLOW);
            theNextExecutionIsUntouched();
        }

        @Test
        void deepJsonTextIsAStackOverflow() {
            ExecutionResult r = run("import json\njson.loads('[' * 100000 + ']' * 100000)");
            assertThat(r.error().type()).isEqualTo(ErrorType.STACK_OVERFLOW);
            theNextExecutionIsUntouched();
        }
    }

    @Nested
    class RunawayComputation {
        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"import re\nre.match(r'(a+)+$', 'a' * 64 + 'b')", "x = 10 ** 10 ** 8", "pow(3, 10 ** 9)",
                "import math\nmath.factorial(10 ** 8)", "sum(range(10 ** 13))"})
        void longRunningCodeStopsAtTheDeadline(String program) {
            ExecutionResult r = run(program, ExecutionLimits.defaults().withTimeout(Duration.ofMillis(400)));
            assertThat(r.error().type()).as("%s", r.error()).isEqualTo(ErrorType.TIMEOUT);
            assertThat(r.duration()).isLessThan(Duration.ofMillis(400).plus(StopMargin.LOADED_MACHINE));
            theNextExecutionIsUntouched();
        }

        @Test
        void aLongSleepEndsAtTheDeadline() {
            // time.sleep is a SLEEP exit to the host, which bounds it by the execution's deadline
            ExecutionResult r = run("import time\ntime.sleep(3600)", ExecutionLimits.defaults().withTimeout(Duration.ofMillis(300)));
            assertThat(r.error().type()).as("%s", r.error()).isEqualTo(ErrorType.TIMEOUT);
            assertThat(r.duration()).isLessThan(Duration.ofMillis(300).plus(StopMargin.LOADED_MACHINE));
            theNextExecutionIsUntouched();
        }

        @Test
        void bigIntegerTextIsBoundedByCpythonsDigitLimit() {
            ExecutionResult r = run("int('9' * 10 ** 7)");
            assertThat(r.error().type()).isEqualTo(ErrorType.RUNTIME);
            assertThat(r.error().message()).startsWith("ValueError: Exceeds the limit (4300 digits) for integer string conversion");
            assertThat(run("str(10 ** 5000)").error().message()).contains("Exceeds the limit (4300 digits)");
            // a program may lift the limit for itself; the next one has it again
            assertThat(run("import sys\nsys.set_int_max_str_digits(0)\nlen(str(10 ** 5000))").resultJson()).isEqualTo("5001");
            theNextExecutionIsUntouched();
        }
    }

    /** What a program changes in the runtime's own modules is gone for the next execution, and never shapes the outcome. */
    @Nested
    class TamperingWithTheRuntime {
        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {
                "import json\njson.dumps = json.loads = None\njson.encoder.c_make_encoder = None",
                "import builtins\nbuiltins.leak = 1\ndel builtins.print\nbuiltins.str = builtins.len = builtins.isinstance = None",
                "import sys\nsys.setrecursionlimit(50)\nsys.set_int_max_str_digits(0)\nsys.meta_path.clear()\nsys.modules.clear()",
                "import sys\nclass Bad:\n    def write(self, s): raise OSError('no')\nsys.stdout = sys.stderr = Bad()",
                "import gc\ngc.disable()\ngc.freeze()\ngc.set_threshold(1)",
                "import decimal, os\ndecimal.getcontext().prec = 2\nos.environ['LEAK'] = '1'",
                "import re, codecs\nre.purge()\ncodecs.register(lambda name: None)\nre.sub = None",
                "import random\nrandom.seed(1)\nrandom.random = lambda: 0.5",
                "import sys\nsys.float_info = sys.maxsize = sys.version = None",
                "import time\ntime.time = lambda: 0\ntime.monotonic = lambda: 0",
                "import _codeact\n_codeact.write = _codeact.host_call = _codeact.source = None",
                "runtime = call_tool.__globals__\nfor k in list(runtime):\n    if not k.startswith('__'): runtime[k] = None",
                "import sys\nsys.modules['__main__'].__dict__.clear()\nleak = 1"})
        void theNextExecutionSeesNothingOfIt(String program) {
            ExecutionResult r = run(program + "\n'done'");
            assertThat(r.error()).as("%s", r.error()).isNull();
            assertThat(r.resultJson()).isEqualTo("\"done\"");
            theNextExecutionIsUntouched();
        }

        @Test
        void randomDiffersEvenAfterAProgramSeedsIt() {
            run("import random\nrandom.seed(1)\nrandom.random()");
            String first = run("import random\nrandom.random()").resultJson();
            String second = run("import random\nrandom.random()").resultJson();
            assertThat(first).isNotEqualTo(second);
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"raise SystemExit(1)", "raise KeyboardInterrupt", "raise GeneratorExit", "import sys\nsys.exit('no')",
                "class Mine(BaseException): pass\nraise Mine('x')", "import os\nos._exit(0)", "import os\nos.abort()"})
        void baseExceptionsAndExitsAreRuntimeErrors(String program) {
            ExecutionResult r = run(program);
            assertThat(r.error().type()).as("%s", r.error()).isEqualTo(ErrorType.RUNTIME);
            theNextExecutionIsUntouched();
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"float('nan')", "[float('inf')]", "{'k': object()}", "{1, 2}", "b'bytes'",
                "class R:\n    def __eq__(self, o): raise ValueError\n    def __str__(self): raise ValueError\n    def __float__(self): raise ValueError\nR()",
                "class D(dict):\n    def items(self): raise ValueError('no items')\nD(a=1)",
                "class D(dict):\n    def items(self): return [(object(), 1)]\nD(a=1)"})
        void resultsWithoutAJsonFormAreRuntimeErrors(String program) {
            ExecutionResult r = run(program);
            assertThat(r.error().type()).as("%s", r.error()).isEqualTo(ErrorType.RUNTIME);
            assertThat(r.error().message()).contains("not JSON-serialisable");
            theNextExecutionIsUntouched();
        }

        @Test
        void valuesWhoseMethodsRaiseAreEncodedByTheirValue() {
            ExecutionResult r = run("""
                    class F(float):
                        def __float__(self): raise ValueError
                        def __repr__(self): raise ValueError
                        def __eq__(self, o): raise ValueError
                    class S(str):
                        def __str__(self): raise ValueError
                        def __hash__(self): raise ValueError
                    [F(2.5), S('s'), {'k': F(1.0)}]""");
            assertThat(r.error()).as("%s", r.error()).isNull();
            assertThat(r.resultJson()).isEqualTo("[2.5,\"s\",{\"k\":1.0}]");
            theNextExecutionIsUntouched();
        }
    }
}
