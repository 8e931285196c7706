package dev.codeact.spring.policy.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.codeact.hyperlight.HostFunctionException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * https over the pinned socket: a local HTTPS server whose certificate (made with keytool for this run) names
 * only {@code localhost}. The TLS layer runs over the connection to the checked address and still verifies the
 * certificate against the URL's host name.
 */
class EgressTlsTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final char[] PASSWORD = "changeit".toCharArray();
    private static LocalHttpServer server;
    private static SSLSocketFactory trusting;

    @BeforeAll
    static void startServer(@TempDir Path dir) throws Exception {
        Path keystore = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes());
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(output).isZero();

        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            keys.load(in, PASSWORD);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PASSWORD);
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(kmf.getKeyManagers(), null, null);
        server = LocalHttpServer.https(serverContext);

        Certificate certificate = keys.getCertificate("server");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", certificate);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, tmf.getTrustManagers(), null);
        trusting = clientContext.getSocketFactory();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private EgressPolicy policy(SSLSocketFactory tls, EgressRule rule) {
        return new EgressPolicy(List.of(rule), Duration.ofSeconds(5), 1 << 20, 3, EgressPolicyTest::resolve,
                new LoopbackOnlySockets(), tls);
    }

    private static String args(String url) {
        return EgressPolicyTest.args("POST", url, Map.of("X-A", "1"), "tls body");
    }

    @Test
    void httpsToTheCertificatesNameWorksOverThePinnedAddress() throws Exception {
        EgressPolicy policy = policy(trusting, EgressPolicyTest.rule("https", "localhost", server.port(), "/", "POST"));
        JsonNode reply = JSON.readTree(policy.fetch().call(args("https://localhost:" + server.port() + "/echo/tls")));
        assertThat(reply.get("status").asInt()).isEqualTo(200);
        JsonNode echo = JSON.readTree(reply.get("body").asString());
        assertThat(echo.get("body").asString()).isEqualTo("tls body");
        assertThat(echo.get("headers").get("x-a").asString()).isEqualTo("1");
        assertThat(echo.get("headers").get("host").asString()).isEqualTo("localhost:" + server.port());
    }

    @Test
    void theCertificateMustMatchTheUrlsHost() {
        EgressPolicy policy = policy(trusting, EgressPolicyTest.rule("https", "127.0.0.1", server.port(), "/", "POST"));
        Throwable t = catchThrowable(() -> policy.fetch().call(args("https://127.0.0.1:" + server.port() + "/echo/x")));
        assertThat(t).isInstanceOf(HostFunctionException.class)
                .hasMessageStartingWith("fetch failed: TLS with https://127.0.0.1:" + server.port() + " failed: ")
                .hasMessageContaining("127.0.0.1");
        assertThat(server.requests).noneMatch(r -> r.endsWith("/echo/x"));
    }

    @Test
    void anUntrustedCertificateFails() {
        EgressPolicy policy = policy(null, EgressPolicyTest.rule("https", "localhost", server.port(), "/", "POST"));
        Throwable t = catchThrowable(() -> policy.fetch().call(args("https://localhost:" + server.port() + "/echo/y")));
        assertThat(t).isInstanceOf(HostFunctionException.class)
                .hasMessageStartingWith("fetch failed: TLS with https://localhost:" + server.port() + " failed: ");
        assertThat(server.requests).noneMatch(r -> r.endsWith("/echo/y"));
    }
}
