package dev.codeact.spring.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.codeact.hyperlight.RequiresKvm;
import dev.codeact.spring.bench.ConsumerShop.CallLog;
import dev.codeact.spring.bench.ConsumerShop.Executions;
import dev.codeact.spring.bench.ConsumerShop.Total;
import dev.codeact.spring.execution.ExecutionListener.Execution;
import dev.codeact.spring.testing.RecordedRequest;
import dev.codeact.spring.testing.Reply;
import dev.codeact.spring.testing.ScriptedOpenAiServer;
import dev.codeact.spring.tools.LargeCatalogs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the model is sent, CodeAct against plain tool calling, on a task with a consumer application's shape
 * ({@link ConsumerShop}: three {@code @Tool} methods, each result feeding the next call): find a customer by
 * e-mail, list her orders, convert each order's amount to her home currency (EUR), answer with the total.
 *
 * <ul>
 *   <li><b>plain</b>: {@code codeact.enabled=false}, Spring AI's own tool calling. A scripted model asks for
 *   {@code find_customer}, then {@code orders_for_customer} with the id from its result, then one
 *   {@code convert_currency} per order as parallel tool calls in one assistant message (as OpenAI models do), then
 *   answers with the total of the conversion results: 4 requests;</li>
 *   <li><b>CodeAct</b>: {@code codeact.enabled=true}; the scripted model writes one {@code execute_code} program that
 *   makes the same calls in the sandbox, then answers from its result: 2 requests.</li>
 * </ul>
 *
 * Scenarios: 3 orders; 50 orders; 3 orders with the 303 ToolCallbacks of {@code LargeCatalogs.tools(300)} passed
 * in the request as well (as an application with a few MCP servers has), where CodeAct's auto discovery declares the
 * first tools of the catalog (the application's three, and a few of the request's) and puts an index of the other
 * tool names in the instructions, and the program calls the three tools it knows.
 * The scripted models are stateless, like real ones: each reply is computed from the request it answers, every
 * argument taken from the question or from the tool results in that request; tool-call ids have the length of
 * OpenAI's ({@code call_} and 24 characters).
 *
 * <p>Everything is real except the model: the Spring Boot application, Spring AI's OpenAI client over HTTP to a
 * loopback {@link ScriptedOpenAiServer}, Spring AI's tool loop, and for CodeAct the sandbox (GraalJS, and KVM
 * where /dev/kvm is usable). Counted, per question: requests to the model, bytes of their bodies as sent (all, and
 * the first), and tokens of those bodies ({@code o200k_base}, jtokkit: the whole JSON as sent, not the prompt an
 * API renders from it and bills); and where the bytes go (system message parts, tool definitions, messages by
 * role). Not counted: what the model sends back, time, and the HTTP headers. The counts are deterministic (fixed
 * data, fixed ids); the bytes depend on the backend only through its name in {@code execute_code}'s description.
 * Both modes must answer with the total computed here from the data, or the run fails. Asserted targets: CodeAct's
 * request bytes at most 0.6 of plain tool calling's with 3 orders and 0.25 with 50; with the extra tools, CodeAct's
 * first request under 20,000 bytes and still 2 round trips. {@code -Dcodeact.bench.dump=DIR} writes every request body there; the tables go to
 * {@code target/request-size-benchmark-<backend>.md} and to the console.
 */
class RequestSizeBenchmark {
    static final String SYSTEM = "You are the support assistant of an online shop. Answer from the shop's tools, never from memory.";
    private static final Encoding O200K = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
    /** Reads tool results as written: money as exact decimals. */
    private static final JsonMapper JSON = JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
    private static final Pattern EMAIL = Pattern.compile("[\\w.+-]+@[\\w-]+\\.[a-z]+");

