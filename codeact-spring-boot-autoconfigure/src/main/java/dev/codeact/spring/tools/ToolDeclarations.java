package dev.codeact.spring.tools;

import dev.codeact.spring.json.CodeActJson;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;
import org.springframework.ai.util.json.schema.JsonSchemaGenerator;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Renders tools as TypeScript-style {@code call_tool} overloads, one per tool, with the description and
 * parameter docs from the tool's JSON schema and, where known, the shape of what it returns: a JSON schema, that of
 * an MCP tool's {@code outputSchema} or the one generated from a {@code @Tool} method's Java return type:
 *
 * <pre>
 * /** Find a customer by id. *&#47;
 * declare function call_tool(name: "find_customer", args: {
 *   /** the customer's id *&#47;
 *   id: number;
 * }): { id: number; name: string; email: string };
 * </pre>
 */
public final class ToolDeclarations {
    private static final JsonMapper JSON = CodeActJson.MAPPER;
    private static final int MAX_DEPTH = 6;
    /** What Spring AI hands back for a void {@code @Tool} method: a confirmation text. */
    private static final String VOID_SCHEMA = "{\"type\":\"string\"}";

    private ToolDeclarations() {
    }

    /** The declarations of {@code tools}, their return shapes from Java return types by tool name. */
    public static String render(Collection<ToolCallback> tools, Map<String, Type> returnTypes) {
        List<String> declarations = new ArrayList<>();
        for (ToolCallback tool : tools) {
            declarations.add(declaration(tool, returnSchema(returnTypes.get(tool.getToolDefinition().name()))));
        }
        return String.join("\n", declarations);
    }

    /**
     * The declaration of one tool, ending in a newline.
     *
     * @param returnSchema the JSON schema of what the tool returns, or null where unknown ({@code any})
     */
    public static String declaration(ToolCallback tool, String returnSchema) {
        ToolDefinition d = tool.getToolDefinition();
        StringBuilder out = new StringBuilder();
        appendDoc(out, "", d.description());
        out.append("declare function call_tool(name: ").append(JSON.writeValueAsString(d.name())).append(", args: ");
        out.append(argumentsBlock(parse(d.inputSchema())));
        return out.append("): ").append(returnShape(returnSchema)).append(";\n").toString();
    }

