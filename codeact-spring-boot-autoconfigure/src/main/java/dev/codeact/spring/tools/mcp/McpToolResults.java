package dev.codeact.spring.tools.mcp;

import dev.codeact.spring.json.CodeActJson;
import io.modelcontextprotocol.spec.McpSchema.AudioContent;
import io.modelcontextprotocol.spec.McpSchema.BlobResourceContents;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Content;
import io.modelcontextprotocol.spec.McpSchema.EmbeddedResource;
import io.modelcontextprotocol.spec.McpSchema.ImageContent;
import io.modelcontextprotocol.spec.McpSchema.ResourceContents;
import io.modelcontextprotocol.spec.McpSchema.ResourceLink;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.TextResourceContents;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An MCP tool's {@link CallToolResult} as the value a program gets from {@code call_tool}: the structured content
 * when there is one (what the tool's outputSchema describes); otherwise the content, each text parsed as JSON when
 * it is JSON, one item as itself and several as an array; images, audio and resources as a small description
 * (type, MIME type, size), never their bytes. A result with {@code isError} is the server's message instead.
 */
public final class McpToolResults {
    private static final JsonMapper JSON = CodeActJson.MAPPER;
    private static final ObjectReader STRICT = JSON.readerFor(JsonNode.class)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private McpToolResults() {
    }

    /** The server answered {@code isError}: the tool ran and failed; the message is the server's. */
    public static final class ToolReportedError extends RuntimeException {
        ToolReportedError(String message) {
            super(message);
        }
    }

    /**
     * The result as JSON text.
     *
     * @throws ToolReportedError when the result has {@code isError}
     */
    public static String toJson(CallToolResult result) {
        return JSON.writeValueAsString(value(result));
    }

    private static JsonNode value(CallToolResult result) {
        if (Boolean.TRUE.equals(result.isError())) {
            // the error's text wins over any structured content: a program must not mistake a failure for data
            throw new ToolReportedError(errorMessage(result));
        }
        if (result.structuredContent() != null) {
            return JSON.valueToTree(result.structuredContent());
        }
        List<Content> content = result.content() == null ? List.of() : result.content();
        if (content.size() <= 1) {
            return content.isEmpty() ? JSON.nullNode() : item(content.get(0));
        }
        ArrayNode items = JSON.createArrayNode();
        content.forEach(c -> items.add(item(c)));
        return items;
    }

    /** The message of a result with {@code isError}: its texts, else its structured content, else a generic one. */
    private static String errorMessage(CallToolResult result) {
        List<String> texts = new ArrayList<>();
        if (result.content() != null) {
            result.content().stream().filter(TextContent.class::isInstance).map(c -> ((TextContent) c).text())
                    .filter(t -> !t.isBlank()).forEach(texts::add);
        }
        if (!texts.isEmpty()) {
            return String.join("\n", texts);
        }
        return result.structuredContent() != null ? JSON.writeValueAsString(result.structuredContent())
                : "the MCP server reported an error without a message";
    }

    private static JsonNode item(Content content) {
        if (content instanceof TextContent text) {
            return textValue(text.text());
        }
        if (content instanceof ImageContent image) {
            return binary("image", image.mimeType(), image.data());
        }
        if (content instanceof AudioContent audio) {
            return binary("audio", audio.mimeType(), audio.data());
        }
        if (content instanceof EmbeddedResource embedded) {
            ResourceContents resource = embedded.resource();
            ObjectNode node = JSON.createObjectNode().put("type", "resource").put("uri", resource.uri())
                    .put("mimeType", resource.mimeType());
            if (resource instanceof TextResourceContents text) {
                node.put("size", text.text().getBytes(StandardCharsets.UTF_8).length);
            } else if (resource instanceof BlobResourceContents blob) {
                node.put("size", base64Size(blob.blob()));
            }
            return node;
        }
        if (content instanceof ResourceLink link) {
            ObjectNode node = JSON.createObjectNode().put("type", "resource_link").put("uri", link.uri())
                    .put("name", link.name()).put("mimeType", link.mimeType());
            return link.size() == null ? node : node.put("size", link.size());
        }
        return JSON.createObjectNode().put("type", content.type());
    }

    /** A text that is one JSON value is that value (servers without structured content serialise their data so). */
    private static JsonNode textValue(String text) {
        try {
            JsonNode parsed = text.isBlank() ? null : STRICT.readValue(text);
            return parsed == null || parsed.isMissingNode() ? JSON.getNodeFactory().stringNode(text) : parsed;
        } catch (JacksonException e) {
            return JSON.getNodeFactory().stringNode(text);
        }
    }

    private static ObjectNode binary(String type, String mimeType, String base64) {
        return JSON.createObjectNode().put("type", type).put("mimeType", mimeType).put("size", base64Size(base64));
    }

    /** The decoded length of base64 text, without decoding it. */
    private static long base64Size(String base64) {
        if (base64 == null) {
            return 0;
        }
        int end = base64.length();
        while (end > 0 && base64.charAt(end - 1) == '=') {
            end--;
        }
        return (long) end * 3 / 4;
    }
}
