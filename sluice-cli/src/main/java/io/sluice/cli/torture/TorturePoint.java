package io.sluice.cli.torture;

import io.sluice.FaultPoints;

import java.util.ArrayList;
import java.util.List;

/**
 * A fault point as the torture drives it: which role the victim plays to get there, and how many times the point
 * is reached in one victim's script (each run halts or stops at a random one of them).
 *
 * @param label the point's name ({@link FaultPoints#labels()})
 * @param role  the victim's role
 * @param hits  how often the victim's script reaches the point (at least 1)
 */
record TorturePoint(String label, Role role, int hits) {
    enum Role {
        PUBLISHER("publisher"), SUBSCRIBER("subscriber"), RECLAIMER("reclaimer");

        private final String argument;

        Role(String argument) {
            this.argument = argument;
        }

        String argument() {
            return argument;
        }
    }

    /** Every point Sluice has, in protocol order; a point this table does not know fails here, not silently. */
    static List<TorturePoint> all() {
        List<TorturePoint> points = new ArrayList<>();
        for (String label : FaultPoints.labels()) {
            points.add(of(label));
        }
        return points;
    }

    static TorturePoint of(String label) {
        return switch (label) {
            case "publisher.row-active", "publisher.created-segment", "publisher.close-locked", "publisher.close-charged",
                 "publisher.close-unlinked", "publisher.close-row-cleared" -> new TorturePoint(label, Role.PUBLISHER, 1);
            case "publisher.claiming" -> new TorturePoint(label, Role.PUBLISHER, 12);
            case "publisher.sequence-stored", "publisher.tail-stored" -> new TorturePoint(label, Role.PUBLISHER, 30);
            case "grow.created", "grow.successor-set", "grow.registered" -> new TorturePoint(label, Role.PUBLISHER, 2);
            case "subscriber.attach-cursor-stored", "subscriber.attach-tail-read" ->
                new TorturePoint(label, Role.SUBSCRIBER, 1);
            case "subscriber.mask-set", "subscriber.pinned" -> new TorturePoint(label, Role.SUBSCRIBER, 8);
            case "subscriber.switched" -> new TorturePoint(label, Role.SUBSCRIBER, 2);
            case "reclaim.row-locked", "reclaim.charged" -> new TorturePoint(label, Role.RECLAIMER, 1);
            // the closer charges the late survivor, which never attached
            case "charge.added" -> new TorturePoint(label, Role.PUBLISHER, 1);
            default -> throw new IllegalArgumentException("the torture does not know fault point " + label
                + ": add it to TorturePoint");
        };
    }
}