    /** The JSON schema of a Java return type as Spring AI serialises it, or null when there is none to be had. */
    public static String returnSchema(Type type) {
        if (type == null) {
            return null;
        }
        if (type == void.class || type == Void.class) {
            return VOID_SCHEMA;
        }
        try {
            return JsonSchemaGenerator.generateForType(type);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The arguments of one tool on one line, for error messages. */
    public static String argumentsType(String inputSchema) {
        JsonNode schema = parse(inputSchema);
        return new Renderer(schema).type(schema, 0);
    }

    private static String argumentsBlock(JsonNode schema) {
        JsonNode properties = schema.path("properties");
        if (!properties.isObject() || properties.isEmpty()) {
            return "{}";
        }
        Renderer r = new Renderer(schema);
        Set<String> required = requiredNames(schema);
        StringBuilder out = new StringBuilder("{\n");
        for (Map.Entry<String, JsonNode> p : properties.properties()) {
            appendDoc(out, "  ", p.getValue().path("description").asString(""));
            out.append("  ").append(propertyName(p.getKey())).append(required.contains(p.getKey()) ? "" : "?")
                    .append(": ").append(r.type(p.getValue(), 1)).append(";\n");
        }
        return out.append("}").toString();
    }

    private static String returnShape(String returnSchema) {
        JsonNode schema = parse(returnSchema);
        try {
            return schema.isEmpty() ? "any" : new Renderer(schema).type(schema, 0);
        } catch (RuntimeException e) { // a schema it cannot follow still leaves the tool declared
            return "any";
        }
    }

    private static JsonNode parse(String schema) {
        try {
            JsonNode node = schema == null || schema.isBlank() ? null : JSON.readTree(schema);
            return node == null || !node.isObject() ? JSON.createObjectNode() : node;
        } catch (JacksonException e) {
            return JSON.createObjectNode();
        }
    }

    private static void appendDoc(StringBuilder out, String indent, String text) {
        if (text != null && !text.isBlank()) {
            out.append(indent).append("/** ").append(text.strip().replace("*/", "* /").replace("\n", "\n" + indent + " * "))
                    .append(" */\n");
        }
    }

    private static Set<String> requiredNames(JsonNode schema) {
        Set<String> names = new HashSet<>();
        schema.path("required").forEach(n -> names.add(n.asString()));
        return names;
    }

    private static String propertyName(String name) {
        return name.matches("[A-Za-z_$][A-Za-z0-9_$]*") ? name : JSON.writeValueAsString(name);
    }

    /** Turns one JSON schema (with local $refs into its own $defs/definitions) into a TypeScript type. */
    private record Renderer(JsonNode root) {
        String type(JsonNode schema, int depth) {
            if (depth > MAX_DEPTH) {
                return "any";
            }
            JsonNode ref = schema.get("$ref");
            if (ref != null && ref.isString()) {
                return type(resolve(ref.asString()), depth + 1);
            }
            if (schema.has("enum")) {
                List<String> values = new ArrayList<>();
                schema.get("enum").forEach(v -> values.add(JSON.writeValueAsString(v)));
                return String.join(" | ", values);
            }
            if (schema.has("const")) {
                return JSON.writeValueAsString(schema.get("const"));
            }
            for (String union : new String[] {"anyOf", "oneOf"}) {
                if (schema.path(union).isArray()) {
                    List<String> parts = new ArrayList<>();
                    schema.get(union).forEach(s -> parts.add(type(s, depth + 1)));
                    return String.join(" | ", parts);
                }
            }
            JsonNode type = schema.get("type");
            if (type != null && type.isArray()) {
                List<String> parts = new ArrayList<>();
                type.forEach(t -> parts.add(simple(t.asString(), schema, depth)));
                return String.join(" | ", parts);
            }
            return simple(type == null ? "" : type.asString(), schema, depth);
        }

        private String simple(String type, JsonNode schema, int depth) {
            return switch (type.toLowerCase()) {
                case "string" -> "string";
                case "integer", "number" -> "number";
                case "boolean" -> "boolean";
                case "null" -> "null";
                case "array" -> {
                    String item = schema.has("items") ? type(schema.get("items"), depth + 1) : "any";
                    yield item.contains(" ") && !item.startsWith("{") ? "(" + item + ")[]" : item + "[]";
                }
                case "object" -> objectType(schema, depth);
                default -> schema.has("properties") ? objectType(schema, depth) : "any";
            };
        }

        private String objectType(JsonNode schema, int depth) {
            JsonNode properties = schema.path("properties");
            if (!properties.isObject() || properties.isEmpty()) {
                JsonNode additional = schema.get("additionalProperties");
                return additional != null && additional.isObject()
                        ? "Record<string, " + type(additional, depth + 1) + ">" : "Record<string, any>";
            }
            Set<String> required = requiredNames(schema);
            List<String> fields = new ArrayList<>();
            for (Map.Entry<String, JsonNode> p : properties.properties()) {
                fields.add(propertyName(p.getKey()) + (required.contains(p.getKey()) ? "" : "?") + ": "
                        + type(p.getValue(), depth + 1));
            }
            return "{ " + String.join("; ", fields) + " }";
        }

        private JsonNode resolve(String ref) {
            if (!ref.startsWith("#/")) {
                return JSON.createObjectNode();
            }
            JsonNode node = root;
            for (String part : ref.substring(2).split("/")) {
                node = node.path(part.replace("~1", "/").replace("~0", "~"));
            }
            return node.isObject() ? node : JSON.createObjectNode();
        }
    }
}
