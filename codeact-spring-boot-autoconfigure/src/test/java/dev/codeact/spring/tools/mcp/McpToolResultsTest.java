package dev.codeact.spring.tools.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema.AudioContent;
import io.modelcontextprotocol.spec.McpSchema.BlobResourceContents;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.EmbeddedResource;
import io.modelcontextprotocol.spec.McpSchema.ImageContent;
import io.modelcontextprotocol.spec.McpSchema.ResourceLink;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.TextResourceContents;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The conversion of real {@link CallToolResult}s, built with the SDK or read from the JSON a server sends. */
class McpToolResultsTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** What @modelcontextprotocol/server-memory answers to search_nodes: the data twice, as text and structured. */
    private static final String SEARCH_NODES_RESULT = """
            {"content":[{"type":"text","text":"{\\n  \\"entities\\": [\\n    {\\n      \\"name\\": \\"git\\",\\n      \
            \\"entityType\\": \\"tool\\",\\n      \\"observations\\": []\\n    }\\n  ],\\n  \\"relations\\": []\\n}"}],
             "structuredContent":{"entities":[{"name":"git","entityType":"tool","observations":[]}],"relations":[]}}""";

    @Test
    void structuredContentIsTheValue() throws IOException {
        CallToolResult wire = McpJsonDefaults.getMapper().readValue(SEARCH_NODES_RESULT, CallToolResult.class);
        assertThat(json(wire)).isEqualTo(JSON.readTree(
                "{\"entities\":[{\"name\":\"git\",\"entityType\":\"tool\",\"observations\":[]}],\"relations\":[]}"));

        CallToolResult differing = CallToolResult.builder().addTextContent("Found 1 order.")
                .structuredContent(Map.of("orders", List.of(Map.of("id", 7)))).build();
        assertThat(json(differing)).isEqualTo(JSON.readTree("{\"orders\":[{\"id\":7}]}"));
    }

    @Test
    void withoutStructuredContentAJsonTextIsParsedAndAnyOtherTextStaysText() {
        assertThat(json(text("{\"a\": [1, 2], \"b\": null}"))).isEqualTo(JSON.readTree("{\"a\":[1,2],\"b\":null}"));
        assertThat(json(text("[1, \"two\"]"))).isEqualTo(JSON.readTree("[1,\"two\"]"));
        assertThat(json(text("42"))).isEqualTo(JSON.readTree("42"));
        assertThat(json(text("Created 3 entities"))).isEqualTo(JSON.readTree("\"Created 3 entities\""));
        assertThat(json(text("1 2"))).as("two JSON values are not one").isEqualTo(JSON.readTree("\"1 2\""));
        assertThat(json(text("{\"a\": 1} trailing"))).isEqualTo(JSON.readTree("\"{\\\"a\\\": 1} trailing\""));
        assertThat(json(text(""))).isEqualTo(JSON.readTree("\"\""));
        assertThat(json(text("  "))).isEqualTo(JSON.readTree("\"  \""));
    }

    @Test
    void severalItemsAreAnArrayAndNoneIsNull() {
        CallToolResult result = CallToolResult.builder().addTextContent("{\"id\": 1}").addTextContent("done").build();
        assertThat(json(result)).isEqualTo(JSON.readTree("[{\"id\":1},\"done\"]"));
        assertThat(McpToolResults.toJson(CallToolResult.builder().build())).isEqualTo("null");
    }

    @Test
    void imagesAudioAndResourcesAreDescribedNotCopied() {
        byte[] png = new byte[1000];
        byte[] wav = new byte[2];
        byte[] pdf = new byte[4];
        String png64 = Base64.getEncoder().encodeToString(png);
        CallToolResult result = CallToolResult.builder()
                .addContent(new ImageContent(null, png64, "image/png", null))
                .addContent(new AudioContent(null, Base64.getEncoder().encodeToString(wav), "audio/wav", null))
                .addContent(new EmbeddedResource(null,
                        new TextResourceContents("memory://graph", "application/json", "{\"é\":1}", null), null))
                .addContent(new EmbeddedResource(null,
                        new BlobResourceContents("file:///r.pdf", "application/pdf",
                                Base64.getEncoder().withoutPadding().encodeToString(pdf), null), null))
                .addContent(ResourceLink.builder().uri("file:///big.csv").name("big.csv").mimeType("text/csv")
                        .size(5_000_000L).build())
                .build();

        String json = McpToolResults.toJson(result);

        assertThat(JSON.readTree(json)).isEqualTo(JSON.readTree("""
                [{"type":"image","mimeType":"image/png","size":1000},
                 {"type":"audio","mimeType":"audio/wav","size":2},
                 {"type":"resource","uri":"memory://graph","mimeType":"application/json","size":%d},
                 {"type":"resource","uri":"file:///r.pdf","mimeType":"application/pdf","size":4},
                 {"type":"resource_link","uri":"file:///big.csv","name":"big.csv","mimeType":"text/csv","size":5000000}]
                """.formatted("{\"é\":1}".getBytes(StandardCharsets.UTF_8).length)));
        assertThat(json).doesNotContain(png64.substring(0, 40));
    }

    @Test
    void anErrorResultIsTheServersMessageEvenWithStructuredContent() throws IOException {
        CallToolResult wire = McpJsonDefaults.getMapper().readValue(
                "{\"content\":[{\"type\":\"text\",\"text\":\"Entity with name nobody not found\"}],\"isError\":true}",
                CallToolResult.class);
        assertThatThrownBy(() -> McpToolResults.toJson(wire)).isInstanceOf(McpToolResults.ToolReportedError.class)
                .hasMessage("Entity with name nobody not found");

        CallToolResult both = CallToolResult.builder().isError(true).addTextContent("rate limited")
                .addTextContent("retry in 30 s").structuredContent(Map.of("retryAfter", 30)).build();
        assertThatThrownBy(() -> McpToolResults.toJson(both)).hasMessage("rate limited\nretry in 30 s");

        CallToolResult structuredOnly = CallToolResult.builder().isError(true)
                .structuredContent(Map.of("code", "RATE_LIMITED")).build();
        assertThatThrownBy(() -> McpToolResults.toJson(structuredOnly)).hasMessage("{\"code\":\"RATE_LIMITED\"}");

        assertThatThrownBy(() -> McpToolResults.toJson(CallToolResult.builder().isError(true).build()))
                .hasMessage("the MCP server reported an error without a message");
    }

    @Test
    void isErrorFalseOrAbsentIsASuccess() throws IOException {
        assertThat(json(CallToolResult.builder().isError(false).addTextContent("ok").build()))
                .isEqualTo(JSON.readTree("\"ok\""));
        CallToolResult noFlag = McpJsonDefaults.getMapper().readValue(
                "{\"content\":[{\"type\":\"text\",\"text\":\"ok\"}]}", CallToolResult.class);
        assertThat(noFlag.isError()).isNull();
        assertThat(json(noFlag)).isEqualTo(JSON.readTree("\"ok\""));
    }

    private static CallToolResult text(String text) {
        return CallToolResult.builder().content(List.of(new TextContent(null, text, null))).build();
    }

    private static JsonNode json(CallToolResult result) {
        return JSON.readTree(McpToolResults.toJson(result));
    }
}
