package dev.codeact.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.spring.config.InvalidPropertyException;
import dev.codeact.spring.sandbox.CodeSandbox;
import dev.codeact.spring.session.InMemorySessionStore;
import dev.codeact.spring.session.RedisSessionStore;
import dev.codeact.spring.session.SessionStore;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Which session store {@code codeact.sessions.store} makes: the Redis store over the application's connection
 * factory (spring.data.redis.*), and a start-up failure that says what to add when there is none to use.
 */
class RedisSessionStoreAutoConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, CodeActAutoConfiguration.class))
            .withBean(CodeSandbox.class, CodeActAutoConfigurationTest.FakeSandbox::new);

    @Test
    void memoryIsTheDefault() {
        runner.run(context -> assertThat(context).getBean(SessionStore.class).isInstanceOf(InMemorySessionStore.class));
    }

    @Test
    void redisUsesTheApplicationsConnectionFactory() {
        runner.withPropertyValues("codeact.sessions.store=redis", "spring.data.redis.port=1").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).getBean(SessionStore.class).isInstanceOf(RedisSessionStore.class);
            assertThat(context.getBean(SessionStore.class).kind()).isEqualTo("redis");
        });
    }

    @Test
    void redisWithoutSpringDataRedisFailsSayingWhichDependencyToAdd() {
        runner.withClassLoader(new FilteredClassLoader("org.springframework.data.redis"))
                .withPropertyValues("codeact.sessions.store=redis").run(context -> assertThat(context).hasFailed()
                        .getFailure().rootCause().isInstanceOfSatisfying(InvalidPropertyException.class, e -> {
                            assertThat(e.property()).isEqualTo("codeact.sessions.store");
                            assertThat(e.problem()).contains("Spring Data Redis", "not on the classpath");
                            assertThat(e.action()).contains("org.springframework.boot:spring-boot-starter-data-redis");
                        }));
    }

    @Test
    void redisWithoutAConnectionFactoryFailsSayingSo() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(CodeActAutoConfiguration.class))
                .withBean(CodeSandbox.class, CodeActAutoConfigurationTest.FakeSandbox::new)
                .withPropertyValues("codeact.sessions.store=redis").run(context -> assertThat(context).hasFailed()
                        .getFailure().rootCause().isInstanceOfSatisfying(InvalidPropertyException.class,
                                e -> assertThat(e.problem()).contains("RedisConnectionFactory, and there is none")));
    }

    @Test
    void anEmptyKeyPrefixIsRefused() {
        runner.withPropertyValues("codeact.sessions.store=redis", "codeact.sessions.redis.key-prefix=")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("codeact.sessions.redis.key-prefix"));
    }
}
