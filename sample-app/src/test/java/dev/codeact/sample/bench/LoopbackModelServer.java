package dev.codeact.sample.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * An OpenAI-compatible chat-completions server on the JDK's HTTP server, bound to 127.0.0.1 only, that plays the
 * model with a function: each {@code POST .../chat/completions} body goes to the current {@link #model(Function)
 * model}, which returns the assistant message to answer with (computed from the request, as a model would).
 * Every request is recorded with its exact body bytes, every reply with the assistant message, so a benchmark can
 * count what was sent to the model and what the model wrote. Non-streaming only.
 */
final class LoopbackModelServer implements AutoCloseable {
    static final String NODELAY = "sun.net.httpserver.nodelay";

    static {
        // Without TCP_NODELAY the JDK's server answers each keep-alive request about 40 ms late (Nagle against the
        // client's delayed ACK), which would swamp the wall times. Read once per JVM, when the first HttpServer is
        // created: the sample-app's surefire configuration sets it for the whole test JVM as well.
        if (System.getProperty(NODELAY) == null) {
            System.setProperty(NODELAY, "true");
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One round trip: the request body as sent (bytes and parsed) and the assistant message answered. */
    record Exchange(byte[] body, JsonNode request, JsonNode reply) {
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();
    private volatile Function<JsonNode, ObjectNode> model = request -> {
        throw new IllegalStateException("no model set");
    };

    private LoopbackModelServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    static LoopbackModelServer start() {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            ExecutorService executor = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "loopback-model");
                t.setDaemon(true);
                return t;
            });
            LoopbackModelServer s = new LoopbackModelServer(http, executor);
            http.createContext("/", s::handle);
            http.setExecutor(executor);
            http.start();
            return s;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the loopback model server", e);
        }
    }

    /** For {@code spring.ai.openai.base-url}. */
    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The function that plays the model: request body in, assistant message out. */
    void model(Function<JsonNode, ObjectNode> model) {
        this.model = model;
    }

    List<Exchange> exchanges() {
        return List.copyOf(exchanges);
    }

    void clear() {
        exchanges.clear();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange http) throws IOException {
        try (http) {
            String path = http.getRequestURI().getPath();
            if (!"POST".equals(http.getRequestMethod()) || !path.endsWith("/chat/completions")) {
                send(http, 404, error("no such endpoint: " + path));
                return;
            }
            byte[] body = http.getRequestBody().readAllBytes();
            JsonNode request = JSON.readTree(body);
            ObjectNode message;
            try {
                message = model.apply(request);
            } catch (RuntimeException e) {
                // 400: the OpenAI client does not retry it, and the failure reaches the benchmark with this text
                exchanges.add(new Exchange(body, request, null));
                send(http, 400, error("the scripted model cannot answer request #" + (exchanges.size()) + ": " + e));
                return;
            }
            exchanges.add(new Exchange(body, request, message));
            ObjectNode completion = JSON.createObjectNode();
            completion.put("id", "chatcmpl-" + ids.incrementAndGet());
            completion.put("object", "chat.completion");
            completion.put("created", Instant.now().getEpochSecond());
            completion.put("model", request.path("model").asString("test-model"));
            ObjectNode choice = completion.putArray("choices").addObject();
            choice.put("index", 0);
            choice.set("message", message);
            choice.put("finish_reason", message.has("tool_calls") ? "tool_calls" : "stop");
            choice.putNull("logprobs");
            // not a measurement: the benchmark counts tokens itself
            completion.putObject("usage").put("prompt_tokens", 0).put("completion_tokens", 0).put("total_tokens", 0);
            send(http, 200, completion);
        }
    }

    private static ObjectNode error(String message) {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("error").put("message", message).put("type", "invalid_request_error");
        return root;
    }

    private static void send(HttpExchange http, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        http.getResponseHeaders().set("Content-Type", "application/json");
        http.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = http.getResponseBody()) {
            out.write(bytes);
        }
    }
}
