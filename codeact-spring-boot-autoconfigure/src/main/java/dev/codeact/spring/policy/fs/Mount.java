package dev.codeact.spring.policy.fs;

import dev.codeact.spring.config.InvalidPropertyException;
import java.nio.file.Path;
import org.springframework.util.unit.DataSize;

/**
 * A host directory that programs see at a guest path.
 *
 * @param guestPath absolute path programs use, e.g. /data (not / and not /output)
 * @param hostPath the directory on the host
 * @param writable whether programs may write files there
 * @param quota the most the directory's files may hold after a program's write, in bytes of content (10MB when not
 *     set); what the directory already holds counts
 * @param maxEntries the most files and directories the directory may hold after a program's write (1000 when not
 *     set); what it already holds counts. Directories and empty files take no quota bytes, so this is what bounds them
 */
public record Mount(String guestPath, Path hostPath, boolean writable, DataSize quota, Integer maxEntries) {
    /** The entry limit of a mount, and of /output, when none is set. */
    public static final int DEFAULT_MAX_ENTRIES = 1000;
    /** A mount's property prefix; "[]" stands for its index, which the failure analyzer fills in. */
    public static final String ENTRY = "codeact.mounts[]";

    public Mount {
        if (guestPath == null || !guestPath.startsWith("/") || guestPath.equals("/") || guestPath.equals("/output")
                || guestPath.contains("..")) {
            throw new InvalidPropertyException(ENTRY + ".guest-path", guestPath,
                    "must be an absolute path other than / and /output", "Name the directory programs see, e.g. /data.");
        }
        if (guestPath.endsWith("/")) {
            guestPath = guestPath.substring(0, guestPath.length() - 1);
        }
        if (hostPath == null) {
            throw new InvalidPropertyException(ENTRY + ".host-path", "", "is missing",
                    "Give the mount of " + guestPath + " the host directory it shows, e.g. /srv/reports.");
        }
        quota = quota == null ? DataSize.ofMegabytes(10) : quota;
        maxEntries = maxEntries == null ? DEFAULT_MAX_ENTRIES : maxEntries;
    }
}
