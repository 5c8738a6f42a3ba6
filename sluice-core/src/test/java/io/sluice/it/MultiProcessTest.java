package io.sluice.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of a test whose participants run in child JVMs: a {@link ShmRootTest} with a {@link ChildJvm.Group} to start
 * the children in. After each test, pass or fail, every child is destroyed first, then the test's own
 * {@code sluice} is closed and the root deleted.
 */
abstract class MultiProcessTest extends ShmRootTest {
    /** Where the test starts its child JVMs, so that none outlives the test. */
    protected ChildJvm.Group children;

    @BeforeEach
    final void createChildGroup() {
        children = new ChildJvm.Group();
    }

    @AfterEach
    final void destroyChildren() {
        if (children != null) {
            children.close();
        }
    }
}
