package io.sluice.it;

import io.sluice.Sluice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of a test that runs in a private shared-memory root: before each test a fresh {@link ShmRoot}; after each,
 * whether the test passed or failed, the test's own {@link #sluice} closed when it opened one, then the root deleted
 * with everything below it.
 *
 * {@snippet :
 * class SomethingTest extends ShmRootTest {
 *     @Test
 *     @Timeout(30)
 *     void shouldDoSomething() {
 *         sluice = Sluice.open("test", root.options());   // closed after the test
 *         // ...
 *     }
 * }
 * }
 *
 * <p>JUnit runs a subclass's {@code @BeforeEach} methods after these and its {@code @AfterEach} methods before
 * these, so what a subclass sets up in the root is gone before the root is deleted.
 */
public abstract class ShmRootTest {
    /** The test's private root, created before each test. */
    protected ShmRoot root;
    /** The test's own participant, if it opens one; closed after each test before the root is deleted. */
    protected Sluice sluice;

    @BeforeEach
    final void createRoot() {
        root = ShmRoot.create();
    }

    @AfterEach
    final void closeSluiceAndDeleteRoot() {
        try {
            if (sluice != null) {
                sluice.close();
            }
        } finally {
            if (root != null) {
                root.close();
            }
        }
    }
}
