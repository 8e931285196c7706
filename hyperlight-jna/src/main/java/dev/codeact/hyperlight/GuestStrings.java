package dev.codeact.hyperlight;

/**
 * The strings the guest and the host agree on, mirrored from the strings section of src-guest/platform/hostabi.h
 * ({@code HL_<name>}, character for character; {@code HostAbiParityTest} checks it): the outcome's error types, the
 * error names sandboxes give, the outcomes the guest writes without its engine, and the wording of the size limits a
 * sandbox enforces before the host sees a request or an outcome. Every backend words these the same way from here.
 * They are the guest's own words, so this is the one file of the library that says "tool" (the QuickJS runtime
 * offers host functions to programs as tools); everything else speaks of host functions.
 */
public final class GuestStrings {
    private GuestStrings() {
    }

    public static final String OUTCOME_TYPE_SYNTAX = "SYNTAX";
    public static final String OUTCOME_TYPE_RUNTIME = "RUNTIME";
    public static final String OUTCOME_TYPE_OUT_OF_MEMORY = "OUT_OF_MEMORY";
    public static final String OUTCOME_TYPE_STACK_OVERFLOW = "STACK_OVERFLOW";
    public static final String OUTCOME_TYPE_HOST_FUNCTION_ERROR = "TOOL_ERROR";
    public static final String OUTCOME_TYPE_OUTPUT_LIMIT = "OUTPUT_LIMIT";
    public static final String OUTCOME_TYPE_INTERRUPTED = "INTERRUPTED";

    /**
     * How the guest's program-facing API names host functions ({@code call_tool}, {@code ToolError}, an uncaught one
     * is {@link #OUTCOME_TYPE_HOST_FUNCTION_ERROR}), and so how everything said about them reads: the {@code codeact} command
     * and the Spring layer pass it with their functions; the library itself speaks of host functions.
     */
    public static final HostCallWording HOST_CALL_WORDING = new HostCallWording("tool", OUTCOME_TYPE_HOST_FUNCTION_ERROR, "toolCalls");

    /** The error a failed host call throws in the program. */
    public static final String ERROR_NAME_HOST_FUNCTION = "ToolError";
    /** The engine's own failure. */
    public static final String ERROR_NAME_INTERNAL = "InternalError";
    /** A limit the program ran into. */
    public static final String ERROR_NAME_RANGE = "RangeError";

    public static final String OUTCOME_BOOTED = "{\"ok\":true,\"result\":null}";
    public static final String OUTCOME_INTERRUPTED = "{\"ok\":false,\"type\":\"" + OUTCOME_TYPE_INTERRUPTED + "\"}";
    public static final String OUTCOME_ENCODE_FAILED = "{\"ok\":false,\"type\":\"" + OUTCOME_TYPE_RUNTIME + "\",\"name\":\""
            + ERROR_NAME_INTERNAL + "\",\"message\":\"the outcome could not be encoded\"}";
    /** A printf format, as in C: %zu the size, %u the limit; {@link #format} fills it in. */
    public static final String MESSAGE_RESULT_TOO_LARGE = "the result is %zu bytes of JSON, the limit is %u bytes";
    public static final String OUTCOME_RESULT_TOO_LARGE = "{\"ok\":false,\"type\":\"" + OUTCOME_TYPE_OUTPUT_LIMIT
            + "\",\"name\":\"" + ERROR_NAME_RANGE + "\",\"message\":\"" + MESSAGE_RESULT_TOO_LARGE + "\"}";
    /** The reply to a host call whose request is larger than the limit, refused before it reaches the host. */
    public static final String MESSAGE_REQUEST_TOO_LARGE = "tool arguments too large: %zu bytes of JSON, the limit is %u bytes";

    /** The outcome of a result of {@code bytes} bytes of JSON, past the {@code limitBytes} an outcome may have. */
    public static String resultTooLarge(long bytes, long limitBytes) {
        return format(OUTCOME_RESULT_TOO_LARGE, bytes, limitBytes);
    }

    /** The error of a host call whose request is {@code bytes} bytes of JSON, past {@code limitBytes}. */
    public static String requestTooLarge(long bytes, long limitBytes) {
        return format(MESSAGE_REQUEST_TOO_LARGE, bytes, limitBytes);
    }

    /** Fills in one of the formats above as the guest's snprintf does: %zu the size, %u the limit. */
    static String format(String cFormat, long size, long limit) {
        return cFormat.replace("%zu", Long.toString(size)).replace("%u", Long.toString(limit));
    }
}
