package dev.codeact.sample;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A scripted stand-in for an OpenAI-compatible chat-completions server, on the JDK's HTTP server and 127.0.0.1
 * only. Each {@code POST /chat/completions} (or {@code /v1/chat/completions}) takes the next scripted reply: a
 * call of {@code execute_code} with a program, or a final text. Requests are recorded; one with no reply left
 * gets HTTP 400, which the OpenAI client does not retry. Non-streaming only: the sample's endpoint calls
 * {@code call()}.
 */
public final class ScriptedOpenAiServer implements AutoCloseable {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServer server;
    private final ExecutorService executor;
    private final Deque<JsonNode> script = new ConcurrentLinkedDeque<>();
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();

    private ScriptedOpenAiServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    public static ScriptedOpenAiServer start() {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            ExecutorService executor = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "scripted-openai");
                t.setDaemon(true);
                return t;
            });
            ScriptedOpenAiServer scripted = new ScriptedOpenAiServer(http, executor);
            http.createContext("/", scripted::handle);
            http.setExecutor(executor);
            http.start();
            return scripted;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the scripted OpenAI server", e);
        }
    }

    /** The base URL for {@code spring.ai.openai.base-url}; the client then posts to /chat/completions. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The next reply: the assistant calls execute_code with {@code code} (finish_reason tool_calls). */
    public ScriptedOpenAiServer thenExecuteCode(String callId, String code) {
        ObjectNode message = JSON.createObjectNode().put("role", "assistant");
        message.putNull("content");
        ObjectNode call = message.putArray("tool_calls").addObject();
        call.put("id", callId).put("type", "function");
        call.putObject("function").put("name", "execute_code").put("arguments", JSON.writeValueAsString(Map.of("code", code)));
        script.add(choice(message, "tool_calls"));
        return this;
    }

    /** The next reply: the assistant answers with {@code text} (finish_reason stop). */
    public ScriptedOpenAiServer thenAnswer(String text) {
        script.add(choice(JSON.createObjectNode().put("role", "assistant").put("content", text), "stop"));
        return this;
    }

    public List<JsonNode> requests() {
        return List.copyOf(requests);
    }

    public int remainingReplies() {
        return script.size();
    }

    public void reset() {
        script.clear();
        requests.clear();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** The messages of a recorded request with the given role. */
    public static List<JsonNode> messages(JsonNode request, String role) {
        List<JsonNode> found = new ArrayList<>();
        request.path("messages").forEach(m -> {
            if (role.equals(m.path("role").asString())) {
                found.add(m);
            }
        });
        return found;
    }

    /** A message's content as text, whether a string or an array of text parts. */
    public static String text(JsonNode message) {
        JsonNode content = message.path("content");
        if (content.isArray()) {
            StringBuilder text = new StringBuilder();
            content.forEach(part -> text.append(part.path("text").asString("")));
            return text.toString();
        }
        return content.asString();
    }

    private static ObjectNode choice(ObjectNode message, String finishReason) {
        ObjectNode choice = JSON.createObjectNode();
        choice.put("index", 0);
        choice.set("message", message);
        choice.put("finish_reason", finishReason);
        choice.putNull("logprobs");
        return choice;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!"POST".equals(exchange.getRequestMethod()) || !path.endsWith("/chat/completions")) {
                send(exchange, 404, error("no such endpoint: " + path));
                return;
            }
            JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
            requests.add(body);
            JsonNode choice = script.pollFirst();
            if (choice == null) {
                send(exchange, 400, error("the script has no reply left for request #" + requests.size()));
                return;
            }
            ObjectNode completion = JSON.createObjectNode();
            completion.put("id", "chatcmpl-" + ids.incrementAndGet());
            completion.put("object", "chat.completion");
            completion.put("created", Instant.now().getEpochSecond());
            completion.put("model", body.path("model").asString("test-model"));
            completion.putArray("choices").add(choice);
            completion.putObject("usage").put("prompt_tokens", 100).put("completion_tokens", 20).put("total_tokens", 120);
            send(exchange, 200, completion);
        }
    }

    private static ObjectNode error(String message) {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("error").put("message", message).put("type", "invalid_request_error");
        return root;
    }

    private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
