/**
 * Recording Sluice topics in MCAP, and reading them back: {@link io.sluice.record.McapWriter},
 * {@link io.sluice.record.McapReader} (indexed) and {@link io.sluice.record.McapStreamReader} (from the start, also
 * of a file cut short), written from the MCAP specification (https://mcap.dev/spec) in the {@code ros2} profile
 * that rosbag2 writes.
 */
module io.sluice.record {
    requires io.sluice;
    requires com.github.luben.zstd_jni;
    requires org.lz4.java;

    exports io.sluice.record;
}
