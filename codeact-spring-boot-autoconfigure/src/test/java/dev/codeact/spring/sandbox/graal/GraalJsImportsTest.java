package dev.codeact.spring.sandbox.graal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The in-process backend is built on hyperlight-jna's backend-neutral core only (host functions, limits, results,
 * console capture, the outcome and request formats): nothing of the KVM guest's binary ABI, its memory or KVM itself.
 */
class GraalJsImportsTest {
    private static final Path SOURCES = Path.of("src/main/java/dev/codeact/spring/sandbox/graal");
    private static final Pattern KVM_ONLY = Pattern.compile("dev\\.codeact\\.hyperlight\\.(abi|memory|kvm)\\b");

    @Test
    void usesNothingOfTheKvmAbiMemoryOrKvmPackages() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(SOURCES)) {
            files = s.filter(p -> p.toString().endsWith(".java")).toList();
        }
        assertThat(files).isNotEmpty();
        for (Path file : files) {
            assertThat(KVM_ONLY.matcher(Files.readString(file)).find())
                    .as("%s refers to hyperlight's abi, memory or kvm package", file.getFileName())
                    .isFalse();
        }
    }
}
