package dev.codeact.spring.json;

import dev.codeact.hyperlight.JsonNesting;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one {@link JsonMapper} of the CodeAct layer (tools, policies, advisor). Every class used to build its own
 * default mapper; none configured anything, so one shared, thread-safe instance serves them all. Its nesting limit
 * is stated rather than left to Jackson's default: what crosses the sandbox boundary (tool arguments and results,
 * returned values) may nest {@link JsonNesting#MAX_DEPTH} levels, and everything here must parse what the guest may
 * send. (The envelope mapper in hyperlight-jna allows one level more, for the envelope object around it.)
 */
public final class CodeActJson {
    public static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(JsonNesting.MAX_DEPTH).build())
                    .build())
            .build();

    private CodeActJson() {
    }
}
