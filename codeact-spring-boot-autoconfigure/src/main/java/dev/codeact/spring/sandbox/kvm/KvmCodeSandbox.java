package dev.codeact.spring.sandbox.kvm;

import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.HostFunctions;
import dev.codeact.hyperlight.SandboxPool;
import dev.codeact.spring.sandbox.CodeSandbox;
import dev.codeact.spring.sandbox.Language;

/** Programs run in KVM micro-VMs from a {@link SandboxPool}: hardware isolation, a fresh VM state per call. */
public final class KvmCodeSandbox implements CodeSandbox {
    public static final String NAME = "kvm";
    private final SandboxPool pool;

    public KvmCodeSandbox(SandboxPool pool) {
        this.pool = pool;
    }

    @Override
    public String backend() {
        return NAME;
    }

    @Override
    public ExecutionResult execute(Language language, String code, HostFunctions functions, ExecutionLimits limits) {
        if (language != Language.JAVASCRIPT) {
            throw CodeSandbox.unsupported(this, language);
        }
        return pool.execute(code, functions, limits);
    }

    public SandboxPool pool() {
        return pool;
    }

    @Override
    public void close() {
        pool.close();
    }
}
