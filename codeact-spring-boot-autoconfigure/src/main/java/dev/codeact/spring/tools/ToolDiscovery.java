package dev.codeact.spring.tools;

/**
 * How the model learns the tools: all declared in the instructions, or an index in the instructions and the
 * declarations found on demand by programs ({@code search_tools}, {@code describe_tool}).
 *
 * @param mode all, search, or auto (search when the declarations would pass {@code thresholdBytes})
 * @param thresholdBytes size of the full declarations above which auto searches
 */
public record ToolDiscovery(Mode mode, long thresholdBytes) {
    public static final long DEFAULT_THRESHOLD_BYTES = 12 * 1024;
    /** What the index in the instructions may take; first sentences are shortened to keep to it. */
    public static final int INDEX_BUDGET_BYTES = 12 * 1024;

    public enum Mode { ALL, SEARCH, AUTO }

    public ToolDiscovery {
        if (thresholdBytes < 0) {
            throw new IllegalArgumentException("codeact.tools.discovery-threshold must not be negative, was " + thresholdBytes);
        }
    }

    public static ToolDiscovery declareAll() {
        return new ToolDiscovery(Mode.ALL, DEFAULT_THRESHOLD_BYTES);
    }

    /** Whether a request whose tools' declarations take {@code declarationBytes} declares them all. */
    public boolean declaresAll(long declarationBytes) {
        return mode == Mode.ALL || mode == Mode.AUTO && declarationBytes <= thresholdBytes;
    }
}
