package dev.codeact.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What an IDE shows for codeact.* properties: the metadata the build generates, with the additional file merged. */
class ConfigurationMetadataTest {
    private static final JsonNode METADATA = read();

    private static JsonNode read() {
        try (InputStream in = ConfigurationMetadataTest.class.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            return JsonMapper.builder().build().readTree(in);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<JsonNode> codeactProperties() {
        List<JsonNode> list = new ArrayList<>();
        METADATA.path("properties").forEach(p -> {
            if (p.path("name").asString().startsWith("codeact.")) {
                list.add(p);
            }
        });
        return list;
    }

    @Test
    void everyDescriptionIsAFullSentence() {
        assertThat(codeactProperties()).hasSizeGreaterThan(30).allSatisfy(p -> {
            String description = p.path("description").asString("");
            assertThat(description).as(p.path("name").asString()).isNotBlank().endsWith(".");
            assertThat(Character.isUpperCase(description.charAt(0))).as("%s: %s", p.path("name").asString(), description).isTrue();
        });
    }

    @Test
    void everyEnumLikePropertyHasHintsWithTheValuesAsWritten() throws ClassNotFoundException {
        Set<String> enums = new TreeSet<>();
        for (JsonNode p : codeactProperties()) {
            String type = p.path("type").asString("");
            if (type.startsWith("dev.codeact") && !type.startsWith("java.util")) {
                enums.add(p.path("name").asString());
            }
        }
        assertThat(enums).containsExactlyInAnyOrder("codeact.sandbox.backend", "codeact.sandbox.vcpu-threading",
                "codeact.tools.discovery", "codeact.tools.approval-mode", "codeact.sessions.store");
        Map<String, String> types = new java.util.HashMap<>();
        codeactProperties().forEach(p -> types.put(p.path("name").asString(), p.path("type").asString()));
        for (String name : enums) {
            JsonNode hint = hint(name);
            assertThat(hint).as(name).isNotNull();
            List<String> values = new ArrayList<>();
            hint.path("values").forEach(v -> {
                values.add(v.path("value").asString());
                assertThat(v.path("description").asString()).as("%s=%s", name, v.path("value").asString()).endsWith(".");
            });
            Object[] constants = Class.forName(types.get(name)).getEnumConstants();
            assertThat(values).as(name).containsExactlyInAnyOrder(java.util.Arrays.stream(constants)
                    .map(c -> ((Enum<?>) c).name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')).toArray(String[]::new));
        }
    }

    @Test
    void theFieldsOfListEntriesAreDocumented() {
        Set<String> names = new TreeSet<>();
        codeactProperties().forEach(p -> names.add(p.path("name").asString()));
        assertThat(names).contains("codeact.mounts[].guest-path", "codeact.mounts[].host-path", "codeact.mounts[].writable",
                "codeact.mounts[].quota", "codeact.mounts[].max-entries", "codeact.egress.rules[].scheme",
                "codeact.egress.rules[].host", "codeact.egress.rules[].port", "codeact.egress.rules[].path-prefix",
                "codeact.egress.rules[].methods", "codeact.egress.rules[].headers");
    }

    private static JsonNode hint(String name) {
        for (JsonNode hint : METADATA.path("hints")) {
            if (hint.path("name").asString().equals(name)) {
                return hint;
            }
        }
        return null;
    }
}
