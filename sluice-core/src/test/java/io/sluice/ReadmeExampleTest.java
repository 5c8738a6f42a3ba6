package io.sluice;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's runnable examples (every {@code java} block that declares a public class) compile and run as
 * printed, each in a JVM of its own in a domain of its own ({@code SLUICE_DOMAIN}) whose directory did not exist
 * before: the example must have made it (so it ran there, not in domain 0) and left it empty.
 */
class ReadmeExampleTest {
    /** What each example must print: the class name and a line of its output. */
    private static final Map<String, List<String>> EXPECTED = Map.of(
        "Hello", List.of("2208x1242 rgb8 zed_left #0"),
        "Node", List.of("command calibrate", "tick 0", "tick 4"),
        "Twice", List.of("twice 21 = 42", "twice 5 = 10"),
        "Waiting", List.of("backoff took #0, block took #0", "the spinning executor handled it"));

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void shouldCompileAndRunTheReadmeExamples() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher block = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        List<String> ran = new ArrayList<>();
        while (block.find()) {
            String source = block.group(1);
            Matcher className = Pattern.compile("public class (\\w+)").matcher(source);
            if (className.find()) {
                run(className.group(1), source);
                ran.add(className.group(1));
            }
        }
        assertEquals(EXPECTED.keySet(), Set.copyOf(ran), "the README's runnable examples");
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
            // the example uses the default root, /dev/shm: give it a domain of its own, which nothing uses yet,
            // leased so that it goes with this JVM's other entries should the JVM be killed
            int domain = unusedDomain();
            Path directory = domainDirectory(domain);
            Path lease = TestShm.lease(directory.getFileName().toString());
            builder.environment().put("SLUICE_DOMAIN", Integer.toString(domain));
            Process process = builder.start();
            String output;
            List<String> left;
            try {
                boolean finished = process.waitFor(60, TimeUnit.SECONDS);
                output = finished ? new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8) : "";
                assertTrue(finished, name + " finishes");
            } finally {
                process.destroyForcibly();
                process.waitFor(20, TimeUnit.SECONDS);
                left = fileNames(directory); // null when the example never made the directory
                TestShm.release(lease);
            }
            assertEquals(0, process.exitValue(), output);
            for (String line : EXPECTED.getOrDefault(name, List.of())) {
                assertTrue(output.contains(line), name + " prints " + line + ": " + output);
            }
            assertNotNull(left, name + " ran in the domain SLUICE_DOMAIN=" + domain + " names: it made no "
                + directory);
            assertEquals(List.of(), left, name + " leaves nothing behind in " + directory);
        } finally {
            TestShm.deleteTree(work);
        }
    }

    /** A domain whose directory does not exist, so that whatever is found in it afterwards is the example's. */
    private static int unusedDomain() {
        int first = 60_000 + (int) (ProcessHandle.current().pid() % 5_000);
        for (int domain = first; domain < first + 500; domain++) {
            if (!Files.exists(domainDirectory(domain), LinkOption.NOFOLLOW_LINKS)) {
                return domain;
            }
        }
        throw new AssertionError("no unused domain in [" + first + ", " + (first + 500) + ")");
    }

    private static Path domainDirectory(int domain) {
        try {
            int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return Path.of("/dev/shm", "sluice-" + uid + "-" + domain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The names of the files in {@code directory}, sorted; null when it does not exist. */
    private static List<String> fileNames(Path directory) throws IOException {
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }
}
