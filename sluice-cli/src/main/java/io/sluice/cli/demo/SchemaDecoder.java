package io.sluice.cli.demo;

import io.sluice.TopicInfo;
import io.sluice.msg.CdrReader;
import io.sluice.msg.CdrTree;
import io.sluice.msg.CdrType;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.StringJoiner;

/**
 * Decodes samples of a topic the way a tool that has never seen its Java class does: from the type name and schema
 * text the topic carries in shared memory ({@link io.sluice.Sluice#topicInfo}), with {@link CdrReader}. The monitor
 * subscribes with {@link #type()} and decodes one sample per {@link #PERIOD_NANOS}; the summary it shows (encoding and
 * size, point fields, distortion model) comes from the decoded tree alone. Used by one thread.
 */
final class SchemaDecoder {
    /** How often a sample is decoded. */
    static final long PERIOD_NANOS = 1_000_000_000L;

    private final CdrType<MemorySegment> type;
    private long dueNanos;

    /** A decoder for the type {@code info} describes; the first sample offered is decoded. */
    SchemaDecoder(TopicInfo info) {
        this.type = CdrType.dynamic(info.typeName(), info.schema());
        this.dueNanos = System.nanoTime();
    }

    /** The type to subscribe with: messages are their bytes. */
    CdrType<MemorySegment> type() {
        return type;
    }

    /** True when a sample taken at {@code nowNanos} should be decoded; then the next one is due a period later. */
    boolean due(long nowNanos) {
        if (nowNanos - dueNanos < 0) {
            return false;
        }
        dueNanos = nowNanos + PERIOD_NANOS;
        return true;
    }

    /**
     * Decodes {@code message} (a whole CDR message) from the schema alone.
     *
     * @throws io.sluice.msg.MalformedMessageException when the bytes do not hold what the schema says
     */
    CdrTree decode(MemorySegment message) {
        return CdrReader.read(type.msgSchema(), message);
    }

    /** The frame number of a decoded message from its {@code header.stamp}; {@link FrameClock#NOT_A_FRAME} if none. */
    static long frameNumber(CdrTree tree) {
        if (tree.get("header.stamp.sec") instanceof Long sec
            && tree.get("header.stamp.nanosec") instanceof Long nanos) {
            return FrameClock.frameNumber(sec, nanos);
        }
        return FrameClock.NOT_A_FRAME;
    }

    /**
     * A one-line summary of a decoded message: {@code rgb8 2208x1242} for an image, {@code x,y,z,rgb 16B 2208x1242}
     * for a point cloud, {@code plumb_bob fx=1057.31} for a camera info, the field names for any other type.
     */
    static String summary(CdrTree tree) {
        return switch (tree.type()) {
            case "sensor_msgs/msg/Image" -> tree.get("encoding") + " " + tree.get("width") + "x" + tree.get("height");
            case "sensor_msgs/msg/PointCloud2" -> pointFields(tree) + " " + tree.get("point_step") + "B "
                + tree.get("width") + "x" + tree.get("height");
            case "sensor_msgs/msg/CameraInfo" -> tree.get("distortion_model") + " fx=" + tree.get("k[0]");
            default -> {
                StringJoiner names = new StringJoiner(",");
                tree.fields().forEach(field -> names.add(field.name()));
                yield names.toString();
            }
        };
    }

    private static String pointFields(CdrTree tree) {
        StringJoiner names = new StringJoiner(",");
        if (tree.get("fields") instanceof List<?> fields) {
            for (Object field : fields) {
                if (field instanceof CdrTree point) {
                    names.add(String.valueOf(point.get("name")));
                }
            }
        }
        return names.toString();
    }
}
