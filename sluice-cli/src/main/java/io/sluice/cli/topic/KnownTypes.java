package io.sluice.cli.topic;

import io.sluice.msg.CdrType;
import io.sluice.msg.MsgSchema;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The message types Sluice ships, by name, for {@code topic pub} on a topic that does not exist yet. */
final class KnownTypes {
    private static final Map<String, CdrType<?>> TYPES = new TreeMap<>();

    static {
        for (CdrType<?> type : List.<CdrType<?>>of(
            io.sluice.msg.builtin_interfaces.Duration.TYPE, io.sluice.msg.builtin_interfaces.Time.TYPE,
            io.sluice.msg.geometry_msgs.Point.TYPE, io.sluice.msg.geometry_msgs.Pose.TYPE,
            io.sluice.msg.geometry_msgs.PoseStamped.TYPE, io.sluice.msg.geometry_msgs.Quaternion.TYPE,
            io.sluice.msg.geometry_msgs.Transform.TYPE, io.sluice.msg.geometry_msgs.TransformStamped.TYPE,
            io.sluice.msg.geometry_msgs.Twist.TYPE, io.sluice.msg.geometry_msgs.TwistStamped.TYPE,
            io.sluice.msg.geometry_msgs.Vector3.TYPE, io.sluice.msg.sensor_msgs.CameraInfo.TYPE,
            io.sluice.msg.sensor_msgs.CompressedImage.TYPE, io.sluice.msg.sensor_msgs.Image.TYPE,
            io.sluice.msg.sensor_msgs.Imu.TYPE, io.sluice.msg.sensor_msgs.JointState.TYPE,
            io.sluice.msg.sensor_msgs.LaserScan.TYPE, io.sluice.msg.sensor_msgs.PointCloud2.TYPE,
            io.sluice.msg.sensor_msgs.PointField.TYPE, io.sluice.msg.sensor_msgs.RegionOfInterest.TYPE,
            io.sluice.msg.std_msgs.Bool.TYPE, io.sluice.msg.std_msgs.Empty.TYPE, io.sluice.msg.std_msgs.Float32.TYPE,
            io.sluice.msg.std_msgs.Float64.TYPE, io.sluice.msg.std_msgs.Header.TYPE,
            io.sluice.msg.std_msgs.Int32.TYPE, io.sluice.msg.std_msgs.Int64.TYPE,
            io.sluice.msg.std_msgs.String.TYPE, io.sluice.msg.tf2_msgs.TFMessage.TYPE)) {
            TYPES.put(type.name(), type);
        }
    }

    private KnownTypes() {
    }

    /** The type named {@code name} ({@code pkg/msg/Name} or {@code pkg/Name}), or null. */
    static CdrType<?> named(String name) {
        return TYPES.get(canonical(name));
    }

    /** {@code pkg/Name} (and {@code pkg/msg/Name}) spelled {@code pkg/msg/Name}; other names as they are. */
    static String canonical(String name) {
        return name.contains("/") ? MsgSchema.canonical(name, null) : name;
    }

    /** The names, sorted, for an error message. */
    static String names() {
        return String.join(", ", TYPES.keySet());
    }
}
