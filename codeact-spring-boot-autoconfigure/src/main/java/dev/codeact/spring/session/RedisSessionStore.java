package dev.codeact.spring.session;

import dev.codeact.hyperlight.SessionState;
import dev.codeact.hyperlight.SessionStateCodec;
import dev.codeact.hyperlight.SessionStateException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStringCommands.SetOption;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.core.types.Expiration;

/**
 * Sessions and pending approvals in Redis ({@code codeact.sessions.store=redis}), shared by the application's replicas
 * and kept across restarts, through the application's {@link RedisConnectionFactory} ({@code spring.data.redis.*}).
 *
 * <p>Keys, under a prefix ({@code codeact:} by default):
 * <ul>
 *   <li>{@code session:<language>:<conversation>}: the state as {@link SessionStateCodec} bytes, written with its TTL
 *       in one {@code SET ... PX}, so no state is ever kept without its expiry;</li>
 *   <li>{@code sessions}: a sorted set of the sessions by expiry, so that {@link #stats()} counts them without a scan
 *       of the key space;</li>
 *   <li>{@code pending:<id>}: a suspended program, its approval's JSON (length first) then its state's bytes, taken by
 *       {@code GETDEL}: of concurrent claims on any replica exactly one gets it (Redis 6.2 or later);</li>
 *   <li>{@code pending-header:<id>}: the approval's JSON alone, so that approvals are listed without their states, and
 *       {@code pending}: a sorted set of their ids by creation time.</li>
 * </ul>
 * A state or a suspended program is one plain {@code SET ... PX} (its bytes are never copied into a script); the
 * small writes around it (header, index entries) are one Lua script each, on the factory's shared connection (a
 * transaction or pipeline would take a dedicated connection each time). An approval's header and index entry are
 * written after its program, so that it is never listed before it can be claimed, and removed after the claim; an
 * index entry whose key expired is removed when it is next listed or counted. The scripts name keys they build from
 * the prefix, so the store needs a single Redis (standalone, or Sentinel's primary), not Redis Cluster.
 *
 * <p>The store checks a state's form and size as it reads it ({@link SessionStateCodec#decode}); whether it belongs to
 * the guest image at hand is the sandbox's check, which refuses a state of another image before anything of it runs.
 */
public final class RedisSessionStore implements SessionStore {
    public static final String DEFAULT_KEY_PREFIX = "codeact:";
    private static final Log LOG = LogFactory.getLog(RedisSessionStore.class);
    /** Index entries of sessions expired this long ago are trimmed at each save, whatever clock skew replicas have. */
    private static final long INDEX_SLACK_MS = Duration.ofMinutes(1).toMillis();

    private static final String SESSION = "session:";
    private static final String SESSIONS = "sessions";
    private static final String PENDING = "pending";
    private static final String PENDING_VALUE = "pending:";
    private static final String PENDING_HEADER = "pending-header:";

    /** A session's index entry, and the trimming of entries long expired. */
    private static final byte[] INDEX_SESSION = script("""
            redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[3])
            return 1""");
    /** A key and its index entry: a session removed, or a claimed approval's header. */
    private static final byte[] DELETE_INDEXED = script("""
            redis.call('DEL', KEYS[1])
            redis.call('ZREM', KEYS[2], ARGV[1])
            return 1""");
    /** A pending approval's header and index entry, written once its program is in place. */
    private static final byte[] INDEX_PENDING = script("""
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
            return 1""");
    /** Sizes by STRLEN, without reading a state; index entries of keys gone are dropped. */
    private static final byte[] STATS = script("""
            local sessions, sessionBytes = 0, 0
            for _, member in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
              local n = redis.call('STRLEN', ARGV[1] .. member)
              if n > 0 then sessions = sessions + 1; sessionBytes = sessionBytes + n
              else redis.call('ZREM', KEYS[1], member) end
            end
            local pending, pendingBytes = 0, 0
            for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
              local n = redis.call('STRLEN', ARGV[2] .. id)
              if n > 0 then pending = pending + 1; pendingBytes = pendingBytes + n - 4 - redis.call('STRLEN', ARGV[3] .. id)
              else redis.call('ZREM', KEYS[2], id) end
            end
            return {sessions, sessionBytes, pending, pendingBytes}""");

    private final RedisConnectionFactory connections;
    private final String prefix;
    private final Clock clock;

    public RedisSessionStore(RedisConnectionFactory connections) {
        this(connections, DEFAULT_KEY_PREFIX, Clock.systemUTC());
    }

    /**
     * @param keyPrefix what every key of the store starts with ({@code codeact.sessions.redis.key-prefix}), so that
     *     applications sharing a Redis keep apart
     * @param clock the time the sessions' index is scored by (Redis itself expires the states)
     */
    public RedisSessionStore(RedisConnectionFactory connections, String keyPrefix, Clock clock) {
        this.connections = connections;
        this.prefix = keyPrefix;
        this.clock = clock;
    }

    @Override
    public String kind() {
        return "redis";
    }

    @Override
    public Optional<SessionState> load(SessionKey key, long maxBytes) {
        byte[] bytes = withConnection(c -> c.stringCommands().get(sessionKey(key.id())));
        return bytes == null ? Optional.empty() : Optional.of(SessionStateCodec.decode(bytes, maxBytes));
    }

