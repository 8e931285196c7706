package dev.codeact.spring.policy.fs;

import static dev.codeact.spring.policy.fs.Posix.c;

import com.sun.jna.LastErrorException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Opens a path beneath a mount's root directory without ever leaving it. This is the one operation in which the fs
 * services both check a path and use it, so another writer on the host that swaps a directory for a symbolic link
 * in the middle of a call cannot lead it outside: there is no gap between the check and the use.
 *
 * <p>Symbolic links are followed while they stay beneath the root: relative ones, and absolute ones that name a path
 * under the root's host path (whose rest is then resolved from the root's descriptor, never through the host's
 * path). A link that leads anywhere else, a {@code ..} above the root included, is refused with {@link Escape}.
 *
 * <p>Two ways, with the same results: {@link #OPENAT2}, Linux's {@code openat2(2)} with {@code RESOLVE_BENEATH}
 * (5.6+), where the kernel resolves the whole path in one call and refuses any step outside; and {@link #WALK},
 * for kernels without openat2 (or a seccomp filter that hides it): one {@code openat} per name with
 * {@code O_NOFOLLOW} from the directory reached so far, reading each link met and resolving its target by hand,
 * {@code ..} going back to a descriptor already held. openat2 refuses absolute links and does not say which name
 * led out, so on {@code EXDEV} it hands the path to the walk, which decides and names the link.
 */
abstract sealed class Beneath {
    /** Linux's limit on links followed in one resolution. */
    static final int MAX_LINKS = 40;
    /**
     * How many times one resolution looks again at a name that another writer replaced between two steps (a link
     * when opened, no link when read). These are not links followed, so they do not count towards {@link #MAX_LINKS};
     * the bound only keeps a writer that swaps forever from holding the call.
     */
    static final int MAX_REPLACED = 10_000;

    static final Beneath WALK = new Walk();
    static final Beneath OPENAT2 = new Openat2();

    /** openat2 where the kernel has it, the walk otherwise. */
    static Beneath best() {
        return Openat2.SUPPORTED ? OPENAT2 : WALK;
    }

    /**
     * Opens {@code names} beneath {@code rootFd}.
     *
     * @param hostRoots the root's host path as names, e.g. [srv, reports], to recognise absolute links into it
     * @param names plain names below the root ({@code ..} only where a link's target brought it)
     * @param flags open flags; the last name's links are followed unless they lead out
     * @return a new descriptor, {@code O_CLOEXEC}
     * @throws LastErrorException with the errno of a failed step (ENOENT, ENOTDIR, ELOOP, EACCES...)
     * @throws Escape when a link (or {@code ..}) leads outside the root
     */
    abstract int open(int rootFd, List<List<String>> hostRoots, List<String> names, int flags);

    /** A link leads outside the root; {@link #names} of the caller's names led to it. */
    static final class Escape extends RuntimeException {
        final int names;

        Escape(int names) {
            super(null, null, false, false);
            this.names = names;
        }
    }

    /**
     * The names beneath the root that an absolute link's target names, or null when it names no path under any
     * of the root's host paths.
     */
    static List<String> underRoot(String absoluteTarget, List<List<String>> hostRoots) {
        List<String> parts = plainParts(absoluteTarget);
        for (List<String> root : hostRoots) {
            if (parts.size() >= root.size() && parts.subList(0, root.size()).equals(root)) {
                return parts.subList(root.size(), parts.size());
            }
        }
        return null;
    }

    /** The names of a link's target, without empty and {@code .} names ({@code ..} kept). */
    static List<String> plainParts(String target) {
        return java.util.Arrays.stream(target.split("/")).filter(s -> !s.isEmpty() && !s.equals(".")).toList();
    }

    private static final class Openat2 extends Beneath {
        static final boolean SUPPORTED = probe();

        @Override
        int open(int rootFd, List<List<String>> hostRoots, List<String> names, int flags) {
            String path = names.isEmpty() ? "." : String.join("/", names);
            for (int attempt = 0; ; attempt++) {
                try {
                    return Posix.openat2(rootFd, path, flags | Posix.O_CLOEXEC,
                            Posix.RESOLVE_BENEATH | Posix.RESOLVE_NO_MAGICLINKS);
                } catch (LastErrorException e) {
                    int errno = e.getErrorCode();
                    if (errno == Posix.EAGAIN && attempt < 8) {
                        continue; // a rename elsewhere raced a '..': the kernel asks to try again
                    }
                    if (errno == Posix.EXDEV || errno == Posix.EAGAIN) {
                        return WALK.open(rootFd, hostRoots, names, flags); // an absolute link, or a way out
                    }
                    throw e;
                }
            }
        }

        /** Whether openat2 with RESOLVE_BENEATH works here (not ENOSYS, nor refused by a seccomp filter). */
        private static boolean probe() {
            if (Posix.UNAVAILABLE != null) {
                return false;
            }
            try {
                Posix.close(Posix.openat2(Posix.AT_FDCWD, ".", Posix.O_PATH | Posix.O_CLOEXEC, Posix.RESOLVE_BENEATH));
                return true;
            } catch (LastErrorException e) {
                return false;
            }
        }
    }

    private static final class Walk extends Beneath {
        /** A name still to resolve, and how many of the caller's names had been reached when it was queued. */
        private record Step(String name, int origin) {
        }

        @Override
        int open(int rootFd, List<List<String>> hostRoots, List<String> names, int flags) {
            Deque<Step> pending = new ArrayDeque<>();
            for (int i = 0; i < names.size(); i++) {
                pending.add(new Step(names.get(i), i + 1));
            }
            Deque<Integer> held = new ArrayDeque<>(); // the directories reached, deepest first; the root is not ours
            int links = 0;
            int replaced = 0;
            try {
                while (true) {
                    int current = held.isEmpty() ? rootFd : held.peek();
                    Step step = pending.poll();
                    if (step == null) {
                        return Posix.openat(current, c("."), flags | Posix.O_CLOEXEC, 0);
                    }
                    if (step.name.equals("..")) {
                        if (held.isEmpty()) {
                            throw new Escape(step.origin);
                        }
                        Posix.closeQuietly(held.pop());
                        continue;
                    }
                    boolean last = pending.isEmpty();
                    int stepFlags = (last ? flags : Posix.O_PATH | Posix.O_DIRECTORY) | Posix.O_NOFOLLOW | Posix.O_CLOEXEC;
                    int fd = -1;
                    LastErrorException failure = null;
                    try {
                        fd = Posix.openat(current, c(step.name), stepFlags, 0);
                    } catch (LastErrorException e) {
                        // O_NOFOLLOW fails a link with ELOOP, or with ENOTDIR where a directory was asked for
                        if (e.getErrorCode() != Posix.ELOOP && e.getErrorCode() != Posix.ENOTDIR) {
                            throw e;
                        }
                        failure = e;
                    }
                    if (fd >= 0 && (stepFlags & Posix.O_PATH) != 0 && last && Posix.fstat(fd).isSymbolicLink()) {
                        Posix.close(fd); // O_PATH with O_NOFOLLOW opens the link itself
                        fd = -1;
                    }
                    if (fd >= 0) {
                        if (last) {
                            return fd;
                        }
                        held.push(fd);
                        continue;
                    }
                    String target = linkTarget(current, step.name);
                    if (target == null) {
                        if (failure != null && (!last || (flags & Posix.O_DIRECTORY) != 0)) {
                            Posix.Stat now = Posix.lstatAt(current, step.name);
                            if (!now.isDirectory() && !now.isSymbolicLink()) {
                                throw failure; // no link: a file stands where a directory was needed
                            }
                        }
                        if (++replaced > MAX_REPLACED) {
                            throw new LastErrorException(Posix.EAGAIN);
                        }
                        pending.addFirst(step); // another writer replaced it meanwhile: look again
                        continue;
                    }
                    if (++links > MAX_LINKS) {
                        throw new LastErrorException(Posix.ELOOP);
                    }
                    List<String> parts = plainParts(target);
                    if (target.startsWith("/")) {
                        parts = underRoot(target, hostRoots);
                        if (parts == null) {
                            throw new Escape(step.origin);
                        }
                        while (!held.isEmpty()) {
                            Posix.closeQuietly(held.pop());
                        }
                    }
                    for (int i = parts.size() - 1; i >= 0; i--) {
                        pending.addFirst(new Step(parts.get(i), step.origin));
                    }
                }
            } finally {
                held.forEach(Posix::closeQuietly);
            }
        }

        /** The target of {@code name} if it is a symbolic link, else null. */
        private static String linkTarget(int dirFd, String name) {
            try {
                return Posix.readlink(dirFd, name);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == Posix.EINVAL) {
                    return null;
                }
                throw e;
            }
        }
    }
}
