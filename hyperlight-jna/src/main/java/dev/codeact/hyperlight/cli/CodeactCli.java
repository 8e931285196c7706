package dev.codeact.hyperlight.cli;

import dev.codeact.hyperlight.GuestStrings;
import dev.codeact.hyperlight.ErrorType;
import dev.codeact.hyperlight.ExecutionLimits;
import dev.codeact.hyperlight.ExecutionResult;
import dev.codeact.hyperlight.HostFunctions;
import dev.codeact.hyperlight.MicroVm;
import dev.codeact.hyperlight.SandboxException;
import dev.codeact.hyperlight.GuestImage;
import dev.codeact.hyperlight.kvm.KvmAvailability;
import dev.codeact.hyperlight.memory.GuestMemorySizes;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** {@code ./codeact}: run a JavaScript or Python file in a fresh micro-VM, or report what this machine's KVM is. */
public final class CodeactCli {
    static final int EXIT_OK = 0;
    static final int EXIT_PROGRAM_FAILED = 1;
    static final int EXIT_LIMIT = 2;
    static final int EXIT_SANDBOX_FAILED = 3;
    static final int EXIT_USAGE = 64;
    /** A directory where `run` keeps the booted guest between runs (the codeact script names one under target/). */
    static final String BOOT_CACHE_PROPERTY = "codeact.boot-cache";

    private static final String USAGE = """
            usage: codeact run FILE.js|FILE.py [--language javascript|python] [--timeout-ms N] [--memory-mib N] [--json]
                   codeact doctor
                   codeact bench [--json] [--quick]
            run     runs the file (use - for standard input) in a fresh KVM micro-VM: Python for FILE.py,
                    JavaScript otherwise unless --language says; the host function 'echo' returns its arguments.
                    JavaScript's result is printed after its output; Python prints what CPython prints (its
                    final expression's value is in --json). Exit 0: success, 1: the program failed, 2: a limit
                    stopped it, 3: the sandbox itself failed (for example no usable /dev/kvm).
            doctor  says whether /dev/kvm is usable here and what kind of KVM it is.
            bench   KVM and GraalJS side by side against the bare KVM floor (the benchmarks module).""";

    private CodeactCli() {
    }

