package dev.codeact.hyperlight;

/**
 * The largest program and outcome a sandbox takes unless it is told otherwise, the same for every backend: the KVM
 * guest's IN and OUT buffers are sized by them, and an in-process backend caps programs and outcomes at them.
 */
public final class SandboxSizes {
    /** Program text (UTF-8) and, in the other direction, each host-call reply. */
    public static final int DEFAULT_PROGRAM_BYTES = 2 << 20;
    /** Outcome JSON and, in the other direction, each host-call request. */
    public static final int DEFAULT_OUTCOME_BYTES = 2 << 20;

    private SandboxSizes() {
    }
}
