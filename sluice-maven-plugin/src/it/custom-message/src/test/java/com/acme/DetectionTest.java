package com.acme;

import com.acme.msg.acme_msgs.Detection;
import io.sluice.msg.CdrReader;
import io.sluice.msg.CdrTree;
import io.sluice.msg.std_msgs.Header;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The class sluice-maven-plugin generated from src/main/msg/acme_msgs/msg/Detection.msg, used as a user would. */
class DetectionTest {
    @Test
    void shouldReadBackADetectionWhenWrittenInPlace() {
        MemorySegment message = MemorySegment.ofArray(new byte[256]);
        Detection.TYPE.withCapacity(message.byteSize()).initialize(message);
        Detection detection = Detection.TYPE.wrap(message);

        detection.header().stamp().sec(1_700_000_000).nanosec(5);
        detection.header().frameId("camera_optical");
        detection.label("pallet").score(0.875f).cornersCount(2).maskCount(3);
        detection.corners(1).x(1.5).y(-2.0).z(0.25);
        detection.mask(2, (byte) 0xff);
        detection.label("forklift pallet");

        assertEquals("camera_optical", detection.header().frameId());
        assertEquals(1_700_000_000, detection.header().stamp().sec());
        assertEquals("forklift pallet", detection.label());
        assertEquals(0.875f, detection.score());
        assertEquals(2, detection.cornersCount());
        assertEquals(-2.0, detection.corners(1).y());
        assertEquals(3, detection.mask().byteSize());
        assertEquals((byte) 0xff, detection.mask(2));

        long size = Detection.TYPE.encodedSize(message);
        CdrTree tree = CdrReader.read(Detection.TYPE.msgSchema(), message.asSlice(0, size));
        assertEquals("forklift pallet", tree.get("label"));
        assertEquals(0.875, tree.get("score"));
        assertEquals(1.5, tree.get("corners[1].x"));
        assertEquals(List.of(0L, 0L, 255L), tree.get("mask"));
        assertEquals("acme_msgs/msg/Detection", Detection.NAME);
    }

    @Test
    void shouldTakeStandardTypesFromSluiceCoreWhenGenerating() {
        Path generated = Path.of("target/generated-sources/sluice");
        assertTrue(Files.isRegularFile(generated.resolve("com/acme/msg/acme_msgs/Detection.java")));
        assertFalse(Files.exists(generated.resolve("io")), "standard types generated again");
        assertTrue(Header.class.getProtectionDomain().getCodeSource().getLocation().getPath().contains("sluice-core"));
    }
}
