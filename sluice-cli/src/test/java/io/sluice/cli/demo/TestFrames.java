package io.sluice.cli.demo;

import io.sluice.os.Native;
import io.sluice.MessageShape;
import io.sluice.msg.CdrMessage;
import io.sluice.msg.CdrType;
import io.sluice.msg.sensor_msgs.CameraInfo;
import io.sluice.msg.sensor_msgs.Image;
import io.sluice.msg.sensor_msgs.PointCloud2;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Messages as the camera writes them and a subscriber sees them: a loan of the shape's size with arbitrary old
 * contents, initialised by the shape, written, then cut to the bytes the type says it holds (what the publisher
 * sends). Native memory of a confined arena, closed with the fixture.
 */
final class TestFrames implements AutoCloseable {
    private final Arena arena = Arena.ofConfined();

    Image image(FramePainter painter, long frameNumber) {
        return write(Image.TYPE, painter.imageShape(), Image::new, image -> painter.paint(image, frameNumber));
    }

    PointCloud2 cloud(FramePainter painter, long frameNumber) {
        return write(PointCloud2.TYPE, painter.cloudShape(), PointCloud2::new,
            cloud -> painter.paint(cloud, frameNumber));
    }

    CameraInfo cameraInfo(long frameNumber) {
        return write(CameraInfo.TYPE, CameraModel.SHAPE, CameraInfo::new,
            info -> CameraModel.stamp(info, frameNumber));
    }

    /** The message of a bulk {@code topic}, painted by {@code painter}; the camera info for CAMERA_INFO. */
    CdrMessage message(DemoTopic topic, FramePainter painter, long frameNumber) {
        return switch (topic) {
            case RGB, DEPTH -> image(painter, frameNumber);
            case POINTS -> cloud(painter, frameNumber);
            case CAMERA_INFO -> cameraInfo(frameNumber);
        };
    }

    private <T extends CdrMessage> T write(CdrType<T> type, MessageShape<T> shape,
                                           Function<MemorySegment, T> view, Consumer<T> writer) {
        MemorySegment loan = arena.allocate(shape.byteSize(), 8);
        loan.fill((byte) 0x5A); // a slot's previous contents are arbitrary
        shape.initialize(loan);
        writer.accept(view.apply(loan));
        return view.apply(loan.asSlice(0, type.encodedSize(loan)));
    }

    @Override
    public void close() {
        arena.close();
    }
}
