package dev.codeact.spring.autoconfigure;

import java.time.Duration;
import java.util.List;
import dev.codeact.hyperlight.VcpuThreading;
import dev.codeact.spring.config.InvalidPropertyException;
import dev.codeact.spring.policy.approval.ApprovalMode;
import dev.codeact.spring.policy.egress.EgressRule;
import dev.codeact.spring.policy.fs.Mount;
import dev.codeact.spring.sandbox.Language;
import dev.codeact.spring.tools.ToolDiscovery;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.Ordered;
import org.springframework.util.unit.DataSize;

/**
 * CodeAct: the model gets one tool, {@code execute_code}, and answers with a program (JavaScript or Python) that
 * calls the application's tools through {@code call_tool} inside a sandbox.
 *
 * @param enabled Whether CodeAct rewrites chat requests at all.
 * @param language The language the model writes programs in: "javascript" or "python". The tool's description, the
 *     instructions and the tools' declarations follow it; the application may still run either language per call.
 * @param advisorOrder Order of the CodeAct advisor; it must run before Spring AI's ToolCallingAdvisor
 *     (HIGHEST_PRECEDENCE + 300), so the default is HIGHEST_PRECEDENCE + 250.
 * @param instructions Extra text appended to the instructions the model gets about execute_code.
 * @param sandbox Where programs run.
 * @param limits What one program may use.
 * @param tools Which tools programs can call.
 * @param egress Which HTTP requests programs may make with fetch (none by default).
 * @param mounts Host directories programs see through fs, read-only unless marked writable; each with a quota
 *     (bytes of file content, default 10MB) and max-entries (files and directories, default 1000) that writes keep to.
 * @param output The per-execution /output directory whose files come back with the result.
 * @param actuator What the codeact actuator endpoint shows.
 * @param sessions Whether a conversation's programs continue from the state its previous program left, and where
 *     those states (and programs suspended for approval) are kept.
 */
