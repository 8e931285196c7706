package dev.codeact.spring.policy.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import dev.codeact.hyperlight.Deadline;
import dev.codeact.hyperlight.HostFunctionException;
import dev.codeact.hyperlight.HostFunctions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.json.JsonMapper;

/**
 * Another writer on the host keeps swapping a mounted sub-directory with a symbolic link that leads outside the
 * mount, atomically ({@code renameat2(RENAME_EXCHANGE)}), while a session reads, writes, lists and stats through it.
 * Nothing outside may be read, listed, seen or written, and no temporary file may be left, with either way of
 * resolving paths and either kind of link.
 */
class FsSwapRaceTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int ROUNDS = 300;
    private static final String SECRET = "SECRET-SECRET";
    private static final String REFUSED = "refused: /work/s is a symbolic link that leads outside mount /work";

    @TempDir
    Path tmp;

    /** renameat2(2) with RENAME_EXCHANGE: swaps two names in one step, so the swapped name always exists. */
    static final class Exchange {
        static {
            Native.register(NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
        }

        static native int renameat2(int fromDir, byte[] from, int toDir, byte[] to, int flags) throws LastErrorException;

        static void swap(Path a, Path b) {
            renameat2(Posix.AT_FDCWD, Posix.c(a.toString()), Posix.AT_FDCWD, Posix.c(b.toString()), 2);
        }
    }

    /** Swaps two names until stopped; counts its swaps. */
    private static final class Swapper extends Thread implements AutoCloseable {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong swaps = new AtomicLong();
        final CountDownLatch started = new CountDownLatch(1);
        private final Path a;
        private final Path b;

        Swapper(Path a, Path b) {
            this.a = a;
            this.b = b;
            start();
        }

        @Override
        public void run() {
            started.countDown();
            while (!stop.get()) {
                Exchange.swap(a, b);
                swaps.incrementAndGet();
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            join();
        }
    }

    private static Beneath beneath(String way) {
        if (way.equals("openat2")) {
            assumeTrue(Beneath.best() == Beneath.OPENAT2, "this kernel has no openat2");
            return Beneath.OPENAT2;
        }
        return Beneath.WALK;
    }

    @ParameterizedTest(name = "{0}, {1} link")
    @CsvSource({"openat2, relative", "openat2, absolute", "walk, relative", "walk, absolute"})
    void aDirectorySwappedForALinkOutsideNeverLeadsOutside(String way, String link) throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("f.txt"), SECRET);
        Files.writeString(outside.resolve("secret-name.txt"), "x");
        Files.createDirectories(outside.resolve("d")); // where writes through the link would land
        Path s = Files.createDirectories(work.resolve("s"));
        Files.writeString(s.resolve("f.txt"), "inside");
        Files.createDirectories(s.resolve("d"));
        Path alt = Files.createSymbolicLink(work.resolve("alt"), link.equals("relative") ? Path.of("../outside") : outside);
        MountPolicy policy = new MountPolicy(List.of(new Mount("/work", work, true, DataSize.ofMegabytes(100), 100_000)),
                1 << 20, 1000, 0, beneath(way));

        int insideReads = 0;
        int refusals = 0;
        Set<String> leaks = new TreeSet<>();
        Set<String> otherErrors = new TreeSet<>();
        try (FileSession session = policy.open(); Swapper swapper = new Swapper(s, alt)) {
            HostFunctions.Builder builder = HostFunctions.builder();
            session.register(builder);
            HostFunctions fs = builder.build();
            swapper.started.await();
            for (int i = 0; i < ROUNDS; i++) {
                String[][] calls = {
                    {"readFile", "{\"path\":\"/work/s/f.txt\"}"},
                    {"writeFile", "{\"path\":\"/work/s/d/w" + i + ".txt\",\"content\":\"w\"}"},
                    {"writeFile", "{\"path\":\"/work/s/n" + i + "/x.txt\",\"content\":\"n\"}"},
                    {"readdir", "{\"path\":\"/work/s\"}"},
                    {"stat", "{\"path\":\"/work/s/f.txt\"}"},
                    {"exists", "{\"path\":\"/work/s/secret-name.txt\"}"}};
                for (String[] call : calls) {
                    String result;
                    try {
                        result = fs.get("codeact.fs." + call[0]).call(call[1], Deadline.none());
                    } catch (HostFunctionException e) {
                        if (e.getMessage().equals(REFUSED)) {
                            refusals++;
                        } else {
                            otherErrors.add(call[0] + ": " + e.getMessage());
                        }
                        continue;
                    }
                    if (result.contains("SECRET") || result.contains("secret-name") || result.equals("true")
                            || result.contains("\"size\":" + SECRET.length())) {
                        leaks.add(call[0] + " -> " + result);
                    }
                    insideReads += call[0].equals("readFile") && result.equals("\"inside\"") ? 1 : 0;
                }
            }
            assertThat(swapper.swaps.get()).as("swaps").isPositive();
        }
        assertThat(leaks).as("what came from outside").isEmpty();
        assertThat(otherErrors).as("errors other than the refusal").isEmpty();
        assertThat(insideReads).as("reads inside, while s was the directory").isPositive();
        assertThat(refusals).as("refusals, while s was the link").isPositive();
        try (Stream<Path> all = Files.walk(outside)) {
            assertThat(all.map(p -> outside.relativize(p).toString())).as("what is outside")
                    .containsExactlyInAnyOrder("", "f.txt", "secret-name.txt", "d");
        }
        assertThat(Files.readString(outside.resolve("f.txt"))).isEqualTo(SECRET);
        assertThat(tempFiles(tmp)).isEmpty();
    }

    @Test
    void aFifoSwappedInForAFileNeverBlocksARead() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path file = Files.writeString(work.resolve("p"), "plain");
        Path fifo = work.resolve("fifo");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        MountPolicy policy = new MountPolicy(List.of(new Mount("/work", work, false, null, null)), 1 << 20, 1000, 0,
                Beneath.best());
        try (FileSession session = policy.open(); Swapper swapper = new Swapper(file, fifo)) {
            HostFunctions.Builder builder = HostFunctions.builder();
            session.register(builder);
            HostFunctions fs = builder.build();
            swapper.started.await();
            int[] outcomes = new int[2];
            // a read that opened the FIFO without O_NONBLOCK would wait for a writer that never comes
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                for (int i = 0; i < ROUNDS; i++) {
                    try {
                        assertThat(fs.get("codeact.fs.readFile").call("{\"path\":\"/work/p\"}", Deadline.after(Duration.ofSeconds(5))))
                                .isEqualTo("\"plain\"");
                        outcomes[0]++;
                    } catch (HostFunctionException e) {
                        assertThat(e.getMessage()).isEqualTo("not a regular file: /work/p");
                        outcomes[1]++;
                    }
                }
            });
            assertThat(swapper.swaps.get()).isPositive();
            assertThat(outcomes[0] + outcomes[1]).isEqualTo(ROUNDS);
        }
    }

    private static List<Path> tempFiles(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> FileSession.isTempName(f.getFileName().toString())).toList();
        }
    }
}
