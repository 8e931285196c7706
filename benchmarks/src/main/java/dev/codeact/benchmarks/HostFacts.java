package dev.codeact.benchmarks;

import dev.codeact.hyperlight.kvm.VcpuMigration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a figure depends on besides the code, so that two machines' runs can be told apart: the CPU, the kernel
 * (whose KVM, nested or not, sets the cost of every exit and of moving a vCPU between threads), and the vCPU
 * threading mode that {@code VcpuThreading.AUTO}, which the pools and VMs measured here use, chose on it, with the
 * measurement that decided.
 */
final class HostFacts {
    private HostFacts() {
    }

    static Map<String, Object> describe() {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("cpu", cpuModel());
        facts.put("kernel", kernel());
        facts.put("loadAverage", loadAverage());
        VcpuMigration.Measurement migration = VcpuMigration.measurement();
        facts.put("vcpuThreading", migration.cheap() ? "caller: AUTO lets platform-thread callers enter the guest themselves"
                : "dedicated: AUTO has each VM's own thread enter the guest");
        facts.put("vcpuThreadingWhy", migration + (migration.cheap() ? ", under" : ", over") + " the "
                + VcpuMigration.EXPENSIVE_MIGRATION_NANOS / 1000 + " us above which a move is taken to wait for an RCU grace"
                + " period (as before Linux 6.12)");
        return facts;
    }

    /** The first "model name" of /proc/cpuinfo. */
    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    /** The 1, 5 and 15 minute load averages as {@code /proc/loadavg} has them when the run starts (other work shifts every figure). */
    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | ArrayIndexOutOfBoundsException e) {
            return "unknown";
        }
    }

    /** What {@code uname -r} prints. */
    private static String kernel() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
        } catch (IOException e) {
            return System.getProperty("os.version");
        }
    }
}
