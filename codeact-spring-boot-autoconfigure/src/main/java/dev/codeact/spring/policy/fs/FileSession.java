package dev.codeact.spring.policy.fs;

import static dev.codeact.spring.policy.fs.Posix.c;

import com.sun.jna.LastErrorException;
import dev.codeact.hyperlight.BoundedHostFunction;
import dev.codeact.hyperlight.Deadline;
import dev.codeact.hyperlight.HostFunctionException;
import dev.codeact.hyperlight.HostFunctions;
import dev.codeact.spring.policy.fs.MountPolicy.Area;
import dev.codeact.spring.policy.fs.MountPolicy.Usage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import tools.jackson.core.JacksonException;
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
 * <p>Writes go to a hidden temporary file ({@code .codeact-<random>.tmp}) created in the target's directory through
 * that directory's descriptor, then renamed over the target within the same directory: a program stopped in the
 * middle of a write leaves the old file or the new one, never part of one, and neither file can land outside the
 * mount; the temporary file is removed when the write fails. Temporary names are never listed, and paths using them
 * are refused. Writes to one mount wait for each other, at most until the execution's deadline; an interrupt,
 * which the sandbox sends at the deadline, stops a call at once (and a call that fails because the deadline passed
 * ends the execution as a timeout: the sandbox stops it when the call returns).
 *
 * <p>Reads open without blocking ({@code O_NONBLOCK}) and refuse anything but a regular file before reading a byte,
 * so a FIFO or a device that another writer plants in a mount cannot hold a call.
 */
public final class FileSession implements AutoCloseable {
    /** The largest file {@code fs.readFile} reads. */
    public static final long MAX_READ_BYTES = 8L << 20;
    static final String TEMP_PREFIX = ".codeact-";
    static final String TEMP_SUFFIX = ".tmp";
    static final String READ_FILE = "codeact.fs.readFile";
    static final String WRITE_FILE = "codeact.fs.writeFile";
    static final String READDIR = "codeact.fs.readdir";
    static final String STAT = "codeact.fs.stat";
    static final String EXISTS = "codeact.fs.exists";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int SNIFF_BYTES = 8192;
    /** How deep walks go; programs cannot make trees deeper than {@link GuestPaths#MAX_DEPTH}. */
    private static final int MAX_WALK_DEPTH = 256;
    private static final int MAX_LINKS = 40;
    private static final int DIRECTORY = Posix.O_PATH | Posix.O_DIRECTORY;

    private final List<Area> areas;
    private final Area output;
    private final int inlineTextBytes;
    private final String mountList;
    private final Beneath beneath;
    private volatile boolean closed;

    FileSession(List<Area> mounts, long outputQuotaBytes, int outputMaxEntries, int inlineTextBytes, Beneath beneath)
            throws IOException {
        Path dir = Files.createTempDirectory("codeact-output-").toRealPath();
        this.output = new Area(MountPolicy.OUTPUT, List.of(MountPolicy.OUTPUT.substring(1)), dir,
                List.of(MountPolicy.names(dir)), true, outputQuotaBytes, outputMaxEntries, Usage.empty());
        List<Area> all = new ArrayList<>(mounts);
        all.add(output);
        StringBuilder list = new StringBuilder();
        for (Area area : all) {
            list.append(list.length() == 0 ? "" : ", ").append(area.guestPath())
                    .append(area.writable() ? " (writable)" : " (read-only)");
        }
        this.mountList = list.toString();
        all.sort(Comparator.comparingInt((Area a) -> a.segments().size()).reversed());
        this.areas = List.copyOf(all);
        this.inlineTextBytes = inlineTextBytes;
        this.beneath = beneath;
    }

