package dev.codeact.spring.autoconfigure;

import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.GuestImage;
import dev.codeact.hyperlight.SandboxPool;
import dev.codeact.hyperlight.kvm.KvmAvailability;
import dev.codeact.hyperlight.memory.GuestMemorySizes;
import dev.codeact.spring.actuator.PoolMetrics;
import dev.codeact.spring.advisor.AnswerFormat;
import dev.codeact.spring.advisor.CodeActAdvisor;
import dev.codeact.spring.advisor.ChatMemoryApprovalNotes;
import dev.codeact.spring.advisor.CodeActInstructions;
import dev.codeact.spring.config.InvalidPropertyException;
import dev.codeact.spring.execution.ApprovalExpiryScheduler;
import dev.codeact.spring.execution.ApprovalListener;
import dev.codeact.spring.execution.CodeActApprovals;
import dev.codeact.spring.execution.CodeActExecutor;
import dev.codeact.spring.execution.ResumeListener;
import dev.codeact.spring.policy.approval.ApprovalMode;
import dev.codeact.spring.config.InvalidPropertyException;
import dev.codeact.spring.session.InMemorySessionStore;
import dev.codeact.spring.session.RedisSessionStore;
import dev.codeact.spring.session.SessionSettings;
import dev.codeact.spring.session.SessionStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import dev.codeact.spring.execution.ExecutionListener;
import dev.codeact.spring.policy.SandboxServices;
import dev.codeact.spring.policy.approval.ApprovalGate;
import dev.codeact.spring.policy.egress.EgressPolicy;
import dev.codeact.spring.policy.fs.MountPolicy;
import dev.codeact.spring.policy.approval.ApprovalHandler;
import dev.codeact.spring.sandbox.CodeSandbox;
import dev.codeact.spring.sandbox.SandboxBackendSelector;
import dev.codeact.spring.sandbox.SandboxBackendSelector.Backend;
import dev.codeact.spring.sandbox.kvm.KvmCodeSandbox;
import dev.codeact.spring.tools.ToolBeanDiscovery;
import dev.codeact.spring.tools.ToolCatalog;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.observation.ObservationRegistry;
import java.util.function.Supplier;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientBuilderCustomizer;
import org.springframework.ai.chat.client.advisor.ToolCallingAdvisor;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Auto-configuration for CodeAct: a sandbox (KVM micro-VMs, or in-process GraalJS and GraalPy), the application's tools,
 * and the advisor that makes every auto-configured {@link ChatClient} answer with code.
 */
@AutoConfiguration(afterName = "org.springframework.ai.model.tool.autoconfigure.ToolCallingAutoConfiguration",
        beforeName = "org.springframework.ai.model.chat.client.autoconfigure.ChatClientAutoConfiguration")
@ConditionalOnClass({ChatClient.class, SandboxPool.class})
@ConditionalOnBooleanProperty(name = "codeact.enabled", matchIfMissing = true)
@EnableConfigurationProperties(CodeActProperties.class)
public class CodeActAutoConfiguration {
    private static final String REDIS_CONNECTION_FACTORY = "org.springframework.data.redis.connection.RedisConnectionFactory";
    private static final String TOOL_CALLING_ORDER_PROPERTY = "spring.ai.chat.client.tool-calling.advisor-order";

    /** What this machine's KVM offers, probed once at start-up (a bean, so that tests can stand in for another machine). */
    @Bean
    @ConditionalOnMissingBean
    KvmAvailability codeActKvmAvailability() {
        return KvmAvailability.probe();
    }

    /**
     * The KVM backend: a pool of micro-VMs per language, each sized for the memory limit (the one place the heap's
     * headroom over the limit is added, by {@link GuestMemorySizes#forMemoryLimit}) and by the pool settings: the
     * configured language's booted at start-up, the other's on its first program. Its gauges (codeact.pool.*, tagged
     * with the language) follow the pools.
     */
    @Configuration(proxyBeanMethods = false)
    @Conditional(SandboxBackendCondition.OnKvm.class)
    static class KvmBackendConfiguration {
        @Bean
        CodeActBackend codeActKvmBackend(CodeActProperties properties) {
            CodeActProperties.Sandbox sandbox = properties.sandbox();
            GuestMemorySizes sizes = GuestMemorySizes.forMemoryLimit(properties.limits().memory().toBytes());
            return new CodeActBackend(Backend.KVM, () -> new KvmCodeSandbox(properties.programLanguage(),
                    image -> SandboxPool.create(sandbox.poolSize(), image, sizes, sandbox.acquireTimeout(),
                            sandbox.vcpuThreading())));
        }