    public static void main(String[] args) {
        java.util.logging.Logger.getLogger("dev.codeact").setLevel(java.util.logging.Level.WARNING);
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println(USAGE);
            return EXIT_USAGE;
        }
        return switch (args[0]) {
            case "run" -> runFile(args, out, err);
            case "doctor" -> doctor(out);
            case "-h", "--help", "help" -> {
                out.println(USAGE);
                yield EXIT_OK;
            }
            default -> {
                err.println("unknown command '" + args[0] + "'\n" + USAGE);
                yield EXIT_USAGE;
            }
        };
    }

    private static int doctor(PrintStream out) {
        KvmAvailability kvm = KvmAvailability.probe();
        out.println(kvm.reason());
        if (kvm.usable()) {
            // The first VM of a fresh JVM pays for class loading, the JIT's first compilations and the first touch of
            // every page; an application pays that once, at start-up, and each VM after it costs what the second does.
            try (MicroVm cold = MicroVm.start(GuestImage.quickJs(), GuestMemorySizes.defaults());
                    MicroVm warm = MicroVm.start(GuestImage.quickJs(), GuestMemorySizes.defaults())) {
                ExecutionResult first = cold.execute("return 1 + 1", HostFunctions.none(), ExecutionLimits.defaults());
                ExecutionResult r = warm.execute("return 1 + 1", HostFunctions.none(), ExecutionLimits.defaults());
                out.printf("guest boot: %.2f ms cold (the first VM in this fresh JVM boots the guest: QuickJS, runtime.js"
                        + " and Intl's data, with class loading and JIT), %.2f ms warm (each VM after it starts from that"
                        + " booted image, what a pool pays)%n", cold.bootDuration().toNanos() / 1e6,
                        warm.bootDuration().toNanos() / 1e6);
                out.printf("trivial execution: %s in %.3f ms cold, %.3f ms warm (./codeact bench measures it hot: tens of"
                        + " microseconds)%n", r.success() ? "ok (" + r.resultJson() + ")" : r.error().message(),
                        first.duration().toNanos() / 1e6, r.duration().toNanos() / 1e6);
                return first.success() && r.success() ? EXIT_OK : EXIT_SANDBOX_FAILED;
            } catch (SandboxException e) {
                out.println("micro-VM failed: " + e.getMessage());
                return EXIT_SANDBOX_FAILED;
            }
        }
        return EXIT_SANDBOX_FAILED;
    }

    private static int runFile(String[] args, PrintStream out, PrintStream err) {
        String file = null;
        ProgramLanguage language = null;
        boolean json = false;
        ExecutionLimits limits = ExecutionLimits.defaults();
        try {
            for (int i = 1; i < args.length; i++) {
                switch (args[i]) {
                    case "--json" -> json = true;
                    case "--language" -> language = ProgramLanguage.named(value(args, ++i, "--language"));
                    case "--timeout-ms" -> {
                        Duration timeout = Duration.ofMillis(Long.parseLong(value(args, ++i, "--timeout-ms")));
                        limits = limits.withTimeout(timeout).withCpuTime(timeout);
                    }
                    case "--memory-mib" -> limits = limits.withMemoryBytes(Long.parseLong(value(args, ++i, "--memory-mib")) << 20);
                    default -> {
                        if (file != null || (args[i].startsWith("--") && !args[i].equals("-"))) {
                            throw new IllegalArgumentException("unexpected argument '" + args[i] + "'");
                        }
                        file = args[i];
                    }
                }
            }
            if (file == null) {
                throw new IllegalArgumentException("no program file given");
            }
            if (language == null) {
                language = ProgramLanguage.ofFile(file);
            }
        } catch (IllegalArgumentException e) {
            err.println("codeact: " + e.getMessage() + "\n" + USAGE);
            return EXIT_USAGE;
        }
        String code;
        try {
            code = file.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            err.println("codeact: cannot read " + file + ": " + e);
            return EXIT_USAGE;
        }
        ExecutionResult result;
        GuestImage image = language.image();
        String bootCache = System.getProperty(BOOT_CACHE_PROPERTY);
        if (bootCache != null && !bootCache.isEmpty()) {
            image.keepBootsIn(language.bootCache(Path.of(bootCache)));
        }
        try (MicroVm vm = MicroVm.start(image, GuestMemorySizes.forMemoryLimit(limits.memoryBytes()))) {
            result = vm.execute(code, HostFunctions.builder().wording(GuestStrings.HOST_CALL_WORDING)
                    .register("echo", HostFunctions.echo()).build(), limits);
        } catch (IllegalArgumentException e) {
            err.println("codeact: " + e.getMessage());
            return EXIT_USAGE;
        } catch (SandboxException e) {
            if (json) {
                out.println(ExecutionResult.failure(dev.codeact.hyperlight.ExecutionError.of(e.type(), e.getMessage()),
                        Duration.ZERO).toJson(GuestStrings.HOST_CALL_WORDING));
            } else {
                err.println("codeact: " + e.getMessage());
            }
            return EXIT_SANDBOX_FAILED;
        }
        if (json) {
            out.println(result.toJson(GuestStrings.HOST_CALL_WORDING));
        } else {
            out.print(result.stdout());
            out.flush();
            err.print(result.stderr());
            if (result.success()) {
                if (language.printsResult() && !"null".equals(result.resultJson())) {
                    out.println(result.resultJson());
                }
            } else {
                err.println(GuestStrings.HOST_CALL_WORDING.typeName(result.error().type()) + ": " + result.error().message());
                if (result.error().stack() != null) {
                    err.println(result.error().stack().stripTrailing());
                }
            }
        }
        return exitCode(result);
    }

    static int exitCode(ExecutionResult result) {
        if (result.success()) {
            return EXIT_OK;
        }
        ErrorType type = result.error().type();
        if (type.isLimit()) {
            return EXIT_LIMIT;
        }
        return switch (type) {
            case GUEST_CRASH, KVM_UNAVAILABLE, SANDBOX_FAILURE -> EXIT_SANDBOX_FAILED;
            default -> EXIT_PROGRAM_FAILED;
        };
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }
}
