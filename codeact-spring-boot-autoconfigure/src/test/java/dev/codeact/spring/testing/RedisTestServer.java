package dev.codeact.spring.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A real {@code redis-server} (Debian's package) for the tests: on a free 127.0.0.1 port, with persistence off
 * ({@code --save "" --appendonly no}) and a temporary directory of its own, stopped and removed by {@link #close()}.
 * {@link #start()} returns once the server answers PING: it waits for the server's own "ready" line, then asks, all
 * within a bounded deadline (no sleeps). Tests that need one are marked {@link RequiresRedis}.
 */
public final class RedisTestServer implements AutoCloseable {
    private static final Duration START_DEADLINE = Duration.ofSeconds(20);
    private static final List<Path> CANDIDATES = List.of(Path.of("/usr/bin/redis-server"), Path.of("/usr/local/bin/redis-server"));
    /** Another process may take the free port between our probe and the server's bind: then try another. */
    private static final int PORT_ATTEMPTS = 3;

    private final Process process;
    private final int port;
    private final Path directory;
    private final Deque<String> lastLines;

    private RedisTestServer(Process process, int port, Path directory, Deque<String> lastLines) {
        this.process = process;
        this.port = port;
        this.directory = directory;
        this.lastLines = lastLines;
    }

    /** The redis-server executable: on the PATH, or where Debian puts it; null when there is none. */
    public static Path executable() {
        Stream<Path> onPath = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .filter(dir -> !dir.isEmpty()).map(dir -> Path.of(dir, "redis-server"));
        return Stream.concat(onPath, CANDIDATES.stream()).filter(Files::isExecutable).findFirst().orElse(null);
    }

    /** Why no server can be started here, or null when one can. */
    public static String unavailableReason() {
        return executable() == null ? "redis-server is not installed (Debian package redis-server; ./codeact test"
                + " installs it)" : null;
    }

    public static RedisTestServer start() {
        Path executable = executable();
        if (executable == null) {
            throw new IllegalStateException(unavailableReason());
        }
        IllegalStateException failure = null;
        for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
            try {
                return start(executable, freePort());
            } catch (IllegalStateException e) {
                failure = e;
            }
        }
        throw failure;
    }

    private static RedisTestServer start(Path executable, int port) {
        Path directory;
        try {
            directory = Files.createTempDirectory("codeact-redis-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Process process;
        try {
            process = new ProcessBuilder(executable.toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--dir", directory.toString(), "--daemonize", "no",
                    "--protected-mode", "yes", "--loglevel", "notice", "--logfile", "")
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            deleteQuietly(directory);
            throw new UncheckedIOException(e);
        }
        Deque<String> lastLines = new ArrayDeque<>();
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> readOutput(process, lastLines, ready), "redis-server-" + port);
        reader.setDaemon(true);
        reader.start();
        RedisTestServer server = new RedisTestServer(process, port, directory, lastLines);
        try {
            ready.get(START_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            if (!server.ping()) {
                throw new IllegalStateException("redis-server on port " + port + " did not answer PING");
            }
            return server;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.close();
            throw new IllegalStateException("interrupted while redis-server started", e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            server.close();
            throw new IllegalStateException("redis-server did not start on port " + port + " within " + START_DEADLINE
                    + ": " + e + "; its last output: " + server.output(), e);
        }
    }

    /** Drains the server's output (keeping its last lines for errors) and completes {@code ready} on its ready line. */
    private static void readOutput(Process process, Deque<String> lastLines, CompletableFuture<Void> ready) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                synchronized (lastLines) {
                    lastLines.addLast(line);
                    if (lastLines.size() > 20) {
                        lastLines.removeFirst();
                    }
                }
                if (line.contains("Ready to accept connections")) {
                    ready.complete(null);
                }
            }
        } catch (IOException e) {
            // the process ended
        }
        ready.completeExceptionally(new IllegalStateException("redis-server exited with " + process.onExit().join().exitValue()));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the server answers PING with PONG (inline command, bounded by a socket timeout). */
    public boolean ping() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
            socket.setSoTimeout(2000);
            socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] answer = new byte[7];
            int read = 0;
            while (read < answer.length) {
                int n = socket.getInputStream().read(answer, read, answer.length - read);
                if (n < 0) {
                    break;
                }
                read += n;
            }
            return new String(answer, 0, read, StandardCharsets.US_ASCII).equals("+PONG\r\n");
        } catch (IOException e) {
            return false;
        }
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    /** The properties that point Spring Boot's Redis auto-configuration at this server. */
    public String[] springProperties() {
        return new String[] {"spring.data.redis.host=" + host(), "spring.data.redis.port=" + port};
    }

    private String output() {
        synchronized (lastLines) {
            return String.join("\n", lastLines);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        deleteQuietly(directory);
    }

    private static void deleteQuietly(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind
        }
    }
}
