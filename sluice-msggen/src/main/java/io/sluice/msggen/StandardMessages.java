package io.sluice.msggen;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The standard message types sluice-core holds as generated classes, whose {@code .msg} files sluice-msggen bundles
 * (under {@code io/sluice/msggen/msg/<package>/msg/<Name>.msg}) so that user messages may use them.
 */
final class StandardMessages {
    /** The packages whose classes live in {@code io.sluice.msg.<package>} whatever the user's package prefix. */
    static final Set<String> PACKAGES = Set.of(
        "builtin_interfaces", "std_msgs", "sensor_msgs", "geometry_msgs", "tf2_msgs");

    /** Every bundled type, dependencies before the types that use them. */
    static final List<String> TYPES = List.of(
        "builtin_interfaces/msg/Time",
        "builtin_interfaces/msg/Duration",
        "std_msgs/msg/Header",
        "std_msgs/msg/String",
        "std_msgs/msg/Bool",
        "std_msgs/msg/Int32",
        "std_msgs/msg/Int64",
        "std_msgs/msg/Float32",
        "std_msgs/msg/Float64",
        "std_msgs/msg/Empty",
        "geometry_msgs/msg/Point",
        "geometry_msgs/msg/Vector3",
        "geometry_msgs/msg/Quaternion",
        "geometry_msgs/msg/Pose",
        "geometry_msgs/msg/PoseStamped",
        "geometry_msgs/msg/Transform",
        "geometry_msgs/msg/TransformStamped",
        "geometry_msgs/msg/Twist",
        "geometry_msgs/msg/TwistStamped",
        "sensor_msgs/msg/RegionOfInterest",
        "sensor_msgs/msg/Image",
        "sensor_msgs/msg/CompressedImage",
        "sensor_msgs/msg/CameraInfo",
        "sensor_msgs/msg/PointField",
        "sensor_msgs/msg/PointCloud2",
        "sensor_msgs/msg/Imu",
        "sensor_msgs/msg/JointState",
        "sensor_msgs/msg/LaserScan",
        "tf2_msgs/msg/TFMessage");

    /** Standard types whose classes extend a hand-written class of sluice-core instead of CdrMessage. */
    static final Map<String, String> SUPERCLASSES = Map.of(
        "builtin_interfaces/msg/Time", "io.sluice.msg.builtin_interfaces.TimeSupport",
        "builtin_interfaces/msg/Duration", "io.sluice.msg.builtin_interfaces.DurationSupport",
        "sensor_msgs/msg/Image", "io.sluice.msg.sensor_msgs.ImageSupport",
        "sensor_msgs/msg/PointCloud2", "io.sluice.msg.sensor_msgs.PointCloud2Support",
        "sensor_msgs/msg/CompressedImage", "io.sluice.msg.sensor_msgs.CompressedImageSupport");

    private StandardMessages() {
    }

    /** The resource holding the {@code .msg} file of {@code type}, relative to this class. */
    static String resource(String type) {
        return "msg/" + type + ".msg";
    }

    /** The bundled {@code .msg} file of {@code type}. */
    static MsgSource load(String type) {
        try (InputStream in = StandardMessages.class.getResourceAsStream(resource(type))) {
            if (in == null) {
                throw new IllegalStateException("sluice-msggen is missing its bundled " + resource(type));
            }
            return new MsgSource(type, "(bundled) " + type + ".msg",
                new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
