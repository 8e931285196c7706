package dev.codeact.spring.policy.egress;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;
import javax.net.SocketFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.BasicHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.DefaultHttpClientConnectionOperator;
import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.client5.http.io.DetachedSocketFactory;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.MessageConstraintException;
import org.apache.hc.core5.http.ProtocolException;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.io.DefaultHttpResponseParser;
import org.apache.hc.core5.http.io.HttpMessageParser;
import org.apache.hc.core5.http.io.HttpMessageParserFactory;
import org.apache.hc.core5.http.io.SessionInputBuffer;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;

/**
 * One request and its response over Apache HttpClient 5 (classic API), to the addresses the policy checked.
 * Each exchange gets a client of its own — {@link HttpClients#createMinimal}, which knows no proxies, redirects,
 * authentication, cookies, retries or content decoding — over a one-connection manager whose only resolver is the
 * given pinned one, whose sockets come from the policy's factory (registered with the call's {@link FetchClock})
 * and whose TLS layer is set up here. The client is closed with the exchange: no connection outlives it.
 */
final class EgressExchange implements Closeable {
    static final int MAX_HEADER_BYTES = 64 * 1024;
    static final int MAX_HEADERS = 256;
    /** HttpClient refuses the header that reaches maxHeaderCount, hence the + 1. */
    private static final Http1Config HTTP1 = Http1Config.custom().setMaxLineLength(MAX_HEADER_BYTES)
            .setMaxHeaderCount(MAX_HEADERS + 1).build();
    private static final ManagedHttpClientConnectionFactory CONNECTIONS = ManagedHttpClientConnectionFactory.builder()
            .http1Config(HTTP1).responseParserFactory(new CappedHeads()).build();

    /** A body over the limit: reading stopped there. */
    static final class TooLarge extends IOException {
        TooLarge() {
            super("response too large");
        }
    }

    /** The status and headers: names lower-case, repeated headers kept in order. */
    record Head(int status, Map<String, List<String>> headers) {
        String first(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    private final CloseableHttpClient client;
    private final ClassicHttpResponse response;
    private final Head head;

    private EgressExchange(CloseableHttpClient client, ClassicHttpResponse response) {
        this.client = client;
        this.response = response;
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Header h : response.getHeaders()) {
            headers.computeIfAbsent(h.getName().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(h.getValue());
        }
        this.head = new Head(response.getCode(), headers);
    }

    /**
     * Sends the request and reads the final response's head (interim 1xx ones are skipped).
     *
     * @param pinned answers only for the target's host, with the addresses already checked
     * @param headers the request's headers besides Host, Connection and Content-Length, which are set here
     * @param body the body, or null for none
     */
    static EgressExchange send(FetchTarget target, DnsResolver pinned, FetchClock clock, SocketFactory sockets,
            Supplier<SSLSocketFactory> tls, String method, List<Map.Entry<String, String>> headers, byte[] body)
            throws IOException {
        DetachedSocketFactory direct = proxy -> {
            if (proxy != null) {
                throw new IOException("egress goes direct, never through a proxy");
            }
            Socket socket = sockets.createSocket();
            clock.register(socket);
            return socket;
        };
        // an http exchange has no TLS strategy at all, so a server's "101, upgrade to TLS" cannot be taken up
        TlsSocketStrategy handshake = (socket, host, port, attachment, context) -> handshake(socket, target, tls.get());
        boolean https = target.scheme().equals("https");
        // DefaultHttpClientConnectionOperator is marked @Internal, but its public constructor is the one way to
        // give HttpClient both our sockets and our resolver; the egress tests fail if it stops using either
        BasicHttpClientConnectionManager connections = new BasicHttpClientConnectionManager(
                new DefaultHttpClientConnectionOperator(direct, null, pinned,
                        scheme -> https && scheme.equals("https") ? handshake : null),
                CONNECTIONS);
        Timeout left = clock.remaining();
        connections.setConnectionConfig(ConnectionConfig.custom().setConnectTimeout(left).setSocketTimeout(left).build());
        CloseableHttpClient client = HttpClients.createMinimal(connections);
        try {
            HttpHost host = new HttpHost(target.scheme(), target.host(), target.port());
            BasicClassicHttpRequest request = new BasicClassicHttpRequest(method, host, target.requestTarget());
            request.addHeader("Host", target.hostHeader());
            headers.forEach(h -> request.addHeader(h.getKey(), h.getValue()));
            request.addHeader("Connection", "close");
            if (body != null) {
                request.setEntity(new ByteArrayEntity(body, null)); // Content-Length from here, Content-Type as given
            }
            HttpClientContext context = HttpClientContext.create();
            context.setRequestConfig(RequestConfig.custom().setConnectionRequestTimeout(left)
                    .setResponseTimeout(left).build());
            return new EgressExchange(client, client.executeOpen(host, request, context));
        } catch (IOException | RuntimeException e) {
            client.close(CloseMode.IMMEDIATE);
            throw e;
        }
    }

    private static SSLSocket handshake(Socket plain, FetchTarget target, SSLSocketFactory tls) throws IOException {
        if (plain instanceof SSLSocket) {
            throw new SSLException("the server asked for TLS inside TLS");
        }
        SSLSocket ssl = (SSLSocket) tls.createSocket(plain, target.host(), target.port(), true);
        SSLParameters parameters = ssl.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the JDK checks the certificate against the URL's host
        if (SpecialAddresses.literal(target.host()) == null) {
            try {
                parameters.setServerNames(List.of(new SNIHostName(target.host())));
            } catch (IllegalArgumentException e) {
                // not a valid SNI name (a trailing dot, say): the handshake goes without SNI, the name is still checked
            }
        }
        ssl.setSSLParameters(parameters);
        ssl.startHandshake();
        return ssl;
    }

    Head head() {
        return head;
    }

    /**
     * Reads the body, undoing a gzip or deflate content coding as it goes; never holds more than {@code maxBytes}
     * of body, raw or decoded, so a compression bomb fails at the first byte past the limit.
     *
     * @throws TooLarge when the body is longer than {@code maxBytes}, before reading any of it when the
     *     Content-Length says so
     */
    byte[] readBody(long maxBytes) throws IOException {
        HttpEntity entity = response.getEntity();
        if (entity == null) { // HEAD, 204, 304: HttpClient knows there is no body
            return new byte[0];
        }
        if (entity.getContentLength() > maxBytes) {
            throw new TooLarge();
        }
        // never closed: closing HttpClient's body stream would read the rest of the body first
        InputStream raw = new Capped(entity.getContent(), maxBytes);
        String coding = decodes(head) ? head.first("content-encoding").strip().toLowerCase(Locale.ROOT) : "identity";
        InputStream in = switch (coding) {
            case "gzip", "x-gzip" -> new GZIPInputStream(raw, 8192);
            case "deflate" -> new InflaterInputStream(raw);
            default -> raw;
        };
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        try (in) { // ends the inflater; Capped does not pass the close on
            for (int n; (n = in.read(chunk)) != -1; ) {
                if (n > maxBytes - out.size()) {
                    throw new TooLarge();
                }
                out.write(chunk, 0, n);
            }
        }
        return out.toByteArray();
    }

    /** True when {@link #readBody} undoes the content coding this head announces. */
    static boolean decodes(Head head) {
        String coding = head.first("content-encoding");
        if (coding == null) {
            return false;
        }
        String c = coding.strip().toLowerCase(Locale.ROOT);
        return c.equals("gzip") || c.equals("x-gzip") || c.equals("deflate");
    }

    /** Closes the connection at once, without reading what is left of the body. */
    @Override
    public void close() {
        client.close(CloseMode.IMMEDIATE);
    }

    /** Counts raw body bytes and refuses the first one past the limit; close is not passed on (see readBody). */
    private static final class Capped extends FilterInputStream {
        private long left;

        Capped(InputStream in, long max) {
            super(in);
            this.left = max;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, (int) Math.min(len, left + 1));
            if (n > 0 && (left -= n) < 0) {
                throw new TooLarge();
            }
            return n;
        }

        @Override
        public void close() {
        }
    }

