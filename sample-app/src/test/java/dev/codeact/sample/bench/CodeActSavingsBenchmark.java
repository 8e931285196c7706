package dev.codeact.sample.bench;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.codeact.sample.SampleApplication;
import dev.codeact.sample.bench.ShopTask.Facts;
import dev.codeact.sample.conversion.ConversionTools;
import dev.codeact.sample.shop.ShopTools;
import dev.codeact.sample.web.ExecutionCollector;
import dev.codeact.spring.execution.ExecutionListener;
import dev.codeact.spring.testing.RecordedRequest;
import dev.codeact.spring.testing.Reply;
import dev.codeact.spring.testing.ScriptedOpenAiServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * What CodeAct saves on one task of the sample application ({@link ShopTask}: five dependent tool calls), measured
 * against a scripted model on a loopback OpenAI-compatible server ({@link ScriptedOpenAiServer} with a responder):
 *
 * <ul>
 *   <li><b>plain</b>: {@code codeact.enabled=false}, Spring AI's own tool calling; the model gets the seven sample
 *   tools and asks for one per reply, each with values from the previous results; then answers: 6 requests;</li>
 *   <li><b>CodeAct</b>: {@code codeact.enabled=true}; the model gets {@code execute_code} and writes one program
 *   that makes the same five calls in the sandbox; then answers: 2 requests.</li>
 * </ul>
 *
 * Both run the real application (its tool beans over the seeded H2 database, Spring AI's OpenAI client, and for
 * CodeAct the configured sandbox backend) through the auto-configured {@link ChatClient}. Counted: requests to the
 * model, bytes of their bodies, their tokens ({@code o200k_base}, the encoding of the sample's default gpt-4o-mini),
 * tokens of what the model wrote, and the wall time of the whole chat call. Both modes must produce the facts the
 * tool beans give when called directly, or the run fails.
 *
 * <p>Run: {@code mvn -B -pl sample-app test -Dtest=CodeActSavingsTest} (one measured run), or this main method
 * with {@code --warmups=N --runs=N --out=FILE}. {@code -Dcodeact.bench.dump=DIR} writes every request body and
 * reply of the latest run there, to read what each mode sends.
 */
public final class CodeActSavingsBenchmark {
    /** ChatController's system message, so both modes start from what the sample's /api/chat sends. */
    static final String SYSTEM = """
            You are the support assistant of an online electronics shop. Answer questions about customers, orders \
            and products from the shop's data, never from memory. Amounts are in EUR unless asked otherwise. \
            Be brief and give the numbers you computed.""";
    static final EncodingType ENCODING = EncodingType.O200K_BASE;
    static final String TOKENIZER = "jtokkit 1.1.0, " + ENCODING.getName();
    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    private static final JsonMapper COMPACT = JsonMapper.builder().build();

    /** The two ways of answering. */
    public enum Mode {
        PLAIN("plain", "plain tool calling", false, ShopTask::plainModel),
        CODEACT("codeact", "CodeAct", true, ShopTask::codeActModel);

        final String key;
        final String label;
        final boolean codeActEnabled;
        final Function<RecordedRequest, Reply> model;

        Mode(String key, String label, boolean codeActEnabled, Function<RecordedRequest, Reply> model) {
            this.key = key;
            this.label = label;
            this.codeActEnabled = codeActEnabled;
            this.model = model;
        }
    }

    /**
     * One answered question.
     *
     * @param requests model round trips
     * @param requestBytes bytes of each request body, in order
     * @param bodyTokens tokens of each whole request body (the JSON as sent)
     * @param promptTokens tokens of each request's messages and tool definitions (texts, tool-call arguments,
     *     tool results, and each tool's JSON definition), without the JSON around them
     * @param outputTokens tokens the model wrote over all replies (texts, tool names and arguments)
     * @param toolsCalled the application tools that ran, in order
     * @param facts what the final answer says
     * @param answer the final answer text
     * @param backend the sandbox backend that ran the program (CodeAct), or null
     * @param nanos wall time of the chat call
     * @param programNanos of which the program's execution in the sandbox (CodeAct), or 0
     */
    public record Run(int requests, List<Integer> requestBytes, List<Integer> bodyTokens, List<Integer> promptTokens,
            int outputTokens, List<String> toolsCalled, Facts facts, String answer, String backend, long nanos,
            long programNanos) {
        long totalBytes() {
            return requestBytes.stream().mapToLong(Integer::longValue).sum();
        }

        long totalBodyTokens() {
            return bodyTokens.stream().mapToLong(Integer::longValue).sum();
        }

        long totalPromptTokens() {
            return promptTokens.stream().mapToLong(Integer::longValue).sum();
        }

        /** The same requests and answer, whatever the time: the measurement is deterministic. */
        boolean sameTraffic(Run other) {
            return requestBytes.equals(other.requestBytes) && bodyTokens.equals(other.bodyTokens)
                    && promptTokens.equals(other.promptTokens) && outputTokens == other.outputTokens
                    && answer.equals(other.answer);
        }
    }

    /**
     * One mode's measurement: the traffic of its (identical) runs and the wall time of each.
     *
     * @param mode the mode
     * @param traffic the last measured run
     * @param nanos wall time of each measured run
     * @param programNanos the program's time in the sandbox in each measured run (CodeAct; zeros otherwise)
     */
    public record Measurement(Mode mode, Run traffic, List<Long> nanos, List<Long> programNanos) {
        double medianMillis() {
            return median(nanos);
        }

        double programMedianMillis() {
            return median(programNanos);
        }

        private static double median(List<Long> values) {
            List<Long> sorted = values.stream().sorted().toList();
            int n = sorted.size();
            double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
            return median / 1e6;
        }

        double minMillis() {
            return nanos.stream().mapToLong(Long::longValue).min().orElseThrow() / 1e6;
        }
    }

    /**
     * Both modes and what they should have found.
     *
     * @param expected the facts from the tool beans called directly
     * @param plain plain tool calling
     * @param codeAct CodeAct
     * @param warmups unmeasured runs per mode
     * @param runs measured runs per mode
     */
    public record Report(Facts expected, Measurement plain, Measurement codeAct, int warmups, int runs) {
        static double ratio(double plain, double codeAct) {
            return codeAct == 0 ? Double.NaN : plain / codeAct;
        }

        /** The rows of the table: label, plain, CodeAct, plain / CodeAct. */
        List<String[]> rows() {
            Run p = plain.traffic();
            Run c = codeAct.traffic();
            List<String[]> rows = new ArrayList<>();
            rows.add(row("model round trips (requests)", p.requests(), c.requests()));
            rows.add(row("bytes sent to the model (request bodies)", p.totalBytes(), c.totalBytes()));
            rows.add(row("tokens sent, whole request bodies", p.totalBodyTokens(), c.totalBodyTokens()));
            rows.add(row("tokens sent, messages + tool definitions", p.totalPromptTokens(), c.totalPromptTokens()));
            rows.add(row("tokens written by the model", p.outputTokens(), c.outputTokens()));
            rows.add(row("tool calls run by the application", p.toolsCalled().size(), c.toolsCalled().size()));
            rows.add(new String[] {"wall time, median of " + runs + " (ms)", fmt(plain.medianMillis()),
                    fmt(codeAct.medianMillis()), times(ratio(plain.medianMillis(), codeAct.medianMillis()))});
            return rows;
        }

        private static String[] row(String label, long plain, long codeAct) {
            return new String[] {label, String.format(Locale.ROOT, "%,d", plain), String.format(Locale.ROOT, "%,d", codeAct),
                    times(ratio(plain, codeAct))};
        }

        private static String fmt(double millis) {
            return String.format(Locale.ROOT, "%.1f", millis);
        }

        private static String times(double ratio) {
            return String.format(Locale.ROOT, "%.2f×", ratio);
        }

        /** The table as Markdown. */
        public String table() {
            StringBuilder s = new StringBuilder();
            s.append("| per question | plain tool calling | CodeAct | plain / CodeAct |\n");
            s.append("|---|---:|---:|---:|\n");
            for (String[] r : rows()) {
                s.append("| ").append(String.join(" | ", r)).append(" |\n");
            }
            return s.toString();
        }

        /** Everything, for target/codeact-savings.json. */
        public Map<String, Object> toMap() {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("task", ShopTask.QUESTION);
            root.put("tools", ShopTask.STEPS);
            root.put("tokenizer", TOKENIZER);
            root.put("sandboxBackend", codeAct.traffic().backend());
            root.put("warmups", warmups);
            root.put("runs", runs);
            root.put("expected", expected.toMap());
            root.put("answer", plain.traffic().answer());
            Map<String, Object> modes = new LinkedHashMap<>();
            modes.put(plain.mode().key, mode(plain));
            modes.put(codeAct.mode().key, mode(codeAct));
            root.put("modes", modes);
            Run p = plain.traffic();
            Run c = codeAct.traffic();
            Map<String, Object> ratios = new LinkedHashMap<>();
            ratios.put("requests", ratio(p.requests(), c.requests()));
            ratios.put("requestBytes", ratio(p.totalBytes(), c.totalBytes()));
            ratios.put("bodyTokens", ratio(p.totalBodyTokens(), c.totalBodyTokens()));
            ratios.put("promptTokens", ratio(p.totalPromptTokens(), c.totalPromptTokens()));
            ratios.put("outputTokens", ratio(p.outputTokens(), c.outputTokens()));
            ratios.put("wallTimeMedian", ratio(plain.medianMillis(), codeAct.medianMillis()));
            root.put("plainOverCodeAct", ratios);
            root.put("table", table());
            return root;
        }

        private static Map<String, Object> mode(Measurement m) {
            Run r = m.traffic();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("label", m.mode().label);
            out.put("codeact.enabled", m.mode().codeActEnabled);
            out.put("requests", r.requests());
            out.put("requestBytes", r.totalBytes());
            out.put("bodyTokens", r.totalBodyTokens());
            out.put("promptTokens", r.totalPromptTokens());
            out.put("outputTokens", r.outputTokens());
            out.put("toolsCalled", r.toolsCalled());
            out.put("requestBytesPerRequest", r.requestBytes());
            out.put("bodyTokensPerRequest", r.bodyTokens());
            out.put("promptTokensPerRequest", r.promptTokens());
            out.put("wallTimeMsMedian", m.medianMillis());
            out.put("wallTimeMsMin", m.minMillis());
            out.put("wallTimeMsAll", m.nanos().stream().map(n -> n / 1e6).toList());
            if (m.mode() == Mode.CODEACT) {
                out.put("programInSandboxMsMedian", m.programMedianMillis());
            }
            out.put("answer", r.answer());
            return out;
        }

        public void write(Path file) {
            try {
                Files.createDirectories(file.toAbsolutePath().getParent());
                Files.writeString(file, JSON.writeValueAsString(toMap()) + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private CodeActSavingsBenchmark() {
    }

    /** One model round trip: the request as sent and the scripted model's reply. */
    private record Exchange(RecordedRequest request, Reply reply) {
    }

    /**
     * Starts one application per mode, each with its own loopback model, runs the task {@code warmups} times
     * unmeasured and {@code runs} times measured in each, alternating the modes, and checks every run.
     */
    public static Report run(int warmups, int runs) {
        if (warmups < 0 || runs < 1) {
            throw new IllegalArgumentException("warmups >= 0 and runs >= 1, were " + warmups + " and " + runs);
        }
        Encoding tokenizer = Encodings.newLazyEncodingRegistry().getEncoding(ENCODING);
        try (App plainApp = App.start(Mode.PLAIN);
                App codeActApp = App.start(Mode.CODEACT)) {
            Facts expected = ShopTask.expected(plainApp.shop, plainApp.conversion);
            Facts expectedCodeActApp = ShopTask.expected(codeActApp.shop, codeActApp.conversion);
            check(expected.equals(expectedCodeActApp), "the two applications hold different data: %s vs %s", expected,
                    expectedCodeActApp);
            List<Run> plainRuns = new ArrayList<>();
            List<Run> codeActRuns = new ArrayList<>();
            for (int i = 0; i < warmups + runs; i++) {
                Run p = plainApp.ask(tokenizer, expected);
                Run c = codeActApp.ask(tokenizer, expected);
                if (i >= warmups) {
                    plainRuns.add(p);
                    codeActRuns.add(c);
                }
            }
            return new Report(expected, measurement(Mode.PLAIN, plainRuns), measurement(Mode.CODEACT, codeActRuns),
                    warmups, runs);
        }
    }

    private static Measurement measurement(Mode mode, List<Run> runs) {
        Run last = runs.get(runs.size() - 1);
        for (Run r : runs) {
            check(r.sameTraffic(last), "%s: runs sent different requests: %s vs %s", mode.label, r.requestBytes(),
                    last.requestBytes());
        }
        return new Measurement(mode, last, runs.stream().map(Run::nanos).toList(),
                runs.stream().map(Run::programNanos).toList());
    }

    /**
     * One application context in one mode, its auto-configured ChatClient, and the loopback model it talks to:
     * a {@link ScriptedOpenAiServer} that answers with the mode's scripted model and keeps each round trip.
     */
    private static final class App implements AutoCloseable {
        final Mode mode;
        final ScriptedOpenAiServer model;
        final List<Exchange> exchanges;
        final ConfigurableApplicationContext context;
        final ChatClient chat;
        final ShopTools shop;
        final ConversionTools conversion;

        private App(Mode mode, ScriptedOpenAiServer model, List<Exchange> exchanges,
                ConfigurableApplicationContext context) {
            this.mode = mode;
            this.model = model;
            this.exchanges = exchanges;
            this.context = context;
            this.chat = context.getBean(ChatClient.Builder.class).defaultSystem(SYSTEM).build();
            this.shop = context.getBean(ShopTools.class);
            this.conversion = context.getBean(ConversionTools.class);
        }

        static App start(Mode mode) {
            List<Exchange> exchanges = new CopyOnWriteArrayList<>();
            ScriptedOpenAiServer model = ScriptedOpenAiServer.start(request -> {
                Reply reply = mode.model.apply(request);
                exchanges.add(new Exchange(request, reply));
                return reply;
            });
            ConfigurableApplicationContext context = null;
            try {
                context = context(mode, model);
                return new App(mode, model, exchanges, context);
            } catch (RuntimeException e) {
                if (context != null) {
                    context.close();
                }
                model.close();
                throw e;
            }
        }

        private static ConfigurableApplicationContext context(Mode mode, ScriptedOpenAiServer model) {
            // command-line arguments: they override application.yml (and OPENAI_* environment variables)
            return new SpringApplicationBuilder(SampleApplication.class)
                    .web(WebApplicationType.NONE)
                    .run("--spring.main.banner-mode=off",
                            "--spring.main.log-startup-info=false",
                            "--logging.level.root=WARN",
                            "--spring.ai.openai.base-url=" + model.baseUrl(),
                            "--spring.ai.openai.api-key=",
                            "--spring.ai.openai.chat.model=test-model",
                            "--spring.ai.openai.max-retries=0",
                            "--codeact.enabled=" + mode.codeActEnabled,
                            "--codeact.sandbox.pool-size=1",
                            // /api/execute needs the CodeActExecutor, which only exists with CodeAct on
                            "--sample.api.execute.enabled=" + mode.codeActEnabled);
        }

        /** Asks the question once; checks the round trips, the tools that ran and the answer. */
        Run ask(Encoding tokenizer, Facts expected) {
            model.reset();
            exchanges.clear();
            ExecutionCollector collector = new ExecutionCollector();
            long start = System.nanoTime();
            String answer = chat.prompt()
                    .user(ShopTask.QUESTION)
                    // the same tools in both modes: plain tool calling offers them to the model as they are,
                    // CodeAct declares them to the program (it would find these beans on its own as well)
                    .tools(shop, conversion)
                    .toolContext(Map.of(ExecutionCollector.TOOL_CONTEXT_KEY, collector))
                    .call()
                    .content();
            long nanos = System.nanoTime() - start;
            check(model.unexpectedRequests().isEmpty(), "%s: the scripted model could not answer: %s", mode.label,
                    model.unexpectedRequests());
            List<Exchange> exchanges = List.copyOf(this.exchanges);
            dump(mode, exchanges);

            List<Integer> bytes = new ArrayList<>();
            List<Integer> bodyTokens = new ArrayList<>();
            List<Integer> promptTokens = new ArrayList<>();
            int outputTokens = 0;
            List<String> modelToolCalls = new ArrayList<>();
            for (Exchange e : exchanges) {
                byte[] body = e.request().rawBody();
                bytes.add(body.length);
                bodyTokens.add(tokenizer.countTokensOrdinary(new String(body, StandardCharsets.UTF_8)));
                promptTokens.add(tokenizer.countTokensOrdinary(promptText(e.request())));
                outputTokens += tokenizer.countTokensOrdinary(replyText(e.reply()));
                if (e.reply() instanceof Reply.ToolCall call) {
                    modelToolCalls.add(call.toolName());
                }
            }
            List<ExecutionListener.Execution> executions = collector.executions();
            List<String> toolsCalled;
            String backend = null;
            long programNanos = 0;
            if (mode == Mode.PLAIN) {
                check(executions.isEmpty(), "plain: CodeAct ran programs");
                toolsCalled = modelToolCalls;
                check(exchanges.size() == 6, "plain: expected 6 model requests, were %d", exchanges.size());
                check(exchanges.stream().allMatch(e -> e.request().tools().size() == 7),
                        "plain: every request should offer the seven sample tools");
            } else {
                check(modelToolCalls.equals(List.of("execute_code")), "CodeAct: the model called %s", modelToolCalls);
                check(executions.size() == 1, "CodeAct: expected one program, ran %d", executions.size());
                ExecutionListener.Execution execution = executions.get(0);
                check(execution.result().success(), "CodeAct: the program failed: %s", execution.result().error());
                toolsCalled = execution.toolsCalled();
                backend = execution.backend();
                programNanos = execution.result().duration().toNanos();
                check(exchanges.size() == 2, "CodeAct: expected 2 model requests, were %d", exchanges.size());
                check(ShopTask.programFacts(execution.result().resultJson()).equals(expected),
                        "CodeAct: the program returned %s, the tools give %s", execution.result().resultJson(), expected);
            }
            check(toolsCalled.equals(ShopTask.STEPS), "%s: tools called %s, expected %s", mode.label, toolsCalled,
                    ShopTask.STEPS);
            check(expected.answer().equals(answer), "%s: the answer%n  %s%ndiffers from the expected%n  %s", mode.label,
                    answer, expected.answer());
            return new Run(exchanges.size(), bytes, bodyTokens, promptTokens, outputTokens, toolsCalled, expected, answer,
                    backend, nanos, programNanos);
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

    /**
     * What a request gives the model to read, without the JSON around it: each message's text, the tool calls of
     * assistant messages (name and arguments), and each tool definition (its JSON: name, description, parameter
     * schema). OpenAI renders tool definitions in its own internal format, so this approximates the prompt tokens
     * an API would bill; the whole bodies are counted as well.
     */
    static String promptText(RecordedRequest request) {
        StringBuilder s = new StringBuilder();
        for (JsonNode m : request.messages()) {
            s.append(RecordedRequest.text(m)).append('\n');
            for (JsonNode call : m.path("tool_calls")) {
                s.append(call.path("function").path("name").asString()).append(' ')
                        .append(call.path("function").path("arguments").asString()).append('\n');
            }
        }
        for (JsonNode tool : request.tools()) {
            s.append(COMPACT.writeValueAsString(tool.path("function"))).append('\n');
        }
        return s.toString();
    }

    /** What the model wrote in one reply: its text, or the tool it called with its arguments. */
    static String replyText(Reply reply) {
        if (reply instanceof Reply.ToolCall call) {
            return call.toolName() + ' ' + call.arguments();
        }
        return ((Reply.Text) reply).text();
    }

    /**
     * With {@code -Dcodeact.bench.dump=DIR}: each request body of the latest run as sent, and the scripted model's
     * reply to it.
     */
    private static void dump(Mode mode, List<Exchange> exchanges) {
        String dir = System.getProperty("codeact.bench.dump");
        if (dir == null || dir.isBlank()) {
            return;
        }
        try {
            Files.createDirectories(Path.of(dir));
            for (int i = 0; i < exchanges.size(); i++) {
                Exchange e = exchanges.get(i);
                Files.write(Path.of(dir, "%s-%d-request.json".formatted(mode.key, i + 1)), e.request().rawBody());
                Files.writeString(Path.of(dir, "%s-%d-reply.json".formatted(mode.key, i + 1)),
                        JSON.writeValueAsString(e.reply()) + "\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void check(boolean ok, String message, Object... args) {
        if (!ok) {
            throw new IllegalStateException(String.format(Locale.ROOT, message, args));
        }
    }

    /** The default report file: target/ of the sample-app module, from the module or the repository root. */
    static Path defaultOutput() {
        String basedir = System.getProperty("basedir");
        if (basedir != null) {
            return Path.of(basedir, "target", "codeact-savings.json");
        }
        return Files.isDirectory(Path.of("sample-app", "src")) ? Path.of("sample-app", "target", "codeact-savings.json")
                : Path.of("target", "codeact-savings.json");
    }

    /** {@code --warmups=N} (default 3), {@code --runs=N} (default 10), {@code --out=FILE}. */
    public static void main(String[] args) {
        int warmups = 3;
        int runs = 10;
        Path out = defaultOutput();
        for (String arg : args) {
            if (arg.startsWith("--warmups=")) {
                warmups = Integer.parseInt(arg.substring("--warmups=".length()));
            } else if (arg.startsWith("--runs=")) {
                runs = Integer.parseInt(arg.substring("--runs=".length()));
            } else if (arg.startsWith("--out=")) {
                out = Path.of(arg.substring("--out=".length()));
            } else {
                throw new IllegalArgumentException("unknown argument " + arg + "; use --warmups=N --runs=N --out=FILE");
            }
        }
        Report report = run(warmups, runs);
        report.write(out);
        System.out.println();
        System.out.println("What CodeAct saves: " + ShopTask.QUESTION);
        System.out.println("Tokens: " + TOKENIZER + "; sandbox backend: " + report.codeAct().traffic().backend());
        System.out.println(report.table());
        System.out.println("Answer (both modes): " + report.plain().traffic().answer());
        System.out.println("Written to " + out.toAbsolutePath());
    }
}
