    .section .text.start, "ax"
    .globl _start
_start:
    call guest_entry
1:  ud2
    jmp 1b
    .section .note.GNU-stack, "", @progbits
