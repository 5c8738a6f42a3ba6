/**
 * {@code sluice demo}: a synthetic 2K RGB-D camera and three subscribers, each in a JVM of its own, moving 63 MB
 * sets of standard ROS 2 messages at 15 fps through shared memory without copying them.
 *
 * <pre>
 *   ./sluice demo                      # 10 s, a live table every second, a summary at the end
 *   ./sluice demo --duration 30        # longer
 *   ./sluice demo --duration 5 --json  # one JSON object at the end, for scripts and CI
 * </pre>
 *
 * <h2>Topics</h2>
 * Every message is CDR as ROS 2 lays it out, loaned from shared memory and written in place through the generated
 * flyweights of {@code io.sluice.msg}; every subscriber reads it in place through them
 * ({@link io.sluice.cli.demo.DemoTopic}).
 * <ul>
 *   <li>{@code /camera/rgb}: {@code sensor_msgs/msg/Image}, {@code rgb8}, 2208 × 1242, 8.2 MB;</li>
 *   <li>{@code /camera/depth}: {@code sensor_msgs/msg/Image}, {@code 32FC1} (metres), 11 MB;</li>
 *   <li>{@code /camera/points}: {@code sensor_msgs/msg/PointCloud2}, fields x, y, z, rgb (float32, 16 bytes a point),
 *       2208 × 1242 points, dense, 44 MB;</li>
 *   <li>{@code /camera/camera_info}: {@code sensor_msgs/msg/CameraInfo}, the pinhole and {@code plumb_bob} calibration
 *       of the left lens ({@link io.sluice.cli.demo.CameraModel}), 365 bytes.</li>
 * </ul>
 * All have {@code header.frame_id = "zed_left"}; the four messages of a frame set carry the same {@code header.stamp}.
 *
 * <h2>Frame numbers and torn frames</h2>
 * Subscribers must know which frame they hold (to find gaps and frames out of order) and whether every byte of it is
 * the camera's (to find torn frames), without a field of the message being used for anything but its meaning:
 * <ul>
 *   <li><b>The frame number is in the stamp.</b> {@code header.stamp} is the capture time on the camera's own clock
 *       ({@link io.sluice.cli.demo.FrameClock}), which starts at 0 and advances by exactly 1/15 s per frame set, as a
 *       simulator's clock does; so frame set {@code n} is stamped {@code n / 15} s and the frame number is the stamp
 *       times 15. This works for the camera info too, which has no bulk data, and it is what a ROS 2 exact-time
 *       synchroniser matches the four topics by. A stamp off that grid is not a frame of this camera. (A wall-clock
 *       stamp would have needed the frame number somewhere else: in pixels, or in a field meant for something
 *       else.)</li>
 *   <li><b>The checksum is in the first pixel.</b> The painter ({@link io.sluice.cli.demo.FramePainter}) makes every
 *       byte of the bulk data depend on the frame number, as before, and stores a CRC32C of the data and the frame
 *       number in four bytes of the data itself ({@link io.sluice.cli.demo.FrameChecksum}), as cameras that embed
 *       frame information in their first pixels do: the first 1⅓ pixels of the RGB image, the first depth pixel, and
 *       the colour of the first point, so that every coordinate of the cloud stays finite and {@code is_dense} stays
 *       true. Since the CRC covers the frame number, it ties the data to the header: the stamp of one frame over the
 *       data of another fails like a torn pixel. Comparing every byte with the frame the painter would draw was the
 *       alternative: no bytes of the data used, but twice the CPU of the CRC intrinsic in each subscriber.</li>
 * </ul>
 * The {@link io.sluice.cli.demo.FrameVerifier} reads the layout through the flyweights (frame id, width, height,
 * encoding and step, or the point fields, steps and {@code is_dense}; the whole calibration for the camera info),
 * checks that the message ends where the sample ends, derives the frame number from the stamp and checks the
 * checksum. A wrong layout, a malformed message, an off-grid stamp or a wrong checksum is a <em>torn</em> frame.
 *
 * <h2>Processes</h2>
 * <ul>
 *   <li><b>camera</b> ({@link io.sluice.cli.demo.CameraNode}) publishes the four topics on a fixed 15 fps schedule,
 *       loaning each message with a shape kept for the whole run.</li>
 *   <li><b>controller</b> ({@link io.sluice.cli.demo.ControllerNode}): {@code Qos.latest()}, wakes at 10 Hz, takes the
 *       newest unseen message of each topic. Its latency is the age of that message, 0 to 67 ms by design.</li>
 *   <li><b>recorder</b> ({@link io.sluice.cli.demo.ReaderNode#recorder()}): {@code Qos.queue(8)}, one thread per
 *       topic, takes every frame in order; every gap in frame numbers must be matched by a rise of
 *       {@code lostCount()}, or it is an <em>uncounted</em> loss ({@link io.sluice.cli.demo.GapCheck}).</li>
 *   <li><b>monitor</b> ({@link io.sluice.cli.demo.ReaderNode#monitor()}): {@code Qos.latest()}, one thread per topic
 *       blocked in {@code take(timeout)}. It knows the topics by name only: it reads the type name and schema each
 *       carries ({@code Sluice.topicInfo}), subscribes with {@code CdrType.dynamic}, checks every frame through the
 *       flyweight laid over the bytes, and once a second decodes one with {@code CdrReader} from the schema alone
 *       ({@link io.sluice.cli.demo.SchemaDecoder}); what it decoded is the table's last column.</li>
 * </ul>
 * Every subscriber verifies every message it takes while it holds it. The run is ok, and the exit code 0, when every
 * subscriber got frames of every topic of the expected ROS 2 type, no frame was torn or out of order, no loss went
 * uncounted, and the monitor decoded every topic from its schema.
 *
 * <h2>Isolation and clean-up</h2>
 * The demo runs in domain {@code SLUICE_DOMAIN}, else {@code 40000 + pid % 20000}, and deletes the domain's
 * directory at the end when it is empty. Children stop when their standard input closes, so they also stop when
 * the parent is killed; Ctrl-C terminates them and cleans up.
 */
package io.sluice.cli.demo;
