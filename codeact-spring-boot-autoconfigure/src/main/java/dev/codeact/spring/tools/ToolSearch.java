package dev.codeact.spring.tools;

import dev.codeact.spring.json.CodeActJson;
import dev.codeact.hyperlight.HostFunctionException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.springframework.ai.tool.ToolCallback;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Tools found on demand, for catalogs too large to declare in full: a compact index for the instructions (names
 * grouped by prefix, each with the first sentence of its description as far as the index's budget allows), and the
 * {@code search_tools} and {@code describe_tool} functions programs call.
 *
 * <p>The score of a tool for a query is explainable on purpose: the query and the tool are split into lower-case
 * words (at spaces, punctuation, {@code _}, {@code -}, {@code .} and camelCase), and every query word adds 3 points
 * when it is a word of the tool's name, 2 when it is a parameter's name, 1 when it is in the description; a word
 * matches another when one starts with the other and the shorter has at least 4 letters. The whole query equal to
 * the name adds 10. Ties go by name.
 */
public final class ToolSearch {
    public static final int DEFAULT_LIMIT = 5;
    public static final int MAX_LIMIT = 20;
    private static final JsonMapper JSON = CodeActJson.MAPPER;
    private static final Pattern WORD_BREAK = Pattern.compile("[^\\p{L}\\p{N}]+|(?<=\\p{Ll})(?=\\p{Lu})");
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s");
    private static final int MIN_GROUP = 3;
    private static final int MIN_SENTENCE_CHARS = 40;

    private final List<Entry> entries;
    private final Function<String, String> declarations;

    private record Entry(String name, String description, Set<String> nameWords, Set<String> parameterWords,
            Set<String> descriptionWords) {
    }

    /**
     * @param tools the tools to index
     * @param declarations one tool's declaration by name, in the language of the programs that search
     */
    public ToolSearch(List<ToolCallback> tools, Function<String, String> declarations) {
        this.declarations = declarations;
        List<Entry> list = new ArrayList<>();
        for (ToolCallback tool : tools) {
            String name = tool.getToolDefinition().name();
            String description = tool.getToolDefinition().description() == null ? "" : tool.getToolDefinition().description().strip();
            list.add(new Entry(name, description, words(name), words(String.join(" ", parameterNames(tool))),
                    words(description)));
        }
        this.entries = List.copyOf(list);
    }

    /** The tools that best match {@code query}, best first, as {@code [{name, description, declaration}]}. */
    public String search(String query, int limit) throws HostFunctionException {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new HostFunctionException("search_tools: limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
        }
        Set<String> terms = words(query);
        String whole = query.strip().toLowerCase(Locale.ROOT);
        Map<Entry, Integer> scores = new LinkedHashMap<>();
        for (Entry e : entries) {
            int score = e.name().toLowerCase(Locale.ROOT).equals(whole) ? 10 : 0;
            for (String term : terms) {
                score += matches(term, e.nameWords()) ? 3 : 0;
                score += matches(term, e.parameterWords()) ? 2 : 0;
                score += matches(term, e.descriptionWords()) ? 1 : 0;
            }
            if (score > 0) {
                scores.put(e, score);
            }
        }
        ArrayNode found = JSON.createArrayNode();
        scores.entrySet().stream()
                .sorted(Comparator.<Map.Entry<Entry, Integer>>comparingInt(Map.Entry::getValue).reversed()
                        .thenComparing(s -> s.getKey().name()))
                .limit(limit)
                .forEach(s -> {
                    ObjectNode tool = found.addObject();
                    tool.put("name", s.getKey().name());
                    tool.put("description", s.getKey().description());
                    tool.put("declaration", declarations.apply(s.getKey().name()));
                });
        return JSON.writeValueAsString(found);
    }

    /** One tool's declaration, as a JSON string. */
    public String describe(String name) throws HostFunctionException {
        for (Entry e : entries) {
            if (e.name().equals(name)) {
                return JSON.writeValueAsString(declarations.apply(name));
            }
        }
        throw new HostFunctionException("unknown tool '" + name + "'; search_tools(query) finds tools by what they do");
    }

    /**
     * The index for the instructions, within {@code budgetBytes} where names alone fit: every tool's name under its
     * prefix group, with the first sentence of its description cut to the longest length (of 200 down to 40
     * characters) that keeps the index in budget, or no sentences at all when even 40 do not fit: a sentence cut
     * shorter says less than the name.
     */
    public String index(int budgetBytes) {
        return index(budgetBytes, name -> true);
    }

    /** As {@link #index(int)}, of the tools whose names {@code listed} accepts. */
    public String index(int budgetBytes, java.util.function.Predicate<String> listed) {
        Map<String, List<Entry>> groups = groups(listed);
        for (int chars = 200; chars >= MIN_SENTENCE_CHARS; chars -= 20) {
            String index = render(groups, chars);
            if (index.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= budgetBytes) {
                return index;
            }
        }
        return render(groups, 0);
    }

    public int size() {
        return entries.size();
    }

    private String render(Map<String, List<Entry>> groups, int sentenceChars) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, List<Entry>> group : groups.entrySet()) {
            if (!group.getKey().isEmpty()) {
                out.append(group.getKey()).append("*:\n");
            }
            for (Entry e : group.getValue()) {
                out.append("- ").append(e.name());
                String sentence = firstSentence(e.description(), sentenceChars);
                if (!sentence.isEmpty()) {
                    out.append(": ").append(sentence);
                }
                out.append('\n');
            }
        }
        return out.toString();
    }

    /** Tools sharing a name prefix (up to the first _, - or .) of at least MIN_GROUP members, then the rest. */
    private Map<String, List<Entry>> groups(java.util.function.Predicate<String> listed) {
        Map<String, List<Entry>> byPrefix = new LinkedHashMap<>();
        for (Entry e : entries) {
            if (!listed.test(e.name())) {
                continue;
            }
            byPrefix.computeIfAbsent(prefix(e.name()), p -> new ArrayList<>()).add(e);
        }
        Map<String, List<Entry>> groups = new LinkedHashMap<>();
        List<Entry> rest = new ArrayList<>();
        byPrefix.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(g -> {
            if (!g.getKey().isEmpty() && g.getValue().size() >= MIN_GROUP) {
                groups.put(g.getKey(), g.getValue());
            } else {
                rest.addAll(g.getValue());
            }
        });
        if (!rest.isEmpty()) {
            groups.put("", rest);
        }
        return groups;
    }

    private static String prefix(String name) {
        for (int i = 1; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '_' || c == '-' || c == '.') {
                return name.substring(0, i + 1);
            }
        }
        return "";
    }

    private static String firstSentence(String description, int maxChars) {
        if (maxChars == 0 || description.isEmpty()) {
            return "";
        }
        String sentence = SENTENCE_END.split(description.replaceAll("\\s+", " "), 2)[0];
        return sentence.length() <= maxChars ? sentence : sentence.substring(0, Math.max(0, maxChars - 1)).stripTrailing() + "…";
    }

    private static boolean matches(String term, Set<String> words) {
        if (words.contains(term)) {
            return true;
        }
        for (String word : words) {
            String shorter = word.length() < term.length() ? word : term;
            if (shorter.length() >= 4 && (word.startsWith(term) || term.startsWith(word))) {
                return true;
            }
        }
        return false;
    }

    static Set<String> words(String text) {
        Set<String> words = new LinkedHashSet<>();
        for (String w : WORD_BREAK.split(text == null ? "" : text)) {
            if (!w.isEmpty()) {
                words.add(w.toLowerCase(Locale.ROOT));
            }
        }
        return words;
    }

    private static List<String> parameterNames(ToolCallback tool) {
        List<String> names = new ArrayList<>();
        try {
            JsonNode schema = JSON.readTree(tool.getToolDefinition().inputSchema());
            if (schema != null) {
                schema.path("properties").properties().forEach(p -> names.add(p.getKey()));
            }
        } catch (JacksonException | IllegalArgumentException e) {
            // a tool without a readable schema is found by its name and description
        }
        return names;
    }
}
