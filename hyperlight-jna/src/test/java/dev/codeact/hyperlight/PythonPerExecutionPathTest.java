package dev.codeact.hyperlight;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.hyperlight.memory.GuestMemorySizes;
import dev.codeact.hyperlight.memory.SlotSnapshot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the Python guest's cheaper per-execution path must keep: programs compiled in C with their final expression as
 * the result (src-guest/python/program_compile.c), those with await through the ast module, the boot's objects
 * immortal (immortal.c), calloc trusting fresh heap memory to be zero (platform/heap.c), and the pages an execution
 * writes staying few.
 */
@RequiresKvm
class PythonPerExecutionPathTest {
    private static MicroVm vm;
    private static final HostFunctions ECHO = HostFunctions.builder().register("echo", HostFunctions.echo()).build();

    @BeforeAll
    static void start() {
        vm = MicroVm.start(GuestImage.python(), GuestMemorySizes.defaults());
    }

    @AfterAll
    static void stop() {
        if (vm != null) {
            vm.close();
        }
    }

    private static ExecutionResult run(String program) {
        return vm.execute(program, ECHO, ExecutionLimits.defaults());
    }

    @Test
    void theFinalExpressionIsTheResultWhereverItStartsAndEnds() {
        assertThat(run("x = 20\n(x +\n 22)").resultJson()).isEqualTo("42");
        assertThat(run("x = 1; x + 1").resultJson()).isEqualTo("2");
        assertThat(run("if True:\n    1\n").resultJson()).isEqualTo("null");
        assertThat(run("").resultJson()).isEqualTo("null");
        assertThat(run("# -*- coding: latin-1 -*-\n'é'").resultJson()).isEqualTo("\"é\""); // the cookie is ignored for a str, as compile() does
    }

    @Test
    void awaitStillGoesThroughTheAstPath() {
        ExecutionResult r = run("r = await call_tool('echo', {'v': 1})\nr['v'] + 1");
        assertThat(r.success()).as("%s", r.error()).isTrue();
        assertThat(r.resultJson()).isEqualTo("2");
        assertThat(run("async def f():\n    return 3\nawait f()").resultJson()).isEqualTo("3");
    }

    @Test
    void syntaxErrorsAndTracebacksKeepTheProgramsLines() {
        ExecutionResult syntax = run("x = 1\ndef f(:\n");
        assertThat(syntax.error().type()).isEqualTo(ErrorType.SYNTAX);
        assertThat(syntax.error().stack()).contains("line 2").contains("def f(:");

        ExecutionResult nul = run("x = '\0'");
        assertThat(nul.error().type()).isEqualTo(ErrorType.SYNTAX);
        assertThat(nul.error().message()).contains("null bytes");

        ExecutionResult raised = run("def f():\n    return 1 / 0\nf()");
        assertThat(raised.error().type()).isEqualTo(ErrorType.RUNTIME);
        assertThat(raised.error().stack()).contains("line 2, in f").contains("return 1 / 0")
                .contains("ZeroDivisionError: division by zero");
    }

    @Test
    void aProgramChangingBootObjectsLeavesTheNextOneTheBootsObjects() {
        assertThat(run("import json, sys\njson.dumps = None\ndel sys.modules['re']\nsys.__dict__.clear()\n1").success())
                .isTrue();
        ExecutionResult after = run("import json, re, sys\n[json.dumps({'a': 1}), re.sub('a', 'b', 'a'), len(sys.modules) > 50]");
        assertThat(after.success()).as("%s", after.error()).isTrue();
        assertThat(after.resultJson()).isEqualTo("[\"{\\\"a\\\": 1}\",\"b\",true]");
    }

    @Test
    void zeroedMemoryIsZeroWhateverRanBefore() {
        run("b = bytearray(1 << 20)\nfor i in range(0, len(b), 4096): b[i] = 255\nlen(b)");
        ExecutionResult r = run("import array\nb = bytearray(1 << 20)\na = array.array('q', bytes(1 << 16))\n"
                + "[b.count(0), a.count(0), sum(bytes(100000))]");
        assertThat(r.resultJson()).isEqualTo("[1048576,8192,0]");
    }

    @Test
    void aTrivialExecutionWritesFewPages() {
        // 142 before the per-execution path was made cheaper, 28 after, 32 with the file, fetch and tool services and
        // the static TLS (python/NOTES.md, Speed); the bound leaves half again for noise
        assertThat(pagesRestoredPerRun("1+1", "2")).isLessThan(48);
    }

    @Test
    void aToolCallWritesFewPages() {
        // 162 before the per-execution path was made cheaper, 40 after the merge with main's driver (python/NOTES.md)
        assertThat(pagesRestoredPerRun("call_tool('echo', {'v': 1})['v']", "1")).isLessThan(64);
    }

    /** Steady state: the other tests' programs' pages stay writable and are copied back at every restore until the
     * next relearn (SlotSnapshot.RELEARN_EVERY_RESTORES), so the measured runs come after more runs than that. */
    private static double pagesRestoredPerRun(String program, String result) {
        for (int i = 0; i < SlotSnapshot.RELEARN_EVERY_RESTORES + 36; i++) {
            run(program);
        }
        VmCounters.Totals before = vm.counters();
        int runs = 50;
        for (int i = 0; i < runs; i++) {
            assertThat(run(program).resultJson()).isEqualTo(result);
        }
        double pages = (double) vm.counters().minus(before).restoredPages() / runs;
        System.out.printf("python guest: %s restores %.1f pages per run%n", program, pages);
        return pages;
    }
}
