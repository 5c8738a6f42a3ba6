package io.sluice.cli.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.Loan;
import io.sluice.MessageType;
import io.sluice.Publisher;
import io.sluice.PublisherOptions;
import io.sluice.Qos;
import io.sluice.Sample;
import io.sluice.Sluice;
import io.sluice.Subscriber;
import io.sluice.cli.CliRun;
import io.sluice.cli.TestDomain;
import io.sluice.msg.sensor_msgs.Image;
import io.sluice.msg.std_msgs.String;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code sluice topic ...} and {@code sluice node ...} against topics a participant of the test uses. */
@Timeout(120)
class TopicCommandTest {
    private static final int DOMAIN = 5;
    private TestDomain domain;
    private Sluice sluice;

    @BeforeEach
    void open() {
        domain = TestDomain.create("topic", DOMAIN);
        sluice = domain.open("camera");
    }

    @AfterEach
    void close() {
        sluice.close();
        domain.close();
    }




    private Publisher<Image> imagePublisher() {
        Publisher<Image> publisher = sluice.publisher("/camera/rgb", Image.TYPE,
            PublisherOptions.defaults().withHistory(1));
        try (Loan<Image> loan = publisher.loan(Image.TYPE.withCapacity(4096))) {
            Image image = loan.message();
            image.header().stamp().sec(7).nanosec(5);
            image.header().frameId("cam 1");
            image.height(2).width(3).encoding("rgb8").step(9).dataCount(18);
            for (int i = 0; i < 18; i++) {
                image.data(i, (byte) (i * 10));
            }
            loan.publish();
        }
        return publisher;
    }

    @Test
    void shouldListTopicsWithTypesCountsAndRate() {
        imagePublisher();
        Subscriber<MemorySegment> status = sluice.subscriber("/status", MessageType.raw("acme/msg/Status"),
            Qos.queue(4));
        assertEquals(new CliRun(0, "/camera/rgb\n/status\n", ""), domain.run("topic", "list"));
        assertEquals(new CliRun(0, "/camera/rgb [sensor_msgs/msg/Image]\n/status [acme/msg/Status]\n", ""),
            domain.run("topic", "list", "-t"));
        assertEquals(new CliRun(0, "2\n", ""), domain.run("topic", "list", "-c"));
        CliRun verbose = domain.run("topic", "list", "-v", "--window", "0.2");
        assertEquals(0, verbose.code(), verbose.err());
        assertEquals("""
            TOPIC        TYPE                   PUBLISHERS  SUBSCRIBERS  RATE
            /camera/rgb  sensor_msgs/msg/Image  1           0            0.0 Hz
            /status      acme/msg/Status        0           1            -
            """, verbose.out());
        status.close();
    }

    @Test
    void shouldShowTopicInfoAndEveryEndpointVerbosely() {
        imagePublisher();
        Subscriber<Image> viewer = sluice.subscriber("/camera/rgb", Image.TYPE, Qos.reliable(3));
        CliRun info = domain.run("topic", "info", "/camera/rgb");
        assertEquals(new CliRun(0, "Type: sensor_msgs/msg/Image\nPublisher count: 1\nSubscription count: 1\n", ""),
            info);
        CliRun verbose = domain.run("topic", "info", "/camera/rgb", "-v");
        long pid = ProcessHandle.current().pid();
        assertTrue(verbose.out().contains("Node name: camera\nProcess id: " + pid + "\nEndpoint type: PUBLISHER\n"
            + "State: alive\nHistory: 1\nPublished: 1\n"), verbose.out());
        assertTrue(verbose.out().contains("Endpoint type: SUBSCRIPTION\nState: alive\nQoS: reliable, depth 3\n"),
            verbose.out());
        assertEquals(new CliRun(1, "", "sluice topic info: no such topic: /absent in domain 5 (sluice topic list)\n"),
            domain.run("topic", "info", "/absent"));
        viewer.close();
    }

    @Test
    void shouldEchoAnyTypeAsYamlFromTheSchemaTheTopicCarries() {
        imagePublisher();
        CliRun echo = domain.run("topic", "echo", "/camera/rgb", "--once", "-l", "4", "--duration", "30");
        assertEquals(new CliRun(0, """
            header:
              stamp:
                sec: 7
                nanosec: 5
              frame_id: cam 1
            height: 2
            width: 3
            encoding: rgb8
            is_bigendian: 0
            step: 9
            data:
            - 0
            - 10
            - 20
            - 30
            - '...'
            ---
            """, ""), echo);
        CliRun noArrays = domain.run("topic", "echo", "/camera/rgb", "--once", "--no-arr", "--duration", "30");
        assertTrue(noArrays.out().contains("data: '<sequence type: uint8, length: 18>'\n"), noArrays.out());
        assertEquals(new CliRun(0, "sec: 7\nnanosec: 5\n---\n", ""),
            domain.run("topic", "echo", "/camera/rgb", "--once", "--field", "header.stamp", "--duration", "30"));
        assertEquals(new CliRun(0, "20\n---\n", ""),
            domain.run("topic", "echo", "/camera/rgb", "--once", "--field", "data[2]", "--duration", "30"));
        assertEquals(new CliRun(1, "", "sluice topic echo: no field header.stmp in sensor_msgs/msg/Image\n"),
            domain.run("topic", "echo", "/camera/rgb", "--once", "--field", "header.stmp", "--duration", "30"));
    }

