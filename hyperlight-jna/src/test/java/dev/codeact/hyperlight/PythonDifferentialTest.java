package dev.codeact.hyperlight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Python guest against the machine's CPython 3.13: each program of {@code src/test/resources/python-differential}
 * (the standard library, each printing what it computes) must print exactly the same in both. CPython is
 * pyenv's 3.13 (3.13.0 on these machines; the guest is 3.13.5, so the programs avoid what changed between them), run
 * isolated ({@code -I}). Without a CPython 3.13 the comparison is skipped with the reason, or fails under {@code CI=true}.
 */
@RequiresKvm
class PythonDifferentialTest {
    private static final String PROGRAMS = "python-differential";
    private static final Duration CPYTHON_TIMEOUT = Duration.ofSeconds(60);
    private static Path cpython;

    @BeforeAll
    static void findCpython() {
        Optional<Path> found = Cpython313.find();
        if (found.isEmpty()) {
            String reason = "no CPython 3.13 on this machine (pyenv install 3.13, or set CODEACT_CPYTHON313 to its python3.13)";
            if ("true".equals(System.getenv("CI"))) {
                fail(reason);
            }
            Assumptions.abort(reason);
        }
        cpython = found.get();
    }

    static Stream<String> programs() throws IOException, URISyntaxException {
        Path dir = Path.of(PythonDifferentialTest.class.getClassLoader().getResource(PROGRAMS).toURI());
        try (Stream<Path> files = Files.list(dir)) {
            List<String> names = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".py")).sorted().toList();
            assertThat(names).as("the differential programs").hasSizeGreaterThanOrEqualTo(40);
            return names.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("programs")
    void printsWhatCpythonPrints(String name) throws Exception {
        Path file = Path.of(getClass().getClassLoader().getResource(PROGRAMS + "/" + name).toURI());
        String source = Files.readString(file);

        ExecutionResult guest = SharedPool.python().execute(source, HostFunctions.none(),
                ExecutionLimits.defaults().withTimeout(Duration.ofSeconds(20)));
        String expected = runCpython(file);

        assertThat(guest.error()).as("%s in the guest", name).isNull();
        assertThat(guest.stdout()).as("%s: the guest's stdout against CPython's", name).isEqualTo(expected);
    }

    private static String runCpython(Path file) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(cpython.toString(), "-I", file.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("LC_ALL", "C.UTF-8"); // stdout in UTF-8, as the guest writes it
        Process process = builder.start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(CPYTHON_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("CPython did not finish " + file + " within " + CPYTHON_TIMEOUT);
        }
        assertThat(process.exitValue()).as("CPython's exit status for %s", file).isZero();
        return new String(out, StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ what the sandbox leaves out says so

    private static ExecutionResult guest(String program) {
        return SharedPool.python().execute(program, HostFunctions.none(), ExecutionLimits.defaults());
    }

    @Test
    void anAbsentModuleIsAModuleNotFoundErrorThatNamesIt() {
        for (String module : new String[] {"numpy", "requests", "tkinter", "sqlite3", "ctypes", "lzma", "zlib"}) {
            ExecutionResult r = guest("import " + module);
            assertThat(r.error().type()).as(module).isEqualTo(ErrorType.RUNTIME);
            assertThat(r.error().name()).as(module).isEqualTo("ModuleNotFoundError");
            assertThat(r.error().message()).as(module).startsWith("ModuleNotFoundError: No module named '" + module + "'");
        }
        assertThat(guest("""
                try:
                    import pandas
                except ImportError as e:
                    r = [type(e).__name__, e.name]
                r""").resultJson()).isEqualTo("[\"ModuleNotFoundError\",\"pandas\"]");
    }

    @Test
    void processesSocketsAndThreadsAreRefusedClearly() {
        assertThat(guest("import subprocess").error().message())
                .isEqualTo("ModuleNotFoundError: No module named 'subprocess': the sandbox has no processes");
        assertThat(guest("import multiprocessing").error().message()).contains("the sandbox has no processes");
        assertThat(guest("import socket").error().message()).contains("the sandbox has no network sockets");
        assertThat(guest("import urllib.request").error().message()).contains("No module named 'urllib.request'");
        assertThat(guest("import asyncio").error().message()).contains("await call_tool(...) works without one");
        for (String call : new String[] {"os.system('ls')", "os.popen('ls')", "os.fork()", "os.execv('/bin/sh', [])",
                "os.kill(1, 9)", "os._exit(0)"}) {
            ExecutionResult r = guest("import os\n" + call);
            assertThat(r.error().name()).as(call).isEqualTo("PermissionError");
            assertThat(r.error().message()).as(call).contains("is not available in the sandbox: it has no processes");
        }
        assertThat(guest("import threading\nthreading.Thread(target=print).start()").error().message())
                .isEqualTo("RuntimeError: threads are not available in the sandbox: it runs one thread");
        assertThat(guest("import _thread\n_thread.start_new_thread(print, ())").error().message())
                .contains("is not available in the sandbox: it has no threads");
        // what needs no second thread works
        assertThat(guest("import threading, queue\nl = threading.Lock()\nwith l: q = queue.Queue(); q.put(1)\n"
                + "[threading.current_thread().name, q.get()]").resultJson()).isEqualTo("[\"MainThread\",1]");
    }

    /** Where CPython 3.13 is: CODEACT_CPYTHON313, else pyenv's newest 3.13, else python3.13 on the PATH. */
    static final class Cpython313 {
        private Cpython313() {
        }

        static Optional<Path> find() {
            return Stream.of(fromEnvironment(), fromPyenv(), fromPath()).flatMap(Optional::stream).filter(Cpython313::is313)
                    .findFirst();
        }

        private static Optional<Path> fromEnvironment() {
            return Optional.ofNullable(System.getenv("CODEACT_CPYTHON313")).map(Path::of);
        }

        private static Optional<Path> fromPyenv() {
            String root = System.getenv().getOrDefault("PYENV_ROOT", System.getProperty("user.home") + "/.pyenv");
            Path versions = Path.of(root, "versions");
            if (!Files.isDirectory(versions)) {
                return Optional.empty();
            }
            try (Stream<Path> dirs = Files.list(versions)) {
                return dirs.filter(d -> d.getFileName().toString().matches("3\\.13\\.\\d+"))
                        .max(Comparator.comparingInt(d -> Integer.parseInt(d.getFileName().toString().substring(5))))
                        .map(d -> d.resolve("bin/python3.13")).filter(Files::isExecutable);
            } catch (IOException e) {
                return Optional.empty();
            }
        }

        private static Optional<Path> fromPath() {
            return Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                    .filter(d -> !d.isEmpty()).map(d -> Path.of(d, "python3.13")).filter(Files::isExecutable).findFirst();
        }

        private static boolean is313(Path python) {
            try {
                Process p = new ProcessBuilder(python.toString(), "-I", "-c", "import sys; print(sys.version_info[:2] == (3, 13))")
                        .redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 && out.equals("True");
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
