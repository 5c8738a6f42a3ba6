package io.sluice;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Objects;

/**
 * Writing and copying whole frames in shared memory at the speed of the C library.
 *
 * <p>{@link MemorySegment#fill} and {@link MemorySegment#copy(MemorySegment, long, MemorySegment, long, long)} are
 * correct everywhere, but on a frame that another process has just read they can be several times slower than
 * glibc's {@code memset} and {@code memcpy}: in the peer benchmark's ping-pong of 1 MiB frames, each written in full
 * by one process and read in full by the other, the Java side spent ~96 µs per round trip in {@code fill} where the
 * C side spent ~25 µs in {@code memset}, and the one-way median fell from 214–221 µs to 75–85 µs when the same Java
 * process called {@code memset} instead (docs/PERFORMANCE.md, "Reading a frame in Java: 1 MiB touched"). glibc picks
 * the machine's fastest way for large sizes (on x86-64 {@code rep stosb}/{@code rep movsb}, which need not read a
 * line before overwriting it); these methods call it through the FFM API for native segments of at least
 * {@link #NATIVE_THRESHOLD} bytes, and use the JDK's own for heap segments and small ones, where a downcall costs
 * more than it saves. {@link #copy} gains less: the same ping-pong writing each frame by a copy from a buffer of the
 * writer's own took 138–174 µs one way at 1 MiB with it against 223–243 µs with {@code MemorySegment.copy}, and
 * 826–886 against 930–1008 µs at 8 MiB (in cache the two are equal: {@code FrameReadBenchmark}).
 *
 * <p>Both check what the JDK checks before any byte moves: a read-only destination (a subscriber's sample) throws
 * {@link UnsupportedOperationException}, and a copy longer than either segment {@link IndexOutOfBoundsException}; a
 * closed segment throws {@link IllegalStateException}. Never a crash: the C library only ever sees a segment the FFM
 * API has checked and keeps alive for the call.
 */
public final class Frames {
    /** From this size on, a native segment is filled or copied by the C library. */
    public static final long NATIVE_THRESHOLD = 64 * 1024;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle MEMSET = downcall("memset",
        FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
    private static final MethodHandle MEMCPY = downcall("memcpy",
        FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));

    private Frames() {
    }

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
        try {
            return LINKER.defaultLookup().find(name).map(address -> LINKER.downcallHandle(address, descriptor))
                .orElse(null);
        } catch (RuntimeException | Error e) {
            return null; // no native access, or no C library: the JDK's own always works
        }
    }

    /** Sets every byte of {@code segment} to {@code value}, as {@link MemorySegment#fill} does. */
    public static void fill(MemorySegment segment, byte value) {
        Objects.requireNonNull(segment, "segment");
        if (segment.isReadOnly()) {
            throw new UnsupportedOperationException("cannot fill a read-only segment: byteSize=" + segment.byteSize());
        }
        long length = segment.byteSize();
        if (MEMSET == null || !segment.isNative() || length < NATIVE_THRESHOLD) {
            segment.fill(value);
            return;
        }
        try {
            MemorySegment ignored = (MemorySegment) MEMSET.invokeExact(segment, value & 0xff, length);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("memset failed", e);
        }
    }

    /**
     * Copies {@code length} bytes from {@code source} at {@code sourceOffset} to {@code target} at
     * {@code targetOffset}, as {@link MemorySegment#copy(MemorySegment, long, MemorySegment, long, long)} does; the
     * two ranges must not overlap when both are native and the copy is large (they never do between a sample and a
     * loan, or between a frame and a buffer of your own).
     *
     * @throws IllegalArgumentException when both ranges are native, large, and overlap
     */
    public static void copy(MemorySegment source, long sourceOffset, MemorySegment target, long targetOffset,
                            long length) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        if (target.isReadOnly()) {
            throw new UnsupportedOperationException("cannot copy into a read-only segment: byteSize="
                + target.byteSize());
        }
        if (MEMCPY == null || !source.isNative() || !target.isNative() || length < NATIVE_THRESHOLD) {
            MemorySegment.copy(source, sourceOffset, target, targetOffset, length);
            return;
        }
        MemorySegment from = source.asSlice(sourceOffset, length); // bounds checked here, as the JDK's copy does
        MemorySegment to = target.asSlice(targetOffset, length);
        long fromStart = from.address();
        long toStart = to.address();
        if (fromStart < toStart + length && toStart < fromStart + length) {
            throw new IllegalArgumentException("overlapping copy: source=0x" + Long.toHexString(fromStart)
                + ", target=0x" + Long.toHexString(toStart) + ", length=" + length
                + "; use MemorySegment.copy, which handles overlap");
        }
        try {
            MemorySegment ignored = (MemorySegment) MEMCPY.invokeExact(to, from, length);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("memcpy failed", e);
        }
    }
}
