package dev.codeact.spring.policy;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Tool-name patterns with {@code *} (any run of characters) and {@code ?} (one character). A rule both the tool
 * catalog (include, exclude, direct) and the approval gate apply; it lives with the policies so that the approval
 * package need not import the tools package, which imports it.
 */
public final class ToolNamePatterns {
    private final List<Pattern> patterns;

    private ToolNamePatterns(List<Pattern> patterns) {
        this.patterns = patterns;
    }

    public static ToolNamePatterns of(List<String> globs) {
        return new ToolNamePatterns(globs.stream().map(ToolNamePatterns::compile).toList());
    }

    public boolean matches(String name) {
        return patterns.stream().anyMatch(p -> p.matcher(name).matches());
    }

    private static Pattern compile(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.trim().toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }
}
