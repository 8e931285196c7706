package dev.codeact.spring.policy.egress;

import static dev.codeact.spring.policy.egress.HostileServer.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.codeact.hyperlight.Deadline;
import dev.codeact.hyperlight.HostFunctionException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * fetch against servers that misbehave on the wire, the time a call may take (the egress timeout, or the
 * execution's deadline when that comes first), and the pinning of the checked address. Everything runs on
 * 127.0.0.1; names resolve only through test resolvers.
 */
class EgressHostileServersTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration LONG = Duration.ofSeconds(20);
    private static final Duration MARGIN = Duration.ofSeconds(1);

    private final LoopbackOnlySockets sockets = new LoopbackOnlySockets();
    private final List<HostileServer> servers = new ArrayList<>();

    @AfterEach
    void closeServers() {
        servers.forEach(HostileServer::close);
    }

    private HostileServer serve(HostileServer.Behaviour behaviour) throws IOException {
        HostileServer server = new HostileServer(behaviour);
        servers.add(server);
        return server;
    }

    private HostileServer add(HostileServer server) {
        servers.add(server);
        return server;
    }

    private EgressPolicy policy(Duration timeout, long maxBytes, HostileServer server) {
        return new EgressPolicy(List.of(EgressPolicyTest.rule("http", "127.0.0.1", server.port(), "/", "GET", "HEAD")),
                timeout, maxBytes, 3, EgressPolicyTest::resolve, sockets, null);
    }

    private static String args(String method, String url) {
        return EgressPolicyTest.args(method, url, Map.of(), null);
    }

    private static String failure(EgressPolicy policy, String url, Deadline deadline) {
        Throwable t = catchThrowable(() -> policy.fetch().call(args("GET", url), deadline));
        assertThat(t).isInstanceOf(HostFunctionException.class);
        return t.getMessage();
    }

    private static String failure(EgressPolicy policy, String url) {
        return failure(policy, url, Deadline.none());
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    @Nested
    class TheCallsTime {
        @Test
        void aSilentServerCostsNoMoreThanTheExecutionsDeadline() throws Exception {
            HostileServer server = add(HostileServer.silent(1));
            long start = System.nanoTime();
            assertThat(failure(policy(LONG, 1 << 20, server), server.url("/x"), Deadline.after(Duration.ofMillis(700))))
                    .isEqualTo("fetch stopped: the execution's time ran out before " + server.url("/x") + " answered");
            assertThat(since(start)).isLessThan(Duration.ofMillis(700).plus(MARGIN));
            assertThat(server.answering.await(5, TimeUnit.SECONDS)).as("the request reached the server").isTrue();
        }

        @Test
        void aTricklingBodyCostsNoMoreThanTheExecutionsDeadline() throws Exception {
            HostileServer server = add(HostileServer.trickling(1));
            long start = System.nanoTime();
            assertThat(failure(policy(LONG, 1 << 20, server), server.url("/x"), Deadline.after(Duration.ofMillis(1500))))
                    .startsWith("fetch stopped: the execution's time ran out");
            assertThat(since(start)).isLessThan(Duration.ofMillis(1500).plus(MARGIN));
        }

        @Test
        void aSilentTlsServerCostsNoMoreThanTheDeadlineEither() throws Exception {
            HostileServer server = add(HostileServer.silent(1));
            EgressPolicy policy = new EgressPolicy(List.of(EgressPolicyTest.rule("https", "127.0.0.1", server.port(),
                    "/", "GET")), LONG, 1 << 20, 3, EgressPolicyTest::resolve, sockets, null);
            long start = System.nanoTime();
            assertThat(failure(policy, "https://127.0.0.1:" + server.port() + "/x", Deadline.after(Duration.ofMillis(700))))
                    .startsWith("fetch stopped: the execution's time ran out");
            assertThat(since(start)).isLessThan(Duration.ofMillis(700).plus(MARGIN));
        }

        @Test
        void theEgressTimeoutBindsWhenItIsTheSmaller() throws Exception {
            HostileServer server = add(HostileServer.silent(1));
            long start = System.nanoTime();
            assertThat(failure(policy(Duration.ofMillis(400), 1 << 20, server), server.url("/x"), Deadline.after(LONG)))
                    .isEqualTo("fetch timed out after 400 ms: " + server.url("/x"));
            assertThat(since(start)).isLessThan(Duration.ofMillis(400).plus(MARGIN));
        }

        @Test
        void aCallAfterTheDeadlineFailsAtOnceWithoutConnecting() throws Exception {
            HostileServer server = add(HostileServer.silent(1));
            assertThat(failure(policy(LONG, 1 << 20, server), server.url("/x"), new Deadline(System.nanoTime() - 1)))
                    .startsWith("fetch stopped: the execution's time ran out");
            assertThat(sockets.connects).isEmpty();
        }

        @Test
        void aNameLookupThatHangsCostsNoMoreThanTheDeadline() throws Exception {
            CountDownLatch never = new CountDownLatch(1);
            EgressPolicy policy = new EgressPolicy(List.of(EgressPolicyTest.rule("http", "hangs.test", null, "/",
                    "GET")), LONG, 1 << 20, 3, host -> {
                        try {
                            never.await(10, TimeUnit.SECONDS); // bounded, so a policy that waits for it fails
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        throw new UnknownHostException(host);
                    }, sockets, null);
            long start = System.nanoTime();
            try {
                assertThat(failure(policy, "http://hangs.test/x", Deadline.after(Duration.ofMillis(500))))
                        .isEqualTo("fetch stopped: the execution's time ran out before http://hangs.test/x answered");
                assertThat(since(start)).isLessThan(Duration.ofMillis(500).plus(MARGIN));
            } finally {
                never.countDown();
            }
            assertThat(sockets.connects).isEmpty();
        }

        @Test
        void aHeadThatTricklesInTimesOut() throws Exception {
            HostileServer server = serve((in, out, s) -> {
                out.write(ascii("HTTP/1.1 200 OK\r\n"));
                for (int i = 0; i < 10_000 && !s.pause(50); i++) {
                    out.write(ascii("X: y\r\n".substring(i % 6, i % 6 + 1)));
                    out.flush();
                }
            });
            long start = System.nanoTime();
            assertThat(failure(policy(Duration.ofMillis(500), 1 << 20, server), server.url("/x")))
                    .isEqualTo("fetch timed out after 500 ms: " + server.url("/x"));
            assertThat(since(start)).isLessThan(Duration.ofMillis(500).plus(MARGIN));
        }
    }

    @Nested
    class Heads {
        private static final String FLOODED = "the response headers exceed 65536 bytes or 256 lines";

        private HostileServer heads(int count, int valueBytes) throws IOException {
            return serve((in, out, s) -> {
                out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"));
                for (int i = 0; i < count; i++) {
                    out.write(ascii("X-" + i + ": " + "v".repeat(valueBytes) + "\r\n"));
                }
                out.write(ascii("\r\nok"));
                out.flush();
            });
        }

        @Test
        void aHeaderFloodFailsFast() throws Exception {
            HostileServer server = serve((in, out, s) -> {
                out.write(ascii("HTTP/1.1 200 OK\r\n"));
                for (int i = 0; i < 10_000_000; i++) {
                    out.write(ascii("X-Flood: " + i + "\r\n"));
                }
            });
            assertThat(failure(policy(LONG, 1 << 20, server), server.url("/x")))
                    .isEqualTo("fetch failed: " + server.url("/x") + ": " + FLOODED);
        }

        @Test
        void headersAreCappedByCountAndBySize() throws Exception {
            HostileServer many = heads(257, 1);
            assertThat(failure(policy(LONG, 1 << 20, many), many.url("/x"))).endsWith(FLOODED);
            HostileServer large = heads(100, 1000);
            assertThat(failure(policy(LONG, 1 << 20, large), large.url("/x"))).endsWith(FLOODED);
            HostileServer oneHuge = heads(1, 70_000);
            assertThat(failure(policy(LONG, 1 << 20, oneHuge), oneHuge.url("/x"))).endsWith(FLOODED);
        }

        @Test
        void headersUpToTheCapsAreFine() throws Exception {
            HostileServer server = heads(255, 200); // 256 lines with Content-Length, about 52 KB
            JsonNode reply = JSON.readTree(policy(LONG, 1 << 20, server).fetch().call(args("GET", server.url("/x"))));
            assertThat(reply.get("headers").get("x-254").asString()).hasSize(200);
            assertThat(reply.get("body").asString()).isEqualTo("ok");
        }

        @Test
        void aSwitchOfProtocolsIsRefused() throws Exception {
            HostileServer server = serve((in, out, s) -> {
                out.write(ascii("HTTP/1.1 101 Switching Protocols\r\nUpgrade: TLS/1.2\r\nConnection: Upgrade\r\n\r\n"));
                out.flush();
                s.pause(60_000);
            });
            assertThat(failure(policy(LONG, 1 << 20, server), server.url("/x"))).isEqualTo("fetch failed: "
                    + server.url("/x") + ": the server switched protocols (101), which fetch does not support");
        }

        @Test
        void aChallengeIsAnsweredByNobody() throws Exception {
            HostileServer server = serve((in, out, s) -> {
                out.write(ascii("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"x\"\r\n"
                        + "Content-Length: 4\r\n\r\nnope"));
                out.flush();
            });
            JsonNode reply = JSON.readTree(policy(LONG, 1 << 20, server).fetch().call(args("GET", server.url("/x"))));
            assertThat(reply.get("status").asInt()).isEqualTo(401);
            assertThat(reply.get("body").asString()).isEqualTo("nope");
            assertThat(server.requests).hasSize(1);
        }
    }

    @Nested
    class Bodies {
        @Test
        void anEndlessChunkedBodyFailsAtTheLimit() throws Exception {
            HostileServer server = serve((in, out, s) -> {
                out.write(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"));
                byte[] chunk = ascii("3e8\r\n" + "c".repeat(1000) + "\r\n");
                for (int i = 0; i < 10_000_000; i++) {
                    out.write(chunk);
                }
            });
            assertThat(failure(policy(LONG, 1000, server), server.url("/x")))
                    .isEqualTo("fetch response from " + server.url("/x") + " exceeds the 1000-byte limit");
        }

        @Test
        void aContentLengthOverTheLimitFailsBeforeAnyBodyIsRead() throws Exception {
            HostileServer server = serve((in, out, s) -> {
                out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 1000000000\r\n\r\n"));
                out.flush();
                s.pause(60_000); // and never a byte of it
            });
            long start = System.nanoTime();
            assertThat(failure(policy(LONG, 1 << 20, server), server.url("/x")))
                    .isEqualTo("fetch response from " + server.url("/x") + " exceeds the 1048576-byte limit");
            assertThat(since(start)).isLessThan(MARGIN);
        }

        @Test
        void aBodyShorterThanItsContentLengthFails() throws Exception {
            HostileServer server = serve((in, out, s) -> {
                out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf!"));
                out.flush();
            });
            assertThat(failure(policy(LONG, 1 << 20, server), server.url("/x")))
                    .startsWith("fetch failed: " + server.url("/x") + ": ").doesNotContain("timed out");
        }

        @Test
        void aGzipBombFailsAtTheLimitOfTheDecodedBody() throws Exception {
            byte[] bomb = compressed(true, 64 << 20);
            HostileServer server = serve((in, out, s) -> {
                out.write(ascii("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: " + bomb.length
                        + "\r\n\r\n"));
                out.write(bomb);
                out.flush();
            });
            assertThat(bomb.length).isLessThan(1 << 20);
            long start = System.nanoTime();
            assertThat(failure(policy(LONG, 1 << 20, server), server.url("/x")))
                    .isEqualTo("fetch response from " + server.url("/x") + " exceeds the 1048576-byte limit");
            assertThat(since(start)).isLessThan(MARGIN);
        }

        @Test
        void aChunkedDeflateBombFailsAtTheLimitOfTheDecodedBody() throws Exception {
            byte[] bomb = compressed(false, 64 << 20);
            HostileServer server = serve((in, out, s) -> {
                out.write(ascii("HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + Integer.toHexString(bomb.length) + "\r\n"));
                out.write(bomb);
                out.write(ascii("\r\n0\r\n\r\n"));
                out.flush();
            });
            assertThat(failure(policy(LONG, 1 << 20, server), server.url("/x")))
                    .isEqualTo("fetch response from " + server.url("/x") + " exceeds the 1048576-byte limit");
        }

        @Test
        void aHeadResponseHasNoBodyWhateverItsContentLengthSays() throws Exception {
            HostileServer server = serve((in, out, s) -> {
                out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n"));
                out.flush();
                s.pause(60_000);
            });
            JsonNode reply = JSON.readTree(policy(LONG, 1 << 20, server).fetch().call(args("HEAD", server.url("/x"))));
            assertThat(reply.get("status").asInt()).isEqualTo(200);
            assertThat(reply.get("body").asString()).isEmpty();
        }

        @Test
        void aRedirectsBodyIsNeverRead() throws Exception {
            HostileServer server = new HostileServer(2, (in, out, s) -> {
                if (s.requests.size() == 1) { // a redirect with an endless body
                    out.write(ascii("HTTP/1.1 302 Found\r\nLocation: /end\r\nTransfer-Encoding: chunked\r\n\r\n"));
                    for (int i = 0; i < 10_000_000 && !s.pause(10); i++) {
                        out.write(ascii("1\r\nx\r\n"));
                        out.flush();
                    }
                } else {
                    out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nend"));
                    out.flush();
                }
            });
            add(server);
            long start = System.nanoTime();
            JsonNode reply = JSON.readTree(policy(LONG, 1 << 20, server).fetch().call(args("GET", server.url("/x"))));
            assertThat(reply.get("body").asString()).isEqualTo("end");
            assertThat(reply.get("redirected").asBoolean()).isTrue();
            assertThat(since(start)).isLessThan(MARGIN);
        }

        private static byte[] compressed(boolean gzip, int zeros) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (OutputStream out = gzip ? new GZIPOutputStream(bytes) : new DeflaterOutputStream(bytes)) {
                byte[] block = new byte[1 << 16];
                for (int written = 0; written < zeros; written += block.length) {
                    out.write(block);
                }
            }
            return bytes.toByteArray();
        }
    }

    @Nested
    class Pinning {
        private final LoopbackOnlySockets recording = new LoopbackOnlySockets(true);
        private final List<InetSocketAddress> connects = recording.connects;

        /** A resolver that answers {@code answers} in turn (the last one from then on) and counts the lookups. */
        private EgressPolicy.Resolver rebinding(AtomicInteger lookups, String... answers) {
            return host -> {
                int n = lookups.getAndIncrement();
                String ip = answers[Math.min(n, answers.length - 1)];
                return new InetAddress[] {InetAddress.getByAddress(host, InetAddress.getByName(ip).getAddress())};
            };
        }

        @Test
        void aRebindingNameIsLookedUpOnceAndTheConnectionGoesToTheCheckedAddress() throws Exception {
            HostileServer server = add(HostileServer.silent(1));
            AtomicInteger lookups = new AtomicInteger();
            EgressPolicy policy = new EgressPolicy(List.of(EgressPolicyTest.rule("http", "rebind.test", server.port(),
                    "/", "GET")), LONG, 1 << 20, 3, rebinding(lookups, "203.0.113.7", "127.0.0.1"), recording, null);
            assertThat(failure(policy, "http://rebind.test:" + server.port() + "/x"))
                    .isEqualTo("fetch failed: http://rebind.test:" + server.port() + "/x: the connection was refused");
            assertThat(lookups).hasValue(1);
            assertThat(connects).containsExactly(new InetSocketAddress(InetAddress.getByName("203.0.113.7"),
                    server.port()));
            assertThat(server.requests).isEmpty();
        }

        @Test
        void everyCheckedAddressIsTriedInOrderWithoutAnotherLookup() throws Exception {
            HostileServer server = serve((in, out, s) -> {
                out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
                out.flush();
            });
            AtomicInteger lookups = new AtomicInteger();
            EgressPolicy policy = new EgressPolicy(List.of(EgressPolicyTest.rule("http", "localhost", server.port(),
                    "/", "GET")), LONG, 1 << 20, 3, host -> {
                        lookups.incrementAndGet();
                        return new InetAddress[] {InetAddress.getByName("127.0.0.2"), InetAddress.getByName("127.0.0.1")};
                    }, recording, null);
            JsonNode reply = JSON.readTree(policy.fetch().call(args("GET", "http://localhost:" + server.port() + "/x")));
            assertThat(reply.get("body").asString()).isEqualTo("ok");
            assertThat(lookups).hasValue(1);
            assertThat(connects).extracting(a -> a.getAddress().getHostAddress()).containsExactly("127.0.0.2", "127.0.0.1");
            assertThat(server.requests.get(0)).contains("Host: localhost:" + server.port());
        }

        @Test
        void systemProxySettingsAreIgnored() throws Exception {
            HostileServer proxy = add(HostileServer.silent(1));
            HostileServer server = serve((in, out, s) -> {
                out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\ndirect"));
                out.flush();
            });
            List<String> keys = List.of("http.proxyHost", "http.proxyPort", "socksProxyHost", "socksProxyPort");
            List<String> saved = keys.stream().map(System::getProperty).toList();
            try {
                System.setProperty("http.proxyHost", "127.0.0.1");
                System.setProperty("http.proxyPort", String.valueOf(proxy.port()));
                System.setProperty("socksProxyHost", "127.0.0.1");
                System.setProperty("socksProxyPort", String.valueOf(proxy.port()));
                // the production constructor: its own sockets, the JDK resolver (not asked: the host is a literal)
                EgressPolicy policy = new EgressPolicy(List.of(EgressPolicyTest.rule("http", "127.0.0.1",
                        server.port(), "/", "GET")), LONG, 1 << 20, 3);
                JsonNode reply = JSON.readTree(policy.fetch().call(args("GET", server.url("/x"))));
                assertThat(reply.get("body").asString()).isEqualTo("direct");
            } finally {
                for (int i = 0; i < keys.size(); i++) {
                    if (saved.get(i) == null) {
                        System.clearProperty(keys.get(i));
                    } else {
                        System.setProperty(keys.get(i), saved.get(i));
                    }
                }
            }
            assertThat(proxy.requests).isEmpty();
        }
    }
}
