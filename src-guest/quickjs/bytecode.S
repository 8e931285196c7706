/* The QuickJS runtime's boot code, compiled at build time (tools/compile-runtime.c) and embedded, so the guest needs
   no file system: the program-facing JavaScript (runtime.js) as QuickJS bytecode. */
    .section .rodata
    .balign 16
    .globl runtime_bytecode, runtime_bytecode_end
runtime_bytecode:
    .incbin RUNTIME_BYTECODE_PATH
runtime_bytecode_end:
    .byte 0
/* Intl's bundle (FormatJS and CLDR data, src-guest/quickjs/intl), evaluated before runtime.js */
    .balign 16
    .globl intl_bytecode, intl_bytecode_end
intl_bytecode:
    .incbin INTL_BYTECODE_PATH
intl_bytecode_end:
    .byte 0
    .section .note.GNU-stack, "", @progbits
