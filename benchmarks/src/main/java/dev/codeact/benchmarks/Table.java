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
        if (report.get("floor") instanceof Map<?, ?> floor) {
            out.append(String.format("floor: exit round trip %s us, register reset + run %s us%n",
                    floor.get("exitRoundTripUs"), floor.get("registerResetAndRunUs")));
        }
        out.append(String.format("%-34s %-28s %-28s%n", "", "kvm", "graaljs"));
        Map<String, Object> kvm = (Map<String, Object>) report.get("kvm");
        Map<String, Object> graal = (Map<String, Object>) report.get("graaljs");
        java.util.Set<String> keys = new java.util.LinkedHashSet<>(graal.keySet());
        keys.addAll(kvm.keySet()); // figures only KVM has (its first boot, the booted image its VMs share) come last
        for (String key : keys) {
            out.append(String.format("%-34s %-28s %-28s%n", key, kvm.getOrDefault(key, "-"), graal.getOrDefault(key, "-")));
        }
        if (report.get("kvmRestoreStrategies") != null) {
            out.append("kvm restore strategies (p50): ").append(report.get("kvmRestoreStrategies")).append('\n');
        }
        if (report.get("ratios") != null) {
            out.append("ratios: ").append(report.get("ratios")).append('\n');
            out.append("targets met: ").append(report.get("targets")).append('\n');
        }
        out.append("references: ").append(report.get("references")).append('\n');
        return out.toString();
    }
}
