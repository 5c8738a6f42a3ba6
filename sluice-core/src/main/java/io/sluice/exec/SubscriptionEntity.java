package io.sluice.exec;

import io.sluice.Sample;
import io.sluice.Subscriber;
import io.sluice.os.FutexWaitable;

import java.util.Objects;

/** A subscriber and its handler; also the request side of services and the response side of clients. */
final class SubscriptionEntity<T> extends Entity {
    private final Subscriber<T> subscriber;
    private final SampleHandler<T> handler;
    private final FutexWaitable waitable;
    /** The sample a polling point took, run by {@link #executeSnapshot}. */
    private Sample<T> held;
    /** The event loop had the subscriber name its doorbell (loop thread only). */
    boolean belled;

    SubscriptionEntity(AbstractExecutor owner, Kind kind, Subscriber<T> subscriber, SampleHandler<T> handler) {
        super(owner, kind, Objects.requireNonNull(subscriber, "subscriber").topic());
        this.subscriber = subscriber;
        this.handler = Objects.requireNonNull(handler, "handler");
        this.waitable = subscriber instanceof FutexWaitable futex ? futex : null;
    }

    @Override
    FutexWaitable waitable() {
        return waitable;
    }

    @Override
    boolean belled() {
        return belled;
    }

    Subscriber<T> subscriber() {
        return subscriber;
    }

    @Override
    int dispatch(int limit) {
        int done = 0;
        while (done < limit && isActive() && !owner.discarding()) {
            Sample<T> sample = take();
            if (sample == null) {
                break;
            }
            if (!owner.publishedBeforeClose(sample.publishNanos())) {
                drop(sample); // a draining close handles what was there at close, not what keeps coming
                break;
            }
            done++;
            handle(sample);
        }
        return done;
    }

    @Override
    boolean snapshot(long nowNanos) {
        if (held == null && isActive()) {
            held = take();
            if (held != null && !owner.publishedBeforeClose(held.publishNanos())) {
                drop(held); // a draining close handles what was there at close, not what keeps coming
                held = null;
            }
        }
        return held != null;
    }

    @Override
    int executeSnapshot() {
        Sample<T> sample = held;
        if (sample == null) {
            return 0;
        }
        held = null;
        handle(sample);
        return 1;
    }

    @Override
    void discard() {
        Sample<T> sample = held;
        held = null;
        if (sample != null) {
            drop(sample);
        }
    }

    /** A sample taken and not handled: released and counted, never lost without a trace. */
    private void drop(Sample<T> sample) {
        countDropped();
        sample.close();
    }

    private Sample<T> take() {
        try {
            return subscriber.take();
        } catch (IllegalStateException closed) {
            // the subscriber was closed under its registration: say so once and end the registration
            owner.report(role, closed);
            close();
            return null;
        } catch (Throwable error) {
            // a damaged topic: reported, and the executor goes on with the others
            owner.report(role, error);
            return null;
        }
    }

    private void handle(Sample<T> sample) {
        try {
            handler.onSample(sample);
        } catch (Throwable error) {
            owner.report(role, error);
        } finally {
            sample.close();
            countHandled();
        }
    }
}