    /**
     * Response heads with the caps of the policy: at most {@value #MAX_HEADERS} header lines (HttpClient counts
     * them) and {@value #MAX_HEADER_BYTES} bytes in all. The byte cap is kept while the head arrives — the parser
     * reads through a budget of the cap plus one buffer of read-ahead, so a header flood fails at once and holds
     * little memory — and exactly once it is in. A 101 is refused: fetch speaks HTTP only.
     */
    private static final class CappedHeads implements HttpMessageParserFactory<ClassicHttpResponse> {
        @Override
        public HttpMessageParser<ClassicHttpResponse> create(Http1Config ignored) {
            return create();
        }

        @Override
        public HttpMessageParser<ClassicHttpResponse> create() {
            return new DefaultHttpResponseParser(HTTP1) {
                @Override
                public ClassicHttpResponse parse(SessionInputBuffer buffer, InputStream in)
                        throws IOException, HttpException {
                    ClassicHttpResponse response;
                    try {
                        response = super.parse(buffer, new Budget(in, MAX_HEADER_BYTES + HTTP1.getBufferSize()));
                    } catch (MessageConstraintException e) {
                        throw tooManyHeaders();
                    }
                    if (response == null) {
                        return null;
                    }
                    if (response.getCode() == 101) {
                        throw new ProtocolException("the server switched protocols (101), which fetch does not support");
                    }
                    long bytes = response.getReasonPhrase() == null ? 0 : response.getReasonPhrase().length();
                    for (Header h : response.getHeaders()) {
                        bytes += h.getName().length() + 2 + h.getValue().length();
                    }
                    if (bytes > MAX_HEADER_BYTES) {
                        throw tooManyHeaders();
                    }
                    return response;
                }
            };
        }

        private static MessageConstraintException tooManyHeaders() {
            return new MessageConstraintException("the response headers exceed " + MAX_HEADER_BYTES + " bytes or "
                    + MAX_HEADERS + " lines");
        }
    }

    /** A stream that fails once more than its budget has been read through it. */
    private static final class Budget extends FilterInputStream {
        private long left;

        Budget(InputStream in, long budget) {
            super(in);
            this.left = budget;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0 && --left < 0) {
                throw new MessageConstraintException("over budget");
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                throw new MessageConstraintException("over budget");
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }
    }
}
