package dev.codeact.spring.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.codeact.hyperlight.SessionState;
import dev.codeact.hyperlight.SessionStateCodec;
import dev.codeact.hyperlight.SessionStateException;
import dev.codeact.spring.sandbox.Language;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link SessionStore} keeps (see its javadoc), run against each store by a subclass, with real
 * states taken on the KVM pool: a state comes back as it was saved until its TTL passes, is refused whole when larger
 * than the bound, and a pending approval is listed without its state and claimed exactly once, however many threads
 * claim it at the same time.
 */
abstract class SessionStoreContractTest {
    private static final Duration LONG = Duration.ofHours(1);
    private static final int CLAIMERS = 8;

    protected SessionStore store;

    /** A store with nothing in it. */
    protected abstract SessionStore newStore();

    /** The shortest TTL the store's expiry test can use without a state expiring before it is looked at. */
    protected abstract Duration shortTtl();

    /** Lets {@code ttl} pass for the store, and waits until {@code gone} holds (bounded: fails past a deadline). */
    protected abstract void expire(Duration ttl, BooleanSupplier gone);

    /**
     * The store the {@code i}th of concurrent claimers uses: {@link #store} itself, or for a shared store another
     * replica's view of the same data (its own connections).
     */
    protected SessionStore replica(int i) {
        return store;
    }

    /** The time approvals are created at. */
    protected abstract Instant now();