        @Configuration(proxyBeanMethods = false)
        @ConditionalOnClass(MeterBinder.class)
        static class PoolGauges {
            @Bean
            MeterBinder codeActPoolMetrics(ObjectProvider<CodeSandbox> sandbox) {
                return registry -> sandbox.ifAvailable(s -> {
                    if (s instanceof KvmCodeSandbox kvm) {
                        new PoolMetrics(kvm).bindTo(registry);
                    }
                });
            }
        }
    }

    /** The GraalJS backend, in-process: where KVM is unavailable, or when configured. */
    @Configuration(proxyBeanMethods = false)
    @Conditional(SandboxBackendCondition.OnGraalJs.class)
    static class GraalJsBackendConfiguration {
        @Bean
        CodeActBackend codeActGraalJsBackend() {
            return new CodeActBackend(Backend.GRAALJS, GraalJsBackend::create);
        }
    }

    /** The GraalPy backend, in-process: for Python programs where KVM is unavailable and GraalPy is on the classpath. */
    @Configuration(proxyBeanMethods = false)
    @Conditional(SandboxBackendCondition.OnGraalPy.class)
    static class GraalPyBackendConfiguration {
        @Bean
        CodeActBackend codeActGraalPyBackend() {
            return new CodeActBackend(Backend.GRAALPY, GraalPyBackend::create);
        }
    }

    /**
     * The backend, among those the backend configurations offer, as the selector chooses it (from the same facts as
     * their conditions), with the reason, logged. When no configuration applies, the selector fails with why and what
     * to do, which the failure analyzer reports.
     */
    @Bean
    @ConditionalOnMissingBean(CodeSandbox.class)
    SandboxBackendSelector.Selection codeActSandboxSelection(CodeActProperties properties, KvmAvailability kvmAvailability,
            ObjectProvider<CodeActBackend> backends) {
        Supplier<CodeSandbox> kvm = offered(backends, Backend.KVM);
        return SandboxBackendSelector.select(SandboxBackendSelector.Requested.valueOf(properties.sandbox().backend().name()),
                properties.programLanguage(), kvmAvailability, kvm != null ? kvm : CodeActAutoConfiguration::kvmNotConfigured,
                offered(backends, Backend.GRAALJS), offered(backends, Backend.GRAALPY));
    }

    private static Supplier<CodeSandbox> offered(ObjectProvider<CodeActBackend> backends, Backend backend) {
        return backends.orderedStream().filter(b -> b.backend() == backend).findFirst().map(CodeActBackend::sandbox)
                .orElse(null);
    }

