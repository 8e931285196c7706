package dev.codeact.hyperlight.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** What a stored entry may say about its pages: only page runs, in order, inside the slot. */
class BootedImageStoreRunsTest {
    private static final long PAGE = GuestLayout.PAGE_BYTES;

    @Test
    void overlappingAndTouchingRunsBecomeAscendingDisjointOnes() {
        long[] captured = {8 * PAGE, 2 * PAGE, 0, PAGE, 9 * PAGE, 3 * PAGE, PAGE, PAGE, 20 * PAGE, PAGE};
        assertThat(BootedImageStore.disjoint(captured)).containsExactly(0, 2 * PAGE, 8 * PAGE, 4 * PAGE, 20 * PAGE, PAGE);
    }

    @Test
    void validRunsAreRead() {
        assertThat(BootedImageStore.parseRuns("0,1000,3000,2000", 16 * PAGE)).containsExactly(0, PAGE, 3 * PAGE, 2 * PAGE);
        assertThat(BootedImageStore.parseRuns("", 16 * PAGE)).isEmpty();
    }

    @Test
    void anythingButPageRunsInsideTheSlotIsRefused() {
        long slot = 16 * PAGE;
        for (String bad : new String[] {"0", "0,800", "800,1000", "0,0", "2000,1000,1000,1000", "0,2000,1000,1000",
                "f000,2000", "ffffffffffff000,2000", "0,-1000", "0,zz"}) {
            assertThatThrownBy(() -> BootedImageStore.parseRuns(bad, slot)).as(bad).isInstanceOf(RuntimeException.class);
        }
        assertThatThrownBy(() -> BootedImageStore.parseRuns(null, slot)).isInstanceOf(IllegalArgumentException.class);
    }
}
