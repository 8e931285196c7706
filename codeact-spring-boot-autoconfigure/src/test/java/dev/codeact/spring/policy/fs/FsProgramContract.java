package dev.codeact.spring.policy.fs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.hyperlight.ErrorType;
import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.HostFunctions;
import dev.codeact.spring.sandbox.CodeSandbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The program-facing {@code fs} end to end, the same for every sandbox backend. */
abstract class FsProgramContract {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path tmp;
    Path data;
    MountPolicy policy;

    abstract CodeSandbox sandbox();

    @BeforeEach
    void mounts() throws IOException {
        data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("in.csv"), "item,qty\napple,3\npear,4\nplum,5\n");
        policy = new MountPolicy(List.of(new Mount("/data", data, false, null, null)), DataSize.ofMegabytes(10).toBytes(), 4096);
    }

    private ExecutionResult run(FileSession session, String code, ExecutionLimits limits) {
        HostFunctions.Builder builder = HostFunctions.builder();
        session.register(builder);
        return sandbox().execute(code, builder.build(), limits);
    }

    @Test
    void programReadsMountsWritesOutputAndSeesRefusals() throws Exception {
        String code = """
                const lines = fs.readFile('/data/in.csv').trim().split('\\n').slice(1);
                const total = lines.map((l) => Number(l.split(',')[1])).reduce((a, b) => a + b, 0);
                fs.writeFile('/output/summary.json', JSON.stringify({ rows: lines.length, total }));
                const errors = {};
                try { fs.readFile('/data/../../etc/passwd'); } catch (e) {
                  errors.escape = { name: e.name, message: e.message, isFsError: e instanceof FileSystemError };
                }
                try { fs.writeFile('/data/hack.txt', 'x'); } catch (e) {
                  errors.readOnly = { name: e.name, message: e.message, isFsError: e instanceof FileSystemError };
                }
                try { fs.readFile('/etc/passwd'); } catch (e) { errors.noMount = e.message; }
                return { total, errors, list: fs.readdir('/data'), out: fs.readdir('/output'),
                         exists: [fs.exists('/output/summary.json'), fs.exists('/data/missing')],
                         stat: fs.stat('/output/summary.json') };
                """;
        try (FileSession session = policy.open()) {
            ExecutionResult result = run(session, code, ExecutionLimits.defaults());
            assertThat(result.error()).as(String.valueOf(result.error())).isNull();
            JsonNode r = JSON.readTree(result.resultJson());
            assertThat(r.get("total").intValue()).isEqualTo(12);
            assertThat(r.at("/errors/escape/name").stringValue()).isEqualTo("FileSystemError");
            assertThat(r.at("/errors/escape/isFsError").booleanValue()).isTrue();
            assertThat(r.at("/errors/escape/message").stringValue())
                    .isEqualTo("path '/data/../../etc/passwd' escapes mount /data: '..' may not go above a mount's root");
            assertThat(r.at("/errors/readOnly/name").stringValue()).isEqualTo("FileSystemError");
            assertThat(r.at("/errors/readOnly/isFsError").booleanValue()).isTrue();
            assertThat(r.at("/errors/readOnly/message").stringValue())
                    .isEqualTo("read-only mount /data: cannot write /data/hack.txt");
            assertThat(r.at("/errors/noMount").stringValue()).isEqualTo("no such mount: /etc/passwd is outside the mounted"
                    + " directories; they are /data (read-only), /output (writable)");
            assertThat(r.get("list").toString()).isEqualTo("[\"in.csv\"]");
            assertThat(r.get("out").toString()).isEqualTo("[\"summary.json\"]");
            assertThat(r.get("exists").toString()).isEqualTo("[true,false]");
            assertThat(r.at("/stat/size").intValue()).isEqualTo(21);
            assertThat(r.at("/stat/isFile").booleanValue()).isTrue();
            assertThat(result.resultJson()).doesNotContain(tmp.toString());

            assertThat(session.outputFiles()).containsExactly(
                    new OutputFile("summary.json", 21, "application/json", "{\"rows\":3,\"total\":12}"));
            assertThat(Files.exists(data.resolve("hack.txt"))).isFalse();
            Path output = session.outputRoot();
            session.close();
            assertThat(output).doesNotExist();
        }
    }

    @Test
    void programsSeeTheQuotaAndTheEntryLimitAsFileSystemErrors() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        MountPolicy limited = new MountPolicy(List.of(new Mount("/work", work, true, DataSize.ofBytes(100), 30)),
                DataSize.ofMegabytes(10).toBytes(), 4096);
        String code = """
                const errors = [];
                const attempt = (f) => { try { f(); return 'ok'; } catch (e) {
                  errors.push({ name: e.name, isFsError: e instanceof FileSystemError, message: e.message }); return 'refused'; } };
                const big = attempt(() => fs.writeFile('/work/big.txt', 'x'.repeat(101)));
                const deep = [];
                for (let i = 0; i < 5; i++) {
                  deep.push(attempt(() => fs.writeFile('/work/d' + i + '/' + 'abcdefghij/'.repeat(10) + 'f', '')));
                }
                const tooDeep = attempt(() => fs.writeFile('/work/x/' + 'abcdefghij/'.repeat(300) + 'f', ''));
                return { big, deep, tooDeep, errors };
                """;
        try (FileSession session = limited.open()) {
            ExecutionResult result = run(session, code, ExecutionLimits.defaults());
            assertThat(result.error()).as(String.valueOf(result.error())).isNull();
            JsonNode r = JSON.readTree(result.resultJson());
            assertThat(r.get("big").stringValue()).isEqualTo("refused");
            assertThat(r.get("deep").toString()).isEqualTo("[\"ok\",\"ok\",\"refused\",\"refused\",\"refused\"]");
            assertThat(r.get("tooDeep").stringValue()).isEqualTo("refused");
            assertThat(r.at("/errors/0/name").stringValue()).isEqualTo("FileSystemError");
            assertThat(r.at("/errors/0/isFsError").booleanValue()).isTrue();
            assertThat(r.at("/errors/0/message").stringValue()).isEqualTo("quota exceeded: writing 101 bytes to"
                    + " /work/big.txt would bring /work to 101 bytes, its quota is 100 bytes (100 bytes)");
            assertThat(r.at("/errors/1/name").stringValue()).isEqualTo("FileSystemError");
            assertThat(r.at("/errors/1/message").stringValue()).isEqualTo("entry limit reached: writing /work/d2/"
                    + "abcdefghij/".repeat(10) + "f would create 12 new files and directories, bringing /work to 36;"
                    + " its limit is 30 files and directories");
            assertThat(r.at("/errors/4/message").stringValue()).endsWith("is too deep: paths may have at most 32 names");
            assertThat(result.resultJson()).doesNotContain(tmp.toString());
        }
        try (Stream<Path> all = Files.walk(work)) {
            assertThat(all.count() - 1).isEqualTo(24);
        }
    }

    @Test
    void aWriteWaitingForTheMountEndsAtTheProgramsDeadline() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        MountPolicy writable = new MountPolicy(List.of(new Mount("/work", work, true, null, null)),
                DataSize.ofMegabytes(10).toBytes(), 4096);
        ExecutionLimits limits = new ExecutionLimits(Duration.ofMillis(500), Duration.ofSeconds(30),
                ExecutionLimits.DEFAULT_MEMORY_BYTES, ExecutionLimits.DEFAULT_STACK_BYTES,
                ExecutionLimits.DEFAULT_OUTPUT_BYTES_PER_STREAM, ExecutionLimits.DEFAULT_MAX_HOST_CALL_REQUEST_BYTES,
                ExecutionLimits.DEFAULT_MAX_HOST_CALL_RESULT_BYTES, Integer.MAX_VALUE);
        try (HeldWriteLock held = HeldWriteLock.of(writable, "/work"); FileSession session = writable.open()) {
            long started = System.nanoTime();
            ExecutionResult result = run(session, "fs.writeFile('/work/late.txt', 'x'); return 1;", limits);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(1500));
            assertThat(result.error()).isNotNull();
            assertThat(result.error().type()).as(result.error().message()).isEqualTo(ErrorType.TIMEOUT);
            assertThat(result.error().message()).doesNotContain("did not return");
        }
        assertThat(work.resolve("late.txt")).doesNotExist();
        // the sandbox is fine afterwards
        try (FileSession session = writable.open()) {
            assertThat(run(session, "fs.writeFile('/work/now.txt', 'x'); return fs.readFile('/work/now.txt');",
                    ExecutionLimits.defaults()).resultJson()).isEqualTo("\"x\"");
        }
    }

    @Test
    void aProgramKilledMidWriteLeavesNoPartialFile() throws Exception {
        // long enough for the first writes even on a loaded machine (GraalJS counts its context's creation in it)
        ExecutionLimits limits = new ExecutionLimits(Duration.ofMillis(1000), Duration.ofSeconds(30),
                ExecutionLimits.DEFAULT_MEMORY_BYTES, ExecutionLimits.DEFAULT_STACK_BYTES,
                ExecutionLimits.DEFAULT_OUTPUT_BYTES_PER_STREAM, ExecutionLimits.DEFAULT_MAX_HOST_CALL_REQUEST_BYTES,
                ExecutionLimits.DEFAULT_MAX_HOST_CALL_RESULT_BYTES, Integer.MAX_VALUE);
        for (int i = 0; i < 3; i++) {
            try (FileSession session = policy.open()) {
                ExecutionResult result = run(session, "for (;;) fs.writeFile('/output/big.txt', 'x'.repeat(1e5));", limits);
                assertThat(result.error()).isNotNull();
                assertThat(result.error().type()).as(result.error().message()).isEqualTo(ErrorType.TIMEOUT);
                assertThat(result.hostCalls()).isPositive();
                List<OutputFile> files = session.outputFiles();
                assertThat(files).hasSizeLessThanOrEqualTo(1);
                if (!files.isEmpty()) {
                    assertThat(files.get(0)).isEqualTo(new OutputFile("big.txt", 100_000, "text/plain", null));
                    assertThat(Files.readString(session.outputRoot().resolve("big.txt"))).isEqualTo("x".repeat(100_000));
                }
                try (Stream<Path> all = Files.walk(session.outputRoot())) {
                    assertThat(all.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
                            .allMatch(name -> name.equals("big.txt"));
                }
            }
        }
    }
}
