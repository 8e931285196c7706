package dev.codeact.spring.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.HostFunctions;
import dev.codeact.hyperlight.kvm.KvmAvailability;
import dev.codeact.spring.sandbox.CodeSandbox;
import dev.codeact.spring.sandbox.TestSandboxes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The JavaScript platform against Node: every program under {@code src/test/resources/node-parity/} (the body of an
 * async function, as programs are) runs in the KVM guest, in GraalJS and in Node, and the three must print the same
 * stdout and return the same value. Programs print what models print (strings, numbers, Maps, Dates, errors) and
 * {@code JSON.stringify} their plain data, which the sandboxes print as JSON where Node would not.
 *
 * <p>Stack frames are the one thing left out of the comparison: each engine names its own frames (Node's are file
 * URLs and internals, the sandboxes' are {@code program.js}), so every frame line ({@code "    at ..."}, and Node's
 * {@code "    ... N lines matching cause stack trace ..."}) is removed from all three outputs before they are compared;
 * the lines around them (an error's {@code "Name: message"}, its properties, its cause) are compared as printed.
 *
 * <p>Node comes from the PATH ({@code node}); without it the tests are skipped with the reason, and fail under
 * {@code CI=true}. Node runs with {@code TZ=UTC}, as the sandboxes do.
 */
class NodeParityTest {
    private static final Path PROGRAMS = Paths.get("src/test/resources/node-parity");
    private static final ExecutionLimits LIMITS = ExecutionLimits.defaults().withTimeout(Duration.ofSeconds(20));
    /** A run of stack frame lines; Node ends the last frame of an error that has properties with " {". */
    private static final Pattern FRAMES = Pattern.compile("(?:\\n[ \\t]+(?:at |\\.\\.\\. \\d+ lines? matching )[^\\n]*?)+( \\{)?(?=\\n|$)");

    static Stream<String> programs() throws IOException {
        try (Stream<Path> files = Files.walk(PROGRAMS)) {
            return files.filter(p -> p.toString().endsWith(".js")).map(p -> PROGRAMS.relativize(p).toString()).sorted()
                    .toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("programs")
    void printsWhatNodePrints(String name) throws Exception {
        String code = Files.readString(PROGRAMS.resolve(name), StandardCharsets.UTF_8);
        String node = withoutFrames(node(code));
        assertThat(withoutFrames(run(TestSandboxes.graalJs(), code))).as("graaljs, %s", name).isEqualTo(node);
        if (kvmUsable()) {
            assertThat(withoutFrames(run(TestSandboxes.kvm(), code))).as("kvm, %s", name).isEqualTo(node);
        }
    }

    static String withoutFrames(String output) {
        return FRAMES.matcher(output).replaceAll("$1");
    }

    /** What a sandbox shows: stdout, then the returned value as JSON, or the error. */
    private static String run(CodeSandbox sandbox, String code) {
        ExecutionResult r = sandbox.execute(code, HostFunctions.none(), LIMITS);
        return r.stdout() + (r.error() != null ? "error: " + r.error().message() : "=> " + r.resultJson()) + "\n";
    }

    /** The same from Node, the program wrapped as the sandboxes wrap it. */
    private static String node(String code) throws Exception {
        Path node = nodeOrSkip();
        Path script = Files.createTempFile("node-parity", ".mjs");
        try {
            Files.writeString(script, """
                    const program = async function () {
                    %s
                    };
                    program().then(
                      (v) => { const json = JSON.stringify(v); process.stdout.write('=> ' + (json === undefined ? 'null' : json) + '\\n'); },
                      (e) => { process.stdout.write('error: ' + (e instanceof Error ? e.name + ': ' + e.message : 'Uncaught ' + String(e)) + '\\n'); });
                    """.formatted(code), StandardCharsets.UTF_8);
            ProcessBuilder pb = new ProcessBuilder(node.toString(), script.toString()).redirectErrorStream(false);
            pb.environment().put("TZ", "UTC");
            pb.environment().put("LANG", "C.UTF-8");
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("node did not finish");
            }
            return new String(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(script);
        }
    }

    /** Whether the KVM guest takes part; under CI=true a /dev/kvm that exists must be usable. */
    private static boolean kvmUsable() {
        KvmAvailability kvm = KvmAvailability.probe();
        if (!kvm.usable() && "true".equals(System.getenv("CI")) && Files.exists(Path.of(KvmAvailability.DEVICE))) {
            throw new IllegalStateException("CI=true and " + KvmAvailability.DEVICE + " exists, but: " + kvm.reason());
        }
        return kvm.usable();
    }

    private static Path nodeOrSkip() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Paths.get(dir, "node");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        String reason = "node is not on the PATH: the Node parity programs cannot be compared";
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException(reason + " (CI=true: node is expected on this machine kind)");
        }
        Assumptions.abort(reason);
        return null;
    }
}
