package dev.codeact.spring.tools;

import dev.codeact.spring.json.CodeActJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks a call's arguments against the top level of the tool's input schema (an object, required
 * properties present, each given property of its declared JSON type) before the tool runs, so a wrong call
 * gets a precise message and the expected signature instead of a conversion stack trace from inside the tool.
 */
final class ArgumentCheck {
    private static final JsonMapper JSON = CodeActJson.MAPPER;
    private final JsonNode schema;

    ArgumentCheck(String inputSchema) {
        JsonNode parsed;
        try {
            parsed = inputSchema == null || inputSchema.isBlank() ? null : JSON.readTree(inputSchema);
        } catch (JacksonException e) {
            parsed = null;
        }
        this.schema = parsed != null && parsed.isObject() ? parsed : null;
    }

    /** The problems with these arguments; empty when they fit the schema (or there is no usable schema). */
    List<String> problems(String argumentsJson) {
        List<String> problems = new ArrayList<>();
        if (schema == null) {
            return problems;
        }
        JsonNode args;
        try {
            args = JSON.readTree(argumentsJson);
        } catch (JacksonException e) {
            problems.add("arguments are not valid JSON");
            return problems;
        }
        if (args == null || !args.isObject()) {
            problems.add("arguments must be an object");
            return problems;
        }
        for (JsonNode required : schema.path("required")) {
            if (!args.has(required.asString())) {
                problems.add("missing required argument '" + required.asString() + "'");
            }
        }
        JsonNode properties = schema.path("properties");
        for (Map.Entry<String, JsonNode> arg : args.properties()) {
            JsonNode declared = properties.path(arg.getKey()).path("type");
            if (declared.isMissingNode() || fits(arg.getValue(), declared)) {
                continue;
            }
            problems.add("argument '" + arg.getKey() + "' must be " + describe(declared) + ", got " + kind(arg.getValue()));
        }
        return problems;
    }

    private static boolean fits(JsonNode value, JsonNode declared) {
        if (declared.isArray()) {
            for (JsonNode t : declared) {
                if (fits(value, t)) {
                    return true;
                }
            }
            return false;
        }
        return switch (declared.asString().toLowerCase()) {
            case "string" -> value.isString();
            case "integer" -> value.isIntegralNumber() || (value.isNumber() && value.asDouble() == Math.rint(value.asDouble()));
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            case "array" -> value.isArray();
            case "object" -> value.isObject();
            case "null" -> value.isNull();
            default -> true;
        };
    }

    private static String describe(JsonNode declared) {
        if (declared.isArray()) {
            List<String> names = new ArrayList<>();
            declared.forEach(t -> names.add(describe(t)));
            return String.join(" or ", names);
        }
        String t = declared.asString().toLowerCase();
        return t.equals("integer") ? "an integer" : t.equals("array") || t.equals("object") ? "an " + t : "a " + t;
    }

    private static String kind(JsonNode value) {
        if (value.isNull()) {
            return "null";
        }
        if (value.isString()) {
            return "a string";
        }
        if (value.isNumber()) {
            return "a number";
        }
        if (value.isBoolean()) {
            return "a boolean";
        }
        return value.isArray() ? "an array" : "an object";
    }
}
