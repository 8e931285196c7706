/*
 * CPU exception stubs, 16 bytes apart: the host points IDT vector v at hl_exception_stubs + 16*v.
 * They run in ring 3 on the faulting stack and report through an `out`: vector in EAX, error code
 * in RCX, faulting RIP in RBX. The host ends the execution and restores the VM; they never return.
 */
#include "hostabi.h"

    .section .text.exceptions, "ax"
    .balign 16
    .globl hl_exception_stubs
hl_exception_stubs:
    .irp vector, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    .balign 16
    /* vectors 8, 10-14, 17, 21, 29 and 30 push an error code; push a zero for the others */
    .if (\vector == 8) || (\vector >= 10 && \vector <= 14) || (\vector == 17) || (\vector == 21) || (\vector == 29) || (\vector == 30)
    .else
    pushq $0
    .endif
    pushq $\vector
    jmp exception_common
    .endr

exception_common:
    mov (%rsp), %eax
    mov 8(%rsp), %rcx
    mov 16(%rsp), %rbx
1:  out %eax, $HL_PORT_EXCEPTION
    jmp 1b
    .section .note.GNU-stack, "", @progbits
