package dev.codeact.hyperlight.kvm;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/** Direct-mapped libc calls: no varargs in direct mapping, so ioctl has fixed-arity overloads. */
public final class LibC {
    static {
        Native.register(NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    public static final int O_RDONLY = 0x0;
    public static final int O_RDWR = 0x2;
    public static final int O_CLOEXEC = 0x80000;
    public static final int PROT_NONE = 0x0;
    public static final int PROT_READ = 0x1;
    public static final int PROT_WRITE = 0x2;
    public static final int PROT_EXEC = 0x4;
    public static final int MAP_SHARED = 0x01;
    public static final int MAP_PRIVATE = 0x02;
    public static final int MAP_ANONYMOUS = 0x20;
    public static final int MAP_NORESERVE = 0x4000;
    public static final int MAP_POPULATE = 0x8000;
    public static final int MAP_FIXED = 0x10;
    public static final int MADV_DONTNEED = 4;
    public static final int EINTR = 4;
    public static final int EAGAIN = 11;
    public static final long SYS_GETTID = 186;
    public static final long SYS_TGKILL = 234;
    public static final long SYS_MEMFD_CREATE = 319;
    public static final int SIGACTION_BYTES = 152;

    private LibC() {
    }

    public static native int open(String path, int flags) throws LastErrorException;

    public static native int close(int fd) throws LastErrorException;

    public static native int dup(int fd) throws LastErrorException;

    public static native int ioctl(int fd, long request, long argument) throws LastErrorException;

    public static native int ioctl(int fd, long request, Pointer argument) throws LastErrorException;

    public static native Pointer mmap(Pointer address, long length, int prot, int flags, int fd, long offset)
            throws LastErrorException;

    public static native int munmap(Pointer address, long length) throws LastErrorException;

    public static native int mprotect(Pointer address, long length, int prot) throws LastErrorException;

    public static native int madvise(Pointer address, long length, int advice) throws LastErrorException;

    public static native Pointer memcpy(Pointer destination, Pointer source, long length);

    /** As the Pointer form, for hot loops: primitive arguments spare JNA a conversion per call. */
    public static native long memcpy(long destination, long source, long length);

    public static native int memcmp(Pointer a, Pointer b, long length);

    public static native int mincore(Pointer address, long length, byte[] residency) throws LastErrorException;

    public static native Pointer memset(Pointer destination, int value, long length);

    public static native long syscall(long number, long a1, long a2, long a3) throws LastErrorException;

    public static native long syscall(long number, Pointer a1, long a2, long a3) throws LastErrorException;

    public static native int ftruncate(int fd, long length) throws LastErrorException;

    /** An anonymous file in memory (memfd_create), closed on exec. */
    public static int memfdCreate(String name) {
        com.sun.jna.Memory cName = new com.sun.jna.Memory(name.length() + 1L);
        cName.setString(0, name, "US-ASCII");
        int mfdCloexec = 1;
        return (int) syscall(SYS_MEMFD_CREATE, cName, mfdCloexec, 0);
    }

    public static native int getpid();

    public static native int sigaction(int signal, Pointer action, Pointer oldAction) throws LastErrorException;

    public static final int SIG_BLOCK = 0;
    public static final int SIG_UNBLOCK = 1;
    /** glibc's sigset_t. */
    public static final int SIGSET_BYTES = 128;

    public static native int pthread_sigmask(int how, Pointer set, Pointer oldSet);

    public static native int __libc_current_sigrtmin();

    public static int gettid() {
        return (int) syscall(SYS_GETTID, 0, 0, 0);
    }

    /** Bytes of a page-aligned mapping that are resident in memory right now. */
    public static long residentBytes(Pointer mapping, long length) {
        int pages = (int) ((length + 4095) / 4096);
        byte[] residency = new byte[pages];
        mincore(mapping, length, residency);
        long resident = 0;
        for (byte b : residency) {
            resident += b & 1;
        }
        return resident * 4096;
    }

    /** pagemap entry bits: the page is present in memory; it is a file's page or shared memory. */
    private static final long PAGEMAP_PRESENT = 1L << 63;
    private static final long PAGEMAP_FILE_OR_SHARED = 1L << 61;

    /**
     * Bytes of a page-aligned mapping that are resident and belong to this mapping alone: anonymous pages, among them
     * the private copies a copy-on-write mapping made of pages written. Pages of a file or of shared memory that the
     * mapping only reads are not counted (they are as resident for every mapping of them). Read from
     * /proc/self/pagemap, whose flags need no privilege.
     */
    public static long privateResidentBytes(Pointer mapping, long length) {
        int pages = (int) ((length + 4095) / 4096);
        java.nio.ByteBuffer entries = java.nio.ByteBuffer.allocate(pages * 8).order(java.nio.ByteOrder.nativeOrder());
        try (java.nio.channels.FileChannel pagemap = java.nio.channels.FileChannel.open(java.nio.file.Path.of("/proc/self/pagemap"))) {
            long position = Pointer.nativeValue(mapping) / 4096 * 8;
            while (entries.hasRemaining()) {
                int read = pagemap.read(entries, position + entries.position());
                if (read < 0) {
                    throw new java.io.EOFException("pagemap ended early");
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        long resident = 0;
        for (int i = 0; i < pages; i++) {
            long entry = entries.getLong(i * 8);
            if ((entry & PAGEMAP_PRESENT) != 0 && (entry & PAGEMAP_FILE_OR_SHARED) == 0) {
                resident++;
            }
        }
        return resident * 4096;
    }

    /** Maps {@code fd} at exactly {@code address}, replacing what was mapped there. */
    public static void mmapFixed(Pointer address, long length, int prot, int flags, int fd) {
        mmapFixed(address, length, prot, flags, fd, 0);
    }

    /** Maps {@code length} bytes of {@code fd} from {@code offset} at exactly {@code address}. */
    public static void mmapFixed(Pointer address, long length, int prot, int flags, int fd, long offset) {
        Pointer p = mmap(address, length, prot, flags | MAP_FIXED, fd, offset);
        if (Pointer.nativeValue(p) != Pointer.nativeValue(address)) {
            throw new IllegalStateException("mmap MAP_FIXED of " + length + " bytes failed: errno " + Native.getLastError());
        }
    }

    /** mmap failure is MAP_FAILED, i.e. -1, which JNA hands back as a non-null pointer. */
    public static Pointer mmapOrThrow(long length, int prot, int flags, int fd) {
        Pointer p = mmap(null, length, prot, flags, fd, 0);
        if (Pointer.nativeValue(p) == -1L) {
            throw new IllegalStateException("mmap of " + length + " bytes failed: errno " + Native.getLastError());
        }
        return p;
    }
}
