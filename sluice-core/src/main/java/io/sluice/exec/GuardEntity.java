package io.sluice.exec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * A guard condition. RAISED goes 0 -> 1 by the first trigger (which then tells the executor, once) and 1 -> 0 by
 * the executor just before it runs the handler, so triggers during the handler raise it again and run it again.
 */
final class GuardEntity extends Entity implements GuardCondition {
    private static final VarHandle RAISED;

    static {
        try {
            RAISED = MethodHandles.lookup().findVarHandle(GuardEntity.class, "raised", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Runnable handler;
    @SuppressWarnings("unused") // through RAISED
    private volatile int raised;
    private boolean captured;

    GuardEntity(AbstractExecutor owner, String name, Runnable handler) {
        super(owner, Kind.WAITABLE, "guard " + Objects.requireNonNull(name, "name"));
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    @Override
    public void trigger() {
        if (!isActive() || !owner.accepting()) {
            return;
        }
        if ((int) RAISED.getVolatile(this) == 0 && RAISED.compareAndSet(this, 0, 1)) {
            owner.schedule(this);
        }
    }

    @Override
    int dispatch(int limit) {
        if ((int) RAISED.getAndSet(this, 0) == 0 || !isActive()) {
            return 0;
        }
        run();
        return 1;
    }

    @Override
    boolean snapshot(long nowNanos) {
        if (!captured && isActive() && (int) RAISED.getAndSet(this, 0) == 1) {
            captured = true;
        }
        return captured;
    }

    @Override
    int executeSnapshot() {
        if (!captured) {
            return 0;
        }
        captured = false;
        run();
        return 1;
    }

    @Override
    void discard() {
        captured = false;
        RAISED.setVolatile(this, 0);
    }

    private void run() {
        try {
            handler.run();
        } catch (Throwable error) {
            owner.report(role, error);
        } finally {
            countHandled();
        }
    }
}
