package dev.codeact.spring.policy.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

class MountPolicyTest {
    @TempDir
    Path tmp;

    @Test
    void describesEveryGuestPathWithoutHostPaths() throws IOException {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Path work = Files.createDirectories(tmp.resolve("work"));
        MountPolicy policy = new MountPolicy(List.of(new Mount("/data", data, false, null, null),
                new Mount("/work/", work, true, DataSize.ofKilobytes(512), null)), DataSize.ofMegabytes(10).toBytes(), 16384);
        String text = policy.describe();
        assertThat(text).isEqualTo("fs paths (absolute, at most 32 names deep; others throw FileSystemError): /data"
                + " (read-only), /work (writable, 512KB, 1000 entries), /output (writable, 10MB, 1000 entries; empty at the"
                + " start; its files are returned with the result).");
        assertThat(policy.declaration()).contains("readFile(path: string): string", "writeFile(path: string, text: string | object)",
                "readdir(path: string): string[]", "stat(path: string)", "exists(path: string): boolean");
        assertThat(text + policy.declaration()).doesNotContain(tmp.toString()).doesNotContain("host");
        MountPolicy outputOnly = new MountPolicy(List.of(), 1000, 7, 0);
        assertThat(outputOnly.describe()).isEqualTo("Files: only /output (writable, 1000 bytes, 7 entries; empty at the"
                + " start; its files are returned with the result), with fs.writeFile(path, text).");
        assertThat(outputOnly.declaration()).isEmpty();
    }

    @Test
    void hostPathsMustBeExistingDirectories() throws IOException {
        Path file = Files.writeString(tmp.resolve("file.txt"), "x");
        assertThatThrownBy(() -> new MountPolicy(List.of(new Mount("/data", tmp.resolve("missing"), false, null, null)), 1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("codeact.mounts[0].host-path=")
                .hasMessageEndingWith("missing: does not exist");
        assertThatThrownBy(() -> new MountPolicy(List.of(new Mount("/data", file, false, null, null)), 1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("codeact.mounts[0].host-path=")
                .hasMessageEndingWith("file.txt: is not a directory");
    }

    @Test
    void guestPathsMustBeUniqueAndNotNested() {
        Path dir = tmp;
        assertThatThrownBy(() -> new MountPolicy(List.of(new Mount("/data", dir, false, null, null),
                new Mount("/data/", dir, true, null, null)), 1, 1))
                .hasMessage("codeact.mounts[1].guest-path=/data: is mounted twice");
        assertThatThrownBy(() -> new MountPolicy(List.of(new Mount("/data", dir, false, null, null),
                new Mount("/data/in", dir, true, null, null)), 1, 1))
                .hasMessage("codeact.mounts[1].guest-path=/data/in: is inside /data: mounts may not be nested in each other");
        assertThatThrownBy(() -> new MountPolicy(List.of(new Mount("/a/b/c", dir, false, null, null),
                new Mount("/a", dir, true, null, null)), 1, 1))
                .hasMessage("codeact.mounts[0].guest-path=/a/b/c: is inside /a: mounts may not be nested in each other");
        assertThatThrownBy(() -> new MountPolicy(List.of(new Mount("/output/x", dir, false, null, null)), 1, 1))
                .hasMessageStartingWith("codeact.mounts[0].guest-path=/output/x: is /output or inside it");
        assertThatThrownBy(() -> new MountPolicy(List.of(new Mount("/output/", dir, false, null, null)), 1, 1))
                .hasMessageStartingWith("codeact.mounts[0].guest-path=/output: is /output or inside it");
        assertThatThrownBy(() -> new MountPolicy(List.of(new Mount("/a//b", dir, false, null, null)), 1, 1))
                .hasMessageStartingWith("codeact.mounts[0].guest-path=/a//b: must be a plain absolute path");
        assertThatThrownBy(() -> new MountPolicy(List.of(new Mount("/a/%2e", dir, false, null, null)), 1, 1))
                .hasMessageStartingWith("codeact.mounts[0].guest-path=/a/%2e: must be a plain absolute path");
        assertThatThrownBy(() -> new MountPolicy(List.of(new Mount("/a\\b", dir, false, null, null)), 1, 1))
                .hasMessageStartingWith("codeact.mounts[0].guest-path=/a\\b: must be a plain absolute path");
        // siblings that share a prefix are fine
        assertThat(new MountPolicy(List.of(new Mount("/data", dir, false, null, null), new Mount("/data2", dir, false, null, null),
                new Mount("/outputs", dir, false, null, null)), 1, 1).mounts()).hasSize(3);
    }

    @Test
    void outputSettingsMustNotBeNegative() {
        assertThatThrownBy(() -> new MountPolicy(List.of(), -1, 1)).hasMessageContaining("codeact.output.quota");
        assertThatThrownBy(() -> new MountPolicy(List.of(), 1, -1)).hasMessageContaining("codeact.output.inline-text");
    }

    @Test
    void longestPrefixPicksTheMount() throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a"));
        Path ab = Files.createDirectories(tmp.resolve("ab"));
        Files.writeString(a.resolve("f.txt"), "in a");
        Files.writeString(ab.resolve("f.txt"), "in ab");
        MountPolicy policy = new MountPolicy(List.of(new Mount("/mnt/a", a, false, null, null),
                new Mount("/mnt/ab", ab, false, null, null)), 1, 1);
        try (FileSession session = policy.open()) {
            dev.codeact.hyperlight.HostFunctions.Builder builder = dev.codeact.hyperlight.HostFunctions.builder();
            session.register(builder);
            var read = builder.build().get("codeact.fs.readFile");
            assertThat(read.call("{\"path\":\"/mnt/a/f.txt\"}")).isEqualTo("\"in a\"");
            assertThat(read.call("{\"path\":\"/mnt/ab/f.txt\"}")).isEqualTo("\"in ab\"");
            assertThat(read.call("{\"path\":\"/mnt/ab/./f.txt\"}")).isEqualTo("\"in ab\"");
            // '..' out of /mnt/ab is refused even when the path would come back into it
            assertThatThrownBy(() -> read.call("{\"path\":\"/mnt/ab/../ab/f.txt\"}")).hasMessage(
                    "path '/mnt/ab/../ab/f.txt' escapes mount /mnt/ab: '..' may not go above a mount's root");
            assertThatThrownBy(() -> read.call("{\"path\":\"/mnt/f.txt\"}")).hasMessage(
                    "no such mount: /mnt/f.txt is outside the mounted directories; they are /mnt/a (read-only),"
                            + " /mnt/ab (read-only), /output (writable)");
        }
    }
}
