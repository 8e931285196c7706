package dev.codeact.hyperlight.memory;

import com.sun.jna.Pointer;
import dev.codeact.hyperlight.kvm.LibC;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Optional;
import java.util.Properties;

/**
 * Booted images kept on disk, for processes that start one VM and exit (a command line): the first such process
 * boots the guest and writes its booted slots here, the next ones map those files instead of booting again.
 *
 * <p>One directory per guest image and layout, named by both, holding each slot as a sparse file (the pages the
 * booted guest holds, holes elsewhere) and a description of it. An entry is written under a name of its own and
 * renamed into place whole, and never changed after, so a reader sees a complete entry or none, and a file a VM
 * has mapped is never written again. An entry that does not describe this image and layout exactly, or whose files
 * do not match their description, is not used. A new build of the guest makes the entries of the old one
 * unreachable; writing removes them.
 */
public final class BootedImageStore {
    /** Bumped whenever what an entry holds or means changes. */
    private static final int FORMAT_VERSION = 1;
    private static final String DESCRIPTION_FILE = "booted.properties";
    private static final String DATA_FILE = "data.slot";
    private static final String STACK_FILE = "stack.slot";

    private final Path directory;
    private final String imageKey;

    /**
     * @param directory where entries live; created when the first one is written
     * @param imageKey names the guest image's contents (a digest of its bytes): entries of other images are not read
     */
    public BootedImageStore(Path directory, String imageKey) {
        this.directory = directory;
        this.imageKey = imageKey;
    }

    /** The booted image stored for {@code layout}, if there is a complete and valid one. */
    public Optional<BootedImage> load(GuestLayout layout) {
        Path entry = entry(layout);
        Optional<BootedImage> image = read(entry, layout);
        if (image.isEmpty()) {
            // An entry is complete when it has its name, so one that cannot be used never will be: make room for a
            // good one.
            deleteQuietly(entry);
        }
        return image;
    }

    private Optional<BootedImage> read(Path entry, GuestLayout layout) {
        Properties description = new Properties();
        try (var in = Files.newInputStream(entry.resolve(DESCRIPTION_FILE))) {
            description.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        }
        if (!String.valueOf(FORMAT_VERSION).equals(description.getProperty("format"))
                || !imageKey.equals(description.getProperty("image"))
                || !layout.toString().equals(description.getProperty("layout"))) {
            return Optional.empty();
        }
        SlotSnapshot.Image data = null;
        try {
            long heapHighWater = Long.parseLong(description.getProperty("heapHighWaterBytes"));
            long tscPerMs = Long.parseLong(description.getProperty("tscPerMs"));
            if (heapHighWater < 0 || heapHighWater > layout.heapSizeBytes() || tscPerMs < 0) {
                return Optional.empty();
            }
            data = openSlot(entry.resolve(DATA_FILE), layout.dataSlotBytes(), description.getProperty("dataRuns"));
            SlotSnapshot.Image stack = openSlot(entry.resolve(STACK_FILE), layout.stackSlotBytes(),
                    description.getProperty("stackRuns"));
            return Optional.of(new BootedImage(data, stack, heapHighWater, tscPerMs));
        } catch (IOException | RuntimeException e) {
            if (data != null) {
                data.close();
            }
            return Optional.empty();
        }
    }

