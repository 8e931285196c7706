package dev.codeact.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A throw-away redis-server on a free loopback port, without persistence, for the Redis column of the session figures:
 * the store's cost over loopback, nothing of a network. Started only when the binary is on the PATH.
 */
final class RedisServer implements AutoCloseable {
    private static final String READY = "Ready to accept connections";

    private final Process process;
    private final int port;

    private RedisServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** The redis-server binary on the PATH, if there is one. */
    static Optional<Path> binary() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "redis-server");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * Starts {@code binary} on a free port of 127.0.0.1 and returns once it says it accepts connections (read from its
     * log, so nothing polls).
     *
     * @throws IllegalStateException when it ends before it is ready (for example the port was taken meanwhile)
     */
    static RedisServer start(Path binary) {
        int port = freeLoopbackPort();
        try {
            Process process = new ProcessBuilder(binary.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--protected-mode", "yes")
                    .redirectErrorStream(true).start();
            StringBuilder log = new StringBuilder();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            for (String line; (line = out.readLine()) != null; ) {
                log.append(line).append('\n');
                if (line.contains(READY)) {
                    drain(out);
                    return new RedisServer(process, port);
                }
            }
            process.waitFor();
            throw new IllegalStateException("redis-server ended (exit " + process.exitValue() + ") before it was ready:\n" + log);
        } catch (IOException e) {
            throw new UncheckedIOException("redis-server did not start", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while redis-server started", e);
        }
    }

    int port() {
        return port;
    }

    String host() {
        return "127.0.0.1";
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    /** Reads the server's further log on a daemon thread, so that a full pipe never stalls it. */
    private static void drain(BufferedReader out) {
        Thread reader = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // the log is not needed once the server is ready
                }
            } catch (IOException ignored) {
                // the server ended
            }
        }, "redis-server-log");
        reader.setDaemon(true);
        reader.start();
    }
}
