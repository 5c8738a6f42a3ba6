package io.sluice.shm;

/**
 * Topic names as ROS 2 spells them: {@code /} then tokens of letters, digits and underscores separated by single
 * slashes; no token starts with a digit; at most 200 characters.
 */
public final class TopicNames {
    public static final int MAX_LENGTH = 200;

    private TopicNames() {
    }

    /** @throws IllegalArgumentException naming the name and what is wrong with it */
    public static void validate(String topic) {
        if (topic == null) {
            throw new IllegalArgumentException("invalid topic name: topic=null");
        }
        if (topic.length() < 2 || topic.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("invalid topic name \"" + topic + "\": length must be 2 to "
                + MAX_LENGTH + ", length=" + topic.length());
        }
        if (topic.charAt(0) != '/') {
            throw new IllegalArgumentException("invalid topic name \"" + topic + "\": must start with '/'");
        }
        boolean tokenStart = true;
        for (int i = 1; i < topic.length(); i++) {
            char c = topic.charAt(i);
            if (c == '/') {
                if (tokenStart) {
                    throw new IllegalArgumentException("invalid topic name \"" + topic + "\": empty token at index "
                        + i);
                }
                tokenStart = true;
            } else if (c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
                tokenStart = false;
            } else if (c >= '0' && c <= '9') {
                if (tokenStart) {
                    throw new IllegalArgumentException("invalid topic name \"" + topic + "\": token starts with a digit"
                        + " at index " + i);
                }
            } else {
                throw new IllegalArgumentException("invalid topic name \"" + topic + "\": character '" + c
                    + "' at index " + i + " (allowed: letters, digits, '_', '/')");
            }
        }
        if (tokenStart) {
            throw new IllegalArgumentException("invalid topic name \"" + topic + "\": ends with '/'");
        }
    }
}
