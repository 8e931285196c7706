/*
 * The CPython runtime: the interpreter is made once at boot (that state is the snapshot every execution starts from),
 * then one program per EXECUTE entry. The platform (src-guest/platform) calls runtime_boot and runtime_execute.
 *
 * Boot is PEP 587's two phases: the core (built-in and frozen modules only), then the guest's importer for the
 * embedded standard library (stdlib.S, built by tools/embed_stdlib.py) goes on sys.meta_path, then the main phase
 * (encodings, sys.stdout and sys.stderr over file descriptors 1 and 2, which os_shim.c sends to the console), then
 * the program-facing Python (boot.py, embedded as python_boot_source) defines the driver each execution calls.
 * The memory limit is memory.c's, the stop below, call_tool boot.py's; python/NOTES.md has the design and measurements.
 */
#include <Python.h>
#include <stdlib.h>
#include <string.h>
#include "guest.h"
#include "python.h"

extern const uint8_t python_stdlib[], python_stdlib_end[];
extern const char python_boot_source[];

static PyObject *run_program; /* boot.py's run(source) -> outcome JSON (str) */

/* The stop (python/patches/0001-stop-word.patch): the eval loop reads *_Py_codeact_stop_word at every backward jump and
   call; during an execution it is the mailbox's cancel_requested, which the host sets to stop the program. Then every
   check raises KeyboardInterrupt (a BaseException: `except Exception` does not catch it, and a program that catches it
   anyway is interrupted again at its next jump), and the outcome is INTERRUPTED whatever the program did. */
static const unsigned int never_stop;
volatile const unsigned int *_Py_codeact_stop_word = &never_stop;
static int stop_raised; /* whether this execution raised the stop, which then has to be taken back at its end */

void _Py_codeact_stop(void) {
    stop_raised = 1;
    PyThreadState_SetAsyncExc((unsigned long)PyThread_get_thread_ident(), PyExc_KeyboardInterrupt);
}
static size_t boot_bytes;      /* what the booted interpreter holds: not the program's to spend */

/* ---- the embedded standard library: b"CAPY", u32 count, entries sorted by name (see tools/embed_stdlib.py) */
struct embedded { const char *name; size_t name_length; int is_package; const uint8_t *code; size_t code_length; };
static struct embedded *modules;
static size_t module_count;

static uint32_t read_u32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }

static void index_stdlib(void) {
    const uint8_t *p = python_stdlib;
    if (python_stdlib_end - p < 8 || memcmp(p, "CAPY", 4) != 0) hl_abort(HL_ABORT_BOOT_FAILED, "bad embedded stdlib");
    module_count = read_u32(p + 4);
    p += 8;
    modules = calloc(module_count, sizeof *modules); /* before memory.c takes over CPython's allocators; never freed */
    if (!modules) hl_abort(HL_ABORT_BOOT_FAILED, "no memory for the stdlib index");
    for (size_t i = 0; i < module_count; i++) {
        uint16_t n;
        memcpy(&n, p, 2);
        modules[i].name = (const char *)p + 2;
        modules[i].name_length = n;
        p += 2 + n;
        modules[i].is_package = *p++;
        modules[i].code_length = read_u32(p);
        modules[i].code = p + 4;
        p += 4 + modules[i].code_length;
        if (p > python_stdlib_end) hl_abort(HL_ABORT_BOOT_FAILED, "truncated embedded stdlib");
    }
}

static const struct embedded *find_module(const char *name, size_t length) {
    size_t lo = 0, hi = module_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct embedded *m = &modules[mid];
        size_t common = m->name_length < length ? m->name_length : length;
        int c = memcmp(m->name, name, common);
        if (c == 0) c = m->name_length < length ? -1 : m->name_length > length ? 1 : 0;
        if (c == 0) return m;
        if (c < 0) lo = mid + 1; else hi = mid;
    }
    return NULL;
}

/* ---- _codeact: the natives boot.py builds on */
static PyObject *native_find(PyObject *self, PyObject *arg) {
    Py_ssize_t length;
    const char *name = PyUnicode_AsUTF8AndSize(arg, &length);
    if (!name) return NULL;
    const struct embedded *m = find_module(name, (size_t)length);
    if (!m) Py_RETURN_NONE;
    PyObject *code = PyMemoryView_FromMemory((char *)m->code, (Py_ssize_t)m->code_length, PyBUF_READ);
    if (!code) return NULL;
    return Py_BuildValue("(NN)", PyBool_FromLong(m->is_package), code);
}

static PyObject *native_write(PyObject *self, PyObject *args) {
    unsigned int stream;
    const char *bytes;
    Py_ssize_t length;
    if (!PyArg_ParseTuple(args, "Is#", &stream, &bytes, &length)) return NULL;
    hl_log_write(stream == HL_STREAM_STDERR ? HL_STREAM_STDERR : HL_STREAM_STDOUT, bytes, (size_t)length);
    Py_RETURN_NONE;
}

