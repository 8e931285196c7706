package dev.codeact.hyperlight;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.hyperlight.memory.GuestMemorySizes;
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
 * Programs written to break the micro-VM rather than to compute anything, each followed on the same VM by an
 * execution that must see nothing of it: every way of running out of memory, at several limits; programs that
 * try to learn about or disturb the next execution through the clock and the random generator; errors that try
 * to pass for another type. (The protocol-level attacks run on every backend, in {@link ExecutionContractTest}.)
 */
@RequiresKvm
class HostileProgramsTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final long LARGEST_LIMIT_BYTES = 128L << 20;
    /** One VM, so that each program's successor runs where it ran; the caller's thread enters it. */
    private static MicroVm vm;

    @BeforeAll
    static void boot() {
        vm = MicroVm.start(GuestImage.quickJs(), GuestMemorySizes.forMemoryLimit(LARGEST_LIMIT_BYTES),
                dev.codeact.hyperlight.memory.RestoreStrategy.DIRTY_PAGE_COPY, VcpuThreading.CALLER);
    }

    @AfterAll
    static void close() {
        vm.close();
    }

    private static ExecutionResult run(String code, ExecutionLimits limits) {
        ExecutionResult r = vm.execute(code, SharedPool.ECHO, limits);
        vm.restore();
        return r;
    }

    private static ExecutionResult run(String code) {
        return run(code, ExecutionLimits.defaults());
    }

    private static JsonNode resultOf(String code) {
        ExecutionResult r = run(code);
        assertThat(r.error()).as("error of %s", code).isNull();
        return JSON.readTree(r.resultJson());
    }

    /** The successor of every hostile program: it runs normally, and its clock agrees with the host's. */
    private static void theNextExecutionIsUntouched() {
        long before = System.currentTimeMillis();
        ExecutionResult r = run("""
                const d0 = Date.now(), t0 = performance.now();
                let spins = 0; while (performance.now() - t0 < 20) spins++;
                return [d0, performance.now() - t0, Date.now() - d0, typeof globalThis.leak, performance.timeOrigin];""");
        long after = System.currentTimeMillis();
        assertThat(r.error()).isNull();
        JsonNode v = JSON.readTree(r.resultJson());
        assertThat(v.get(0).asLong()).as("Date.now() at the start").isBetween(before - 1, after + 1);
        assertThat(v.get(1).asDouble()).as("a 20 ms wait measured by performance.now()").isLessThanOrEqualTo(r.duration().toMillis() + 1.0);
        assertThat(v.get(2).asDouble()).as("the same wait measured by Date.now()").isLessThanOrEqualTo(r.duration().toMillis() + 1.0);
        assertThat(v.get(3).asString()).isEqualTo("undefined");
        assertThat(v.get(4).asLong()).as("performance.timeOrigin").isBetween(before - 1, after + 1);
    }

    @Nested
    class RunningOutOfMemory {
        static Stream<Arguments> programs() {
            List<String> programs = List.of(
                    "globalThis.leak = 1; let o = null; for (let i = 0; i < 1000000; i++) o = {next: o}; return 'built';",
                    "globalThis.leak = 1; let o = null; for (;;) o = {next: o, pad: [1, 2, 3]};",
                    "let p = Promise.resolve(0); for (let i = 0; i < 300000; i++) p = p.then((x) => x + 1); return await p;",
                    "let s = 'x'; for (;;) s = s.repeat(2);",
                    "const hoard = []; for (;;) hoard.push(new Array(100000).fill(Math.random()));",
                    "const m = new Map(); for (let i = 0; ; i++) m.set('key' + i, { i });",
                    "const parts = []; for (let i = 0; ; i++) parts.push(JSON.stringify({ i, text: 'abcdefghij'.repeat(10) }));",
                    "const a = []; for (;;) { try { a.push(new Uint8Array(1 << 20)); } catch (e) { } }",
                    "function grow(n) { const here = new Array(1000).fill(n); return n === 0 ? here : [here, grow(n - 1)]; } "
                            + "const all = []; for (;;) all.push(grow(50));",
                    "return { toJSON() { const a = []; for (;;) a.push('x'.repeat(1000) + a.length); } };",
                    "const big = []; for (let i = 0; i < 3e6; i++) big.push({ i }); return big;",
                    "let chunks = []; try { for (;;) chunks.push('y'.repeat(1 << 16) + chunks.length); } catch (e) { chunks = null; return 'recovered'; }");
            return Stream.of(16, 64).flatMap(mib -> programs.stream().map(p -> Arguments.of(mib, p)));
        }

        @ParameterizedTest(name = "{0} MiB: {1}")
        @MethodSource("programs")
        void everyWayIsOutOfMemory(int limitMiB, String program) {
            ExecutionResult r = run(program, ExecutionLimits.defaults().withMemoryBytes((long) limitMiB << 20));
            assertThat(r.error()).as("outcome of %s", program).isNotNull();
            assertThat(r.error().type()).as("%s", r.error()).isEqualTo(ErrorType.OUT_OF_MEMORY);
            assertThat(r.error().message()).isEqualTo("the program ran out of memory: its limit is " + limitMiB + " MiB");
            assertThat(vm.firstAddressDifferingFromSnapshot()).isEmpty();
            theNextExecutionIsUntouched();
        }

        @ParameterizedTest(name = "{0} MiB")
        @ValueSource(ints = {16, 32, 64, 128})
        void theReportedCasesAtEveryLimit(int limitMiB) {
            for (String program : List.of(
                    "let o = null; for (let i = 0; i < 1000000; i++) o = {next: o}; return 'built';",
                    "let o = null; for (;;) o = {next: o, pad: [1, 2, 3]};",
                    "let p = Promise.resolve(0); for (let i = 0; i < 300000; i++) p = p.then((x) => x + 1); return await p;")) {
                ExecutionResult r = run(program, ExecutionLimits.defaults().withMemoryBytes((long) limitMiB << 20));
                assertThat(r.error().type()).as("%s at %d MiB: %s", program, limitMiB, r.error()).isEqualTo(ErrorType.OUT_OF_MEMORY);
            }
            theNextExecutionIsUntouched();
        }

        @Test
        void aProgramThatCatchesItsOutOfMemoryAndSpinsIsStillOutOfMemory() {
            ExecutionResult r = run("""
                    const a = [];
                    for (;;) { try { for (;;) a.push({ pad: 'z'.repeat(100) + a.length }); } catch (e) { } }""",
                    ExecutionLimits.defaults().withMemoryBytes(16L << 20).withTimeout(Duration.ofSeconds(5)));
            assertThat(r.error().type()).isEqualTo(ErrorType.OUT_OF_MEMORY);
            theNextExecutionIsUntouched();
        }

        @Test
        void memoryWellUnderTheLimitIsUsable() {
            ExecutionResult r = run("const a = []; for (let i = 0; i < 30000; i++) a.push({ i }); return a.length;",
                    ExecutionLimits.defaults().withMemoryBytes(16L << 20));
            assertThat(r.error()).isNull();
            assertThat(r.resultJson()).isEqualTo("30000");
        }
    }

    @Nested
    class Clocks {
        @Test
        void theFirstExecutionAfterBootHasTheHostsClock() {
            try (MicroVm fresh = MicroVm.start(GuestImage.quickJs(), GuestMemorySizes.defaults())) {
                long before = System.currentTimeMillis();
                ExecutionResult r = fresh.execute("return Date.now();", HostFunctions.none(), ExecutionLimits.defaults());
                long after = System.currentTimeMillis();
                assertThat(Long.parseLong(r.resultJson())).isBetween(before - 1, after + 1);
            }
        }

        @Test
        void anExecutionKilledAtItsDeadlineLeavesTheClockAlone() {
            ExecutionResult r = run("for (;;) { try { for (;;) {} } catch (e) { } }",
                    ExecutionLimits.defaults().withTimeout(Duration.ofMillis(100)));
            assertThat(r.error().type()).isEqualTo(ErrorType.TIMEOUT);
            theNextExecutionIsUntouched();
        }

        @Test
        void aCrashLeavesTheClockAlone() {
            ExecutionResult r = run("let o = null; for (;;) o = {next: o};", ExecutionLimits.defaults().withMemoryBytes(16L << 20));
            assertThat(r.error().type()).isEqualTo(ErrorType.OUT_OF_MEMORY);
            theNextExecutionIsUntouched();
        }

        @Test
        void timeOriginIsTheExecutionsOwnStartNotTheVms() {
            JsonNode first = resultOf("return [performance.timeOrigin, Date.now()];");
            long millis = System.currentTimeMillis();
            while (System.currentTimeMillis() <= millis + 1) {
                Thread.onSpinWait(); // two starts a millisecond clock can tell apart
            }
            JsonNode second = resultOf("return [performance.timeOrigin, Date.now()];");
            assertThat(second.get(0).asLong()).isGreaterThan(first.get(0).asLong());
            assertThat(second.get(1).asLong() - second.get(0).asLong()).isBetween(0L, 50L);
        }
    }

    @Nested
    class Randomness {
        /**
         * The attack on a per-execution seed drawn from ThreadLocalRandom: two outputs of Math.random give the
         * guest's xorshift64* state, the state gives the seed, and the seed gives the caller thread's
         * ThreadLocalRandom state, hence the next execution's seed and its whole sequence.
         */
        @Test
        void twoOutputsDoNotPredictTheNextExecutionsSequence() {
            for (int attempt = 0; attempt < 5; attempt++) {
                JsonNode seen = resultOf("return [Math.random(), Math.random()];");
                JsonNode next = resultOf("return [Math.random(), Math.random()];");
                long[] predicted = RandomAttack.predictNextFirstOutputs(seen.get(0).asDouble(), seen.get(1).asDouble(),
                        Thread.currentThread().getId()); // the caller's thread enters this VM
                assertThat(predicted).isNotNull(); // the guest's generator itself is recovered from two outputs
                long actual = (long) (next.get(0).asDouble() * 9007199254740992.0);
                assertThat(predicted).doesNotContain(actual);
            }
        }

        @Test
        void sequencesDifferBetweenExecutions() {
            assertThat(resultOf("return Math.random();")).isNotEqualTo(resultOf("return Math.random();"));
        }
    }

    @Nested
    class ForgedErrorTypes {
        @Test
        void aStackOverflowMessageIsNotAStackOverflow() {
            assertThat(run("throw new InternalError('stack overflow');").error().type()).isEqualTo(ErrorType.RUNTIME);
            assertThat(run("throw new SyntaxError('stack overflow');").error().type()).isEqualTo(ErrorType.RUNTIME);
        }

        @Test
        void anOutOfMemoryMessageIsNotOutOfMemory() {
            assertThat(run("throw new InternalError('out of memory');").error().type()).isEqualTo(ErrorType.RUNTIME);
        }

        @Test
        void anInterruptedMessageIsNotAStop() {
            ExecutionResult r = run("throw new InternalError('interrupted');");
            assertThat(r.error().type()).isEqualTo(ErrorType.RUNTIME);
            assertThat(r.error().message()).isEqualTo("InternalError: interrupted");
        }

        @Test
        void aRealStackOverflowIsOne() {
            assertThat(run("function f() { return f() + 1; } return f();").error().type()).isEqualTo(ErrorType.STACK_OVERFLOW);
            assertThat(run("return JSON.parse('['.repeat(1e6) + ']'.repeat(1e6));").error().type()).isEqualTo(ErrorType.STACK_OVERFLOW);
            assertThat(run("return { toJSON() { function f() { return f() + 1; } return f(); } };").error().type())
                    .isEqualTo(ErrorType.STACK_OVERFLOW);
        }
    }

    /** Recovers xorshift64* state from two outputs and predicts, through ThreadLocalRandom, the next seed. */
    static final class RandomAttack {
        private static final long MULTIPLIER = 0x2545F4914F6CDD1DL;
        private static final long GAMMA = 0x9e3779b97f4a7c15L;

        /**
         * The first outputs (as 53-bit integers) the next execution would produce for each candidate seed, or null.
         * ThreadLocalRandom steps its seed by the thread's id times two plus a constant: an attacker tries the few
         * hundred ids a server's threads have; the test passes the one the executions run on.
         */
        static long[] predictNextFirstOutputs(double first, double second, long threadId) {
            long bits1 = (long) (first * 9007199254740992.0), bits2 = (long) (second * 9007199254740992.0);
            long inverse = inverse(MULTIPLIER);
            for (long low = 0; low < 2048; low++) {
                long state1 = ((bits1 << 11) | low) * inverse;
                if ((step(state1) * MULTIPLIER) >>> 11 == bits2) {
                    long seedOr1 = unstep(state1);
                    long[] outputs = new long[2];
                    for (int lsb = 0; lsb < 2; lsb++) {
                        long seed = (seedOr1 & ~1L) | lsb; // the guest used seed | 1
                        long nextSeed = mix64(unmix64(seed) + (threadId << 1) + GAMMA);
                        outputs[lsb] = (step(nextSeed | 1) * MULTIPLIER) >>> 11;
                    }
                    return outputs;
                }
            }
            return null;
        }

        static long step(long s) {
            s ^= s >>> 12;
            s ^= s << 25;
            s ^= s >>> 27;
            return s;
        }

        static long unstep(long s) {
            s = unxorRight(s, 27);
            s = unxorLeft(s, 25);
            return unxorRight(s, 12);
        }

        private static long unxorRight(long y, int k) {
            long x = y;
            for (int i = 0; i < 64 / k + 1; i++) {
                x = y ^ (x >>> k);
            }
            return x;
        }

        private static long unxorLeft(long y, int k) {
            long x = y;
            for (int i = 0; i < 64 / k + 1; i++) {
                x = y ^ (x << k);
            }
            return x;
        }

        private static long inverse(long a) {
            long x = a; // Newton's iteration for the inverse modulo 2^64 of an odd number
            for (int i = 0; i < 6; i++) {
                x *= 2 - a * x;
            }
            return x;
        }

        static long mix64(long z) {
            z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
            z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
            return z ^ (z >>> 33);
        }

        static long unmix64(long z) {
            z = unxorRight(z, 33) * inverse(0xc4ceb9fe1a85ec53L);
            z = unxorRight(z, 33) * inverse(0xff51afd7ed558ccdL);
            return unxorRight(z, 33);
        }
    }
}
