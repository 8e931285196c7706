package dev.codeact.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The CodeAct layer's packages import each other one way only: the policies (rules and the services acting on them)
 * know nothing of tools, tools nothing of executions, executions nothing of the advisor. The approval package and the
 * tools package used to import each other. The sandbox package (the backends and the {@code Language} programs are
 * written in, which the policies' declarations, the tools' and the instructions follow) sits below them all: it
 * imports none of them. The session package (where states and pending approvals are kept) knows nothing of the
 * executions that use it.
 */
class LayeringTest {
    private static final Path MAIN = Path.of("src/main/java/dev/codeact/spring");
    /** Which of the layer's packages each package may import (its own sub-packages aside). */
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "json", Set.of(),
            "config", Set.of(),
            "sandbox", Set.of("config"),
            "policy", Set.of("config", "json", "sandbox"),
            "session", Set.of("config", "json", "sandbox"),
            "tools", Set.of("config", "json", "policy", "sandbox"),
            "execution", Set.of("config", "json", "policy", "tools", "sandbox", "session"),
            "advisor", Set.of("config", "json", "policy", "tools", "execution", "sandbox", "session"));
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?dev\\.codeact\\.spring\\.([a-z]+)\\.",
            Pattern.MULTILINE);

    @Test
    void packagesImportEachOtherOneWayOnly() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Map.Entry<String, Set<String>> layer : ALLOWED.entrySet()) {
            try (Stream<Path> files = Files.walk(MAIN.resolve(layer.getKey()))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    Matcher m = IMPORT.matcher(Files.readString(file));
                    while (m.find()) {
                        String imported = m.group(1);
                        if (!imported.equals(layer.getKey()) && !layer.getValue().contains(imported)) {
                            violations.add(MAIN.relativize(file) + " imports " + imported);
                        }
                    }
                }
            }
        }
        assertThat(violations).isEmpty();
    }
}
