package dev.codeact.spring.session;

import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.HostFunctions;
import dev.codeact.hyperlight.SessionState;
import dev.codeact.hyperlight.SessionStep;
import dev.codeact.hyperlight.SuspendCall;
import dev.codeact.spring.sandbox.CodeSandbox;
import dev.codeact.spring.sandbox.Language;
import dev.codeact.spring.sandbox.TestSandboxes;

/** Real session states, taken on the tests' KVM pool: a session that counted, and a program suspended at a call. */
final class KvmStates {
    static final long MAX_BYTES = 64L << 20;
    private static SessionState counted;
    private static SessionState suspended;

    private KvmStates() {
    }

    /** A session whose program left {@code count = 41} (and 200 KB of data) in its globals. */
    static synchronized SessionState counted() {
        if (counted == null) {
            counted = step("globalThis.count = 41; globalThis.data = 'x'.repeat(200000); return count;",
                    HostFunctions.none()).state();
        }
        return counted;
    }

    /** A program suspended at {@code call_tool('refund', {orderId: 'A-1'})}. */
    static synchronized SessionState suspended() {
        if (suspended == null) {
            HostFunctions functions = HostFunctions.builder().register("refund", args -> {
                throw new SuspendCall("needs approval");
            }).build();
            SessionStep step = step("globalThis.before = 1; return call_tool('refund', {orderId: 'A-1'});", functions);
            if (!step.suspended()) {
                throw new IllegalStateException("the program was not suspended: " + step.result());
            }
            suspended = step.state();
        }
        return suspended;
    }

    private static SessionStep step(String code, HostFunctions functions) {
        CodeSandbox kvm = TestSandboxes.kvm();
        return kvm.executeInSession(Language.JAVASCRIPT, kvm.newSession(Language.JAVASCRIPT), code, functions,
                ExecutionLimits.defaults(), MAX_BYTES);
    }
}
