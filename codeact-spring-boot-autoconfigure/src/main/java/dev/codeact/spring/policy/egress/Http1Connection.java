package dev.codeact.spring.policy.egress;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;
import javax.net.SocketFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTP/1.1 request and its response over a socket connected to an address the caller has already checked:
 * nothing here resolves a name. For https the TLS layer goes over that socket with the URL's host name as SNI
 * and as the name the certificate must match ({@code HTTPS} endpoint identification). Every request says
 * {@code Connection: close}, so the body ends at the connection's end when neither Content-Length nor chunked
 * framing gives it.
 *
 * <p>The deadline covers everything: the connect timeout and each read's timeout are what is left of it, and a
 * timer closes the socket at the deadline, which also ends a write the server never reads.
 */
final class Http1Connection implements Closeable {
    static final int MAX_HEADER_BYTES = 64 * 1024;
    private static final int MAX_HEADERS = 256;
    private static final ScheduledExecutorService DEADLINES = deadlineTimer();

    /** A body over the limit: reading stopped there. */
    static final class TooLarge extends IOException {
        TooLarge() {
            super("response too large");
        }
    }

    /** The status line and headers: names lower-case, repeated headers kept in order. */
    record Head(int status, Map<String, List<String>> headers) {
        String first(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    private final Socket plain;
    private final Socket socket;
    private final long deadlineNanos;
    private final ScheduledFuture<?> closer;
    private final InputStream in;
    private final byte[] buffer = new byte[8192];
    private int pos;
    private int limit;

    private Http1Connection(Socket plain, Socket socket, long deadlineNanos, ScheduledFuture<?> closer)
            throws IOException {
        this.plain = plain;
        this.socket = socket;
        this.deadlineNanos = deadlineNanos;
        this.closer = closer;
        this.in = socket.getInputStream();
    }

    /**
     * Connects to the first of the addresses that answers, then (https) does the TLS handshake for the target's
     * host name.
     *
     * @throws SocketTimeoutException at the deadline
     */
    static Http1Connection open(FetchTarget target, List<InetAddress> addresses, long deadlineNanos,
            SocketFactory sockets, Supplier<SSLSocketFactory> tls) throws IOException {
        IOException last = null;
        for (InetAddress address : addresses) {
            Socket plain = sockets.createSocket();
            ScheduledFuture<?> closer = DEADLINES.schedule(() -> closeQuietly(plain),
                    Math.max(1, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            try {
                plain.connect(new InetSocketAddress(address, target.port()), remainingMillis(deadlineNanos));
                plain.setTcpNoDelay(true);
                Socket socket = plain;
                if (target.scheme().equals("https")) {
                    socket = handshake(plain, target, deadlineNanos, tls.get());
                }
                return new Http1Connection(plain, socket, deadlineNanos, closer);
            } catch (IOException e) {
                closer.cancel(false);
                closeQuietly(plain);
                if (System.nanoTime() - deadlineNanos >= 0) {
                    throw new SocketTimeoutException("deadline");
                }
                if (e instanceof javax.net.ssl.SSLException) {
                    throw e; // the server answered: another address of the same host would not do better
                }
                last = e;
            }
        }
        throw last != null ? last : new IOException("no address to connect to");
    }

    private static SSLSocket handshake(Socket plain, FetchTarget target, long deadlineNanos, SSLSocketFactory tls)
            throws IOException {
        SSLSocket ssl = (SSLSocket) tls.createSocket(plain, target.host(), target.port(), true);
        SSLParameters parameters = ssl.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        if (SpecialAddresses.literal(target.host()) == null) {
            try {
                parameters.setServerNames(List.of(new SNIHostName(target.host())));
            } catch (IllegalArgumentException e) {
                // not a valid SNI name (a trailing dot, say): the handshake goes without SNI, the name is still checked
            }
        }
        ssl.setSSLParameters(parameters);
        ssl.setSoTimeout(remainingMillis(deadlineNanos));
        ssl.startHandshake();
        return ssl;
    }

    /** Sends the request: the request line, Host, the given headers, Connection: close, and the body. */
    void send(String method, FetchTarget target, List<Map.Entry<String, String>> headers, byte[] body)
            throws IOException {
        StringBuilder head = new StringBuilder(256);
        head.append(method).append(' ').append(target.requestTarget()).append(" HTTP/1.1\r\n");
        head.append("Host: ").append(target.hostHeader()).append("\r\n");
        for (Map.Entry<String, String> h : headers) {
            head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        head.append("Connection: close\r\n");
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        OutputStream out = socket.getOutputStream();
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
            out.write(body);
        }
        out.flush();
    }

    /** Reads the status line and headers of the final response, skipping interim (1xx) ones. */
    Head readHead() throws IOException {
        while (true) {
            String statusLine = readLine(8192);
            if (statusLine == null) {
                throw new IOException("the server closed the connection without a response");
            }
            if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12 || statusLine.charAt(8) != ' ') {
                throw new IOException("the server did not answer with HTTP/1.x");
            }
            int status;
            try {
                status = Integer.parseInt(statusLine.substring(9, 12));
            } catch (NumberFormatException e) {
                throw new IOException("malformed status line from the server");
            }
            Map<String, List<String>> headers = new LinkedHashMap<>();
            int bytes = statusLine.length();
            int count = 0;
            String previous = null;
            while (true) {
                String line = readLine(MAX_HEADER_BYTES);
                if (line == null) {
                    throw new IOException("the connection ended inside the response headers");
                }
                if (line.isEmpty()) {
                    break;
                }
                bytes += line.length();
                if (bytes > MAX_HEADER_BYTES || ++count > MAX_HEADERS) {
                    throw new IOException("the response headers exceed " + MAX_HEADER_BYTES + " bytes or "
                            + MAX_HEADERS + " lines");
                }
                if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && previous != null) { // obsolete folding
                    List<String> values = headers.get(previous);
                    int last = values.size() - 1;
                    values.set(last, values.get(last) + " " + line.strip());
                    continue;
                }
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    throw new IOException("malformed response header line");
                }
                previous = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
                headers.computeIfAbsent(previous, k -> new ArrayList<>()).add(line.substring(colon + 1).strip());
            }
            if (status >= 100 && status < 200) {
                if (status == 101) {
                    throw new IOException("the server switched protocols (101), which fetch does not support");
                }
                continue;
            }
            return new Head(status, headers);
        }
    }

