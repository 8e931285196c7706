package dev.codeact.spring.sandbox.graal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.codeact.hyperlight.ErrorType;
import dev.codeact.hyperlight.ExecutionError;
import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.HostFunctionException;
import dev.codeact.hyperlight.HostFunctions;
import dev.codeact.hyperlight.GuestImage;
import dev.codeact.hyperlight.MicroVm;
import dev.codeact.hyperlight.RequiresKvm;
import dev.codeact.hyperlight.memory.GuestMemorySizes;
import dev.codeact.spring.sandbox.Language;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The GraalPy backend keeps the Python program contract (boot.py's, the KVM guest's own code) and the limits it
 * claims to enforce. Each execution takes a freshly booted context; the first boot, of the engine, takes seconds.
 */
class GraalPySandboxTest {
    private static final HostFunctions TOOLS = HostFunctions.builder()
            .register("echo", HostFunctions.echo())
            .register("fail", args -> {
                throw new HostFunctionException("no customer with that email");
            })
            .build();

    private static GraalPyCodeSandbox sandbox;

    @BeforeAll
    static void start() {
        long started = System.nanoTime();
        sandbox = GraalPyCodeSandbox.create();
        System.out.printf("graalpy: create (engine, first boot, warm-up execution) %.0f ms%n",
                (System.nanoTime() - started) / 1e6);
    }

    @AfterAll
    static void stop() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    private static ExecutionResult run(String program) {
        return run(program, TOOLS, ExecutionLimits.defaults());
    }

    private static ExecutionResult run(String program, HostFunctions functions, ExecutionLimits limits) {
        return sandbox.execute(Language.PYTHON, program, functions, limits);
    }

    @Test
    void runsPythonOnly() {
        assertThat(sandbox.backend()).isEqualTo("graalpy");
        assertThat(sandbox.languages()).isEqualTo(Set.of(Language.PYTHON));
        assertThatThrownBy(() -> sandbox.execute(Language.JAVASCRIPT, "1", HostFunctions.none(), ExecutionLimits.defaults()))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("graalpy");
    }

    @Test
    void theFinalExpressionIsTheResultAndPrintGoesToItsStream() {
        ExecutionResult r = run("import sys\nprint('hello', 6 * 7)\nprint('careful', file=sys.stderr)\n"
                + "{'a': [1, 2.5, None, True], 'big': 2 ** 70}");

        assertThat(r.error()).isNull();
        assertThat(r.stdout()).isEqualTo("hello 42\n");
        assertThat(r.stderr()).isEqualTo("careful\n");
        assertThat(r.resultJson()).isEqualTo("{\"a\":[1,2.5,null,true],\"big\":1180591620717411303424}");
        assertThat(run("x = 1").resultJson()).isEqualTo("null");
    }

    @Test
    void callToolTakesADictOrKeywordsAndCanBeAwaited() {
        ExecutionResult r = run("a = call_tool('echo', {'q': 1})\nb = call_tool('echo', q=2, n=[1, 2])\n"
                + "c = await call_tool('echo', {'big': 12345678901234567890})\n[a, b, c]");

        assertThat(r.error()).isNull();
        assertThat(r.resultJson()).isEqualTo("[{\"q\":1},{\"q\":2,\"n\":[1,2]},{\"big\":12345678901234567890}]");
        assertThat(r.hostCalls()).isEqualTo(3);
    }

    @Test
    void aFailedToolRaisesToolErrorWhichTheProgramCanCatch() {
        ExecutionResult caught = run("try:\n    call_tool('fail', email='x')\nexcept ToolError as e:\n    r = [str(e), e.tool]\nr");
        assertThat(caught.error()).isNull();
        assertThat(caught.resultJson()).isEqualTo("[\"no customer with that email\",\"fail\"]");

        ExecutionResult uncaught = run("call_tool('fail', email='x')");
        assertThat(uncaught.error().type()).isEqualTo(ErrorType.HOST_FUNCTION_ERROR);
        assertThat(uncaught.error().message()).contains("no customer with that email");
    }

