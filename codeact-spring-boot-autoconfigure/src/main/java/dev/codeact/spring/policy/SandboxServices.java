package dev.codeact.spring.policy;

import dev.codeact.hyperlight.HostFunctions;
import dev.codeact.spring.policy.egress.EgressPolicy;
import dev.codeact.spring.policy.fs.FileSession;
import dev.codeact.spring.policy.fs.MountPolicy;
import dev.codeact.spring.policy.fs.OutputFile;
import dev.codeact.spring.sandbox.Language;
import java.time.Duration;
import java.util.List;

/**
 * What programs may reach besides tools, as configured: fetch under the egress rules, fs under the mounts,
 * and a fresh /output per execution. Every execution opens a {@link Session}.
 */
public final class SandboxServices {
    private final EgressPolicy egress;
    private final MountPolicy mounts;

    public SandboxServices(EgressPolicy egress, MountPolicy mounts) {
        this.egress = egress;
        this.mounts = mounts;
    }

    /** No egress rules and no mounts: fetch is denied, and only /output exists. */
    public static SandboxServices defaults() {
        return new SandboxServices(new EgressPolicy(List.of(), Duration.ofSeconds(10), 1 << 20, 5),
                new MountPolicy(List.of(), 10L << 20, 16 << 10));
    }

    /** The services for one execution; close it when the execution is over. */
    public Session open() {
        return new Session(mounts.open());
    }

    /**
     * Instruction lines that say exactly what is reachable, and nothing of what is not configured: a line for fetch
     * where rules allow it (else that there is no network), and one for the files.
     */
    public String describe() {
        return describe(Language.JAVASCRIPT);
    }

    /** As {@link #describe()}, in the words of programs in {@code language}. */
    public String describe(Language language) {
        String network = egress.describe(language);
        return (network.isEmpty() ? "No network. " : network + "\n") + mounts.describe(language) + "\n";
    }

    /** TypeScript declarations of the services that are configured (fetch, fs), to go with the tools'. */
    public String declarations() {
        return declarations(Language.JAVASCRIPT);
    }

    /** Declarations of the services that are configured, for programs in {@code language}. */
    public String declarations(Language language) {
        return egress.declaration(language) + mounts.declaration(language);
    }

    /** One execution's services. */
    public final class Session implements AutoCloseable {
        private final FileSession files;

        private Session(FileSession files) {
            this.files = files;
        }

        /**
         * Registers every service programs may reach besides tools: the one place the policies' services (fetch, the
         * fs operations on this execution's mounts and /output) become host functions.
         */
        public void register(HostFunctions.Builder builder) {
            builder.registerUnlisted(EgressPolicy.SERVICE, egress.fetch());
            files.register(builder);
        }

        /** Files the program left in /output. */
        public List<OutputFile> outputFiles() {
            return files.outputFiles();
        }

        @Override
        public void close() {
            files.close();
        }
    }
}
