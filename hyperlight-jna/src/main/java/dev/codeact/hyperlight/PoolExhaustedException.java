package dev.codeact.hyperlight;

import java.time.Duration;

/** Every sandbox of the pool stayed busy for the whole wait. */
public final class PoolExhaustedException extends SandboxException {
    public PoolExhaustedException(int size, Duration waited) {
        super(ErrorType.POOL_EXHAUSTED, "all " + size + " sandboxes of the pool stayed busy for " + waited.toMillis()
                + " ms; raise the pool size or the acquire timeout");
    }
}
