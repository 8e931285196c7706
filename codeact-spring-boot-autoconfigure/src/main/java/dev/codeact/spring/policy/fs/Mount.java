package dev.codeact.spring.policy.fs;

import java.nio.file.Path;
import org.springframework.util.unit.DataSize;

/**
 * A host directory that programs see at a guest path.
 *
 * @param guestPath absolute path programs use, e.g. /data (not / and not /output)
 * @param hostPath the directory on the host
 * @param writable whether programs may write files there
 * @param quota the most the directory may hold after a program's write
 */
public record Mount(String guestPath, Path hostPath, boolean writable, DataSize quota) {
    public Mount {
        if (guestPath == null || !guestPath.startsWith("/") || guestPath.equals("/") || guestPath.equals("/output")
                || guestPath.contains("..")) {
            throw new IllegalArgumentException("codeact.mounts guest-path must be an absolute path other than / and /output, was "
                    + guestPath);
        }
        if (guestPath.endsWith("/")) {
            guestPath = guestPath.substring(0, guestPath.length() - 1);
        }
        if (hostPath == null) {
            throw new IllegalArgumentException("codeact.mounts entry " + guestPath + " needs a host-path");
        }
        quota = quota == null ? DataSize.ofMegabytes(10) : quota;
    }
}