    @Test
    void aSyntaxErrorIsSyntax() {
        ExecutionResult r = run("def f(:\n    pass");

        assertThat(r.error().type()).isEqualTo(ErrorType.SYNTAX);
        assertThat(r.error().name()).isEqualTo("SyntaxError");
        assertThat(r.error().stack()).contains("File \"<program>\", line 1");
    }

    @Test
    void anUncaughtExceptionIsRuntimeWithTheProgramsTracebackOnly() {
        ExecutionResult r = run("def check(n):\n    raise ValueError('bad value %d' % n)\ncheck(3)");

        assertThat(r.error().type()).isEqualTo(ErrorType.RUNTIME);
        assertThat(r.error().message()).isEqualTo("ValueError: bad value 3");
        assertThat(r.error().stack()).contains("File \"<program>\", line 3, in <module>", "File \"<program>\", line 2, in check")
                .doesNotContain("boot.py");
    }

    @Test
    void aRunawayLoopIsStoppedAtItsDeadline() {
        Duration timeout = Duration.ofMillis(1500);
        ExecutionResult r = run("while True:\n    pass", HostFunctions.none(), ExecutionLimits.defaults().withTimeout(timeout));

        assertThat(r.error().type()).isEqualTo(ErrorType.TIMEOUT);
        assertThat(r.duration()).isLessThan(timeout.plusSeconds(1));
        assertThat(run("1 + 1").resultJson()).isEqualTo("2");
    }

    @Test
    void aRunawayLoopIsStoppedAtItsCpuLimit() {
        ExecutionResult r = run("while True:\n    pass", HostFunctions.none(),
                ExecutionLimits.defaults().withTimeout(Duration.ofSeconds(60)).withCpuTime(Duration.ofMillis(500)));

        assertThat(r.error().type()).isEqualTo(ErrorType.CPU_LIMIT);
    }

    @Test
    void aToolThatBlocksPastTheDeadlineIsInterrupted() {
        CountDownLatch interrupted = new CountDownLatch(1);
        HostFunctions blocking = HostFunctions.builder().register("wait", args -> {
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
            return "null";
        }).build();
        Duration timeout = Duration.ofMillis(1000);

        ExecutionResult r = run("call_tool('wait')\n'finished'", blocking, ExecutionLimits.defaults().withTimeout(timeout));

        assertThat(r.error().type()).isEqualTo(ErrorType.TIMEOUT);
        assertThat(r.resultJson()).isNull();
        assertThat(r.duration()).isLessThan(timeout.plusSeconds(1));
        assertThat(interrupted.getCount()).isZero();
    }

    @Test
    void deepRecursionIsAStackOverflow() {
        ExecutionResult depth = run("d = 0\ndef f(n):\n    global d\n    d = n\n    return f(n + 1)\n"
                + "try:\n    f(0)\nexcept RecursionError:\n    pass\nd");
        assertThat(depth.error()).isNull();
        // the guest's recursion limit is 1000; GraalPy runs out of the Java stack sized for it there while HotSpot
        // interprets GraalPy, and deeper once HotSpot has compiled it (smaller frames: 2,963 seen): which of the two
        // depends on what ran before, so the bounds are what a program can count on and what the stack size caps
        assertThat(Integer.parseInt(depth.resultJson())).isBetween(700, 6000);

        ExecutionResult r = run("def f(n):\n    return f(n + 1)\nf(0)");
        assertThat(r.error().type()).isEqualTo(ErrorType.STACK_OVERFLOW);
        assertThat(r.error().name()).isEqualTo("RecursionError");
    }

