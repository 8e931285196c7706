package dev.codeact.spring.sandbox.graal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.SandboxPolicy;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.io.IOAccess;

/**
 * The shared GraalPy {@link Engine} (so parsed code, boot.py and the standard library included, is shared), the
 * sources every context evaluates, and the locked-down {@link Context} each execution gets, booted as the KVM guest
 * boots: {@link #NATIVES_SHIM} installs the {@code _codeact} module over the Java natives, then the guest's own
 * boot.py (from hyperlight-jna's jar) defines {@code _codeact_run} and {@code call_tool}.
 */
final class GraalPyEngine implements AutoCloseable {
    /** Where hyperlight-jna packages the guest's program-facing Python. */
    static final String BOOT_RESOURCE = "/dev/codeact/hyperlight/guest/boot.py";
    /** The guest's program-facing modules boot.py imports (src-guest/python/lib), packaged beside it. */
    static final List<String> SERVICE_MODULES = List.of("_codeact_fetch", "_codeact_tools");
    /** The name boot.py is evaluated under, and the producer of the outcomes it encodes. */
    static final String BOOT_NAME = "boot.py";
    /**
     * The {@code _codeact} module boot.py builds on, which the KVM guest defines in C (runtime.c, program_compile.c,
     * immortal.c): here {@code write}, {@code host_call} and {@code source} call the Java natives ({@link
     * GraalPyNatives}); {@code compile_program} makes boot.py's own final-expression assignment ({@code
     * _result_assignment}) on the ast module's tree, as its await path does; {@code immortalize} and {@code
     * gc.freeze} (which GraalPy's collector lacks) have nothing to do without a snapshot. Evaluated in {@code
     * __main__} before boot.py, which runs there too and then gives that name to the programs' module: the function
     * it returns finds boot.py's {@code _codeact_run} in the boot module's globals.
     */
    private static final String NATIVES_SHIM = """
            def _codeact_install(natives, *services):
                import ast, gc, sys, types
                boot = globals()
                module = types.ModuleType("_codeact", "the natives boot.py builds on, from the GraalPy sandbox")

                def write(stream, text):
                    natives.write(stream, text)

                def host_call(request):
                    ok, reply = natives.host_call(request)
                    return bool(ok), str(reply)

                def source():
                    return str(natives.source())

                def compile_program(source, filename, name):
                    tree = ast.parse(source, filename, "exec")
                    body = tree.body
                    if body and type(body[-1]) is ast.Expr:
                        body[-1] = boot["_result_assignment"](body[-1])
                    try:
                        return compile(tree, filename, "exec", dont_inherit=True)
                    except SyntaxError as e:  # async for / async with at top level, which the guest compiles
                        if "outside" not in str(e.msg):
                            raise
                        return compile_awaiting(tree)

                class TopLevelNames(ast.NodeVisitor):
                    # the names a module body binds, not looking into the scopes it defines
                    def __init__(self):
                        self.names = set()
                    def visit_Name(self, node):
                        if not isinstance(node.ctx, ast.Load):
                            self.names.add(node.id)
                    def visit_FunctionDef(self, node):
                        self.names.add(node.name)
                        for expression in node.decorator_list + node.args.defaults + node.args.kw_defaults:
                            if expression is not None:
                                self.visit(expression)
                    visit_AsyncFunctionDef = visit_FunctionDef
                    def visit_ClassDef(self, node):
                        self.names.add(node.name)
                        for expression in node.decorator_list + node.bases + node.keywords:
                            self.visit(expression)
                    def visit_Lambda(self, node):
                        pass
                    def visit_comprehension_scope(self, node):
                        self.visit(node.generators[0].iter)
                    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = visit_comprehension_scope
                    def visit_alias(self, node):
                        self.names.add(node.asname or node.name.split(".")[0])
                    def visit_ExceptHandler(self, node):
                        if node.name:
                            self.names.add(node.name)
                        self.generic_visit(node)
                    def visit_Global(self, node):
                        pass

                def compile_awaiting(tree):
                    # GraalPy (3.12) has no top-level await (PyCF_ALLOW_TOP_LEVEL_AWAIT): the module body runs as a
                    # coroutine function whose names are the module's globals, and the coroutine is left where
                    # boot.py's run looks for it
                    names = TopLevelNames()
                    for statement in tree.body:
                        names.visit(statement)
                    body = ([ast.Global(names=sorted(names.names))] if names.names else []) + (tree.body or [ast.Pass()])
                    main = ast.AsyncFunctionDef(name="__codeact_main__", args=ast.arguments(
                        posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[], defaults=[]), body=body,
                        decorator_list=[], returns=None, type_params=[])
                    start = ast.Assign(targets=[ast.Name("__codeact_coroutine__", ast.Store())],
                                       value=ast.Call(ast.Name("__codeact_main__", ast.Load()), [], []))
                    module_tree = ast.Module(body=[main, start], type_ignores=[])
                    ast.fix_missing_locations(module_tree)
                    return compile(module_tree, "<program>", "exec", dont_inherit=True)

                module.write, module.host_call, module.source = write, host_call, source
                module.compile_awaiting = compile_awaiting
                module.compile_program, module.immortalize = compile_program, lambda: None
                sys.modules["_codeact"] = module
                for name, text in zip(services[0::2], services[1::2]):  # boot.py's modules over _codeact
                    service = types.ModuleType(str(name))
                    exec(compile(str(text), str(name) + ".py", "exec", dont_inherit=True), service.__dict__)
                    sys.modules[str(name)] = service
                if not hasattr(gc, "freeze"):
                    gc.freeze = lambda: None
                def sealed():
                    # what the guest has not, GraalPy has loaded at its start or built in: refused by boot.py's finder
                    # (which it would answer ModuleNotFoundError), and the host's environment and arguments are not
                    # the program's
                    boot["_UNAVAILABLE_MODULES"].update(java="host access", polyglot="host access",
                                                        _posixsubprocess="processes")
                    unavailable = boot["_UNAVAILABLE_MODULES"]
                    for name in [n for n in sys.modules if n in unavailable or n.partition(".")[0] in unavailable]:
                        del sys.modules[name]
                    import os
                    os.environ.clear()
                    sys.argv[:] = [""]
                    return boot["_codeact_run"]
                return sealed

            _codeact_install""";
    private final Engine engine;
    private final Source shim;
    private final Source boot;
    /** natives, then name and source of each of {@link #SERVICE_MODULES}: the shim's arguments (strings only). */
    private final Object[] shimArguments;

