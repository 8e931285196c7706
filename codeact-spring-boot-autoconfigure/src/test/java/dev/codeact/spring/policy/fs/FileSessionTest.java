package dev.codeact.spring.policy.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.codeact.hyperlight.BoundedHostFunction;
import dev.codeact.hyperlight.Deadline;
import dev.codeact.hyperlight.HostFunction;
import dev.codeact.hyperlight.HostFunctionException;
import dev.codeact.hyperlight.HostFunctions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The fs services called directly with JSON, as the sandbox calls them, resolving paths with openat2 where the
 * kernel has it ({@link FileSessionWalkTest} runs the same with the openat walk).
 */
class FileSessionTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String MOUNTS = "/data (read-only), /work (writable), /output (writable)";

    @TempDir
    Path tmp;
    Path data;
    Path work;
    Path outside;
    MountPolicy policy;
    FileSession session;
    HostFunctions functions;

    @BeforeEach
    void setUp() throws IOException {
        data = Files.createDirectories(tmp.resolve("data"));
        work = Files.createDirectories(tmp.resolve("work"));
        outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(data.resolve("in.csv"), "name,qty\napple,3\npear,4\n");
        Files.createDirectories(data.resolve("sub"));
        Files.writeString(data.resolve("sub/b.txt"), "bee");
        Files.writeString(outside.resolve("secret.txt"), "secret");
        policy = policy(List.of(new Mount("/data", data, false, null, null),
                new Mount("/work", work, true, DataSize.ofKilobytes(1), null)), 200, Mount.DEFAULT_MAX_ENTRIES);
        open(policy);
    }

    /** How paths are resolved beneath a mount's root. */
    Beneath beneath() {
        return Beneath.best();
    }

    private MountPolicy policy(List<Mount> mounts, long outputQuota, int outputMaxEntries) {
        return new MountPolicy(mounts, outputQuota, outputMaxEntries, 64, beneath());
    }

    @AfterEach
    void tearDown() {
        Thread.interrupted();
        session.close();
    }

    private void open(MountPolicy p) {
        if (session != null) {
            session.close();
        }
        session = p.open();
        HostFunctions.Builder builder = HostFunctions.builder();
        session.register(builder);
        functions = builder.build();
    }

    // ---------------------------------------------------------------- helpers

    private String call(String service, String argumentsJson) throws Exception {
        return call(service, argumentsJson, Deadline.none());
    }

    private String call(String service, String argumentsJson, Deadline deadline) throws Exception {
        HostFunction function = functions.get("codeact.fs." + service);
        assertThat(function).as(service).isNotNull().isInstanceOf(BoundedHostFunction.class);
        return function.call(argumentsJson, deadline);
    }

    private static String args(String path) {
        return JSON.createObjectNode().put("path", path).toString();
    }

    private static String args(String path, String content) {
        return JSON.createObjectNode().put("path", path).put("content", content).toString();
    }

    private String read(String path) throws Exception {
        return JSON.readTree(call("readFile", args(path))).stringValue();
    }

    private void write(String path, String content) throws Exception {
        assertThat(call("writeFile", args(path, content))).isEqualTo("null");
    }

    private boolean exists(String path) throws Exception {
        return JSON.readTree(call("exists", args(path))).booleanValue();
    }

    /** The message the program's FileSystemError would carry; it never names a host path. */
    private String error(String service, String argumentsJson) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> call(service, argumentsJson));
        assertThat(thrown).as(service + " " + argumentsJson).isInstanceOf(HostFunctionException.class);
        String message = thrown.getMessage();
        assertThat(message).doesNotContain(tmp.toString()).doesNotContain(session.outputRoot().toString());
        return message;
    }

    private String readError(String path) {
        return error("readFile", args(path));
    }

    private List<Path> tempFiles(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> FileSession.isTempName(f.getFileName().toString())).toList();
        }
    }

    // ---------------------------------------------------------------- reading and paths

    @Test
    void readsInsideAMount() throws Exception {
        assertThat(read("/data/in.csv")).isEqualTo("name,qty\napple,3\npear,4\n");
        assertThat(read("/data/sub/b.txt")).isEqualTo("bee");
        assertThat(call("readFile", args("/data/in.csv"))).startsWith("\"name,qty\\n");
        // '.', empty segments and '..' that stays inside the mount are normalised
        assertThat(read("/data/./sub/../in.csv")).startsWith("name,qty");
        assertThat(read("//data//sub/./b.txt")).isEqualTo("bee");
    }

    @Test
    void pathsOutsideEveryMountAreNoSuchMount() {
        assertThat(readError("/etc/passwd")).isEqualTo("no such mount: /etc/passwd is outside the mounted directories;"
                + " they are " + MOUNTS);
        assertThat(readError("/datax/in.csv")).startsWith("no such mount: /datax/in.csv");
        assertThat(readError("/")).startsWith("no such mount: /");
        assertThat(error("readdir", args("/"))).startsWith("no such mount");
        assertThat(error("exists", args("/etc/passwd"))).startsWith("no such mount");
    }

    @Test
    void dotDotCannotLeaveAMount() {
        assertThat(readError("/data/../../etc/passwd"))
                .isEqualTo("path '/data/../../etc/passwd' escapes mount /data: '..' may not go above a mount's root");
        assertThat(readError("/data/../etc/passwd")).contains("escapes mount /data");
        assertThat(readError("/data/sub/../../etc/passwd")).contains("escapes mount /data");
        assertThat(readError("/data/../work/x")).contains("escapes mount /data");
        assertThat(readError("/output/../etc/passwd")).contains("escapes mount /output");
        assertThat(readError("/../data/in.csv")).contains("'..' outside any mount");
        assertThat(error("exists", args("/data/../../etc/passwd"))).contains("escapes mount /data");
        assertThat(error("writeFile", args("/work/../data/x", "x"))).contains("escapes mount /work");
    }

    @Test
    void encodedBackslashAndNulTricksAreRefused() {
        assertThat(readError("/data/%2e%2e/%2e%2e/etc/passwd")).contains("%-escape");
        assertThat(readError("/data/%2E%2E%2Fetc")).contains("%-escape");
        assertThat(readError("/data/..%2f..%2fetc/passwd")).contains("%-escape");
        assertThat(readError("/data/..\\..\\etc\\passwd")).contains("backslash");
        assertThat(readError("/data/in.csv\u0000.png")).contains("NUL");
        assertThat(readError("/data/a\nb")).contains("control character");
        assertThat(readError("data/in.csv")).contains("is not absolute");
        assertThat(readError("")).isEqualTo("the path is empty");
        assertThat(error("readFile", "{\"path\":42}")).isEqualTo("the path must be a string");
        assertThat(error("readFile", "{}")).isEqualTo("the path must be a string");
        assertThat(error("readFile", "not json")).contains("not JSON");
        // a lone % is an ordinary character: the name simply does not exist
        assertThat(readError("/data/100%.txt")).isEqualTo("no such file: /data/100%.txt");
    }

    @Test
    void absoluteHostPathsAreGuestPaths() {
        assertThat(readError("/etc/passwd")).startsWith("no such mount");
        assertThat(readError("/proc/self/environ")).startsWith("no such mount");
        assertThat(readError("/data/etc/passwd")).isEqualTo("no such file: /data/etc/passwd");
    }

    @Test
    void symlinkLeadingOutsideTheMountIsRefused() throws Exception {
        Files.createSymbolicLink(data.resolve("etc"), Path.of("/etc"));
        Files.createSymbolicLink(data.resolve("passwd"), Path.of("/etc/passwd"));
        Files.createSymbolicLink(data.resolve("secret.txt"), outside.resolve("secret.txt"));
        assertThat(readError("/data/etc/passwd"))
                .isEqualTo("refused: /data/etc is a symbolic link that leads outside mount /data");
        assertThat(readError("/data/passwd")).contains("leads outside mount /data");
        assertThat(readError("/data/secret.txt")).contains("leads outside mount /data");
        assertThat(error("readdir", args("/data/etc"))).contains("leads outside mount /data");
        assertThat(error("stat", args("/data/etc/hostname"))).contains("leads outside mount /data");
        assertThat(error("exists", args("/data/etc/passwd"))).contains("leads outside mount /data");
        assertThat(error("exists", args("/data/etc/no-such-file"))).contains("leads outside mount /data");
        // the listing shows the link's name, nothing behind it
        assertThat(JSON.readTree(call("readdir", args("/data"))).toString())
                .isEqualTo("[\"etc\",\"in.csv\",\"passwd\",\"secret.txt\",\"sub\"]");
    }

    @Test
    void symlinkLeadingOutsideAWritableMountIsRefusedForWrites() throws Exception {
        Files.createSymbolicLink(work.resolve("out"), outside);
        Files.createSymbolicLink(work.resolve("secret.txt"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(work.resolve("dangling.txt"), outside.resolve("new.txt"));
        assertThat(error("writeFile", args("/work/out/x.txt", "x"))).contains("leads outside mount /work");
        assertThat(error("writeFile", args("/work/out/deeper/x.txt", "x"))).contains("leads outside mount /work");
        assertThat(error("writeFile", args("/work/secret.txt", "x"))).contains("leads outside mount /work");
        // whether a target outside exists is none of the program's business: refused all the same
        assertThat(error("writeFile", args("/work/dangling.txt", "x"))).contains("leads outside mount /work");
        try (Stream<Path> files = Files.list(outside)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("secret.txt");
        }
        assertThat(Files.readString(outside.resolve("secret.txt"))).isEqualTo("secret");
        assertThat(Files.isSymbolicLink(work.resolve("secret.txt"))).isTrue();
    }

    @Test
    void symlinkInsideTheMountIsFollowed() throws Exception {
        Files.createSymbolicLink(data.resolve("alias.csv"), Path.of("in.csv"));
        Files.createSymbolicLink(data.resolve("s2"), data.resolve("sub"));
        assertThat(read("/data/alias.csv")).startsWith("name,qty");
        assertThat(read("/data/s2/b.txt")).isEqualTo("bee");
        assertThat(exists("/data/s2/b.txt")).isTrue();
        assertThat(JSON.readTree(call("readdir", args("/data/s2"))).toString()).isEqualTo("[\"b.txt\"]");
        // writing through a link inside a writable mount replaces the link's target
        Files.writeString(work.resolve("real.txt"), "old");
        Files.createSymbolicLink(work.resolve("link.txt"), Path.of("real.txt"));
        write("/work/link.txt", "new");
        assertThat(Files.readString(work.resolve("real.txt"))).isEqualTo("new");
        assertThat(Files.isSymbolicLink(work.resolve("link.txt"))).isTrue();
        // absolute links that name a path inside the mount, to a file or to a directory, are followed too
        Files.createSymbolicLink(work.resolve("abs.txt"), work.resolve("real.txt"));
        Files.createDirectories(work.resolve("dir"));
        Files.createSymbolicLink(work.resolve("dir-link"), work.resolve("dir"));
        write("/work/abs.txt", "newer");
        write("/work/dir-link/made/x.txt", "through a link");
        assertThat(Files.readString(work.resolve("real.txt"))).isEqualTo("newer");
        assertThat(Files.readString(work.resolve("dir/made/x.txt"))).isEqualTo("through a link");
        assertThat(tempFiles(work)).isEmpty();
    }

    @Test
    void danglingSymlinkDoesNotExist() throws Exception {
        Files.createSymbolicLink(data.resolve("gone"), Path.of("nowhere"));
        assertThat(exists("/data/gone")).isFalse();
        assertThat(readError("/data/gone")).isEqualTo("no such file: /data/gone");
        Files.createSymbolicLink(work.resolve("gone.txt"), Path.of("nowhere.txt"));
        assertThat(error("writeFile", args("/work/gone.txt", "x")))
                .isEqualTo("cannot write /work/gone.txt: it goes through a symbolic link whose target does not exist");
        assertThat(work.resolve("nowhere.txt")).doesNotExist();
        // one that would lead outside is refused, whether or not its target exists there
        Files.createSymbolicLink(data.resolve("gone-out"), tmp.resolve("nowhere"));
        assertThat(error("exists", args("/data/gone-out"))).contains("leads outside mount /data");
        assertThat(readError("/data/gone-out")).contains("leads outside mount /data");
    }

    // ---------------------------------------------------------------- readdir, stat, exists, read limits

    @Test
    void readdirStatAndExists() throws Exception {
        Files.writeString(data.resolve("a.txt"), "12345");
        assertThat(JSON.readTree(call("readdir", args("/data"))).toString()).isEqualTo("[\"a.txt\",\"in.csv\",\"sub\"]");
        assertThat(JSON.readTree(call("readdir", args("/output"))).toString()).isEqualTo("[]");
        JsonNode stat = JSON.readTree(call("stat", args("/data/a.txt")));
        assertThat(stat.get("size").longValue()).isEqualTo(5);
        assertThat(stat.get("isFile").booleanValue()).isTrue();
        assertThat(stat.get("isDirectory").booleanValue()).isFalse();
        assertThat(stat.get("modifiedMs").longValue()).isEqualTo(Files.getLastModifiedTime(data.resolve("a.txt")).toMillis());
        JsonNode dir = JSON.readTree(call("stat", args("/data/sub")));
        assertThat(dir.get("isFile").booleanValue()).isFalse();
        assertThat(dir.get("isDirectory").booleanValue()).isTrue();
        assertThat(JSON.readTree(call("stat", args("/data"))).get("isDirectory").booleanValue()).isTrue();

        assertThat(exists("/data/a.txt")).isTrue();
        assertThat(exists("/data/sub")).isTrue();
        assertThat(exists("/data")).isTrue();
        assertThat(exists("/data/missing.txt")).isFalse();
        assertThat(exists("/data/missing/deeper/x")).isFalse();
        assertThat(exists("/data/a.txt/x")).isFalse();
        assertThat(exists("/output/x")).isFalse();

        assertThat(error("stat", args("/data/missing.txt"))).isEqualTo("no such file or directory: /data/missing.txt");
        assertThat(error("readdir", args("/data/missing"))).isEqualTo("no such directory: /data/missing");
        assertThat(error("readdir", args("/data/a.txt"))).isEqualTo("not a directory: /data/a.txt");
        assertThat(readError("/data/sub")).startsWith("is a directory: /data/sub");
        assertThat(readError("/data/missing.txt")).isEqualTo("no such file: /data/missing.txt");
    }

    @Test
    void refusesFilesTooLargeOrNotText() throws Exception {
        Files.write(data.resolve("huge.txt"), new byte[(int) FileSession.MAX_READ_BYTES + 1]);
        Files.write(data.resolve("image.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', (byte) 0xff, (byte) 0xfe});
        assertThat(readError("/data/huge.txt"))
                .isEqualTo("file /data/huge.txt is 8388609 bytes, larger than the 8MB fs.readFile limit");
        assertThat(readError("/data/image.png")).isEqualTo("/data/image.png is not UTF-8 text; fs.readFile reads text files only");
        // stat still works for them
        assertThat(JSON.readTree(call("stat", args("/data/huge.txt"))).get("size").longValue()).isEqualTo(8388609);
    }

    // ---------------------------------------------------------------- writing

    @Test
    void writesOnlyInWritableMounts() throws Exception {
        assertThat(error("writeFile", args("/data/new.txt", "x"))).isEqualTo("read-only mount /data: cannot write /data/new.txt");
        assertThat(error("writeFile", args("/data/in.csv", "x"))).startsWith("read-only mount /data");
        assertThat(Files.exists(data.resolve("new.txt"))).isFalse();
        assertThat(Files.readString(data.resolve("in.csv"))).startsWith("name,qty");
        assertThat(error("writeFile", args("/etc/passwd", "x"))).startsWith("no such mount");
    }

    @Test
    void writesCreateParentsAndReplaceFiles() throws Exception {
        write("/work/a/b/c.txt", "first");
        assertThat(Files.readString(work.resolve("a/b/c.txt"))).isEqualTo("first");
        assertThat(read("/work/a/b/c.txt")).isEqualTo("first");
        write("/work/a/b/c.txt", "second, longer");
        assertThat(read("/work/a/b/c.txt")).isEqualTo("second, longer");
        write("/output/r\u00e9sum\u00e9.txt", "\u00e9t\u00e9 \u2603");
        assertThat(read("/output/r\u00e9sum\u00e9.txt")).isEqualTo("\u00e9t\u00e9 \u2603");
        assertThat(error("writeFile", args("/work/a", "x"))).isEqualTo("is a directory: /work/a");
        assertThat(error("writeFile", args("/work", "x"))).isEqualTo("is a directory: /work");
        assertThat(error("writeFile", args("/work/a/b/c.txt/d", "x"))).isEqualTo("not a directory: /work/a/b/c.txt");
        assertThat(error("writeFile", "{\"path\":\"/work/x.txt\"}")).contains("needs the content as a string");
        assertThat(tempFiles(work)).isEmpty();
    }

    @Test
    void mountQuotaIsEnforced() throws Exception {
        String sixHundred = "x".repeat(600);
        write("/work/a.txt", sixHundred);
        assertThat(error("writeFile", args("/work/b.txt", sixHundred))).isEqualTo("quota exceeded: writing 600 bytes to"
                + " /work/b.txt would bring /work to 1200 bytes, its quota is 1024 bytes (1KB)");
        assertThat(Files.exists(work.resolve("b.txt"))).isFalse();
        // replacing a file counts the new size, not both
        write("/work/a.txt", "y".repeat(1000));
        assertThat(Files.size(work.resolve("a.txt"))).isEqualTo(1000);
        write("/work/small.txt", "y".repeat(24));
        assertThat(error("writeFile", args("/work/one-more.txt", "z"))).startsWith("quota exceeded");
        assertThat(tempFiles(work)).isEmpty();
    }

    @Test
    void outputQuotaIsEnforcedAndATooLargeWriteLeavesNothing() throws Exception {
        write("/output/keep.txt", "old");
        assertThat(error("writeFile", args("/output/keep.txt", "x".repeat(201)))).isEqualTo("quota exceeded: writing 201"
                + " bytes to /output/keep.txt would bring /output to 201 bytes, its quota is 200 bytes (200 bytes)");
        assertThat(error("writeFile", args("/output/new/big.txt", "x".repeat(300)))).startsWith("quota exceeded");
        assertThat(read("/output/keep.txt")).isEqualTo("old");
        assertThat(exists("/output/new/big.txt")).isFalse();
        assertThat(tempFiles(session.outputRoot())).isEmpty();
        assertThat(session.outputFiles()).extracting(OutputFile::name).containsExactly("keep.txt");
    }

    @Test
    void aWriteInterruptedMidWayLeavesTheOldFileAndNoTemporaryFile() throws Exception {
        write("/work/state.json", "{\"version\":1}");
        Thread.currentThread().interrupt();
        assertThat(error("writeFile", args("/work/state.json", "{\"version\":2}")))
                .isEqualTo("the write to /work/state.json was interrupted; the file was not changed");
        Thread.currentThread().interrupt();
        assertThat(error("writeFile", args("/output/fresh.txt", "x".repeat(100))))
                .isEqualTo("the write to /output/fresh.txt was interrupted; the file was not changed");
        assertThat(Thread.interrupted()).isTrue(); // the interrupt is left for the caller
        assertThat(read("/work/state.json")).isEqualTo("{\"version\":1}");
        assertThat(exists("/output/fresh.txt")).isFalse();
        assertThat(tempFiles(work)).isEmpty();
        assertThat(tempFiles(session.outputRoot())).isEmpty();
    }

    @Test
    void concurrentWritersNeverSeeAPartialFile() throws Exception {
        String a = "a".repeat(100);
        String b = "b".repeat(100);
        write("/output/shared.txt", a);
        Thread writer = new Thread(() -> {
            try {
                for (int i = 0; i < 300; i++) {
                    call("writeFile", args("/output/shared.txt", i % 2 == 0 ? b : a));
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        while (writer.isAlive()) {
            assertThat(read("/output/shared.txt")).isIn(a, b);
        }
        writer.join();
        assertThat(tempFiles(session.outputRoot())).isEmpty();
    }

    // ---------------------------------------------------------------- entries, depth and the usage walk

    /** Files, directories and anything else under {@code root}, as a walk of the host sees them. */
    private static long entries(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            return all.count() - 1;
        }
    }

    @Test
    void theDeepDirectoryAttackStopsAtTheEntryLimit() throws Exception {
        open(policy(List.of(new Mount("/work", work, true, DataSize.ofMegabytes(1), 100)), 200, 10));
        String deep = "abcdefghij/".repeat(25) + "f"; // 26 directories and a file per write
        int written = 0;
        String refusal = null;
        for (int i = 0; i < 20 && refusal == null; i++) {
            try {
                write("/work/d" + i + "/" + deep, "");
                written++;
            } catch (HostFunctionException e) {
                refusal = e.getMessage();
            }
        }
        assertThat(written).isEqualTo(3);
        assertThat(refusal).isEqualTo("entry limit reached: writing /work/d3/" + deep + " would create 27 new files and"
                + " directories, bringing /work to 108; its limit is 100 files and directories");
        assertThat(entries(work)).isEqualTo(81);
        assertThat(tempFiles(work)).isEmpty();
        // the form from the report, 300 directories deep, never gets that far
        assertThat(error("writeFile", args("/work/dN/" + "abcdefghij/".repeat(300) + "f", "")))
                .endsWith("is too deep: paths may have at most 32 names");
        assertThat(entries(work)).isEqualTo(81);
    }

    @Test
    void directoriesAndEmptyFilesCountAsEntriesAndWhatIsThereCountsToo() throws Exception {
        Files.createDirectories(work.resolve("old"));
        Files.writeString(work.resolve("old/notes.txt"), "12345");
        open(policy(List.of(new Mount("/work", work, true, DataSize.ofKilobytes(1), 5)), 200, 10));
        write("/work/a/empty.txt", ""); // a directory and an empty file: 4 entries with the 2 already there
        write("/work/a/empty.txt", "replacing a file makes no new entry");
        write("/work/b.txt", "");
        assertThat(error("writeFile", args("/work/c.txt", ""))).isEqualTo("entry limit reached: writing /work/c.txt would"
                + " create 1 new file, bringing /work to 6; its limit is 5 files and directories");
        assertThat(error("writeFile", args("/work/old/d/e.txt", ""))).startsWith("entry limit reached");
        assertThat(exists("/work/old/d")).isFalse();
        // bytes are counted from what was there as well: 5 + 35 so far
        assertThat(error("writeFile", args("/work/b.txt", "x".repeat(1000)))).isEqualTo("quota exceeded: writing 1000"
                + " bytes to /work/b.txt would bring /work to 1040 bytes, its quota is 1024 bytes (1KB)");
        write("/work/b.txt", "x".repeat(984));
        assertThat(entries(work)).isEqualTo(5);
    }

    @Test
    void outputHasAnEntryLimitToo() throws Exception {
        open(policy(List.of(), 200, 3));
        write("/output/a/b/c.txt", "");
        assertThat(error("writeFile", args("/output/d.txt", ""))).isEqualTo("entry limit reached: writing /output/d.txt"
                + " would create 1 new file, bringing /output to 4; its limit is 3 files and directories");
        assertThat(session.outputFiles()).extracting(OutputFile::name).containsExactly("a/b/c.txt");
    }

    @Test
    void whatAMountHoldsIsWalkedOnceThenKeptByTheWrites() throws Exception {
        for (int i = 0; i < 50; i++) {
            Files.createDirectories(work.resolve("seed/" + i));
        }
        policy = policy(List.of(new Mount("/work", work, true, DataSize.ofKilobytes(1), 73)), 200, 10);
        open(policy);
        assertThat(policy.usageWalks("/work")).isZero(); // reads need no measure
        assertThat(exists("/work/seed/1")).isTrue();
        assertThat(policy.usageWalks("/work")).isZero();
        for (int i = 0; i < 20; i++) {
            write("/work/w/" + i + ".txt", "x".repeat(10));
        }
        try (FileSession other = policy.open()) {
            HostFunctions.Builder builder = HostFunctions.builder();
            other.register(builder);
            // 51 entries seeded, then a directory and 20 files: the other session sees the same count
            assertThatThrownBy(() -> builder.build().get("codeact.fs.writeFile").call(args("/work/w/more/x.txt", "")))
                    .hasMessage("entry limit reached: writing /work/w/more/x.txt would create 2 new files and directories,"
                            + " bringing /work to 74; its limit is 73 files and directories");
        }
        assertThat(policy.usageWalks("/work")).isEqualTo(1);
        assertThat(entries(work)).isEqualTo(72);
    }

    @Test
    void pathsAreBoundedInDepthAndNameLength() throws Exception {
        String thirtyOne = "/x".repeat(31);
        write("/work" + thirtyOne, "deepest allowed"); // 32 names with /work
        assertThat(read("/work" + thirtyOne)).isEqualTo("deepest allowed");
        assertThat(error("writeFile", args("/work" + thirtyOne + "/y", "x"))).isEqualTo("path '/work" + thirtyOne
                + "/y' is too deep: paths may have at most 32 names");
        assertThat(readError("/data/" + "n".repeat(256))).endsWith("has a name longer than 255 bytes");
        assertThat(readError("/data/" + "\u00e9".repeat(128))).endsWith("has a name longer than 255 bytes");
        assertThat(readError("/data/" + "n".repeat(255))).startsWith("no such file");
        // '..' that keeps a path shallow is fine
        assertThat(read("/data" + "/sub/..".repeat(40) + "/in.csv")).startsWith("name,qty");
    }

    // ---------------------------------------------------------------- deadlines

    @Test
    void aWriteWaitsForTheMountsLockOnlyUntilTheDeadline() throws Exception {
        try (HeldWriteLock held = HeldWriteLock.of(policy, "/work")) {
            long started = System.nanoTime();
            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
                    () -> call("writeFile", args("/work/late.txt", "x"), Deadline.after(Duration.ofMillis(200))));
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .isLessThan(Duration.ofMillis(200).plusSeconds(1));
            assertThat(thrown).isInstanceOf(HostFunctionException.class).hasMessage("cannot write /work/late.txt: another"
                    + " write to /work was still going on when the execution's time ran out; the file was not changed");
            assertThat(work.resolve("late.txt")).doesNotExist();
            // reads do not wait for writes
            assertThat(exists("/work/late.txt")).isFalse();
        }
        write("/work/late.txt", "now");
        assertThat(read("/work/late.txt")).isEqualTo("now");
    }

    @Test
    void aFifoIsRefusedWithoutBlocking() throws Exception {
        Path fifo = data.resolve("fifo");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        Files.createSymbolicLink(data.resolve("null"), Path.of("/dev/null"));
        assertThat(readError("/data/fifo")).isEqualTo("not a regular file: /data/fifo");
        assertThat(JSON.readTree(call("stat", args("/data/fifo"))).get("isFile").booleanValue()).isFalse();
        assertThat(exists("/data/fifo")).isTrue();
        assertThat(readError("/data/null")).contains("leads outside mount /data");
        Path workFifo = work.resolve("fifo");
        assertThat(new ProcessBuilder("mkfifo", workFifo.toString()).start().waitFor()).isZero();
        assertThat(error("writeFile", args("/work/fifo", "x"))).isEqualTo("not a regular file: /work/fifo");
    }

    // ---------------------------------------------------------------- /output

    @Test
    void outputFilesComeBackWithNameSizeMediaTypeAndInlineText() throws Exception {
        write("/output/report.csv", "a,b\n1,2\n");
        write("/output/sub/a.txt", "hello");
        write("/output/summary.json", "{\"total\":7}");
        write("/output/notes.md", "# Notes");
        write("/output/page.html", "<p>hi</p>");
        write("/output/chart.png", "\u0089PNG not really");
        write("/output/big.txt", "x".repeat(65));
        write("/output/README", "plain words");
        write("/output/blob", "\u0000\u0001binary");
        Files.writeString(session.outputRoot().resolve(".codeact-left-over.tmp"), "partial");

        List<OutputFile> files = session.outputFiles();
        assertThat(files).containsExactly(
                new OutputFile("README", 11, "text/plain", "plain words"),
                new OutputFile("big.txt", 65, "text/plain", null),
                new OutputFile("blob", 8, "application/octet-stream", null),
                new OutputFile("chart.png", 16, "image/png", null),
                new OutputFile("notes.md", 7, "text/markdown", "# Notes"),
                new OutputFile("page.html", 9, "text/html", "<p>hi</p>"),
                new OutputFile("report.csv", 8, "text/csv", "a,b\n1,2\n"),
                new OutputFile("sub/a.txt", 5, "text/plain", "hello"),
                new OutputFile("summary.json", 11, "application/json", "{\"total\":7}"));
    }

    @Test
    void temporaryNamesAreNeverListedNorReachable() throws Exception {
        Files.writeString(session.outputRoot().resolve(".codeact-0123.tmp"), "partial");
        Files.writeString(work.resolve(".codeact-0123.tmp"), "partial");
        Files.writeString(work.resolve(".hidden"), "ok");
        assertThat(JSON.readTree(call("readdir", args("/output"))).toString()).isEqualTo("[]");
        assertThat(JSON.readTree(call("readdir", args("/work"))).toString()).isEqualTo("[\".hidden\"]");
        assertThat(exists("/work/.codeact-0123.tmp")).isFalse();
        assertThat(readError("/work/.codeact-0123.tmp")).isEqualTo("no such file: /work/.codeact-0123.tmp");
        assertThat(error("writeFile", args("/work/.codeact-0123.tmp", "x"))).contains("are reserved");
        assertThat(session.outputFiles()).isEmpty();
    }

    @Test
    void eachSessionHasItsOwnOutputAndCloseDeletesIt() throws Exception {
        write("/output/a/b.txt", "mine");
        Path root = session.outputRoot();
        assertThat(root).isDirectory();
        try (FileSession other = policy.open()) {
            assertThat(other.outputRoot()).isNotEqualTo(root);
            assertThat(other.outputFiles()).isEmpty();
        }
        session.close();
        assertThat(root).doesNotExist();
        assertThat(error("readFile", args("/output/a/b.txt"))).isEqualTo("the file session is closed");
        assertThat(error("writeFile", args("/output/c.txt", "x"))).isEqualTo("the file session is closed");
        assertThatThrownBy(session::outputFiles).isInstanceOf(IllegalStateException.class);
        session.close(); // idempotent
    }

    @Test
    void sessionsShareTheMountsAndTheirQuota() throws Exception {
        write("/work/one.txt", "x".repeat(800));
        try (FileSession other = policy.open()) {
            HostFunctions.Builder builder = HostFunctions.builder();
            other.register(builder);
            HostFunction write = builder.build().get("codeact.fs.writeFile");
            assertThatThrownBy(() -> write.call(args("/work/two.txt", "x".repeat(300))))
                    .hasMessageStartingWith("quota exceeded");
            assertThat(builder.build().get("codeact.fs.readFile").call(args("/work/one.txt"))).hasSize(802);
        }
    }

    @Test
    void servicesAreNotListedAsTools() {
        assertThat(functions.names()).isEmpty();
        assertThat(Stream.of("readFile", "writeFile", "readdir", "stat", "exists")
                .map(s -> functions.get("codeact.fs." + s))).doesNotContainNull();
    }

    @Test
    void readsDecodeUtf8() throws Exception {
        Files.write(data.resolve("u.txt"), "\u00e9\u2603".getBytes(StandardCharsets.UTF_8));
        assertThat(read("/data/u.txt")).isEqualTo("\u00e9\u2603");
    }
}
