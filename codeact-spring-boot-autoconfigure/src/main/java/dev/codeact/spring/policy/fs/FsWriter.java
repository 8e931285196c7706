package dev.codeact.spring.policy.fs;

import static dev.codeact.spring.policy.fs.Posix.c;

import com.sun.jna.LastErrorException;
import dev.codeact.hyperlight.Deadline;
import dev.codeact.spring.policy.fs.MountPolicy.Area;
import dev.codeact.spring.policy.fs.MountPolicy.Usage;
import dev.codeact.spring.policy.fs.MountTable.Target;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code fs.writeFile} on the host. A write goes to a hidden temporary file ({@code .codeact-<random>.tmp}) created
 * in the target's directory through that directory's descriptor, then renamed over the target within the same
 * directory: a program stopped in the middle of a write leaves the old file or the new one, never part of one, and
 * neither file can land outside the mount; the temporary file is removed when the write fails. Missing directories
 * are made on the way, and a symbolic link inside the mount is written through to the existing file it leads to.
 * The area's quota and entry limit are checked before anything changes, under the area's lock, which writes to one
 * mount take in turn, waiting at most until the execution's deadline.
 */
final class FsWriter {
    private static final int DIRECTORY = Posix.O_PATH | Posix.O_DIRECTORY;

    private final MountRoots roots;

    FsWriter(MountRoots roots) {
        this.roots = roots;
    }

    /** The write itself, under the area's lock: where it goes, the limits, the missing directories, the file. */
    void write(Target t, int root, byte[] bytes, Deadline deadline) {
        Area area = t.area();
        Usage usage = measured(area, root, deadline);
        try (Destination d = destination(t, root)) {
            long replaced = d.old == null ? 0 : d.old.size();
            long after = usage.bytes - replaced + bytes.length;
            if (after > area.quotaBytes()) {
                throw FsErrors.fail("quota exceeded: writing " + bytes.length + " bytes to " + t.guest() + " would bring "
                        + area.guestPath() + " to " + after + " bytes, its quota is " + area.quotaBytes() + " bytes ("
                        + MountPolicy.formatSize(area.quotaBytes()) + ")");
            }
            long created = d.missing.size() + (d.old == null ? 1 : 0);
            if (usage.entries + created > area.maxEntries()) {
                // only the file itself when no directory is missing
                throw FsErrors.fail("entry limit reached: writing " + t.guest() + " would create "
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
            int links = 0;
            int replaced = 0;
            while (d.missing.isEmpty()) {
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
                        throw FsErrors.fail("is a directory: " + t.guest());
                    }
                    if (!stat.isRegularFile()) {
                        throw FsErrors.fail("not a regular file: " + t.guest());
                    }
                    d.old = stat;
                    break;
                }
                String target;
                try {
                    target = Posix.readlink(d.dir, d.name);
                } catch (LastErrorException e) {
                    if (++replaced > Beneath.MAX_REPLACED) {
                        throw new LastErrorException(Posix.EAGAIN);
                    }
                    continue; // replaced since: look again
                }
                if (++links > Beneath.MAX_LINKS) {
                    throw new LastErrorException(Posix.ELOOP);
                }
                List<String> next = target.startsWith("/") ? Beneath.underRoot(target, t.area().hostRoots())
                        : concat(dirNames, Beneath.plainParts(target));
                if (next == null) {
                    throw MountRoots.refused(t, names.size());
                }
                if (next.isEmpty() || next.get(next.size() - 1).equals("..")) {
                    throw FsErrors.fail("is a directory: " + t.guest());
                }
                dirNames = next.subList(0, next.size() - 1);
                int dir;
                try {
                    dir = roots.openBeneath(t, root, dirNames, DIRECTORY, names.size());
                } catch (LastErrorException e) {
                    if (MountRoots.missing(e)) {
                        throw MountRoots.dangling(t);
                    }
                    throw e;
                }
                d.enter(dir);
                d.name = next.get(next.size() - 1);
                followed = true;
            }
            if (followed && d.old == null) {
                throw MountRoots.dangling(t); // a link is followed to an existing file only
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
            return roots.openBeneath(t, root, dirNames, DIRECTORY, 0);
        } catch (LastErrorException e) {
            if (!MountRoots.missing(e)) {
                throw e;
            }
        }
        // down from the root, to find which name is missing or is no directory
        int fd = roots.openBeneath(t, root, List.of(), DIRECTORY, 0);
        for (int i = 1; i <= dirNames.size(); i++) {
            try {
                int next = roots.openBeneath(t, root, dirNames.subList(0, i), DIRECTORY, 0);
                Posix.closeQuietly(fd);
                fd = next;
            } catch (LastErrorException e) {
                if (e.getErrorCode() == Posix.ENOENT) {
                    d.missing = dirNames.subList(i - 1, dirNames.size());
                    return fd;
                }
                Posix.closeQuietly(fd);
                if (e.getErrorCode() == Posix.ENOTDIR) {
                    throw FsErrors.fail("not a directory: " + t.guestOf(i));
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
                throw FsErrors.fail("cannot write " + t.guest() + ": a parent is not a directory");
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
            temp = MountTable.TEMP_PREFIX + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()) + MountTable.TEMP_SUFFIX;
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
            throw FsErrors.fail("the write to " + guest + " was interrupted; the file was not changed");
        }
        if (deadline.expired()) {
            throw FsErrors.fail("the write to " + guest + " was stopped: the execution's time is up; the file was not changed");
        }
    }

    /** Takes the area's write lock, waiting at most until the execution's deadline. */
    static void lock(Target t, Deadline deadline) {
        Area area = t.area();
        try {
            if (!area.lock().tryLock(deadline.remaining().toNanos(), TimeUnit.NANOSECONDS)) {
                throw FsErrors.fail("cannot write " + t.guest() + ": another write to " + area.guestPath()
                        + " was still going on when the execution's time ran out; the file was not changed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // left for the caller
            throw FsErrors.fail("the write to " + t.guest() + " was interrupted; the file was not changed");
        }
    }

    /** The area's usage, measured by one walk the first time it is needed. */
    private static Usage measured(Area area, int root, Deadline deadline) {
        Usage usage = area.usage();
        if (!usage.measured) {
            usage.walks++;
            long[] totals = new long[2];
            HostFiles.walk(root, "", HostFiles.MAX_WALK_DEPTH, (dir, name, relative, stat) -> {
                totals[0] += stat.isRegularFile() ? stat.size() : 0;
                totals[1]++;
            }, deadline);
            usage.bytes = totals[0];
            usage.entries = totals[1];
            usage.measured = true;
        }
        return usage;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
