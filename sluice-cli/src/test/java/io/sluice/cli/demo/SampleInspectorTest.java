package io.sluice.cli.demo;

import io.sluice.Sample;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The inspector sees full-size frames only (it checks the topic's size), so these tests paint full 2K depth frames:
 * 11 MB each, a few of them.
 */
class SampleInspectorTest {
    private static final DemoTopic TOPIC = DemoTopic.DEPTH;

    private final Arena arena = Arena.ofConfined();
    private final FramePainter painter = TOPIC.painter();

    @AfterEach
    void close() {
        painter.close();
        arena.close();
    }

    private MemorySegment frame(long frameNumber) {
        MemorySegment frame = arena.allocate(painter.messageBytes());
        painter.paint(frame, frameNumber);
        return frame;
    }

    @Test
    void shouldCountTornFramesAndNotBlameTheGapOnTheRecorder() {
        TopicStats stats = new TopicStats(TOPIC.topicName());
        SampleInspector inspector = new SampleInspector(TOPIC, stats, true);
        MemorySegment torn = frame(1);
        torn.set(ValueLayout.JAVA_BYTE, torn.byteSize() - 7, (byte) 1);

        inspector.inspect(new FakeSample(frame(0)), 0);
        inspector.inspect(new FakeSample(torn), 0);
        inspector.inspect(new FakeSample(frame(2)), 0);

        Map<String, Object> figures = stats.totalFigures();
        assertEquals(3L, figures.get("frames"));
        assertEquals(1L, figures.get("torn"));
        assertEquals(0L, figures.get("uncounted"));
    }

    @Test
    void shouldCountAGapTheSubscriberDidNotCountAsUncounted() {
        TopicStats stats = new TopicStats(TOPIC.topicName());
        SampleInspector inspector = new SampleInspector(TOPIC, stats, true);
        MemorySegment frame = frame(0);

        inspector.inspect(new FakeSample(frame), 0);
        painter.paint(frame, 3);
        inspector.inspect(new FakeSample(frame), 1); // two skipped, one counted
        painter.paint(frame, 5);
        inspector.inspect(new FakeSample(frame), 2); // one skipped, one counted

        Map<String, Object> figures = stats.totalFigures();
        assertEquals(2L, figures.get("lost"));
        assertEquals(1L, figures.get("uncounted"));
        assertEquals(0L, figures.get("torn"));
    }

    @Test
    void shouldFlagALatestSubscriberSeeingAnOlderFrame() {
        TopicStats stats = new TopicStats(TOPIC.topicName());
        SampleInspector inspector = new SampleInspector(TOPIC, stats, false);
        MemorySegment frame = frame(4);

        inspector.inspect(new FakeSample(frame), 0);
        painter.paint(frame, 9); // skipping is by design for latest
        inspector.inspect(new FakeSample(frame), 0);
        painter.paint(frame, 9); // the same frame twice is not
        inspector.inspect(new FakeSample(frame), 0);

        Map<String, Object> figures = stats.totalFigures();
        assertEquals(1L, figures.get("out_of_order"));
        assertEquals(0L, figures.get("uncounted"));
    }

    /** A sample over memory of the test's own, published "now". */
    private record FakeSample(MemorySegment segment) implements Sample<MemorySegment> {
        @Override
        public MemorySegment message() {
            return segment;
        }

        @Override
        public long sequence() {
            return FrameLayout.frameNumber(segment);
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
