/*
 * _codeact.compile_program(source): the program compiled as compile(source, "<program>", "exec") would, except that a
 * final expression statement becomes `__codeact_result__ = <expression>` (its value is the execution's result, as in
 * a notebook cell). boot.py did this with the ast module: parse to Python AST objects, rewrite, compile them back,
 * which converts the whole tree a second time into a second arena. Here the rewrite is made on the parser's own tree
 * in its arena, once: fewer allocations and fewer pages written per execution (python/NOTES.md, Speed). Programs that
 * say `await` still take boot.py's ast path, which also drops the await before call_tool.
 */
/* CPython's internal headers, which python.mk compiles with CPython's own -D flags (its thread-locals' spelling in
   particular: the inline functions of these headers must agree with libpython on where _Py_tss_tstate lives) */
#define Py_BUILD_CORE 1
#include <Python.h>
#include <string.h>
#include "internal/pycore_ast.h"
#include "internal/pycore_compile.h"
#include "internal/pycore_parser.h"
#include "internal/pycore_pyarena.h"
#include "python.h"

/* The final expression statement as an assignment to `name`, at the expression's place in the text. */
static int assign_final_expression(mod_ty module, PyObject *name, PyArena *arena) {
    asdl_stmt_seq *body = module->v.Module.body;
    Py_ssize_t n = asdl_seq_LEN(body);
    if (n == 0) return 0;
    stmt_ty last = asdl_seq_GET(body, n - 1);
    if (last->kind != Expr_kind) return 0;
    if (_PyArena_AddPyObject(arena, Py_NewRef(name)) < 0) {
        Py_DECREF(name);
        return -1;
    }
    expr_ty target = _PyAST_Name(name, Store, last->lineno, last->col_offset, last->end_lineno, last->end_col_offset,
                                 arena);
    asdl_expr_seq *targets = target ? _Py_asdl_expr_seq_new(1, arena) : NULL;
    if (!targets) return -1;
    asdl_seq_SET(targets, 0, target);
    stmt_ty assign = _PyAST_Assign(targets, last->v.Expr.value, NULL, last->lineno, last->col_offset, last->end_lineno,
                                   last->end_col_offset, arena);
    if (!assign) return -1;
    asdl_seq_SET(body, n - 1, assign);
    return 0;
}

/* compile_program(source, filename, result_name) -> code */
PyObject *program_compile(PyObject *self, PyObject *args) {
    PyObject *source, *filename, *name;
    if (!PyArg_ParseTuple(args, "UUU", &source, &filename, &name)) return NULL;
    Py_ssize_t length;
    const char *text = PyUnicode_AsUTF8AndSize(source, &length);
    if (!text) return NULL;
    if ((size_t)length != strlen(text)) { /* compile()'s own check and words */
        PyErr_SetString(PyExc_SyntaxError, "source code string cannot contain null bytes");
        return NULL;
    }
    PyArena *arena = _PyArena_New();
    if (!arena) return NULL;
    PyCompilerFlags flags = _PyCompilerFlags_INIT;
    flags.cf_flags = PyCF_ALLOW_TOP_LEVEL_AWAIT | PyCF_SOURCE_IS_UTF8 | PyCF_IGNORE_COOKIE; /* as compile() of a str */
    mod_ty module = _PyParser_ASTFromString(text, filename, Py_file_input, &flags, arena);
    PyObject *code = NULL;
    if (module && assign_final_expression(module, name, arena) == 0) {
        code = (PyObject *)_PyAST_Compile(module, filename, &flags, -1, arena);
    }
    _PyArena_Free(arena);
    return code;
}
