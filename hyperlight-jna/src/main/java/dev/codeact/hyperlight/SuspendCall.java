package dev.codeact.hyperlight;

/**
 * Thrown by a host function to suspend the program at this call instead of answering it, as an approval that a person
 * gives later needs. In a session ({@link MicroVm#executeInSession}) the VM stops at the call and the session's state
 * is kept with the call pending; {@link MicroVm#resume} later completes the call with the answer given then, on any VM
 * of the same image and layout, and the program goes on. Anywhere else (no session, an in-process engine) the call
 * fails with the program's usual host-call error.
 */
public class SuspendCall extends RuntimeException {
    public SuspendCall(String reason) {
        super(reason);
    }
}