    private static CodeSandbox kvmNotConfigured() {
        throw new IllegalStateException("the KVM backend's configuration did not apply (see the conditions report),"
                + " yet the selector chose KVM: its availability changed during start-up");
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    CodeSandbox codeSandbox(SandboxBackendSelector.Selection selection) {
        return selection.sandbox();
    }

    @Bean
    @ConditionalOnMissingBean
    ToolBeanDiscovery codeActToolDiscovery(ListableBeanFactory beans) {
        return new ToolBeanDiscovery(beans);
    }

    @Bean
    @ConditionalOnMissingBean
    ToolCatalog codeActToolCatalog(ToolBeanDiscovery discovery, CodeActProperties properties,
            ObjectProvider<ApprovalHandler> approvalHandler) {
        CodeActProperties.Tools tools = properties.tools();
        return new ToolCatalog(discovery, tools.include(), tools.exclude(), tools.direct(),
                new ApprovalGate(tools.approvalRequired(), approvalHandler.getIfUnique(), tools.approvalMode()),
                tools.toolDiscovery());
    }

    @Bean
    @ConditionalOnMissingBean
    SandboxServices codeActSandboxServices(CodeActProperties properties) {
        CodeActProperties.Egress egress = properties.egress();
        return new SandboxServices(
                new EgressPolicy(egress.rules(), egress.timeout(), egress.maxResponseSize().toBytes(), egress.maxRedirects()),
                new MountPolicy(properties.mounts(), properties.output().quota().toBytes(), properties.output().maxEntries(),
                        (int) Math.min(Integer.MAX_VALUE, properties.output().inlineText().toBytes())));
    }

    @Bean
    @ConditionalOnMissingBean
    CodeActExecutor codeActExecutor(CodeSandbox sandbox, ToolCatalog catalog, CodeActProperties properties,
            SandboxServices services, ObjectProvider<ExecutionListener> listeners,
            ObjectProvider<ObservationRegistry> observations, ObjectProvider<SessionStore> store) {
        return new CodeActExecutor(sandbox, catalog, executionLimits(properties.limits()),
                ExecutionListener.of(listeners.orderedStream().toList()), observations.getIfUnique(() -> ObservationRegistry.NOOP),
                services, properties.programLanguage(), sessionSettings(properties, sandbox, store));
    }

    private static SessionSettings sessionSettings(CodeActProperties properties, CodeSandbox sandbox,
            ObjectProvider<SessionStore> store) {
        CodeActProperties.Sessions sessions = properties.sessions();
        boolean suspend = properties.tools().approvalMode() == ApprovalMode.SUSPEND;
        if (!sessions.enabled() && !suspend) {
            return SessionSettings.NONE;
        }
        if (!sandbox.keepsSessions()) {
            throw new InvalidPropertyException(sessions.enabled() ? "codeact.sessions.enabled" : "codeact.tools.approval-mode",
                    sessions.enabled() ? "true" : "suspend", "needs a sandbox that keeps sessions, and the "
                    + sandbox.backend() + " sandbox does not: each of its executions starts fresh in a new context",
                    "Run on a machine with a usable /dev/kvm (codeact.sandbox.backend=kvm or auto), or turn "
                    + (sessions.enabled() ? "codeact.sessions.enabled off." : "codeact.tools.approval-mode back to ask."));
        }
        return new SessionSettings(store.getObject(), sessions.enabled(), sessions.ttl(), sessions.maxBytes().toBytes(),
                suspend, properties.tools().approvalExpiry(), Clock.systemUTC());
    }

    /** Sessions' states and suspended programs in this application's memory ({@code codeact.sessions.store=memory}). */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @ConditionalOnProperty(name = "codeact.sessions.store", havingValue = "memory", matchIfMissing = true)
    SessionStore codeActInMemorySessionStore(CodeActProperties properties) {
        return new InMemorySessionStore(Clock.systemUTC(), properties.sessions().memory().maxTotalSize().toBytes());
    }

    /**
     * Sessions' states and suspended programs in Redis ({@code codeact.sessions.store=redis}), through the
     * application's {@link RedisConnectionFactory} ({@code spring-boot-starter-data-redis}, {@code spring.data.redis.*}).
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = "codeact.sessions.store", havingValue = "redis")
    @ConditionalOnClass(RedisConnectionFactory.class)
    static class RedisSessionStoreConfiguration {
        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        SessionStore codeActRedisSessionStore(ObjectProvider<RedisConnectionFactory> connections, CodeActProperties properties) {
            RedisConnectionFactory factory = connections.getIfUnique();
            if (factory == null) {
                throw new InvalidPropertyException("codeact.sessions.store", "redis",
                        "needs the application's RedisConnectionFactory, and there is " + (connections.stream().findAny()
                                .isPresent() ? "more than one" : "none"),
                        "Let Spring Boot make one from spring.data.redis.* (spring-boot-starter-data-redis), or define"
                                + " exactly one RedisConnectionFactory bean; or set codeact.sessions.store=memory.");
            }
            return new RedisSessionStore(factory, properties.sessions().redis().keyPrefix(), Clock.systemUTC());
        }
    }

    /** {@code codeact.sessions.store=redis} without Spring Data Redis: start-up fails, saying what to add. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = "codeact.sessions.store", havingValue = "redis")
    @ConditionalOnMissingClass(REDIS_CONNECTION_FACTORY)
    static class RedisMissingConfiguration {
        @Bean
        SessionStore codeActRedisSessionStore() {
            throw new InvalidPropertyException("codeact.sessions.store", "redis",
                    "needs Spring Data Redis, which is not on the classpath (" + REDIS_CONNECTION_FACTORY + " is missing)",
                    "Add the dependency org.springframework.boot:spring-boot-starter-data-redis to the application and"
                            + " point spring.data.redis.host and spring.data.redis.port (or spring.data.redis.url) at the"
                            + " Redis the replicas share; or set codeact.sessions.store=memory.");
        }
    }

    /**
     * Decisions about programs suspended for approval ({@code codeact.tools.approval-mode=suspend}). With a
     * {@link ChatMemory} bean, each decision, and what the program then answered, is added to the memory of the
     * conversation the program ran for, so that the model's next turn knows it; {@link ResumeListener} beans are told too.
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(name = "codeact.tools.approval-mode", havingValue = "suspend")
    CodeActApprovals codeActApprovals(CodeActExecutor executor, ObjectProvider<ApprovalListener> listeners,
            ObjectProvider<ResumeListener> resumeListeners, ObjectProvider<ChatMemory> chatMemory,
            CodeActProperties properties, ObjectProvider<ObservationRegistry> observations) {
        List<ResumeListener> resumed = new ArrayList<>(resumeListeners.orderedStream().toList());
        chatMemory.ifUnique(memory -> resumed.add(new ChatMemoryApprovalNotes(memory, answerFormat(properties))));
        return new CodeActApprovals(executor, ApprovalListener.of(listeners.orderedStream().toList()),
                ResumeListener.of(resumed), observations.getIfUnique(() -> ObservationRegistry.NOOP));
    }

    /**
     * Denies suspended programs' approvals past {@code codeact.tools.approval-expiry}, on a daemon thread that runs
     * from the context's start to its stop (every quarter of the expiry, between 1 and 30 seconds).
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(name = "codeact.tools.approval-mode", havingValue = "suspend")
    ApprovalExpiryScheduler codeActApprovalExpiry(CodeActApprovals approvals, CodeActExecutor executor) {
        return new ApprovalExpiryScheduler(approvals, executor.sessions().approvalExpiry());
    }

    @Bean
    @ConditionalOnMissingBean
    CodeActAdvisor codeActAdvisor(CodeActExecutor executor, ToolCatalog catalog, SandboxServices services,
            CodeActProperties properties, Environment environment) {
        int toolCallingOrder = environment.getProperty(TOOL_CALLING_ORDER_PROPERTY, Integer.class, ToolCallingAdvisor.DEFAULT_ORDER);
        if (properties.advisorOrder() >= toolCallingOrder) {
            throw new IllegalStateException("codeact.advisor-order (" + properties.advisorOrder() + ") must be lower than "
                    + TOOL_CALLING_ORDER_PROPERTY + " (" + toolCallingOrder + "): the CodeAct advisor has to rewrite the "
                    + "tools before Spring AI's ToolCallingAdvisor captures them");
        }
        return new CodeActAdvisor(executor, catalog, answerFormat(properties),
                new CodeActInstructions(properties.instructions(), services, executionLimits(properties.limits()),
                        properties.programLanguage()),
                properties.advisorOrder());
    }

    /** Adds the advisor to the auto-configured ChatClient.Builder; hand-built builders need defaultAdvisors(advisor). */
    @Bean
    @ConditionalOnClass(ChatClientBuilderCustomizer.class)
    ChatClientBuilderCustomizer codeActChatClientCustomizer(CodeActAdvisor advisor) {
        return builder -> builder.defaultAdvisors(advisor);
    }

    /** What execute_code answers, capped at {@code codeact.limits.max-answer}. */
    static AnswerFormat answerFormat(CodeActProperties properties) {
        return new AnswerFormat((int) Math.min(Integer.MAX_VALUE, properties.limits().maxAnswer().toBytes()));
    }

    static ExecutionLimits executionLimits(CodeActProperties.Limits limits) {
        return new ExecutionLimits(limits.timeout(), limits.cpuTime(), limits.memory().toBytes(),
                ExecutionLimits.DEFAULT_STACK_BYTES, (int) Math.min(Integer.MAX_VALUE, limits.outputPerStream().toBytes()),
                ExecutionLimits.DEFAULT_MAX_HOST_CALL_REQUEST_BYTES, ExecutionLimits.DEFAULT_MAX_HOST_CALL_RESULT_BYTES,
                limits.maxToolCalls());
    }
}
