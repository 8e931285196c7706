package dev.codeact.hyperlight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.codeact.hyperlight.memory.GuestMemorySizes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The pool under concurrency, exhaustion and long runs; closing it gives everything back. */
@RequiresKvm
class PoolTest {

    @Test
    void eightThreadsTimesOneHundredExecutionsOnAPoolOfFourAreAllCorrect() throws Exception {
        try (SandboxPool pool = SandboxPool.create(4, GuestMemorySizes.defaults(), Duration.ofSeconds(30))) {
            ExecutorService callers = Executors.newFixedThreadPool(8);
            List<Future<List<String>>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                futures.add(callers.submit(() -> {
                    List<String> problems = new ArrayList<>();
                    for (int i = 0; i < 100; i++) {
                        int id = thread * 1000 + i;
                        ExecutionResult r = pool.execute("""
                                if (globalThis.owner !== undefined) throw new Error('state leaked from ' + globalThis.owner);
                                globalThis.owner = %d;
                                const echoed = call_tool('echo', { id: %d });
                                console.log('id', echoed.id);
                                return echoed.id * 2;""".formatted(id, id), SharedPool.ECHO, ExecutionLimits.defaults());
                        if (!r.success() || !r.resultJson().equals(String.valueOf(id * 2)) || !r.stdout().equals("id " + id + "\n")) {
                            problems.add(id + ": " + r);
                        }
                    }
                    return problems;
                }));
            }
            for (Future<List<String>> f : futures) {
                assertThat(f.get()).isEmpty();
            }
            callers.shutdown();
        }
    }

    @Test
    void anExhaustedPoolFailsFastWithAClearError() {
        try (SandboxPool pool = SandboxPool.create(1, GuestMemorySizes.defaults(), Duration.ofMillis(50))) {
            try (SandboxPool.Lease held = pool.acquire(Duration.ofSeconds(1))) {
                long started = System.nanoTime();
                assertThatThrownBy(() -> pool.acquire(Duration.ofMillis(50)))
                        .isInstanceOf(PoolExhaustedException.class)
                        .hasMessageContaining("all 1 sandboxes of the pool stayed busy for 50 ms");
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
                ExecutionResult r = pool.execute("return 1", HostFunctions.none(), ExecutionLimits.defaults());
                assertThat(r.error().type()).isEqualTo(ErrorType.POOL_EXHAUSTED);
                assertThat(pool.stats()).isEqualTo(new SandboxPool.PoolStats(1, 0, 1, 0));
                assertThat(held.execute("return 2", HostFunctions.none(), ExecutionLimits.defaults()).resultJson()).isEqualTo("2");
            }
            assertThat(pool.execute("return 3", HostFunctions.none(), ExecutionLimits.defaults()).resultJson()).isEqualTo("3");
        }
    }

    @Test
    void aDeadlineDuringABlockingToolInterruptsTheTool() {
        HostFunctions sleepy = HostFunctions.builder().register("sleep", args -> {
            Thread.sleep(10_000);
            return "true";
        }).build();
        try (SandboxPool pool = SandboxPool.create(1, GuestMemorySizes.defaults(), Duration.ofSeconds(5))) {
            ExecutionResult r = pool.execute("call_tool('sleep'); while (true) {}", sleepy,
                    ExecutionLimits.defaults().withTimeout(Duration.ofMillis(200)));
            assertThat(r.error().type()).isEqualTo(ErrorType.TIMEOUT);
            assertThat(r.duration()).isLessThan(Duration.ofMillis(200).plus(StopMargin.LOADED_MACHINE)); // not the 10 s sleep
            assertThat(pool.execute("return 5", sleepy, ExecutionLimits.defaults()).resultJson()).isEqualTo("5");
        }
    }

    @Test
    void onDedicatedThreadsAToolThatIgnoresInterruptsCostsItsVmButNotTheCaller() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean release = new java.util.concurrent.atomic.AtomicBoolean();
        HostFunctions stubborn = HostFunctions.builder().register("spin", args -> {
            while (!release.get()) {
                Thread.onSpinWait();
            }
            return "true";
        }).build();
        try (SandboxPool pool = SandboxPool.create(1, GuestImage.quickJs(), GuestMemorySizes.defaults(), Duration.ofSeconds(10),
                VcpuThreading.DEDICATED)) {
            ExecutionResult r = pool.execute("call_tool('spin');", stubborn,
                    ExecutionLimits.defaults().withTimeout(Duration.ofMillis(200)));
            assertThat(r.error().type()).isEqualTo(ErrorType.TIMEOUT);
            assertThat(r.error().message()).contains("inside a host function that did not return");
            assertThat(r.duration()).isLessThan(Duration.ofSeconds(4));
            release.set(true);
            // the stuck VM was replaced in the background; the pool keeps its size and works
            assertThat(pool.execute("return 6", stubborn, ExecutionLimits.defaults()).resultJson()).isEqualTo("6");
            assertThat(pool.stats().size()).isEqualTo(1);
        }
    }

    @Test
    void closingWhileAReleasedVmIsStillRestoringReturnsPromptly() {
        for (int round = 0; round < 5; round++) {
            SandboxPool pool = SandboxPool.create(2, GuestMemorySizes.defaults(), Duration.ofSeconds(5));
            pool.execute("const a = []; for (let i = 0; i < 20000; i++) a.push({i}); return a.length", HostFunctions.none(),
                    ExecutionLimits.defaults());
            long started = System.nanoTime();
            pool.close(); // the VM just released may still be restoring on its own thread
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void residentMemoryIsCountedPageByPage() {
        try (SandboxPool pool = SandboxPool.create(2, GuestMemorySizes.defaults(), Duration.ofSeconds(5))) {
            // the booted image, shared by both VMs and counted once: ~17 MiB of it is Intl's data and the date
            // patterns FormatJS parses at boot (README, Intl)
            assertThat(pool.sharedResidentBytes()).isBetween(64L * 4096, 48L << 20);
            // a VM that has run nothing yet holds almost nothing of its own
            assertThat(pool.privateResidentBytes()).isLessThan(2L << 20);
            pool.execute("const a = []; for (let i = 0; i < 200000; i++) a.push({i}); return a.length", HostFunctions.none(),
                    ExecutionLimits.defaults());
            // the pages that program wrote are its VM's own (~10 MiB of objects)
            assertThat(pool.privateResidentBytes()).isGreaterThan(4L << 20);
        }
    }

    @Test
    void noFileDescriptorOrThreadGrowthAcross1000Executions() throws Exception {
        try (SandboxPool pool = SandboxPool.create(2, GuestMemorySizes.defaults(), Duration.ofSeconds(30))) {
            for (int i = 0; i < 50; i++) {
                pool.execute("return call_tool('echo', {i: " + i + "})", SharedPool.ECHO, ExecutionLimits.defaults());
            }
            long fdsBefore = settled(PoolTest::libraryFds);
            long threadsBefore = settled(() -> (long) codeactThreads().size());
            for (int i = 0; i < 1000; i++) {
                boolean runaway = i % 100 == 0;
                String code = runaway ? "while (true) {}" : "console.log('x'); return call_tool('echo', {i: " + i + "}).i";
                // only the runaways get the short deadline: on a loaded machine a trivial execution can take 60 ms too
                ExecutionLimits limits = runaway ? ExecutionLimits.defaults().withTimeout(Duration.ofMillis(50)) : ExecutionLimits.defaults();
                ExecutionResult r = pool.execute(code, SharedPool.ECHO, limits);
                assertThat(r.success()).isEqualTo(i % 100 != 0);
            }
            // only what this library opens and starts: the JVM and surefire open and close their own on their schedule
            assertThat(settled(PoolTest::libraryFds)).isEqualTo(fdsBefore);
            assertThat(settled(() -> (long) codeactThreads().size())).isEqualTo(threadsBefore);
        }
    }

    @Test
    void closingThePoolReleasesFileDescriptorsMappingsAndThreads() throws Exception {
        SharedPool.get(); // boot the shared pool and the watchdog first so they are part of the baseline
        long fdsBefore = settledKvmFds(); // VMs of earlier tests may still be tearing down
        java.util.Set<Thread> threadsBefore = codeactThreads();
        long vmBefore = virtualMemoryKiB();
        SandboxPool pool = SandboxPool.create(3, GuestMemorySizes.defaults(), Duration.ofSeconds(5));
        assertThat(pool.execute("return 1", HostFunctions.none(), ExecutionLimits.defaults()).resultJson()).isEqualTo("1");
        assertThat(kvmFds()).isEqualTo(fdsBefore + 3 * 3); // /dev/kvm, the VM and its vCPU, for each of 3 VMs
        assertThat(virtualMemoryKiB() - vmBefore).isGreaterThan(3 * (GuestMemorySizes.DEFAULT_HEAP_BYTES >> 10));
        assertThat(threadsBefore.containsAll(codeactThreads())).as("the open pool has threads of its own").isFalse();
        Thread.sleep(50); // let the asynchronous restore after the execution finish before closing
        pool.close();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!threadsBefore.containsAll(codeactThreads()) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(kvmFds()).isEqualTo(fdsBefore);
        assertThat(codeactThreads()).as("threads the pool started").isSubsetOf(threadsBefore);
        assertThat(virtualMemoryKiB() - vmBefore).isLessThan(GuestMemorySizes.DEFAULT_HEAP_BYTES >> 10);
        assertThatThrownBy(() -> pool.acquire(Duration.ofMillis(1))).isInstanceOf(SandboxException.class).hasMessageContaining("closed");
    }


    /** Live threads of this library (vCPU, refill, watchdog): other threads come and go with the JVM and surefire. */
    private static java.util.Set<Thread> codeactThreads() {
        java.util.Set<Thread> threads = new java.util.HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("codeact-") && t.isAlive()) {
                threads.add(t);
            }
        }
        return threads;
    }

    private static long settledKvmFds() throws Exception {
        return settled(PoolTest::kvmFds);
    }

    /** The count once it stopped changing: VMs replaced or closed in the background may still be tearing down. */
    private static long settled(java.util.concurrent.Callable<Long> count) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        long previous = count.call();
        while (System.nanoTime() < deadline) {
            Thread.sleep(200);
            long now = count.call();
            if (now == previous) {
                return now;
            }
            previous = now;
        }
        return previous;
    }

    /** File descriptors that lead to KVM: the JVM and surefire open and close others on their own schedule. */
    /**
     * File descriptors this library opens: /dev/kvm, each VM and vCPU, the memfds of golden copies and low regions
     * ({@code memfd:codeact-...}) and boot-cache files.
     */
    private static long libraryFds() throws IOException {
        long n = 0;
        try (Stream<Path> entries = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : entries.toList()) {
                try {
                    String target = Files.readSymbolicLink(p).toString();
                    if (target.contains("kvm") || target.contains("codeact")) {
                        n++;
                    }
                } catch (IOException e) {
                    // closed while we looked
                }
            }
        }
        return n;
    }

    private static long kvmFds() throws IOException {
        long n = 0;
        try (Stream<Path> entries = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : entries.toList()) {
                try {
                    if (Files.readSymbolicLink(p).toString().contains("kvm")) {
                        n++;
                    }
                } catch (IOException e) {
                    // closed while we looked
                }
            }
        }
        return n;
    }

    private static long virtualMemoryKiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmSize:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmSize in /proc/self/status");
    }
}
