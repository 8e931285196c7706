package dev.codeact.hyperlight;

/** There is no usable /dev/kvm; the message says why. */
public final class KvmUnavailableException extends SandboxException {
    public KvmUnavailableException(String reason) {
        super(ErrorType.KVM_UNAVAILABLE, "KVM is not available: " + reason);
    }
}
