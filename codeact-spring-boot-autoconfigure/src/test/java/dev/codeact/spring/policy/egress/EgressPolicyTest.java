package dev.codeact.spring.policy.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.codeact.hyperlight.HostFunctionException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The fetch host service against a local server on 127.0.0.1. Names resolve only through the test resolver
 * (never real DNS), and every socket goes through {@link LoopbackOnlySockets}, which refuses anything but
 * loopback and records what was connected to.
 */
class EgressPolicyTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Map<String, List<String>> DNS = Map.of(
            "localhost", List.of("127.0.0.1"),
            "evil.test", List.of("127.0.0.1"),
            "api.svc.test", List.of("127.0.0.1"),
            "meta.test", List.of("169.254.169.254"),
            "meta6.test", List.of("fd00:ec2::254"),
            "mixed.test", List.of("203.0.113.7", "10.0.0.1"));
    private static LocalHttpServer server;
    private static int port;

    private final LoopbackOnlySockets sockets = new LoopbackOnlySockets();

    @BeforeAll
    static void startServer() throws Exception {
        server = LocalHttpServer.http();
        port = server.port();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    static InetAddress[] resolve(String host) throws UnknownHostException {
        List<String> ips = DNS.get(host);
        if (ips == null) {
            throw new UnknownHostException(host);
        }
        InetAddress[] addresses = new InetAddress[ips.size()];
        for (int i = 0; i < ips.size(); i++) {
            addresses[i] = InetAddress.getByAddress(host, InetAddress.getByName(ips.get(i)).getAddress());
        }
        return addresses;
    }

    private EgressPolicy policy(EgressRule... rules) {
        return policy(Duration.ofSeconds(5), 1 << 20, 3, rules);
    }

    private EgressPolicy policy(Duration timeout, long maxBytes, int maxRedirects, EgressRule... rules) {
        return new EgressPolicy(List.of(rules), timeout, maxBytes, maxRedirects, EgressPolicyTest::resolve, sockets,
                null);
    }

    static EgressRule rule(String scheme, String host, Integer port, String prefix, String... methods) {
        return new EgressRule(scheme, host, port, prefix, List.of(methods), Map.of());
    }

    /** The test server, any path, GET and POST. */
    private static EgressRule serverRule() {
        return rule("http", "127.0.0.1", port, "/", "GET", "POST");
    }

    static String args(String method, String url, Map<String, String> headers, String body) {
        ObjectNode args = JSON.createObjectNode();
        args.put("url", url);
        args.put("method", method);
        ObjectNode h = args.putObject("headers");
        headers.forEach(h::put);
        if (body == null) {
            args.putNull("body");
        } else {
            args.put("body", body);
        }
        return args.toString();
    }

    private static JsonNode fetch(EgressPolicy policy, String method, String url) throws Exception {
        return fetch(policy, method, url, Map.of(), null);
    }

    private static JsonNode fetch(EgressPolicy policy, String method, String url, Map<String, String> headers,
            String body) throws Exception {
        return JSON.readTree(policy.fetch().call(args(method, url, headers, body)));
    }

    private static String failure(EgressPolicy policy, String method, String url) {
        return failure(policy, args(method, url, Map.of(), null));
    }

    private static String failure(EgressPolicy policy, String argumentsJson) {
        Throwable t = catchThrowable(() -> policy.fetch().call(argumentsJson));
        assertThat(t).isInstanceOf(HostFunctionException.class);
        return t.getMessage();
    }

    private static JsonNode echoed(JsonNode reply) {
        return JSON.readTree(reply.get("body").asString());
    }

    private static String url(String path) {
        return server.url(path);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void anAllowedGetReturnsStatusUrlHeadersAndBody() throws Exception {
        JsonNode reply = fetch(policy(serverRule()), "GET", url("/echo/hello?q=1&r=%20x"));
        assertThat(reply.get("status").asInt()).isEqualTo(200);
        assertThat(reply.get("url").asString()).isEqualTo(url("/echo/hello?q=1&r=%20x"));
        assertThat(reply.get("redirected").asBoolean()).isFalse();
        assertThat(reply.get("headers").get("content-type").asString()).isEqualTo("application/json");
        assertThat(reply.get("headers").get("x-echo").asString()).isEqualTo("yes");
        JsonNode echo = echoed(reply);
        assertThat(echo.get("method").asString()).isEqualTo("GET");
        assertThat(echo.get("path").asString()).isEqualTo("/echo/hello?q=1&r=%20x");
        assertThat(echo.get("body").asString()).isEmpty();
        assertThat(sockets.connects).allSatisfy(a -> assertThat(a.getAddress().getHostAddress()).isEqualTo("127.0.0.1"));
    }

    @Test
    void anAllowedPostSendsItsBodyWithATextContentTypeByDefault() throws Exception {
        JsonNode echo = echoed(fetch(policy(serverRule()), "POST", url("/echo/p"), Map.of(), "héllo"));
        assertThat(echo.get("method").asString()).isEqualTo("POST");
        assertThat(echo.get("body").asString()).isEqualTo("héllo");
        assertThat(echo.get("headers").get("content-type").asString()).isEqualTo("text/plain;charset=UTF-8");
        assertThat(echo.get("headers").get("content-length").asString()).isEqualTo("6");
    }

    @Test
    void aPostWithoutABodySendsContentLengthZero() throws Exception {
        JsonNode echo = echoed(fetch(policy(serverRule()), "POST", url("/echo/empty")));
        assertThat(echo.get("headers").get("content-length").asString()).isEqualTo("0");
    }

    @Test
    void theDenialNamesTheRequestAndTheRuleItWouldNeed() {
        EgressPolicy policy = policy(rule("http", "127.0.0.1", port, "/echo/", "GET"));
        assertThat(failure(policy, "POST", url("/echo/v2/x?secret=1")))
                .isEqualTo("fetch denied: no codeact.egress rule allows POST http://127.0.0.1:" + port
                        + "/echo/v2/x; add one like {scheme: http, host: 127.0.0.1, port: " + port
                        + ", path-prefix: /echo/v2/, methods: [POST]}");
        assertThat(server.requests).noneMatch(r -> r.contains("/echo/v2/x"));
    }

    @Test
    void withNoRulesEverythingIsDenied() {
        assertThat(failure(policy(), "GET", url("/echo/x")))
                .startsWith("fetch denied: no codeact.egress rule allows GET http://127.0.0.1:" + port + "/echo/x;");
        assertThat(sockets.connects).isEmpty();
    }

    @Nested
    class RuleFields {
        @Test
        void scheme() throws Exception {
            EgressPolicy httpOnly = policy(serverRule());
            assertThat(failure(httpOnly, "GET", "https://127.0.0.1:" + port + "/echo/x"))
                    .startsWith("fetch denied: no codeact.egress rule allows GET https://127.0.0.1:" + port + "/echo/x;")
                    .contains("{scheme: https, host: 127.0.0.1, port: " + port);
            EgressPolicy httpsOnly = policy(rule("https", "127.0.0.1", port, "/", "GET"));
            assertThat(failure(httpsOnly, "GET", url("/echo/x"))).contains("{scheme: http,");
            assertThat(sockets.connects).isEmpty();
        }

        @Test
        void exactHost() throws Exception {
            EgressPolicy policy = policy(serverRule());
            assertThat(fetch(policy, "GET", url("/echo/x")).get("status").asInt()).isEqualTo(200);
            assertThat(failure(policy, "GET", "http://localhost:" + port + "/echo/x"))
                    .startsWith("fetch denied: no codeact.egress rule allows GET http://localhost:" + port + "/echo/x;")
                    .contains("host: localhost,");
            assertThat(failure(policy, "GET", "http://127.0.0.2:" + port + "/echo/x")).contains("host: 127.0.0.2,");
        }

        @Test
        void localhostNamedExplicitlyReachesLoopback() throws Exception {
            EgressPolicy policy = policy(rule("http", "localhost", port, "/", "GET"));
            JsonNode reply = fetch(policy, "GET", "http://localhost:" + port + "/echo/named");
            assertThat(reply.get("status").asInt()).isEqualTo(200);
            assertThat(echoed(reply).get("headers").get("host").asString()).isEqualTo("localhost:" + port);
        }

        @Test
        void wildcardHostMatchesSubdomainsOnly() {
            EgressPolicy policy = policy(rule("http", "*.svc.test", port, "/", "GET"));
            // the rule matches api.svc.test: the refusal is about its address, not about a missing rule
            assertThat(failure(policy, "GET", "http://api.svc.test:" + port + "/echo/x"))
                    .startsWith("fetch denied: api.svc.test resolves to 127.0.0.1, a loopback address;");
            assertThat(failure(policy, "GET", "http://svc.test:" + port + "/echo/x"))
                    .startsWith("fetch denied: no codeact.egress rule allows GET http://svc.test:");
            assertThat(failure(policy, "GET", "http://evilsvc.test:" + port + "/echo/x"))
                    .startsWith("fetch denied: no codeact.egress rule allows GET http://evilsvc.test:");
            assertThat(failure(policy, "GET", "http://api.svc.test.evil:" + port + "/echo/x"))
                    .startsWith("fetch denied: no codeact.egress rule allows");
            assertThat(sockets.connects).isEmpty();
        }

        @Test
        void port() {
            EgressPolicy policy = policy(serverRule());
            assertThat(failure(policy, "GET", "http://127.0.0.1:" + (port + 1) + "/echo/x"))
                    .contains("allows GET http://127.0.0.1:" + (port + 1) + "/echo/x;")
                    .contains("port: " + (port + 1) + ",");
            // no port in the rule: the scheme's default only
            EgressPolicy defaultPort = policy(rule("http", "127.0.0.1", null, "/", "GET"));
            assertThat(failure(defaultPort, "GET", url("/echo/x"))).startsWith("fetch denied: no codeact.egress rule");
            assertThat(defaultPort.describe()).contains("GET http://127.0.0.1:80/...");
            assertThat(sockets.connects).isEmpty();
        }

        @Test
        void pathPrefix() throws Exception {
            EgressPolicy policy = policy(rule("http", "127.0.0.1", port, "/echo/allowed/", "GET"));
            assertThat(fetch(policy, "GET", url("/echo/allowed/x")).get("status").asInt()).isEqualTo(200);
            assertThat(failure(policy, "GET", url("/echo/other/x")))
                    .contains("allows GET http://127.0.0.1:" + port + "/echo/other/x;")
                    .contains("path-prefix: /echo/other/,");
            assertThat(failure(policy, "GET", url("/echo/allowedX"))).startsWith("fetch denied:");
            // dot segments are resolved before the check, and refused where they would survive it
            assertThat(failure(policy, "GET", url("/echo/allowed/../other/x")))
                    .contains("allows GET http://127.0.0.1:" + port + "/echo/other/x;");
            assertThat(failure(policy, "GET", url("/echo/allowed/%2e%2e/other/x")))
                    .contains("has '.' or '..' segments");
            assertThat(failure(policy, "GET", url("/echo/allowed/..%2fother"))).contains("has '.' or '..' segments");
            assertThat(server.requests).noneMatch(r -> r.startsWith("GET /echo/other") || r.contains("/echo/allowed/.."));
        }

        @Test
        void dotSegmentsAreRefusedInEveryFormAnUpstreamCouldNormalise() throws Exception {
            EgressPolicy policy = policy(rule("http", "127.0.0.1", port, "/echo/allowed/", "GET"),
                    rule("http", "127.0.0.1", port, "/echo/dots/", "GET"));
            // Tomcat, Jetty and Spring cut a segment at ';' (path parameters); some servers decode twice, or split
            // at an encoded '/' or at '\'
            for (String dots : List.of("..;", "..;jsessionid=1", ".;x", "%2e%2e;jsessionid=1", "%2E.;", ".%2E;x=1",
                    "..%3b", "..%3B", "%2e%2e%3bx", ".%3b", "%2e", "..%2f", "..%2F", "..%5c", "%2e%2e%5c",
                    "%252e%252e", "..%252f", ".%252e;", "%25252e%25252e", "..;%2f")) {
                assertThat(failure(policy, "GET", url("/echo/allowed/" + dots + "/other/x"))).as(dots)
                        .contains("has '.' or '..' segments");
            }
            assertThat(failure(policy, "GET", url("/echo/allowed/..%00/other/x"))).contains("has an encoded NUL (%00)");
            assertThat(server.requests).noneMatch(r -> r.contains("/other/x"));
            // path parameters and dots that are not a whole segment name are fine
            for (String fine : List.of("a;b=1", "...", "..x", ".x;y", "%2e%2ex", "x%3b..", "v1;..", "100%25")) {
                assertThat(fetch(policy, "GET", url("/echo/dots/" + fine + "/x")).get("status").asInt()).as(fine)
                        .isEqualTo(200);
            }
        }

        @Test
        void method() throws Exception {
            EgressPolicy policy = policy(rule("http", "127.0.0.1", port, "/", "GET"));
            assertThat(fetch(policy, "GET", url("/echo/m")).get("status").asInt()).isEqualTo(200);
            assertThat(failure(policy, "DELETE", url("/echo/m"))).contains("allows DELETE").contains("methods: [DELETE]");
            assertThat(failure(policy, "POST", url("/echo/m"))).contains("methods: [POST]");
            EgressPolicy many = policy(rule("http", "127.0.0.1", port, "/", "GET", "PUT", "DELETE", "PATCH"));
            assertThat(echoed(fetch(many, "PATCH", url("/echo/m"), Map.of(), "{}")).get("method").asString())
                    .isEqualTo("PATCH");
        }

        @Test
        void connectAndTraceAreNeverAllowed() {
            EgressPolicy policy = policy(rule("http", "127.0.0.1", port, "/", "GET", "POST", "PUT", "DELETE"));
            assertThat(failure(policy, "CONNECT", url("/echo/x"))).isEqualTo("fetch denied: CONNECT requests are never allowed");
            assertThat(failure(policy, "trace", url("/echo/x"))).isEqualTo("fetch denied: TRACE requests are never allowed");
            assertThatThrownBy(() -> rule("http", "127.0.0.1", port, "/", "TRACE"))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(sockets.connects).isEmpty();
        }
    }

    @Nested
    class Addresses {
        @Test
        void aNameResolvingToLoopbackIsRefusedThoughARuleAllowsIt() {
            EgressPolicy policy = policy(rule("http", "evil.test", port, "/", "GET"));
            assertThat(failure(policy, "GET", "http://evil.test:" + port + "/echo/x"))
                    .isEqualTo("fetch denied: evil.test resolves to 127.0.0.1, a loopback address; loopback, private,"
                            + " link-local and metadata addresses are reachable only through a codeact.egress rule"
                            + " whose host is that address itself (or localhost, for loopback)");
            assertThat(sockets.connects).isEmpty();
        }

        @Test
        void aNameResolvingToTheMetadataAddressIsRefusedBeforeConnecting() {
            EgressPolicy policy = policy(rule("http", "meta.test", null, "/", "GET"),
                    rule("http", "meta6.test", null, "/", "GET"));
            assertThat(failure(policy, "GET", "http://meta.test/latest/meta-data/"))
                    .startsWith("fetch denied: meta.test resolves to 169.254.169.254, a cloud metadata address;");
            assertThat(failure(policy, "GET", "http://meta6.test/latest/meta-data/"))
                    .startsWith("fetch denied: meta6.test resolves to fd00:ec2:0:0:0:0:0:254, a cloud metadata address;");
            assertThat(sockets.connects).isEmpty();
        }

        @Test
        void metadataHostNamesAreRefusedByName() {
            EgressPolicy policy = policy(rule("http", "metadata.google.internal", null, "/", "GET"));
            assertThat(failure(policy, "GET", "http://metadata.google.internal/computeMetadata/v1/"))
                    .startsWith("fetch denied: metadata.google.internal is a cloud metadata service");
            assertThat(sockets.connects).isEmpty();
        }

        @Test
        void oneSpecialAddressAmongSeveralIsEnough() {
            EgressPolicy policy = policy(rule("http", "mixed.test", null, "/", "GET"));
            assertThat(failure(policy, "GET", "http://mixed.test/"))
                    .startsWith("fetch denied: mixed.test resolves to 10.0.0.1, a private address;");
            assertThat(sockets.connects).isEmpty();
        }

        @Test
        void aWildcardRuleNeverReachesALiteralAddress() {
            EgressPolicy policy = policy(rule("http", "*.0.0.1", port, "/", "GET"));
            assertThat(failure(policy, "GET", url("/echo/x"))).startsWith("fetch denied: no codeact.egress rule");
        }

        @Test
        void anUnknownNameFails() {
            EgressPolicy policy = policy(rule("http", "nowhere.test", null, "/", "GET"));
            assertThat(failure(policy, "GET", "http://nowhere.test/")).isEqualTo("fetch failed: cannot resolve nowhere.test");
        }

        @Test
        void aRefusedConnectionFails() throws Exception {
            int closed;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                closed = s.getLocalPort();
            }
            EgressPolicy policy = policy(rule("http", "127.0.0.1", closed, "/", "GET"));
            assertThat(failure(policy, "GET", "http://127.0.0.1:" + closed + "/x"))
                    .startsWith("fetch failed: http://127.0.0.1:" + closed + "/x: ");
        }
    }

    @Nested
    class Redirects {
        @Test
        void anAllowedRedirectIsFollowed() throws Exception {
            JsonNode reply = fetch(policy(serverRule()), "GET", url("/redirect?to=" + enc("/echo/after?k=v")));
            assertThat(reply.get("status").asInt()).isEqualTo(200);
            assertThat(reply.get("redirected").asBoolean()).isTrue();
            assertThat(reply.get("url").asString()).isEqualTo(url("/echo/after?k=v"));
            assertThat(echoed(reply).get("path").asString()).isEqualTo("/echo/after?k=v");
        }

        @Test
        void a303TurnsAPostIntoAGetWithoutBodyAndA307KeepsIt() throws Exception {
            EgressPolicy policy = policy(serverRule());
            JsonNode after303 = echoed(fetch(policy, "POST", url("/redirect?status=303&to=" + enc("/echo/303")),
                    Map.of("Content-Type", "application/json"), "{\"a\":1}"));
            assertThat(after303.get("method").asString()).isEqualTo("GET");
            assertThat(after303.get("body").asString()).isEmpty();
            assertThat(after303.get("headers").has("content-type")).isFalse();
            JsonNode after307 = echoed(fetch(policy, "POST", url("/redirect?status=307&to=" + enc("/echo/307")),
                    Map.of("Content-Type", "application/json"), "{\"a\":1}"));
            assertThat(after307.get("method").asString()).isEqualTo("POST");
            assertThat(after307.get("body").asString()).isEqualTo("{\"a\":1}");
        }

        @Test
        void aRedirectToAHostNoRuleAllowsIsDeniedAndSaysItWasARedirect() {
            String start = url("/redirect?to=" + enc("http://localhost:" + port + "/echo/elsewhere"));
            assertThat(failure(policy(serverRule()), "GET", start))
                    .isEqualTo("fetch denied: no codeact.egress rule allows GET http://localhost:" + port
                            + "/echo/elsewhere (a redirect from " + start + "); add one like {scheme: http, host:"
                            + " localhost, port: " + port + ", path-prefix: /echo/, methods: [GET]}");
            assertThat(server.requests).noneMatch(r -> r.startsWith("GET /echo/elsewhere"));
        }

        @Test
        void aRedirectToANameResolvingToLoopbackIsRefused() {
            EgressPolicy policy = policy(serverRule(), rule("http", "evil.test", port, "/", "GET"));
            String start = url("/redirect?to=" + enc("http://evil.test:" + port + "/echo/rebound"));
            assertThat(failure(policy, "GET", start))
                    .startsWith("fetch denied: evil.test resolves to 127.0.0.1, a loopback address (a redirect from "
                            + start + ");");
            assertThat(server.requests).noneMatch(r -> r.startsWith("GET /echo/rebound"));
        }

        @Test
        void aRedirectToTheMetadataServiceIsRefusedBeforeConnecting() {
            EgressPolicy policy = policy(serverRule(), rule("http", "meta.test", null, "/", "GET"));
            String start = url("/redirect?to=" + enc("http://meta.test/latest/meta-data/"));
            assertThat(failure(policy, "GET", start))
                    .startsWith("fetch denied: meta.test resolves to 169.254.169.254, a cloud metadata address (a"
                            + " redirect from ");
            assertThat(sockets.connects).allSatisfy(a -> assertThat(a.getPort()).isEqualTo(port)).hasSize(1);
        }

        @Test
        void aCrossOriginRedirectDropsTheProgramsAuthorizationAndTheNewRulesHeadersApply() throws Exception {
            EgressPolicy policy = policy(
                    new EgressRule("http", "127.0.0.1", port, "/", List.of("GET"), Map.of("X-Key", "for-127")),
                    new EgressRule("http", "localhost", port, "/", List.of("GET"), Map.of("X-Other", "for-localhost")));
            JsonNode sameOrigin = echoed(fetch(policy, "GET", url("/redirect?to=" + enc("/echo/same")),
                    Map.of("Authorization", "Bearer program"), null));
            assertThat(sameOrigin.get("headers").get("authorization").asString()).isEqualTo("Bearer program");
            assertThat(sameOrigin.get("headers").get("x-key").asString()).isEqualTo("for-127");
            JsonNode crossOrigin = echoed(fetch(policy, "GET",
                    url("/redirect?to=" + enc("http://localhost:" + port + "/echo/cross")),
                    Map.of("Authorization", "Bearer program"), null));
            assertThat(crossOrigin.get("path").asString()).isEqualTo("/echo/cross");
            assertThat(crossOrigin.get("headers").has("authorization")).isFalse();
            assertThat(crossOrigin.get("headers").has("x-key")).isFalse();
            assertThat(crossOrigin.get("headers").get("x-other").asString()).isEqualTo("for-localhost");
        }

        @Test
        void redirectsBeyondTheLimitFail() throws Exception {
            String chain = "/echo/end";
            for (int i = 0; i < 3; i++) {
                chain = "/redirect?to=" + enc(chain);
            }
            assertThat(failure(policy(Duration.ofSeconds(5), 1 << 20, 2, serverRule()), "GET", url(chain)))
                    .isEqualTo("fetch failed: too many redirects (more than 2) from " + url(chain));
            assertThat(fetch(policy(Duration.ofSeconds(5), 1 << 20, 3, serverRule()), "GET", url(chain))
                    .get("url").asString()).isEqualTo(url("/echo/end"));
        }
    }

    @Nested
    class Limits {
        @Test
        void aBodyUpToTheLimitIsReturnedAndOneByteMoreFails() throws Exception {
            EgressPolicy policy = policy(Duration.ofSeconds(5), 1000, 3, serverRule());
            assertThat(fetch(policy, "GET", url("/big?n=1000")).get("body").asString()).hasSize(1000);
            assertThat(failure(policy, "GET", url("/big?n=1001")))
                    .isEqualTo("fetch response from " + url("/big?n=1001") + " exceeds the 1000-byte limit");
        }

        @Test
        void aChunkedBodyOverTheLimitFails() {
            EgressPolicy policy = policy(Duration.ofSeconds(5), 1000, 3, serverRule());
            assertThat(failure(policy, "GET", url("/bigchunked?n=50000")))
                    .isEqualTo("fetch response from " + url("/bigchunked?n=50000") + " exceeds the 1000-byte limit");
        }

        @Test
        void aSlowResponseTimesOut() {
            EgressPolicy policy = policy(Duration.ofMillis(300), 1 << 20, 3, serverRule());
            long start = System.nanoTime();
            assertThat(failure(policy, "GET", url("/slow?ms=3000")))
                    .isEqualTo("fetch timed out after 300 ms: " + url("/slow?ms=3000"));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2000));
        }

        @Test
        void theTimeoutCoversTheWholeResponseNotEachRead() {
            // one byte every 100 ms: no single read waits long, the whole body takes 5 s
            EgressPolicy policy = policy(Duration.ofMillis(700), 1 << 20, 3, serverRule());
            long start = System.nanoTime();
            assertThat(failure(policy, "GET", url("/drip"))).isEqualTo("fetch timed out after 700 ms: " + url("/drip"));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
        }
    }

    @Nested
    class Headers {
        @Test
        void hopByHopAndProxyHeadersAreDroppedAndTheRulesHeadersAddedAndWin() throws Exception {
            EgressPolicy policy = policy(new EgressRule("http", "127.0.0.1", port, "/", List.of("POST"),
                    Map.of("X-Api-Key", "s3cret-key", "Authorization", "Bearer s3cret-token")));
            Map<String, String> sent = new LinkedHashMap<>();
            sent.put("Connection", "keep-alive, X-Custom");
            sent.put("Keep-Alive", "timeout=5");
            sent.put("Proxy-Authorization", "Basic eHg=");
            sent.put("Proxy-Authenticate", "Basic");
            sent.put("Proxy-Anything", "1");
            sent.put("TE", "trailers");
            sent.put("Trailer", "X-T");
            sent.put("Transfer-Encoding", "chunked");
            sent.put("Upgrade", "h2c");
            sent.put("Forwarded", "for=1.2.3.4");
            sent.put("X-Forwarded-For", "1.2.3.4");
            sent.put("X-Forwarded-Host", "evil.example");
            sent.put("Via", "1.1 proxy");
            sent.put("Host", "evil.example");
            sent.put("Content-Length", "999");
            sent.put("x-api-key", "from-the-program");
            sent.put("X-Custom", "kept");
            JsonNode echo = echoed(fetch(policy, "POST", url("/echo/h"), sent, "hello"));
            JsonNode headers = echo.get("headers");
            assertThat(headers.get("x-custom").asString()).isEqualTo("kept");
            assertThat(headers.get("x-api-key").asString()).isEqualTo("s3cret-key");
            assertThat(headers.get("authorization").asString()).isEqualTo("Bearer s3cret-token");
            assertThat(headers.get("host").asString()).isEqualTo("127.0.0.1:" + port);
            assertThat(headers.get("content-length").asString()).isEqualTo("5");
            assertThat(headers.get("connection").asString()).isEqualTo("close");
            for (String dropped : List.of("keep-alive", "proxy-authorization", "proxy-authenticate", "proxy-anything",
                    "te", "trailer", "transfer-encoding", "upgrade", "forwarded", "x-forwarded-for",
                    "x-forwarded-host", "via")) {
                assertThat(headers.has(dropped)).as(dropped).isFalse();
            }
            assertThat(echo.get("body").asString()).isEqualTo("hello");
        }

        @Test
        void injectedHeadersNeverShowInDescribeOrInFailures() throws Exception {
            EgressPolicy policy = policy(Duration.ofMillis(300), 100, 3, new EgressRule("http", "127.0.0.1", port,
                    "/", List.of("GET"), Map.of("X-Api-Key", "s3cret-key")));
            List<String> texts = List.of(policy.describe(),
                    failure(policy, "POST", url("/echo/x")),
                    failure(policy, "GET", url("/slow?ms=2000")),
                    failure(policy, "GET", url("/big?n=500")),
                    failure(policy, "GET", url("/redirect?to=" + enc("http://localhost:" + port + "/"))),
                    String.valueOf(policy));
            for (String text : texts) {
                assertThat(text).doesNotContainIgnoringCase("s3cret").doesNotContainIgnoringCase("x-api-key");
            }
            assertThat(policy.describe()).contains("(credentials added by the host)");
        }

        @Test
        void headerNamesAndValuesAreValidated() {
            EgressPolicy policy = policy(serverRule());
            assertThat(failure(policy, args("GET", url("/echo/x"), Map.of("X-A", "1\r\nX-Injected: 2"), null)))
                    .isEqualTo("fetch: the value of header 'X-A' has characters HTTP does not allow (line breaks,"
                            + " control characters or non-Latin-1)");
            assertThat(failure(policy, args("GET", url("/echo/x"), Map.of("Bad Name", "1"), null)))
                    .isEqualTo("fetch: 'Bad Name' is not a valid header name");
            assertThat(failure(policy, args("GE T", url("/echo/x"), Map.of(), null)))
                    .isEqualTo("fetch: 'GE T' is not a valid HTTP method");
            assertThat(server.requests).noneMatch(r -> r.contains("X-Injected"));
        }
    }

    @Nested
    class Responses {
        @Test
        void gzipBodiesAreDecoded() throws Exception {
            JsonNode reply = fetch(policy(serverRule()), "GET", url("/gzip"));
            assertThat(reply.get("body").asString()).isEqualTo("{\"zipped\":true}");
            assertThat(reply.get("headers").has("content-encoding")).isFalse();
        }

        @Test
        void bodiesAreUtf8TextWithInvalidBytesReplaced() throws Exception {
            assertThat(fetch(policy(serverRule()), "GET", url("/badutf8")).get("body").asString())
                    .isEqualTo("ok\uFFFD\uFFFD!");
        }

        @Test
        void errorStatusesAreResponsesNotFailures() throws Exception {
            JsonNode reply = fetch(policy(serverRule()), "GET", url("/missing"));
            assertThat(reply.get("status").asInt()).isEqualTo(404);
            assertThat(reply.get("body").asString()).isEqualTo("not found");
        }
    }

    @Nested
    class MalformedInput {
        private final EgressPolicy policy = policy(serverRule());

        @Test
        void notAUrl() {
            assertThat(failure(policy, "GET", "ht tp://x y")).startsWith("fetch: 'ht tp://x y' is not a valid URL:");
            assertThat(failure(policy, "GET", "http://")).startsWith("fetch: 'http://' is not a valid URL");
        }

        @Test
        void relativeUrl() {
            assertThat(failure(policy, "GET", "/echo/x"))
                    .isEqualTo("fetch: '/echo/x' is a relative URL; fetch needs an absolute http:// or https:// URL");
        }

        @Test
        void unsupportedScheme() {
            assertThat(failure(policy, "GET", "ftp://127.0.0.1/x"))
                    .isEqualTo("fetch: unsupported URL scheme 'ftp'; only http and https are supported");
            assertThat(failure(policy, "GET", "file:///etc/passwd")).contains("unsupported URL scheme 'file'");
        }

        @Test
        void userInfoIsRefusedWithoutRepeatingIt() {
            assertThat(failure(policy, "GET", "http://user:pa55word@127.0.0.1:" + port + "/echo/x"))
                    .startsWith("fetch: URLs with user info (user:password@host) are not allowed")
                    .doesNotContain("pa55word");
        }

        @Test
        void bodyWithGetOrHead() {
            assertThat(failure(policy, args("GET", url("/echo/x"), Map.of(), "data")))
                    .isEqualTo("fetch: a GET request cannot have a body");
            assertThat(failure(policy, args("HEAD", url("/echo/x"), Map.of(), "")))
                    .isEqualTo("fetch: a HEAD request cannot have a body");
        }

        @Test
        void badArguments() {
            assertThat(failure(policy, "not json")).startsWith("fetch: the arguments are not JSON");
            assertThat(failure(policy, "[1]")).isEqualTo("fetch: the arguments must be a JSON object {url, method, headers, body}");
            assertThat(failure(policy, "{}")).isEqualTo("fetch: the URL is missing; call fetch(url, {method, headers, body})");
            assertThat(failure(policy, "{\"url\": \"" + url("/echo/x") + "\", \"headers\": [1]}"))
                    .isEqualTo("fetch: headers must be an object of name: value");
            assertThat(failure(policy, "{\"url\": \"" + url("/echo/x") + "\", \"method\": \"POST\", \"body\": 5}"))
                    .isEqualTo("fetch: body must be a string");
            assertThat(failure(policy, "GET", "http://127.0.0.1:99999/")).contains("out of range");
        }
    }

    @Nested
    class Describe {
        @Test
        void withoutRules() {
            assertThat(policy().describe()).isEmpty();
            assertThat(policy().declaration()).isEmpty();
        }

        @Test
        void withRulesItSaysExactlyWhatIsAllowed() {
            EgressPolicy policy = new EgressPolicy(List.of(
                    new EgressRule("https", "api.example.com", null, "/v1/", List.of("GET", "POST"),
                            Map.of("Authorization", "Bearer s3cret")),
                    new EgressRule("http", "*.example.org", 8080, null, null, null)),
                    Duration.ofSeconds(10), 1_048_576, 5);
            assertThat(policy.describe()).isEqualTo("fetch may reach only: GET|POST https://api.example.com:443/v1/..."
                    + " (credentials added by the host); GET http://*.example.org:8080/... (subdomains only); anything"
                    + " else throws a TypeError. Do not send credentials the host adds. Redirects (up to 5) are checked"
                    + " again. Each call: 10000 ms, bodies up to 1048576 bytes of text.");
            assertThat(policy.declaration()).startsWith("declare function fetch(url: string, init?:")
                    .contains("headers: { get(name: string): string | null }; text(): Promise<string>; json(): Promise<any>");
        }
    }

    @Test
    void theConstructorChecksItsLimits() {
        assertThatThrownBy(() -> new EgressPolicy(List.of(), Duration.ZERO, 1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
        assertThatThrownBy(() -> new EgressPolicy(List.of(), Duration.ofSeconds(1), 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max-response-size");
        assertThatThrownBy(() -> new EgressPolicy(List.of(), Duration.ofSeconds(1), 1, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max-redirects");
    }

    @Test
    void theConstructorRefusesRulesThatCouldNeverMatchOrWouldBreakRequests() {
        assertThatThrownBy(() -> policy(rule("http", "127.0.0.1", port, "echo/", "GET")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("codeact.egress.rules[0].path-prefix=echo/: must start with /");
        assertThatThrownBy(() -> policy(rule("https", "*.", null, "/", "GET")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exact or *.domain");
        assertThatThrownBy(() -> policy(rule("https", "api.*.example.com", null, "/", "GET")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exact or *.domain");
        assertThatThrownBy(() -> policy(rule("https", "https://api.example.com/", null, "/", "GET")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a URL");
        assertThatThrownBy(() -> policy(new EgressRule("https", "api.example.com", null, "/", List.of("GET"),
                Map.of("X-Key", "s3cret\r\nX-Evil: 1"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a valid HTTP header")
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> policy(new EgressRule("https", "api.example.com", null, "/", List.of("GET"),
                Map.of("Host", "other.example.com"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot set the Host header");
    }

    @Test
    void withMaxRedirectsZeroARedirectFails() {
        EgressPolicy policy = policy(Duration.ofSeconds(5), 1 << 20, 0, serverRule());
        assertThat(policy.describe()).contains("Redirects fail.");
        assertThat(failure(policy, "GET", url("/redirect?to=" + enc("/echo/zero"))))
                .startsWith("fetch failed: too many redirects (more than 0)");
        assertThat(server.requests).noneMatch(r -> r.startsWith("GET /echo/zero"));
    }
}
