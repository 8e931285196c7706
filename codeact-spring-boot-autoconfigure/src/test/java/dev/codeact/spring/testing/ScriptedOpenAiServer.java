package dev.codeact.spring.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * A fake OpenAI chat-completions API for tests, on the JDK's HTTP server and 127.0.0.1 only. Each
 * {@code POST /v1/chat/completions} (or {@code /chat/completions}: Spring AI's default base URL ends with
 * {@code /v1}, so a base URL without it makes the client post to {@code /chat/completions}) is recorded as a
 * {@link RecordedRequest} and answered with a {@link Reply}: as one JSON completion or, for {@code "stream": true},
 * as Server-Sent Events ({@link ChatCompletionJson}).
 *
 * <p>The replies come either from a script, each request taking the next one ({@link #start()} and
 * {@link #enqueue}), or from a responder that computes each reply from its request, as a stateless model would
 * ({@link #start(Function)}). A request that gets no reply, because the script is empty, the responder returns
 * null or throws, or the request is not a chat completion, is answered with an HTTP error (400 for chat requests,
 * a status the OpenAI client does not retry) and listed in {@link #unexpectedRequests()}.
 *
 * <p>Loading this class sets {@code sun.net.httpserver.nodelay} to {@code true} unless it is set: without TCP_NODELAY the JDK's
 * server answers each keep-alive request about 40 ms late (Nagle against the client's delayed ACK). The JDK reads
 * the property once per JVM, when the first {@link HttpServer} is created.
 */
public final class ScriptedOpenAiServer implements AutoCloseable {
    private static final String NODELAY = "sun.net.httpserver.nodelay";

    static {
        if (System.getProperty(NODELAY) == null) {
            System.setProperty(NODELAY, "true");
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    /** Null when the replies come from {@link #script}. */
    private final Function<RecordedRequest, Reply> responder;
    private final Deque<Reply> script = new ConcurrentLinkedDeque<>();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final List<String> unexpected = new CopyOnWriteArrayList<>();
    private final AtomicInteger completionIds = new AtomicInteger();

    private ScriptedOpenAiServer(Function<RecordedRequest, Reply> responder) throws IOException {
        this.responder = responder;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "scripted-openai-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** Starts a server that answers with the scripted replies ({@link #enqueue}), on a free port; daemon threads. */
    public static ScriptedOpenAiServer start() {
        return create(null);
    }

    /**
     * Starts a server that answers each request with what {@code responder} computes from it, on a free port;
     * daemon threads. The responder returns null, or throws, to answer with an error.
     */
    public static ScriptedOpenAiServer start(Function<RecordedRequest, Reply> responder) {
        if (responder == null) {
            throw new IllegalArgumentException("responder is null");
        }
        return create(responder);
    }

    private static ScriptedOpenAiServer create(Function<RecordedRequest, Reply> responder) {
        try {
            return new ScriptedOpenAiServer(responder);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the scripted OpenAI server", e);
        }
    }

    /**
     * Points Spring AI's OpenAI client at this server: its base URL, {@code apiKey} ("" is a local server's way), the
     * model name "test-model", and no retries (a test's scripted replies are consumed once).
     */
    public void registerAsOpenAi(org.springframework.test.context.DynamicPropertyRegistry registry, String apiKey) {
        registry.add("spring.ai.openai.base-url", this::baseUrl);
        registry.add("spring.ai.openai.api-key", () -> apiKey);
        registry.add("spring.ai.openai.chat.model", () -> "test-model");
        registry.add("spring.ai.openai.max-retries", () -> "0");
    }

    /** The base URL to configure as {@code spring.ai.openai.base-url}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Appends replies to the script; each request takes the next one. Only for a server without a responder. */
    public ScriptedOpenAiServer enqueue(Reply... replies) {
        if (responder != null) {
            throw new IllegalStateException("this server's responder computes the replies; there is no script");
        }
        script.addAll(List.of(replies));
        return this;
    }

    /** Forgets the script, the recorded requests and the unexpected ones. */
    public void reset() {
        script.clear();
        requests.clear();
        unexpected.clear();
    }

    /** The chat-completions requests received, in order. */
    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    /** The chat-completions request received at {@code index}, from 0. */
    public RecordedRequest request(int index) {
        return requests.get(index);
    }

    /** Replies scripted but not yet taken. */
    public int remainingReplies() {
        return script.size();
    }

    /** Requests that got no reply, or that the server could not handle, with the reason. */
    public List<String> unexpectedRequests() {
        return List.copyOf(unexpected);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getPath();
            if (!"POST".equals(exchange.getRequestMethod())
                    || !(path.equals("/v1/chat/completions") || path.equals("/chat/completions"))) {
                reject(exchange, 404, exchange.getRequestMethod() + " " + path + ": not a chat-completions call");
                return;
            }
            byte[] raw = exchange.getRequestBody().readAllBytes();
            JsonNode body;
            try {
                body = ChatCompletionJson.JSON.readTree(raw);
            } catch (RuntimeException e) {
                reject(exchange, 400, "unparsable body: " + e.getMessage());
                return;
            }
            Map<String, String> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.isEmpty() ? "" : v.get(0)));
            RecordedRequest request = new RecordedRequest(path, headers, raw, body);
            requests.add(request);
            int number = requests.size();
            Reply reply;
            try {
                reply = responder == null ? script.pollFirst() : responder.apply(request);
            } catch (RuntimeException e) {
                reject(exchange, 400, "the responder cannot answer request #" + number + ": " + e);
                return;
            }
            if (reply == null) {
                reject(exchange, 400, responder == null ? "the script has no reply left for request #" + number
                        : "the responder has no reply for request #" + number);
                return;
            }
            String id = "chatcmpl-" + completionIds.incrementAndGet();
            String model = body.path("model").asString("test-model");
            int promptTokens = 100 + number;
            if (request.stream()) {
                boolean usage = body.path("stream_options").path("include_usage").asBoolean(false);
                exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
                exchange.getResponseHeaders().set("Cache-Control", "no-cache");
                exchange.sendResponseHeaders(200, 0);
                try (OutputStream out = exchange.getResponseBody()) {
                    ChatCompletionJson.stream(out, id, model, reply, usage ? promptTokens : -1);
                }
            } else {
                sendJson(exchange, 200, ChatCompletionJson.completion(id, model, reply, promptTokens));
            }
        } catch (RuntimeException | IOException e) {
            unexpected.add("server failure: " + e);
            throw e;
        } finally {
            exchange.close();
        }
    }

    /** Answers with an error and lists the request as unexpected. */
    private void reject(HttpExchange exchange, int status, String reason) throws IOException {
        unexpected.add(reason);
        sendJson(exchange, status, ChatCompletionJson.error(reason));
    }

    private static void sendJson(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = ChatCompletionJson.JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
