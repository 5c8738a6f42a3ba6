/**
 * Sluice: zero-copy shared-memory publish/subscribe for robot sensor data. Only the API ({@code io.sluice}) is
 * exported; the shared-memory transport ({@code io.sluice.shm}) is internal. Sluice calls {@code mmap},
 * {@code fcntl} and {@code futex} through the FFM API: run with {@code --enable-native-access=io.sluice} (or
 * {@code ALL-UNNAMED} on the class path).
 */
module io.sluice {
    exports io.sluice;
}
