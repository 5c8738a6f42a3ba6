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
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's publisher and subscriber example compiles and runs as printed. */
class ReadmeExampleTest {
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldCompileAndRunTheReadmeExample() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher block = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(block.find(), "README has a java block");
        String source = block.group(1);
        Matcher className = Pattern.compile("public class (\\w+)").matcher(source);
        assertTrue(className.find(), "the example is a public class");

        Path work = Files.createTempDirectory("sluice-readme-");
        try {
            Path file = work.resolve(className.group(1) + ".java");
            Files.writeString(file, source);
            JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
            ByteArrayOutputStream errors = new ByteArrayOutputStream();
            int status = compiler.run(null, null, errors, "-d", work.toString(),
                "-cp", System.getProperty("java.class.path"), file.toString());
            assertEquals(0, status, "compiles: " + errors.toString(StandardCharsets.UTF_8));

            String java = ProcessHandle.current().info().command().orElse("java");
            ProcessBuilder builder = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
                "-cp", work + ":" + System.getProperty("java.class.path"), className.group(1))
                .redirectErrorStream(true);
            // the example uses the default root: point the domain at a private one, removed afterwards
            int domain = 60_000 + (int) (ProcessHandle.current().pid() % 5_000);
            builder.environment().put("SLUICE_DOMAIN", Integer.toString(domain));
            Process process = builder.start();
            try {
                assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the example finishes");
                String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertEquals(0, process.exitValue(), output);
                assertTrue(output.contains("2208x1242 rgb8 zed_left #0"), output);
            } finally {
                process.destroyForcibly();
                Path directory = Path.of("/dev/shm", "sluice-" + Files.getAttribute(Path.of("/proc/self"), "unix:uid")
                    + "-" + domain);
                List<String> left;
                try (var files = Files.list(directory)) {
                    left = files.map(path -> path.getFileName().toString()).toList();
                }
                Files.deleteIfExists(directory);
                assertEquals(List.of(), left, "the example leaves nothing behind");
            }
        } finally {
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }
}
