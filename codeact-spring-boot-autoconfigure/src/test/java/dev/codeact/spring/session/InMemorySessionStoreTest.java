package dev.codeact.spring.session;

import dev.codeact.spring.testing.AdjustableClock;
import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.hyperlight.RequiresKvm;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/** The store contract for {@link InMemorySessionStore}, its TTLs measured by a clock the test moves on. */
@RequiresKvm
class InMemorySessionStoreTest extends SessionStoreContractTest {
    private final AdjustableClock clock = new AdjustableClock(Instant.parse("2026-01-01T00:00:00Z"));

    @Override
    protected SessionStore newStore() {
        return new InMemorySessionStore(clock);
    }

    @Override
    protected Duration shortTtl() {
        return Duration.ofMinutes(5);
    }

    @Override
    protected void expire(Duration ttl, BooleanSupplier gone) {
        clock.advance(ttl.minusMillis(1));
        assertThat(gone.getAsBoolean()).as("gone a millisecond before its TTL").isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(gone.getAsBoolean()).as("gone once its TTL has passed").isTrue();
    }

    @Override
    protected Instant now() {
        return clock.instant();
    }
}
