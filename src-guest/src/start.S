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

/* The program-facing JavaScript (runtime.js) as QuickJS bytecode, embedded so the guest needs no file system. */
    .section .rodata
    .balign 16
    .globl runtime_bytecode, runtime_bytecode_end
runtime_bytecode:
    .incbin RUNTIME_BYTECODE_PATH
runtime_bytecode_end:
    .byte 0
/* Intl's bundle (FormatJS and CLDR data, src-guest/intl), evaluated before runtime.js */
    .balign 16
    .globl intl_bytecode, intl_bytecode_end
intl_bytecode:
    .incbin INTL_BYTECODE_PATH
intl_bytecode_end:
    .byte 0
    .section .note.GNU-stack, "", @progbits
