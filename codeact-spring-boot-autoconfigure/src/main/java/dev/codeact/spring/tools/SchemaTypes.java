package dev.codeact.spring.tools;

import dev.codeact.spring.json.CodeActJson;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns one JSON schema (with local $refs into its own $defs/definitions) into a type written in a {@link Syntax}:
 * the one walk of a schema that the TypeScript and the Python declarations share. Deeper than {@link #MAX_DEPTH}, and
 * wherever the schema says nothing, the type is the syntax's "any".
 */
final class SchemaTypes {
    static final int MAX_DEPTH = 6;
    private static final JsonMapper JSON = CodeActJson.MAPPER;

    /** How a language writes the types a schema describes. */
    interface Syntax {
        String any();

        /** {@code string}, {@code integer}, {@code number}, {@code boolean} or {@code null}. */
        String primitive(String jsonType);

        /** One of the given JSON values ({@code enum}, or a {@code const} alone). */
        String oneOf(List<JsonNode> values);

        String union(List<String> types);

        String array(String itemType);

        /** An object of any keys whose values have {@code valueType}, or any values when null. */
        String map(String valueType);

        /**
         * An object with known fields.
         *
         * @param name a name for the type, for a syntax that must name it: from the schema's $ref, else the path to it
         */
        String object(String name, List<Field> fields);
    }

    /**
     * One property of an object type.
     *
     * @param name the property's name as in JSON
     * @param required whether the schema requires it
     * @param type its type, written in the syntax
     * @param description the schema's description of it, or empty
     */
    record Field(String name, boolean required, String type, String description) {
    }

    private final JsonNode root;
    private final Syntax syntax;

    SchemaTypes(JsonNode root, Syntax syntax) {
        this.root = root;
        this.syntax = syntax;
    }

    /** The schema's type; {@code name} names it where the syntax needs a name. */
    String type(JsonNode schema, String name, int depth) {
        if (depth > MAX_DEPTH) {
            return syntax.any();
        }
        JsonNode ref = schema.get("$ref");
        if (ref != null && ref.isString()) {
            String target = ref.asString();
            return type(resolve(target), target.substring(target.lastIndexOf('/') + 1), depth + 1);
        }
        if (schema.has("enum")) {
            List<JsonNode> values = new ArrayList<>();
            schema.get("enum").forEach(values::add);
            return syntax.oneOf(values);
        }
        if (schema.has("const")) {
            return syntax.oneOf(List.of(schema.get("const")));
        }
        for (String union : new String[] {"anyOf", "oneOf"}) {
            if (schema.path(union).isArray()) {
                List<String> parts = new ArrayList<>();
                int i = 0;
                for (JsonNode member : schema.get(union)) {
                    parts.add(type(member, name + (++i), depth + 1));
                }
                return syntax.union(parts);
            }
        }
        JsonNode type = schema.get("type");
        if (type != null && type.isArray()) {
            List<String> parts = new ArrayList<>();
            type.forEach(t -> parts.add(simple(t.asString(), schema, name, depth)));
            return syntax.union(parts);
        }
        return simple(type == null ? "" : type.asString(), schema, name, depth);
    }

    /** The fields of an object schema, their types named after {@code name} and each field. */
    List<Field> fields(JsonNode schema, String name, int depth) {
        Set<String> required = requiredNames(schema);
        List<Field> fields = new ArrayList<>();
        for (Map.Entry<String, JsonNode> p : schema.path("properties").properties()) {
            fields.add(new Field(p.getKey(), required.contains(p.getKey()),
                    type(p.getValue(), name + capitalised(p.getKey()), depth + 1), p.getValue().path("description").asString("")));
        }
        return fields;
    }

    private String simple(String type, JsonNode schema, String name, int depth) {
        return switch (type.toLowerCase()) {
            case "string", "integer", "number", "boolean", "null" -> syntax.primitive(type.toLowerCase());
            case "array" -> syntax.array(schema.has("items") ? type(schema.get("items"), name + "Item", depth + 1) : syntax.any());
            case "object" -> objectType(schema, name, depth);
            default -> schema.has("properties") ? objectType(schema, name, depth) : syntax.any();
        };
    }

    private String objectType(JsonNode schema, String name, int depth) {
        JsonNode properties = schema.path("properties");
        if (!properties.isObject() || properties.isEmpty()) {
            JsonNode additional = schema.get("additionalProperties");
            return syntax.map(additional != null && additional.isObject() ? type(additional, name + "Value", depth + 1) : null);
        }
        return syntax.object(name, fields(schema, name, depth));
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

    /** A schema as an object node: an empty one for null, blank, broken or non-object text. */
    static JsonNode parse(String schema) {
        try {
            JsonNode node = schema == null || schema.isBlank() ? null : JSON.readTree(schema);
            return node == null || !node.isObject() ? JSON.createObjectNode() : node;
        } catch (JacksonException e) {
            return JSON.createObjectNode();
        }
    }

    static Set<String> requiredNames(JsonNode schema) {
        Set<String> names = new HashSet<>();
        schema.path("required").forEach(n -> names.add(n.asString()));
        return names;
    }

    /** {@code find_customer} and {@code find-customer.v2} as {@code FindCustomer} and {@code FindCustomerV2}. */
    static String capitalised(String name) {
        StringBuilder out = new StringBuilder();
        for (String part : name.split("[^A-Za-z0-9]+")) {
            if (!part.isEmpty()) {
                out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return out.isEmpty() || Character.isDigit(out.charAt(0)) ? "T" + out : out.toString();
    }
}
