package dev.codeact.spring.session;

import dev.codeact.hyperlight.SessionState;
import dev.codeact.hyperlight.SessionStateException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sessions and pending approvals in this application's memory ({@code codeact.sessions.store=memory}): lost on
 * restart, not shared between replicas. States are kept as they are, so a session's successive states share the
 * pages its programs did not write, and an idle session costs the pages it changed. Expired entries are dropped when
 * they are next looked at, and by a sweep that a save starts at most once a {@link #SWEEP_INTERVAL} (so that a save
 * does not cost a walk over every session).
 */
public final class InMemorySessionStore implements SessionStore {
    private record Entry<T>(T value, Instant expiresAt) {
        boolean expired(Instant now) {
            return !now.isBefore(expiresAt);
        }
    }

    static final Duration SWEEP_INTERVAL = Duration.ofSeconds(1);

    private final Clock clock;
    private final java.util.concurrent.atomic.AtomicReference<Instant> nextSweep =
            new java.util.concurrent.atomic.AtomicReference<>(Instant.MIN);
    private final Map<SessionKey, Entry<SessionState>> sessions = new ConcurrentHashMap<>();
    private final Map<String, Entry<SuspendedProgram>> pending = new ConcurrentHashMap<>();

    public InMemorySessionStore() {
        this(Clock.systemUTC());
    }

    /** @param clock the time TTLs are measured by */
    public InMemorySessionStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String kind() {
        return "memory";
    }

    @Override
    public Optional<SessionState> load(SessionKey key, long maxBytes) {
        Entry<SessionState> entry = live(sessions, key);
        if (entry == null) {
            return Optional.empty();
        }
        if (entry.value().sizeBytes() > maxBytes) {
            throw new SessionStateException(SessionStateException.Reason.TOO_LARGE, "the session's state is "
                    + entry.value().sizeBytes() + " bytes, more than the bound of " + maxBytes + " bytes");
        }
        return Optional.of(entry.value());
    }

    @Override
    public void save(SessionKey key, SessionState state, Duration ttl) {
        sessions.put(key, new Entry<>(state, clock.instant().plus(ttl)));
        sweep();
    }

    @Override
    public void remove(SessionKey key) {
        sessions.remove(key);
    }

    @Override
    public void savePending(SuspendedProgram program, Duration keepFor) {
        pending.put(program.approval().id(), new Entry<>(program, clock.instant().plus(keepFor)));
        sweep();
    }

    @Override
    public List<PendingApproval> pending() {
        Instant now = clock.instant();
        return pending.values().stream().filter(e -> !e.expired(now)).map(e -> e.value().approval())
                .sorted(Comparator.comparing(PendingApproval::createdAt).thenComparing(PendingApproval::id)).toList();
    }

    @Override
    public Optional<PendingApproval> findPending(String id) {
        Entry<SuspendedProgram> entry = live(pending, id);
        return entry == null ? Optional.empty() : Optional.of(entry.value().approval());
    }

    @Override
    public Optional<SuspendedProgram> claimPending(String id, long maxBytes) {
        Entry<SuspendedProgram> entry = pending.remove(id);
        if (entry == null || entry.expired(clock.instant())) {
            return Optional.empty();
        }
        if (entry.value().state().sizeBytes() > maxBytes) {
            throw new SessionStateException(SessionStateException.Reason.TOO_LARGE, "the suspended program's state is "
                    + entry.value().state().sizeBytes() + " bytes, more than the bound of " + maxBytes + " bytes");
        }
        return Optional.of(entry.value());
    }

    @Override
    public Stats stats() {
        Instant now = clock.instant();
        long sessionCount = 0;
        long sessionBytes = 0;
        for (Entry<SessionState> e : sessions.values()) {
            if (!e.expired(now)) {
                sessionCount++;
                sessionBytes += e.value().sizeBytes();
            }
        }
        long pendingCount = 0;
        long pendingBytes = 0;
        for (Entry<SuspendedProgram> e : pending.values()) {
            if (!e.expired(now)) {
                pendingCount++;
                pendingBytes += e.value().state().sizeBytes();
            }
        }
        return new Stats(sessionCount, sessionBytes, pendingCount, pendingBytes);
    }

    /** The entry under {@code key} unless it has expired, which is then dropped. */
    private <K, T> Entry<T> live(Map<K, Entry<T>> map, K key) {
        Entry<T> entry = map.get(key);
        if (entry != null && entry.expired(clock.instant())) {
            map.remove(key, entry);
            return null;
        }
        return entry;
    }

    private void sweep() {
        Instant now = clock.instant();
        Instant due = nextSweep.get();
        if (now.isBefore(due) || !nextSweep.compareAndSet(due, now.plus(SWEEP_INTERVAL))) {
            return;
        }
        sessions.values().removeIf(e -> e.expired(now));
        pending.values().removeIf(e -> e.expired(now));
    }
}
