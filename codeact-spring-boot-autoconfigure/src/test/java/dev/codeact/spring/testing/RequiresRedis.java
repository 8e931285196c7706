package dev.codeact.spring.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the test only where {@link RedisTestServer} can start a redis-server. Elsewhere the test is skipped with the
 * reason; with CI=true it fails instead, as the KVM and MCP tests do.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@ExtendWith(RedisServerCondition.class)
public @interface RequiresRedis {
}
