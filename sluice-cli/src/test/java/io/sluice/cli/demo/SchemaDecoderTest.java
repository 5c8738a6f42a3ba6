package io.sluice.cli.demo;

import io.sluice.TopicInfo;
import io.sluice.msg.CdrTree;
import io.sluice.msg.CdrType;
import io.sluice.msg.MalformedMessageException;
import io.sluice.msg.sensor_msgs.Image;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Decoding the demo's messages from the name and schema text a topic carries, without the generated classes. */
class SchemaDecoderTest {
    private final TestFrames frames = new TestFrames();

    @AfterEach
    void close() {
        frames.close();
    }

    private static SchemaDecoder decoderOf(DemoTopic topic) {
        return new SchemaDecoder(new TopicInfo(topic.topicName(), topic.typeName(), topic.type().schema(),
            topic.type().hash()));
    }

    @Test
    void shouldSummariseEachTopicFromItsDecodedTree() {
        FramePainter rgb = new FramePainter(DemoTopic.Pattern.RGB8, 40, 30);
        FramePainter depth = new FramePainter(DemoTopic.Pattern.DEPTH32F, 40, 30);
        FramePainter points = new FramePainter(DemoTopic.Pattern.XYZRGB, 40, 30);

        assertEquals("rgb8 40x30", summary(DemoTopic.RGB, frames.image(rgb, 1).cdrSegment()));
        assertEquals("32FC1 40x30", summary(DemoTopic.DEPTH, frames.image(depth, 1).cdrSegment()));
        assertEquals("x,y,z,rgb 16B 40x30", summary(DemoTopic.POINTS, frames.cloud(points, 1).cdrSegment()));
        assertEquals("plumb_bob fx=1057.31", summary(DemoTopic.CAMERA_INFO, frames.cameraInfo(1).cdrSegment()));
    }

    private static String summary(DemoTopic topic, MemorySegment message) {
        CdrTree tree = decoderOf(topic).decode(message);
        assertEquals(topic.typeName(), tree.type());
        return SchemaDecoder.summary(tree);
    }

    @Test
    void shouldFindTheFrameNumberInTheDecodedStamp() {
        Image image = frames.image(new FramePainter(DemoTopic.Pattern.RGB8, 8, 8), 47);

        assertEquals(47, SchemaDecoder.frameNumber(decoderOf(DemoTopic.RGB).decode(image.cdrSegment())));
        assertEquals(FrameClock.NOT_A_FRAME, SchemaDecoder.frameNumber(new CdrTree("demo/msg/NoHeader", List.of())));
    }

    @Test
    void shouldSubscribeWithATypeCompatibleWithTheGeneratedOne() {
        CdrType<MemorySegment> dynamic = decoderOf(DemoTopic.POINTS).type();

        assertEquals(DemoTopic.POINTS.typeName(), dynamic.name());
        assertEquals(DemoTopic.POINTS.type().hash(), dynamic.hash());
    }

    @Test
    void shouldDecodeOncePerPeriod() {
        SchemaDecoder decoder = decoderOf(DemoTopic.DEPTH);
        long now = System.nanoTime();

        assertTrue(decoder.due(now));
        assertFalse(decoder.due(now + SchemaDecoder.PERIOD_NANOS - 1));
        assertTrue(decoder.due(now + SchemaDecoder.PERIOD_NANOS));
    }

    @Test
    void shouldRefuseBytesThatAreNotTheMessageItsSchemaDescribes() {
        MemorySegment image = frames.image(new FramePainter(DemoTopic.Pattern.RGB8, 8, 8), 1).cdrSegment();

        assertThrows(MalformedMessageException.class,
            () -> decoderOf(DemoTopic.RGB).decode(image.asSlice(0, image.byteSize() - 10)));
    }
}
