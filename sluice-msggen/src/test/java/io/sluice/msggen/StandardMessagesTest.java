package io.sluice.msggen;

import io.sluice.msg.CdrType;
import io.sluice.msg.MsgConstant;
import io.sluice.msg.MsgDefinition;
import io.sluice.msg.MsgField;
import io.sluice.msg.MsgSchema;
import io.sluice.msg.geometry_msgs.Quaternion;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The standard types: their bundled {@code .msg} files hold the ROS 2 fields, and the classes committed in
 * sluice-core are exactly what the generator makes of them today.
 */
class StandardMessagesTest {
    private static final Path CORE_SOURCES =
        Path.of(System.getProperty("sluice.core.sources", "../sluice-core/src/main/java"));

    @Test
    void shouldMatchTheCommittedSourcesWhenRegenerated() throws IOException {
        List<String> stale = new ArrayList<>();
        Set<Path> generated = new HashSet<>();
        for (GeneratedFile file : MessageGenerator.standard().generate()) {
            Path committed = CORE_SOURCES.resolve(file.path());
            generated.add(committed.toAbsolutePath().normalize());
            if (!Files.isRegularFile(committed)) {
                stale.add(file.path() + ": missing");
            } else if (!Files.readString(committed).equals(file.content())) {
                stale.add(file.path() + ": differs");
            }
        }
        for (String pkg : StandardMessages.PACKAGES) {
            Path dir = CORE_SOURCES.resolve("io/sluice/msg/" + pkg);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    if (!generated.contains(file.toAbsolutePath().normalize())
                        && Files.readString(file).startsWith(MessageGenerator.MARKER)) {
                        stale.add(CORE_SOURCES.relativize(file) + ": no longer generated");
                    }
                }
            }
        }
        assertTrue(stale.isEmpty(), () -> "the standard message classes in " + CORE_SOURCES.toAbsolutePath()
            .normalize() + " are not what sluice-msggen generates; run tools/generate-messages and commit the"
            + " result:\n  " + String.join("\n  ", stale));
    }

    @Test
    void shouldPutEveryStandardTypeInIoSluiceMsgWhenGeneratingTheStandardSet() {
        List<GeneratedFile> files = MessageGenerator.standard().generate();
        Set<String> types = new TreeSet<>();
        for (GeneratedFile file : files) {
            types.add(file.type());
            String pkg = file.type().substring(0, file.type().indexOf('/'));
            String name = file.type().substring(file.type().lastIndexOf('/') + 1);
            assertEquals("io.sluice.msg." + pkg + "." + name, file.className());
            assertEquals(file.className().replace('.', '/') + ".java", file.path());
            assertTrue(file.content().startsWith(MessageGenerator.MARKER + " from " + file.type() + ".msg"));
        }
        assertEquals(new TreeSet<>(MessageGenerator.standardTypes()), types);
        assertEquals(29, files.size());
    }

    @Test
    void shouldFindExactlyTheStandardTypesWhenListingTheBundledMsgFiles() throws Exception {
        Path root = Path.of(StandardMessages.class.getResource("msg").toURI());
        Set<String> bundled = new TreeSet<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".msg")).toList()) {
                String relative = root.relativize(file).toString().replace('\\', '/');
                bundled.add(relative.substring(0, relative.length() - ".msg".length()));
            }
        }
        assertEquals(new TreeSet<>(StandardMessages.TYPES), bundled);
    }

    @Test
    void shouldDeclareTheRos2FieldsWhenStandardTypesAreParsed() {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("builtin_interfaces/msg/Time", "int32 sec; uint32 nanosec");
        expected.put("builtin_interfaces/msg/Duration", "int32 sec; uint32 nanosec");
        expected.put("std_msgs/msg/Header", "builtin_interfaces/Time stamp; string frame_id");
        expected.put("std_msgs/msg/String", "string data");
        expected.put("std_msgs/msg/Bool", "bool data");
        expected.put("std_msgs/msg/Int32", "int32 data");
        expected.put("std_msgs/msg/Int64", "int64 data");
        expected.put("std_msgs/msg/Float32", "float32 data");
        expected.put("std_msgs/msg/Float64", "float64 data");
        expected.put("std_msgs/msg/Empty", "");
        expected.put("geometry_msgs/msg/Point", "float64 x; float64 y; float64 z");
        expected.put("geometry_msgs/msg/Vector3", "float64 x; float64 y; float64 z");
        expected.put("geometry_msgs/msg/Quaternion", "float64 x 0; float64 y 0; float64 z 0; float64 w 1");
        expected.put("geometry_msgs/msg/Pose", "geometry_msgs/Point position; geometry_msgs/Quaternion orientation");
        expected.put("geometry_msgs/msg/PoseStamped", "std_msgs/Header header; geometry_msgs/Pose pose");
        expected.put("geometry_msgs/msg/Transform",
            "geometry_msgs/Vector3 translation; geometry_msgs/Quaternion rotation");
        expected.put("geometry_msgs/msg/TransformStamped",
            "std_msgs/Header header; string child_frame_id; geometry_msgs/Transform transform");
        expected.put("geometry_msgs/msg/Twist", "geometry_msgs/Vector3 linear; geometry_msgs/Vector3 angular");
        expected.put("geometry_msgs/msg/TwistStamped", "std_msgs/Header header; geometry_msgs/Twist twist");
        expected.put("sensor_msgs/msg/RegionOfInterest",
            "uint32 x_offset; uint32 y_offset; uint32 height; uint32 width; bool do_rectify");
        expected.put("sensor_msgs/msg/Image", "std_msgs/Header header; uint32 height; uint32 width; string encoding;"
            + " uint8 is_bigendian; uint32 step; uint8[] data");
        expected.put("sensor_msgs/msg/CompressedImage", "std_msgs/Header header; string format; uint8[] data");
        expected.put("sensor_msgs/msg/CameraInfo", "std_msgs/Header header; uint32 height; uint32 width;"
            + " string distortion_model; float64[] d; float64[9] k; float64[9] r; float64[12] p; uint32 binning_x;"
            + " uint32 binning_y; sensor_msgs/RegionOfInterest roi");
        expected.put("sensor_msgs/msg/PointField", "uint8 INT8=1; uint8 UINT8=2; uint8 INT16=3; uint8 UINT16=4;"
            + " uint8 INT32=5; uint8 UINT32=6; uint8 FLOAT32=7; uint8 FLOAT64=8;"
            + " string name; uint32 offset; uint8 datatype; uint32 count");
        expected.put("sensor_msgs/msg/PointCloud2", "std_msgs/Header header; uint32 height; uint32 width;"
            + " sensor_msgs/PointField[] fields; bool is_bigendian; uint32 point_step; uint32 row_step;"
            + " uint8[] data; bool is_dense");
        expected.put("sensor_msgs/msg/Imu", "std_msgs/Header header; geometry_msgs/Quaternion orientation;"
            + " float64[9] orientation_covariance; geometry_msgs/Vector3 angular_velocity;"
            + " float64[9] angular_velocity_covariance; geometry_msgs/Vector3 linear_acceleration;"
            + " float64[9] linear_acceleration_covariance");
        expected.put("sensor_msgs/msg/JointState",
            "std_msgs/Header header; string[] name; float64[] position; float64[] velocity; float64[] effort");
        expected.put("sensor_msgs/msg/LaserScan", "std_msgs/Header header; float32 angle_min; float32 angle_max;"
            + " float32 angle_increment; float32 time_increment; float32 scan_time; float32 range_min;"
            + " float32 range_max; float32[] ranges; float32[] intensities");
        expected.put("tf2_msgs/msg/TFMessage", "geometry_msgs/TransformStamped[] transforms");

        assertEquals(new TreeSet<>(StandardMessages.TYPES), new TreeSet<>(expected.keySet()));
        for (Map.Entry<String, String> entry : expected.entrySet()) {
            MsgDefinition definition = MsgSchema.compose(entry.getKey(),
                type -> StandardMessages.TYPES.contains(type) ? StandardMessages.load(type).text() : null).root();
            List<String> declarations = new ArrayList<>();
            for (MsgConstant constant : definition.constants()) {
                declarations.add(constant.type().msgName() + " " + constant.name() + "=" + constant.value());
            }
            for (MsgField field : definition.fields()) {
                declarations.add(field.typeName() + " " + field.name()
                    + (field.defaultValue() == null ? "" : " " + field.defaultValue()));
            }
            assertEquals(entry.getValue(), String.join("; ", declarations), entry.getKey());
        }
    }

    @Test
    void shouldExtendTheSupportClassesWhenImageCompressedImageOrPointCloud2() {
        Map<String, String> superclasses = new LinkedHashMap<>();
        for (GeneratedFile file : MessageGenerator.standard().generate()) {
            String declaration = file.content().lines()
                .filter(line -> line.startsWith("public final class ")).findFirst().orElseThrow();
            superclasses.put(file.type(), declaration.replaceAll(".* extends (\\S+) \\{", "$1"));
        }
        assertEquals("ImageSupport", superclasses.get("sensor_msgs/msg/Image"));
        assertEquals("CompressedImageSupport", superclasses.get("sensor_msgs/msg/CompressedImage"));
        assertEquals("PointCloud2Support", superclasses.get("sensor_msgs/msg/PointCloud2"));
        assertEquals("CdrMessage", superclasses.get("sensor_msgs/msg/CameraInfo"));
    }

    @Test
    void shouldWriteDefaultsWhenCommittedClassesAreLoaned() throws Exception {
        for (GeneratedFile file : MessageGenerator.standard().generate()) {
            CdrType<?> type = (CdrType<?>) Class.forName(file.className()).getField("TYPE").get(null);
            assertEquals(file.type(), type.name());
            MemorySegment message = MemorySegment.ofArray(new byte[(int) type.defaultSize()]);
            type.writeDefault(message);
            assertEquals(type.defaultSize(), type.encodedSize(message), file.type());
        }
        MemorySegment message = MemorySegment.ofArray(new byte[64]);
        Quaternion.TYPE.withCapacity(64).initialize(message);
        Quaternion identity = Quaternion.TYPE.wrap(message);
        assertEquals(0.0, identity.x());
        assertEquals(1.0, identity.w());
    }
}
