package dev.codeact.spring.advisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.spring.policy.SandboxServices;
import dev.codeact.spring.policy.egress.EgressPolicy;
import dev.codeact.spring.policy.egress.EgressRule;
import dev.codeact.spring.policy.fs.Mount;
import dev.codeact.spring.policy.fs.MountPolicy;
import dev.codeact.spring.sandbox.Language;
import dev.codeact.spring.tools.ToolCatalog;
import dev.codeact.spring.tools.ToolInventory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

/**
 * What the instructions say of the configured services, in Python terms: the same facts as for JavaScript (which
 * paths, which hosts, which limits), with Python's file functions and a typed fetch.
 */
class PythonInstructionsTest {
    @TempDir
    Path tmp;

    @Test
    void withFetchAndMountsThePythonInstructionsSayWhatIsReachableInPythonTerms() throws IOException {
        Path data = Files.createDirectories(tmp.resolve("data"));
        SandboxServices services = new SandboxServices(
                new EgressPolicy(List.of(new EgressRule("https", "api.example.com", null, "/v1/", List.of("GET"), Map.of())),
                        Duration.ofSeconds(10), 1_048_576, 5),
                new MountPolicy(List.of(new Mount("/data", data, false, null, null)), DataSize.ofMegabytes(10).toBytes(), 16384));
        var tools = new ToolCatalog(() -> ToolInventory.of(List.of()), List.of("*"), List.of(), List.of()).select(List.of());

        String python = new CodeActInstructions("", services, ExecutionLimits.defaults(), Language.PYTHON).render(tools);
        String javascript = new CodeActInstructions("", services, ExecutionLimits.defaults(), Language.JAVASCRIPT).render(tools);

        assertThat(python).contains("- fetch may reach only: GET https://api.example.com:443/v1/...; anything else raises"
                        + " an exception.",
                "- Files, through open(), pathlib, os.listdir and os.path (absolute paths, at most 32 names deep; others"
                        + " raise OSError): /data (read-only), /output (writable, 10MB",
                "```python\nclass Response:\n    status: int; ok: bool; headers: Mapping[str, str]\n"
                        + "    def text(self) -> str: ...\n    def json(self) -> Any: ...\n"
                        + "def fetch(url: str, method: str = \"GET\", headers: dict[str, str] | None = None, "
                        + "body: str | dict | list | None = None) -> Response: ...\n```\n")
                .doesNotContain("declare", "TypeError", "FileSystemError", "fs.", "Promise").doesNotContain(tmp.toString());
        assertThat(javascript).contains("anything else throws a TypeError", "FileSystemError", "declare const fs",
                "declare function fetch(url: string");
    }
}
