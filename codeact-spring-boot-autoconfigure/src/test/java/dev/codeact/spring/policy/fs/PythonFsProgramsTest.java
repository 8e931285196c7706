package dev.codeact.spring.policy.fs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.hyperlight.ErrorType;
import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.HostFunctions;
import dev.codeact.hyperlight.RequiresKvm;
import dev.codeact.spring.policy.PythonPrograms;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Python programs on the mounts and /output through open(), pathlib and os, in the Python guest: the same host file
 * service as the JavaScript guest's fs (FsProgramContract), with its refusals as Python's OSErrors.
 */
@RequiresKvm
class PythonFsProgramsTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Each refusal as [exception class, errno name, filename]; a program prints it with this helper. */
    private static final String ATTEMPT = """
            import errno
            refusals = {}
            def attempt(key, action):
                try:
                    action()
                    refusals[key] = 'ok'
                except OSError as e:
                    refusals[key] = [type(e).__name__, errno.errorcode.get(e.errno), e.filename]
            """;

    @TempDir
    Path tmp;
    Path data;
    MountPolicy policy;

    @BeforeEach
    void mounts() throws IOException {
        data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("in.csv"), "item,qty\napple,3\npear,4\nplum,5\n");
        Files.createDirectories(data.resolve("sub"));
        Files.writeString(data.resolve("sub/deep.txt"), "d\u00e9j\u00e0 \"vu\"\n\t\\ \u0001 \ud83d\ude00");
        Files.write(data.resolve("bin.dat"), new byte[] {(byte) 0xff, (byte) 0xfe, 0});
        Files.writeString(tmp.resolve("secret.txt"), "host secret");
        Files.createSymbolicLink(data.resolve("link.txt"), tmp.resolve("secret.txt"));
        policy = new MountPolicy(List.of(new Mount("/data", data, false, null, null)), DataSize.ofMegabytes(10).toBytes(), 4096);
    }

    private static ExecutionResult run(FileSession session, String code, ExecutionLimits limits) {
        HostFunctions.Builder builder = HostFunctions.builder();
        session.register(builder);
        return PythonPrograms.execute(code, builder.build(), limits);
    }

    private static JsonNode result(ExecutionResult result) {
        assertThat(result.error()).as("%s", result.error()).isNull();
        return JSON.readTree(result.resultJson());
    }

    @Test
    void programsReadMountsAndWriteOutputThroughOpenPathlibAndOs() throws Exception {
        String code = """
                import csv, json, os, pathlib
                with open('/data/in.csv', newline='') as f:
                    rows = list(csv.DictReader(f))
                total = sum(int(r['qty']) for r in rows)
                with open('/output/summary.json', 'w') as f:
                    json.dump({'rows': len(rows), 'total': total}, f)
                notes = pathlib.Path('/output/notes.txt')
                notes.write_text('a\\n')
                with open(notes, 'a') as f:
                    f.write('b\\n')
                with open('/output/raw.bin', 'wb') as f:
                    f.write(b'\\x00bytes\\n')
                with open('/output/raw.bin', 'r+b') as f:
                    f.seek(1)
                    f.write(b'B')
                    f.seek(0)
                    head = f.read(3)
                os.makedirs('/output/reports/2024', exist_ok=True)
                pathlib.Path('/output/reports/2024/q1.txt').write_text('q1')
                left_open = open('/output/left-open.txt', 'w')
                left_open.write('never closed')
                left_open.flush()
                {
                    'total': total,
                    'notes': notes.read_text(),
                    'head': list(head),
                    'deep': pathlib.Path('/data/sub/deep.txt').read_text(),
                    'bytes': pathlib.Path('data/in.csv').read_bytes()[:8].decode(),
                    'listdir': sorted(os.listdir('/data')),
                    'output': sorted(os.listdir('/output')),
                    'scandir': sorted([e.name, e.is_file(), e.is_dir()] for e in os.scandir('/data') if e.name != 'link.txt'),
                    'iterdir': sorted(str(p) for p in pathlib.Path('/data').iterdir()),
                    'glob': sorted(str(p) for p in pathlib.Path('/data').glob('**/*.txt')),
                    'walk': sorted([d, sorted(fs)] for d, _, fs in os.walk('/output')),
                    'exists': [os.path.exists('/data/in.csv'), os.path.exists('/data/missing'), os.path.isdir('/data'),
                               os.path.isfile('/data'), pathlib.Path('/data/sub').is_dir(), pathlib.Path('/nope').exists()],
                    'size': os.path.getsize('/data/in.csv'),
                    'stat': [os.stat('/output/summary.json').st_size, pathlib.Path('/data/in.csv').stat().st_mtime > 0],
                }
                """;
        try (FileSession session = policy.open()) {
            JsonNode r = result(run(session, code, ExecutionLimits.defaults()));
            assertThat(r.get("total").intValue()).isEqualTo(12);
            assertThat(r.get("notes").stringValue()).isEqualTo("a\nb\n");
            assertThat(r.get("head").toString()).isEqualTo("[0,66,121]");
            assertThat(r.get("deep").stringValue()).isEqualTo("d\u00e9j\u00e0 \"vu\"\n\t\\ \u0001 \ud83d\ude00");
            assertThat(r.get("bytes").stringValue()).isEqualTo("item,qty");
            assertThat(r.get("listdir").toString()).isEqualTo("[\"bin.dat\",\"in.csv\",\"link.txt\",\"sub\"]");
            assertThat(r.get("output").toString())
                    .isEqualTo("[\"left-open.txt\",\"notes.txt\",\"raw.bin\",\"reports\",\"summary.json\"]");
            assertThat(r.get("scandir").toString()).isEqualTo(
                    "[[\"bin.dat\",true,false],[\"in.csv\",true,false],[\"sub\",false,true]]");
            assertThat(r.get("iterdir").toString())
                    .isEqualTo("[\"/data/bin.dat\",\"/data/in.csv\",\"/data/link.txt\",\"/data/sub\"]");
            assertThat(r.get("glob").toString()).isEqualTo("[\"/data/link.txt\",\"/data/sub/deep.txt\"]");
            assertThat(r.get("walk").toString()).isEqualTo("[[\"/output\",[\"left-open.txt\",\"notes.txt\",\"raw.bin\","
                    + "\"summary.json\"]],[\"/output/reports\",[]],[\"/output/reports/2024\",[\"q1.txt\"]]]");
            assertThat(r.get("exists").toString()).isEqualTo("[true,false,true,false,true,false]");
            assertThat(r.get("size").intValue()).isEqualTo(31);
            assertThat(r.get("stat").toString()).isEqualTo("[24,true]");
            assertThat(session.outputFiles()).contains(
                    new OutputFile("summary.json", 24, "application/json", "{\"rows\": 3, \"total\": 12}"),
                    new OutputFile("notes.txt", 4, "text/plain", "a\nb\n"),
                    new OutputFile("left-open.txt", 12, "text/plain", "never closed"),
                    new OutputFile("reports/2024/q1.txt", 2, "text/plain", "q1"));
            assertThat(Files.readAllBytes(session.outputRoot().resolve("raw.bin"))).containsExactly("\0Bytes\n".getBytes());
        }
    }

    @Test
    void refusalsAreOsErrorsWithTheGuestPath() throws Exception {
        String code = ATTEMPT + """
                attempt('escape', lambda: open('/data/../../etc/passwd'))
                attempt('noMount', lambda: open('/etc/passwd'))
                attempt('missing', lambda: open('/data/missing.txt'))
                attempt('readOnly', lambda: open('/data/hack.txt', 'w'))
                attempt('readOnlyAppend', lambda: open('/data/in.csv', 'a'))
                attempt('directory', lambda: open('/data'))
                attempt('notDirectory', lambda: os.listdir('/data/in.csv'))
                attempt('symlinkOut', lambda: open('/data/link.txt').read())
                attempt('notUtf8', lambda: open('/data/bin.dat', 'rb'))
                def write_bytes():
                    with open('/output/x.bin', 'wb') as f:
                        f.write(b'\\xff')
                attempt('writeNotUtf8', write_bytes)
                attempt('exclusive', lambda: open('/data/in.csv', 'x'))
                attempt('mkdirReadOnly', lambda: os.mkdir('/data/new'))
                attempt('mkdirExists', lambda: os.mkdir('/output'))
                attempt('remove', lambda: os.remove('/output/x.bin'))
                attempt('tooDeep', lambda: open('/output/' + 'a/' * 40 + 'f', 'w'))
                attempt('backslash', lambda: open('/output/a\\\\b', 'w'))
                refusals
                """;
        try (FileSession session = policy.open()) {
            JsonNode r = result(run(session, code.replace("import errno", "import errno, os"), ExecutionLimits.defaults()));
            assertThat(r.get("escape").toString()).isEqualTo("[\"PermissionError\",\"EACCES\",\"/data/../../etc/passwd\"]");
            assertThat(r.get("noMount").toString()).isEqualTo("[\"FileNotFoundError\",\"ENOENT\",\"/etc/passwd\"]");
            assertThat(r.get("missing").toString()).isEqualTo("[\"FileNotFoundError\",\"ENOENT\",\"/data/missing.txt\"]");
            assertThat(r.get("readOnly").toString()).isEqualTo("[\"OSError\",\"EROFS\",\"/data/hack.txt\"]");
            assertThat(r.get("readOnlyAppend").toString()).isEqualTo("[\"OSError\",\"EROFS\",\"/data/in.csv\"]");
            assertThat(r.get("directory").toString()).isEqualTo("[\"IsADirectoryError\",\"EISDIR\",\"/data\"]");
            assertThat(r.get("notDirectory").toString()).isEqualTo("[\"NotADirectoryError\",\"ENOTDIR\",\"/data/in.csv\"]");
            assertThat(r.get("symlinkOut").toString()).isEqualTo("[\"PermissionError\",\"EACCES\",\"/data/link.txt\"]");
            assertThat(r.get("notUtf8").toString()).isEqualTo("[\"OSError\",\"EILSEQ\",\"/data/bin.dat\"]");
            assertThat(r.get("writeNotUtf8").toString()).isEqualTo("[\"OSError\",\"EILSEQ\",null]");
            assertThat(r.get("exclusive").toString()).isEqualTo("[\"FileExistsError\",\"EEXIST\",\"/data/in.csv\"]");
            assertThat(r.get("mkdirReadOnly").toString()).isEqualTo("[\"OSError\",\"EROFS\",\"/data/new\"]");
            assertThat(r.get("mkdirExists").toString()).isEqualTo("[\"FileExistsError\",\"EEXIST\",\"/output\"]");
            assertThat(r.get("remove").toString()).isEqualTo("[\"OSError\",\"EROFS\",\"/output/x.bin\"]");
            assertThat(r.get("tooDeep").get(1).stringValue()).isEqualTo("ENAMETOOLONG");
            assertThat(r.get("backslash").get(1).stringValue()).isEqualTo("EINVAL");
            assertThat(result(run(session, "1", ExecutionLimits.defaults())).intValue()).isEqualTo(1);
            assertThat(Files.exists(data.resolve("hack.txt"))).isFalse();
            assertThat(Files.readString(data.resolve("in.csv"))).startsWith("item,qty");
        }
    }

    @Test
    void quotasAndSizeLimitsAreTypedOsErrors() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        Files.writeString(data.resolve("large.txt"), "y".repeat(2 << 20));
        MountPolicy limited = new MountPolicy(List.of(new Mount("/data", data, false, null, null),
                new Mount("/work", work, true, DataSize.ofBytes(100), 30)), DataSize.ofMegabytes(10).toBytes(), 4096);
        String code = ATTEMPT + """
                def write(path, text):
                    with open(path, 'w') as f:
                        f.write(text)
                attempt('quota', lambda: write('/work/big.txt', 'x' * 101))
                attempt('fits', lambda: write('/work/small.txt', 'x' * 10))
                attempt('entries', lambda: write('/work/' + 'abcdefghij/' * 30 + 'f', ''))
                attempt('request', lambda: write('/output/two-mib.txt', 'x' * (2 << 20)))
                attempt('inGuest', lambda: write('/output/nine-mib.txt', 'x' * (9 << 20)))
                attempt('result', lambda: open('/data/large.txt').read())
                refusals
                """;
        try (FileSession session = limited.open()) {
            JsonNode r = result(run(session, code, ExecutionLimits.defaults()));
            assertThat(r.get("quota").toString()).isEqualTo("[\"OSError\",\"EDQUOT\",null]");
            assertThat(r.get("fits").stringValue()).isEqualTo("ok");
            assertThat(r.get("entries").get(1).stringValue()).isEqualTo("ENOSPC");
            assertThat(r.get("request").toString()).isEqualTo("[\"OSError\",\"EFBIG\",null]");
            assertThat(r.get("inGuest").toString()).isEqualTo("[\"OSError\",\"EFBIG\",null]");
            assertThat(r.get("result").toString()).isEqualTo("[\"OSError\",\"EFBIG\",\"/data/large.txt\"]");
            assertThat(Files.readString(work.resolve("small.txt"))).isEqualTo("x".repeat(10));
            assertThat(work.resolve("big.txt")).hasContent("");
            assertThat(session.outputFiles()).allMatch(f -> f.size() == 0);
        }
    }

    @Test
    void aWriteWaitingForTheMountEndsAtTheProgramsDeadline() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        MountPolicy writable = new MountPolicy(List.of(new Mount("/work", work, true, null, null)),
                DataSize.ofMegabytes(10).toBytes(), 4096);
        ExecutionLimits limits = ExecutionLimits.defaults().withTimeout(Duration.ofMillis(500));
        try (HeldWriteLock held = HeldWriteLock.of(writable, "/work"); FileSession session = writable.open()) {
            long started = System.nanoTime();
            ExecutionResult result = run(session, "open('/work/late.txt', 'w').close()", limits);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(1500));
            assertThat(result.error()).isNotNull();
            assertThat(result.error().type()).as(result.error().message()).isEqualTo(ErrorType.TIMEOUT);
        }
        assertThat(work.resolve("late.txt")).doesNotExist();
        try (FileSession session = writable.open()) {
            assertThat(result(run(session, "import pathlib\np = pathlib.Path('/work/now.txt')\np.write_text('x')\np.read_text()",
                    ExecutionLimits.defaults())).stringValue()).isEqualTo("x");
        }
    }

    @Test
    void openFilesCountAgainstTheMemoryLimitAndNothingOpenOutlivesTheExecution() throws Exception {
        ExecutionLimits sixteenMiB = ExecutionLimits.defaults().withMemoryBytes(16L << 20);
        String buffers = """
                chunk = 'x' * (1 << 20)
                files = [open('/output/f%d.txt' % i, 'w') for i in range(3)]
                for f in files:
                    for _ in range(7):
                        f.write(chunk)
                        f.flush()
                'all buffered'
                """;
        try (FileSession session = policy.open()) {
            ExecutionResult result = run(session, buffers, sixteenMiB);
            assertThat(result.error()).as("%s", result).isNotNull();
            assertThat(result.error().type()).isEqualTo(ErrorType.OUT_OF_MEMORY);
        }
        try (FileSession session = policy.open()) {
            assertThat(result(run(session, "import os\nos.open('/output/kept.txt', os.O_WRONLY | os.O_CREAT)",
                    ExecutionLimits.defaults())).intValue()).isEqualTo(3);
            JsonNode r = result(run(session, ATTEMPT + "import os\nattempt('read', lambda: os.read(3, 10))\nrefusals",
                    ExecutionLimits.defaults()));
            assertThat(r.get("read").toString()).isEqualTo("[\"OSError\",\"EBADF\",null]");
        }
    }
}