    /**
     * Writes {@code booted} as the entry for {@code layout} unless there is one; removes the entries of other guest
     * images. Best effort: a store that cannot be written only means the next process boots too.
     */
    public void save(GuestLayout layout, BootedImage booted) {
        Path entry = entry(layout);
        if (Files.isDirectory(entry)) {
            return;
        }
        Path partial = directory.resolve(entry.getFileName() + ".partial-" + ProcessHandle.current().pid() + "-"
                + Thread.currentThread().getId());
        try {
            Files.createDirectories(partial);
            writeSlot(partial.resolve(DATA_FILE), booted.data());
            writeSlot(partial.resolve(STACK_FILE), booted.stack());
            Properties description = new Properties();
            description.setProperty("format", String.valueOf(FORMAT_VERSION));
            description.setProperty("image", imageKey);
            description.setProperty("layout", layout.toString());
            description.setProperty("heapHighWaterBytes", String.valueOf(booted.heapHighWaterBytes()));
            description.setProperty("tscPerMs", String.valueOf(booted.tscPerMs()));
            description.setProperty("dataRuns", runsText(disjoint(booted.data().runs())));
            description.setProperty("stackRuns", runsText(disjoint(booted.stack().runs())));
            try (var out = new java.io.OutputStreamWriter(Files.newOutputStream(partial.resolve(DESCRIPTION_FILE)),
                    StandardCharsets.UTF_8)) {
                description.store(out, "a booted guest: see " + BootedImageStore.class.getName());
            }
            try {
                Files.move(partial, entry, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                // another process wrote the same entry first
            }
            removeOtherImages();
        } catch (IOException | RuntimeException e) {
            // best effort, see above
        } finally {
            deleteQuietly(partial);
        }
    }

    private Path entry(GuestLayout layout) {
        return directory.resolve(imageKey + "-" + Integer.toHexString(layout.hashCode()));
    }

    private void removeOtherImages() throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path other : entries) {
                String name = other.getFileName().toString();
                if (!name.startsWith(imageKey + "-") && !name.contains(".partial-")) {
                    deleteQuietly(other);
                }
            }
        }
    }

    private static void deleteQuietly(Path entry) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(entry)) {
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(entry);
        } catch (IOException e) {
            // gone already, or not ours to remove
        }
    }

    /** A sparse file of the slot's size with the image's runs at their offsets; what is not a run stays a hole. */
    private static void writeSlot(Path file, SlotSnapshot.Image image) throws IOException {
        Pointer source = LibC.mmapOrThrow(image.slotBytes(), LibC.PROT_READ, LibC.MAP_SHARED, image.fd());
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw"); FileChannel channel = out.getChannel()) {
            long[] runs = image.runs();
            for (int i = 0; i + 1 < runs.length; i += 2) {
                var buffer = source.getByteBuffer(runs[i], runs[i + 1]);
                long position = runs[i];
                while (buffer.hasRemaining()) {
                    position += channel.write(buffer, position);
                }
            }
            out.setLength(image.slotBytes());
            channel.force(true);
        } finally {
            LibC.munmap(source, image.slotBytes());
        }
    }

    private static SlotSnapshot.Image openSlot(Path file, long slotBytes, String runsText) throws IOException {
        long[] runs = parseRuns(runsText, slotBytes);
        int fd = LibC.open(file.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC);
        try {
            // the size as seen through this descriptor, not the path: the file a VM maps must cover every run
            if (Files.size(Path.of("/proc/self/fd/" + fd)) != slotBytes) {
                throw new IOException(file + " is not " + slotBytes + " bytes");
            }
            return new SlotSnapshot.Image(fd, slotBytes, runs);
        } catch (IOException | RuntimeException e) {
            LibC.close(fd);
            throw e;
        }
    }

    /** The pages of {@code runs} (which may overlap, in any order) as ascending runs that do not touch. */
    static long[] disjoint(long[] runs) {
        long[][] pairs = new long[runs.length / 2][];
        for (int i = 0; i < pairs.length; i++) {
            pairs[i] = new long[] {runs[2 * i], runs[2 * i] + runs[2 * i + 1]};
        }
        Arrays.sort(pairs, (a, b) -> Long.compare(a[0], b[0]));
        java.util.List<Long> merged = new java.util.ArrayList<>();
        for (long[] pair : pairs) {
            int last = merged.size() - 2;
            if (last >= 0 && pair[0] <= merged.get(last) + merged.get(last + 1)) {
                merged.set(last + 1, Math.max(merged.get(last + 1), pair[1] - merged.get(last)));
            } else {
                merged.add(pair[0]);
                merged.add(pair[1] - pair[0]);
            }
        }
        return merged.stream().mapToLong(Long::longValue).toArray();
    }

    private static String runsText(long[] runs) {
        StringBuilder text = new StringBuilder();
        for (long value : runs) {
            text.append(text.length() == 0 ? "" : ",").append(Long.toHexString(value));
        }
        return text.toString();
    }

    /** (offset, length) pairs, page-aligned, in order, not overlapping, inside the slot; anything else is refused. */
    static long[] parseRuns(String text, long slotBytes) {
        if (text == null) {
            throw new IllegalArgumentException("no runs");
        }
        long[] runs = text.isEmpty() ? new long[0]
                : Arrays.stream(text.split(",", -1)).mapToLong(v -> Long.parseUnsignedLong(v, 16)).toArray();
        if (runs.length % 2 != 0) {
            throw new IllegalArgumentException("runs come in pairs");
        }
        long end = 0;
        for (int i = 0; i < runs.length; i += 2) {
            long offset = runs[i];
            long length = runs[i + 1];
            if (offset < end || length <= 0 || offset % GuestLayout.PAGE_BYTES != 0 || length % GuestLayout.PAGE_BYTES != 0
                    || length > slotBytes - offset) {
                throw new IllegalArgumentException("run " + offset + "+" + length + " is not a page run inside the slot");
            }
            end = offset + length;
        }
        return runs;
    }
}
