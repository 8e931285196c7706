package dev.codeact.benchmarks;

import dev.codeact.spring.session.InMemorySessionStore;
import dev.codeact.spring.session.SessionStore;

/**
 * A session store the session figures measure, with what it runs on (a redis-server), or the reason it is not
 * measured in this run, printed in its column instead of figures.
 *
 * @param kind the store's name as in {@code codeact.sessions.store}
 * @param store the store, or null when skipped
 * @param backing what the store needs running, closed after it, or null
 * @param skipped why it is not measured, or null
 */
record BenchStore(String kind, SessionStore store, AutoCloseable backing, String skipped) implements AutoCloseable {

    static BenchStore memory() {
        return new BenchStore("memory", new InMemorySessionStore(), null, null);
    }

    /**
     * The Redis store over a redis-server started on a loopback port, when both the binary and the store are here;
     * otherwise skipped, with the reason.
     */
    static BenchStore redis() {
        var binary = RedisServer.binary();
        if (binary.isEmpty()) {
            return new BenchStore("redis", null, null, "redis-server is not on the PATH");
        }
        var missing = RedisStoreFactory.unavailable();
        if (missing.isPresent()) {
            return new BenchStore("redis", null, null, missing.get());
        }
        RedisServer server;
        try {
            server = RedisServer.start(binary.get());
        } catch (RuntimeException e) {
            return new BenchStore("redis", null, null, "redis-server did not start: " + e.getMessage());
        }
        try {
            RedisStoreFactory.Connected connected = RedisStoreFactory.connect(server.host(), server.port());
            AutoCloseable connectionsThenServer = () -> {
                try {
                    connected.connections().close();
                } finally {
                    server.close();
                }
            };
            return new BenchStore("redis", connected.store(), connectionsThenServer, null);
        } catch (RuntimeException e) {
            server.close();
            return new BenchStore("redis", null, null, "the Redis store did not connect: " + e.getMessage());
        }
    }

    boolean available() {
        return store != null;
    }

    @Override
    public void close() throws Exception {
        if (store != null) {
            store.close();
        }
        if (backing != null) {
            backing.close();
        }
    }
}
