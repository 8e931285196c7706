package dev.codeact.hyperlight.kvm;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;

/** One KVM virtual machine: its fd and its memory slots. Not thread-safe: owned by the vCPU thread. */
public final class KvmVm implements AutoCloseable {
    private final int systemFd;
    private final int vmFd;
    private final int vcpuMmapBytes;
    private final Memory regionArgument = new Memory(KvmApi.MEMORY_REGION_BYTES);
    private final Memory dirtyLogArgument = new Memory(KvmApi.DIRTY_LOG_BYTES);
    private final Memory clearDirtyLogArgument = new Memory(KvmApi.CLEAR_DIRTY_LOG_BYTES);
    private boolean manualDirtyLogProtect;
    private boolean closed;

    public KvmVm() {
        systemFd = LibC.open(KvmAvailability.DEVICE, LibC.O_RDWR | LibC.O_CLOEXEC);
        try {
            vmFd = LibC.ioctl(systemFd, KvmApi.CREATE_VM, 0L);
            vcpuMmapBytes = LibC.ioctl(systemFd, KvmApi.GET_VCPU_MMAP_SIZE, 0L);
        } catch (LastErrorException e) {
            LibC.close(systemFd);
            throw e;
        }
    }

    public void setMemoryRegion(int slot, int flags, long guestPhysicalAddress, long sizeBytes, Pointer hostAddress) {
        regionArgument.setInt(0, slot);
        regionArgument.setInt(4, flags);
        regionArgument.setLong(8, guestPhysicalAddress);
        regionArgument.setLong(16, sizeBytes);
        regionArgument.setLong(24, Pointer.nativeValue(hostAddress));
        LibC.ioctl(vmFd, KvmApi.SET_USER_MEMORY_REGION, regionArgument);
    }

    /**
     * Asks KVM to leave dirty pages writable until {@link #clearDirtyLog} names them (Linux 5.8+), instead of
     * write-protecting every logged page again at each {@link #fetchDirtyLog}. Must come before the first
     * dirty-logged slot. Returns false where the kernel lacks it; the classic behaviour then applies.
     */
    public boolean enableManualDirtyLogProtect() {
        try {
            if (LibC.ioctl(vmFd, KvmApi.CHECK_EXTENSION, (long) KvmApi.CAP_MANUAL_DIRTY_LOG_PROTECT2) <= 0) {
                return false;
            }
            Memory capability = new Memory(KvmApi.ENABLE_CAP_BYTES);
            capability.clear();
            capability.setInt(0, KvmApi.CAP_MANUAL_DIRTY_LOG_PROTECT2);
            capability.setLong(8, KvmApi.DIRTY_LOG_MANUAL_PROTECT_ENABLE);
            LibC.ioctl(vmFd, KvmApi.ENABLE_CAP, capability);
            manualDirtyLogProtect = true;
        } catch (LastErrorException e) {
            manualDirtyLogProtect = false;
        }
        return manualDirtyLogProtect;
    }

    public boolean manualDirtyLogProtect() {
        return manualDirtyLogProtect;
    }

    /**
     * Write-protects again the pages whose bits are set in {@code bitmap}, which describes {@code pageCount}
     * pages from {@code firstPage} (a multiple of 64), and clears them in the slot's dirty log.
     */
    public void clearDirtyLog(int slot, long firstPage, int pageCount, Pointer bitmap) {
        clearDirtyLogArgument.setInt(0, slot);
        clearDirtyLogArgument.setInt(4, pageCount);
        clearDirtyLogArgument.setLong(8, firstPage);
        clearDirtyLogArgument.setLong(16, Pointer.nativeValue(bitmap));
        LibC.ioctl(vmFd, KvmApi.CLEAR_DIRTY_LOG, clearDirtyLogArgument);
    }

    /**
     * Fills {@code bitmap} with the slot's dirty pages. Classically this also clears them in KVM and
     * write-protects them again; with manual protect the pages stay dirty until {@link #clearDirtyLog}.
     */
    public void fetchDirtyLog(int slot, Pointer bitmap) {
        dirtyLogArgument.setInt(0, slot);
        dirtyLogArgument.setInt(4, 0);
        dirtyLogArgument.setLong(8, Pointer.nativeValue(bitmap));
        LibC.ioctl(vmFd, KvmApi.GET_DIRTY_LOG, dirtyLogArgument);
    }

    public KvmVcpu createVcpu(int id) {
        int fd = LibC.ioctl(vmFd, KvmApi.CREATE_VCPU, id);
        boolean syncRegs = (LibC.ioctl(vmFd, KvmApi.CHECK_EXTENSION, (long) KvmApi.CAP_SYNC_REGS) & KvmApi.SYNC_X86_REGS) != 0;
        return new KvmVcpu(fd, vcpuMmapBytes, syncRegs);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        LibC.close(vmFd);
        LibC.close(systemFd);
    }
}
