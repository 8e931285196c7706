package dev.codeact.hyperlight;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * hyperlight-jna is a generic micro-VM library with host functions: its sources do not speak of tools, which are
 * CodeAct's name for host functions. The one exception is {@link GuestStrings}, the strings of the guest's own
 * program-facing API mirrored from hostabi.h ({@code call_tool}, {@code ToolError}, {@code TOOL_ERROR}), where the
 * {@link HostCallWording} that callers pass in is defined (Jackson's package {@code tools.jackson} is no exception).
 */
class GenericVocabularyTest {
    private static final Path SOURCES = Path.of("src/main/java/dev/codeact/hyperlight");
    private static final Path GUEST_STRINGS = SOURCES.resolve("GuestStrings.java");
    /** The word in any case, as in call_tool, ToolError, TOOL_ERROR or maxToolCalls; not "tooLarge", not Jackson. */
    private static final Pattern TOOL = Pattern.compile("tool(?!s\\.jackson)|Tool|TOOL");

    @Test
    void mainSourcesOutsideTheGuestsOwnStringsDoNotSayTool() throws IOException {
        List<String> found = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(SOURCES)) {
            files = s.filter(p -> p.toString().endsWith(".java") && !p.equals(GUEST_STRINGS)).toList();
        }
        assertThat(files).hasSizeGreaterThan(30);
        for (Path file : files) {
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = TOOL.matcher(lines.get(i));
                if (m.find()) {
                    found.add(SOURCES.relativize(file) + ":" + (i + 1) + ": " + lines.get(i).strip());
                }
            }
        }
        assertThat(found).as("hyperlight-jna speaks of host functions, not tools").isEmpty();
    }

    @Test
    void thePatternCatchesEverySpellingButJacksonsPackage() {
        for (String s : List.of("call_tool", "ToolError", "TOOL_ERROR", "maxToolCalls", "the tool's result", "tools")) {
            assertThat(TOOL.matcher(s).find()).as(s).isTrue();
        }
        for (String s : List.of("import tools.jackson.databind.JsonNode;", "requestTooLarge", "resultTooLarge")) {
            assertThat(TOOL.matcher(s).find()).as(s).isFalse();
        }
    }
}
