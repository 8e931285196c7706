package dev.codeact.spring.tools;

import dev.codeact.spring.json.CodeActJson;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Renders a tool as a typed Python stub the model reads, from the same JSON schemas as {@link ToolDeclarations}: its
 * arguments as a {@code TypedDict} (each field with its description), each object it returns as a one-line
 * {@code TypedDict}, and a {@code call_tool} signature with the tool's description as its docstring:
 *
 * <pre>
 * class FindCustomerArgs(TypedDict):
 *     id: int  # the customer's id
 * class FindCustomerResult(TypedDict): id: int; name: str; email: str
 * def call_tool(name: Literal["find_customer"], args: FindCustomerArgs) -&gt; FindCustomerResult:
 *     """Find a customer by id."""
 * </pre>
 *
 * Classes are named after the tool (and, nested, after the field or the schema's {@code $defs} entry); a field whose
 * name is no Python identifier puts its class in the functional form, {@code X = TypedDict("X", {"a-b": int})}.
 */
public final class PythonToolDeclarations {
    private static final JsonMapper JSON = CodeActJson.MAPPER;
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Set<String> KEYWORDS = Set.of("False", "None", "True", "and", "as", "assert", "async", "await",
            "break", "class", "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if",
            "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with",
            "yield");

    private PythonToolDeclarations() {
    }

    /**
     * The stub of one tool, ending in a newline.
     *
     * @param returnSchema the JSON schema of what the tool returns, or null where unknown ({@code Any})
     */
    public static String declaration(ToolCallback tool, String returnSchema) {
        ToolDefinition d = tool.getToolDefinition();
        String base = SchemaTypes.capitalised(d.name());
        Classes classes = new Classes();
        JsonNode arguments = SchemaTypes.parse(d.inputSchema());
        String argsType = null;
        if (arguments.path("properties").isObject() && !arguments.path("properties").isEmpty()) {
            argsType = base + "Args";
            classes.argumentsClass(argsType, new SchemaTypes(arguments, classes).fields(arguments, argsType, 0));
        }
        String returns = returnType(SchemaTypes.parse(returnSchema), base + "Result", classes);
        StringBuilder out = new StringBuilder(classes.text);
        out.append("def call_tool(name: Literal[").append(JSON.writeValueAsString(d.name())).append("]");
        if (argsType != null) {
            out.append(", args: ").append(argsType);
        }
        out.append(") -> ").append(returns).append(":\n    ").append(docstring(d.description())).append('\n');
        return out.toString();
    }

    private static String returnType(JsonNode schema, String name, Classes classes) {
        if (schema.isEmpty()) {
            return "Any";
        }
        int mark = classes.text.length();
        try {
            return new SchemaTypes(schema, classes).type(schema, name, 0);
        } catch (RuntimeException e) { // a schema it cannot follow still leaves the tool declared
            classes.text.setLength(mark);
            return "Any";
        }
    }

    private static String docstring(String description) {
        if (description == null || description.isBlank()) {
            return "...";
        }
        String text = description.strip().replace("\\", "\\\\").replace("\"\"\"", "\\\"\\\"\\\"");
        return "\"\"\"" + (text.endsWith("\"") ? text.substring(0, text.length() - 1) + "\\\"" : text)
                .replace("\n", "\n    ") + "\"\"\"";
    }

    private static boolean identifier(String name) {
        return IDENTIFIER.matcher(name).matches() && !KEYWORDS.contains(name);
    }

    /** Python's types, each object a TypedDict class, written out (dependencies first) as the walk meets them. */
    private static final class Classes implements SchemaTypes.Syntax {
        private final StringBuilder text = new StringBuilder();
        /** Each class written so far and its fields: a $defs entry met again is the same class, another shape of the same name a new one. */
        private final Map<String, String> classes = new HashMap<>();

        @Override
        public String any() {
            return "Any";
        }

        @Override
        public String primitive(String jsonType) {
            return switch (jsonType) {
                case "string" -> "str";
                case "integer" -> "int";
                case "number" -> "float";
                case "boolean" -> "bool";
                default -> "None";
            };
        }

        @Override
        public String oneOf(List<JsonNode> values) {
            return "Literal[" + String.join(", ", values.stream().map(Classes::literal).toList()) + "]";
        }

        private static String literal(JsonNode value) {
            if (value.isBoolean()) {
                return value.asBoolean() ? "True" : "False";
            }
            return value.isNull() ? "None" : JSON.writeValueAsString(value);
        }

        @Override
        public String union(List<String> types) {
            return String.join(" | ", types);
        }

        @Override
        public String array(String item) {
            return "list[" + item + "]";
        }

        @Override
        public String map(String valueType) {
            return "dict[str, " + (valueType == null ? "Any" : valueType) + "]";
        }

        @Override
        public String object(String name, List<SchemaTypes.Field> fields) {
            boolean plain = fields.stream().allMatch(f -> identifier(f.name()));
            String body = String.join(plain ? "; " : ", ", fields.stream()
                    .map(f -> (plain ? f.name() : JSON.writeValueAsString(f.name())) + ": " + fieldType(f)).toList());
            String candidate = name;
            for (int i = 2; classes.containsKey(candidate) && !classes.get(candidate).equals(body); i++) {
                candidate = name + i;
            }
            if (classes.putIfAbsent(candidate, body) == null) {
                text.append(plain ? "class " + candidate + "(TypedDict): " + body
                        : candidate + " = TypedDict(\"" + candidate + "\", {" + body + "})").append('\n');
            }
            return candidate;
        }

        /**
         * The arguments' class, a field a line with its description as a comment; in the functional form where a name
         * is no identifier ({@code from}, {@code user-id}).
         */
        void argumentsClass(String name, List<SchemaTypes.Field> fields) {
            boolean plain = fields.stream().allMatch(f -> identifier(f.name()));
            classes.put(name, "");
            text.append(plain ? "class " + name + "(TypedDict):\n" : name + " = TypedDict(\"" + name + "\", {\n");
            for (SchemaTypes.Field f : fields) {
                text.append("    ").append(plain ? f.name() + ": " : JSON.writeValueAsString(f.name()) + ": ")
                        .append(fieldType(f)).append(plain ? "" : ",");
                if (!f.description().isBlank()) {
                    text.append("  # ").append(f.description().strip().replaceAll("\\s+", " "));
                }
                text.append('\n');
            }
            if (!plain) {
                text.append("})\n");
            }
        }

        private static String fieldType(SchemaTypes.Field f) {
            return f.required() ? f.type() : "NotRequired[" + f.type() + "]";
        }

    }
}