    /** What the CodeAct model writes: the same calls as plain tool calling, in one program. */
    static final String PROGRAM = """
            const customer = call_tool("find_customer", {email: "%s"});
            const orders = call_tool("orders_for_customer", {customerId: customer.id});
            let total = 0;
            for (const o of orders) {
              total += call_tool("convert_currency", {amount: o.amount, from: o.currency, to: customer.homeCurrency}).amount;
            }
            return {customer: customer.name, orders: orders.length, total: Math.round(total * 100) / 100,
              currency: customer.homeCurrency};
            """;

    enum Scenario {
        THREE_ORDERS("3 orders", ConsumerShop.ADA, 0),
        FIFTY_ORDERS("50 orders", ConsumerShop.GRACE, 0),
        EXTRA_TOOLS("3 orders + 303 tools", ConsumerShop.ADA, 300);

        final String label;
        final String email;
        final int extraTools;

        Scenario(String label, String email, int extraTools) {
            this.label = label;
            this.email = email;
            this.extraTools = extraTools;
        }

        String question() {
            return "What do all orders of " + email + " come to in her home currency?";
        }

        String key() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    enum Mode {
        PLAIN("plain", RequestSizeBenchmark::plainModel),
        CODEACT("CodeAct", RequestSizeBenchmark::codeActModel);

        final String label;
        final Function<RecordedRequest, Reply> model;

        Mode(String label, Function<RecordedRequest, Reply> model) {
            this.label = label;
            this.model = model;
        }
    }

    /** One question answered: the requests as sent. */
    record Run(Scenario scenario, Mode mode, List<RecordedRequest> requests) {
        int firstBytes() {
            return requests.get(0).rawBody().length;
        }

        long bytes() {
            return requests.stream().mapToLong(r -> r.rawBody().length).sum();
        }

        long tokens() {
            return requests.stream()
                    .mapToLong(r -> O200K.countTokensOrdinary(new String(r.rawBody(), StandardCharsets.UTF_8)))
                    .sum();
        }

        /** Bytes of the bodies by part, summed over the requests; the parts add up to {@link #bytes()}. */
        Map<String, Long> parts() {
            Map<String, Long> parts = new LinkedHashMap<>();
            for (String part : PARTS) {
                parts.put(part, 0L);
            }
            for (RecordedRequest r : requests) {
                long counted = 0;
                for (Map.Entry<String, Long> p : partsOf(r).entrySet()) {
                    parts.merge(p.getKey(), p.getValue(), Long::sum);
                    counted += p.getValue();
                }
                parts.merge(REST, r.rawBody().length - counted, Long::sum);
            }
            return parts;
        }
    }

    private static final String REST = "rest (JSON around the parts, model, options)";
    private static final List<String> PARTS = List.of("system: application's own", "system: CodeAct instructions",
            "system: tool declarations", "system: tool index", "tool definitions (tools array)", "user message",
            "assistant messages (tool calls)", "tool messages (results)", REST);

    private static App plain;
    private static final Map<Scenario, Run> PLAIN_RUNS = new EnumMap<>(Scenario.class);

    @BeforeAll
    static void plainToolCalling() {
        plain = App.start(Mode.PLAIN, null);
        for (Scenario s : Scenario.values()) {
            PLAIN_RUNS.put(s, plain.ask(s));
        }
    }

    @AfterAll
    static void stop() {
        if (plain != null) {
            plain.close();
        }
    }

    @Test
    void onGraalJs() {
        compare("graaljs");
    }

    @Test
    @RequiresKvm
    void onKvm() {
        compare("kvm");
    }

    /** The parallel tool calls stream as well: the server writes them as OpenAI does, Spring AI's client joins them. */
    @Test
    void plainToolCallingStreamsTheSameConversation() {
        Run streamed = plain.ask(Scenario.THREE_ORDERS, true);
        assertThat(streamed.requests()).allSatisfy(r -> assertThat(r.stream()).isTrue());
        assertThat(streamed.requests().get(3).messages())
                .isEqualTo(PLAIN_RUNS.get(Scenario.THREE_ORDERS).requests().get(3).messages());
    }

