package dev.codeact.hyperlight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.hyperlight.RequiresKvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the {@code ./codeact} script the way the README shows it, after the package phase has built the
 * classpath it uses (so the script starts without building anything).
 */
@RequiresKvm
class CodeactScriptIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    record Run(int exit, String stdout, String stderr) {
    }

    private static Run codeact(String stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("codeact").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(ROOT.toFile()).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    @Test
    void everyRunCommandInTheReadmeWorks() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        Matcher m = Pattern.compile("(?m)^(?:echo '([^']*)' \\| )?\\./codeact run ([^#\\n]+?)\\s*(?:#.*)?$").matcher(readme);
        int checked = 0;
        while (m.find()) {
            String[] args = ("run " + m.group(2).trim()).split("\\s+");
            Run run = codeact(m.group(1), args);
            int expected = m.group(2).contains("runaway") ? 2 : 0;
            assertThat(run.exit()).as("%s -> stdout %s stderr %s", m.group(0), run.stdout(), run.stderr()).isEqualTo(expected);
            checked++;
        }
        assertThat(checked).as("README ./codeact run examples").isGreaterThanOrEqualTo(4);
    }

    @Test
    void theToolsExampleComputesItsTotal() throws Exception {
        Run run = codeact(null, "run", "examples/tools.js");
        assertThat(run.exit()).isZero();
        assertThat(run.stdout()).contains("order 42: 2 lines, total 118.00")
                .contains("ToolError: unknown tool 'missing_tool'; available tools: echo")
                .endsWith("{\"id\":42,\"total\":118}\n");
    }

    @Test
    void jsonOutputIsOneObject() throws Exception {
        Run run = codeact(null, "run", "examples/hello.js", "--json");
        JsonNode result = JsonMapper.builder().build().readTree(run.stdout());
        assertThat(result.get("success").asBoolean()).isTrue();
        assertThat(result.get("stdout").asString()).isEqualTo("Hello, ADA!\nHello, LINUS!\n");
        assertThat(result.get("stderr").asString()).isEqualTo("this line goes to stderr\n");
        assertThat(result.get("result").get("factorial20").asString()).isEqualTo("2432902008176640000");
    }

    @Test
    void aRunawayProgramExitsWithTwo() throws Exception {
        Run run = codeact(null, "run", "examples/runaway.js", "--timeout-ms", "200");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.stderr()).contains("TIMEOUT: the execution exceeded its 200 ms time limit");
    }

    @Test
    void runKeepsTheBootedGuestForTheNextRunPerLayout() throws Exception {
        Path cache = ROOT.resolve("hyperlight-jna/target/boot-cache");
        for (String[] args : List.of(new String[] {"run", "examples/hello.js"},
                new String[] {"run", "examples/hello.js", "--memory-mib", "100"})) {
            for (int i = 0; i < 2; i++) { // the first may boot and write the entry, the second starts from it
                Run run = codeact(null, args);
                assertThat(run.exit()).as(run.stderr()).isZero();
                assertThat(run.stdout()).startsWith("Hello, ADA!\nHello, LINUS!\n");
            }
        }
        try (var entries = Files.list(cache)) {
            List<Path> complete = entries.filter(e -> Files.isRegularFile(e.resolve("booted.properties"))).toList();
            assertThat(complete).as("an entry per layout").hasSizeGreaterThanOrEqualTo(2);
            // named <image size>-<image CRC32C>-<layout>: only this build's image is kept
            assertThat(complete.stream().map(e -> e.getFileName().toString().replaceAll("-[^-]*$", "")).distinct())
                    .hasSize(1);
            for (Path entry : complete) {
                assertThat(entry.resolve("data.slot")).isRegularFile();
                assertThat(entry.resolve("stack.slot")).isRegularFile();
            }
        }
        try (var entries = Files.list(cache)) {
            assertThat(entries.filter(e -> e.getFileName().toString().contains(".partial-"))).isEmpty();
        }
    }

    @Test
    void pythonRunsByTheExtensionAndKeepsItsBootBesideJavaScripts() throws Exception {
        Path cache = ROOT.resolve("hyperlight-jna/target/boot-cache-python");
        for (int i = 0; i < 2; i++) { // the first may boot CPython and write the entry, the second starts from it
            Run run = codeact(null, "run", "examples/hello.py");
            assertThat(run.exit()).as(run.stderr()).isZero();
            assertThat(run.stdout()).isEqualTo("ADA       37.75\nLINUS     12.00\nmedian order: 12.0\n{\"orders\": 3}\n");
            assertThat(run.stderr()).isEqualTo("this line goes to stderr\n");
        }
        try (var entries = Files.list(cache)) {
            assertThat(entries.filter(e -> Files.isRegularFile(e.resolve("booted.properties")))).isNotEmpty();
        }
        Run json = codeact(null, "run", "examples/hello.py", "--json");
        JsonNode result = JsonMapper.builder().build().readTree(json.stdout()).get("result");
        assertThat(result.get("customers").asInt()).isEqualTo(2);
        assertThat(result.get("total").asDouble()).isEqualTo(49.75);
    }

    @Test
    void doctorNamesTheKindOfKvm() throws Exception {
        Run run = codeact(null, "doctor");
        assertThat(run.exit()).isZero();
        assertThat(run.stdout()).containsAnyOf("PVM", "hardware virtualisation").contains("trivial execution: ok (2)");
    }
}
