package dev.codeact.spring.policy.fs;

import dev.codeact.hyperlight.Deadline;
import dev.codeact.hyperlight.HostFunctions;
import dev.codeact.spring.json.CodeActJson;
import dev.codeact.spring.policy.fs.MountPolicy.Area;
import dev.codeact.spring.policy.fs.MountTable.Target;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The file system of one execution: the policy's mounts plus a fresh private directory backing {@code /output}.
 * {@link #register} adds the host services behind the program's {@code fs} object; after the execution,
 * {@link #outputFiles()} lists what the program left in /output, and {@link #close()} deletes that directory.
 *
 * <p>Every path goes through the same steps: parsed as a guest path ({@link GuestPaths}), mapped to the mount
 * with the longest matching prefix, then opened beneath the mount's root directory in one step ({@link Beneath}):
 * symbolic links are followed while they stay inside the mount, and one that leads outside is refused, even when
 * another writer on the host swaps a directory for such a link in the middle of the call. What follows works on the
 * descriptor opened, never on a host path. Programs cannot create links, so the links are the host's own. Every
 * error message names guest paths only. Off Linux every call fails ({@link MountPolicy#unavailableReason()}).
 *
 * <p>The parts: {@link MountTable} (where a guest path leads: the rule), {@link MountRoots} (opening it beneath the
 * area's root), {@link FsWriter} (atomic writes within the limits), {@link OutputDirectory} (/output), and
 * {@link FsErrors} (host functions and their messages). This class holds one execution's parts together and
 * implements the five operations.
 *
 * <p>Reads open without blocking ({@code O_NONBLOCK}) and refuse anything but a regular file before reading a byte,
 * so a FIFO or a device that another writer plants in a mount cannot hold a call.
 */
public final class FileSession implements AutoCloseable {
    /** The largest file {@code fs.readFile} reads. */
    public static final long MAX_READ_BYTES = 8L << 20;
    static final String READ_FILE = "codeact.fs.readFile";
    static final String WRITE_FILE = "codeact.fs.writeFile";
    static final String READDIR = "codeact.fs.readdir";
    static final String STAT = "codeact.fs.stat";
    static final String EXISTS = "codeact.fs.exists";

    private static final JsonMapper JSON = CodeActJson.MAPPER;

    private final OutputDirectory output;
    private final MountTable table;
    private final MountRoots roots;
    private final FsWriter writer;
    private volatile boolean closed;

    FileSession(List<Area> mounts, long outputQuotaBytes, int outputMaxEntries, int inlineTextBytes, Beneath beneath)
            throws IOException {
        this.output = new OutputDirectory(outputQuotaBytes, outputMaxEntries, inlineTextBytes);
        List<Area> all = new ArrayList<>(mounts);
        all.add(output.area());
        this.table = new MountTable(all);
        this.roots = new MountRoots(beneath, output);
        this.writer = new FsWriter(roots);
    }

    /** Registers the five {@code codeact.fs.*} services behind the program's {@code fs} object. */
    public void register(HostFunctions.Builder builder) {
        builder.registerUnlisted(READ_FILE, FsErrors.service("readFile", this::readFile))
                .registerUnlisted(WRITE_FILE, FsErrors.service("writeFile", this::writeFile))
                .registerUnlisted(READDIR, FsErrors.service("readdir", this::readdir))
                .registerUnlisted(STAT, FsErrors.service("stat", this::stat))
                .registerUnlisted(EXISTS, FsErrors.service("exists", this::exists));
    }

    /**
     * The files the program left under /output, recursively, sorted by name.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public List<OutputFile> outputFiles() {
        if (closed) {
            throw new IllegalStateException("the file session is closed");
        }
        if (Posix.UNAVAILABLE != null) {
            return List.of(); // no program could write there
        }
        return output.files(roots);
    }

    /** Deletes /output and everything in it; the services fail from now on. Idempotent. */
    @Override
    public void close() {
        closed = true;
        output.delete(); // after a write in progress
    }

    /** The host directory behind /output, made if the program has not used it yet, for tests. */
    Path outputRoot() {
        if (!closed) {
            output.make();
        }
        return output.area().root();
    }

    /** Whether a name is one of the temporary files writes go through (tests look for leftovers). */
    static boolean isTempName(String name) {
        return MountTable.isTempName(name);
    }

    // ---------------------------------------------------------------- the services

    private String readFile(JsonNode args, Deadline deadline) {
        Target t = target(args);
        int fd = roots.openOrNull(t, Posix.O_RDONLY | Posix.O_NONBLOCK | Posix.O_NOCTTY);
        if (fd < 0) {
            throw FsErrors.fail("no such file: " + t.guest());
        }
        try {
            Posix.Stat stat = Posix.fstat(fd);
            if (stat.isDirectory()) {
                throw FsErrors.fail("is a directory: " + t.guest() + " (use fs.readdir)");
            }
            if (!stat.isRegularFile()) {
                throw FsErrors.fail("not a regular file: " + t.guest());
            }
            if (stat.size() > MAX_READ_BYTES) {
                throw FsErrors.fail(tooLarge(t.guest(), stat.size()));
            }
            byte[] bytes = HostFiles.read(fd, (int) MAX_READ_BYTES + 1, deadline);
            if (bytes.length > MAX_READ_BYTES) {
                throw FsErrors.fail(tooLarge(t.guest(), bytes.length));
            }
            String text = MediaTypes.utf8(bytes);
            if (text == null) {
                throw FsErrors.fail(t.guest() + " is not UTF-8 text; fs.readFile reads text files only");
            }
            return JSON.writeValueAsString(text);
        } finally {
            Posix.closeQuietly(fd);
        }
    }

    private String writeFile(JsonNode args, Deadline deadline) {
        Target t = target(args);
        JsonNode contentNode = args.get("content");
        if (contentNode == null || !contentNode.isString()) {
            throw FsErrors.fail("fs.writeFile(path, content) needs the content as a string");
        }
        if (!t.area().writable()) {
            throw FsErrors.fail("read-only mount " + t.area().guestPath() + ": cannot write " + t.guest());
        }
        if (t.relative().isEmpty()) {
            throw FsErrors.fail("is a directory: " + t.guest());
        }
        if (t.hidden()) {
            throw FsErrors.fail("cannot write " + t.guest() + ": names starting with " + MountTable.TEMP_PREFIX + " and ending with "
                    + MountTable.TEMP_SUFFIX + " are reserved");
        }
        byte[] bytes = contentNode.stringValue().getBytes(StandardCharsets.UTF_8);
        Area area = t.area();
        FsWriter.lock(t, deadline);
        try {
            if (closed) {
                throw FsErrors.fail("the file session is closed");
            }
            int root = roots.openRoot(area);
            try {
                writer.write(t, root, bytes, deadline);
            } finally {
                Posix.closeQuietly(root);
            }
        } finally {
            area.lock().unlock();
        }
        return "null";
    }

    private String readdir(JsonNode args, Deadline deadline) {
        Target t = target(args);
        int fd = roots.openOrNull(t, Posix.O_PATH);
        if (fd < 0) {
            throw FsErrors.fail("no such directory: " + t.guest());
        }
        try {
            if (!Posix.fstat(fd).isDirectory()) {
                throw FsErrors.fail("not a directory: " + t.guest());
            }
            List<String> names = new ArrayList<>(HostFiles.list(fd, deadline));
            names.removeIf(MountTable::isTempName);
            names.sort(null);
            return JSON.writeValueAsString(names);
        } finally {
            Posix.closeQuietly(fd);
        }
    }

    private String stat(JsonNode args, Deadline deadline) {
        Target t = target(args);
        int fd = roots.openOrNull(t, Posix.O_PATH);
        if (fd < 0) {
            throw FsErrors.fail("no such file or directory: " + t.guest());
        }
        try {
            Posix.Stat stat = Posix.fstat(fd);
            ObjectNode json = JSON.createObjectNode();
            json.put("size", stat.size());
            json.put("isFile", stat.isRegularFile());
            json.put("isDirectory", stat.isDirectory());
            json.put("modifiedMs", stat.modifiedMs());
            return JSON.writeValueAsString(json);
        } finally {
            Posix.closeQuietly(fd);
        }
    }

    private String exists(JsonNode args, Deadline deadline) {
        int fd = roots.openOrNull(target(args), Posix.O_PATH);
        Posix.closeQuietly(fd);
        return fd >= 0 ? "true" : "false";
    }

    /** The target of the call's path, once the session and the host can serve it. */
    private Target target(JsonNode args) {
        if (closed) {
            throw FsErrors.fail("the file session is closed");
        }
        if (Posix.UNAVAILABLE != null) {
            throw FsErrors.fail("fs is unavailable: " + Posix.UNAVAILABLE);
        }
        JsonNode path = args.get("path");
        if (path == null || !path.isString()) {
            throw FsErrors.fail("the path must be a string");
        }
        return table.resolve(path.stringValue());
    }

    private static String tooLarge(String guest, long size) {
        return "file " + guest + " is " + size + " bytes, larger than the " + MountPolicy.formatSize(MAX_READ_BYTES)
                + " fs.readFile limit";
    }
}
