package dev.codeact.hyperlight;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.hyperlight.memory.GuestLayout;
import dev.codeact.hyperlight.memory.GuestMemorySizes;
import dev.codeact.hyperlight.memory.RestoreStrategy;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A booted guest kept on disk: a process that finds it starts its VM from it instead of booting, and gets the same
 * guest; an entry that is damaged, or made for another image or layout, is never used.
 */
@RequiresKvm
class BootedImageStoreTest {
    private static final String PROGRAM = """
            globalThis.left = (globalThis.left ?? 0) + 1;
            return [globalThis.left, new Intl.NumberFormat('de-DE').format(1234.5), [3, 1, 2].sort()];""";
    private static final String EXPECTED = "[1,\"1.234,5\",[1,2,3]]";

    @TempDir
    Path cache;

    /** A guest image as a new process has it: nothing booted in memory. */
    private GuestImage freshProcessImage() {
        return GuestImage.fromResource("/dev/codeact/hyperlight/guest/quickjs-guest.elf").keepBootsIn(cache);
    }

    private static GuestLayout layout(GuestImage image, GuestMemorySizes sizes) {
        return GuestLayout.of(image.elf(), sizes);
    }

    private static void runTwice(MicroVm vm) {
        for (int i = 0; i < 2; i++) {
            ExecutionResult r = vm.execute(PROGRAM, HostFunctions.none(), ExecutionLimits.defaults());
            assertThat(r.resultJson()).as(r.toString()).isEqualTo(EXPECTED);
            assertThat(vm.firstAddressDifferingFromSnapshot()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(RestoreStrategy.class)
    void aLaterProcessStartsFromTheStoredBootAndSeesTheSameGuest(RestoreStrategy strategy) {
        GuestImage first = freshProcessImage();
        try (MicroVm vm = MicroVm.start(first, GuestMemorySizes.defaults(), RestoreStrategy.DIRTY_PAGE_COPY)) {
            runTwice(vm);
        }
        GuestImage later = freshProcessImage();
        GuestLayout layout = layout(later, GuestMemorySizes.defaults());
        assertThat(later.booted(layout)).as("the stored boot is found").isPresent();
        try (MicroVm vm = MicroVm.start(later, GuestMemorySizes.defaults(), strategy)) {
            runTwice(vm);
            ExecutionResult limit = vm.execute("const a = []; while (true) a.push(new Array(1e5).fill(1));",
                    HostFunctions.none(), ExecutionLimits.defaults().withMemoryBytes(16L << 20));
            assertThat(limit.error().type()).isEqualTo(ErrorType.OUT_OF_MEMORY);
            runTwice(vm);
        }
    }

    @Test
    void anotherLayoutIsNotServedByTheEntryOfTheFirst() {
        try (MicroVm vm = MicroVm.start(freshProcessImage(), GuestMemorySizes.defaults())) {
            runTwice(vm);
        }
        GuestImage later = freshProcessImage();
        GuestMemorySizes bigger = GuestMemorySizes.forMemoryLimit(200L << 20);
        assertThat(later.booted(layout(later, bigger))).isEmpty();
        try (MicroVm vm = MicroVm.start(later, bigger)) {
            runTwice(vm);
        }
        assertThat(freshProcessImage().booted(layout(later, bigger))).as("now stored too").isPresent();
        assertThat(freshProcessImage().booted(layout(later, GuestMemorySizes.defaults()))).isPresent();
    }

    enum Damage { TRUNCATED_SLOT, RUN_OUTSIDE_THE_SLOT, OTHER_IMAGE, OTHER_FORMAT, NO_DESCRIPTION }

    @ParameterizedTest
    @EnumSource(Damage.class)
    void aDamagedEntryIsNotUsedAndIsReplacedByAGoodOne(Damage damage) throws IOException {
        try (MicroVm vm = MicroVm.start(freshProcessImage(), GuestMemorySizes.defaults())) {
            runTwice(vm);
        }
        Path entry = onlyEntry();
        Path description = entry.resolve("booted.properties");
        switch (damage) {
            case TRUNCATED_SLOT -> {
                try (RandomAccessFile f = new RandomAccessFile(entry.resolve("data.slot").toFile(), "rw")) {
                    f.setLength(f.length() / 2);
                }
            }
            case RUN_OUTSIDE_THE_SLOT -> rewrite(description, "dataRuns=", "dataRuns=7fffffff000,2000,");
            case OTHER_IMAGE -> rewrite(description, "image=", "image=0-");
            case OTHER_FORMAT -> rewrite(description, "format=1", "format=999");
            case NO_DESCRIPTION -> Files.delete(description);
        }
        GuestImage later = freshProcessImage();
        assertThat(later.booted(layout(later, GuestMemorySizes.defaults()))).isEmpty();
        try (MicroVm vm = MicroVm.start(later, GuestMemorySizes.defaults())) {
            runTwice(vm);
        }
        assertThat(freshProcessImage().booted(layout(later, GuestMemorySizes.defaults()))).as("written again").isPresent();
    }

    private Path onlyEntry() throws IOException {
        try (Stream<Path> entries = Files.list(cache)) {
            List<Path> all = entries.toList();
            assertThat(all).hasSize(1);
            return all.get(0);
        }
    }

    private static void rewrite(Path file, String prefix, String replacement) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(text).contains(prefix);
        Files.writeString(file, text.replace(prefix, replacement), StandardCharsets.UTF_8);
    }
}
