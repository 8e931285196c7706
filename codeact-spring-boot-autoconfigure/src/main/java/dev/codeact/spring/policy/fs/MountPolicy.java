package dev.codeact.spring.policy.fs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The file system programs see through {@code fs}: the configured {@link Mount}s (host directories at guest paths,
 * read-only unless writable) plus {@code /output}, a fresh private directory per execution whose files come back
 * with the result. Validated when constructed; {@link #open()} gives one execution its {@link FileSession}.
 * Thread-safe: sessions of concurrent executions share the mounts, and writes to a shared writable mount are
 * serialised so that its quota holds.
 */
public final class MountPolicy {
    /** The guest path of the per-execution output directory. */
    public static final String OUTPUT = "/output";

    private final List<Mount> mounts;
    private final List<Area> areas;
    private final long outputQuotaBytes;
    private final int inlineTextBytes;

    /**
     * @param mounts the host directories programs see (may be empty)
     * @param outputQuotaBytes the most one execution may leave in /output
     * @param inlineTextBytes text files in /output up to this size come back with their content
     * @throws IllegalArgumentException when a mount's host path is not an existing directory, or guest paths
     *     repeat or contain each other
     */
    public MountPolicy(List<Mount> mounts, long outputQuotaBytes, int inlineTextBytes) {
        this.mounts = mounts == null ? List.of() : List.copyOf(mounts);
        if (outputQuotaBytes < 0) {
            throw new IllegalArgumentException("codeact.output.quota must not be negative, was " + outputQuotaBytes);
        }
        if (inlineTextBytes < 0) {
            throw new IllegalArgumentException("codeact.output.inline-text must not be negative, was " + inlineTextBytes);
        }
        this.outputQuotaBytes = outputQuotaBytes;
        this.inlineTextBytes = inlineTextBytes;
        List<Area> list = new ArrayList<>();
        for (Mount mount : this.mounts) {
            list.add(area(mount));
        }
        checkDisjoint(list);
        list.sort(Comparator.comparing(Area::guestPath));
        this.areas = List.copyOf(list);
    }

    /** The configured mounts, as given. */
    public List<Mount> mounts() {
        return mounts;
    }

    public long outputQuotaBytes() {
        return outputQuotaBytes;
    }

    public int inlineTextBytes() {
        return inlineTextBytes;
    }

    /**
     * The file system of one execution: the mounts and a new, empty /output. Close it after the execution (and
     * after reading {@link FileSession#outputFiles()}) to delete /output.
     *
     * @throws UncheckedIOException when the /output directory cannot be created
     */
    public FileSession open() {
        try {
            return new FileSession(areas, outputQuotaBytes, inlineTextBytes);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create the /output directory of an execution", e);
        }
    }

    /**
     * Instructions for the model: which guest paths exist, which are writable and with what quota, and the
     * {@code fs} API. Host paths are never named.
     */
    public String describe() {
        StringBuilder s = new StringBuilder();
        s.append("Files: programs have a synchronous `fs` object. Only these directories exist; any other path fails")
                .append(" with FileSystemError:\n");
        for (Area area : areas) {
            s.append("- ").append(area.guestPath()).append(area.writable()
                    ? ": writable, quota " + formatSize(area.quotaBytes()) : ": read-only").append('\n');
        }
        s.append("- ").append(OUTPUT).append(": writable, quota ").append(formatSize(outputQuotaBytes))
                .append("; empty at the start of every execution. Files the program leaves in ").append(OUTPUT)
                .append(" are returned with the result, so write files meant for the user there.\n");
        s.append("fs.readFile(path) returns a UTF-8 text file's content as a string; fs.writeFile(path, text) creates or")
                .append(" replaces a file (parent directories are created; a non-string is written as JSON);")
                .append(" fs.readdir(path) returns the sorted names in a directory; fs.stat(path) returns")
                .append(" {size, isFile, isDirectory, modifiedMs}; fs.exists(path) returns true or false.")
                .append(" Paths are absolute, e.g. ").append(areas.isEmpty() ? OUTPUT : areas.get(0).guestPath())
                .append("/name.txt; '..' may not leave a directory listed above.\n");
        return s.toString();
    }

    // ---------------------------------------------------------------- internals

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

    private static Area area(Mount mount) {
        String guest = mount.guestPath();
        List<String> segments = List.of(guest.substring(1).split("/", -1));
        for (String segment : segments) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..") || GuestPaths.invalidCharacter(segment) != null
                    || GuestPaths.hasPercentEscape(segment)) {
                throw new IllegalArgumentException("codeact.mounts guest-path " + guest
                        + " must be a plain absolute path (no empty, '.' or '..' segments, backslashes,"
                        + " control characters or %-escapes)");
            }
        }
        if (guest.equals(OUTPUT) || guest.startsWith(OUTPUT + "/")) {
            throw new IllegalArgumentException("codeact.mounts guest-path " + guest + " is " + OUTPUT + " or inside it: " + OUTPUT
                    + " is the directory every execution gets for its own files");
        }
        Path host = mount.hostPath();
        if (!Files.exists(host)) {
            throw new IllegalArgumentException("codeact.mounts entry " + guest + ": host-path " + host + " does not exist");
        }
        if (!Files.isDirectory(host)) {
            throw new IllegalArgumentException("codeact.mounts entry " + guest + ": host-path " + host + " is not a directory");
        }
        long quota = mount.quota().toBytes();
        if (quota < 0) {
            throw new IllegalArgumentException("codeact.mounts entry " + guest + ": quota must not be negative, was "
                    + mount.quota());
        }
        Path real;
        try {
            real = host.toRealPath();
        } catch (IOException e) {
            throw new IllegalArgumentException("codeact.mounts entry " + guest + ": host-path " + host
                    + " cannot be resolved: " + e, e);
        }
        return new Area(guest, segments, real, mount.writable(), quota);
    }

    private static void checkDisjoint(List<Area> areas) {
        for (int i = 0; i < areas.size(); i++) {
            for (int j = i + 1; j < areas.size(); j++) {
                Area a = areas.get(i);
                Area b = areas.get(j);
                if (a.guestPath().equals(b.guestPath())) {
                    throw new IllegalArgumentException("codeact.mounts guest-path " + a.guestPath() + " is mounted twice");
                }
                Area outer = a.segments().size() < b.segments().size() ? a : b;
                Area inner = outer == a ? b : a;
                if (inner.segments().subList(0, outer.segments().size()).equals(outer.segments())) {
                    throw new IllegalArgumentException("codeact.mounts guest-path " + inner.guestPath() + " is inside "
                            + outer.guestPath() + "; mounts may not be nested in each other");
                }
            }
        }
    }

    /**
     * A directory programs see: a mount, or an execution's /output.
     *
     * @param guestPath e.g. /data
     * @param segments the guest path's names, e.g. [data]
     * @param root the host directory's real path (never shown to programs)
     * @param writable whether programs may write there
     * @param quotaBytes the most the directory may hold after a write
     * @param lock serialises writes, so that the quota check and the write go together
     */
    record Area(String guestPath, List<String> segments, Path root, boolean writable, long quotaBytes, Object lock) {
        Area(String guestPath, List<String> segments, Path root, boolean writable, long quotaBytes) {
            this(guestPath, segments, root, writable, quotaBytes, new Object());
        }
    }
}
