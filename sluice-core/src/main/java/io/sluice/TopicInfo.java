package io.sluice;

/**
 * What a topic carries, as recorded in its shared-memory file by whoever created it.
 *
 * @param topic    the topic name
 * @param typeName the message type name, {@code package/msg/Name}
 * @param schema   the schema text (for CDR types: the {@code .msg} text and its dependencies, {@code ros2msg} format)
 * @param typeHash the type's hash
 */
public record TopicInfo(String topic, String typeName, String schema, String typeHash) {
}