    /** Runs the scenarios with CodeAct on {@code backend}, prints them against plain tool calling, checks the targets. */
    private static void compare(String backend) {
        Map<Scenario, Run> codeAct = new EnumMap<>(Scenario.class);
        try (App app = App.start(Mode.CODEACT, backend)) {
            for (Scenario s : Scenario.values()) {
                codeAct.put(s, app.ask(s));
            }
        }
        String report = report(backend, codeAct);
        System.out.println(report);
        write(Path.of("target", "request-size-benchmark-" + backend + ".md"), report);

        Run three = codeAct.get(Scenario.THREE_ORDERS);
        Run fifty = codeAct.get(Scenario.FIFTY_ORDERS);
        Run extra = codeAct.get(Scenario.EXTRA_TOOLS);
        assertThat(ratio(three.bytes(), PLAIN_RUNS.get(Scenario.THREE_ORDERS).bytes()))
                .as("CodeAct / plain request bytes, 3 orders%n%s", report).isLessThanOrEqualTo(0.6);
        assertThat(ratio(fifty.bytes(), PLAIN_RUNS.get(Scenario.FIFTY_ORDERS).bytes()))
                .as("CodeAct / plain request bytes, 50 orders%n%s", report).isLessThanOrEqualTo(0.25);
        assertThat(extra.firstBytes()).as("CodeAct's first request with 303 more tools%n%s", report)
                .isLessThan(20_000);
        assertThat(extra.requests()).as("model round trips with 303 more tools").hasSize(2);
    }

    // ------------------------------------------------------------------------------------------ the scripted models

    /** Plain tool calling: one step per reply, each with arguments from the results so far, then the answer. */
    static Reply plainModel(RecordedRequest request) {
        Map<String, List<JsonNode>> results = toolResults(request);
        JsonNode customer = first(results, "find_customer");
        if (customer == null) {
            return call(1, "find_customer", JSON.createObjectNode().put("email", email(request)));
        }
        JsonNode orders = first(results, "orders_for_customer");
        if (orders == null) {
            return call(2, "orders_for_customer", JSON.createObjectNode().put("customerId", customer.path("id").asString()));
        }
        List<JsonNode> converted = results.getOrDefault("convert_currency", List.of());
        if (converted.isEmpty()) {
            List<Reply.ToolCall> calls = new ArrayList<>();
            for (JsonNode order : orders) {
                ObjectNode args = JSON.createObjectNode();
                args.set("amount", order.path("amount"));
                args.put("from", order.path("currency").asString()).put("to", customer.path("homeCurrency").asString());
                calls.add(call(3 + calls.size(), "convert_currency", args));
            }
            return new Reply.ToolCalls(calls);
        }
        if (converted.size() != orders.size()) {
            throw new IllegalStateException(converted.size() + " conversions for " + orders.size() + " orders");
        }
        BigDecimal total = converted.stream().map(c -> c.path("amount").decimalValue()).reduce(BigDecimal.ZERO, BigDecimal::add);
        return Reply.text(new Total(customer.path("name").asString(), orders.size(), total,
                customer.path("homeCurrency").asString()).answer());
    }

    /** CodeAct: execute_code with the program, then the answer from its result. */
    static Reply codeActModel(RecordedRequest request) {
        if (!request.toolNames().equals(List.of("execute_code"))) {
            throw new IllegalStateException("CodeAct should offer execute_code only, offered " + request.toolNames());
        }
        List<JsonNode> tools = request.messages("tool");
        if (tools.isEmpty()) {
            return call(1, "execute_code", JSON.createObjectNode().put("code", PROGRAM.formatted(email(request))));
        }
        JsonNode executed = JSON.readTree(RecordedRequest.text(tools.get(tools.size() - 1)));
        if (!executed.path("success").asBoolean()) {
            throw new IllegalStateException("the program failed: " + executed);
        }
        JsonNode r = executed.path("result");
        return Reply.text(new Total(r.path("customer").asString(), r.path("orders").intValue(),
                r.path("total").decimalValue(), r.path("currency").asString()).answer());
    }

