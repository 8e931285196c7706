package dev.codeact.spring.policy.egress;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A server on 127.0.0.1 that speaks raw bytes, to misbehave where {@link LocalHttpServer} cannot: it reads each
 * request's head, records it, then hands the connection to its behaviour. {@link #close()} closes every
 * connection, which ends any behaviour still running.
 */
final class HostileServer implements AutoCloseable {
    /** What the server does with one connection once the request head is in. */
    @FunctionalInterface
    interface Behaviour {
        void serve(InputStream in, OutputStream out, HostileServer server) throws IOException, InterruptedException;
    }

    private final ServerSocket listener;
    private final Behaviour behaviour;
    private final List<Socket> connections = new CopyOnWriteArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    /** The request heads received, in order. */
    final List<String> requests = new CopyOnWriteArrayList<>();
    /** Counts down once per request head received. */
    final CountDownLatch answering;

    HostileServer(int expectedRequests, Behaviour behaviour) throws IOException {
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.behaviour = behaviour;
        this.answering = new CountDownLatch(expectedRequests);
        Thread acceptor = new Thread(this::accept, "hostile-server-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    HostileServer(Behaviour behaviour) throws IOException {
        this(1, behaviour);
    }

    /** Accepts, reads the request, and then never says a word until the client goes away. */
    static HostileServer silent(int expectedRequests) throws IOException {
        return new HostileServer(expectedRequests, (in, out, server) -> {
            while (in.read() >= 0) {
                // the client's request is in; the server just holds the connection
            }
        });
    }

    /** Sends the head of a 100 000-byte response, then one body byte a second. */
    static HostileServer trickling(int expectedRequests) throws IOException {
        return new HostileServer(expectedRequests, (in, out, server) -> {
            out.write(ascii("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n"));
            out.flush();
            for (int i = 0; i < 100_000 && !server.pause(1000); i++) {
                out.write('x');
                out.flush();
            }
        });
    }

    int port() {
        return listener.getLocalPort();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    /** Waits up to {@code millis} for the server to close: the pace of a trickle. True once closed. */
    boolean pause(long millis) throws InterruptedException {
        return closed.await(millis, TimeUnit.MILLISECONDS);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private void accept() {
        while (!listener.isClosed()) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            connections.add(socket);
            Thread handler = new Thread(() -> handle(socket), "hostile-server-connection");
            handler.setDaemon(true);
            handler.start();
        }
    }

    private void handle(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            requests.add(readHead(in));
            answering.countDown();
            behaviour.serve(in, socket.getOutputStream(), this);
        } catch (IOException | InterruptedException e) {
            // the client went away, or the server is closing: both expected here
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        for (int b; matched < 4 && (b = in.read()) >= 0; ) {
            head.write(b);
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        closed.countDown();
        try {
            listener.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Socket socket : connections) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
