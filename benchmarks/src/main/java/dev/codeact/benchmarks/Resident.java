package dev.codeact.benchmarks;

import dev.codeact.hyperlight.GuestImage;
import dev.codeact.hyperlight.MicroVm;
import dev.codeact.hyperlight.memory.GuestMemorySizes;
import java.util.List;
import java.util.function.Function;

/**
 * Resident memory per warm sandbox. For a micro-VM: 4 VMs of one image, each having run the same programs, the
 * pages each holds for itself counted page by page (pagemap; process RSS would mostly measure the JVM's heap): what
 * one more warm VM costs. The booted image they all share is reported once, beside it.
 */
interface Resident {
    double mibPerSandbox();

    /** The pages one warm VM holds for itself, on average over four, and the booted image they share. */
    record Figures(double privateMiB, double sharedMiB) {
    }

    static Figures measure(GuestImage image, Function<Programs, String> text) {
        List<MicroVm> vms = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                MicroVm vm = MicroVm.start(image, GuestMemorySizes.defaults());
                vms.add(vm);
                for (int run = 0; run < 50; run++) {
                    vm.execute(text.apply(Programs.THOUSAND_OBJECTS), BenchSuite.ECHO, BenchSuite.LIMITS);
                    vm.execute(text.apply(Programs.ONE_CALL_TOOL), BenchSuite.ECHO, BenchSuite.LIMITS);
                }
            }
            return new Figures(vms.stream().mapToLong(MicroVm::privateResidentBytes).sum() / 1048576.0 / vms.size(),
                    vms.stream().mapToLong(MicroVm::sharedResidentBytes).max().orElse(0) / 1048576.0);
        } finally {
            vms.forEach(MicroVm::close);
        }
    }
}
