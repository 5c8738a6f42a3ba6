package io.sluice.msggen;

import io.sluice.msg.CdrMessage;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** Test .msg files and probes, and compiling generated sources against sluice-core's classes. */
final class TestSources {
    private TestSources() {
    }

    /** A directory of test resources ({@code msg}, {@code probes}), as a path. */
    static Path resource(String name) {
        try {
            URL url = TestSources.class.getResource("/" + name);
            if (url == null) {
                throw new IllegalStateException("test resource missing: " + name);
            }
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Where sluice-core's classes are: a directory or a jar. */
    static Path sluiceCore() {
        try {
            return Path.of(CdrMessage.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Compiles every {@code .java} file under {@code sourceRoots} into {@code classes} against sluice-core, with
     * {@code -Xlint:all -Werror} so that generated code stays warning-free, and loads them.
     *
     * @throws AssertionError with the compiler's diagnostics when compilation fails
     */
    static URLClassLoader compile(Path classes, Path... sourceRoots) {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw new IllegalStateException("no system Java compiler: run the tests on a JDK");
        }
        List<Path> sources = new ArrayList<>();
        for (Path root : sourceRoots) {
            try (Stream<Path> walk = Files.walk(root)) {
                walk.filter(p -> p.toString().endsWith(".java")).forEach(sources::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
            Files.createDirectories(classes);
            List<String> options = List.of("-d", classes.toString(), "-cp", sluiceCore().toString(),
                "--release", "25", "-encoding", "UTF-8", "-Xlint:all", "-Werror", "-implicit:none");
            boolean ok = compiler.getTask(null, files, diagnostics, options, null,
                files.getJavaFileObjectsFromPaths(sources)).call();
            if (!ok) {
                StringBuilder report = new StringBuilder("compilation failed:\n");
                for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                    report.append(d.getSource() == null ? "" : d.getSource().getName() + ":" + d.getLineNumber())
                        .append(": ").append(d.getMessage(Locale.ROOT)).append('\n');
                }
                throw new AssertionError(report.toString());
            }
            return new URLClassLoader(new URL[] {classes.toUri().toURL()}, TestSources.class.getClassLoader());
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