/* host_call(request_json) -> (ok, reply); an oversized request fails in hl_host_call, before any exit. */
static PyObject *native_host_call(PyObject *self, PyObject *arg) {
    Py_ssize_t length;
    const char *request = PyUnicode_AsUTF8AndSize(arg, &length);
    if (!request) return NULL;
    const char *reply;
    size_t reply_length;
    int status = hl_host_call(request, (size_t)length, &reply, &reply_length);
    return Py_BuildValue("(Ns#)", PyBool_FromLong(status == HL_REPLY_OK), reply, (Py_ssize_t)reply_length);
}

static PyObject *native_source(PyObject *self, PyObject *unused) {
    struct hl_mailbox *mb = hl_mailbox;
    size_t length = mb->code_length <= mb->in_capacity ? mb->code_length : mb->in_capacity;
    return PyUnicode_DecodeUTF8((const char *)mb->in_addr, (Py_ssize_t)length, "surrogateescape");
}

static PyMethodDef native_methods[] = {
    {"find", native_find, METH_O, "find(name) -> (is_package, marshalled code) or None"},
    {"write", native_write, METH_VARARGS, "write(stream, text)"},
    {"host_call", native_host_call, METH_O, "host_call(request_json) -> (ok, reply)"},
    {"source", native_source, METH_NOARGS, "the program text"},
    {"compile_program", program_compile, METH_VARARGS, "compile(source) with the final expression assigned to a name"},
    {"immortalize", immortal_everything, METH_NOARGS, "makes every object there is immortal (the boot's last step)"},
    {NULL, NULL, 0, NULL},
};
static struct PyModuleDef native_module = {PyModuleDef_HEAD_INIT, "_codeact", NULL, -1, native_methods};
static PyObject *init_native(void) { return PyModule_Create(&native_module); }

/* The finder every import of the embedded standard library goes through; runs in the core phase, where only built-in
   and frozen modules exist. */
static const char FINDER_SOURCE[] =
    "import sys, marshal, _codeact\n"
    "_bootstrap = sys.modules['_frozen_importlib']\n"
    "class EmbeddedStdlib:\n"
    "    @classmethod\n"
    "    def find_spec(cls, name, path=None, target=None):\n"
    "        found = _codeact.find(name)\n"
    "        if found is None: return None\n"
    "        return _bootstrap.ModuleSpec(name, cls, origin='<stdlib>', is_package=found[0])\n"
    "    @staticmethod\n"
    "    def create_module(spec): return None\n"
    "    @staticmethod\n"
    "    def exec_module(module):\n"
    "        exec(marshal.loads(_codeact.find(module.__spec__.name)[1]), module.__dict__)\n"
    "sys.meta_path.append(EmbeddedStdlib)\n";

static _Noreturn void boot_failed(const char *what, PyStatus status) {
    char message[512];
    snprintf(message, sizeof message, "%s: %s%s%s", what, status.func ? status.func : "",
             status.func ? ": " : "", status.err_msg ? status.err_msg : "failed");
    hl_abort(HL_ABORT_BOOT_FAILED, message);
}

static _Noreturn void python_failed(const char *what) {
    /* the exception as text, without relying on sys.stderr */
    PyObject *exc = PyErr_GetRaisedException();
    PyObject *text = exc ? PyObject_Repr(exc) : NULL;
    const char *detail = text ? PyUnicode_AsUTF8(text) : NULL;
    char message[1024];
    snprintf(message, sizeof message, "%s: %s", what, detail ? detail : "(no exception)");
    hl_abort(HL_ABORT_BOOT_FAILED, message);
}

static void run_source(const char *source, const char *what) {
    PyObject *main_module = PyImport_AddModule("__main__");
    PyObject *globals = main_module ? PyModule_GetDict(main_module) : NULL;
    PyObject *result = globals ? PyRun_String(source, Py_file_input, globals, globals) : NULL;
    if (!result) python_failed(what);
    Py_DECREF(result);
}

#ifdef PY_BOOT_STOP /* debugging: end the boot at step PY_BOOT_STOP with an abort that says so */
#define STEP(n) do { if ((n) == PY_BOOT_STOP) { char m_[160]; void *fs8_; \
        __asm__ volatile("mov %%fs:-8, %0" : "=r"(fs8_)); \
        snprintf(m_, sizeof m_, "boot stopped at step %d: thread state %p, fs:-8 %p", (n), \
                 (void *)PyThreadState_GetUnchecked(), fs8_); \
        hl_abort(HL_ABORT_BOOT_FAILED, m_); } } while (0)
