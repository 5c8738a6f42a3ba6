/**
 * {@code sluice demo}: a synthetic 2K RGB-D camera and three subscribers, each in a JVM of its own, moving 60 MB
 * frame sets at 15 fps through shared memory without copying them.
 *
 * <pre>
 *   ./sluice demo                      # 10 s, a live table every second, a summary at the end
 *   ./sluice demo --duration 30        # longer
 *   ./sluice demo --duration 5 --json  # one JSON object at the end, for scripts and CI
 * </pre>
 *
 * <h2>Processes</h2>
 * <ul>
 *   <li><b>camera</b> ({@link io.sluice.cli.demo.CameraNode}) publishes {@code /camera/rgb}, {@code /camera/depth}
 *       and {@code /camera/points} on a fixed 15 fps schedule, drawing each frame in its loaned slot
 *       ({@link io.sluice.cli.demo.FramePainter}) with a CRC32C over its data
 *       ({@link io.sluice.cli.demo.FrameLayout}).</li>
 *   <li><b>controller</b> ({@link io.sluice.cli.demo.ControllerNode}): {@code Qos.latest()}, wakes at 10 Hz, takes the
 *       newest unseen frame of each topic. Its latency is the age of that frame, 0 to 67 ms by design.</li>
 *   <li><b>recorder</b> ({@link io.sluice.cli.demo.ReaderNode#recorder()}): {@code Qos.queue(8)}, one thread per
 *       topic, takes every frame in order; every gap in frame numbers must be matched by a rise of
 *       {@code lostCount()}, or it is an <em>uncounted</em> loss ({@link io.sluice.cli.demo.GapCheck}).</li>
 *   <li><b>monitor</b> ({@link io.sluice.cli.demo.ReaderNode#monitor()}): {@code Qos.latest()}, one thread per topic
 *       blocked in {@code take(timeout)}.</li>
 * </ul>
 * Every subscriber verifies the checksum of every frame while it holds it: a mismatch is a <em>torn</em> frame.
 * The run is ok, and the exit code 0, when no frame was torn or out of order and no loss went uncounted.
 *
 * <h2>Isolation and clean-up</h2>
 * The demo runs in domain {@code SLUICE_DOMAIN}, else {@code 40000 + pid % 20000}, and deletes the domain's
 * directory at the end when it is empty. Children stop when their standard input closes, so they also stop when
 * the parent is killed; Ctrl-C terminates them and cleans up.
 */
package io.sluice.cli.demo;
