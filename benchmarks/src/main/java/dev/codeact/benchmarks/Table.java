package dev.codeact.benchmarks;

import java.util.Map;

/** The benchmark report as a table for people; --json prints the same figures as JSON. */
final class Table {
    private Table() {
    }

    @SuppressWarnings("unchecked")
    static String render(Map<String, Object> report) {
        StringBuilder out = new StringBuilder();
        out.append(report.get("machine")).append('\n');
        if (report.get("host") instanceof Map<?, ?> host) {
            out.append(String.format("cpu: %s; kernel: %s; load average at start: %s%nvCPU threading: %s; why: %s%n", host.get("cpu"),
                    host.get("kernel"), host.get("loadAverage"), host.get("vcpuThreading"), host.get("vcpuThreadingWhy")));
        }
        if (report.get("floor") instanceof Map<?, ?> floor) {
            out.append(String.format("floor: exit round trip %s us, register reset + run %s us%n",
                    floor.get("exitRoundTripUs"), floor.get("registerResetAndRunUs")));
        }
        if (report.get("graaljs") != null) {
            backends(out, report);
        }
        if (report.get("sessions") instanceof Map<?, ?> sessions) {
            SessionTable.render(out, (Map<String, Object>) sessions);
        }
        if (report.get("references") != null) {
            out.append("references: ").append(report.get("references")).append('\n');
        }
        return out.toString();
    }

    /** The backends side by side, and the breakdowns, ratios and targets that go with them. */
    @SuppressWarnings("unchecked")
    private static void backends(StringBuilder out, Map<String, Object> report) {
        out.append(String.format("%-34s %-28s %-28s %-28s%n", "", "kvm (javascript)", "kvm python", "graaljs"));
        Map<String, Object> kvm = (Map<String, Object>) report.get("kvm");
        Map<String, Object> python = report.get("python") instanceof Map<?, ?> p ? (Map<String, Object>) p : Map.of();
        Map<String, Object> graal = (Map<String, Object>) report.get("graaljs");
        java.util.Set<String> keys = new java.util.LinkedHashSet<>(graal.keySet());
        keys.addAll(kvm.keySet()); // figures only KVM has (its first boot, the booted image its VMs share) come last
        keys.addAll(python.keySet());
        for (String key : keys) {
            out.append(String.format("%-34s %-28s %-28s %-28s%n", key, kvm.getOrDefault(key, "-"), python.getOrDefault(key, "-"),
                    graal.getOrDefault(key, "-")));
        }
        if (report.get("kvmRestoreStrategies") != null) {
            out.append("kvm restore strategies (p50): ").append(report.get("kvmRestoreStrategies")).append('\n');
        }
        for (String language : new String[] {"kvm", "python"}) {
            if (!(report.get(language + "TrivialBreakdown") instanceof Map<?, ?> b)) {
                continue;
            }
            out.append(String.format(language + " trivial execution broken down (one VM, execute + restore, medians of %s runs): total %s us"
                    + " = KVM_RUN %s us (exits %s: %s) + restore %s us (%s pages) + Java %s us%n", b.get("runs"),
                    b.get("totalUs"), b.get("kvmRunUs"), b.get("exits"), nonZero((Map<?, ?>) b.get("exitsByKind")), b.get("restoreUs"),
                    b.get("pagesRestored"), b.get("javaUs")));
        }
        if (report.get("ratios") != null) {
            out.append("ratios: ").append(report.get("ratios")).append('\n');
            out.append("targets met: ").append(report.get("targets")).append('\n');
        }
        if (report.get("pythonRatios") != null) {
            out.append("python ratios: ").append(report.get("pythonRatios")).append('\n');
            out.append("python targets met: ").append(report.get("pythonTargets")).append('\n');
        }
    }

    /** "hostCall 2, end 1": the kinds that occurred. */
    private static String nonZero(Map<?, ?> counts) {
        StringBuilder kinds = new StringBuilder();
        counts.forEach((kind, count) -> {
            if (((Number) count).longValue() != 0) {
                kinds.append(kinds.length() == 0 ? "" : ", ").append(kind).append(' ').append(count);
            }
        });
        return kinds.length() == 0 ? "none" : kinds.toString();
    }
}
