package io.sluice.cli;

import io.sluice.JvmOptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code sluice} command runs its JVM with Sluice's recommended options, the same as {@link JvmOptions}. */
class LauncherOptionsTest {
    @Test
    void theLauncherPassesTheRecommendedJvmOptions() throws IOException {
        Path launcher = Path.of("..", "sluice");
        String script = Files.readString(launcher);
        StringBuilder expected = new StringBuilder("recommended=(");
        for (String option : JvmOptions.RECOMMENDED) {
            expected.append(expected.length() > "recommended=(".length() ? " " : "")
                .append(option.contains("*") ? "\"" + option + "\"" : option);
        }
        expected.append(')');
        assertTrue(script.contains(expected + "\n"), "the launcher " + launcher.toAbsolutePath().normalize()
            + " should define " + expected);
        assertTrue(script.contains("\"${recommended[@]}\""), "and pass them to java");
    }
}
