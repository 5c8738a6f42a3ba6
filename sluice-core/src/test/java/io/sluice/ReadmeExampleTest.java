package io.sluice;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's runnable examples (every {@code java} block that declares a public class) compile and run as
 * printed, each in a JVM of its own on a private domain that must be empty afterwards.
 */
class ReadmeExampleTest {
    /** What each example must print: the class name and a line of its output. */
    private static final Map<String, List<String>> EXPECTED = Map.of(
        "Hello", List.of("2208x1242 rgb8 zed_left #0"),
        "Node", List.of("command calibrate", "tick 0", "tick 4"));

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void shouldCompileAndRunTheReadmeExamples() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher block = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        List<String> ran = new java.util.ArrayList<>();
        while (block.find()) {
            String source = block.group(1);
            Matcher className = Pattern.compile("public class (\\w+)").matcher(source);
            if (className.find()) {
                run(className.group(1), source);
                ran.add(className.group(1));
            }
        }
        assertEquals(EXPECTED.keySet(), java.util.Set.copyOf(ran), "the README's runnable examples");
    }

    private static void run(String name, String source) throws Exception {
        Path work = Files.createTempDirectory("sluice-readme-");
        try {
            Path file = work.resolve(name + ".java");
            Files.writeString(file, source);
            JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
            ByteArrayOutputStream errors = new ByteArrayOutputStream();
            int status = compiler.run(null, null, errors, "-d", work.toString(),
                "-cp", System.getProperty("java.class.path"), file.toString());
            assertEquals(0, status, name + " compiles: " + errors.toString(StandardCharsets.UTF_8));

            String java = ProcessHandle.current().info().command().orElse("java");
            ProcessBuilder builder = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
                "-cp", work + ":" + System.getProperty("java.class.path"), name)
                .redirectErrorStream(true);
            // the example uses the default root: point the domain at a private one, removed afterwards
            int domain = 60_000 + (int) (ProcessHandle.current().pid() % 5_000);
            builder.environment().put("SLUICE_DOMAIN", Integer.toString(domain));
            Process process = builder.start();
            try {
                assertTrue(process.waitFor(60, TimeUnit.SECONDS), name + " finishes");
                String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertEquals(0, process.exitValue(), output);
                for (String line : EXPECTED.getOrDefault(name, List.of())) {
                    assertTrue(output.contains(line), name + " prints " + line + ": " + output);
                }
            } finally {
                process.destroyForcibly();
                Path directory = Path.of("/dev/shm", "sluice-" + Files.getAttribute(Path.of("/proc/self"), "unix:uid")
                    + "-" + domain);
                List<String> left = List.of();
                if (Files.isDirectory(directory)) {
                    try (var files = Files.list(directory)) {
                        left = files.map(path -> path.getFileName().toString()).toList();
                    }
                    Files.deleteIfExists(directory);
                }
                assertEquals(List.of(), left, name + " leaves nothing behind");
            }
        } finally {
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }
}
