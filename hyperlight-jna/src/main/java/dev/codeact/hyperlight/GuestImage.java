package dev.codeact.hyperlight;

import dev.codeact.hyperlight.memory.BootedImage;
import dev.codeact.hyperlight.memory.BootedImageStore;
import dev.codeact.hyperlight.memory.GuestLayout;
import dev.codeact.hyperlight.memory.LowRegionTemplate;
import dev.codeact.hyperlight.elf.ElfImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A guest ELF, parsed and validated once, that any number of VMs can load. Nothing here knows which language the guest
 * runs: every guest speaks the same ABI (src-guest/platform/hostabi.h), and the loader, the VM and the pool take any
 * image. Each language's guest is a resource of its own, packaged with this library from src-guest's build (QuickJS:
 * {@link #QUICKJS_RESOURCE}, CPython: {@link #PYTHON_RESOURCE}); another language adds its resource and opens it with
 * {@link #packaged}.
 */
public final class GuestImage {
    /** The JavaScript guest: QuickJS on the platform (src-guest/quickjs). */
    public static final String QUICKJS_RESOURCE = "/dev/codeact/hyperlight/guest/quickjs-guest.elf";
    /** The Python guest: CPython 3.13 on the platform (src-guest/python). */
    public static final String PYTHON_RESOURCE = "/dev/codeact/hyperlight/guest/python-guest.elf";
    /** The packaged images opened so far, by resource: each is read and parsed once per process. */
    private static final java.util.Map<String, GuestImage> PACKAGED = new java.util.concurrent.ConcurrentHashMap<>();
    private static final java.lang.ref.Cleaner CLEANER = java.lang.ref.Cleaner.create();
    private final String name;
    private final ElfImage elf;
    /** Names the image's contents: its size and CRC32C. */
    private final String contentKey;
    private volatile BootedImageStore bootStore;
    /** One per memory layout VMs of this image were started with; their memfds close with the image. */
    private final java.util.Map<GuestLayout, LowRegionTemplate> lowRegions = new java.util.concurrent.ConcurrentHashMap<>();
    /** The guest as booted, per layout, once a VM of that layout has booted it. */
    private final java.util.Map<GuestLayout, BootedImage> booted = new java.util.concurrent.ConcurrentHashMap<>();

    private GuestImage(String name, byte[] file) {
        this.name = name;
        this.elf = ElfImage.parse(file);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(file);
        this.contentKey = Long.toHexString(file.length) + "-" + Long.toHexString(crc.getValue());
        java.util.Map<GuestLayout, LowRegionTemplate> templates = lowRegions;
        java.util.Map<GuestLayout, BootedImage> boots = booted;
        CLEANER.register(this, () -> {
            templates.values().forEach(LowRegionTemplate::close);
            boots.values().forEach(BootedImage::close);
        });
    }

    /** The guest as a VM of {@code layout} booted it, if one has; new VMs of that layout start from it. */
    public java.util.Optional<BootedImage> booted(GuestLayout layout) {
        BootedImage image = booted.get(layout);
        BootedImageStore store = bootStore;
        if (image == null && store != null) {
            store.load(layout).ifPresent(stored -> {
                if (booted.putIfAbsent(layout, stored) != null) {
                    stored.close();
                }
            });
            image = booted.get(layout);
        }
        return java.util.Optional.ofNullable(image);
    }

    /**
     * Keeps {@code image} as the booted state for {@code layout}, unless another VM got there first (then closes it);
     * with {@link #keepBootsIn} also writes it to disk.
     */
    public void offerBooted(GuestLayout layout, BootedImage image) {
        if (booted.putIfAbsent(layout, image) != null) {
            image.close();
            return;
        }
        BootedImageStore store = bootStore;
        if (store != null) {
            store.save(layout, image);
        }
    }

    /**
     * Keeps this image's booted states in {@code directory} too, and starts VMs from those found there: for a process
     * that starts one VM and exits, such as a command line, which then boots the guest once per build instead of once
     * per run. A server needs none of this: its VMs after the first start from the booted state in memory.
     */
    public GuestImage keepBootsIn(java.nio.file.Path directory) {
        bootStore = new BootedImageStore(directory, contentKey);
        return this;
    }

    /** The read-only low region of guest memory for this image in {@code layout}, built on first use. */
    public LowRegionTemplate lowRegion(GuestLayout layout) {
        return lowRegions.computeIfAbsent(layout, l -> LowRegionTemplate.build(elf, l));
    }

    /** The QuickJS guest built from src-guest and packaged with this library. */
    public static GuestImage quickJs() {
        return packaged(QUICKJS_RESOURCE);
    }

    /** The CPython guest built from src-guest and packaged with this library. */
    public static GuestImage python() {
        return packaged(PYTHON_RESOURCE);
    }

    /** A guest image packaged on the classpath at {@code resource}, read once and shared by every caller. */
    public static GuestImage packaged(String resource) {
        GuestImage image = PACKAGED.get(resource);
        return image != null ? image : PACKAGED.computeIfAbsent(resource, GuestImage::fromResource);
    }

    public static GuestImage fromResource(String resource) {
        try (InputStream in = GuestImage.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("guest image " + resource + " is not on the classpath; build src-guest first");
            }
            return new GuestImage(resource, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static GuestImage fromFile(Path path) throws IOException {
        return new GuestImage(path.toString(), Files.readAllBytes(path));
    }

    /** Names the image's contents (its size and CRC32C): session states and booted images are kept per key. */
    public String contentKey() {
        return contentKey;
    }

    public String name() {
        return name;
    }

    public ElfImage elf() {
        return elf;
    }
}
