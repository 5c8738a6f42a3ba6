package io.sluice.msg.sensor_msgs;

import io.sluice.MessageShape;
import io.sluice.msg.Cdr;
import io.sluice.msg.CdrMessage;

import java.lang.foreign.MemorySegment;

/**
 * What {@link CompressedImage} adds to its generated accessors: a shape with room for the compressed bytes. Loan it,
 * let the encoder write into {@code data()}, then cut the data to what the encoder wrote; the publisher sends only
 * that.
 *
 * {@snippet :
 * CompressedImage.Shape shape = CompressedImage.sized("jpeg", 4 << 20).frameId("zed_left");
 * try (Loan<CompressedImage> loan = publisher.loan(shape)) {
 *     CompressedImage image = loan.message();
 *     int written = encoder.encode(frame, image.data());
 *     image.dataCount(written);                    // data is the last field: nothing moves
 *     loan.publish();
 * }
 * }
 */
public abstract class CompressedImageSupport extends CdrMessage {
    protected CompressedImageSupport(MemorySegment segment) {
        super(segment);
    }

    protected CompressedImageSupport() {
    }

    /**
     * The shape of a compressed image in {@code format} ({@code jpeg}, {@code png}, …) with room for
     * {@code capacity} bytes of data.
     */
    public static Shape sized(String format, int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity < 0: capacity=" + capacity);
        }
        return new Shape(format, capacity, "");
    }

    /** Size and fixed fields of a compressed image to loan. Immutable. */
    public static final class Shape implements MessageShape<CompressedImage> {
        private final String format;
        private final int capacity;
        private final String frameId;
        private final long byteSize;

        Shape(String format, int capacity, String frameId) {
            this.format = format;
            this.capacity = capacity;
            this.frameId = frameId;
            long p = Cdr.ORIGIN + 8;
            p += Cdr.stringSize(p, frameId);
            p += Cdr.stringSize(p, format);
            this.byteSize = Cdr.align(p, 4) + 4 + capacity;
        }

        /** The same shape with {@code header.frame_id} set. */
        public Shape frameId(String frameId) {
            return new Shape(format, capacity, frameId);
        }

        @Override
        public long byteSize() {
            return byteSize;
        }

        /** Writes header and format; the data (capacity bytes) is left as it is. */
        @Override
        public void initialize(MemorySegment message) {
            Cdr.writeHeader(message);
            long p = Cdr.write32(message, Cdr.ORIGIN, 0);
            p = Cdr.write32(message, p, 0);
            p = Cdr.writeString(message, p, frameId);
            p = Cdr.writeString(message, p, format);
            Cdr.writeSequence(message, p, capacity, 1);
        }
    }
}
