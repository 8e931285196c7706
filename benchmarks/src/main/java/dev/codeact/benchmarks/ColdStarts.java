package dev.codeact.benchmarks;

import dev.codeact.hyperlight.GuestImage;
import dev.codeact.hyperlight.MicroVm;
import dev.codeact.hyperlight.memory.GuestMemorySizes;

/** An image's first boot in this process, and the starts of VMs from its booted image after it. */
record ColdStarts(long firstBootNanos, long[] starts) {
    static ColdStarts measure(GuestImage image, boolean quick) {
        long first = System.nanoTime();
        MicroVm.start(image, GuestMemorySizes.defaults()).close();
        long firstBoot = System.nanoTime() - first;
        for (int i = 0; i < 3; i++) {
            MicroVm.start(image, GuestMemorySizes.defaults()).close();
        }
        long[] cold = new long[quick ? 5 : 15];
        for (int i = 0; i < cold.length; i++) {
            long t = System.nanoTime();
            try (MicroVm vm = MicroVm.start(image, GuestMemorySizes.defaults())) {
                cold[i] = System.nanoTime() - t;
            }
        }
        return new ColdStarts(firstBoot, cold);
    }
}
