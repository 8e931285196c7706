package dev.codeact.hyperlight;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A host-call request decoded from bytes the guest wrote: strict UTF-8, then {@code {"name": string,
 * "args": any}}. The bytes are a private copy, so the guest cannot change them while they are parsed. Arguments
 * nested deeper than {@link JsonNesting#MAX_DEPTH} are not parsed: {@code argumentsDepth} says how deep they are,
 * and the call fails as the program's error.
 */
public record HostCallRequest(String name, String argumentsJson, int argumentsDepth) {
    private static final JsonMapper JSON = JsonNesting.ENVELOPE_MAPPER;

    public static HostCallRequest decode(byte[] copy) throws GuestProtocolException {
        String text = decodeUtf8(copy, "host-call request");
        int depth = JsonNesting.depth(text) - 1;
        if (depth > JsonNesting.MAX_DEPTH) {
            return new HostCallRequest(nameOf(text), null, depth);
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JacksonException e) {
            throw new GuestProtocolException("host-call request is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject() || !root.path("name").isString()) {
            throw new GuestProtocolException("host-call request must be an object with a string 'name'");
        }
        JsonNode args = root.get("args");
        return new HostCallRequest(root.get("name").asString(), args == null ? "{}" : JSON.writeValueAsString(args),
                Math.max(depth, 0));
    }

    /** The name of a request too deep to parse whole: the envelope's first field, as the sandboxes write it. */
    private static String nameOf(String text) throws GuestProtocolException {
        try (tools.jackson.core.JsonParser parser = JSON.createParser(text)) {
            if (parser.nextToken() == tools.jackson.core.JsonToken.START_OBJECT
                    && parser.nextToken() == tools.jackson.core.JsonToken.PROPERTY_NAME && "name".equals(parser.currentName())
                    && parser.nextToken() == tools.jackson.core.JsonToken.VALUE_STRING) {
                return parser.getString();
            }
        } catch (JacksonException e) {
            throw new GuestProtocolException("host-call request is not valid JSON: " + e.getOriginalMessage());
        }
        throw new GuestProtocolException("host-call request must be an object with a string 'name' first");
    }

    public static String decodeUtf8(byte[] bytes, String what) throws GuestProtocolException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new GuestProtocolException(what + " is not valid UTF-8");
        }
    }
}
