package dev.codeact.benchmarks;

import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.GuestImage;
import dev.codeact.hyperlight.HostFunctions;
import dev.codeact.hyperlight.SandboxPool;
import dev.codeact.hyperlight.kvm.BareVm;
import dev.codeact.hyperlight.memory.GuestMemorySizes;
import dev.codeact.spring.sandbox.CodeSandbox;
import dev.codeact.spring.sandbox.graal.GraalJsCodeSandbox;
import dev.codeact.spring.sandbox.kvm.KvmCodeSandbox;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The steady-state figures of {@link BenchSuite} as JMH benchmarks, for a second opinion with JMH's own
 * warm-up, forking and percentiles ({@code ./codeact bench --jmh}). Cold start, resident memory and the
 * runaway deadline are not steady-state loops and stay in the harness. The long warm-up is needed: the host-call
 * path takes some 20,000 executions to be fully compiled, and with 3 x 1 s one call_tool measured twice its cost.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 8, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-XX:+UseParallelGC")
public class SteadyStateBenchmarks {
    private static final HostFunctions ECHO = HostFunctions.builder().register("echo", HostFunctions.echo()).build();
    private static final ExecutionLimits LIMITS = ExecutionLimits.defaults();

    /**
     * One backend, as the starter builds it: a pool of two micro-VMs of the JavaScript guest, the same of the Python
     * guest (the programs in Python), or the GraalJS engine.
     */
    @State(Scope.Benchmark)
    public static class Backend {
        @Param({"kvm", "kvm-python", "graaljs"})
        public String backend;
        AutoCloseable sandbox;
        BenchSuite.Runner runner;

        @Setup(Level.Trial)
        public void open() {
            if (backend.equals("kvm-python")) {
                SandboxPool pool = SandboxPool.create(2, GuestImage.python(), GuestMemorySizes.defaults(), Duration.ofSeconds(10));
                sandbox = pool;
                runner = pool::execute;
            } else {
                CodeSandbox js = backend.equals("kvm")
                        ? new KvmCodeSandbox(SandboxPool.create(2, GuestMemorySizes.defaults(), Duration.ofSeconds(10)))
                        : GraalJsCodeSandbox.create();
                sandbox = js;
                runner = js::execute;
            }
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            sandbox.close();
        }

        ExecutionResult run(Programs programs) {
            String program = backend.equals("kvm-python") ? programs.python : programs.javascript;
            ExecutionResult result = runner.execute(program, ECHO, LIMITS);
            if (!result.success()) {
                throw new IllegalStateException(backend + ": benchmark program failed: " + result.error());
            }
            return result;
        }
    }

    /** The floor: a VM whose guest is only {@code out; jmp}. */
    @State(Scope.Thread)
    public static class Floor {
        BareVm vm;

        @Setup(Level.Trial)
        public void open() {
            vm = new BareVm();
        }

        @TearDown(Level.Trial)
        public void close() {
            vm.close();
        }
    }

    @Benchmark
    public ExecutionResult executeTrivial(Backend backend) {
        return backend.run(Programs.TRIVIAL);
    }

    @Benchmark
    public ExecutionResult executeWithOneCallTool(Backend backend) {
        return backend.run(Programs.ONE_CALL_TOOL);
    }

    @Benchmark
    public void floorExitRoundTrip(Floor floor) {
        floor.vm.exitRoundTrip();
    }

    @Benchmark
    public void floorRegisterResetAndRun(Floor floor) {
        floor.vm.resetAndRun();
    }
}
