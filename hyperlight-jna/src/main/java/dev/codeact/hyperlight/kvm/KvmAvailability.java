package dev.codeact.hyperlight.kvm;

import com.sun.jna.LastErrorException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether {@code /dev/kvm} can run micro-VMs here, and what kind of KVM it is.
 *
 * @param usable true when the device opens, speaks API 12 and has the capabilities the runtime needs
 * @param reason why it is not usable, or a one-line description of what was found
 * @param pvm true when KVM is PVM (a nested hypervisor that emulates guest ring 0 and runs ring 3 natively)
 */
public record KvmAvailability(boolean usable, String reason, boolean pvm) {
    public static final String DEVICE = "/dev/kvm";
    private static final Path PVM_MODULE = Path.of("/sys/module/kvm_pvm");

    private static volatile KvmAvailability cached;

    public static KvmAvailability probe() {
        KvmAvailability result = cached;
        if (result == null) {
            result = probeNow();
            cached = result;
        }
        return result;
    }

    private static KvmAvailability probeNow() {
        boolean pvm = Files.isDirectory(PVM_MODULE);
        if (!Files.exists(Path.of(DEVICE))) {
            return new KvmAvailability(false, DEVICE + " does not exist (no KVM on this machine or not passed to this container)", pvm);
        }
        int fd;
        try {
            fd = LibC.open(DEVICE, LibC.O_RDWR | LibC.O_CLOEXEC);
        } catch (LastErrorException e) {
            return new KvmAvailability(false, "cannot open " + DEVICE + ": errno " + e.getErrorCode()
                    + (e.getErrorCode() == 13 ? " (permission denied: add the user to the kvm group)" : ""), pvm);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            return new KvmAvailability(false, "native access unavailable: " + e.getMessage(), pvm);
        }
        try {
            int version = LibC.ioctl(fd, KvmApi.GET_API_VERSION, 0L);
            if (version != KvmApi.EXPECTED_API_VERSION) {
                return new KvmAvailability(false, "KVM API version " + version + ", expected " + KvmApi.EXPECTED_API_VERSION, pvm);
            }
            for (int cap : new int[] {KvmApi.CAP_USER_MEMORY, KvmApi.CAP_READONLY_MEM, KvmApi.CAP_IMMEDIATE_EXIT}) {
                if (LibC.ioctl(fd, KvmApi.CHECK_EXTENSION, cap) <= 0) {
                    return new KvmAvailability(false, "KVM lacks capability 0x" + Integer.toHexString(cap), pvm);
                }
            }
            return new KvmAvailability(true, pvm
                    ? "KVM usable: PVM (nested; guest ring 0 is emulated, the guest runs in ring 3)"
                    : "KVM usable: hardware virtualisation", pvm);
        } catch (LastErrorException e) {
            return new KvmAvailability(false, "KVM ioctl failed: errno " + e.getErrorCode(), pvm);
        } finally {
            LibC.close(fd);
        }
    }
}
