package dev.codeact.hyperlight.elf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.codeact.hyperlight.GuestImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The loader's ELF parser: accepts the packaged guest, rejects corrupt headers with a readable reason. */
class ElfImageTest {
    private static final String GUEST_RESOURCE = "/dev/codeact/hyperlight/guest/quickjs-guest.elf";
    private static final String HOSTILE_RESOURCE = "/dev/codeact/hyperlight/testguest/hostile-guest.elf";

    // ELF64 header and program header field offsets.
    private static final int EI_CLASS = 4;
    private static final int EI_DATA = 5;
    private static final int E_TYPE = 16;
    private static final int E_MACHINE = 18;
    private static final int E_ENTRY = 24;
    private static final int E_PHOFF = 32;
    private static final int E_PHENTSIZE = 54;
    private static final int E_PHNUM = 56;
    private static final int PH_BYTES = 56;
    private static final int P_TYPE = 0;
    private static final int P_FLAGS = 4;
    private static final int P_OFFSET = 8;
    private static final int P_VADDR = 16;
    private static final int P_FILESZ = 32;
    private static final int P_MEMSZ = 40;
    private static final int PT_LOAD = 1;
    private static final int PF_X = 1;
    private static final int PF_W = 2;

    private static byte[] guest;

    @BeforeAll
    static void readGuest() throws IOException {
        try (InputStream in = ElfImageTest.class.getResourceAsStream(GUEST_RESOURCE)) {
            assertThat(in).as("packaged guest %s on the test classpath", GUEST_RESOURCE).isNotNull();
            guest = in.readAllBytes();
        }
    }

    // ------------------------------------------------------------------ the real guest

    @Test
    void findsTheExceptionStubsInTheSymbolTable() {
        ElfImage elf = GuestImage.quickJs().elf();
        assertThat(elf.symbol("hl_exception_stubs")).isPresent();
        long stubs = elf.symbol("hl_exception_stubs").getAsLong();
        assertThat(elf.segments()).anyMatch(s -> s.executable() && stubs >= s.address() && stubs + 32 * 16 <= s.end());
        assertThat(elf.symbol("no_such_symbol")).isEmpty();
    }

    @Test
    void rejectsASymbolTableOutsideTheFile() {
        byte[] elf = guest.clone();
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        long shoff = b.getLong(40);
        int shnum = Short.toUnsignedInt(b.getShort(60));
        boolean patched = false;
        for (int i = 0; i < shnum; i++) {
            int at = (int) shoff + i * 64;
            if (b.getInt(at + 4) == 2) { // SHT_SYMTAB
                b.putLong(at + 24, Long.MAX_VALUE - 8); // sh_offset
                patched = true;
            }
        }
        assertThat(patched).as("the guest has a symbol table").isTrue();
        assertThatThrownBy(() -> ElfImage.parse(elf)).isInstanceOf(ElfFormatException.class)
                .hasMessageContaining("symbol table outside the file");
    }