    private GraalPyEngine(Engine engine) {
        this.engine = engine;
        this.shim = Source.newBuilder("python", NATIVES_SHIM, "codeact_natives.py").cached(true).buildLiteral();
        this.boot = Source.newBuilder("python", readGuestSource(BOOT_RESOURCE), BOOT_NAME).cached(true).buildLiteral();
        this.shimArguments = new Object[1 + 2 * SERVICE_MODULES.size()];
        for (int i = 0; i < SERVICE_MODULES.size(); i++) {
            shimArguments[1 + 2 * i] = SERVICE_MODULES.get(i);
            shimArguments[2 + 2 * i] = readGuestSource("/dev/codeact/hyperlight/guest/" + SERVICE_MODULES.get(i) + ".py");
        }
    }

    static GraalPyEngine start() {
        return GraalEngines.start("python", GraalPyEngine::new);
    }

    /**
     * A fresh context, booted: {@code _codeact} installed over {@code natives}, boot.py run in {@code __main__}.
     * {@link SandboxPolicy#CONSTRAINED} and {@link HostAccess#CONSTRAINED}: no host IO (a file system without files,
     * {@link NoHostFiles}), no threads, native access (so no native extensions), processes, environment or polyglot
     * access; UTC as in the guest.
     *
     * @return boot.py's {@code _codeact_run}, in the context
     * @throws IllegalStateException when the engine is closed
     */
    Value boot(Context context, GraalPyNatives natives) {
        Object[] arguments = shimArguments.clone();
        arguments[0] = natives.object();
        Value driver = context.eval(shim).execute(arguments);
        context.eval(boot);
        Value run = driver.execute();
        if (run == null || !run.canExecute()) {
            throw new IllegalStateException("boot.py defines no _codeact_run");
        }
        return run;
    }

    /** A fresh locked-down context (see {@link #boot}). */
    Context newContext() {
        return GraalEngines.lockedDownContext("python", engine, IOAccess.newBuilder().fileSystem(NoHostFiles.forGraalPy()).build())
                .build();
    }

    /** Closes the engine; contexts still running are cancelled. */
    @Override
    public void close() {
        try {
            engine.close(true);
        } catch (RuntimeException e) {
            // already closed, or a context could not be cancelled: nothing more to do
        }
    }

    private static String readGuestSource(String resource) {
        try (InputStream in = GraalPyEngine.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the class path (it comes with hyperlight-jna)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
