package dev.codeact.spring.autoconfigure;

import dev.codeact.spring.actuator.CodeActEndpoint;
import dev.codeact.spring.actuator.CodeActHealthIndicator;
import dev.codeact.spring.actuator.ExecutionStats;
import dev.codeact.spring.sandbox.CodeSandbox;
import dev.codeact.spring.sandbox.SandboxBackendSelector;
import dev.codeact.spring.session.SessionStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import dev.codeact.spring.actuator.CodeActMeters;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The codeact actuator endpoint, a health indicator and the meters' descriptions, where actuator and Micrometer are
 * present. The KVM backend's configuration registers its pool gauges.
 */
@AutoConfiguration(after = CodeActAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBean(CodeSandbox.class)
public class CodeActActuatorAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ExecutionStats codeActExecutionStats(CodeActProperties properties) {
        return new ExecutionStats(properties.actuator().recentExecutions(), properties.actuator().includeCode());
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint
    CodeActEndpoint codeActEndpoint(CodeSandbox sandbox, ObjectProvider<SandboxBackendSelector.Selection> selection,
            ExecutionStats stats, ObjectProvider<SessionStore> store) {
        SandboxBackendSelector.Selection chosen = selection.getIfAvailable();
        return new CodeActEndpoint(sandbox, chosen != null && chosen.sandbox() == sandbox ? chosen.reason()
                : "an application-defined CodeSandbox bean", stats, store.getIfUnique());
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(AbstractHealthIndicator.class)
    static class Health {
        /** The bean's name makes the indicator {@code codeact}: /actuator/health/codeact, management.health.codeact.*. */
        @Bean
        @ConditionalOnEnabledHealthIndicator("codeact")
        @ConditionalOnMissingBean(name = "codeactHealthIndicator")
        CodeActHealthIndicator codeactHealthIndicator(CodeSandbox sandbox, CodeActProperties properties) {
            return new CodeActHealthIndicator(sandbox, properties.programLanguage());
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    static class Metrics {
        @Bean
        MeterFilter codeActMeterDescriptions() {
            return CodeActMeters.DESCRIPTIONS;
        }
    }
}
