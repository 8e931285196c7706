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

    /** Fills {@code bitmap} with the slot's dirty pages since the last call, and clears them in KVM. */
    public void fetchDirtyLog(int slot, Pointer bitmap) {
        dirtyLogArgument.setInt(0, slot);
        dirtyLogArgument.setInt(4, 0);
        dirtyLogArgument.setLong(8, Pointer.nativeValue(bitmap));
        LibC.ioctl(vmFd, KvmApi.GET_DIRTY_LOG, dirtyLogArgument);
    }

    public KvmVcpu createVcpu(int id) {
        int fd = LibC.ioctl(vmFd, KvmApi.CREATE_VCPU, id);
        return new KvmVcpu(fd, vcpuMmapBytes);
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