@ConfigurationProperties(prefix = "codeact")
public record CodeActProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("javascript") String language,
        Integer advisorOrder,
        @DefaultValue("") String instructions,
        @DefaultValue Sandbox sandbox,
        @DefaultValue Limits limits,
        @DefaultValue Tools tools,
        @DefaultValue Egress egress,
        @DefaultValue List<Mount> mounts,
        @DefaultValue Output output,
        @DefaultValue Actuator actuator,
        @DefaultValue Sessions sessions) {

    public static final int DEFAULT_ADVISOR_ORDER = Ordered.HIGHEST_PRECEDENCE + 250;

    public CodeActProperties {
        if (advisorOrder == null) {
            advisorOrder = DEFAULT_ADVISOR_ORDER;
        }
        programLanguage(language);
    }

    /** {@link #language()} as the sandboxes take it. */
    public Language programLanguage() {
        return programLanguage(language);
    }

    private static Language programLanguage(String language) {
        try {
            return Language.of(language);
        } catch (IllegalArgumentException e) {
            throw new InvalidPropertyException("codeact.language", language, "is not one of javascript, python",
                    "Set codeact.language to javascript or python.");
        }
    }

    /**
     * Where programs run.
     *
     * @param backend Which sandbox runs programs: "auto" picks "kvm" when /dev/kvm is usable, else an in-process
     *     backend for each language there is one for ("graaljs" for JavaScript, GraalPy for Python with
     *     codeact-spring-boot-starter-graalpy); "kvm" runs each program in a hardware-isolated micro-VM, in either
     *     language, and fails at start-up without KVM; "graaljs" runs JavaScript programs in-process (portable, weaker
     *     isolation: no memory cap, same JVM).
     * @param poolSize Micro-VMs kept booted and ready (kvm backend), per language: the configured language's pool is
     *     booted at start-up, the other language's on its first program.
     * @param acquireTimeout How long a request waits for a free sandbox before failing with POOL_EXHAUSTED.
     * @param vcpuThreading Which thread enters the micro-VM (kvm backend): "caller" runs the program and its tool
     *     calls on the requesting thread (fastest; tools see its security context, transaction and MDC), "dedicated"
     *     on each VM's own thread (a tool that never returns costs its VM, not the request); "auto" is "caller" for
     *     platform threads where the kernel moves a vCPU between threads cheaply (Linux 6.12+), else "dedicated";
     *     "caller" on an older kernel costs milliseconds whenever a VM is used from another thread than last time.
     */
    public record Sandbox(
            @DefaultValue("auto") Backend backend,
            @DefaultValue("4") int poolSize,
            @DefaultValue("10s") Duration acquireTimeout,
            @DefaultValue("auto") VcpuThreading vcpuThreading) {

        public Sandbox {
            if (poolSize < 1 || poolSize > 256) {
                throw new InvalidPropertyException("codeact.sandbox.pool-size", poolSize, "must be between 1 and 256",
                        "Set codeact.sandbox.pool-size to how many micro-VMs to keep booted, e.g. 4.");
            }
            if (acquireTimeout.isNegative() || acquireTimeout.isZero()) {
                throw new InvalidPropertyException("codeact.sandbox.acquire-timeout", acquireTimeout, "must be positive",
                        "Set codeact.sandbox.acquire-timeout to how long a request may wait for a free sandbox, e.g. 10s.");
            }
        }
    }

    /** Sandbox backends. */
    public enum Backend {
        /** {@code kvm} when /dev/kvm is usable, otherwise the in-process backend of each language there is one for. */
        AUTO,
        /** A KVM micro-VM per program: hardware isolation. */
        KVM,
        /** In-process GraalJS: portable, weaker isolation. */
        GRAALJS
    }

    /**
     * What one program may use. Each limit, when hit, ends the program with its own error type.
     *
     * @param timeout Wall-clock time per program.
     * @param cpuTime CPU time per program, time spent in tools excluded.
     * @param memory JavaScript heap per program (enforced by the kvm backend).
     * @param outputPerStream Cap on what a program prints to stdout and to stderr each.
     * @param maxAnswer Cap on the JSON answer execute_code returns to the model; longer output is cut with a note.
     * @param maxToolCalls Tool calls one program may make.
     */
    public record Limits(
            @DefaultValue("30s") Duration timeout,
            @DefaultValue("30s") Duration cpuTime,
            @DefaultValue("64MB") DataSize memory,
            @DefaultValue("1MB") DataSize outputPerStream,
            @DefaultValue("16KB") DataSize maxAnswer,
            @DefaultValue("1000") int maxToolCalls) {

        public Limits {
            requirePositive(timeout, "codeact.limits.timeout", "30s");
            requirePositive(cpuTime, "codeact.limits.cpu-time", "30s");
            if (memory.toBytes() < DataSize.ofMegabytes(4).toBytes() || memory.toBytes() > DataSize.ofMegabytes(400).toBytes()) {
                throw new InvalidPropertyException("codeact.limits.memory", memory, "must be between 4MB and 400MB",
                        "Set codeact.limits.memory to the JavaScript heap one program may use, e.g. 64MB.");
            }
            if (outputPerStream.toBytes() < 1) {
                throw new InvalidPropertyException("codeact.limits.output-per-stream", outputPerStream, "must be positive",
                        "Set codeact.limits.output-per-stream to what a program may print to each stream, e.g. 1MB.");
            }
            if (maxAnswer.toBytes() < 256) {
                throw new InvalidPropertyException("codeact.limits.max-answer", maxAnswer, "must be at least 256B",
                        "Set codeact.limits.max-answer to the size of execute_code's answer to the model, e.g. 16KB.");
            }
            if (maxToolCalls < 0) {
                throw new InvalidPropertyException("codeact.limits.max-tool-calls", maxToolCalls, "must not be negative",
                        "Set codeact.limits.max-tool-calls to how many tool calls one program may make, e.g. 1000.");
            }
        }

        private static void requirePositive(Duration d, String name, String example) {
            if (d.isNegative() || d.isZero()) {
                throw new InvalidPropertyException(name, d, "must be positive", "Set " + name + " to a duration such as "
                        + example + " (units: ms, s, m).");
            }
        }
    }

    /**
     * Which tools programs can call. Patterns are tool names with {@code *} and {@code ?} wildcards.
     *
     * @param include Tools offered inside the sandbox (every @Tool method, ToolCallback and ToolCallbackProvider
     *     bean, and tools given per request).
     * @param exclude Tools never offered inside the sandbox, even when included.
     * @param direct Tools the model keeps as ordinary tool calls, next to execute_code.
     * @param approvalRequired Tools whose every call from a program must be approved: by the ApprovalHandler bean
     *     while the program waits ("ask"), or by a person later, the program suspended meanwhile ("suspend").
     * @param approvalMode How a call that needs approval is decided: "ask", the ApprovalHandler bean decides each call
     *     while the program waits; "suspend", the program is suspended at the call (its VM state kept in the session store) and continues when a person
     *     decides through CodeActApprovals, possibly on another replica (kvm backend only).
     * @param approvalExpiry How long a suspended program waits for a decision; an approval decided later, or never,
     *     is denied.
     * @param discovery How the model learns the tools: "all" declares every tool in the instructions; "search" puts a
     *     compact index there (names by prefix, each with its first sentence) and programs find declarations with
     *     search_tools(query) and describe_tool(name); "auto" searches when the declarations would pass the threshold.
     * @param discoveryThreshold Size of the tools' declarations above which "auto" switches to search.
     */
    public record Tools(
            @DefaultValue("*") List<String> include,
            @DefaultValue List<String> exclude,
            @DefaultValue List<String> direct,
            @DefaultValue List<String> approvalRequired,
            @DefaultValue("ask") ApprovalMode approvalMode,
            @DefaultValue("1h") Duration approvalExpiry,
            @DefaultValue("auto") ToolDiscovery.Mode discovery,
            @DefaultValue("12KB") DataSize discoveryThreshold) {

        /** The discovery settings as the tool catalog takes them. */
        public ToolDiscovery toolDiscovery() {
            return new ToolDiscovery(discovery, discoveryThreshold.toBytes());
        }
    }

    /**
     * Network egress for fetch(). Denied unless a rule allows the request.
     *
     * @param rules Allowed requests: scheme, host (exact or *.domain), port, path prefix, methods, injected headers.
     * @param timeout Per fetch call: lookup, connections, redirects and response together (the execution's
     *     deadline ends a call sooner when it comes first).
     * @param maxResponseSize Responses larger than this fail.
     * @param maxRedirects Redirects followed, each checked against the rules.
     */
    public record Egress(
            @DefaultValue List<EgressRule> rules,
            @DefaultValue("10s") Duration timeout,
            @DefaultValue("1MB") DataSize maxResponseSize,
            @DefaultValue("5") int maxRedirects) {
    }

    /**
     * The codeact actuator endpoint.
     *
     * @param includeCode Whether recent executions show their program text (programs can carry data).
     * @param recentExecutions How many recent executions the endpoint keeps.
     */
    public record Actuator(
            @DefaultValue("false") boolean includeCode,
            @DefaultValue("20") int recentExecutions) {
        public Actuator {
            if (recentExecutions < 0 || recentExecutions > 1000) {
                throw new InvalidPropertyException("codeact.actuator.recent-executions", recentExecutions,
                        "must be between 0 and 1000", "Set codeact.actuator.recent-executions to how many executions"
                        + " the endpoint keeps, e.g. 20.");
            }
        }
    }

    /**
     * The writable /output directory every execution gets; its files come back with the result.
     *
     * @param quota The most a program may write to /output, in bytes of file content.
     * @param maxEntries The most files and directories a program may create in /output (directories and empty files
     *     take no quota bytes; this bounds them).
     * @param inlineText Text files up to this size come back with their content.
     */
    public record Output(
            @DefaultValue("10MB") DataSize quota,
            @DefaultValue("1000") int maxEntries,
            @DefaultValue("16KB") DataSize inlineText) {
    }

    /**
     * Sessions: a conversation's programs continue from the state its previous program left (globals, imported
     * modules, data), kept as the micro-VM memory pages they changed (kvm backend only).
     *
     * @param enabled Whether programs run with a conversation id (the advisor context's ChatMemory.CONVERSATION_ID,
     *     or CodeActExecutor's) continue from their conversation's state; without one, every execution starts fresh.
     * @param ttl How long a session is kept since its last use.
     * @param maxBytes The most a session's state (the pages its programs changed, and for a suspended program its
     *     stack and registers) may take; a session that outgrows it fails with SESSION_LIMIT and is dropped.
     * @param store Where states are kept: "memory" (this application only, lost on restart) or "redis" (shared by
     *     replicas and kept across restarts; spring-boot-starter-data-redis and the spring.data.redis.* settings).
     * @param redis The Redis store's settings.
     * @param memory The in-memory store's settings.
     */
    public record Sessions(
            @DefaultValue("false") boolean enabled,
            @DefaultValue("30m") Duration ttl,
            @DefaultValue("16MB") DataSize maxBytes,
            @DefaultValue("memory") Store store,
            @DefaultValue Redis redis,
            @DefaultValue Memory memory) {

        /** Where session states are kept. */
        public enum Store {
            MEMORY, REDIS
        }

        /**
         * The in-memory store ({@code codeact.sessions.store=memory}).
         *
         * @param maxTotalSize The most all sessions and waiting programs together may take in this application's
         *     memory; past it the least recently used sessions are dropped (their next program starts fresh), and a
         *     waiting program that does not fit is refused.
         */
        public record Memory(@DefaultValue("256MB") DataSize maxTotalSize) {
            public Memory {
                if (maxTotalSize.toBytes() < 1 << 20) {
                    throw new InvalidPropertyException("codeact.sessions.memory.max-total-size", maxTotalSize,
                            "must be at least 1MB", "Set codeact.sessions.memory.max-total-size to the most all sessions"
                            + " together may take in this application's memory, e.g. 256MB.");
                }
            }
        }

        /**
         * The Redis store ({@code codeact.sessions.store=redis}).
         *
         * @param keyPrefix What every key of the store starts with, so that applications sharing one Redis keep
         *     apart; the replicas of one application share it.
         */
        public record Redis(@DefaultValue("codeact:") String keyPrefix) {
            public Redis {
                if (keyPrefix == null || keyPrefix.isEmpty()) {
                    throw new InvalidPropertyException("codeact.sessions.redis.key-prefix", keyPrefix, "must not be empty",
                            "Set codeact.sessions.redis.key-prefix to a prefix of its own for this application, e.g. codeact:.");
                }
            }
        }

        public Sessions {
            if (ttl.isNegative() || ttl.isZero()) {
                throw new InvalidPropertyException("codeact.sessions.ttl", ttl, "must be positive",
                        "Set codeact.sessions.ttl to how long an unused session is kept, e.g. 30m.");
            }
            if (maxBytes.toBytes() < 4096) {
                throw new InvalidPropertyException("codeact.sessions.max-bytes", maxBytes, "must be at least 4KB",
                        "Set codeact.sessions.max-bytes to the most one session's state may take, e.g. 16MB.");
            }
        }
    }
}
