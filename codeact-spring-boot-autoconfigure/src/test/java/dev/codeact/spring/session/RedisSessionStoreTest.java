package dev.codeact.spring.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.codeact.hyperlight.RequiresKvm;
import dev.codeact.hyperlight.SessionStateCodec;
import dev.codeact.hyperlight.SessionStateException;
import dev.codeact.spring.testing.RedisTestServer;
import dev.codeact.spring.testing.RequiresRedis;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The store contract for {@link RedisSessionStore} against a real redis-server, with real (short) TTLs; and what only
 * a store of bytes can meet: bytes that are not a state, a tool context that is not JSON, index entries whose keys
 * vanished. Each test keeps its keys under a prefix of its own.
 */
@RequiresKvm
@RequiresRedis
class RedisSessionStoreTest extends SessionStoreContractTest {
    private static final Duration EXPIRY_DEADLINE = Duration.ofSeconds(10);
    private static RedisTestServer redis;
    private static LettuceConnectionFactory connections;
    /** Another replica's connections to the same Redis. */
    private static LettuceConnectionFactory otherReplica;
    private String prefix;

    @BeforeAll
    static void startRedis() {
        redis = RedisTestServer.start();
        connections = connect();
        otherReplica = connect();
    }

    private static LettuceConnectionFactory connect() {
        LettuceConnectionFactory factory = new LettuceConnectionFactory(redis.host(), redis.port());
        factory.afterPropertiesSet();
        factory.start();
        return factory;
    }

