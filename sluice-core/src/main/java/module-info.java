/**
 * Sluice: zero-copy shared-memory publish/subscribe for robot sensor data. The API ({@code io.sluice}), the
 * messages ({@code io.sluice.msg…}), the executors ({@code io.sluice.exec}) and request/response services
 * ({@code io.sluice.service}) are exported; the shared-memory transport ({@code io.sluice.shm}) and the
 * operating-system layer under it ({@code io.sluice.os}: system calls, futex words, doorbells) are internal. Sluice
 * calls {@code mmap},
 * {@code fcntl} and {@code futex} through the FFM API: run with {@code --enable-native-access=io.sluice} (or
 * {@code ALL-UNNAMED} on the class path).
 */
module io.sluice {
    exports io.sluice;
    exports io.sluice.exec;
    exports io.sluice.msg;
    exports io.sluice.msg.builtin_interfaces;
    exports io.sluice.msg.geometry_msgs;
    exports io.sluice.msg.sensor_msgs;
    exports io.sluice.msg.std_msgs;
    exports io.sluice.msg.tf2_msgs;
    exports io.sluice.service;
}
