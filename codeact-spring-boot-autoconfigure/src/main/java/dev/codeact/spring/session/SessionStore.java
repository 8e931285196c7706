package dev.codeact.spring.session;

import dev.codeact.hyperlight.SessionState;
import dev.codeact.hyperlight.SessionStateException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where conversations' session states and programs waiting for approval are kept between executions:
 * {@link InMemorySessionStore} in one application, a Redis store for replicas that share them. Every store keeps the
 * same contract (one test suite runs against each):
 * <ul>
 *   <li>a saved state is found until its TTL has passed since it was saved, then never again;</li>
 *   <li>a state is given back as it was saved, or refused whole ({@link SessionStateException}), never in part; the
 *       store does not check which guest image it belongs to: the sandbox refuses a state of another image;</li>
 *   <li>a pending approval is claimed at most once: of concurrent claims, on any replica, exactly one gets it, so a
 *       tool runs once per approval.</li>
 * </ul>
 */
public interface SessionStore extends AutoCloseable {

    /** The store's name as in {@code codeact.sessions.store}: {@code memory} or {@code redis}. */
    String kind();

    /**
     * The session's state, if one was saved and has not expired.
     *
     * @param maxBytes the largest state taken: a larger one is refused ({@link SessionStateException.Reason#TOO_LARGE})
     * @throws SessionStateException when the stored state is malformed or too large
     */
    Optional<SessionState> load(SessionKey key, long maxBytes);

    /** Saves the session's state, replacing the one before, to expire {@code ttl} from now; value and TTL together. */
    void save(SessionKey key, SessionState state, Duration ttl);

    /** Forgets the session; nothing when there is none. */
    void remove(SessionKey key);

    /** Keeps a suspended program until it is claimed, or for {@code keepFor}. */
    void savePending(SuspendedProgram program, Duration keepFor);

    /** The pending approvals not yet claimed, oldest first, without their states. */
    List<PendingApproval> pending();

    /** One pending approval, if it is still unclaimed. */
    Optional<PendingApproval> findPending(String id);

    /**
     * Takes a pending approval and its state out of the store; exactly one of concurrent claims gets it.
     *
     * @throws SessionStateException when its stored state is malformed or larger than {@code maxBytes} (it is gone)
     */
    Optional<SuspendedProgram> claimPending(String id, long maxBytes);

    /** Counts and sizes, for the actuator. */
    Stats stats();

    @Override
    default void close() {
    }

    /**
     * What a store holds.
     *
     * @param sessions sessions not expired
     * @param sessionBytes the bytes of their states (pages and registers)
     * @param pendingApprovals programs waiting for a decision
     * @param pendingBytes the bytes of their states
     */
    record Stats(long sessions, long sessionBytes, long pendingApprovals, long pendingBytes) {
    }
}