    /** Registers the five {@code codeact.fs.*} services behind the program's {@code fs} object. */
    public void register(HostFunctions.Builder builder) {
        builder.registerUnlisted(READ_FILE, service("readFile", this::readFile))
                .registerUnlisted(WRITE_FILE, service("writeFile", this::writeFile))
                .registerUnlisted(READDIR, service("readdir", this::readdir))
                .registerUnlisted(STAT, service("stat", this::stat))
                .registerUnlisted(EXISTS, service("exists", this::exists));
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
        List<OutputFile> files = new ArrayList<>();
        int root = openRoot(output);
        try {
            HostFiles.walk(root, "", MAX_WALK_DEPTH, (dir, name, relative, stat) -> {
                if (stat.isRegularFile() && !isTempName(name)) {
                    files.add(describeOutput(dir, name, relative, stat.size()));
                }
            }, Deadline.none());
        } catch (LastErrorException e) {
            throw new IllegalStateException("could not list /output: " + reason(e), e);
        } finally {
            Posix.closeQuietly(root);
        }
        files.sort(Comparator.comparing(OutputFile::name));
        return List.copyOf(files);
    }

    /** Deletes /output and everything in it; the services fail from now on. Idempotent. */
    @Override
    public void close() {
        closed = true;
        output.lock().lock(); // a write in progress finishes first
        try {
            deleteTree(output.root());
        } finally {
            output.lock().unlock();
        }
    }

    /** The host directory behind /output, for tests. */
    Path outputRoot() {
        return output.root();
    }

    // ---------------------------------------------------------------- the services

