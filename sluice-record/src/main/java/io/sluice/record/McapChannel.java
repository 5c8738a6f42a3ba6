package io.sluice.record;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A Channel record: one topic as one publisher, or one recorder, sees it. In the {@code ros2} profile
 * {@code messageEncoding} is {@code cdr} and {@code metadata} carries {@code offered_qos_profiles} (rosbag2's QoS,
 * YAML); Sluice adds {@code sluice_qos}, the QoS the recorder took the topic with.
 *
 * @param id              0..65535, unique in the file
 * @param schemaId        the {@link McapSchema} of its messages; 0 for none
 * @param topic           the topic name
 * @param messageEncoding {@code cdr} in the {@code ros2} profile
 * @param metadata        free key-value pairs, kept in the order given
 */
public record McapChannel(int id, int schemaId, String topic, String messageEncoding, Map<String, String> metadata) {
    public McapChannel {
        if (id < 0 || id > 0xFFFF) {
            throw new IllegalArgumentException("channel id out of range [0, 65535]: id=" + id);
        }
        if (schemaId < 0 || schemaId > 0xFFFF) {
            throw new IllegalArgumentException("schema id out of range [0, 65535]: schemaId=" + schemaId);
        }
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(messageEncoding, "messageEncoding");
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }
}
