/* Guest entry. The host sets RIP here, RSP to the stack top and RDI to the mailbox on every entry. */
    .section .text.start, "ax"
    .globl _start
_start:
    and $-16, %rsp
    xor %ebp, %ebp
    call guest_entry
1:  ud2
    jmp 1b

/* The bootstrap script, embedded so the guest needs no file system. */
    .section .rodata
    .globl bootstrap_js, bootstrap_js_end
bootstrap_js:
    .incbin BOOTSTRAP_JS_PATH
bootstrap_js_end:
    .byte 0
    .section .note.GNU-stack, "", @progbits