#else
#define STEP(n) do {} while (0)
#endif


void runtime_boot(void) {
    STEP(0);
    index_stdlib();
    if (PyImport_AppendInittab("_codeact", init_native) < 0) hl_abort(HL_ABORT_BOOT_FAILED, "PyImport_AppendInittab");

    PyPreConfig preconfig;
    PyPreConfig_InitIsolatedConfig(&preconfig);
    preconfig.utf8_mode = 1;
    preconfig.configure_locale = 0;
    STEP(1);
    PyStatus status = Py_PreInitialize(&preconfig);
    if (PyStatus_Exception(status)) boot_failed("Py_PreInitialize", status);
    memory_install(); /* before the interpreter allocates anything it keeps */
    STEP(2);

    PyConfig config;
    PyConfig_InitIsolatedConfig(&config);
    config.site_import = 0;
    config.write_bytecode = 0;
    config.install_signal_handlers = 0;
    config.pathconfig_warnings = 0;
    config.use_hash_seed = 1; /* no getrandom at boot; str hashes are the same in every execution (the snapshot) */
    config.hash_seed = 0;
    config.buffered_stdio = 0;
    config.configure_c_stdio = 0;
    config.parse_argv = 0;
    config.module_search_paths_set = 1; /* none: the standard library is embedded */
    config._init_main = 0;
#define SET(field, value) do { status = PyConfig_SetString(&config, &config.field, value); \
        if (PyStatus_Exception(status)) boot_failed("PyConfig " #field, status); } while (0)
    SET(program_name, L"python");
    SET(executable, L"/python");
    SET(base_executable, L"/python");
    SET(home, L"/");
    SET(prefix, L"/");
    SET(base_prefix, L"/");
    SET(exec_prefix, L"/");
    SET(base_exec_prefix, L"/");
    SET(stdlib_dir, L"/stdlib");
    SET(stdio_encoding, L"utf-8");
    SET(stdio_errors, L"backslashreplace");
#undef SET
    STEP(3);
    status = Py_InitializeFromConfig(&config);
    PyConfig_Clear(&config);
    if (PyStatus_Exception(status)) boot_failed("Py_InitializeFromConfig (core)", status);
    STEP(4);
    run_source(FINDER_SOURCE, "the stdlib finder");
    STEP(5);
    status = _Py_InitializeMain();
    if (PyStatus_Exception(status)) boot_failed("_Py_InitializeMain", status);
    STEP(6);

    /* boot.py runs in __main__ and then hands that name to the programs' own module: keep its module to find the
       driver in */
    PyObject *boot_module = Py_XNewRef(PyImport_AddModule("__main__"));
    run_source(python_boot_source, "boot.py");
    run_program = boot_module ? PyObject_GetAttrString(boot_module, "_codeact_run") : NULL;
    if (!run_program) python_failed("boot.py defines no _codeact_run");
    boot_bytes = memory_used();
    heap_seal();
    static const char booted[] = HL_OUTCOME_BOOTED;
    hl_finish(booted, sizeof booted - 1);
}

void runtime_execute(void) {
    memory_begin(boot_bytes, hl_mailbox->memory_limit_bytes);
    _Py_codeact_stop_word = &hl_mailbox->cancel_requested;
    host_files_begin();
    PyObject *outcome = PyObject_CallNoArgs(run_program);
    _Py_codeact_stop_word = &never_stop;
    if (!hl_mailbox->cancel_requested) host_files_end(); /* files left open, before the outcome fills OUT */
    if (stop_raised) { /* a stop raised but not yet seen; not otherwise: the call writes the runtime's lock and the
                          eval breaker, pages every execution would then dirty */
        stop_raised = 0;
        PyThreadState_SetAsyncExc((unsigned long)PyThread_get_thread_ident(), NULL);
    }
    if (hl_mailbox->cancel_requested) {
        PyErr_Clear();
        Py_XDECREF(outcome);
        static const char interrupted[] = HL_OUTCOME_INTERRUPTED;
        hl_finish(interrupted, sizeof interrupted - 1);
        return;
    }
    Py_ssize_t length;
    const char *text = outcome ? PyUnicode_AsUTF8AndSize(outcome, &length) : NULL;
    if (!text) {
        PyErr_Clear();
        static const char failed[] = HL_OUTCOME_ENCODE_FAILED;
        hl_finish(failed, sizeof failed - 1);
    } else if ((size_t)length > hl_mailbox->out_capacity) {
        char message[200];
        int n = snprintf(message, sizeof message, HL_OUTCOME_RESULT_TOO_LARGE, (size_t)length,
                         (unsigned)hl_mailbox->out_capacity);
        hl_finish(message, (size_t)n);
    } else {
        hl_finish(text, (size_t)length);
    }
    Py_XDECREF(outcome);
}
