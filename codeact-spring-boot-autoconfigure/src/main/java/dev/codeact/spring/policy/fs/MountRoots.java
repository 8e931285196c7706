package dev.codeact.spring.policy.fs;

import static dev.codeact.spring.policy.fs.Posix.c;

import com.sun.jna.LastErrorException;
import dev.codeact.hyperlight.HostFunctionException;
import dev.codeact.spring.policy.fs.MountPolicy.Area;
import dev.codeact.spring.policy.fs.MountTable.Target;
import java.util.List;

/**
 * Opens a {@link MountTable.Target} on the host: the area's root directory, then the target's names beneath it in
 * one step ({@link Beneath}), so that a symbolic link leading outside the area is refused even when another writer
 * swaps one in during the call. Everything after works on the descriptor opened, never on a host path; every
 * message names guest paths only.
 */
final class MountRoots {
    private final Beneath beneath;
    private final OutputDirectory output;

    /** @param output the session's /output: made on its first use; when its root is gone, the session is closed */
    MountRoots(Beneath beneath, OutputDirectory output) {
        this.beneath = beneath;
        this.output = output;
    }

    /** The area's root directory, as an O_PATH descriptor. */
    int openRoot(Area area) {
        if (area == output.area()) {
            output.make();
        }
        try {
            return Posix.openat(Posix.AT_FDCWD, c(area.root().toString()),
                    Posix.O_PATH | Posix.O_DIRECTORY | Posix.O_NOFOLLOW | Posix.O_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw FsErrors.fail(area == output.area() ? "the file session is closed" : "mount " + area.guestPath() + " is unavailable");
        }
    }

    /** Opens the target beneath its area's root, or returns -1 when it does not exist (nor do temporary names). */
    int openOrNull(Target t, int flags) {
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
    int openBeneath(Target t, int root, List<String> names, int flags, int linkNames) {
        try {
            return beneath.open(root, t.area().hostRoots(), names, flags);
        } catch (Beneath.Escape e) {
            throw refused(t, linkNames > 0 ? linkNames : e.names);
        }
    }

    static boolean missing(LastErrorException e) {
        return e.getErrorCode() == Posix.ENOENT || e.getErrorCode() == Posix.ENOTDIR;
    }

    static HostFunctionException refused(Target t, int names) {
        return FsErrors.fail("refused: " + t.guestOf(names) + " is a symbolic link that leads outside mount " + t.area().guestPath());
    }

    static HostFunctionException dangling(Target t) {
        return FsErrors.fail("cannot write " + t.guest() + ": it goes through a symbolic link whose target does not exist");
    }
}
