/*
 * Compiles runtime.js to QuickJS bytecode on the build machine, with the guest's own QuickJS sources and patches:
 * the guest then boots from the bytecode (JS_ReadObject) instead of parsing 1.4 MB of JavaScript, most of it the
 * Intl data. Parsing it in the guest took ~70 ms and left ~12 MiB of the guest heap written and never reused (the
 * compiler's short-lived buffers), which every VM and its snapshot would hold resident.
 * usage: compile-runtime RUNTIME_JS OUTPUT
 */
#include <stdio.h>
#include <stdlib.h>
#include "quickjs.h"

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s RUNTIME_JS OUTPUT\n", argv[0]);
        return 2;
    }
    FILE *in = fopen(argv[1], "rb");
    if (!in) { perror(argv[1]); return 1; }
    fseek(in, 0, SEEK_END);
    long length = ftell(in);
    fseek(in, 0, SEEK_SET);
    char *source = malloc((size_t)length + 1);
    if (!source || fread(source, 1, (size_t)length, in) != (size_t)length) { perror(argv[1]); return 1; }
    source[length] = 0;
    fclose(in);

    JSRuntime *runtime = JS_NewRuntime();
    JS_SetStripInfo(runtime, JS_STRIP_SOURCE); /* as qjsc does: no source text for Function.prototype.toString */
    JSContext *context = JS_NewContext(runtime);
    /* as the guest evaluated the source: a global script in strict mode, named runtime.js in stack traces */
    JSValue compiled = JS_Eval(context, source, (size_t)length, "runtime.js",
                               JS_EVAL_TYPE_GLOBAL | JS_EVAL_FLAG_STRICT | JS_EVAL_FLAG_COMPILE_ONLY);
    if (JS_IsException(compiled)) {
        JSValue error = JS_GetException(context);
        const char *message = JS_ToCString(context, error);
        fprintf(stderr, "%s: %s\n", argv[1], message ? message : "does not compile");
        return 1;
    }
    size_t size;
    uint8_t *bytecode = JS_WriteObject(context, &size, compiled, JS_WRITE_OBJ_BYTECODE);
    if (!bytecode) { fprintf(stderr, "JS_WriteObject failed\n"); return 1; }
    FILE *out = fopen(argv[2], "wb");
    if (!out || fwrite(bytecode, 1, size, out) != size || fclose(out) != 0) { perror(argv[2]); return 1; }
    js_free(context, bytecode);
    JS_FreeValue(context, compiled);
    JS_FreeContext(context);
    JS_FreeRuntime(runtime);
    free(source);
    return 0;
}
