package io.sluice.it;

import io.sluice.JvmOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link JvmOptions#RECOMMENDED} makes the take path compiled by C2 after a few hundred calls, where HotSpot's
 * defaults wait for ~5,000 (about three minutes of a 30 Hz subscriber). Asserts what the JVM's code cache holds,
 * not how fast anything runs.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RecommendedJvmOptionsTest {
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(90);
    private static final int CALLS = 2_000;
    private final ShmRoot root = ShmRoot.create();
    private final ChildJvm.Group children = new ChildJvm.Group();

    @AfterEach
    void cleanUp() {
        children.close();
        root.close();
    }

    /** The first line the child prints is its verdict: HotSpot echoed nothing of the options on standard output. */
    @Test
    void theRecommendedOptionsCompileTheTakePathWithC2WithinTwoThousandCalls() {
        ChildJvm child = children.startWithJvmOptions("recommended", JvmOptions.RECOMMENDED, WarmupChild.class,
            root.path().toString(), Integer.toString(CALLS), "60000");
        String line = child.expect("", CHILD_TIMEOUT);
        assertTrue(line.startsWith("COMPILED "), "first line of the child: " + line + "\n" + child.stderr());
        int calls = Integer.parseInt(line.substring("COMPILED ".length()));
        assertTrue(calls <= CALLS, line);
    }

    /** The control: the same calls under the defaults do not reach C2, so the test above cannot pass by itself. */
    @Test
    void theDefaultsLeaveItUncompiledByC2AfterTwoThousandCalls() {
        ChildJvm child = children.startWithJvmOptions("defaults", List.of(), WarmupChild.class,
            root.path().toString(), Integer.toString(CALLS), "3000");
        assertEquals("NOT-COMPILED", child.expect("", CHILD_TIMEOUT));
    }

    @Test
    void theCommandLineJoinsTheOptions() {
        assertEquals(String.join(" ", JvmOptions.RECOMMENDED), JvmOptions.commandLine());
    }
}
