package dev.codeact.spring.policy.fs;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The fd-relative Linux file calls the fs services are built on, direct-mapped through JNA (the style of
 * hyperlight's LibC: a failing call throws {@link LastErrorException} with its errno). Names cross as NUL-terminated
 * UTF-8 bytes, whatever the JVM's file-name encoding. Only x86-64 and aarch64 Linux are supported: the open flags
 * differ between architectures, and statx and the 64-bit dirent layout keep the structs the same on both.
 */
final class Posix {
    /** Why native file access is unavailable here, or null when it is available. */
    static final String UNAVAILABLE;

    static final int O_RDONLY = 0;
    static final int O_WRONLY = 1;
    static final int O_CREAT = 0x40;
    static final int O_EXCL = 0x80;
    static final int O_NOCTTY = 0x100;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;
    static final int O_PATH = 0x200000;
    static final int O_DIRECTORY;
    static final int O_NOFOLLOW;
    static final int AT_FDCWD = -100;
    static final int AT_SYMLINK_NOFOLLOW = 0x100;
    static final int AT_EMPTY_PATH = 0x1000;
    static final long RESOLVE_NO_MAGICLINKS = 0x02;
    static final long RESOLVE_BENEATH = 0x08;
    static final long SYS_OPENAT2 = 437; // the same on every architecture since Linux 5.6

    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int EACCES = 13;
    static final int EEXIST = 17;
    static final int EXDEV = 18;
    static final int ENOTDIR = 20;
    static final int EISDIR = 21;
    static final int EINVAL = 22;
    static final int ENOSPC = 28;
    static final int EROFS = 30;
    static final int ENAMETOOLONG = 36;
    static final int ENOSYS = 38;
    static final int ELOOP = 40;
    static final int EDQUOT = 122;

    private static final int STATX_BASIC_STATS = 0x7ff;
    private static final int S_IFMT = 0xf000;
    private static final int S_IFDIR = 0x4000;
    private static final int S_IFREG = 0x8000;
    private static final int S_IFLNK = 0xa000;
    /** struct dirent's d_name on 64-bit glibc: after d_ino, d_off, d_reclen and d_type. */
    private static final int DIRENT_NAME_OFFSET = 19;

    static {
        String arch = System.getProperty("os.arch", "");
        boolean x86 = arch.equals("amd64") || arch.equals("x86_64");
        boolean arm = arch.equals("aarch64") || arch.equals("arm64");
        O_DIRECTORY = arm ? 0x4000 : 0x10000;
        O_NOFOLLOW = arm ? 0x8000 : 0x20000;
        String why = null;
        if (!Platform.isLinux() || !(x86 || arm)) {
            why = "safe file access beneath a mount needs Linux on x86-64 or aarch64; this host is "
                    + System.getProperty("os.name") + " on " + arch;
        } else {
            try {
                Native.register(NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
            } catch (LinkageError e) {
                why = "the C library lacks a call the fs services need (glibc 2.28 or later is required): " + e.getMessage();
            }
        }
        UNAVAILABLE = why;
    }

    private Posix() {
    }

    static native int openat(int dirfd, byte[] path, int flags, int mode) throws LastErrorException;

    static native long syscall(long number, long dirfd, byte[] path, long[] how, long size) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    static native long read(int fd, byte[] buffer, long count) throws LastErrorException;

    static native long write(int fd, byte[] buffer, long count) throws LastErrorException;

    static native int fchmod(int fd, int mode) throws LastErrorException;

    static native int mkdirat(int dirfd, byte[] path, int mode) throws LastErrorException;

    static native int renameat(int fromDirfd, byte[] from, int toDirfd, byte[] to) throws LastErrorException;

    static native int unlinkat(int dirfd, byte[] path, int flags) throws LastErrorException;

    static native long readlinkat(int dirfd, byte[] path, byte[] buffer, long size) throws LastErrorException;

    static native int statx(int dirfd, byte[] path, int flags, int mask, byte[] buffer) throws LastErrorException;

    static native Pointer fdopendir(int fd) throws LastErrorException;

    static native Pointer readdir(Pointer dir) throws LastErrorException;

    static native int closedir(Pointer dir) throws LastErrorException;

    // ---------------------------------------------------------------- helpers

    /** A name or relative path as the NUL-terminated UTF-8 bytes the calls take. */
    static byte[] c(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOf(bytes, bytes.length + 1);
    }

    /** openat2(2): one atomic resolution, here used with {@code RESOLVE_BENEATH}. */
    static int openat2(int dirfd, String path, int flags, long resolve) {
        return (int) syscall(SYS_OPENAT2, dirfd, c(path), new long[] {flags & 0xffffffffL, 0, resolve}, 24);
    }

    /** Closes without complaint: used on paths that already fail or are done. */
    static void closeQuietly(int fd) {
        if (fd >= 0) {
            try {
                close(fd);
            } catch (LastErrorException e) {
                // the descriptor is released either way
            }
        }
    }

    /** What fs needs of a file's status. */
    record Stat(int mode, long size, long modifiedMs, long device, long inode) {
        boolean isDirectory() {
            return (mode & S_IFMT) == S_IFDIR;
        }

        boolean isRegularFile() {
            return (mode & S_IFMT) == S_IFREG;
        }

        boolean isSymbolicLink() {
            return (mode & S_IFMT) == S_IFLNK;
        }

        int permissions() {
            return mode & 07777;
        }
    }

    /** The status of an open file. */
    static Stat fstat(int fd) {
        return statAt(fd, "", AT_EMPTY_PATH);
    }

    /** The status of {@code name} in {@code dirfd}, links not followed. */
    static Stat lstatAt(int dirfd, String name) {
        return statAt(dirfd, name, AT_SYMLINK_NOFOLLOW);
    }

    private static Stat statAt(int dirfd, String name, int flags) {
        byte[] buffer = new byte[256];
        statx(dirfd, c(name), flags, STATX_BASIC_STATS, buffer);
        ByteBuffer b = ByteBuffer.wrap(buffer).order(ByteOrder.nativeOrder());
        long mtime = b.getLong(112) * 1000 + b.getInt(120) / 1_000_000;
        long device = ((long) b.getInt(136) << 32) | (b.getInt(140) & 0xffffffffL);
        return new Stat(b.getShort(28) & 0xffff, b.getLong(40), mtime, device, b.getLong(32));
    }

    /** The target of the symbolic link {@code name} in {@code dirfd}. */
    static String readlink(int dirfd, String name) {
        byte[] buffer = new byte[4096];
        long n = readlinkat(dirfd, c(name), buffer, buffer.length);
        if (n >= buffer.length) {
            throw new LastErrorException(ENAMETOOLONG);
        }
        return new String(buffer, 0, (int) n, StandardCharsets.UTF_8);
    }

    /** The name of a {@code struct dirent} that readdir returned. */
    static String direntName(Pointer entry) {
        int length = 0;
        while (length < 256 && entry.getByte(DIRENT_NAME_OFFSET + length) != 0) {
            length++;
        }
        return new String(entry.getByteArray(DIRENT_NAME_OFFSET, length), StandardCharsets.UTF_8);
    }
}
