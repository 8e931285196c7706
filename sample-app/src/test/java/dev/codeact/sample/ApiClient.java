package dev.codeact.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small HTTP client for the tests: JSON in, status and JSON out, over loopback. */
public final class ApiClient {
    public static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    public ApiClient(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    /** A response: status, content type and body (parsed when it is JSON). */
    public record Response(int status, String contentType, String text) {
        public JsonNode json() {
            return JSON.readTree(text);
        }
    }

    public Response postJson(String path, Object body) {
        return post(path, body instanceof String s ? s : JSON.writeValueAsString(body));
    }

    public Response post(String path, String rawBody) {
        return post(path, rawBody, Map.of());
    }

    /** A JSON body with request headers (X-User, ...). */
    public Response postJson(String path, Object body, Map<String, String> headers) {
        return post(path, JSON.writeValueAsString(body), headers);
    }

    private Response post(String path, String rawBody, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(rawBody));
        headers.forEach(request::header);
        return send(request);
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    private Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