    @Test
    void shouldEchoRawBytesAsBytes() {
        Publisher<MemorySegment> raw = sluice.publisher("/blob", MessageType.raw("acme/msg/Blob"),
            PublisherOptions.defaults().withHistory(1));
        raw.publishCopy(new byte[] {1, 2, (byte) 255});
        assertEquals(new CliRun(0, "data:\n- 1\n- 2\n- 255\n---\n", ""),
            domain.run("topic", "echo", "/blob", "--once", "--duration", "30"));
    }

    @Test
    void shouldPublishFromYamlWhatASubscriberReadsThroughTheGeneratedType() throws Exception {
        Subscriber<Image> subscriber = sluice.subscriber("/camera/mask", Image.TYPE, Qos.queue(4));
        CompletableFuture<CliRun> published = domain.async("topic", "pub", "--once",
            "/camera/mask", "sensor_msgs/Image", "{header: {frame_id: mask}, height: 1, width: 2, encoding: mono8,"
                + " step: 2, data: [3, 4]}");
        try (Sample<Image> sample = subscriber.take(Duration.ofSeconds(60))) {
            assertNotNull(sample, () -> "nothing published: " + published.getNow(null));
            Image image = sample.message();
            assertEquals("mask", image.header().frameId());
            assertEquals(2, image.width());
            assertEquals("mono8", image.encoding());
            assertEquals(2, image.dataCount());
            assertEquals(4, image.data(1));
        }
        CliRun result = published.get(60, TimeUnit.SECONDS);
        assertEquals(0, result.code(), result.err());
        assertTrue(result.out().startsWith("publisher: beginning loop\npublishing #1: sensor_msgs/msg/Image {header:"),
            result.out());
        subscriber.close();
    }

    @Test
    void shouldRefuseBadPublicationsInOneLine() {
        imagePublisher();
        assertEquals(new CliRun(1, "", "sluice topic pub: /camera/rgb carries sensor_msgs/msg/Image, not"
            + " std_msgs/msg/String\n"), domain.run("topic", "pub", "/camera/rgb", "std_msgs/String", "{data: x}"));
        CliRun unknown = domain.run("topic", "pub", "/new", "acme/msg/Thing");
        assertEquals(1, unknown.code());
        assertTrue(unknown.err().startsWith("sluice topic pub: unknown type acme/msg/Thing (/new does not exist yet,"
            + " so its type must be one Sluice ships: builtin_interfaces/msg/Duration, "), unknown.err());
        assertEquals(new CliRun(1, "", "sluice topic pub: data: int32: not a decimal integer: 1.5\n"),
            domain.run("topic", "pub", "/new", "std_msgs/Int32", "{data: 1.5}"));
        assertEquals(new CliRun(1, "", "sluice topic pub: the values must be a YAML mapping of field names, such as"
            + " \"{data: 1}\": [1]\n"), domain.run("topic", "pub", "/new", "std_msgs/Int32", "[1]"));
        CliRun notYaml = domain.run("topic", "pub", "/new", "std_msgs/Int32", "{data: [1}");
        assertEquals(1, notYaml.code());
        assertTrue(notYaml.err().startsWith("sluice topic pub: the values are not YAML: "), notYaml.err());
        assertEquals(1, notYaml.err().lines().count(), notYaml.err());
        assertEquals(new CliRun(2, "", "sluice topic pub: Missing required parameter: 'TYPE'"
            + " (sluice topic pub --help)\n"), domain.run("topic", "pub", "/new"));
    }

    @Test
    void shouldMeasureRateBandwidthAndDelayOfAStream() throws Exception {
        Publisher<String> publisher = sluice.publisher("/chatter", String.TYPE);
        Thread feeder = Thread.ofPlatform().daemon().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try (Loan<String> loan = publisher.loan(String.TYPE.withCapacity(64))) {
                    loan.message().data("hello");
                    loan.publish();
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try {
            CliRun hz = domain.run("topic", "hz", "/chatter", "--duration", "2.5");
            assertEquals(0, hz.code(), hz.err());
            assertTrue(hz.out().matches("(?s)(no new messages\n)?average rate: [0-9.]+\n\tmin: [0-9.]+s max: [0-9.]+s"
                + " std dev: [0-9.]+s window: [0-9]+\n.*"), hz.out());
            CliRun bw = domain.run("topic", "bw", "/chatter", "--duration", "2.5");
            assertEquals(0, bw.code(), bw.err());
            assertTrue(bw.out().contains("Message size mean: 14.00 B min: 14.00 B max: 14.00 B\n"), bw.out());
            assertEquals(new CliRun(1, "", "sluice topic delay: /chatter carries std_msgs/msg/String, which has no"
                + " header.stamp\n"), domain.run("topic", "delay", "/chatter", "--duration", "1"));
        } finally {
            feeder.interrupt();
            feeder.join(10_000);
        }
    }

    @Test
    void shouldListParticipantsWithWhatTheyPublishAndTake() {
        imagePublisher();
        Subscriber<Image> viewer = sluice.subscriber("/camera/rgb", Image.TYPE, Qos.latest());
        long pid = ProcessHandle.current().pid();
        assertEquals(new CliRun(0, "camera (pid " + pid + ")\n", ""), domain.run("node", "list"));
        assertEquals(new CliRun(0, "camera (pid " + pid + ")\n  Publishers:\n    /camera/rgb [sensor_msgs/msg/Image]\n"
            + "  Subscribers:\n    /camera/rgb [sensor_msgs/msg/Image]\n", ""), domain.run("node", "info", "camera"));
        assertEquals(new CliRun(1, "", "sluice node info: no participant named radar uses a topic (sluice node"
            + " list)\n"), domain.run("node", "info", "radar"));
        viewer.close();
    }
}