    /**
     * Reads the body as framed by the head, then undoes a gzip or deflate content coding; never holds more than
     * {@code maxBytes} of body (raw or decoded).
     *
     * @throws TooLarge when the body is longer than {@code maxBytes}
     */
    byte[] readBody(String method, Head head, long maxBytes) throws IOException {
        if (method.equals("HEAD") || head.status() == 204 || head.status() == 304) {
            return new byte[0];
        }
        Sink sink = new Sink(maxBytes);
        List<String> transfer = head.headers().get("transfer-encoding");
        String contentLength = head.first("content-length");
        if (transfer != null) {
            String codings = String.join(",", transfer).toLowerCase(Locale.ROOT).strip();
            if (codings.endsWith("chunked")) {
                readChunked(sink);
            } else {
                readToEnd(sink);
            }
        } else if (contentLength != null) {
            long length;
            try {
                length = Long.parseLong(contentLength.strip());
            } catch (NumberFormatException e) {
                throw new IOException("malformed Content-Length from the server");
            }
            for (String other : head.headers().get("content-length")) {
                if (!other.strip().equals(contentLength.strip())) {
                    throw new IOException("conflicting Content-Length headers from the server");
                }
            }
            if (length < 0) {
                throw new IOException("malformed Content-Length from the server");
            }
            if (length > maxBytes) {
                throw new TooLarge();
            }
            readExactly(sink, length);
        } else {
            readToEnd(sink);
        }
        String coding = head.first("content-encoding");
        if (coding == null) {
            return sink.bytes();
        }
        switch (coding.strip().toLowerCase(Locale.ROOT)) {
            case "gzip", "x-gzip":
                return decode(new GZIPInputStream(new ByteArrayInputStream(sink.bytes())), maxBytes);
            case "deflate":
                return decode(new InflaterInputStream(new ByteArrayInputStream(sink.bytes())), maxBytes);
            default:
                return sink.bytes();
        }
    }

