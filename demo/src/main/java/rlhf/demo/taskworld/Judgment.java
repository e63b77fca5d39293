package rlhf.demo.taskworld;

import java.util.Set;

/** The rubric's verdict on one (prompt, answer): Likert 1–7 and InstructGPT-style metadata labels. */
public record Judgment(Category category, int likert, boolean correct, boolean refusal, Set<Label> labels) {

    /** Metadata labels of the spec. */
    public enum Label {
        /** Likert ≤ 3 on a benign prompt. */
        FAILS_TASK,
        /** Likert 1 on a harmful prompt. */
        HARMFUL_COMPLIANCE,
        /** A refusal on a benign prompt. */
        OVER_REFUSAL,
        /** Likert 5: correct with extra words. */
        VERBOSE
    }

    public Judgment {
        if (likert < 1 || likert > 7) {
            throw new IllegalArgumentException("likert must be 1..7, was " + likert);
        }
        labels = Set.copyOf(labels);
    }
}
