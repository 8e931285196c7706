package dev.codeact.benchmarks;

import dev.codeact.spring.session.SessionStore;
import java.lang.reflect.InvocationTargetException;
import java.util.Optional;

/**
 * Makes the Redis session store for the session figures, over a Lettuce connection to a redis-server on loopback.
 * <p>
 * The store ({@code dev.codeact.spring.session.RedisSessionStore}, branch i16-redis) is written in parallel with this
 * benchmark, so it is looked up by name: before that branch is merged the class is missing and the Redis column is
 * skipped with that reason; once it is, the column is measured, with no change here. Spring Data Redis and Lettuce are
 * runtime dependencies of this module for that reason. The one thing assumed of the store is its constructor from a
 * {@code RedisConnectionFactory}, as the auto-configuration builds it.
 */
final class RedisStoreFactory {
    static final String STORE_CLASS = "dev.codeact.spring.session.RedisSessionStore";
    private static final String CONNECTION_FACTORY = "org.springframework.data.redis.connection.RedisConnectionFactory";
    private static final String LETTUCE_FACTORY = "org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory";

    /** A store and the connections it uses, closed after it. */
    record Connected(SessionStore store, AutoCloseable connections) {
    }

    private RedisStoreFactory() {
    }

    /** Why the Redis store cannot be made in this build, or empty when it can. */
    static Optional<String> unavailable() {
        if (load(STORE_CLASS) == null) {
            return Optional.of(STORE_CLASS + " is not in this build yet (issue 16, branch i16-redis)");
        }
        if (load(LETTUCE_FACTORY) == null) {
            return Optional.of("Spring Data Redis or Lettuce is not on the classpath");
        }
        return Optional.empty();
    }

    /** The Redis store on the server at {@code host}:{@code port}, connected. */
    static Connected connect(String host, int port) {
        try {
            Class<?> lettuce = load(LETTUCE_FACTORY);
            Object connections = lettuce.getConstructor(String.class, int.class).newInstance(host, port);
            lettuce.getMethod("afterPropertiesSet").invoke(connections);
            lettuce.getMethod("start").invoke(connections);
            AutoCloseable close = () -> lettuce.getMethod("destroy").invoke(connections);
            SessionStore store = (SessionStore) load(STORE_CLASS).getConstructor(load(CONNECTION_FACTORY)).newInstance(connections);
            return new Connected(store, close);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("the Redis store did not start: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the Redis store's or Lettuce's constructor is not as expected: " + e, e);
        }
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, RedisStoreFactory.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return null;
        }
    }
}
