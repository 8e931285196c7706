package dev.codeact.hyperlight;

import dev.codeact.hyperlight.kvm.KvmApi;
import dev.codeact.hyperlight.kvm.KvmVcpu;
import dev.codeact.hyperlight.memory.GuestLayout;
import dev.codeact.hyperlight.memory.SystemTables;

/**
 * The guest ended abnormally, described for the program's author: a crash (a CPU exception, a fault on unbacked
 * memory, a protocol violation), a stack overflow into the guard page, running out of memory, or a forced stop.
 * Thrown out of {@link VcpuLoop}'s exit loop; the VM's memory is restored before its next use.
 */
final class GuestFault extends Exception {
    /** The error to report, or null when {@link #killed}. */
    final ExecutionError error;
    /** The forced stop ended it: the error is the stop's. */
    final boolean killed;

    GuestFault(ExecutionError error, boolean killed) {
        super(null, null, false, false);
        this.error = error;
        this.killed = killed;
    }

    static GuestFault crash(String message) {
        return new GuestFault(ExecutionError.of(ErrorType.GUEST_CRASH, message), false);
    }

    /** Reads what the guest's exception stub left in registers: vector, error code, faulting RIP. */
    static GuestFault exception(KvmVcpu vcpu) {
        long[] r = vcpu.exceptionRegisters();
        long vector = r[0] & 0xFF;
        String where = " at RIP 0x" + Long.toHexString(r[1]);
        String detail = vector == 14 ? ", address 0x" + Long.toHexString(r[3]) + " (error code 0x" + Long.toHexString(r[2]) + ")"
                : r[2] != 0 ? " (error code 0x" + Long.toHexString(r[2]) + ")" : "";
        return crash("CPU exception " + SystemTables.vectorName(vector) + where + detail);
    }

    /** Any exit but I/O and interrupts: the guest cannot go on. */
    static GuestFault ofExit(KvmVcpu vcpu, GuestLayout layout, int reason) {
        return switch (reason) {
            case KvmApi.EXIT_MMIO -> {
                long address = vcpu.runPage().getLong(KvmApi.RUN_MMIO_PHYS_ADDR);
                boolean write = vcpu.runPage().getByte(KvmApi.RUN_MMIO_IS_WRITE) != 0;
                if (write && address >= layout.guardAddress() && address < layout.guardAddress() + GuestLayout.PAGE_BYTES) {
                    yield new GuestFault(ExecutionError.of(ErrorType.STACK_OVERFLOW,
                            "the guest's native stack overflowed into its guard page at 0x" + Long.toHexString(address)), false);
                }
                yield crash("the guest " + (write ? "wrote to" : "read") + " unbacked or read-only memory at 0x"
                        + Long.toHexString(address) + " (RIP 0x" + Long.toHexString(vcpu.instructionPointer()) + ")");
            }
            case KvmApi.EXIT_SHUTDOWN -> crash("the guest CPU shut down after an exception it could not handle"
                    + " (e.g. a page fault or invalid opcode) at RIP 0x" + Long.toHexString(vcpu.instructionPointer()));
            case KvmApi.EXIT_HLT -> crash("the guest halted at RIP 0x" + Long.toHexString(vcpu.instructionPointer()));
            case KvmApi.EXIT_FAIL_ENTRY -> crash("KVM could not enter the guest (hardware reason 0x"
                    + Long.toHexString(vcpu.runPage().getLong(KvmApi.RUN_FAIL_ENTRY_REASON)) + ")");
            case KvmApi.EXIT_INTERNAL_ERROR -> crash("KVM internal error, suberror "
                    + vcpu.runPage().getInt(KvmApi.RUN_INTERNAL_SUBERROR) + ", at RIP 0x"
                    + Long.toHexString(vcpu.instructionPointer()));
            default -> crash("unexpected KVM exit reason " + reason);
        };
    }
}
