import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * How fast Java writes and reads a 1 MiB frame whose lines sit in the other core's cache (docs/PERFORMANCE.md,
 * "Reading a frame in Java: 1 MiB touched"): two threads take turns on one buffer, each filling it
 * ({@code MemorySegment.fill}, or glibc's {@code memset} through a downcall) or summing it as longs, so that every
 * line comes from the other core, as in a ping-pong between processes. Run:
 * {@code java --enable-native-access=ALL-UNNAMED tools/probes/CrossCoreFill.java [shm|anon] [spin|park]}: the buffer
 * a {@code /dev/shm} file mapping (default) or anonymous memory; the waiting thread spinning (default) or parked.
 */
public class CrossCoreFill {
    private static final long SIZE = 1 << 20;
    private static final int ROUNDS = 4000;
    private static final MethodHandle MEMSET = Linker.nativeLinker().downcallHandle(
        Linker.nativeLinker().defaultLookup().find("memset").orElseThrow(),
        FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));

    public static void main(String[] args) throws Exception {
        boolean shm = args.length < 1 || args[0].equals("shm");
        boolean park = args.length >= 2 && args[1].equals("park");
        Path file = Path.of("/dev/shm/sluice-probe-cross-core-" + ProcessHandle.current().pid());
        try (Arena arena = Arena.ofShared()) {
            MemorySegment buffer;
            if (shm) {
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                    buffer = channel.map(FileChannel.MapMode.READ_WRITE, 0, SIZE, arena);
                }
            } else {
                buffer = arena.allocate(SIZE, 4096);
            }
            System.out.printf("buffer: %s, waiting thread: %s, %d turns of 1 MiB%n", shm ? "/dev/shm mapping"
                : "anonymous memory", park ? "parked" : "spinning", ROUNDS);
            for (String mode : new String[] {"fill", "memset", "fill", "memset", "sum"}) {
                System.out.printf("%-7s %.1f µs per 1 MiB%n", mode, turns(buffer, mode, park) / 1e3);
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Mean ns of one turn of {@code mode} on {@code buffer}, the two threads alternating. */
    private static double turns(MemorySegment buffer, String mode, boolean park) throws InterruptedException {
        AtomicInteger turn = new AtomicInteger();
        long[] spent = new long[2];
        Thread[] threads = new Thread[2];
        for (int t = 0; t < 2; t++) {
            int me = t;
            threads[t] = Thread.ofPlatform().start(() -> {
                long sum = 0;
                for (int round = 0; round < ROUNDS; round++) {
                    while (turn.get() % 2 != me) {
                        if (park) {
                            LockSupport.parkNanos(20_000);
                        } else {
                            Thread.onSpinWait();
                        }
                    }
                    long start = System.nanoTime();
                    sum += once(buffer, mode, round);
                    spent[me] += System.nanoTime() - start;
                    turn.incrementAndGet();
                }
                buffer.set(ValueLayout.JAVA_LONG, 0, sum); // the sums are used
            });
        }
        for (Thread thread : threads) {
            thread.join();
        }
        return (spent[0] + spent[1]) / (2.0 * ROUNDS);
    }

    private static long once(MemorySegment buffer, String mode, int round) {
        switch (mode) {
            case "fill" -> buffer.fill((byte) round);
            case "memset" -> {
                try {
                    MemorySegment ignored = (MemorySegment) MEMSET.invokeExact(buffer, round & 0xff, SIZE);
                } catch (Throwable e) {
                    throw new IllegalStateException(e);
                }
            }
            default -> {
                long sum = 0;
                for (long offset = 0; offset < SIZE; offset += Long.BYTES) {
                    sum += buffer.get(ValueLayout.JAVA_LONG, offset);
                }
                return sum;
            }
        }
        return 0;
    }
}