    private String readFile(JsonNode args, Deadline deadline) {
        Target t = target(args);
        int fd = openOrNull(t, Posix.O_RDONLY | Posix.O_NONBLOCK | Posix.O_NOCTTY);
        if (fd < 0) {
            throw fail("no such file: " + t.guest());
        }
        try {
            Posix.Stat stat = Posix.fstat(fd);
            if (stat.isDirectory()) {
                throw fail("is a directory: " + t.guest() + " (use fs.readdir)");
            }
            if (!stat.isRegularFile()) {
                throw fail("not a regular file: " + t.guest());
            }
            if (stat.size() > MAX_READ_BYTES) {
                throw fail(tooLarge(t.guest(), stat.size()));
            }
            byte[] bytes = HostFiles.read(fd, (int) MAX_READ_BYTES + 1, deadline);
            if (bytes.length > MAX_READ_BYTES) {
                throw fail(tooLarge(t.guest(), bytes.length));
            }
            String text = utf8(bytes);
            if (text == null) {
                throw fail(t.guest() + " is not UTF-8 text; fs.readFile reads text files only");
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
            throw fail("fs.writeFile(path, content) needs the content as a string");
        }
        if (!t.area().writable()) {
            throw fail("read-only mount " + t.area().guestPath() + ": cannot write " + t.guest());
        }
        if (t.relative().isEmpty()) {
            throw fail("is a directory: " + t.guest());
        }
        if (t.hidden()) {
            throw fail("cannot write " + t.guest() + ": names starting with " + TEMP_PREFIX + " and ending with "
                    + TEMP_SUFFIX + " are reserved");
        }
        byte[] bytes = contentNode.stringValue().getBytes(StandardCharsets.UTF_8);
        Area area = t.area();
        lock(t, deadline);
        try {
            if (closed) {
                throw fail("the file session is closed");
            }
            int root = openRoot(area);
            try {
                write(t, root, bytes, deadline);
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
        int fd = openOrNull(t, Posix.O_PATH);
        if (fd < 0) {
            throw fail("no such directory: " + t.guest());
        }
        try {
            if (!Posix.fstat(fd).isDirectory()) {
                throw fail("not a directory: " + t.guest());
            }
            List<String> names = new ArrayList<>(HostFiles.list(fd, deadline));
            names.removeIf(FileSession::isTempName);
            names.sort(null);
            return JSON.writeValueAsString(names);
        } finally {
            Posix.closeQuietly(fd);
        }
    }

    private String stat(JsonNode args, Deadline deadline) {
        Target t = target(args);
        int fd = openOrNull(t, Posix.O_PATH);
        if (fd < 0) {
            throw fail("no such file or directory: " + t.guest());
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
        int fd = openOrNull(target(args), Posix.O_PATH);
        Posix.closeQuietly(fd);
        return fd >= 0 ? "true" : "false";
    }

    // ---------------------------------------------------------------- writing

    /** The write itself, under the area's lock: where it goes, the limits, the missing directories, the file. */
    private void write(Target t, int root, byte[] bytes, Deadline deadline) {
        Area area = t.area();
        Usage usage = measured(area, root, deadline);
        try (Destination d = destination(t, root)) {
            long replaced = d.old == null ? 0 : d.old.size();
            long after = usage.bytes - replaced + bytes.length;
            if (after > area.quotaBytes()) {
                throw fail("quota exceeded: writing " + bytes.length + " bytes to " + t.guest() + " would bring "
                        + area.guestPath() + " to " + after + " bytes, its quota is " + area.quotaBytes() + " bytes ("
                        + MountPolicy.formatSize(area.quotaBytes()) + ")");
            }
            long created = d.missing.size() + (d.old == null ? 1 : 0);
            if (usage.entries + created > area.maxEntries()) {
                // only the file itself when no directory is missing
                throw fail("entry limit reached: writing " + t.guest() + " would create "
                        + (created == 1 ? "1 new file" : created + " new files and directories") + ", bringing "
                        + area.guestPath() + " to " + (usage.entries + created) + "; its limit is " + area.maxEntries()
                        + " files and directories");
            }
            for (String name : d.missing) {
                d.enter(makeDirectory(t, d.dir, name, usage));
            }
            atomicWrite(t.guest(), d.dir, d.name, bytes, d.old, deadline);
            usage.bytes += bytes.length - replaced;
            usage.entries += d.old == null ? 1 : 0;
        }
    }

    /**
     * Where a write goes: a directory descriptor beneath the root and a name in it.
     *
     * @param missing the names of the directories still to create below {@link #dir}, in order
     * @param old the file that will be replaced, or null
     */
    private static final class Destination implements AutoCloseable {
        int dir = -1;
        String name;
        List<String> missing = List.of();
        Posix.Stat old;

        /** Moves to {@code fd}, closing the directory held so far. */
        void enter(int fd) {
            Posix.closeQuietly(dir);
            dir = fd;
        }

        @Override
        public void close() {
            Posix.closeQuietly(dir);
        }
    }

    /**
     * The target's directory, or its deepest existing ancestor and the names missing below it; when the target is a
     * symbolic link inside the mount, the directory and name of the existing file it leads to (as writing through
     * the link would), never a path outside.
     */
    private Destination destination(Target t, int root) {
        List<String> names = t.relative();
        List<String> dirNames = names.subList(0, names.size() - 1);
        Destination d = new Destination();
        d.name = names.get(names.size() - 1);
        try {
            d.enter(parentOrAncestor(t, root, dirNames, d));
            boolean followed = false;
            for (int links = 0; d.missing.isEmpty(); links++) {
                Posix.Stat stat;
                try {
                    stat = Posix.lstatAt(d.dir, d.name);
                } catch (LastErrorException e) {
                    if (e.getErrorCode() == Posix.ENOENT) {
                        break;
                    }
                    throw e;
                }
                if (!stat.isSymbolicLink()) {
                    if (stat.isDirectory()) {
                        throw fail("is a directory: " + t.guest());
                    }
                    if (!stat.isRegularFile()) {
                        throw fail("not a regular file: " + t.guest());
                    }
                    d.old = stat;
                    break;
                }
                if (links >= MAX_LINKS) {
                    throw new LastErrorException(Posix.ELOOP);
                }
                String target;
                try {
                    target = Posix.readlink(d.dir, d.name);
                } catch (LastErrorException e) {
                    continue; // replaced since: look again
                }
                List<String> next = target.startsWith("/") ? Beneath.underRoot(target, t.area().hostRoots())
                        : concat(dirNames, Beneath.plainParts(target));
                if (next == null) {
                    throw refused(t, names.size());
                }
                if (next.isEmpty() || next.get(next.size() - 1).equals("..")) {
                    throw fail("is a directory: " + t.guest());
                }
                dirNames = next.subList(0, next.size() - 1);
                int dir;
                try {
                    dir = openBeneath(t, root, dirNames, DIRECTORY, names.size());
                } catch (LastErrorException e) {
                    if (missing(e)) {
                        throw dangling(t);
                    }
                    throw e;
                }
                d.enter(dir);
                d.name = next.get(next.size() - 1);
                followed = true;
            }
            if (followed && d.old == null) {
                throw dangling(t); // a link is followed to an existing file only
            }
            return d;
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
    }

    /** The directory {@code dirNames}, or its deepest existing ancestor, noting the names missing in {@code d}. */
    private int parentOrAncestor(Target t, int root, List<String> dirNames, Destination d) {
        try {
            return openBeneath(t, root, dirNames, DIRECTORY, 0);
        } catch (LastErrorException e) {
            if (!missing(e)) {
                throw e;
            }
        }
        // down from the root, to find which name is missing or is no directory
        int fd = openBeneath(t, root, List.of(), DIRECTORY, 0);
        for (int i = 1; i <= dirNames.size(); i++) {
            try {
                int next = openBeneath(t, root, dirNames.subList(0, i), DIRECTORY, 0);
                Posix.closeQuietly(fd);
                fd = next;
            } catch (LastErrorException e) {
                if (e.getErrorCode() == Posix.ENOENT) {
                    d.missing = dirNames.subList(i - 1, dirNames.size());
                    return fd;
                }
                Posix.closeQuietly(fd);
                if (e.getErrorCode() == Posix.ENOTDIR) {
                    throw fail("not a directory: " + guestOf(t, i));
                }
                throw e;
            }
        }
        return fd; // made meanwhile by another writer
    }

    /** Makes the directory {@code name} in {@code dir}, counting it, and opens it. */
    private static int makeDirectory(Target t, int dir, String name, Usage usage) {
        try {
            Posix.mkdirat(dir, c(name), 0777);
            usage.entries++;
        } catch (LastErrorException e) {
            if (e.getErrorCode() != Posix.EEXIST) {
                throw e;
            } // made meanwhile by another writer: used if it is a directory
        }
        try {
            return Posix.openat(dir, c(name), DIRECTORY | Posix.O_NOFOLLOW | Posix.O_CLOEXEC, 0);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Posix.ENOTDIR || e.getErrorCode() == Posix.ELOOP) {
                throw fail("cannot write " + t.guest() + ": a parent is not a directory");
            }
            throw e;
        }
    }

    /**
     * Writes {@code bytes} to a new temporary file in {@code dir} and renames it over {@code name} in the same
     * directory. On any failure, interruption and the deadline included, the temporary file is removed and the target
     * is untouched.
     */
    private static void atomicWrite(String guest, int dir, String name, byte[] bytes, Posix.Stat old, Deadline deadline) {
        String temp = null;
        int fd = -1;
        for (int attempt = 0; fd < 0; attempt++) {
            temp = TEMP_PREFIX + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()) + TEMP_SUFFIX;
            try {
                fd = Posix.openat(dir, c(temp), Posix.O_WRONLY | Posix.O_CREAT | Posix.O_EXCL | Posix.O_NOFOLLOW
                        | Posix.O_CLOEXEC, 0666);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != Posix.EEXIST || attempt >= 10) {
                    throw e;
                }
            }
        }
        boolean moved = false;
        try {
            try {
                HostFiles.writeAll(fd, bytes, () -> stopIfDue(guest, deadline));
                if (old != null) {
                    try {
                        Posix.fchmod(fd, old.permissions());
                    } catch (LastErrorException e) {
                        // best effort: the file keeps the default permissions
                    }
                }
            } finally {
                Posix.closeQuietly(fd);
            }
            stopIfDue(guest, deadline);
            Posix.renameat(dir, c(temp), dir, c(name));
            moved = true;
        } finally {
            if (!moved) {
                try {
                    Posix.unlinkat(dir, c(temp), 0);
                } catch (LastErrorException e) {
                    // nothing more to do: the name is never listed
                }
            }
        }
    }

    /** Stops a write that was interrupted or whose execution is out of time, before it replaces anything. */
    private static void stopIfDue(String guest, Deadline deadline) {
        if (Thread.currentThread().isInterrupted()) {
            throw fail("the write to " + guest + " was interrupted; the file was not changed");
        }
        if (deadline.expired()) {
            throw fail("the write to " + guest + " was stopped: the execution's time is up; the file was not changed");
        }
    }

    /** Takes the area's write lock, waiting at most until the execution's deadline. */
    private static void lock(Target t, Deadline deadline) {
        Area area = t.area();
        try {
            if (!area.lock().tryLock(deadline.remaining().toNanos(), TimeUnit.NANOSECONDS)) {
                throw fail("cannot write " + t.guest() + ": another write to " + area.guestPath()
                        + " was still going on when the execution's time ran out; the file was not changed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // left for the caller
            throw fail("the write to " + t.guest() + " was interrupted; the file was not changed");
        }
    }

    /** The area's usage, measured by one walk the first time it is needed. */
    private static Usage measured(Area area, int root, Deadline deadline) {
        Usage usage = area.usage();
        if (!usage.measured) {
            usage.walks++;
            long[] totals = new long[2];
            HostFiles.walk(root, "", MAX_WALK_DEPTH, (dir, name, relative, stat) -> {
                totals[0] += stat.isRegularFile() ? stat.size() : 0;
                totals[1]++;
            }, deadline);
            usage.bytes = totals[0];
            usage.entries = totals[1];
            usage.measured = true;
        }
        return usage;
    }

    // ---------------------------------------------------------------- paths

    /**
     * A guest path mapped to its area.
     *
     * @param guest the normalised guest path, for messages
     * @param relative the names below the area's root
     */
    private record Target(Area area, String guest, List<String> relative) {
        /** Whether the path uses a temporary file's name: such paths do not exist for programs. */
        boolean hidden() {
            return relative.stream().anyMatch(FileSession::isTempName);
        }
    }

    private Target target(JsonNode args) {
        if (closed) {
            throw fail("the file session is closed");
        }
        if (Posix.UNAVAILABLE != null) {
            throw fail("fs is unavailable: " + Posix.UNAVAILABLE);
        }
        JsonNode path = args.get("path");
        if (path == null || !path.isString()) {
            throw fail("the path must be a string");
        }
        List<String> segments = GuestPaths.parse(path.stringValue(), this::areaOf);
        Area area = areaOf(segments);
        if (area == null) {
            throw fail("no such mount: " + GuestPaths.toString(segments) + " is outside the mounted directories; they are "
                    + mountList);
        }
        return new Target(area, GuestPaths.toString(segments), segments.subList(area.segments().size(), segments.size()));
    }

    /** The area whose guest path is the longest prefix of {@code segments}, or null. */
    private Area areaOf(List<String> segments) {
        for (Area area : areas) { // longest guest paths first
            List<String> prefix = area.segments();
            if (segments.size() >= prefix.size() && segments.subList(0, prefix.size()).equals(prefix)) {
                return area;
            }
        }
        return null;
    }

    /** The area's root directory, as an O_PATH descriptor. */
    private int openRoot(Area area) {
        try {
            return Posix.openat(Posix.AT_FDCWD, c(area.root().toString()),
                    Posix.O_PATH | Posix.O_DIRECTORY | Posix.O_NOFOLLOW | Posix.O_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw fail(area == output ? "the file session is closed" : "mount " + area.guestPath() + " is unavailable");
        }
    }

    /** Opens the target beneath its area's root, or returns -1 when it does not exist (nor do temporary names). */
    private int openOrNull(Target t, int flags) {
        if (t.hidden()) {
            return -1;
        }
        int root = openRoot(t.area());
        try {
            return openBeneath(t, root, t.relative(), flags, 0);
        } catch (LastErrorException e) {
            if (missing(e)) {
                return -1;
            }
            throw e;
        } finally {
            Posix.closeQuietly(root);
        }
    }

    /**
     * Opens {@code names} beneath {@code root}; a link out is refused, naming the link the caller's names reached
     * ({@code linkNames}, or where the escape was found when 0).
     */
    private int openBeneath(Target t, int root, List<String> names, int flags, int linkNames) {
        try {
            return beneath.open(root, t.area().hostRoots(), names, flags);
        } catch (Beneath.Escape e) {
            throw refused(t, linkNames > 0 ? linkNames : e.names);
        }
    }

    private static boolean missing(LastErrorException e) {
        return e.getErrorCode() == Posix.ENOENT || e.getErrorCode() == Posix.ENOTDIR;
    }

    private static HostFunctionException refused(Target t, int names) {
        return fail("refused: " + guestOf(t, names) + " is a symbolic link that leads outside mount " + t.area().guestPath());
    }

    private static HostFunctionException dangling(Target t) {
        return fail("cannot write " + t.guest() + ": it goes through a symbolic link whose target does not exist");
    }

    /** The guest path of the target's first {@code count} names below its area. */
    private static String guestOf(Target t, int count) {
        List<String> all = new ArrayList<>(t.area().segments());
        all.addAll(t.relative().subList(0, Math.min(count, t.relative().size())));
        return GuestPaths.toString(all);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    static boolean isTempName(String name) {
        return name.startsWith(TEMP_PREFIX) && name.endsWith(TEMP_SUFFIX);
    }

    // ---------------------------------------------------------------- /output

    private OutputFile describeOutput(int dir, String name, String relative, long size) {
        String mediaType = MediaTypes.byName(name);
        try {
            if (mediaType == null) {
                mediaType = looksLikeText(HostFiles.readAt(dir, name, SNIFF_BYTES, Deadline.none()))
                        ? MediaTypes.TEXT_PLAIN : MediaTypes.OCTET_STREAM;
            }
            String content = null;
            if (MediaTypes.isText(mediaType) && size <= inlineTextBytes) {
                content = utf8(HostFiles.readAt(dir, name, (int) size, Deadline.none()));
            }
            return new OutputFile(relative, size, mediaType, content);
        } catch (LastErrorException e) {
            return new OutputFile(relative, size, mediaType == null ? MediaTypes.OCTET_STREAM : mediaType, null);
        }
    }

    /** Whether a file's first bytes are UTF-8 without NUL characters (a sequence cut at the end is allowed). */
    private static boolean looksLikeText(byte[] head) {
        for (byte b : head) {
            if (b == 0) {
                return false;
            }
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        CoderResult result = decoder.decode(ByteBuffer.wrap(head), CharBuffer.allocate(head.length), false);
        return !result.isError();
    }

    /** The bytes as UTF-8 text, or null when they are not valid UTF-8. */
    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Deletes the session's own /output tree: a private directory no program or other writer is using any more. */
    private static void deleteTree(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // best effort: what remains is in the system's temporary directory
        }
    }

    // ---------------------------------------------------------------- errors

    private interface Service {
        String call(JsonNode args, Deadline deadline);
    }

    /**
     * Parses the arguments and turns every failure into a {@link HostFunctionException} whose message names guest
     * paths only: a failed host call keeps only its reason.
     */
    private static BoundedHostFunction service(String operation, Service service) {
        return (argumentsJson, deadline) -> {
            JsonNode args;
            try {
                args = JSON.readTree(argumentsJson == null ? "" : argumentsJson);
            } catch (JacksonException e) {
                throw fail("fs." + operation + ": the arguments are not JSON");
            }
            if (args == null || !args.isObject()) {
                throw fail("fs." + operation + ": the arguments must be a JSON object");
            }
            try {
                return service.call(args, deadline);
            } catch (HostFunctionException e) {
                throw e;
            } catch (LastErrorException e) {
                String path = args.path("path").isString() ? " " + GuestPaths.quote(args.path("path").stringValue()) : "";
                throw fail("fs." + operation + path + " failed: " + reason(e));
            } catch (RuntimeException e) {
                throw fail("fs." + operation + " failed: " + e.getClass().getSimpleName());
            }
        };
    }

    private static HostFunctionException fail(String message) {
        return new HostFunctionException(message);
    }

    private static String tooLarge(String guest, long size) {
        return "file " + guest + " is " + size + " bytes, larger than the " + MountPolicy.formatSize(MAX_READ_BYTES)
                + " fs.readFile limit";
    }

    /** Why a host call failed, in words; the calls' errors carry no paths. */
    private static String reason(LastErrorException e) {
        return switch (e.getErrorCode()) {
            case Posix.EACCES, Posix.EPERM -> "permission denied";
            case Posix.ENOENT -> "no such file or directory";
            case Posix.ENOTDIR -> "not a directory";
            case Posix.EISDIR -> "is a directory";
            case Posix.EEXIST -> "already exists";
            case Posix.ELOOP -> "too many levels of symbolic links";
            case Posix.ENAMETOOLONG -> "file name too long";
            case Posix.ENOSPC -> "no space left on the device";
            case Posix.EDQUOT -> "the host's disk quota is exceeded";
            case Posix.EROFS -> "read-only file system";
            default -> "error " + e.getErrorCode();
        };
    }
}
