package io.sluice;

/** A participant asked for a topic with a message type other than the one the topic carries. */
public final class IncompatibleTypeException extends SluiceException {
    public IncompatibleTypeException(String topic, String topicType, String topicHash, String requestedType,
                                     String requestedHash) {
        super("topic " + topic + " carries type " + topicType + " (hash " + topicHash + ") but " + requestedType
            + " (hash " + requestedHash + ") was requested");
    }
}