    /** The e-mail address in the user's question. */
    private static String email(RecordedRequest request) {
        for (JsonNode m : request.messages("user")) {
            Matcher matcher = EMAIL.matcher(RecordedRequest.text(m));
            if (matcher.find()) {
                return matcher.group();
            }
        }
        throw new IllegalStateException("no e-mail address in the question");
    }

    /** The results of the tool calls in the request's messages, by tool name, in order. */
    private static Map<String, List<JsonNode>> toolResults(RecordedRequest request) {
        Map<String, List<JsonNode>> results = new LinkedHashMap<>();
        for (RecordedRequest.ToolResult r : request.toolResults()) {
            results.computeIfAbsent(r.tool(), t -> new ArrayList<>()).add(JSON.readTree(r.text()));
        }
        return results;
    }

    private static JsonNode first(Map<String, List<JsonNode>> results, String tool) {
        List<JsonNode> r = results.get(tool);
        return r == null ? null : r.get(0);
    }

    /** A tool call with an id as long as OpenAI's ("call_" and 24 characters), the same in every run. */
    private static Reply.ToolCall call(int n, String tool, ObjectNode args) {
        String id = "call_" + UUID.nameUUIDFromBytes(("call-" + n).getBytes(StandardCharsets.UTF_8)).toString()
                .replace("-", "").substring(0, 24);
        return new Reply.ToolCall(id, tool, JSON.writeValueAsString(args));
    }

    // ------------------------------------------------------------------------------------------------ the application

    /** One application context in one mode, its ChatClient, and the scripted model it talks to. */
    private static final class App implements AutoCloseable {
        final Mode mode;
        final String backend;
        final ScriptedOpenAiServer model;
        final ConfigurableApplicationContext context;
        final ChatClient chat;
        final Object[] tools;

        private App(Mode mode, String backend, ScriptedOpenAiServer model, ConfigurableApplicationContext context) {
            this.mode = mode;
            this.backend = backend;
            this.model = model;
            this.context = context;
            this.chat = context.getBean(ChatClient.Builder.class).defaultSystem(SYSTEM).build();
            this.tools = new Object[] {context.getBean(ConsumerShop.Customers.class),
                    context.getBean(ConsumerShop.Orders.class), context.getBean(ConsumerShop.Currencies.class)};
        }

        static App start(Mode mode, String backend) {
            ScriptedOpenAiServer model = ScriptedOpenAiServer.start(mode.model);
            try {
                List<String> args = new ArrayList<>(List.of("--spring.main.banner-mode=off",
                        "--spring.main.log-startup-info=false", "--logging.level.root=WARN",
                        "--spring.ai.openai.base-url=" + model.baseUrl(), "--spring.ai.openai.api-key=test-key",
                        "--spring.ai.openai.chat.model=test-model", "--spring.ai.openai.max-retries=0",
                        "--codeact.enabled=" + (mode == Mode.CODEACT), "--codeact.sandbox.pool-size=1"));
                if (backend != null) {
                    args.add("--codeact.sandbox.backend=" + backend);
                }
                ConfigurableApplicationContext context = new SpringApplicationBuilder(ConsumerShop.class)
                        .web(WebApplicationType.NONE).run(args.toArray(String[]::new));
                return new App(mode, backend, model, context);
            } catch (RuntimeException e) {
                model.close();
                throw e;
            }
        }

        Run ask(Scenario s) {
            return ask(s, false);
        }

