package io.sluice.cli.topic;

import io.sluice.MessageType;
import io.sluice.Qos;
import io.sluice.Sluice;
import io.sluice.TopicInfo;
import io.sluice.msg.CdrReader;
import io.sluice.msg.CdrTree;
import io.sluice.msg.CdrType;
import io.sluice.msg.MsgSchema;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/** What the topic commands share: finding a topic, decoding its messages whatever their type. */
public final class TopicTools {
    private static final String RAW_SCHEMA = MessageType.raw("sluice/msg/Raw").schema();

    private TopicTools() {
    }

    /** Whether a topic carries {@link MessageType#raw(String)} bytes (its schema and hash are a raw type's). */
    public static boolean isRaw(TopicInfo info) {
        return info.schema().equals(RAW_SCHEMA)
            && info.typeHash().equals(MessageType.defaultHash(info.typeName(), info.schema()));
    }

    /** A failure the command reports in one line (exit code 1). */
    static final class Failure extends RuntimeException {
        Failure(String message) {
            super(message, null, false, false);
        }
    }

    /** The type of {@code topic}, or a failure naming the topic. */
    static TopicInfo info(Sluice sluice, String topic) {
        try {
            Sluice.validateTopic(topic);
        } catch (IllegalArgumentException e) {
            throw new Failure(e.getMessage());
        }
        return sluice.topicInfo(topic).orElseThrow(() -> new Failure("no such topic: " + topic
            + " in domain " + sluice.options().domain() + " (sluice topic list)"));
    }

    /** A QoS from its name and depth. */
    static Qos qos(String kind, int depth) {
        return switch (kind) {
            case "latest" -> Qos.latest();
            case "queue" -> Qos.queue(depth);
            case "reliable" -> Qos.reliable(depth);
            default -> throw new Failure("unknown QoS: " + kind + " (latest, queue or reliable)");
        };
    }

    /** Decodes messages of one topic into trees: CDR types from the schema the topic carries, raw bytes as bytes. */
    static final class Decoder {
        private final String typeName;
        private final MsgSchema schema;

        Decoder(TopicInfo info) {
            this.typeName = info.typeName();
            MsgSchema parsed = null;
            if (!isRaw(info)) {
                try {
                    parsed = CdrType.dynamic(info.typeName(), info.schema()).msgSchema();
                } catch (RuntimeException e) {
                    throw new Failure("cannot decode " + info.topic() + ": its schema for " + info.typeName()
                        + " does not parse: " + e.getMessage());
                }
            }
            this.schema = parsed;
        }

        /** The schema, or null for raw bytes. */
        MsgSchema schema() {
            return schema;
        }

        /** The message as a tree; arrays beyond {@code bulkLimit} elements summarised. */
        CdrTree decode(MemorySegment message, int bulkLimit) {
            if (schema != null) {
                return CdrReader.read(schema, message, bulkLimit);
            }
            int shown = (int) Math.min(message.byteSize(), bulkLimit);
            List<Object> first = new ArrayList<>(shown);
            for (int i = 0; i < shown; i++) {
                first.add((long) Byte.toUnsignedInt(message.get(ValueLayout.JAVA_BYTE, i)));
            }
            Object data = message.byteSize() > shown
                ? new CdrTree.Bulk("uint8", message.byteSize(), 0, first) : first;
            return new CdrTree(typeName, List.of(new CdrTree.Field("data", "uint8[]", 0, data)));
        }
    }

    /** Mean, minimum, maximum and standard deviation of a window of values. */
    record Stats(double mean, double min, double max, double stdDev, int count) {
        static Stats of(double[] values, int count) {
            double sum = 0;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < count; i++) {
                sum += values[i];
                min = Math.min(min, values[i]);
                max = Math.max(max, values[i]);
            }
            double mean = sum / count;
            double squares = 0;
            for (int i = 0; i < count; i++) {
                squares += (values[i] - mean) * (values[i] - mean);
            }
            return new Stats(mean, min, max, Math.sqrt(squares / count), count);
        }
    }

    /** The last {@code capacity} values added. */
    static final class Window {
        private final double[] values;
        private int next;
        private int count;

        Window(int capacity) {
            values = new double[capacity];
        }

        void add(double value) {
            values[next] = value;
            next = (next + 1) % values.length;
            count = Math.min(count + 1, values.length);
        }

        int count() {
            return count;
        }

        Stats stats() {
            double[] copy = new double[count];
            for (int i = 0; i < count; i++) {
                copy[i] = values[(next - count + i + values.length) % values.length];
            }
            return Stats.of(copy, count);
        }
    }
}
