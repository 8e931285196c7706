/* What the QuickJS runtime's files share. The platform (guest.h) calls runtime_boot and runtime_execute. */
#ifndef CODEACT_QUICKJS_RUNTIME_H
#define CODEACT_QUICKJS_RUNTIME_H
#include "guest.h"
#include "quickjs.h"

/* memory.c: the allocator QuickJS is charged through */
extern const JSMallocFunctions LIMITED_ALLOCATOR;

/* natives.c: the object runtime.js's install(native) gets */
JSValue natives_new(JSContext *ctx);
void natives_begin_execution(void);

/* random.c */
void random_reseed(const struct hl_mailbox *mailbox);
JSValue native_random(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv);
JSValue native_random_fill(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv);
#endif