    @AfterAll
    static void stopRedis() {
        for (LettuceConnectionFactory factory : new LettuceConnectionFactory[] {connections, otherReplica}) {
            if (factory != null) {
                factory.destroy();
            }
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Override
    protected SessionStore newStore() {
        prefix = "test-" + UUID.randomUUID() + ":";
        return new RedisSessionStore(connections, prefix, Clock.systemUTC());
    }

    /** Half the claimers go through another replica's store: its own connections, the same prefix. */
    @Override
    protected SessionStore replica(int i) {
        return i % 2 == 0 ? store : new RedisSessionStore(otherReplica, prefix, Clock.systemUTC());
    }

    @Override
    protected Duration shortTtl() {
        return Duration.ofMillis(300);
    }

    /** Redis expires keys on its own time: poll until gone, within a deadline. */
    @Override
    protected void expire(Duration ttl, BooleanSupplier gone) {
        long deadline = System.nanoTime() + ttl.plus(EXPIRY_DEADLINE).toNanos();
        while (!gone.getAsBoolean()) {
            assertThat(System.nanoTime()).as("gone within its TTL and %s", EXPIRY_DEADLINE).isLessThan(deadline);
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
    }

    @Override
    protected Instant now() {
        return Instant.now();
    }

    private <T> T redis(Function<RedisConnection, T> command) {
        try (RedisConnection c = connections.getConnection()) {
            return command.apply(c);
        }
    }

    private byte[] raw(String key) {
        return (prefix + key).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aStateIsWrittenWithItsTtlUnderThePrefix() {
        store.save(key("c1"), KvmStates.counted(), Duration.ofMinutes(30));
        Long ttlMs = redis(c -> c.keyCommands().pTtl(raw("session:javascript:c1")));
        assertThat(ttlMs).isBetween(Duration.ofMinutes(29).toMillis(), Duration.ofMinutes(30).toMillis());
        java.util.Set<byte[]> keys = redis(c -> c.keyCommands().keys(raw("*")));
        assertThat(keys).extracting(k -> new String(k, StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder(prefix + "session:javascript:c1", prefix + "sessions");
    }

    @Test
    void bytesThatAreNotAStateAreRefusedWhole() {
        byte[] state = SessionStateCodec.encode(KvmStates.counted());
        redis(c -> c.stringCommands().set(raw("session:javascript:c1"), "not a state".getBytes(StandardCharsets.UTF_8)));
        redis(c -> c.stringCommands().set(raw("session:javascript:c2"), Arrays.copyOf(state, state.length - 1)));
        byte[] longer = Arrays.copyOf(state, state.length + 1);
        redis(c -> c.stringCommands().set(raw("session:javascript:c3"), longer));
        for (String conversation : new String[] {"c1", "c2", "c3"}) {
            assertThatThrownBy(() -> store.load(key(conversation), KvmStates.MAX_BYTES)).as(conversation)
                    .isInstanceOfSatisfying(SessionStateException.class,
                            e -> assertThat(e.reason()).isEqualTo(SessionStateException.Reason.MALFORMED));
        }
    }

    @Test
    void aSuspendedProgramThatIsNotOneIsRefusedAndGone() {
        PendingApproval approval = approval(now(), Map.of());
        store.savePending(new SuspendedProgram(approval, KvmStates.suspended()), Duration.ofMinutes(5));
        redis(c -> c.stringCommands().set(raw("pending:" + approval.id()), new byte[] {0, 0, 0x7f, 0, '{'}));
        assertThatThrownBy(() -> store.claimPending(approval.id(), KvmStates.MAX_BYTES))
                .isInstanceOfSatisfying(SessionStateException.class,
                        e -> assertThat(e.reason()).isEqualTo(SessionStateException.Reason.MALFORMED));
        assertThat(store.findPending(approval.id())).isEmpty();
        assertThat(store.pending()).isEmpty();
    }

    @Test
    void anApprovalWhoseHeaderIsUnreadableIsLeftOutOfTheListNotTheOthers() {
        PendingApproval good = approval(now(), Map.of());
        PendingApproval bad = approval(now().plusSeconds(1), Map.of());
        store.savePending(new SuspendedProgram(good, KvmStates.suspended()), Duration.ofMinutes(5));
        store.savePending(new SuspendedProgram(bad, KvmStates.suspended()), Duration.ofMinutes(5));
        redis(c -> c.stringCommands().set(raw("pending-header:" + bad.id()), "{\"id\": 1".getBytes(StandardCharsets.UTF_8)));
        assertThat(store.pending()).containsExactly(good);
    }

    /** A principal, say: an object with nothing JSON can show. */
    private static final class Principal {
        @Override
        public String toString() {
            return "Principal[alice]";
        }
    }

    @Test
    void aToolContextValueThatIsNotJsonIsKeptAsItsText() {
        PendingApproval approval = approval(now(), Map.of("principal", new Principal(), "tenant", Map.of("id", 7)));
        store.savePending(new SuspendedProgram(approval, KvmStates.suspended()), Duration.ofMinutes(5));
        assertThat(store.findPending(approval.id()).orElseThrow().toolContext())
                .isEqualTo(Map.of("principal", "Principal[alice]", "tenant", Map.of("id", 7)));
        assertThat(store.claimPending(approval.id(), KvmStates.MAX_BYTES).orElseThrow().approval().toolContext())
                .containsEntry("principal", "Principal[alice]");
    }

    @Test
    void indexEntriesWhoseKeysVanishedAreDropped() {
        PendingApproval approval = approval(now(), Map.of());
        store.savePending(new SuspendedProgram(approval, KvmStates.suspended()), Duration.ofMinutes(5));
        store.save(key("c1"), KvmStates.counted(), Duration.ofMinutes(5));
        redis(c -> c.keyCommands().del(raw("pending:" + approval.id()), raw("pending-header:" + approval.id()),
                raw("session:javascript:c1")));

        assertThat(store.stats()).isEqualTo(new SessionStore.Stats(0, 0, 0, 0));
        assertThat(store.pending()).isEmpty();
        Long pendingIndex = redis(c -> c.zSetCommands().zCard(raw("pending")));
        Long sessionIndex = redis(c -> c.zSetCommands().zCard(raw("sessions")));
        assertThat(pendingIndex).isZero();
        assertThat(sessionIndex).isZero();
    }
}
