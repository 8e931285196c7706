/* What the Python guest embeds, so it needs no file system: the standard library's modules as marshalled code objects
   (tools/embed_stdlib.py), and boot.py's source, NUL-terminated. */
    .section .rodata
    .balign 16
    .globl python_stdlib, python_stdlib_end
python_stdlib:
    .incbin STDLIB_BLOB_PATH
python_stdlib_end:
    .byte 0
    .globl python_boot_source
python_boot_source:
    .incbin BOOT_SOURCE_PATH
    .byte 0
    .section .note.GNU-stack, "", @progbits
