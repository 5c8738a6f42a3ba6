package io.sluice.cli.record;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Frames to a video file through {@code ffmpeg} (raw frames on its standard input), at a constant frame rate as lab
 * video recorders write it: frame {@code k} of the video shows what the camera saw at {@code first + k / fps}. Each
 * frame is placed in the slot its time falls in; a slot no frame fell in repeats the frame before (counted as
 * repeated), a second frame in one slot replaces nothing and is counted as dropped. A jump in time of more than
 * {@value #MAX_GAP_SLOTS} slots (a camera that paused, a first stamp on another clock) is a break: the video goes
 * on with the next slot, counted, rather than repeat a frame for minutes. Odd sizes are padded to even ones, which
 * H.264 and H.265 in 4:2:0 need.
 *
 * <p>The program is {@code ffmpeg} on the {@code PATH}, or the system property {@code sluice.ffmpeg}. Not thread-safe; {@link #close()} ends the input, waits for {@code ffmpeg} and fails with its last words if it
 * failed.
 */
final class VideoEncoder implements AutoCloseable {
    /** The codecs: H.264 (default) and H.265. */
    enum Codec {
        H264("libx264"), H265("libx265");

        final String library;

        Codec(String library) {
            this.library = library;
        }
    }

    /** A jump of more slots than this (10 s at 30 fps) is a break in time, not frames to repeat. */
    static final long MAX_GAP_SLOTS = 300;

    private final Process ffmpeg;
    private final OutputStream input;
    private final StringBuilder stderr = new StringBuilder();
    private final Thread stderrReader;
    private final double fps;
    private final int width;
    private final int height;
    private final Path output;
    private byte[] last;
    private long firstNanos = Long.MIN_VALUE;
    private long nextSlot;
    private long written;
    private long repeated;
    private long dropped;
    private long breaks;

    private VideoEncoder(Process ffmpeg, Path output, double fps, int width, int height) {
        this.ffmpeg = ffmpeg;
        this.output = output;
        this.input = ffmpeg.getOutputStream();
        this.fps = fps;
        this.width = width;
        this.height = height;
        this.stderrReader = Thread.ofPlatform().daemon().name("ffmpeg-stderr").start(() -> drain(ffmpeg
            .getErrorStream()));
    }

    /**
     * Starts {@code ffmpeg} writing {@code output} from raw frames of {@code width × height} in {@code pixelFormat}.
     *
     * @throws IOException naming what is missing when {@code ffmpeg} is not installed
     */
    static VideoEncoder start(Path output, Codec codec, double fps, int width, int height, String pixelFormat)
        throws IOException {
        String program = System.getProperty("sluice.ffmpeg", "ffmpeg");
        List<String> command = List.of(program, "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
            "-f", "rawvideo", "-pix_fmt", pixelFormat, "-s", width + "x" + height,
            "-r", String.format(Locale.ROOT, "%.6f", fps), "-i", "pipe:0",
            "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-c:v", codec.library, "-pix_fmt", "yuv420p", "-preset", "veryfast", "-crf", "18", output.toString());
        Process process;
        try {
            process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new IOException("ffmpeg is needed for video and was not found: " + program
                + " (Debian: apt-get install ffmpeg)", e);
        }
        return new VideoEncoder(process, output, fps, width, height);
    }

    /** Places {@code frame} (taken at {@code timeNanos}, on any clock that all frames share) in the video. */
    void frame(byte[] frame, long timeNanos) throws IOException {
        if (firstNanos == Long.MIN_VALUE) {
            firstNanos = timeNanos;
        }
        long slot = Math.round((timeNanos - firstNanos) * fps / 1e9);
        if (slot < nextSlot - MAX_GAP_SLOTS || slot > nextSlot + MAX_GAP_SLOTS) {
            // a jump in time (a camera paused, stamps on another clock): the video goes on from here, not filling
            firstNanos = timeNanos - (long) (nextSlot * 1e9 / fps);
            slot = nextSlot;
            breaks++;
        }
        if (slot < nextSlot) {
            dropped++; // a second frame in a slot already written
            return;
        }
        while (last != null && nextSlot < slot) {
            write(last);
            repeated++;
        }
        write(frame);
        last = last == null || last.length != frame.length ? frame.clone() : copyInto(frame, last);
        nextSlot = slot + 1;
    }

    private static byte[] copyInto(byte[] from, byte[] to) {
        System.arraycopy(from, 0, to, 0, from.length);
        return to;
    }

    private void write(byte[] frame) throws IOException {
        try {
            input.write(frame);
        } catch (IOException e) {
            throw new IOException("ffmpeg stopped taking frames: " + lastWords(), e);
        }
        written++;
        nextSlot++;
    }

    int width() {
        return width;
    }

    int height() {
        return height;
    }

    /** Frames in the video so far, repeated ones included. */
    long written() {
        return written;
    }

    /** Slots that had no frame of their own and show the one before. */
    long repeated() {
        return repeated;
    }

    /** Jumps in time of more than {@link #MAX_GAP_SLOTS} slots, either way, after which the video went on. */
    long breaks() {
        return breaks;
    }

    /** Frames that fell in a slot already filled. */
    long dropped() {
        return dropped;
    }

    @Override
    public void close() throws IOException {
        try {
            input.close();
        } catch (IOException ignored) {
            // ffmpeg is gone already: its exit code says why
        }
        int code;
        try {
            code = ffmpeg.waitFor();
            stderrReader.join(5_000);
        } catch (InterruptedException e) {
            ffmpeg.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while ffmpeg finished " + output);
        }
        if (code != 0) {
            throw new IOException("ffmpeg failed writing " + output + " (exit code " + code + "): " + lastWords());
        }
    }

    private String lastWords() {
        synchronized (stderr) {
            String text = stderr.toString().strip();
            return text.isEmpty() ? "(it said nothing)" : text.lines().reduce((a, b) -> b).orElse(text);
        }
    }

    private void drain(InputStream in) {
        byte[] buffer = new byte[4096];
        try {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                synchronized (stderr) {
                    if (stderr.length() < 64 * 1024) {
                        stderr.append(new String(buffer, 0, read, StandardCharsets.UTF_8));
                    }
                }
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }
}
