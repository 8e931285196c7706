/* Guest entry. The host sets RIP here, RSP to the stack top and RDI to the mailbox on every entry. */
    .section .text.start, "ax"
    .globl _start
_start:
    and $-16, %rsp
    xor %ebp, %ebp
    /* x87 and SSE state as after reset, so nothing an earlier program left there carries over and the
       host need not reset it with an ioctl on every entry */
    fninit
    ldmxcsr mxcsr_default(%rip)
    .irp reg, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    pxor %xmm\reg, %xmm\reg
    .endr
    call guest_entry
1:  ud2
    jmp 1b

    .section .rodata
    .balign 4
mxcsr_default:
    .long 0x1F80 /* all exceptions masked, round to nearest */
    .section .note.GNU-stack, "", @progbits
