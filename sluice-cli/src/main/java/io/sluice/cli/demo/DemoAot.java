package io.sluice.cli.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The ahead-of-time caches of the demo's processes (Java 25: JEP 483, 514 and 515). A cache holds the classes a
 * training run loaded and linked and how its methods behaved, so that a later process of the same role starts with
 * them loaded, linked and profiled, and the JIT compiles its frame path at once instead of after its first frames.
 *
 * <p>The {@code sluice} launcher makes them right after it builds the command: one short demo with
 * {@code -Dsluice.demo.aot=train}, every child recording its role's cache with {@code -XX:AOTCacheOutput} (written
 * when it exits). Later it starts the command with {@code -Dsluice.aot.dir} set only while the caches are newer than
 * the command's jar, and every child of a role with a cache there starts from it. Without the property (a test, an
 * IDE, an older build) the children start without a cache, as before.
 */
final class DemoAot {
    /** The directory of the caches, set by the launcher while they are fresh. */
    static final String DIRECTORY_PROPERTY = "sluice.aot.dir";
    /** {@code train}: children record their caches instead of using them. */
    static final String MODE_PROPERTY = "sluice.demo.aot";

    private DemoAot() {
    }

    /** The JVM options that give a child of {@code role} its cache, or make it record one; none without a cache. */
    static List<String> options(DemoRole role) {
        return options(role, System.getProperty(DIRECTORY_PROPERTY), System.getProperty(MODE_PROPERTY));
    }

    static List<String> options(DemoRole role, String directory, String mode) {
        if (directory == null || directory.isBlank()) {
            return List.of();
        }
        Path cache = Path.of(directory).resolve(role.command() + ".aot");
        if ("train".equals(mode)) {
            return List.of("-XX:AOTCacheOutput=" + cache);
        }
        return Files.isRegularFile(cache) ? List.of("-XX:AOTCache=" + cache) : List.of();
    }
}
