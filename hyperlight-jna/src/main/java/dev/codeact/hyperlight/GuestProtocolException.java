package dev.codeact.hyperlight;

/** The guest broke the host-call protocol: a length out of bounds, bad UTF-8 or JSON, an unknown port. */
public final class GuestProtocolException extends Exception {
    public GuestProtocolException(String message) {
        super(message);
    }
}
