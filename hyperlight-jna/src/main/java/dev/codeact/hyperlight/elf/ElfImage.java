package dev.codeact.hyperlight.elf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A static x86-64 ELF executable reduced to what the loader needs: the entry point and the loadable
 * segments. Every header field is checked against the file, so a corrupt image fails here, not in the VM.
 */
public record ElfImage(long entryPoint, List<Segment> segments, Map<String, Long> symbols) {
    private static final int ET_EXEC = 2;
    private static final int EM_X86_64 = 62;
    private static final int PT_LOAD = 1;
    private static final int PF_X = 1;
    private static final int PF_W = 2;
    private static final int PROGRAM_HEADER_BYTES = 56;
    private static final int MAX_PROGRAM_HEADERS = 64;
    private static final int SECTION_HEADER_BYTES = 64;
    private static final int SYMBOL_BYTES = 24;
    private static final int SHT_SYMTAB = 2;
    private static final int STB_GLOBAL = 1;

    /**
     * One PT_LOAD segment: {@code fileBytes} copied to {@code address}, zero-filled up to {@code memoryBytes}.
     */
    public record Segment(long address, long memoryBytes, byte[] fileBytes, boolean writable, boolean executable) {
        public long end() {
            return address + memoryBytes;
        }
    }

    public static ElfImage parse(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        require(file.length >= 64, "file shorter than an ELF header");
        require(b.getInt(0) == 0x464C457F, "not an ELF file");
        require(file[4] == 2 && file[5] == 1, "not a 64-bit little-endian ELF");
        require(b.getShort(16) == ET_EXEC, "not a static executable (ET_EXEC)");
        require(b.getShort(18) == EM_X86_64, "not an x86-64 executable");
        long entry = b.getLong(24);
        long phoff = b.getLong(32);
        int phentsize = Short.toUnsignedInt(b.getShort(54));
        int phnum = Short.toUnsignedInt(b.getShort(56));
        require(phentsize == PROGRAM_HEADER_BYTES, "unexpected program header size " + phentsize);
        require(phnum > 0 && phnum <= MAX_PROGRAM_HEADERS, "program header count " + phnum + " out of range");
        // compare by subtraction: guest-controlled sums could overflow
        require(phoff > 0 && phoff <= file.length - (long) phnum * phentsize, "program headers outside the file");
        List<Segment> segments = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            int at = (int) phoff + i * phentsize;
            if (b.getInt(at) != PT_LOAD) {
                continue;
            }
            int flags = b.getInt(at + 4);
            long offset = b.getLong(at + 8);
            long vaddr = b.getLong(at + 16);
            long filesz = b.getLong(at + 32);
            long memsz = b.getLong(at + 40);
            require(filesz >= 0 && memsz >= filesz && memsz < (1L << 32), "segment " + i + " has bad sizes");
            require(offset >= 0 && offset <= file.length - filesz, "segment " + i + " lies outside the file");
            require(vaddr >= 0 && vaddr < (1L << 32) - memsz, "segment " + i + " lies above 4 GiB");
            byte[] bytes = new byte[(int) filesz];
            System.arraycopy(file, (int) offset, bytes, 0, (int) filesz);
            segments.add(new Segment(vaddr, memsz, bytes, (flags & PF_W) != 0, (flags & PF_X) != 0));
        }
        require(!segments.isEmpty(), "no loadable segment");
        segments.sort((x, y) -> Long.compare(x.address(), y.address()));
        for (int i = 1; i < segments.size(); i++) {
            require(segments.get(i - 1).end() <= segments.get(i).address(), "segments overlap");
        }
        Segment first = segments.get(0);
        require(segments.stream().anyMatch(s -> s.executable() && entry >= s.address() && entry < s.end()),
                "entry point 0x" + Long.toHexString(entry) + " is not in an executable segment");
        require(first.address() >= 0x100000, "segments must start at or above 1 MiB");
        return new ElfImage(entry, List.copyOf(segments), Map.copyOf(globalSymbols(b, file.length)));
    }

    /** The address of a global symbol, if the image has a symbol table that names it. */
    public OptionalLong symbol(String name) {
        Long value = symbols.get(name);
        return value == null ? OptionalLong.empty() : OptionalLong.of(value);
    }

    /** Global symbols from the first SHT_SYMTAB section; an image without one (stripped) has none. */
    private static Map<String, Long> globalSymbols(ByteBuffer b, int fileLength) {
        Map<String, Long> symbols = new HashMap<>();
        long shoff = b.getLong(40);
        int shentsize = Short.toUnsignedInt(b.getShort(58));
        int shnum = Short.toUnsignedInt(b.getShort(60));
        if (shoff == 0 || shnum == 0) {
            return symbols;
        }
        require(shentsize == SECTION_HEADER_BYTES, "unexpected section header size " + shentsize);
        require(shoff > 0 && shoff <= fileLength - (long) shnum * shentsize, "section headers outside the file");
        for (int i = 0; i < shnum; i++) {
            int at = (int) shoff + i * shentsize;
            if (b.getInt(at + 4) != SHT_SYMTAB) {
                continue;
            }
            long offset = b.getLong(at + 24);
            long size = b.getLong(at + 32);
            int link = b.getInt(at + 40);
            require(offset >= 0 && size >= 0 && offset <= fileLength - size, "symbol table outside the file");
            require(link > 0 && link < shnum, "symbol table names no string table");
            int strAt = (int) shoff + link * shentsize;
            long strOffset = b.getLong(strAt + 24);
            long strSize = b.getLong(strAt + 32);
            require(strOffset >= 0 && strSize >= 0 && strOffset <= fileLength - strSize, "string table outside the file");
            for (long s = offset; s + SYMBOL_BYTES <= offset + size; s += SYMBOL_BYTES) {
                int nameOffset = b.getInt((int) s);
                int binding = (b.get((int) s + 4) & 0xFF) >> 4;
                if (binding != STB_GLOBAL || nameOffset <= 0 || nameOffset >= strSize) {
                    continue;
                }
                int start = (int) (strOffset + nameOffset);
                int end = start;
                while (end < strOffset + strSize && b.get(end) != 0) {
                    end++;
                }
                symbols.put(new String(b.array(), start, end - start, java.nio.charset.StandardCharsets.US_ASCII), b.getLong((int) s + 8));
            }
            break;
        }
        return symbols;
    }

    public long imageEnd() {
        return segments.get(segments.size() - 1).end();
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new ElfFormatException(message);
        }
    }
}
