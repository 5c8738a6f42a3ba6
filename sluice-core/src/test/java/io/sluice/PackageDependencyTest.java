package io.sluice;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.constantpool.Utf8Entry;
import java.lang.module.ModuleDescriptor;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packages of {@code sluice-core} keep to the layers of DESIGN.md, read from the compiled classes (every class
 * name, descriptor and generic signature in their constant pools, so a fully qualified use counts as much as an
 * import): the API and its transport, then the messages, then the executors, then services; a package uses only
 * its own layer and those before it, so no cycle can form between layers. Services use the exported API only.
 */
class PackageDependencyTest {
    /** The layers, lowest first; a package may depend on its own layer and lower ones. */
    private static final List<Set<String>> LAYERS = List.of(
        Set.of("io.sluice", "io.sluice.shm", "io.sluice.os"),
        Set.of("io.sluice.msg"),
        Set.of("io.sluice.exec"),
        Set.of("io.sluice.service"));
    /** A Sluice class name inside a constant-pool string: its package is what comes before the capitalised name. */
    private static final Pattern CLASS_NAME = Pattern.compile("io/sluice((?:/[a-z][a-z0-9_]*)*)/[A-Z]");

    @Test
    void shouldDependOnlyOnLowerLayers() throws IOException {
        Map<String, Set<String>> uses = packageDependencies();
        List<String> violations = new ArrayList<>();
        uses.forEach((from, targets) -> {
            for (String to : targets) {
                if (layer(to) > layer(from)) {
                    violations.add(from + " -> " + to);
                }
            }
        });
        assertEquals(List.of(), violations, "dependencies on a higher layer; all: " + uses);
    }

    @Test
    void shouldBuildServicesOnTheExportedApiOnly() throws IOException {
        Set<String> exported;
        try (InputStream in = Files.newInputStream(classes().resolve("module-info.class"))) {
            exported = ModuleDescriptor.read(in).exports().stream().map(ModuleDescriptor.Exports::source)
                .collect(Collectors.toSet());
        }
        Set<String> used = packageDependenciesOf("io.sluice.service");
        assertTrue(exported.containsAll(used), "io.sluice.service uses " + used + ", exported: " + exported);
        assertTrue(exported.contains("io.sluice.service"), "exported: " + exported);
    }

    private static int layer(String pkg) {
        String layerName = pkg.startsWith("io.sluice.msg.") ? "io.sluice.msg" : pkg;
        for (int index = 0; index < LAYERS.size(); index++) {
            if (LAYERS.get(index).contains(layerName)) {
                return index;
            }
        }
        throw new AssertionError("package in no layer, add it to LAYERS: " + pkg);
    }

    /** Sluice packages each Sluice package uses (itself excluded). */
    private static Map<String, Set<String>> packageDependencies() throws IOException {
        Map<String, Set<String>> uses = new TreeMap<>();
        Path root = classes();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                Path relative = root.relativize(file);
                if (relative.getParent() == null) {
                    continue; // module-info
                }
                String pkg = relative.getParent().toString().replace('/', '.');
                Set<String> targets = uses.computeIfAbsent(pkg, key -> new TreeSet<>());
                for (PoolEntry entry : ClassFile.of().parse(Files.readAllBytes(file)).constantPool()) {
                    if (entry instanceof Utf8Entry text) {
                        Matcher name = CLASS_NAME.matcher(text.stringValue());
                        while (name.find()) {
                            targets.add("io.sluice" + name.group(1).replace('/', '.'));
                        }
                    }
                }
                targets.remove(pkg);
            }
        }
        return uses;
    }

    private static Set<String> packageDependenciesOf(String pkg) throws IOException {
        Set<String> used = packageDependencies().get(pkg);
        assertTrue(used != null, "no classes in " + pkg);
        return used;
    }

    /** The directory of sluice-core's compiled main classes. */
    private static Path classes() {
        try {
            Path location = Path.of(Sluice.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            assertTrue(Files.isDirectory(location), "classes are read from a directory: " + location);
            return location;
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }
}
