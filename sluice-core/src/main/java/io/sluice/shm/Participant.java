package io.sluice.shm;

import io.sluice.MessageType;
import io.sluice.Publisher;
import io.sluice.PublisherOptions;
import io.sluice.Qos;
import io.sluice.SluiceOptions;
import io.sluice.Subscriber;
import io.sluice.TopicInfo;

import java.util.ArrayList;
import java.util.List;

/** The shared-memory side of one {@link io.sluice.Sluice}: its domain, name, options and open endpoints. */
public final class Participant implements AutoCloseable {
    private final String name;
    private final SluiceOptions options;
    private final Domain domain;
    private final List<AutoCloseable> endpoints = new ArrayList<>();

    public Participant(String name, SluiceOptions options) {
        this.name = name;
        this.options = options;
        this.domain = Domain.open(options.root(), options.domain());
    }

    public String name() {
        return name;
    }

    public SluiceOptions options() {
        return options;
    }

    public Domain domain() {
        return domain;
    }

    public <T> Publisher<T> publisher(String topic, MessageType<T> type, PublisherOptions publisherOptions) {
        TopicNames.validate(topic);
        ShmPublisher<T> publisher = new ShmPublisher<>(this, topic, type, publisherOptions, options.maxMessageSize());
        synchronized (endpoints) {
            endpoints.add(publisher);
        }
        return publisher;
    }

    public <T> Subscriber<T> subscriber(String topic, MessageType<T> type, Qos qos) {
        TopicNames.validate(topic);
        ShmSubscriber<T> subscriber = new ShmSubscriber<>(this, topic, type, qos);
        synchronized (endpoints) {
            endpoints.add(subscriber);
        }
        return subscriber;
    }

    public TopicInfo topicInfo(String topic) {
        return TopicFile.describe(domain, topic);
    }

    public io.sluice.TopicStatus topicStatus(String topic) {
        return TopicFile.survey(domain, topic);
    }

    void forget(AutoCloseable endpoint) {
        synchronized (endpoints) {
            endpoints.remove(endpoint);
        }
    }

    @Override
    public void close() {
        List<AutoCloseable> open;
        synchronized (endpoints) {
            open = new ArrayList<>(endpoints);
        }
        for (AutoCloseable endpoint : open) {
            try {
                endpoint.close();
            } catch (Exception ignored) {
                // closing the rest matters more
            }
        }
    }
}
