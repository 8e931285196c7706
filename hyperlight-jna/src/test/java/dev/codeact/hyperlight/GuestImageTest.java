package dev.codeact.hyperlight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Guest images by language: each is a packaged resource, opened once, that the same loader takes. */
class GuestImageTest {
    private static final String HOSTILE_RESOURCE = "/dev/codeact/hyperlight/testguest/hostile-guest.elf";

    @Test
    void thePackagedQuickJsGuestIsOneImageOpenedOnce() {
        assertThat(GuestImage.quickJs()).isSameAs(GuestImage.packaged(GuestImage.QUICKJS_RESOURCE))
                .isSameAs(GuestImage.quickJs());
        assertThat(GuestImage.quickJs().name()).isEqualTo(GuestImage.QUICKJS_RESOURCE);
    }

    @Test
    void anotherGuestIsItsOwnResourceThroughTheSameLoader() {
        GuestImage other = GuestImage.packaged(HOSTILE_RESOURCE);
        assertThat(other).isNotSameAs(GuestImage.quickJs()).isSameAs(GuestImage.packaged(HOSTILE_RESOURCE));
        assertThat(other.elf().entryPoint()).isEqualTo(GuestImage.quickJs().elf().entryPoint()); // both link platform/guest.ld
    }

    @Test
    void aGuestThatWasNotBuiltSaysSo() {
        assertThatThrownBy(() -> GuestImage.packaged("/dev/codeact/hyperlight/guest/no-such-guest.elf"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("build src-guest first");
    }
}
