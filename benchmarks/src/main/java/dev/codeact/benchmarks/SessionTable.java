package dev.codeact.benchmarks;

import java.util.Map;

/** Issue 16's session figures ({@link SessionBench}) as rows for people, one per store and state size. */
final class SessionTable {
    private static final String ROW = "  %-7s %-11s %10s %11s %10s %16s %21s  %-6s %11s%n";

    private SessionTable() {
    }

    static void render(StringBuilder out, Map<String, Object> sessions) {
        if (sessions.get("skipped") != null) {
            out.append("sessions: skipped: ").append(sessions.get("skipped")).append('\n');
            return;
        }
        out.append("sessions, through CodeActExecutor on a pool of 2 warm VMs, p50; target: step <= 2 x trivial + copy of the"
                + " state's pages\n(trivial: the executor's 'return 1' in no conversation; sandbox: the same on CodeSandbox alone,"
                + " without the executor's tools, /output and observation)\n");
        out.append(String.format(ROW, "store", "state", "step us", "trivial us", "copy us", "2xtrivial+copy", "step/(2xtrivial+copy)",
                "target", "sandbox us"));
        stepRows(out, "resume", (Map<?, ?>) sessions.get("resumeOnWarmVm"));
        out.append("approval resume (suspend at a call, then decide: claim, tool, resume, save), same target:\n");
        stepRows(out, "", (Map<?, ?>) sessions.get("approvalResume" + SessionBench.APPROVAL_STATE_KIB + "KiB"));
        out.append("memory per idle session (target: the bytes of the pages its program changed, no more):\n");
        ((Map<?, ?>) sessions.get("memoryPerIdleSession")).forEach((store, figures) -> {
            Map<?, ?> bySize = (Map<?, ?>) figures;
            if (bySize.get("skipped") != null) {
                out.append(String.format("  %-7s skipped: %s%n", store, bySize.get("skipped")));
                return;
            }
            out.append(String.format("  %-7s an empty program's session holds %s KiB (the runtime's own pages)%n", store,
                    bySize.get("emptyProgramStateKiB")));
            bySize.forEach((size, row) -> {
                if (row instanceof Map<?, ?> r) {
                    out.append(String.format("  %-7s wrote %s KiB: state %s KiB, store holds %s KiB, ratio %s (net of the empty"
                            + " program's: %s)%n", store, r.get("programWroteKiB"), r.get("stateKiB"), r.get("storeHoldsKiB"),
                            r.get("ratio"), r.get("ratioBeyondEmptyProgram")));
                }
            });
        });
    }

    /** One row per store and size: a store's row is either figures per size, one size's figures, or why it was skipped. */
    private static void stepRows(StringBuilder out, String what, Map<?, ?> byStore) {
        byStore.forEach((store, figures) -> {
            Map<?, ?> m = (Map<?, ?>) figures;
            if (m.get("skipped") != null) {
                out.append(String.format("  %-7s skipped: %s%n", store, m.get("skipped")));
            } else if (m.get("stepUs") != null) {
                row(out, (String) store, m);
            } else {
                m.values().forEach(row -> row(out, (String) store, (Map<?, ?>) row));
            }
        });
    }

    private static void row(StringBuilder out, String store, Map<?, ?> r) {
        out.append(String.format(ROW, store, r.get("stateKiB") + " KiB", r.get("stepUs"), r.get("trivialUs"), r.get("copyUs"),
                r.get("targetUs"), r.get("ratio"), Boolean.TRUE.equals(r.get("met")) ? "met" : "missed", r.get("sandboxTrivialUs")));
    }
}
