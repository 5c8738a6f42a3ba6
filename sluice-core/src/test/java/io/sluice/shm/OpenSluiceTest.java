package io.sluice.shm;

import io.sluice.Sluice;
import io.sluice.it.ShmRootTest;
import org.junit.jupiter.api.BeforeEach;

import java.nio.file.Path;

/**
 * Base of a test that crafts files in a domain directory: a {@link ShmRootTest} whose {@code sluice} is open, as
 * participant {@code test} of domain 0, before each test begins. It is closed and the root deleted after each test.
 */
abstract class OpenSluiceTest extends ShmRootTest {
    /** The directory of {@code sluice}'s domain, where the test writes its files. */
    protected Path directory;

    @BeforeEach
    final void openSluice() {
        sluice = Sluice.open("test", root.options());
        directory = sluice.directory();
    }
}
