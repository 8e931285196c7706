package dev.codeact.spring.policy.fs;

import static dev.codeact.spring.policy.fs.Posix.c;

import com.sun.jna.LastErrorException;
import com.sun.jna.Pointer;
import dev.codeact.hyperlight.Deadline;
import dev.codeact.hyperlight.HostFunctionException;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Reading, writing, listing and walking through descriptors that {@link Beneath} opened: nothing here takes a host
 * path, so nothing here can be led outside a mount. Loops that may be long stop once the execution's deadline passes.
 */
final class HostFiles {
    /** How deep walks go; programs cannot make trees deeper than {@link GuestPaths#MAX_DEPTH}. */
    static final int MAX_WALK_DEPTH = 256;
    private static final int CHUNK = 64 << 10;
    /** Deadline checks in listings and walks: every this many entries. */
    private static final int CHECK_EVERY = 256;

    private HostFiles() {
    }

    /** Fails the call once the execution's deadline has passed or its thread was interrupted (the interrupt is kept). */
    static void checkDeadline(Deadline deadline) {
        if (deadline.expired() || Thread.currentThread().isInterrupted()) {
            throw new HostFunctionException("stopped: the execution's time is up");
        }
    }

    /** Up to {@code max} bytes from {@code fd}, from where it stands. */
    static byte[] read(int fd, int max, Deadline deadline) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[CHUNK];
        while (out.size() < max) {
            long n = Posix.read(fd, chunk, Math.min(chunk.length, max - out.size()));
            if (n <= 0) {
                break;
            }
            out.write(chunk, 0, (int) n);
            checkDeadline(deadline);
        }
        return out.toByteArray();
    }

    /** Writes all of {@code bytes}; {@code beforeChunk} runs before each chunk and may throw to stop. */
    static void writeAll(int fd, byte[] bytes, Runnable beforeChunk) {
        byte[] chunk = new byte[Math.min(CHUNK, bytes.length)];
        int done = 0;
        while (done < bytes.length) {
            beforeChunk.run();
            int length = Math.min(chunk.length, bytes.length - done);
            System.arraycopy(bytes, done, chunk, 0, length);
            int written = 0;
            while (written < length) {
                byte[] rest = written == 0 ? chunk : java.util.Arrays.copyOfRange(chunk, written, length);
                written += (int) Posix.write(fd, rest, length - written);
            }
            done += length;
        }
    }

    /** The names in the directory {@code dirFd} (which may be an O_PATH descriptor), without . and .. */
    static List<String> list(int dirFd, Deadline deadline) {
        List<String> names = new ArrayList<>();
        // "." reopens the very directory dirFd holds: no name is resolved again
        int fd = Posix.openat(dirFd, c("."), Posix.O_RDONLY | Posix.O_DIRECTORY | Posix.O_CLOEXEC, 0);
        Pointer dir;
        try {
            dir = Posix.fdopendir(fd);
        } catch (LastErrorException e) {
            Posix.closeQuietly(fd);
            throw e;
        }
        try {
            for (Pointer entry = Posix.readdir(dir); entry != null; entry = Posix.readdir(dir)) {
                String name = Posix.direntName(entry);
                if (!name.equals(".") && !name.equals("..")) {
                    names.add(name);
                }
                if (names.size() % CHECK_EVERY == 0) {
                    checkDeadline(deadline);
                }
            }
        } finally {
            Posix.closedir(dir);
        }
        return names;
    }

    /** What {@link #walk} shows of each entry. */
    interface Visitor {
        /**
         * @param dirFd the directory the entry is in
         * @param relative the entry's path below the walk's start, {@code /}-separated
         */
        void visit(int dirFd, String name, String relative, Posix.Stat stat);
    }

    /**
     * Visits every entry under {@code dirFd}, depth first, links not followed (a link is visited, not entered), at
     * most {@code maxDepth} directories deep: deeper directories are visited but not entered, so that a tree left
     * by someone else cannot exhaust the descriptors. Entries that vanish meanwhile are skipped.
     */
    static void walk(int dirFd, String prefix, int maxDepth, Visitor visitor, Deadline deadline) {
        for (String name : list(dirFd, deadline)) {
            Posix.Stat stat;
            try {
                stat = Posix.lstatAt(dirFd, name);
            } catch (LastErrorException e) {
                continue;
            }
            String relative = prefix.isEmpty() ? name : prefix + "/" + name;
            visitor.visit(dirFd, name, relative, stat);
            if (stat.isDirectory() && maxDepth > 1) {
                int sub;
                try {
                    sub = Posix.openat(dirFd, c(name), Posix.O_PATH | Posix.O_DIRECTORY | Posix.O_NOFOLLOW | Posix.O_CLOEXEC, 0);
                } catch (LastErrorException e) {
                    continue;
                }
                try {
                    walk(sub, relative, maxDepth - 1, visitor, deadline);
                } finally {
                    Posix.closeQuietly(sub);
                }
            }
        }
    }

    /** The content of the regular file {@code name} in {@code dirFd}, at most {@code max} bytes; links not followed. */
    static byte[] readAt(int dirFd, String name, int max, Deadline deadline) {
        int fd = Posix.openat(dirFd, c(name), Posix.O_RDONLY | Posix.O_NOFOLLOW | Posix.O_NONBLOCK | Posix.O_NOCTTY
                | Posix.O_CLOEXEC, 0);
        try {
            if (!Posix.fstat(fd).isRegularFile()) {
                throw new LastErrorException(Posix.EINVAL);
            }
            return read(fd, max, deadline);
        } finally {
            Posix.closeQuietly(fd);
        }
    }
}