        /** Asks the scenario's question once; checks the round trips, the tools that ran and the answer. */
        Run ask(Scenario s, boolean stream) {
            model.reset();
            CallLog log = context.getBean(CallLog.class);
            Executions executions = context.getBean(Executions.class);
            log.drain();
            executions.drain();
            // the same call in both modes, as the application would write it; CodeAct replaces the tools by
            // execute_code. Spring AI 2.0 takes ToolCallbacks in tools(...) too (toolCallbacks(...) is deprecated).
            List<Object> offered = new ArrayList<>(List.of(tools));
            if (s.extraTools > 0) {
                offered.addAll(LargeCatalogs.tools(s.extraTools));
            }
            ChatClient.ChatClientRequestSpec prompt = chat.prompt().user(s.question()).tools(offered.toArray());
            String answer = stream ? String.join("", prompt.stream().content().collectList().block())
                    : prompt.call().content();
            String what = mode.label + ", " + s.label;
            assertThat(model.unexpectedRequests()).as("%s: requests the scripted model could not answer", what).isEmpty();
            List<RecordedRequest> requests = model.requests();
            if (!stream) {
                dump(s, requests);
            }

            Total expected = ConsumerShop.expected(s.email);
            List<String> calls = new ArrayList<>(List.of("find_customer", "orders_for_customer"));
            calls.addAll(Collections.nCopies(expected.orders(), "convert_currency"));
            assertThat(answer).as("%s: the answer", what).isEqualTo(expected.answer());
            assertThat(log.drain()).as("%s: the tools that ran", what).isEqualTo(calls);
            int extra = s.extraTools == 0 ? 0 : LargeCatalogs.tools(s.extraTools).size();
            if (mode == Mode.PLAIN) {
                assertThat(requests).as("%s: model round trips", what).hasSize(4);
                assertThat(requests).allSatisfy(r -> assertThat(r.toolNames()).hasSize(3 + extra)
                        .contains("find_customer", "orders_for_customer", "convert_currency"));
                assertThat(requests.get(3).messages("tool")).as("%s: tool results in the last request", what)
                        .hasSize(calls.size());
            } else {
                assertThat(requests).as("%s: model round trips", what).hasSize(2);
                List<Execution> ran = executions.drain();
                assertThat(ran).as("%s: programs run", what).singleElement().satisfies(e -> {
                    assertThat(e.result().success()).as("the program succeeded: %s", e.result().error()).isTrue();
                    assertThat(e.backend()).isEqualTo(backend);
                    assertThat(e.toolsCalled()).isEqualTo(calls);
                });
                String system = requests.get(0).systemText();
                if (s.extraTools == 0) {
                    assertThat(system).as("%s: the tools are declared", what)
                            .contains("call_tool(name: \"convert_currency\"").doesNotContain("search_tools");
                } else {
                    // the application's own tools come first and are declared; the request's hundreds are indexed
                    assertThat(system).as("%s: auto discovery declares the application's tools, indexes the rest", what)
                            .contains("search_tools", "call_tool(name: \"find_customer\"", "call_tool(name: \"convert_currency\"",
                                    "- support_count_comment\n")
                            .doesNotContain("- find_customer\n");
                }
            }
            return new Run(s, mode, requests);
        }