    @BeforeEach
    void openStore() {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    protected static SessionKey key(String conversation) {
        return new SessionKey(conversation, Language.JAVASCRIPT);
    }

    @Test
    void aSavedStateComesBackAsItWasSavedUnderItsKeyOnly() {
        SessionState state = KvmStates.counted();
        store.save(key("c1"), state, LONG);

        SessionState loaded = store.load(key("c1"), KvmStates.MAX_BYTES).orElseThrow();
        assertThat(SessionStateCodec.encode(loaded)).isEqualTo(SessionStateCodec.encode(state));
        assertThat(loaded.imageKey()).isEqualTo(state.imageKey());
        assertThat(store.load(key("c2"), KvmStates.MAX_BYTES)).isEmpty();
        assertThat(store.load(new SessionKey("c1", Language.PYTHON), KvmStates.MAX_BYTES)).isEmpty();
    }

    @Test
    void savingAgainReplacesTheState() {
        store.save(key("c1"), KvmStates.suspended(), LONG);
        store.save(key("c1"), KvmStates.counted(), LONG);
        assertThat(store.load(key("c1"), KvmStates.MAX_BYTES).orElseThrow().suspended()).isFalse();
        assertThat(store.stats().sessions()).isEqualTo(1);
    }

    @Test
    void aStateIsGoneOnceItsTtlHasPassed() {
        Duration ttl = shortTtl();
        store.save(key("c1"), KvmStates.counted(), ttl);
        store.save(key("kept"), KvmStates.counted(), LONG);
        assertThat(store.load(key("c1"), KvmStates.MAX_BYTES)).isPresent();

        expire(ttl, () -> store.load(key("c1"), KvmStates.MAX_BYTES).isEmpty());
        assertThat(store.load(key("kept"), KvmStates.MAX_BYTES)).isPresent();
        assertThat(store.stats().sessions()).isEqualTo(1);
    }

    @Test
    void removeForgetsTheSession() {
        store.save(key("c1"), KvmStates.counted(), LONG);
        store.remove(key("c1"));
        store.remove(key("never-saved"));
        assertThat(store.load(key("c1"), KvmStates.MAX_BYTES)).isEmpty();
        assertThat(store.stats()).isEqualTo(new SessionStore.Stats(0, 0, 0, 0));
    }

    @Test
    void aStateLargerThanTheBoundIsRefusedWholeOnLoad() {
        SessionState state = KvmStates.counted();
        store.save(key("c1"), state, LONG);
        assertThatThrownBy(() -> store.load(key("c1"), state.sizeBytes() - 1)).isInstanceOfSatisfying(
                SessionStateException.class, e -> assertThat(e.reason()).isEqualTo(SessionStateException.Reason.TOO_LARGE));
        assertThat(store.load(key("c1"), state.sizeBytes())).isPresent();
    }

    @Test
    void pendingApprovalsAreListedOldestFirstFoundAndClaimedOnce() {
        PendingApproval first = approval(now(), Map.of("user", "alice", "attempt", 2));
        PendingApproval second = approval(now().plusSeconds(1), Map.of());
        store.savePending(new SuspendedProgram(second, KvmStates.suspended()), LONG);
        store.savePending(new SuspendedProgram(first, KvmStates.suspended()), LONG);

        assertThat(store.pending()).containsExactly(first, second);
        assertThat(store.findPending(first.id())).contains(first);
        assertThat(store.findPending("no-such-id")).isEmpty();

        SuspendedProgram claimed = store.claimPending(first.id(), KvmStates.MAX_BYTES).orElseThrow();
        assertThat(claimed.approval()).isEqualTo(first);
        assertThat(claimed.state().pendingCall().orElseThrow().name()).isEqualTo("refund");
        assertThat(SessionStateCodec.encode(claimed.state())).isEqualTo(SessionStateCodec.encode(KvmStates.suspended()));

        assertThat(store.claimPending(first.id(), KvmStates.MAX_BYTES)).isEmpty();
        assertThat(store.findPending(first.id())).isEmpty();
        assertThat(store.pending()).containsExactly(second);
    }

    @Test
    void aPendingStateLargerThanTheBoundIsRefusedAndGone() {
        PendingApproval approval = approval(now(), Map.of());
        store.savePending(new SuspendedProgram(approval, KvmStates.suspended()), LONG);
        assertThatThrownBy(() -> store.claimPending(approval.id(), KvmStates.suspended().sizeBytes() - 1))
                .isInstanceOfSatisfying(SessionStateException.class,
                        e -> assertThat(e.reason()).isEqualTo(SessionStateException.Reason.TOO_LARGE));
        assertThat(store.findPending(approval.id())).isEmpty();
        assertThat(store.claimPending(approval.id(), KvmStates.MAX_BYTES)).isEmpty();
    }

    @Test
    void aPendingApprovalIsGoneOnceItsKeepingTimeHasPassed() {
        Duration keepFor = shortTtl();
        PendingApproval approval = approval(now(), Map.of());
        store.savePending(new SuspendedProgram(approval, KvmStates.suspended()), keepFor);
        assertThat(store.findPending(approval.id())).isPresent();

        expire(keepFor, () -> store.findPending(approval.id()).isEmpty());
        assertThat(store.pending()).isEmpty();
        assertThat(store.claimPending(approval.id(), KvmStates.MAX_BYTES)).isEmpty();
        assertThat(store.stats().pendingApprovals()).isZero();
    }

    @Test
    void ofConcurrentClaimsOnAnyReplicaExactlyOneWins() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(CLAIMERS);
        try {
            for (int round = 0; round < 5; round++) {
                PendingApproval approval = approval(now(), Map.of());
                store.savePending(new SuspendedProgram(approval, KvmStates.suspended()), LONG);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Optional<SuspendedProgram>>> claims = new java.util.ArrayList<>();
                for (int i = 0; i < CLAIMERS; i++) {
                    SessionStore claimer = replica(i);
                    claims.add(threads.submit(() -> {
                        go.await();
                        return claimer.claimPending(approval.id(), KvmStates.MAX_BYTES);
                    }));
                }
                go.countDown();
                int winners = 0;
                for (Future<Optional<SuspendedProgram>> claim : claims) {
                    if (claim.get().isPresent()) {
                        winners++;
                    }
                }
                assertThat(winners).as("claims of approval %d that got it", round).isEqualTo(1);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void statsCountAndSizeWhatIsKept() {
        SessionState counted = KvmStates.counted();
        SessionState suspended = KvmStates.suspended();
        store.save(key("c1"), counted, LONG);
        store.save(key("c2"), counted, LONG);
        PendingApproval approval = approval(now(), Map.of());
        store.savePending(new SuspendedProgram(approval, suspended), LONG);

        SessionStore.Stats stats = store.stats();
        assertThat(stats.sessions()).isEqualTo(2);
        // the pages and registers, plus at most what the store's own format adds to them
        assertThat(stats.sessionBytes()).isBetween(2 * counted.sizeBytes(), 2L * SessionStateCodec.encode(counted).length);
        assertThat(stats.pendingApprovals()).isEqualTo(1);
        assertThat(stats.pendingBytes()).isBetween(suspended.sizeBytes(), (long) SessionStateCodec.encode(suspended).length);

        store.remove(key("c1"));
        store.claimPending(approval.id(), KvmStates.MAX_BYTES);
        assertThat(store.stats()).isEqualTo(new SessionStore.Stats(1, stats.sessionBytes() / 2, 0, 0));
    }

    protected PendingApproval approval(Instant createdAt, Map<String, Object> toolContext) {
        SessionState state = KvmStates.suspended();
        return new PendingApproval(UUID.randomUUID().toString(), "c1", Language.JAVASCRIPT, "refund",
                "{\"orderId\":\"A-1\"}", toolContext, createdAt, createdAt.plus(LONG), state.sizeBytes());
    }
}