    @Test
    void runningOutOfMemoryIsOutOfMemoryAndTheNextExecutionRuns() {
        // the heap of this test's JVM is bounded (the module's surefire argLine): GraalPy raises MemoryError there
        ExecutionResult r = run("hoard = []\nwhile True:\n    hoard.append(bytearray(32 * 1024 * 1024))");

        assertThat(r.error().type()).isEqualTo(ErrorType.OUT_OF_MEMORY);
        assertThat(r.error().message()).contains("cannot enforce");
        assertThat(run("len(bytearray(1024))").resultJson()).isEqualTo("1024");
    }

    @Test
    void outputPastItsCapStopsTheExecution() {
        ExecutionResult r = run("while True:\n    print('x' * 100)", HostFunctions.none(),
                ExecutionLimits.defaults().withOutputBytesPerStream(4096));

        assertThat(r.error().type()).isEqualTo(ErrorType.OUTPUT_LIMIT);
        assertThat(r.stdoutTruncated()).isTrue();
        assertThat(r.stdout().length()).isLessThanOrEqualTo(4096);
    }

    @Test
    void toolCallsPastTheirLimitFail() {
        ExecutionLimits limits = ExecutionLimits.defaults();
        ExecutionLimits twoCalls = new ExecutionLimits(limits.timeout(), limits.cpuTime(), limits.memoryBytes(),
                limits.stackBytes(), limits.outputBytesPerStream(), limits.maxHostCallRequestBytes(),
                limits.maxHostCallResultBytes(), 2);

        ExecutionResult r = run("for i in range(5):\n    call_tool('echo', i=i)", TOOLS, twoCalls);

        assertThat(r.error().type()).isEqualTo(ErrorType.HOST_FUNCTION_ERROR);
        assertThat(r.error().message()).contains("calls: the limit is 2 per execution");
        assertThat(r.hostCalls()).isEqualTo(3); // the refused call counts
    }

    @Test
    void aRequestPastItsSizeLimitFailsAsAToolError() {
        ExecutionResult r = run("try:\n    call_tool('echo', s='x' * 5000)\nexcept ToolError as e:\n    r = str(e)\nr",
                TOOLS, ExecutionLimits.defaults().withHostCallSizes(1024, 1024));

        assertThat(r.error()).isNull();
        assertThat(r.resultJson()).contains("arguments too large", "the limit is 1024 bytes");
    }

    @Test
    void theProgramHasNoHostFilesEnvironmentProcessesThreadsNativeCodeOrHostClasses() {
        assertThat(run("open('/etc/passwd').read()").error().message()).startsWith("FileNotFoundError");
        assertThat(run("import os\nos.listdir('/')").error().message()).startsWith("FileNotFoundError");
        // neither the host's variables nor the one GraalPy puts there for itself
        assertThat(run("import os\nsorted(os.environ)").resultJson()).isEqualTo("[]");
        assertThat(run("import os\nos.system('id')").error().message()).startsWith("PermissionError");
        // GraalPy imports subprocess at start-up; the program is refused it as in the guest
        assertThat(run("import subprocess\nsubprocess.run(['id'])").error().message())
                .startsWith("ModuleNotFoundError: No module named 'subprocess'");
        assertThat(run("import ctypes").error().message()).startsWith("ModuleNotFoundError");
        assertThat(run("import threading\nthreading.Thread(target=print).start()").error().message())
                .startsWith("RuntimeError: threads are not available");
        // nor the JVM's classes, nor other languages: refused at the import as in the guest, and by the context itself
        // for a program that takes boot.py's refusal out of the import system
        assertThat(run("import java").error().message())
                .isEqualTo("ModuleNotFoundError: No module named 'java': the sandbox has no host access");
        String unrefused = "import sys\nsys.meta_path[:] = [f for f in sys.meta_path if 'Unavailable' not in repr(f)]\n";
        assertThat(run(unrefused + "import java\njava.type('java.lang.Runtime')").error().message())
                .isEqualTo("NotImplementedError: host lookup is not allowed");
        assertThat(run(unrefused + "import polyglot\npolyglot.eval(language='js', string='1')").error().message())
                .isEqualTo("RuntimeError: polyglot access is not allowed");
    }

