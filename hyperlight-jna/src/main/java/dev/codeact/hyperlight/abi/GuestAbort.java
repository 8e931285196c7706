package dev.codeact.hyperlight.abi;

/** What the guest's ABORT exit means: its code ({@code HL_ABORT_*} in hostabi.h, {@code Mailbox.ABORT_*}) in words. */
public final class GuestAbort {
    private GuestAbort() {
    }

    /** The reason for {@code code}, or "unknown abort code N" for one the ABI does not define. */
    public static String reason(int code) {
        return switch (code) {
            case Mailbox.ABORT_ASSERT -> "an assertion failed in the guest";
            case Mailbox.ABORT_OUT_OF_MEMORY -> "the guest ran out of memory";
            case Mailbox.ABORT_BAD_COMMAND -> "the guest refused the command (wrong ABI version or state)";
            case Mailbox.ABORT_BOOT_FAILED -> "the guest's language runtime failed to boot";
            default -> "unknown abort code " + Integer.toUnsignedString(code);
        };
    }

    /** The text of a guest crash for an abort with {@code code} and the guest's own {@code message}. */
    public static String describe(int code, String message) {
        return "the guest aborted (" + reason(code) + "): " + message;
    }
}
