package dev.codeact.benchmarks;

import dev.codeact.spring.session.SessionStore;
import java.util.Optional;

/**
 * Makes the Redis session store for the session figures. The store ({@code dev.codeact.spring.session.RedisSessionStore},
 * branch i16-redis) is not on main yet, so this says so and the Redis column is skipped with that reason.
 * <p>
 * To switch it on once that branch is merged: add spring-data-redis and lettuce-core to this module's dependencies,
 * let {@link #unavailable()} return empty, and make {@link #connect} build the store over a
 * {@code LettuceConnectionFactory} for the host and port (started, as the store's own tests do). Nothing else of the
 * benchmark changes: it measures every store through {@link SessionStore}.
 */
final class RedisStoreFactory {
    static final String STORE_CLASS = "dev.codeact.spring.session.RedisSessionStore";

    private RedisStoreFactory() {
    }

    /** Why the Redis store cannot be made in this build, or empty when it can. */
    static Optional<String> unavailable() {
        try {
            Class.forName(STORE_CLASS, false, RedisStoreFactory.class.getClassLoader());
            return Optional.of(STORE_CLASS + " is on the classpath, but RedisStoreFactory is not switched on yet (see its javadoc)");
        } catch (ClassNotFoundException e) {
            return Optional.of(STORE_CLASS + " is not in this build yet (issue 16, branch i16-redis)");
        }
    }

    /** The Redis store on the server at {@code host}:{@code port}. */
    static SessionStore connect(String host, int port) {
        throw new UnsupportedOperationException(unavailable().orElse("not switched on"));
    }
}
