package dev.codeact.hyperlight.elf;

/** The guest image is not an ELF the loader accepts. */
public final class ElfFormatException extends RuntimeException {
    public ElfFormatException(String message) {
        super("invalid guest ELF: " + message);
    }
}
