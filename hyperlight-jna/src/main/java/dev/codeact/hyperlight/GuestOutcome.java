package dev.codeact.hyperlight;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The outcome JSON the guest writes at DONE: {@code {"ok":true,"result":...}} or {@code {"ok":false,"type":...,
 * "name":...,"message":...,"stack":...}}, with the types of hostabi.h ({@link GuestStrings}). {@code interrupted} is
 * true when the guest stopped because the host asked it to; the host then knows which limit that was.
 */
public record GuestOutcome(String resultJson, ExecutionError error, boolean interrupted) {
    private static final JsonMapper JSON = JsonNesting.ENVELOPE_MAPPER;

    /**
     * Decodes the outcome the guest wrote. Its types are hostabi.h's, whatever words the caller's reports use: an
     * uncaught host-function failure is {@link GuestStrings#OUTCOME_TYPE_HOST_FUNCTION_ERROR} on the wire and
     * {@link ErrorType#HOST_FUNCTION_ERROR} here.
     */
    public static GuestOutcome decode(byte[] copy) throws GuestProtocolException {
        String json = HostCallRequest.decodeUtf8(copy, "outcome");
        int depth = JsonNesting.depth(json) - 1;
        if (depth > JsonNesting.MAX_DEPTH) {
            // only a result nests that deep: the rest of the outcome is flat
            return new GuestOutcome(null, new ExecutionError(ErrorType.RUNTIME,
                    GuestStrings.ERROR_NAME_RANGE + ": " + JsonNesting.tooDeep("the returned value", depth),
                    GuestStrings.ERROR_NAME_RANGE, null), false);
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JacksonException e) {
            throw new GuestProtocolException("outcome is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject() || !root.path("ok").isBoolean()) {
            throw new GuestProtocolException("outcome must be an object with a boolean 'ok'");
        }
        if (root.get("ok").asBoolean()) {
            JsonNode result = root.get("result");
            return new GuestOutcome(result == null ? "null" : JSON.writeValueAsString(result), null, false);
        }
        String type = root.path("type").asString("");
        String message = root.path("message").asString("");
        String name = root.path("name").isString() ? root.get("name").asString() : null;
        String stack = root.path("stack").isString() ? root.get("stack").asString() : null;
        if (type.equals(GuestStrings.OUTCOME_TYPE_INTERRUPTED)) {
            return new GuestOutcome(null, null, true);
        }
        ErrorType errorType = switch (type) {
            case GuestStrings.OUTCOME_TYPE_SYNTAX -> ErrorType.SYNTAX;
            case GuestStrings.OUTCOME_TYPE_RUNTIME -> ErrorType.RUNTIME;
            case GuestStrings.OUTCOME_TYPE_OUT_OF_MEMORY -> ErrorType.OUT_OF_MEMORY;
            case GuestStrings.OUTCOME_TYPE_STACK_OVERFLOW -> ErrorType.STACK_OVERFLOW;
            case GuestStrings.OUTCOME_TYPE_HOST_FUNCTION_ERROR -> ErrorType.HOST_FUNCTION_ERROR;
            case GuestStrings.OUTCOME_TYPE_OUTPUT_LIMIT -> ErrorType.OUTPUT_LIMIT;
            default -> throw new GuestProtocolException("outcome has unknown error type '" + type + "'");
        };
        // an exception without a message (Python's `raise KeyError`) is described by its name
        String text = message.isEmpty() ? (name != null ? name : type) : name != null ? name + ": " + message : message;
        return new GuestOutcome(null, new ExecutionError(errorType, text, name, stack), false);
    }
}