    @Override
    public void save(SessionKey key, SessionState state, Duration ttl) {
        byte[] bytes = SessionStateCodec.encode(state);
        withConnection(c -> c.stringCommands().set(sessionKey(key.id()), bytes, Expiration.milliseconds(positiveMillis(ttl)),
                SetOption.upsert()));
        long now = clock.millis();
        eval(INDEX_SESSION, ReturnType.INTEGER, 1, key(SESSIONS), utf8(key.id()), number(now + ttl.toMillis()),
                number(now - INDEX_SLACK_MS));
    }

    @Override
    public void remove(SessionKey key) {
        eval(DELETE_INDEXED, ReturnType.INTEGER, 2, sessionKey(key.id()), key(SESSIONS), utf8(key.id()));
    }

    @Override
    public void savePending(SuspendedProgram program, Duration keepFor) {
        PendingApproval approval = program.approval();
        byte[] header = PendingApprovalJson.write(approval);
        byte[] state = SessionStateCodec.encode(program.state());
        byte[] value = ByteBuffer.allocate(4 + header.length + state.length).putInt(header.length).put(header).put(state)
                .array();
        long keepForMs = positiveMillis(keepFor);
        withConnection(c -> c.stringCommands().set(key(PENDING_VALUE + approval.id()), value,
                Expiration.milliseconds(keepForMs), SetOption.upsert()));
        eval(INDEX_PENDING, ReturnType.INTEGER, 2, key(PENDING_HEADER + approval.id()), key(PENDING), header,
                number(keepForMs), number(approval.createdAt().toEpochMilli()), utf8(approval.id()));
    }

    @Override
    public List<PendingApproval> pending() {
        return withConnection(c -> {
            List<byte[]> ids = new ArrayList<>(c.zSetCommands().zRange(key(PENDING), 0, -1));
            if (ids.isEmpty()) {
                return List.of();
            }
            List<byte[]> headers = c.stringCommands().mGet(ids.stream().map(id -> key(PENDING_HEADER, id)).toArray(byte[][]::new));
            List<PendingApproval> approvals = new ArrayList<>();
            List<byte[]> gone = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                if (headers.get(i) == null) {
                    gone.add(ids.get(i));
                    continue;
                }
                try {
                    approvals.add(PendingApprovalJson.read(headers.get(i)));
                } catch (SessionStateException e) {
                    // one unreadable entry (written by another version, or not by us) must not hide the others;
                    // claiming it refuses it, and removes it
                    LOG.warn("pending approval " + new String(ids.get(i), StandardCharsets.UTF_8) + " left out: "
                            + e.getMessage());
                }
            }
            if (!gone.isEmpty()) {
                c.zSetCommands().zRem(key(PENDING), gone.toArray(byte[][]::new));
            }
            return approvals;
        });
    }

    @Override
    public Optional<PendingApproval> findPending(String id) {
        byte[] header = withConnection(c -> c.stringCommands().get(key(PENDING_HEADER + id)));
        return header == null ? Optional.empty() : Optional.of(PendingApprovalJson.read(header));
    }

    @Override
    public Optional<SuspendedProgram> claimPending(String id, long maxBytes) {
        // the claim: of concurrent GETDELs, on any replica, exactly one gets the value
        byte[] value = withConnection(c -> c.stringCommands().getDel(key(PENDING_VALUE + id)));
        if (value == null) {
            return Optional.empty();
        }
        eval(DELETE_INDEXED, ReturnType.INTEGER, 2, key(PENDING_HEADER + id), key(PENDING), utf8(id));
        ByteBuffer in = ByteBuffer.wrap(value);
        int headerBytes = in.remaining() >= 4 ? in.getInt() : -1;
        if (headerBytes < 0 || headerBytes > in.remaining()) {
            throw new SessionStateException(SessionStateException.Reason.MALFORMED,
                    "not a suspended program: header length " + headerBytes + " of " + value.length + " bytes");
        }
        PendingApproval approval = PendingApprovalJson.read(Arrays.copyOfRange(value, 4, 4 + headerBytes));
        SessionState state = SessionStateCodec.decode(value, 4 + headerBytes, value.length - 4 - headerBytes, maxBytes);
        return Optional.of(new SuspendedProgram(approval, state));
    }

    @Override
    public Stats stats() {
        List<Object> counts = eval(STATS, ReturnType.MULTI, 2, key(SESSIONS), key(PENDING), utf8(prefix + SESSION),
                utf8(prefix + PENDING_VALUE), utf8(prefix + PENDING_HEADER));
        return new Stats((Long) counts.get(0), (Long) counts.get(1), (Long) counts.get(2), (Long) counts.get(3));
    }

    private byte[] sessionKey(String id) {
        return key(SESSION + id);
    }

    private byte[] key(String name) {
        return utf8(prefix + name);
    }

    private byte[] key(String kind, byte[] id) {
        byte[] start = utf8(prefix + kind);
        byte[] key = Arrays.copyOf(start, start.length + id.length);
        System.arraycopy(id, 0, key, start.length, id.length);
        return key;
    }

    @SuppressWarnings("unchecked")
    private <T> T eval(byte[] script, ReturnType type, int keys, byte[]... keysAndArgs) {
        return withConnection(c -> (T) c.scriptingCommands().eval(script, type, keys, keysAndArgs));
    }

    private <T> T withConnection(Function<RedisConnection, T> work) {
        try (RedisConnection connection = connections.getConnection()) {
            return work.apply(connection);
        }
    }

    /** PX takes whole milliseconds, at least 1. */
    private static long positiveMillis(Duration d) {
        return Math.max(1, d.toMillis());
    }

    private static byte[] number(long n) {
        return utf8(Long.toString(n));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] script(String lua) {
        return utf8(lua);
    }
}