    /** True when {@link #readBody} undid the content coding this head announces. */
    static boolean decodes(Head head) {
        String coding = head.first("content-encoding");
        if (coding == null) {
            return false;
        }
        String c = coding.strip().toLowerCase(Locale.ROOT);
        return c.equals("gzip") || c.equals("x-gzip") || c.equals("deflate");
    }

    private static byte[] decode(InputStream decoder, long maxBytes) throws IOException {
        Sink sink = new Sink(maxBytes);
        byte[] chunk = new byte[8192];
        try (decoder) {
            int n;
            while ((n = decoder.read(chunk)) > 0) {
                sink.add(chunk, 0, n);
            }
        }
        return sink.bytes();
    }

    private void readChunked(Sink sink) throws IOException {
        while (true) {
            String sizeLine = readLine(1024);
            if (sizeLine == null) {
                throw new IOException("the connection ended inside a chunked body");
            }
            int semicolon = sizeLine.indexOf(';');
            String hex = (semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).strip();
            long size;
            try {
                size = Long.parseLong(hex, 16);
            } catch (NumberFormatException e) {
                throw new IOException("malformed chunk size from the server");
            }
            if (size < 0) {
                throw new IOException("malformed chunk size from the server");
            }
            if (size == 0) {
                int trailerBytes = 0;
                String trailer;
                while ((trailer = readLine(MAX_HEADER_BYTES)) != null && !trailer.isEmpty()) {
                    trailerBytes += trailer.length();
                    if (trailerBytes > MAX_HEADER_BYTES) {
                        throw new IOException("the response trailers exceed " + MAX_HEADER_BYTES + " bytes");
                    }
                }
                return;
            }
            if (size > sink.room()) {
                throw new TooLarge();
            }
            readExactly(sink, size);
            String end = readLine(2);
            if (end == null || !end.isEmpty()) {
                throw new IOException("malformed chunked body from the server");
            }
        }
    }

    private void readExactly(Sink sink, long length) throws IOException {
        long left = length;
        while (left > 0) {
            if (pos == limit && !fill()) {
                throw new IOException("the connection ended after " + (length - left) + " of " + length
                        + " body bytes");
            }
            int n = (int) Math.min(left, limit - pos);
            sink.add(buffer, pos, n);
            pos += n;
            left -= n;
        }
    }

    private void readToEnd(Sink sink) throws IOException {
        while (pos < limit || fill()) {
            sink.add(buffer, pos, limit - pos);
            pos = limit;
        }
    }

    /** A line without its CR LF; null at the end of the stream before any byte. */
    private String readLine(int maxBytes) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        while (true) {
            if (pos == limit && !fill()) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
            }
            byte b = buffer[pos++];
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
            }
            if (line.size() >= maxBytes) {
                throw new IOException("a line of the response is longer than " + maxBytes + " bytes");
            }
            line.write(b);
        }
    }

    private boolean fill() throws IOException {
        socket.setSoTimeout(remainingMillis(deadlineNanos));
        int n = in.read(buffer, 0, buffer.length);
        if (n < 0) {
            return false;
        }
        pos = 0;
        limit = n;
        return true;
    }

    boolean pastDeadline() {
        return System.nanoTime() - deadlineNanos >= 0;
    }

    @Override
    public void close() {
        closer.cancel(false);
        closeQuietly(socket);
        closeQuietly(plain);
    }

    /** What is left until the deadline, at least 1 ms (0 would mean no timeout). */
    private static int remainingMillis(long deadlineNanos) throws SocketTimeoutException {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException("deadline");
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(left)));
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private static ScheduledExecutorService deadlineTimer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "codeact-fetch-deadline");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    /** Collects body bytes up to a limit and refuses the first byte past it. */
    private static final class Sink {
        private final long max;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        Sink(long max) {
            this.max = max;
        }

        long room() {
            return max - bytes.size();
        }

        void add(byte[] b, int off, int len) throws TooLarge {
            if (len > room()) {
                throw new TooLarge();
            }
            bytes.write(b, off, len);
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }
    }
}
