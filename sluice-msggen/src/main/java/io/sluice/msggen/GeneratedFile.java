package io.sluice.msggen;

/**
 * One generated Java source.
 *
 * @param type      the ROS 2 type, {@code package/msg/Name}
 * @param className the class, qualified
 * @param path      where the source goes under a source root, {@code /}-separated:
 *                  {@code io/sluice/msg/std_msgs/Header.java}
 * @param content   the source text
 */
public record GeneratedFile(String type, String className, String path, String content) {
}
