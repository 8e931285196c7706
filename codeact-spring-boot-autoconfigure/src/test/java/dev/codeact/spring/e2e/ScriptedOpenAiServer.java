package dev.codeact.spring.e2e;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A scripted stand-in for the OpenAI chat-completions API, built on the JDK's HTTP server only. Each
 * {@code POST /v1/chat/completions} (or {@code /chat/completions}; Spring AI's default base URL ends with
 * {@code /v1}, so a base URL without it makes the client post to {@code /chat/completions}) is answered with
 * the next scripted {@link Reply}, as one JSON completion or, for {@code "stream": true}, as Server-Sent
 * Events. Every request is recorded for assertions. A request with no scripted reply left gets HTTP 400 (a
 * status the OpenAI client does not retry) and is counted in {@link #unexpectedRequests()}.
 */
public final class ScriptedOpenAiServer implements AutoCloseable {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServer server;
    private final ExecutorService executor;
    private final Deque<Reply> script = new ConcurrentLinkedDeque<>();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final List<String> unexpected = new CopyOnWriteArrayList<>();
    private final AtomicInteger completionIds = new AtomicInteger();

    private ScriptedOpenAiServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts a server on 127.0.0.1 and a free port. Its threads are daemons. */
    public static ScriptedOpenAiServer start() {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            AtomicInteger threads = new AtomicInteger();
            ExecutorService executor = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "scripted-openai-" + threads.incrementAndGet());
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

    /** The base URL to configure as {@code spring.ai.openai.base-url}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Appends replies to the script; each request takes the next one. */
    public ScriptedOpenAiServer enqueue(Reply... replies) {
        script.addAll(List.of(replies));
        return this;
    }

    /** Forgets the script, the recorded requests and the unexpected ones. */
    public void reset() {
        script.clear();
        requests.clear();
        unexpected.clear();
    }

    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    public RecordedRequest request(int index) {
        return requests.get(index);
    }

    /** Replies scripted but not yet taken. */
    public int remainingReplies() {
        return script.size();
    }

    /** Requests that found no scripted reply, or that the server could not handle, with the reason. */
    public List<String> unexpectedRequests() {
        return List.copyOf(unexpected);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ---------------------------------------------------------------------------------------------------- replies

    /** One scripted model turn. */
    public sealed interface Reply permits ToolCallReply, TextReply {
    }

    /** The assistant calls {@code execute_code} with this program (finish_reason {@code tool_calls}). */
    public record ToolCallReply(String callId, String toolName, String arguments) implements Reply {
    }

    /** The assistant answers with text (finish_reason {@code stop}). */
    public record TextReply(String text) implements Reply {
    }

    public static Reply executeCode(String callId, String code) {
        return new ToolCallReply(callId, "execute_code", JSON.writeValueAsString(Map.of("code", code)));
    }

    public static Reply text(String text) {
        return new TextReply(text);
    }

    // --------------------------------------------------------------------------------------------------- requests

    /**
     * One request as received.
     *
     * @param path the request path
     * @param headers request headers, names in lower case (first value each)
     * @param body the parsed JSON body
     */
    public record RecordedRequest(String path, Map<String, String> headers, JsonNode body) {

        public boolean stream() {
            return body.path("stream").asBoolean(false);
        }

        public JsonNode tools() {
            return body.path("tools");
        }

        public List<String> toolNames() {
            List<String> names = new ArrayList<>();
            for (JsonNode tool : body.path("tools")) {
                names.add(tool.path("function").path("name").asString());
            }
            return names;
        }

        public List<JsonNode> messages() {
            List<JsonNode> messages = new ArrayList<>();
            body.path("messages").forEach(messages::add);
            return messages;
        }

        public List<JsonNode> messages(String role) {
            return messages().stream().filter(m -> role.equals(m.path("role").asString())).toList();
        }

        /** The text of the first system (or developer) message, or null. */
        public String systemText() {
            for (JsonNode m : messages()) {
                String role = m.path("role").asString();
                if (role.equals("system") || role.equals("developer")) {
                    return text(m);
                }
            }
            return null;
        }

        /** A message's content as text, whether it is a string or an array of text parts. */
        public static String text(JsonNode message) {
            JsonNode content = message.path("content");
            if (content.isString()) {
                return content.asString();
            }
            if (content.isArray()) {
                StringBuilder text = new StringBuilder();
                for (JsonNode part : content) {
                    text.append(part.path("text").asString(""));
                }
                return text.toString();
            }
            return null;
        }
    }

    // ----------------------------------------------------------------------------------------------------- server

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getPath();
            if (!"POST".equals(exchange.getRequestMethod())
                    || !(path.equals("/v1/chat/completions") || path.equals("/chat/completions"))) {
                unexpected.add(exchange.getRequestMethod() + " " + path + ": not a chat-completions call");
                sendJson(exchange, 404, error("no such endpoint: " + exchange.getRequestMethod() + " " + path));
                return;
            }
            byte[] raw = exchange.getRequestBody().readAllBytes();
            JsonNode body;
            try {
                body = JSON.readTree(raw);
            } catch (RuntimeException e) {
                unexpected.add("unparsable body: " + e.getMessage());
                sendJson(exchange, 400, error("unparsable body: " + e.getMessage()));
                return;
            }
            Map<String, String> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.isEmpty() ? "" : v.get(0)));
            RecordedRequest request = new RecordedRequest(path, headers, body);
            requests.add(request);
            Reply reply = script.pollFirst();
            if (reply == null) {
                unexpected.add("request #" + requests.size() + " found no scripted reply");
                sendJson(exchange, 400, error("the script has no reply left for request #" + requests.size()));
                return;
            }
            String id = "chatcmpl-" + completionIds.incrementAndGet();
            String model = body.path("model").asString("test-model");
            int promptTokens = 100 + requests.size();
            if (request.stream()) {
                boolean usage = body.path("stream_options").path("include_usage").asBoolean(false);
                sendStream(exchange, id, model, reply, usage ? promptTokens : -1);
            } else {
                sendJson(exchange, 200, completion(id, model, reply, promptTokens));
            }
        } catch (RuntimeException | IOException e) {
            unexpected.add("server failure: " + e);
            throw e;
        } finally {
            exchange.close();
        }
    }

    private static ObjectNode completion(String id, String model, Reply reply, int promptTokens) {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", id);
        root.put("object", "chat.completion");
        root.put("created", Instant.now().getEpochSecond());
        root.put("model", model);
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.putNull("refusal");
        if (reply instanceof ToolCallReply call) {
            message.putNull("content");
            ObjectNode toolCall = message.putArray("tool_calls").addObject();
            toolCall.put("id", call.callId());
            toolCall.put("type", "function");
            toolCall.putObject("function").put("name", call.toolName()).put("arguments", call.arguments());
            choice.put("finish_reason", "tool_calls");
        } else {
            TextReply text = (TextReply) reply;
            message.put("content", text.text());
            choice.put("finish_reason", "stop");
        }
        choice.putNull("logprobs");
        root.set("usage", usage(promptTokens, 20));
        return root;
    }

    private static ObjectNode usage(int prompt, int completion) {
        ObjectNode usage = JSON.createObjectNode();
        usage.put("prompt_tokens", prompt);
        usage.put("completion_tokens", completion);
        usage.put("total_tokens", prompt + completion);
        return usage;
    }

    /** Streams a reply as OpenAI does: a role chunk, content or tool-call deltas, a finish chunk, usage, [DONE]. */
    private static void sendStream(HttpExchange exchange, String id, String model, Reply reply, int promptTokens)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        long created = Instant.now().getEpochSecond();
        try (OutputStream out = exchange.getResponseBody()) {
            if (reply instanceof ToolCallReply call) {
                ObjectNode first = JSON.createObjectNode();
                first.put("role", "assistant");
                first.putNull("content");
                ObjectNode toolCall = first.putArray("tool_calls").addObject();
                toolCall.put("index", 0);
                toolCall.put("id", call.callId());
                toolCall.put("type", "function");
                toolCall.putObject("function").put("name", call.toolName()).put("arguments", "");
                event(out, chunk(id, created, model, first, null));
                for (String piece : pieces(call.arguments(), 4)) {
                    ObjectNode delta = JSON.createObjectNode();
                    ObjectNode d = delta.putArray("tool_calls").addObject();
                    d.put("index", 0);
                    d.putObject("function").put("arguments", piece);
                    event(out, chunk(id, created, model, delta, null));
                }
                event(out, chunk(id, created, model, JSON.createObjectNode(), "tool_calls"));
            } else {
                TextReply text = (TextReply) reply;
                ObjectNode first = JSON.createObjectNode();
                first.put("role", "assistant");
                first.put("content", "");
                event(out, chunk(id, created, model, first, null));
                for (String piece : pieces(text.text(), 3)) {
                    event(out, chunk(id, created, model, JSON.createObjectNode().put("content", piece), null));
                }
                event(out, chunk(id, created, model, JSON.createObjectNode(), "stop"));
            }
            if (promptTokens >= 0) {
                ObjectNode last = JSON.createObjectNode();
                last.put("id", id);
                last.put("object", "chat.completion.chunk");
                last.put("created", created);
                last.put("model", model);
                last.putArray("choices");
                last.set("usage", usage(promptTokens, 20));
                event(out, last);
            }
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    private static ObjectNode chunk(String id, long created, String model, ObjectNode delta, String finishReason) {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", id);
        root.put("object", "chat.completion.chunk");
        root.put("created", created);
        root.put("model", model);
        ArrayNode choices = root.putArray("choices");
        ObjectNode choice = choices.addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        return root;
    }

    private static void event(OutputStream out, JsonNode data) throws IOException {
        out.write(("data: " + JSON.writeValueAsString(data) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Splits text into at most {@code n} non-empty pieces, never inside a surrogate pair. */
    private static List<String> pieces(String text, int n) {
        List<String> pieces = new ArrayList<>();
        int size = Math.max(1, (text.length() + n - 1) / n);
        int i = 0;
        while (i < text.length()) {
            int end = Math.min(text.length(), i + size);
            if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
                end++;
            }
            pieces.add(text.substring(i, end));
            i = end;
        }
        return pieces;
    }

    private static ObjectNode error(String message) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", message);
        error.put("type", "invalid_request_error");
        error.putNull("param");
        error.putNull("code");
        return root;
    }

    private static void sendJson(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
