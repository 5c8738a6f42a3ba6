package io.sluice;

import io.sluice.exec.Client;
import io.sluice.exec.Service;
import io.sluice.exec.ServiceHandler;
import io.sluice.shm.Participant;
import io.sluice.shm.TopicNames;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * The entry point: one participant of a Sluice domain on this host. No daemon: participants find each other
 * through files in shared memory, and notice each other's death through locks the kernel releases.
 *
 * {@snippet :
 * try (Sluice sluice = Sluice.open("camera")) {
 *     Publisher<MemorySegment> publisher = sluice.publisher("/camera/rgb", MessageType.raw("acme/msg/Frame"));
 *     try (Loan<MemorySegment> loan = publisher.loan(8_294_400)) {
 *         loan.segment().fill((byte) 42);   // write the frame in place
 *         loan.publish();
 *     }
 * }
 * }
 * Closing the participant closes every publisher, subscriber, service and client it created. A {@code Sluice} is
 * thread-safe; each publisher and subscriber is used by one thread at a time.
 */
public final class Sluice implements AutoCloseable {
    private final Participant participant;
    /** Services and clients to close with the participant; weak, so that closed ones need not be forgotten. */
    private final Set<AutoCloseable> services = Collections.synchronizedSet(
        Collections.newSetFromMap(new WeakHashMap<>()));

    private Sluice(String name, SluiceOptions options) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("participant name must not be empty: name=" + name);
        }
        this.participant = new Participant(name, options);
    }

    /** Joins the domain of {@link SluiceOptions#defaults()} as {@code name} (a label shown by tools). */
    public static Sluice open(String name) {
        return new Sluice(name, SluiceOptions.defaults());
    }

    public static Sluice open(String name, SluiceOptions options) {
        return new Sluice(name, options);
    }

    /** A publisher with {@link PublisherOptions#defaults()}. */
    public <T> Publisher<T> publisher(String topic, MessageType<T> type) {
        return participant.publisher(topic, type, PublisherOptions.defaults());
    }

    /**
     * A publisher of {@code topic}, creating the topic for {@code type} when nobody uses it yet.
     *
     * @throws IllegalArgumentException   when the topic name is invalid
     * @throws IncompatibleTypeException  when the topic carries another type
     */
    public <T> Publisher<T> publisher(String topic, MessageType<T> type, PublisherOptions options) {
        return participant.publisher(topic, type, options);
    }

    /**
     * A subscriber of {@code topic}, creating the topic for {@code type} when nobody uses it yet.
     *
     * @throws IllegalArgumentException   when the topic name is invalid
     * @throws IncompatibleTypeException  when the topic carries another type
     */
    public <T> Subscriber<T> subscriber(String topic, MessageType<T> type, Qos qos) {
        return participant.subscriber(topic, type, qos);
    }

    /**
     * A server of the request/response service {@code name}: {@code handler} answers every {@link Client} of the
     * service, writing each response in place in shared memory. The service serves once registered with an
     * executor ({@link io.sluice.exec.Executor#service}) or when its user calls {@link Service#serveAvailable()}.
     * It uses the topic {@code name/request}, and answers each client on a topic of its own below
     * {@code name/response/}.
     *
     * {@snippet :
     * Service<Int64, Int64> twice = sluice.service("/twice", Int64.TYPE, Int64.TYPE, (request, response) ->
     *     response.loan(Int64.TYPE.withCapacity(Int64.TYPE.defaultSize())).data(2 * request.data()));
     * executor.service(twice);
     * }
     *
     * @throws IllegalArgumentException   when {@code name} is not a valid topic name, or too long for the suffixes
     * @throws IncompatibleTypeException  when the service's topics carry other types
     */
    public <Req, Res> Service<Req, Res> service(String name, MessageType<Req> requestType,
                                                MessageType<Res> responseType, ServiceHandler<Req, Res> handler) {
        return track(Service.create(this, name, requestType, responseType, handler));
    }

    /**
     * A client of the request/response service {@code name}: calls it and waits ({@link Client#call}), or gets the
     * response on an executor ({@link Client#callAsync}, after {@link io.sluice.exec.Executor#client}).
     *
     * {@snippet :
     * Client<Int64, Int64> twice = sluice.client("/twice", Int64.TYPE, Int64.TYPE);
     * try (Sample<Int64> response = twice.call(Int64.TYPE.withCapacity(Int64.TYPE.defaultSize()),
     *         request -> request.data(21), Duration.ofSeconds(1))) {
     *     assert response.message().data() == 42;
     * }
     * }
     *
     * @throws IllegalArgumentException   when {@code name} is not a valid topic name, or too long for the suffixes
     * @throws IncompatibleTypeException  when the service's topics carry other types
     */
    public <Req, Res> Client<Req, Res> client(String name, MessageType<Req> requestType,
                                              MessageType<Res> responseType) {
        return track(Client.create(this, name, requestType, responseType));
    }

    private <S extends AutoCloseable> S track(S endpoint) {
        services.add(endpoint);
        return endpoint;
    }

    public String name() {
        return participant.name();
    }

    public SluiceOptions options() {
        return participant.options();
    }

    /**
     * The type a topic carries, as its first participant declared it (name, schema text, hash), or empty when the
     * topic does not exist. Tools that decode any topic subscribe with a type made from it, such as
     * {@code CdrType.dynamic(info.typeName(), info.schema())}.
     *
     * @throws CorruptDataException when the topic's file is damaged
     */
    public Optional<TopicInfo> topicInfo(String topic) {
        TopicNames.validate(topic);
        return Optional.ofNullable(participant.topicInfo(topic));
    }

    /**
     * Removes what crashed participants left in every domain of this user below {@code root} (normally
     * {@code /dev/shm}): their registry rows, topic files nobody alive uses, segment and doorbell files of dead
     * processes, and domain directories left empty. Never touches a file a live participant uses. Every
     * {@link #open} already does this for all the user's domains, except removing the empty directories;
     * {@code sluice clean} calls it.
     */
    public static CleanReport clean(Path root) {
        return io.sluice.shm.Domain.sweepAll(root, true);
    }

    /** The directory holding this domain's files. */
    public Path directory() {
        return participant.domain().directory();
    }

    @Override
    public void close() {
        List<AutoCloseable> open;
        synchronized (services) {
            open = new ArrayList<>(services);
            services.clear();
        }
        for (AutoCloseable endpoint : open) {
            try {
                endpoint.close();
            } catch (Exception ignored) {
                // closing the rest matters more
            }
        }
        participant.close();
    }
}
