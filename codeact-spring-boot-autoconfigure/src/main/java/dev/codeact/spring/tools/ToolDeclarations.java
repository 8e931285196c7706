package dev.codeact.spring.tools;

import dev.codeact.spring.json.CodeActJson;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;
import org.springframework.ai.util.json.schema.JsonSchemaGenerator;
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
        return new SchemaTypes(schema, TYPESCRIPT).type(schema, "", 0);
    }

    private static String argumentsBlock(JsonNode schema) {
        JsonNode properties = schema.path("properties");
        if (!properties.isObject() || properties.isEmpty()) {
            return "{}";
        }
        StringBuilder out = new StringBuilder("{\n");
        for (SchemaTypes.Field field : new SchemaTypes(schema, TYPESCRIPT).fields(schema, "", 0)) {
            appendDoc(out, "  ", field.description());
            out.append("  ").append(propertyName(field.name())).append(field.required() ? "" : "?")
                    .append(": ").append(field.type()).append(";\n");
        }
        return out.append("}").toString();
    }

    private static String returnShape(String returnSchema) {
        JsonNode schema = parse(returnSchema);
        try {
            return schema.isEmpty() ? "any" : new SchemaTypes(schema, TYPESCRIPT).type(schema, "", 0);
        } catch (RuntimeException e) { // a schema it cannot follow still leaves the tool declared
            return "any";
        }
    }

    private static JsonNode parse(String schema) {
        return SchemaTypes.parse(schema);
    }

    private static void appendDoc(StringBuilder out, String indent, String text) {
        if (text != null && !text.isBlank()) {
            out.append(indent).append("/** ").append(text.strip().replace("*/", "* /").replace("\n", "\n" + indent + " * "))
                    .append(" */\n");
        }
    }

    private static String propertyName(String name) {
        return name.matches("[A-Za-z_$][A-Za-z0-9_$]*") ? name : JSON.writeValueAsString(name);
    }

    /** Types as TypeScript writes them, objects inline. */
    private static final SchemaTypes.Syntax TYPESCRIPT = new SchemaTypes.Syntax() {
        @Override
        public String any() {
            return "any";
        }

        @Override
        public String primitive(String jsonType) {
            return switch (jsonType) {
                case "integer", "number" -> "number";
                default -> jsonType;
            };
        }

        @Override
        public String oneOf(List<JsonNode> values) {
            return String.join(" | ", values.stream().map(JSON::writeValueAsString).toList());
        }

        @Override
        public String union(List<String> types) {
            return String.join(" | ", types);
        }

        @Override
        public String array(String item) {
            return item.contains(" ") && !item.startsWith("{") ? "(" + item + ")[]" : item + "[]";
        }

        @Override
        public String map(String valueType) {
            return "Record<string, " + (valueType == null ? "any" : valueType) + ">";
        }

        @Override
        public String object(String name, List<SchemaTypes.Field> fields) {
            return "{ " + String.join("; ", fields.stream()
                    .map(f -> propertyName(f.name()) + (f.required() ? "" : "?") + ": " + f.type()).toList()) + " }";
        }
    };
}