    @Test
    void anImageWithoutSectionHeadersHasNoSymbols() {
        byte[] elf = guest.clone();
        ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN).putLong(40, 0L).putShort(60, (short) 0);
        assertThat(ElfImage.parse(elf).symbols()).isEmpty();
    }

    @Test
    void parsesThePackagedQuickJsGuest() {
        ElfImage elf = GuestImage.quickJs().elf();

        assertThat(elf.segments()).isNotEmpty();
        assertThat(elf.segments())
                .as("entry point 0x%x lies in an executable segment", elf.entryPoint())
                .anyMatch(s -> s.executable() && elf.entryPoint() >= s.address() && elf.entryPoint() < s.end());
        assertThat(elf.segments()).anyMatch(ElfImage.Segment::writable);
        assertThat(elf.segments()).allMatch(s -> s.address() >= 0x100000 && s.end() < (1L << 32));
        assertThat(elf.segments()).allMatch(s -> s.memoryBytes() >= s.fileBytes().length);
        for (int i = 1; i < elf.segments().size(); i++) {
            assertThat(elf.segments().get(i).address())
                    .as("segments sorted and disjoint")
                    .isGreaterThanOrEqualTo(elf.segments().get(i - 1).end());
        }
        assertThat(elf.imageEnd()).isEqualTo(elf.segments().get(elf.segments().size() - 1).end());
    }

    @Test
    void parsedSegmentsMatchTheProgramHeadersAndCarryTheFileBytes() {
        ElfImage elf = ElfImage.parse(guest);
        ByteBuffer b = le(guest);
        long phoff = b.getLong(E_PHOFF);
        int phnum = Short.toUnsignedInt(b.getShort(E_PHNUM));

        assertThat(elf.entryPoint()).isEqualTo(b.getLong(E_ENTRY));
        int loads = 0;
        for (int i = 0; i < phnum; i++) {
            int at = (int) phoff + i * PH_BYTES;
            if (b.getInt(at + P_TYPE) != PT_LOAD) {
                continue;
            }
            loads++;
            long vaddr = b.getLong(at + P_VADDR);
            int offset = (int) b.getLong(at + P_OFFSET);
            int filesz = (int) b.getLong(at + P_FILESZ);
            int flags = b.getInt(at + P_FLAGS);
            ElfImage.Segment s = elf.segments().stream().filter(x -> x.address() == vaddr).findFirst().orElseThrow();
            assertThat(s.memoryBytes()).isEqualTo(b.getLong(at + P_MEMSZ));
            assertThat(s.fileBytes()).isEqualTo(Arrays.copyOfRange(guest, offset, offset + filesz));
            assertThat(s.executable()).isEqualTo((flags & PF_X) != 0);
            assertThat(s.writable()).isEqualTo((flags & PF_W) != 0);
        }
        assertThat(elf.segments()).hasSize(loads);
    }

    @Test
    void parsesTheHostileTestGuestToo() {
        ElfImage elf = GuestImage.fromResource(HOSTILE_RESOURCE).elf();
        assertThat(elf.segments()).anyMatch(s -> s.executable() && elf.entryPoint() >= s.address() && elf.entryPoint() < s.end());
    }

    @Test
    void segmentListIsImmutable() {
        List<ElfImage.Segment> segments = ElfImage.parse(guest).segments();
        assertThatThrownBy(() -> segments.remove(0)).isInstanceOf(UnsupportedOperationException.class);
    }

    // ------------------------------------------------------------------ corrupt inputs

    @Test
    void rejectsAnEmptyFile() {
        assertRejected(new byte[0], "file shorter than an ELF header");
    }

    @Test
    void rejectsAFileShorterThanTheHeader() {
        assertRejected(Arrays.copyOf(guest, 63), "file shorter than an ELF header");
    }

    @Test
    void rejectsBadMagic() {
        byte[] f = copy();
        f[1] = 'X';
        assertRejected(f, "not an ELF file");
    }

    @Test
    void rejectsA32BitElf() {
        byte[] f = copy();
        f[EI_CLASS] = 1; // ELFCLASS32
        assertRejected(f, "not a 64-bit little-endian ELF");
    }

    @Test
    void rejectsABigEndianElf() {
        byte[] f = copy();
        f[EI_DATA] = 2; // ELFDATA2MSB
        assertRejected(f, "not a 64-bit little-endian ELF");
    }

    @Test
    void rejectsAPositionIndependentExecutable() {
        byte[] f = copy();
        le(f).putShort(E_TYPE, (short) 3); // ET_DYN
        assertRejected(f, "not a static executable");
    }

    @Test
    void rejectsTheWrongMachine() {
        byte[] f = copy();
        le(f).putShort(E_MACHINE, (short) 183); // EM_AARCH64
        assertRejected(f, "not an x86-64 executable");
    }

    @Test
    void rejectsAnUnexpectedProgramHeaderSize() {
        byte[] f = copy();
        le(f).putShort(E_PHENTSIZE, (short) 32);
        assertRejected(f, "unexpected program header size 32");
    }

    @Test
    void rejectsZeroProgramHeaders() {
        byte[] f = copy();
        le(f).putShort(E_PHNUM, (short) 0);
        assertRejected(f, "program header count 0 out of range");
    }

    @Test
    void rejectsProgramHeadersPastTheEndOfTheFile() {
        byte[] f = copy();
        le(f).putLong(E_PHOFF, f.length - PH_BYTES / 2);
        assertRejected(f, "program headers outside the file");
    }

    @Test
    void rejectsProgramHeadersAtAnOffsetBeyond4GiB() {
        byte[] f = copy();
        le(f).putLong(E_PHOFF, 1L << 32);
        assertRejected(f, "program headers outside the file");
    }

    @Test
    void rejectsAProgramHeaderOffsetWhoseEndOverflows() {
        // phoff + phnum * 56 wraps around to a negative long, which is "<= file length".
        byte[] f = copy();
        le(f).putLong(E_PHOFF, Long.MAX_VALUE - 50);
        assertRejected(f, "program headers outside the file");
    }

    @Test
    void rejectsASegmentWhoseFileRangeRunsPastTheFile() {
        byte[] f = copy();
        int ph = writableHeader(f);
        ByteBuffer b = le(f);
        long filesz = b.getLong(ph + P_FILESZ);
        assertThat(filesz).as("writable segment has file bytes").isPositive();
        b.putLong(ph + P_OFFSET, f.length - filesz + 1);
        assertRejected(f, "lies outside the file");
    }

    @Test
    void rejectsASegmentWhoseFileOffsetOverflows() {
        byte[] f = copy();
        int ph = writableHeader(f);
        le(f).putLong(ph + P_OFFSET, Long.MAX_VALUE - 4);
        assertRejected(f, "lies outside the file");
    }

    @Test
    void rejectsASegmentWithMemorySizeSmallerThanFileSize() {
        byte[] f = copy();
        int ph = writableHeader(f);
        ByteBuffer b = le(f);
        b.putLong(ph + P_MEMSZ, b.getLong(ph + P_FILESZ) - 1);
        assertRejected(f, "has bad sizes");
    }

    @Test
    void rejectsASegmentAbove4GiB() {
        byte[] f = copy();
        int ph = writableHeader(f);
        le(f).putLong(ph + P_VADDR, 1L << 32);
        assertRejected(f, "lies above 4 GiB");
    }

    @Test
    void rejectsASegmentWhoseEndAddressOverflows() {
        // vaddr + memsz wraps around to a negative long, which is "< 4 GiB".
        byte[] f = copy();
        int ph = writableHeader(f);
        ByteBuffer b = le(f);
        assertThat(b.getLong(ph + P_MEMSZ)).isGreaterThan(0x100);
        b.putLong(ph + P_VADDR, Long.MAX_VALUE - 0xFF);
        assertRejected(f, "lies above 4 GiB");
    }

    @Test
    void rejectsOverlappingSegments() {
        byte[] f = copy();
        ByteBuffer b = le(f);
        int exec = executableHeader(f);
        int data = writableHeader(f);
        b.putLong(data + P_VADDR, b.getLong(exec + P_VADDR) + 0x1000); // inside the code segment
        assertRejected(f, "segments overlap");
    }

    @Test
    void rejectsAnEntryPointInANonExecutableSegment() {
        byte[] f = copy();
        ByteBuffer b = le(f);
        long dataAddress = b.getLong(writableHeader(f) + P_VADDR);
        b.putLong(E_ENTRY, dataAddress);
        assertRejected(f, "entry point 0x" + Long.toHexString(dataAddress) + " is not in an executable segment");
    }

    @Test
    void rejectsAnEntryPointOutsideEverySegment() {
        byte[] f = copy();
        le(f).putLong(E_ENTRY, 0x1000);
        assertRejected(f, "entry point 0x1000 is not in an executable segment");
    }

    @Test
    void rejectsAnEntryPointJustPastTheEndOfTheCodeSegment() {
        byte[] f = copy();
        ByteBuffer b = le(f);
        int exec = executableHeader(f);
        long end = b.getLong(exec + P_VADDR) + b.getLong(exec + P_MEMSZ);
        b.putLong(E_ENTRY, end);
        assertRejected(f, "is not in an executable segment");
    }

    @Test
    void rejectsAFileWithoutLoadableSegments() {
        byte[] f = copy();
        ByteBuffer b = le(f);
        long phoff = b.getLong(E_PHOFF);
        for (int i = 0; i < Short.toUnsignedInt(b.getShort(E_PHNUM)); i++) {
            b.putInt((int) phoff + i * PH_BYTES + P_TYPE, 6); // PT_PHDR
        }
        assertRejected(f, "no loadable segment");
    }

    @Test
    void rejectsSegmentsBelowOneMiB() {
        byte[] f = copy();
        ByteBuffer b = le(f);
        int exec = executableHeader(f);
        long shift = b.getLong(exec + P_VADDR) - 0x10000;
        b.putLong(exec + P_VADDR, 0x10000);
        b.putLong(E_ENTRY, b.getLong(E_ENTRY) - shift); // keep the entry point inside the moved code
        assertRejected(f, "segments must start at or above 1 MiB");
    }

    // ------------------------------------------------------------------ helpers

    private static void assertRejected(byte[] file, String reason) {
        assertThatThrownBy(() -> ElfImage.parse(file))
                .isInstanceOf(ElfFormatException.class)
                .hasMessageStartingWith("invalid guest ELF: ")
                .hasMessageContaining(reason);
    }

    private static byte[] copy() {
        return guest.clone();
    }

    private static ByteBuffer le(byte[] file) {
        return ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static int executableHeader(byte[] f) {
        return loadHeader(f, true);
    }

    private static int writableHeader(byte[] f) {
        return loadHeader(f, false);
    }

    /** Offset of the first PT_LOAD program header that is executable (or writable). */
    private static int loadHeader(byte[] f, boolean executable) {
        ByteBuffer b = le(f);
        int phoff = (int) b.getLong(E_PHOFF);
        for (int i = 0; i < Short.toUnsignedInt(b.getShort(E_PHNUM)); i++) {
            int at = phoff + i * PH_BYTES;
            int flags = b.getInt(at + P_FLAGS);
            if (b.getInt(at + P_TYPE) == PT_LOAD && (executable ? (flags & PF_X) != 0 : (flags & PF_W) != 0)) {
                return at;
            }
        }
        throw new AssertionError("the packaged guest has no " + (executable ? "executable" : "writable") + " PT_LOAD segment");
    }
}
