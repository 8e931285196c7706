package dev.codeact.hyperlight.memory;

import com.sun.jna.Pointer;
import dev.codeact.hyperlight.elf.ElfImage;
import dev.codeact.hyperlight.kvm.LibC;

/**
 * Guest memory below {@link GuestLayout#rwStart()}: page tables, system tables, the image's code and read-only
 * data. It is the same for every VM of one image and layout, and read-only to the guest, so it is laid out once
 * in a memfd and each VM maps it privately instead of building and copying it (about 1 ms of a 4 ms boot on
 * PVM, mostly first-touch faults), and its pages are shared by all those VMs. Close it when no VM maps it
 * any longer; mappings made before stay valid.
 */
public final class LowRegionTemplate implements AutoCloseable {
    private final int fd;
    private final long bytes;
    private final long cr3;
    private final int idtLimit;
    private volatile boolean closed;

    private LowRegionTemplate(int fd, long bytes, long cr3, int idtLimit) {
        this.fd = fd;
        this.bytes = bytes;
        this.cr3 = cr3;
        this.idtLimit = idtLimit;
    }

    public static LowRegionTemplate build(ElfImage image, GuestLayout layout) {
        long bytes = layout.rwStart();
        int fd = LibC.memfdCreate("codeact-low-region");
        try {
            LibC.ftruncate(fd, bytes);
            Pointer region = LibC.mmapOrThrow(bytes, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED, fd);
            try {
                for (ElfImage.Segment s : image.segments()) {
                    if (!s.writable()) {
                        region.write(s.address(), s.fileBytes(), 0, s.fileBytes().length);
                    }
                }
                long cr3 = PageTables.write(region, layout, image);
                int idtLimit = SystemTables.write(region, image);
                return new LowRegionTemplate(fd, bytes, cr3, idtLimit);
            } finally {
                LibC.munmap(region, bytes);
            }
        } catch (RuntimeException e) {
            LibC.close(fd);
            throw e;
        }
    }

    /** Maps the template, private and read-only, over the start of a VM's guest memory. */
    public void mapInto(Pointer guestMemory) {
        if (closed) {
            throw new IllegalStateException("the low-region template is closed");
        }
        LibC.mmapFixed(guestMemory, bytes, LibC.PROT_READ, LibC.MAP_PRIVATE | LibC.MAP_POPULATE, fd);
    }

    /** CR3: the page tables' root. */
    public long cr3() {
        return cr3;
    }

    /** The IDT limit to load, 0 when the image has no usable exception stubs. */
    public int idtLimit() {
        return idtLimit;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            LibC.close(fd);
        }
    }
}
