package dev.codeact.hyperlight.abi;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A host-call request decoded from bytes the guest wrote: strict UTF-8, then {@code {"name": string,
 * "args": any}}. The bytes are a private copy, so the guest cannot change them while they are parsed.
 */
public record HostCallRequest(String name, String argumentsJson) {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    public static HostCallRequest decode(byte[] copy) throws GuestProtocolException {
        String text = decodeUtf8(copy, "host-call request");
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
        return new HostCallRequest(root.get("name").asString(), args == null ? "{}" : JSON.writeValueAsString(args));
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
