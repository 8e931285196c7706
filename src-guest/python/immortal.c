/*
 * Makes everything the boot made immortal (PEP 683), the last thing before the snapshot. An execution reads the boot's
 * objects all the time (builtins, modules, functions, types, their dicts and strings) and each read is a reference
 * count incremented and decremented again: the page ends up unchanged, but it was written, and every page an
 * execution writes is a page KVM logs dirty and the host copies back at the restore (python/NOTES.md, Speed).
 * Py_INCREF and Py_DECREF do not write the count of an immortal object. Immortal objects are never deallocated, which
 * costs nothing here: the restore brings back the snapshot after every execution anyway.
 */
#include <Python.h>
#include "python.h"

extern void _Py_SetImmortal(PyObject *op); /* pycore_object.h: the count set to immortal, and untracked by the GC */

struct pending { PyObject **objects; size_t count, capacity; };

static int push(struct pending *p, PyObject *op) {
    if (p->count == p->capacity) {
        size_t capacity = p->capacity ? p->capacity * 2 : 65536;
        PyObject **grown = realloc(p->objects, capacity * sizeof *grown);
        if (!grown) return -1;
        p->objects = grown;
        p->capacity = capacity;
    }
    p->objects[p->count++] = op;
    return 0;
}

/* The referents of an object, as the GC sees them; those already immortal (static types, interned strings, small
   ints, and what this walk reached before) are not followed again. */
static int visit(PyObject *op, void *arg) {
    return op && !_Py_IsImmortal(op) ? push(arg, op) : 0;
}

/* immortalize(): every object the GC tracks, and everything they refer to, transitively; returns how many. */
PyObject *immortal_everything(PyObject *self, PyObject *unused) {
    PyObject *gc = PyImport_ImportModule("gc");
    PyObject *tracked = gc ? PyObject_CallMethod(gc, "get_objects", NULL) : NULL;
    Py_XDECREF(gc);
    if (!tracked) return NULL;
    struct pending pending = {0};
    Py_ssize_t made = 0;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(tracked); i++) {
        PyObject *op = PyList_GET_ITEM(tracked, i);
        if (op != tracked && push(&pending, op) < 0) goto no_memory;
    }
    while (pending.count) {
        PyObject *op = pending.objects[--pending.count];
        if (_Py_IsImmortal(op)) continue;
        traverseproc traverse = Py_TYPE(op)->tp_traverse;
        _Py_SetImmortal(op);
        made++;
        if (traverse && traverse(op, visit, &pending) < 0) goto no_memory;
    }
    free(pending.objects);
    Py_DECREF(tracked);
    return PyLong_FromSsize_t(made);
no_memory:
    free(pending.objects);
    Py_DECREF(tracked);
    return PyErr_NoMemory();
}