    @Test
    void nothingAnExecutionDoesReachesTheNext() {
        assertThat(run("import statistics, builtins\nstatistics.mean = None\nbuiltins.leak = 1\nglobal_state = 2").error())
                .isNull();

        ExecutionResult next = run("import statistics, builtins\n"
                + "[statistics.mean([1, 2]), hasattr(builtins, 'leak'), 'global_state' in dir()]");
        assertThat(next.error()).isNull();
        assertThat(next.resultJson()).isEqualTo("[1.5,false,false]");
    }

    @Test
    void theStandardLibraryIsThere() {
        ExecutionResult r = run("""
                import json, datetime, collections, statistics, re
                from zoneinfo import ZoneInfo
                orders = [{"day": "2024-01-%02d" % (i % 28 + 1), "eur": i * 1.5} for i in range(100)]
                by_day = collections.Counter(o["day"] for o in orders)
                [statistics.mean(o["eur"] for o in orders), by_day.most_common(1)[0][1],
                 datetime.datetime(2024, 1, 15, 13, 5, tzinfo=ZoneInfo("UTC")).isoformat(), bool(re.match(r"\\d+", "42"))]""");

        assertThat(r.error()).isNull();
        assertThat(r.resultJson()).isEqualTo("[74.25,4,\"2024-01-15T13:05:00+00:00\",true]");
    }

    /** The same programs on the KVM guest's CPython 3.13 and on GraalPy: the same outcomes. */
    @Test
    @RequiresKvm
    void theKvmGuestAndGraalPyAgree() {
        String[] programs = {
            "print('hello', 6 * 7)\n{'a': [1, 2.5, None, True], 'big': 2 ** 70}",
            "a = call_tool('echo', {'q': 1})\nb = await call_tool('echo', q=2)\n[a, b]",
            "try:\n    call_tool('fail', email='x')\nexcept ToolError as e:\n    r = [str(e), e.tool]\nr",
            "call_tool('fail', email='x')",
            "def check(n):\n    raise ValueError('bad value %d' % n)\ncheck(3)",
            "def f(n):\n    return f(n + 1)\nf(0)",
        };
        try (MicroVm vm = MicroVm.start(GuestImage.python(), GuestMemorySizes.defaults())) {
            for (String program : programs) {
                ExecutionResult guest = vm.execute(program, TOOLS, ExecutionLimits.defaults());
                ExecutionResult graalPy = run(program);
                assertThat(outcome(graalPy)).as(program).isEqualTo(outcome(guest));
            }
        }
    }

    /**
     * A SyntaxError's message is each parser's own (GraalPy's is Python 3.12's, the guest's 3.13's), so only its
     * type, name and the program's line in the traceback are compared.
     */
    @Test
    @RequiresKvm
    void theKvmGuestAndGraalPyAgreeOnSyntaxErrors() {
        String program = "x = 1\ndef f(:\n    pass";
        try (MicroVm vm = MicroVm.start(GuestImage.python(), GuestMemorySizes.defaults())) {
            ExecutionError guest = vm.execute(program, TOOLS, ExecutionLimits.defaults()).error();
            ExecutionError graalPy = run(program).error();
            assertThat(List.of(graalPy.type(), graalPy.name())).isEqualTo(List.of(guest.type(), guest.name()));
            assertThat(guest.stack()).contains("File \"<program>\", line 2");
            assertThat(graalPy.stack()).contains("File \"<program>\", line 2");
        }
    }

    /** What a program sees of its execution: output, result, and the error's type, name and message. */
    private static List<Object> outcome(ExecutionResult r) {
        ExecutionError e = r.error();
        return Arrays.asList(r.stdout(), r.stderr(), r.resultJson(), e == null ? null : e.type(), e == null ? null : e.name(),
                e == null ? null : e.message());
    }
}
