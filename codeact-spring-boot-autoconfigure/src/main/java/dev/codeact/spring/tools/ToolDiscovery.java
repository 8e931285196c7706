package dev.codeact.spring.tools;

/**
 * How the model learns the tools: all declared in the instructions, or an index in the instructions and the
 * declarations found on demand by programs ({@code search_tools}, {@code describe_tool}).
 *
 * @param mode all; search (every tool indexed); or auto: every tool declared while all the declarations fit in
 *     {@code thresholdBytes}; past it, the first tools in the catalog's order (the application's {@code @Tool} methods
 *     first, then its other callbacks, then a request's own) declared within a quarter of it, and the rest indexed
 * @param thresholdBytes the size of the declarations above which auto indexes
 */
public record ToolDiscovery(Mode mode, long thresholdBytes) {
    public static final long DEFAULT_THRESHOLD_BYTES = 12 * 1024;
    /** What the index in the instructions may take; first sentences are shortened to keep to it. */
    public static final int INDEX_BUDGET_BYTES = 12 * 1024;

    public enum Mode { ALL, SEARCH, AUTO }

    public ToolDiscovery {
        if (thresholdBytes < 0) {
            throw new dev.codeact.spring.config.InvalidPropertyException("codeact.tools.discovery-threshold",
                    thresholdBytes + "B", "must not be negative", "Set codeact.tools.discovery-threshold to a size such as 12KB.");
        }
    }

    public static ToolDiscovery declareAll() {
        return new ToolDiscovery(Mode.ALL, DEFAULT_THRESHOLD_BYTES);
    }

    /** How many of the tools, whose declarations take {@code declarationBytes} each in order, are declared in full. */
    public int declaredCount(int[] declarationBytes) {
        if (mode == Mode.ALL) {
            return declarationBytes.length;
        }
        if (mode == Mode.SEARCH) {
            return 0;
        }
        long total = 0;
        for (int bytes : declarationBytes) {
            total += bytes;
        }
        if (total <= thresholdBytes) {
            return declarationBytes.length;
        }
        long spent = 0;
        for (int i = 0; i < declarationBytes.length; i++) {
            spent += declarationBytes[i];
            if (spent > thresholdBytes / 4) {
                return i;
            }
        }
        return declarationBytes.length;
    }
}
