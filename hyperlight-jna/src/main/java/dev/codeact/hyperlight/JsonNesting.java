package dev.codeact.hyperlight;

import tools.jackson.core.StreamReadConstraints;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one nesting limit every sandbox and the host agree on for JSON crossing between them: a host call's arguments,
 * a host function's result and a program's returned value may nest arrays and objects at most {@link #MAX_DEPTH}
 * deep. Past it, arguments and results fail as the program's catchable host-call error and a returned value as a
 * RUNTIME error, each saying so, rather than reaching a parser that refuses them (Jackson's own default is the same
 * 500 levels, so what passes here also passes the host functions' own parsing).
 */
public final class JsonNesting {
    public static final int MAX_DEPTH = 500;
    /** For parsing what the guest wraps in one envelope object ({@code {name, args}}, {@code {ok, result}}). */
    public static final JsonMapper ENVELOPE_MAPPER = JsonMapper.builder(
            tools.jackson.core.json.JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH + 1).build())
                    .build())
            .build();

    private JsonNesting() {
    }

    /** How deep arrays and objects nest in a JSON text; brackets inside strings do not count. */
    public static int depth(CharSequence json) {
        int depth = 0, deepest = 0;
        boolean inString = false;
        for (int i = 0, n = json.length(); i < n; i++) {
            char c = json.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '[' || c == '{') {
                deepest = Math.max(deepest, ++depth);
            } else if (c == ']' || c == '}') {
                depth--;
            }
        }
        return deepest;
    }

    /** The message for JSON nested deeper than the limit, {@code where} saying whose it is. */
    public static String tooDeep(String where, int depth) {
        return "JSON nested " + depth + " levels deep in " + where + "; the limit is " + MAX_DEPTH + " levels";
    }
}
