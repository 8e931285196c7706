package dev.codeact.spring.policy.fs;

import dev.codeact.spring.config.InvalidPropertyException;
import dev.codeact.spring.sandbox.Language;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The file system programs see through {@code fs}: the configured {@link Mount}s (host directories at guest paths,
 * read-only unless writable) plus {@code /output}, a fresh private directory per execution whose files come back
 * with the result. Validated when constructed; {@link #open()} gives one execution its {@link FileSession}.
 * Thread-safe: sessions of concurrent executions share the mounts, and writes to a shared writable mount are
 * serialised so that its quota and entry limit hold.
 *
 * <p>What a writable mount holds (bytes of file content, and entries: files, directories and anything else) is
 * measured once, by a walk at its first write, and from then on kept up to date by the writes of programs, under the
 * mount's lock: a write costs the same however much the mount holds. Other writers on the host are not watched:
 * what they add or remove after the walk shows only when the application starts again (and when a program replaces
 * a file, its size at that moment is what is taken off).
 */
public final class MountPolicy {
    /** The guest path of the per-execution output directory. */
    public static final String OUTPUT = "/output";
    private static final Log LOG = LogFactory.getLog(MountPolicy.class);

    private final List<Mount> mounts;
    private final List<Area> areas;
    private final long outputQuotaBytes;
    private final int outputMaxEntries;
    private final int inlineTextBytes;
    private final Beneath beneath;

    /** As the full constructor, /output holding at most {@link Mount#DEFAULT_MAX_ENTRIES} entries. */
    public MountPolicy(List<Mount> mounts, long outputQuotaBytes, int inlineTextBytes) {
        this(mounts, outputQuotaBytes, Mount.DEFAULT_MAX_ENTRIES, inlineTextBytes);
    }

    /**
     * @param mounts the host directories programs see (may be empty)
     * @param outputQuotaBytes the most one execution may leave in /output, in bytes of file content
     * @param outputMaxEntries the most files and directories one execution may leave in /output
     * @param inlineTextBytes text files in /output up to this size come back with their content
     * @throws IllegalArgumentException when a mount's host path is not an existing directory, or guest paths
     *     repeat or contain each other
     */
    public MountPolicy(List<Mount> mounts, long outputQuotaBytes, int outputMaxEntries, int inlineTextBytes) {
        this(mounts, outputQuotaBytes, outputMaxEntries, inlineTextBytes, Beneath.best());
    }

    /** With a chosen way of resolving paths beneath a root: tests run both. */
    MountPolicy(List<Mount> mounts, long outputQuotaBytes, int outputMaxEntries, int inlineTextBytes, Beneath beneath) {
        this.mounts = mounts == null ? List.of() : List.copyOf(mounts);
        if (outputQuotaBytes < 0) {
            throw new InvalidPropertyException("codeact.output.quota", outputQuotaBytes + "B", "must not be negative",
                    "Set codeact.output.quota to a size such as 10MB.");
        }
        if (outputMaxEntries < 0) {
            throw new InvalidPropertyException("codeact.output.max-entries", outputMaxEntries, "must not be negative",
                    "Set codeact.output.max-entries to how many files and directories a program may create, e.g. 1000.");
        }
        if (inlineTextBytes < 0) {
            throw new InvalidPropertyException("codeact.output.inline-text", inlineTextBytes + "B", "must not be negative",
                    "Set codeact.output.inline-text to a size such as 16KB.");
        }
        this.outputQuotaBytes = outputQuotaBytes;
        this.outputMaxEntries = outputMaxEntries;
        this.inlineTextBytes = inlineTextBytes;
        this.beneath = beneath;
        List<Area> list = new ArrayList<>();
        for (int i = 0; i < this.mounts.size(); i++) {
            list.add(area(this.mounts.get(i), "codeact.mounts[" + i + "]"));
        }
        checkDisjoint(list);
        list.sort(Comparator.comparing(Area::guestPath));
        this.areas = List.copyOf(list);
        if (Posix.UNAVAILABLE != null) {
            LOG.warn("every fs call of programs will fail: " + Posix.UNAVAILABLE);
        }
    }

    /** The configured mounts, as given. */
    public List<Mount> mounts() {
        return mounts;
    }

    public long outputQuotaBytes() {
        return outputQuotaBytes;
    }

    public int outputMaxEntries() {
        return outputMaxEntries;
    }

    public int inlineTextBytes() {
        return inlineTextBytes;
    }

    /**
     * Why fs calls fail on this host, or null when they work: the fs services need Linux, whose descriptor-relative
     * calls let a path be checked and used in one step. Elsewhere the application starts, mounts and all, and every
     * fs call fails with this reason rather than race another writer on the host.
     */
    public static String unavailableReason() {
        return Posix.UNAVAILABLE;
    }

    /**
     * The file system of one execution: the mounts and a new, empty /output. Close it after the execution (and
     * after reading {@link FileSession#outputFiles()}) to delete /output.
     *
     * @throws UncheckedIOException when the /output directory cannot be created
     */
    public FileSession open() {
        try {
            return new FileSession(areas, outputQuotaBytes, outputMaxEntries, inlineTextBytes, beneath);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create the /output directory of an execution", e);
        }
    }

    /** fs as the program sees it, in TypeScript, for the model's instructions; empty when only /output exists. */
    public String declaration() {
        return declaration(Language.JAVASCRIPT);
    }

    /**
     * fs as programs in {@code language} see it, for the model's instructions: Python's own file functions need no
     * declaration; JavaScript's fs object only when something besides /output exists.
     */
    public String declaration(Language language) {
        return areas.isEmpty() || language == Language.PYTHON ? "" : """
                declare const fs: { readFile(path: string): string; writeFile(path: string, text: string | object): void; \
                readdir(path: string): string[]; stat(path: string): { size: number; isFile: boolean; isDirectory: boolean; \
                modifiedMs: number }; exists(path: string): boolean };
                """;
    }

    /**
     * Which guest paths exist, in one line for the model's instructions: the mounts (read-only, or writable with their
     * quota) and /output. Host paths are never named.
     */
    public String describe() {
        return describe(Language.JAVASCRIPT);
    }

    /** As {@link #describe()}, in the words of programs in {@code language}. */
    public String describe(Language language) {
        boolean python = language == Language.PYTHON;
        String output = OUTPUT + " (writable, " + formatSize(outputQuotaBytes) + limits(outputMaxEntries)
                + "; empty at the start; its files are returned with the result)";
        if (areas.isEmpty()) {
            return "Files: only " + output + (python ? ", with open(path, \"w\")." : ", with fs.writeFile(path, text).");
        }
        List<String> paths = new ArrayList<>();
        for (Area area : areas) {
            paths.add(area.guestPath() + (area.writable()
                    ? " (writable, " + formatSize(area.quotaBytes()) + limits(area.maxEntries()) + ")" : " (read-only)"));
        }
        paths.add(output);
        return (python ? "Files, through open(), pathlib, os.listdir and os.path (absolute paths, at most "
                + GuestPaths.MAX_DEPTH + " names deep; others raise OSError): "
                : "fs paths (absolute, at most " + GuestPaths.MAX_DEPTH + " names deep; others throw FileSystemError): ")
                + String.join(", ", paths) + ".";
    }

    /** The write lock of the area at {@code guestPath}: tests hold it to see a write wait. */
    ReentrantLock writeLock(String guestPath) {
        return area(guestPath).lock();
    }

    /** How often the area at {@code guestPath} was walked to measure what it holds: tests see it happen once. */
    int usageWalks(String guestPath) {
        Area area = area(guestPath);
        area.lock().lock();
        try {
            return area.usage().walks;
        } finally {
            area.lock().unlock();
        }
    }

    private Area area(String guestPath) {
        return areas.stream().filter(a -> a.guestPath().equals(guestPath)).findFirst().orElseThrow();
    }

    // ---------------------------------------------------------------- internals

    private static String limits(int maxEntries) {
        return ", " + maxEntries + " entries";
    }

    static String formatSize(long bytes) {
        if (bytes >= 1L << 30 && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + "GB";
        }
        if (bytes >= 1L << 20 && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + "MB";
        }
        if (bytes >= 1L << 10 && bytes % (1L << 10) == 0) {
            return (bytes >> 10) + "KB";
        }
        return bytes + " bytes";
    }

    private static Area area(Mount mount, String where) {
        String guest = mount.guestPath();
        List<String> segments = List.of(guest.substring(1).split("/", -1));
        for (String segment : segments) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..") || GuestPaths.invalidCharacter(segment) != null
                    || GuestPaths.hasPercentEscape(segment)) {
                throw new InvalidPropertyException(where + ".guest-path", guest, "must be a plain absolute path (no"
                        + " empty, '.' or '..' segments, backslashes, control characters or %-escapes)",
                        "Name the directory programs see plainly, e.g. /data/reports.");
            }
        }
        if (guest.equals(OUTPUT) || guest.startsWith(OUTPUT + "/")) {
            throw new InvalidPropertyException(where + ".guest-path", guest, "is " + OUTPUT + " or inside it: " + OUTPUT
                    + " is the directory every execution gets for its own files", "Choose another guest path, e.g. /data.");
        }
        Path host = mount.hostPath();
        if (!Files.exists(host)) {
            throw new InvalidPropertyException(where + ".host-path", host, "does not exist",
                    "Create the directory, or point the mount of " + guest + " at one that exists.");
        }
        if (!Files.isDirectory(host)) {
            throw new InvalidPropertyException(where + ".host-path", host, "is not a directory",
                    "Point the mount of " + guest + " at a directory.");
        }
        long quota = mount.quota().toBytes();
        if (quota < 0) {
            throw new InvalidPropertyException(where + ".quota", mount.quota(), "must not be negative",
                    "Set the mount's quota to a size such as 10MB.");
        }
        if (mount.maxEntries() < 0) {
            throw new InvalidPropertyException(where + ".max-entries", mount.maxEntries(), "must not be negative",
                    "Set the mount's max-entries to how many files and directories programs may create, e.g. 1000.");
        }
        Path real;
        try {
            real = host.toRealPath();
        } catch (IOException e) {
            throw new InvalidPropertyException(where + ".host-path", host, "cannot be resolved: " + e.getMessage(),
                    "Check the directory's permissions.");
        }
        List<List<String>> hostRoots = new ArrayList<>(List.of(names(real)));
        if (!names(host.toAbsolutePath().normalize()).equals(names(real))) {
            hostRoots.add(names(host.toAbsolutePath().normalize())); // links may name the root as configured
        }
        return new Area(guest, segments, real, hostRoots, mount.writable(), quota, mount.maxEntries(), new Usage());
    }

    private static void checkDisjoint(List<Area> areas) {
        for (int i = 0; i < areas.size(); i++) {
            for (int j = i + 1; j < areas.size(); j++) {
                Area a = areas.get(i);
                Area b = areas.get(j);
                if (a.guestPath().equals(b.guestPath())) {
                    throw new InvalidPropertyException("codeact.mounts[" + j + "].guest-path", b.guestPath(),
                            "is mounted twice", "Give each mount its own guest path.");
                }
                Area outer = a.segments().size() < b.segments().size() ? a : b;
                Area inner = outer == a ? b : a;
                if (inner.segments().subList(0, outer.segments().size()).equals(outer.segments())) {
                    throw new InvalidPropertyException("codeact.mounts[" + (inner == a ? i : j) + "].guest-path",
                            inner.guestPath(), "is inside " + outer.guestPath() + ": mounts may not be nested in each other",
                            "Mount the directories at separate guest paths.");
                }
            }
        }
    }

    /** A host path as names, e.g. [srv, reports]. */
    static List<String> names(Path absolute) {
        List<String> names = new ArrayList<>();
        absolute.forEach(p -> names.add(p.toString()));
        return List.copyOf(names);
    }

    /**
     * A directory programs see: a mount, or an execution's /output.
     *
     * @param guestPath e.g. /data
     * @param segments the guest path's names, e.g. [data]
     * @param root the host directory's real path (never shown to programs)
     * @param hostRoots the root's host paths as names (real, and as configured): absolute links under them stay inside
     * @param writable whether programs may write there
     * @param quotaBytes the most the directory's files may hold after a write
     * @param maxEntries the most files and directories it may hold after a write
     * @param usage what it holds, once measured; guarded by {@link #lock}
     * @param lock serialises writes, so that the limit checks and the write go together
     */
    record Area(String guestPath, List<String> segments, Path root, List<List<String>> hostRoots, boolean writable,
            long quotaBytes, int maxEntries, Usage usage, ReentrantLock lock) {
        Area(String guestPath, List<String> segments, Path root, List<List<String>> hostRoots, boolean writable,
                long quotaBytes, int maxEntries, Usage usage) {
            this(guestPath, segments, root, hostRoots, writable, quotaBytes, maxEntries, usage, new ReentrantLock());
        }
    }

    /** What an area holds: measured once by a walk, then kept up to date by each write. Guarded by the area's lock. */
    static final class Usage {
        long bytes;
        long entries;
        boolean measured;
        /** Walks made to measure: one, unless a walk failed. */
        int walks;

        /** An area known to be empty, such as a new /output: nothing to walk. */
        static Usage empty() {
            Usage usage = new Usage();
            usage.measured = true;
            return usage;
        }
    }
}
