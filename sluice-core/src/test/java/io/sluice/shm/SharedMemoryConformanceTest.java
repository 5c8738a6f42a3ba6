package io.sluice.shm;

import io.sluice.Sluice;
import io.sluice.TestRoot;
import io.sluice.TransportConformance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.util.List;

/** The transport conformance suite on the shared-memory transport. */
class SharedMemoryConformanceTest extends TransportConformance {
    private TestRoot root;

    @BeforeEach
    void createRoot() {
        root = new TestRoot();
    }

    @AfterEach
    void removeRoot() {
        closeParticipants();
        root.close();
    }

    @Override
    protected Sluice open(String name) {
        return Sluice.open(name, root.options());
    }

    @Override
    protected List<String> leftovers() {
        return root.domainFiles();
    }
}
