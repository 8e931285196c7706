package dev.codeact.spring.policy.fs;

import dev.codeact.spring.sandbox.TestSandboxes;
import dev.codeact.hyperlight.RequiresKvm;
import dev.codeact.spring.sandbox.CodeSandbox;

/** The program-facing fs in a KVM micro-VM (the guest image's runtime.js). */
@RequiresKvm
class KvmFsProgramTest extends FsProgramContract {
    @Override
    CodeSandbox sandbox() {
        return TestSandboxes.kvm();
    }
}
