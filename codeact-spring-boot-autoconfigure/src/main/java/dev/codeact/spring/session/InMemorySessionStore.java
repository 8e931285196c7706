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
 * does not cost a walk over every session). All states together are bounded (programs could otherwise fill the heap
 * by starting conversations): past the bound the least recently used sessions are dropped.
 */
public final class InMemorySessionStore implements SessionStore {
    /** A state (or a waiting program) with its expiry and the bytes of its state, counted once. */
    private record Entry<T>(T value, Instant expiresAt, long bytes) {
        boolean expired(Instant now) {
            return !now.isBefore(expiresAt);
        }
    }

    static final Duration SWEEP_INTERVAL = Duration.ofSeconds(1);

    /** The default of {@link #InMemorySessionStore(Clock, long)}'s bound. */
    public static final long DEFAULT_MAX_TOTAL_BYTES = 256L << 20;

    private final Clock clock;
    private final long maxTotalBytes;
    private long heldBytes; // guarded by this: the states of the entries in the maps
    private Instant nextSweep = Instant.MIN; // guarded by this
    private final Map<SessionKey, Entry<SessionState>> sessions = new ConcurrentHashMap<>();
    private final Map<String, Entry<SuspendedProgram>> pending = new ConcurrentHashMap<>();

    public InMemorySessionStore() {
        this(Clock.systemUTC());
    }

    /** @param clock the time TTLs are measured by */
    public InMemorySessionStore(Clock clock) {
        this(clock, DEFAULT_MAX_TOTAL_BYTES);
    }

    /**
     * @param clock the time TTLs are measured by
     * @param maxTotalBytes the most all states together may take in this application's memory: past it, the least
     *     recently used sessions are dropped (as if their TTL had passed); a waiting program is never dropped, and one
     *     that does not fit is refused
     */
    public InMemorySessionStore(Clock clock, long maxTotalBytes) {
        this.clock = clock;
        this.maxTotalBytes = maxTotalBytes;
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
        if (entry.bytes() > maxBytes) {
            throw new SessionStateException(SessionStateException.Reason.TOO_LARGE, "the session's state is "
                    + entry.bytes() + " bytes, more than the bound of " + maxBytes + " bytes");
        }
        return Optional.of(entry.value());
    }

    @Override
    public synchronized void save(SessionKey key, SessionState state, Duration ttl) {
        sweep();
        Entry<SessionState> old = sessions.put(key, new Entry<>(state, clock.instant().plus(ttl), state.sizeBytes()));
        heldBytes += state.sizeBytes() - (old == null ? 0 : old.bytes());
        evictLeastRecentlyUsedBut(key);
    }

    @Override
    public synchronized void remove(SessionKey key) {
        Entry<SessionState> old = sessions.remove(key);
        heldBytes -= old == null ? 0 : old.bytes();
    }

    @Override
    public synchronized void savePending(SuspendedProgram program, Duration keepFor) {
        sweep();
        long size = program.state().sizeBytes();
        evictLeastRecentlyUsedBut(null, size);
        if (heldBytes + size > maxTotalBytes) {
            throw new SessionStateException(SessionStateException.Reason.TOO_LARGE, "the in-memory session store holds "
                    + heldBytes + " bytes of waiting programs and may hold " + maxTotalBytes + " in all; this one takes "
                    + size);
        }
        Entry<SuspendedProgram> old = pending.put(program.approval().id(), new Entry<>(program, clock.instant().plus(keepFor), size));
        heldBytes += size - (old == null ? 0 : old.bytes());
    }

    /** Drops the least recently used sessions other than {@code kept} while the store holds more than its bound. */
    private void evictLeastRecentlyUsedBut(SessionKey kept) {
        evictLeastRecentlyUsedBut(kept, 0);
    }

    private void evictLeastRecentlyUsedBut(SessionKey kept, long room) {
        if (heldBytes + room <= maxTotalBytes) {
            return;
        }
        List<Map.Entry<SessionKey, Entry<SessionState>>> oldestFirst = sessions.entrySet().stream()
                .filter(e -> !e.getKey().equals(kept))
                .sorted(Comparator.comparing((Map.Entry<SessionKey, Entry<SessionState>> e) -> e.getValue().expiresAt()))
                .toList();
        for (Map.Entry<SessionKey, Entry<SessionState>> e : oldestFirst) {
            if (heldBytes + room <= maxTotalBytes) {
                return;
            }
            if (sessions.remove(e.getKey(), e.getValue())) {
                heldBytes -= e.getValue().bytes();
            }
        }
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
        Entry<SuspendedProgram> entry;
        synchronized (this) {
            entry = pending.remove(id);
            heldBytes -= entry == null ? 0 : entry.bytes();
        }
        if (entry == null || entry.expired(clock.instant())) {
            return Optional.empty();
        }
        if (entry.bytes() > maxBytes) {
            throw new SessionStateException(SessionStateException.Reason.TOO_LARGE, "the suspended program's state is "
                    + entry.bytes() + " bytes, more than the bound of " + maxBytes + " bytes");
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
                sessionBytes += e.bytes();
            }
        }
        long pendingCount = 0;
        long pendingBytes = 0;
        for (Entry<SuspendedProgram> e : pending.values()) {
            if (!e.expired(now)) {
                pendingCount++;
                pendingBytes += e.bytes();
            }
        }
        return new Stats(sessionCount, sessionBytes, pendingCount, pendingBytes);
    }

    /** The entry under {@code key} unless it has expired, which is then dropped. */
    private <K, T> Entry<T> live(Map<K, Entry<T>> map, K key) {
        Entry<T> entry = map.get(key);
        if (entry != null && entry.expired(clock.instant())) {
            synchronized (this) {
                if (map.remove(key, entry)) {
                    heldBytes -= entry.bytes();
                }
            }
            return null;
        }
        return entry;
    }

    /** Drops what has expired, at most once a {@link #SWEEP_INTERVAL}; the caller holds this store's lock. */
    private void sweep() {
        Instant now = clock.instant();
        if (now.isBefore(nextSweep)) {
            return;
        }
        nextSweep = now.plus(SWEEP_INTERVAL);
        for (Map<?, ? extends Entry<?>> map : List.of(sessions, pending)) {
            for (var it = map.values().iterator(); it.hasNext(); ) {
                Entry<?> e = it.next();
                if (e.expired(now)) {
                    it.remove();
                    heldBytes -= e.bytes();
                }
            }
        }
    }
}
