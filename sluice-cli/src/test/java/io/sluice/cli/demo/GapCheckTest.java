package io.sluice.cli.demo;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GapCheckTest {
    @Test
    void shouldAcceptFramesInOrderWithoutLoss() {
        GapCheck check = new GapCheck();
        for (long frame = 0; frame < 5; frame++) {
            assertEquals(GapCheck.Outcome.IN_ORDER, check.check(frame, 0));
        }
        assertEquals(0, check.uncounted());
    }

    @Test
    void shouldAcceptAGapThatTheLostCountExplains() {
        GapCheck check = new GapCheck();
        check.check(0, 0);
        check.check(4, 3); // frames 1, 2, 3 skipped and counted
        check.check(5, 3);

        assertEquals(0, check.uncounted());
    }

    @Test
    void shouldCountAGapTheLostCountDoesNotExplain() {
        GapCheck check = new GapCheck();
        check.check(0, 0);
        check.check(4, 1); // three skipped, one counted
        check.check(7, 1); // two skipped, none counted

        assertEquals(4, check.uncounted());
    }

    @Test
    void shouldCountAMissingFirstFrameThatWasNotCounted() {
        GapCheck check = new GapCheck();
        check.check(2, 0);

        assertEquals(2, check.uncounted());
    }

    @Test
    void shouldReportAFrameNumberThatGoesBackwards() {
        GapCheck check = new GapCheck();
        check.check(0, 0);
        check.check(1, 0);

        assertEquals(GapCheck.Outcome.OUT_OF_ORDER, check.check(1, 0));
        assertEquals(GapCheck.Outcome.OUT_OF_ORDER, check.check(0, 0));
        assertEquals(GapCheck.Outcome.IN_ORDER, check.check(2, 0));
        assertEquals(0, check.uncounted());
    }

    @Test
    void shouldTakeATornFrameAsTheNextOneDue() {
        GapCheck check = new GapCheck();
        check.check(0, 0);
        check.tornFrame(2); // frames 1 and 2 counted lost, the torn one is frame 3
        check.check(4, 2);

        assertEquals(0, check.uncounted());
    }
}
