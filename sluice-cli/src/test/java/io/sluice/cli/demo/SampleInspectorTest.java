package io.sluice.cli.demo;

import io.sluice.Sample;
import io.sluice.msg.sensor_msgs.Image;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The inspector on small depth images (its verifier is told their size). */
class SampleInspectorTest {
    private static final DemoTopic TOPIC = DemoTopic.DEPTH;
    private static final int WIDTH = 64;
    private static final int HEIGHT = 48;

    private final TestFrames frames = new TestFrames();
    private final FramePainter painter = new FramePainter(TOPIC.pattern(), WIDTH, HEIGHT);

    @AfterEach
    void close() {
        frames.close();
    }

    private SampleInspector inspector(TopicStats stats, boolean inOrder) {
        return new SampleInspector(TOPIC, stats, inOrder, new FrameVerifier(WIDTH, HEIGHT));
    }

    @Test
    void shouldCountTornFramesAndNotBlameTheGapOnTheRecorder() {
        TopicStats stats = new TopicStats(TOPIC.topicName(), TOPIC.typeName());
        SampleInspector inspector = inspector(stats, true);
        Image torn = frames.image(painter, 1);
        torn.data().set(ValueLayout.JAVA_BYTE, 77, (byte) 1);

        assertEquals(0, inspector.inspect(new TypedSample(frames.image(painter, 0)), 0));
        assertEquals(FrameClock.NOT_A_FRAME, inspector.inspect(new TypedSample(torn), 0));
        assertEquals(2, inspector.inspect(new TypedSample(frames.image(painter, 2)), 0));

        Map<String, Object> figures = stats.totalFigures();
        assertEquals(3L, figures.get("frames"));
        assertEquals(1L, figures.get("torn"));
        assertEquals(0L, figures.get("uncounted"));
        assertTrue(String.valueOf(figures.get("first_torn")).startsWith("checksum="), figures.toString());
        assertEquals("sensor_msgs/msg/Image", figures.get("type"));
    }

    @Test
    void shouldCountAGapTheSubscriberDidNotCountAsUncounted() {
        TopicStats stats = new TopicStats(TOPIC.topicName(), TOPIC.typeName());
        SampleInspector inspector = inspector(stats, true);

        inspector.inspect(new TypedSample(frames.image(painter, 0)), 0);
        inspector.inspect(new TypedSample(frames.image(painter, 3)), 1); // two skipped, one counted
        inspector.inspect(new TypedSample(frames.image(painter, 5)), 2); // one skipped, one counted

        Map<String, Object> figures = stats.totalFigures();
        assertEquals(2L, figures.get("lost"));
        assertEquals(1L, figures.get("uncounted"));
        assertEquals(0L, figures.get("torn"));
    }

    @Test
    void shouldFlagALatestSubscriberSeeingAnOlderFrame() {
        TopicStats stats = new TopicStats(TOPIC.topicName(), TOPIC.typeName());
        SampleInspector inspector = inspector(stats, false);

        inspector.inspect(new TypedSample(frames.image(painter, 4)), 0);
        inspector.inspect(new TypedSample(frames.image(painter, 9)), 0); // skipping is by design for latest
        inspector.inspect(new TypedSample(frames.image(painter, 9)), 0); // the same frame twice is not

        Map<String, Object> figures = stats.totalFigures();
        assertEquals(1L, figures.get("out_of_order"));
        assertEquals(0L, figures.get("uncounted"));
    }

    @Test
    void shouldReadTheBytesOfASchemaOnlySubscriberThroughTheTopicsFlyweight() {
        TopicStats stats = TopicStats.decoding(TOPIC.topicName());
        SampleInspector inspector = inspector(stats, false);
        MemorySegment bytes = frames.image(painter, 6).cdrSegment();

        assertEquals(6, inspector.inspect(new BytesSample(bytes), 0));
        bytes.set(ValueLayout.JAVA_BYTE, bytes.byteSize() - 1, (byte) 0x33);
        assertEquals(FrameClock.NOT_A_FRAME, inspector.inspect(new BytesSample(bytes), 0));

        Map<String, Object> figures = stats.totalFigures();
        assertEquals(2L, figures.get("frames"));
        assertEquals(1L, figures.get("torn"));
        assertEquals(0L, figures.get("decoded"));
    }

    /** A sample of a typed subscriber over memory of the test's own, published "now". */
    private record TypedSample(Image message) implements Sample<Image> {
        @Override
        public MemorySegment segment() {
            return message.cdrSegment();
        }

        @Override
        public long sequence() {
            return 0;
        }

        @Override
        public long publishNanos() {
            return System.nanoTime();
        }

        @Override
        public int publisherIndex() {
            return 0;
        }

        @Override
        public void close() {
        }
    }

    /** A sample of a subscriber whose type is known by its schema only: the message is the bytes. */
    private record BytesSample(MemorySegment message) implements Sample<MemorySegment> {
        @Override
        public MemorySegment segment() {
            return message;
        }

        @Override
        public long sequence() {
            return 0;
        }

        @Override
        public long publishNanos() {
            return System.nanoTime();
        }

        @Override
        public int publisherIndex() {
            return 0;
        }

        @Override
        public void close() {
        }
    }
}
