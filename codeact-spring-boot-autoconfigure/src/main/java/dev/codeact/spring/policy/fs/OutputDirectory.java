package dev.codeact.spring.policy.fs;

import com.sun.jna.LastErrorException;
import dev.codeact.hyperlight.Deadline;
import dev.codeact.spring.policy.fs.MountPolicy.Area;
import dev.codeact.spring.policy.fs.MountPolicy.Usage;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One execution's {@code /output}: a fresh private directory, writable under the output quota and entry limit; what
 * the program leaves there comes back with the result ({@link #files}), text files up to the inline size with their
 * content; {@link #delete} removes it all.
 *
 * <p>The directory is made on the program's first use of /output, not for every execution: making and removing a
 * directory costs about 115 us on this project's machines (ext4 under nested KVM), twice a trivial execution, and
 * most programs never touch /output. Its name is chosen up front, random, in a parent directory this process made
 * private ({@code 0700}) once, so no one else can take the name before it is made.
 */
final class OutputDirectory {
    private static final int SNIFF_BYTES = 8192;

    private static Path parent; // guarded by OutputDirectory.class

    private final Area area;
    private final int inlineTextBytes;
    private boolean made; // guarded by this
    private boolean deleted; // guarded by this

    OutputDirectory(long quotaBytes, int maxEntries, int inlineTextBytes) throws IOException {
        Path dir = parent().resolve(HexFormat.of().toHexDigits(RANDOM.nextLong()));
        this.area = new Area(MountPolicy.OUTPUT, List.of(MountPolicy.OUTPUT.substring(1)), dir,
                List.of(MountPolicy.names(dir)), true, quotaBytes, maxEntries, Usage.empty());
        this.inlineTextBytes = inlineTextBytes;
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    /** This process's private parent of every /output, made on first use (again if something removed it). */
    private static synchronized Path parent() throws IOException {
        if (parent == null || !Files.isDirectory(parent, LinkOption.NOFOLLOW_LINKS)) {
            parent = Files.createTempDirectory("codeact-output-").toRealPath(); // 0700 on POSIX file systems
            parent.toFile().deleteOnExit(); // empty by then: each /output is deleted with its session
        }
        return parent;
    }

    /**
     * Makes the directory if the program had not used /output yet.
     *
     * @throws dev.codeact.hyperlight.HostFunctionException once the session is closed
     */
    synchronized void make() {
        if (deleted) {
            throw FsErrors.fail("the file session is closed");
        }
        if (made) {
            return;
        }
        try {
            Files.createDirectories(area.root().getParent());
            Files.createDirectory(area.root(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
            try {
                Files.createDirectory(area.root());
            } catch (IOException again) {
                throw FsErrors.fail("/output is unavailable: " + again.getClass().getSimpleName());
            }
        } catch (IOException e) {
            throw FsErrors.fail("/output is unavailable: " + e.getClass().getSimpleName());
        }
        made = true;
    }

    private synchronized boolean made() {
        return made;
    }

    /** /output as an area programs write to like a mount. */
    Area area() {
        return area;
    }

    /** The files the program left, recursively, sorted by name; temporary files of writes are not among them. */
    List<OutputFile> files(MountRoots roots) {
        if (!made()) {
            return List.of();
        }
        List<OutputFile> files = new ArrayList<>();
        int root = roots.openRoot(area);
        try {
            HostFiles.walk(root, "", HostFiles.MAX_WALK_DEPTH, (dir, name, relative, stat) -> {
                if (stat.isRegularFile() && !MountTable.isTempName(name)) {
                    files.add(describe(dir, name, relative, stat.size()));
                }
            }, Deadline.none());
        } catch (LastErrorException e) {
            throw new IllegalStateException("could not list /output: " + FsErrors.reason(e), e);
        } finally {
            Posix.closeQuietly(root);
        }
        files.sort(Comparator.comparing(OutputFile::name));
        return List.copyOf(files);
    }

    /** Deletes the directory and everything in it, once a write in progress has finished. */
    void delete() {
        area.lock().lock();
        try {
            synchronized (this) {
                deleted = true;
                if (!made) {
                    return;
                }
            }
            deleteTree(area.root());
        } finally {
            area.lock().unlock();
        }
    }

    private OutputFile describe(int dir, String name, String relative, long size) {
        String mediaType = MediaTypes.byName(name);
        try {
            if (mediaType == null) {
                mediaType = MediaTypes.looksLikeText(HostFiles.readAt(dir, name, SNIFF_BYTES, Deadline.none()))
                        ? MediaTypes.TEXT_PLAIN : MediaTypes.OCTET_STREAM;
            }
            String content = null;
            if (MediaTypes.isText(mediaType) && size <= inlineTextBytes) {
                content = MediaTypes.utf8(HostFiles.readAt(dir, name, (int) size, Deadline.none()));
            }
            return new OutputFile(relative, size, mediaType, content);
        } catch (LastErrorException e) {
            return new OutputFile(relative, size, mediaType == null ? MediaTypes.OCTET_STREAM : mediaType, null);
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
}
