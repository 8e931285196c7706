package dev.codeact.spring.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.codeact.hyperlight.RequiresKvm;
import dev.codeact.hyperlight.SessionState;
import dev.codeact.hyperlight.SessionStateException;
import dev.codeact.spring.sandbox.Language;
import dev.codeact.spring.testing.AdjustableClock;
import java.util.Map;
import org.junit.jupiter.api.Test;
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

    @Test
    void pastItsBoundTheLeastRecentlyUsedSessionsAreDroppedAndWaitingProgramsNever() {
        SessionState state = KvmStates.counted();
        long size = state.sizeBytes();
        InMemorySessionStore bounded = new InMemorySessionStore(clock, 3 * size);
        for (String conversation : new String[] {"a", "b", "c"}) {
            bounded.save(new SessionKey(conversation, Language.JAVASCRIPT), state, Duration.ofMinutes(30));
            clock.advance(Duration.ofSeconds(1));
        }
        bounded.save(new SessionKey("a", Language.JAVASCRIPT), state, Duration.ofMinutes(30)); // a used again
        clock.advance(Duration.ofSeconds(1));
        bounded.save(new SessionKey("d", Language.JAVASCRIPT), state, Duration.ofMinutes(30));
        assertThat(bounded.load(new SessionKey("b", Language.JAVASCRIPT), Long.MAX_VALUE)).as("least recently used").isEmpty();
        for (String kept : new String[] {"a", "c", "d"}) {
            assertThat(bounded.load(new SessionKey(kept, Language.JAVASCRIPT), Long.MAX_VALUE)).as(kept).isPresent();
        }
        assertThat(bounded.stats().sessionBytes()).isEqualTo(3 * size);

        // a waiting program makes room by dropping sessions, and is never dropped for one
        SuspendedProgram waiting = new SuspendedProgram(approval(now(), Map.of()), KvmStates.suspended());
        bounded.savePending(waiting, Duration.ofHours(1));
        assertThat(bounded.stats().pendingApprovals()).isEqualTo(1);
        assertThat(bounded.stats().sessionBytes() + bounded.stats().pendingBytes()).isLessThanOrEqualTo(3 * size);
        bounded.save(new SessionKey("e", Language.JAVASCRIPT), state, Duration.ofMinutes(30));
        assertThat(bounded.findPending(waiting.approval().id())).isPresent();

        InMemorySessionStore tiny = new InMemorySessionStore(clock, KvmStates.suspended().sizeBytes() - 1);
        assertThatThrownBy(() -> tiny.savePending(waiting, Duration.ofHours(1)))
                .isInstanceOf(SessionStateException.class).hasMessageContaining("may hold");
    }
}
