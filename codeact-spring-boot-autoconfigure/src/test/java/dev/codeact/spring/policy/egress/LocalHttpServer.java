package dev.codeact.spring.policy.egress;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPOutputStream;
import javax.net.ssl.SSLContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * An HTTP (or HTTPS) server on 127.0.0.1 with the endpoints the egress tests need:
 * <ul>
 *   <li>{@code /echo/...}: JSON {method, path, headers (lower-case names), body}</li>
 *   <li>{@code /redirect?status=302&to=URL}: a redirect</li>
 *   <li>{@code /slow?ms=N}: answers after N ms</li>
 *   <li>{@code /drip}: answers at once, then one body byte every 100 ms for 5 s</li>
 *   <li>{@code /big?n=N}: N bytes with Content-Length; {@code /bigchunked?n=N}: N bytes, chunked</li>
 *   <li>{@code /gzip}: a gzip-encoded JSON body; {@code /badutf8}: bytes that are not UTF-8</li>
 * </ul>
 * Every request's path is recorded.
 */
final class LocalHttpServer implements AutoCloseable {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "egress-test-server");
        t.setDaemon(true);
        return t;
    });
    final List<String> requests = new CopyOnWriteArrayList<>();

    private LocalHttpServer(HttpServer server) {
        this.server = server;
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    static LocalHttpServer http() throws IOException {
        return new LocalHttpServer(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
    }

    static LocalHttpServer https(SSLContext context) throws IOException {
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context));
        return new LocalHttpServer(server);
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** http://127.0.0.1:port + path */
    String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            String query = exchange.getRequestURI().getRawQuery();
            requests.add(exchange.getRequestMethod() + " " + path + (query == null ? "" : "?" + query));
            Map<String, String> params = params(query);
            if (path.startsWith("/echo")) {
                Map<String, Object> echo = new LinkedHashMap<>();
                echo.put("method", exchange.getRequestMethod());
                echo.put("path", path + (query == null ? "" : "?" + query));
                Map<String, String> headers = new LinkedHashMap<>();
                exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(", ", v)));
                echo.put("headers", headers);
                echo.put("body", new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.getResponseHeaders().add("X-Echo", "yes");
                send(exchange, 200, JSON.writeValueAsBytes(echo));
            } else if (path.equals("/redirect")) {
                exchange.getRequestBody().readAllBytes();
                exchange.getResponseHeaders().add("Location", params.get("to"));
                exchange.sendResponseHeaders(Integer.parseInt(params.getOrDefault("status", "302")), -1);
            } else if (path.equals("/slow")) {
                sleep(Long.parseLong(params.getOrDefault("ms", "3000")));
                send(exchange, 200, "late".getBytes(StandardCharsets.UTF_8));
            } else if (path.equals("/drip")) {
                exchange.sendResponseHeaders(200, 0);
                OutputStream out = exchange.getResponseBody();
                for (int i = 0; i < 50; i++) {
                    out.write('x');
                    out.flush();
                    sleep(100);
                }
            } else if (path.equals("/big")) {
                byte[] body = new byte[Integer.parseInt(params.get("n"))];
                Arrays.fill(body, (byte) 'a');
                send(exchange, 200, body);
            } else if (path.equals("/bigchunked")) {
                int n = Integer.parseInt(params.get("n"));
                exchange.sendResponseHeaders(200, 0);
                OutputStream out = exchange.getResponseBody();
                byte[] chunk = new byte[1000];
                Arrays.fill(chunk, (byte) 'b');
                for (int sent = 0; sent < n; sent += chunk.length) {
                    out.write(chunk, 0, Math.min(chunk.length, n - sent));
                }
            } else if (path.equals("/gzip")) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
                    gz.write("{\"zipped\":true}".getBytes(StandardCharsets.UTF_8));
                }
                exchange.getResponseHeaders().add("Content-Encoding", "gzip");
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                send(exchange, 200, bytes.toByteArray());
            } else if (path.equals("/badutf8")) {
                send(exchange, 200, new byte[] {'o', 'k', (byte) 0xff, (byte) 0xfe, '!'});
            } else {
                send(exchange, 404, "not found".getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // the client went away (timeouts, size limits): expected in these tests
        }
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        exchange.getResponseBody().write(body);
    }

    private static Map<String, String> params(String query) {
        Map<String, String> params = new LinkedHashMap<>();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    params.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return params;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
