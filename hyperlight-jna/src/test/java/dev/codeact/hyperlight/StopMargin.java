package dev.codeact.hyperlight;

import java.time.Duration;

/**
 * How late after its deadline a stopped execution may come back and still count as stopped by the deadline, on a
 * loaded machine. Tests tell a stop at the deadline from a hang or from waiting out a 10 s host function; how close
 * to the deadline the stop lands is a latency, measured by the bench ({@code runawayReturnAfterDeadlineMs}).
 */
final class StopMargin {

    static final Duration LOADED_MACHINE = Duration.ofSeconds(2);

    private StopMargin() {
    }
}