        /** With {@code -Dcodeact.bench.dump=DIR}: each request body as sent. */
        private void dump(Scenario s, List<RecordedRequest> requests) {
            String dir = System.getProperty("codeact.bench.dump");
            if (dir == null || dir.isBlank()) {
                return;
            }
            String name = s.key() + "-" + (mode == Mode.PLAIN ? "plain" : "codeact-" + backend);
            try {
                Files.createDirectories(Path.of(dir));
                for (int i = 0; i < requests.size(); i++) {
                    Files.write(Path.of(dir, "%s-%d-request.json".formatted(name, i + 1)), requests.get(i).rawBody());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            try {
                context.close();
            } finally {
                model.close();
            }
        }
    }

    // ----------------------------------------------------------------------------------------------------- counting

    /**
     * One request body's bytes by part. System message parts are counted as the JSON string they are in the body
     * (escapes included), messages and the tools array as the compact JSON they are; the rest is what remains.
     */
    private static Map<String, Long> partsOf(RecordedRequest r) {
        Map<String, Long> parts = new LinkedHashMap<>();
        String system = r.systemText();
        if (system != null) {
            long app = system.startsWith(SYSTEM) ? escaped(SYSTEM) : 0;
            long declarations = 0;
            long index = 0;
            int open = system.indexOf("```typescript\n");
            if (open >= 0) {
                int close = system.indexOf("```\n", open + 3);
                declarations = escaped(system.substring(open + "```typescript\n".length(), close));
                if (system.contains("declare function search_tools(")) {
                    index = escaped(system.substring(close + "```\n".length()));
                }
            }
            parts.put("system: application's own", app);
            parts.put("system: CodeAct instructions", escaped(system) - app - declarations - index);
            parts.put("system: tool declarations", declarations);
            parts.put("system: tool index", index);
        }
        parts.put("tool definitions (tools array)", r.tools().isMissingNode() ? 0L : bytes(r.tools()));
        for (String[] role : new String[][] {{"user", "user message"}, {"assistant", "assistant messages (tool calls)"},
                {"tool", "tool messages (results)"}}) {
            parts.put(role[1], r.messages(role[0]).stream().mapToLong(RequestSizeBenchmark::bytes).sum());
        }
        return parts;
    }

    private static long escaped(String text) {
        return JSON.writeValueAsBytes(text).length - 2;
    }

    private static long bytes(JsonNode node) {
        return JSON.writeValueAsBytes(node).length;
    }

    private static double ratio(long codeAct, long plain) {
        return (double) codeAct / plain;
    }

    /** The tables: the figures of each scenario and mode, and where the bytes go. */
    private static String report(String backend, Map<Scenario, Run> codeAct) {
        StringBuilder s = new StringBuilder();
        s.append("\nRequest size, CodeAct against plain tool calling. Sandbox backend: ").append(backend)
                .append("; tokens: o200k_base (jtokkit) of the whole request bodies.\n\n");
        s.append("| scenario | mode | requests | request bytes | first request bytes | tokens |\n");
        s.append("|---|---|---:|---:|---:|---:|\n");
        for (Scenario sc : Scenario.values()) {
            Run p = PLAIN_RUNS.get(sc);
            Run c = codeAct.get(sc);
            for (Run r : List.of(p, c)) {
                s.append(String.format(Locale.ROOT, "| %s | %s | %d | %,d | %,d | %,d |%n", sc.label, r.mode().label,
                        r.requests().size(), r.bytes(), r.firstBytes(), r.tokens()));
            }
            s.append(String.format(Locale.ROOT, "| %s | CodeAct / plain | %.2f× | %.2f× | %.2f× | %.2f× |%n", sc.label,
                    ratio(c.requests().size(), p.requests().size()), ratio(c.bytes(), p.bytes()),
                    ratio(c.firstBytes(), p.firstBytes()), ratio(c.tokens(), p.tokens())));
        }
        s.append("\nWhere the bytes go (all requests of one question):\n\n| scenario | mode | ")
                .append(String.join(" | ", PARTS)).append(" | total |\n|---|---|")
                .append("---:|".repeat(PARTS.size() + 1)).append('\n');
        for (Scenario sc : Scenario.values()) {
            for (Run r : List.of(PLAIN_RUNS.get(sc), codeAct.get(sc))) {
                s.append("| ").append(sc.label).append(" | ").append(r.mode().label).append(" | ");
                r.parts().values().forEach(v -> s.append(String.format(Locale.ROOT, "%,d | ", v)));
                s.append(String.format(Locale.ROOT, "%,d |%n", r.bytes()));
            }
        }
        s.append("\nCodeAct's first request by part:\n\n| scenario | ").append(String.join(" | ", PARTS))
                .append(" | total |\n|---|").append("---:|".repeat(PARTS.size() + 1)).append('\n');
        for (Scenario sc : Scenario.values()) {
            Run first = new Run(sc, Mode.CODEACT, codeAct.get(sc).requests().subList(0, 1));
            s.append("| ").append(sc.label).append(" | ");
            first.parts().values().forEach(v -> s.append(String.format(Locale.ROOT, "%,d | ", v)));
            s.append(String.format(Locale.ROOT, "%,d |%n", first.bytes()));
        }
        return s.toString();
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
