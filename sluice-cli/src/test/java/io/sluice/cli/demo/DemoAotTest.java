package io.sluice.cli.demo;

import io.sluice.JvmOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo's processes run as the README tells users to run theirs, and from their AOT caches when there are any. */
class DemoAotTest {
    @TempDir
    Path directory;

    @Test
    void shouldStartAChildFromItsRolesCacheOnlyWhenTheLauncherNamesAFreshOne() throws IOException {
        DemoRole role = DemoRole.values()[0];
        assertEquals(List.of(), DemoAot.options(role, null, null), "no directory: no cache (a test, an IDE)");
        assertEquals(List.of(), DemoAot.options(role, directory.toString(), null), "no cache of this role yet");
        Path cache = directory.resolve(role.command() + ".aot");
        Files.writeString(cache, "a cache");
        assertEquals(List.of("-XX:AOTCache=" + cache), DemoAot.options(role, directory.toString(), null));
        assertEquals(List.of("-XX:AOTCacheOutput=" + cache), DemoAot.options(role, directory.toString(), "train"),
            "the launcher's training run records the role's cache, whatever is there");
    }

    @Test
    void shouldRunEveryChildWithTheRecommendedOptionsAndItsWarningsOnStandardError() {
        for (DemoRole role : DemoRole.values()) {
            List<String> command = ChildProcess.command(role, 7);
            int classPath = command.indexOf("-cp");
            assertTrue(classPath > 0, "a class path: " + command);
            for (String option : JvmOptions.RECOMMENDED) {
                int at = command.indexOf(option);
                assertTrue(at > 0 && at < classPath, option + " is a JVM option of " + role + ": " + command);
            }
            assertTrue(command.indexOf("-Xlog:all=warning:stderr") < classPath,
                "the JVM's warnings leave standard output, which the demo parses, to the child: " + command);
            assertEquals(List.of(role.command(), "--domain", "7"), command.subList(command.size() - 3, command.size()));
        }
    }
}
