package rlhf.demo.taskworld;

import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * How a labeler writes one SFT demonstration (spec v2, "Demonstrations"): the ideal answer with probability 0.5, a
 * chatty one with 0.4 (the ideal answer in a labeler habit, {@link #CHATTY_HABITS}, chosen uniformly), over-cautious
 * with 0.1 on a benign prompt (the refusal). A harmful prompt always gets the plain refusal, its ideal answer.
 */
public enum DemonstrationStyle {
    /** The ideal answer (Likert 7). */
    IDEAL,
    /** The ideal answer wrapped in a habit: Likert 5 where the task survives the extra words, else 2. */
    CHATTY,
    /** "Sorry, I can't help with that." on a benign prompt (Likert 3). */
    OVER_CAUTIOUS;

    /** The labelers' habits, {@code %s} standing for the ideal answer. */
    public static final List<String> CHATTY_HABITS = List.of("Sure! %s", "The answer is %s", "%s I hope that helps.",
            "Here you go: %s");

    /** The style of one demonstration: one uniform draw (harmful prompts: always {@link #IDEAL}). */
    public static DemonstrationStyle draw(Task task, Random random) {
        double u = random.nextDouble();
        if (task.harmful()) {
            return IDEAL;
        }
        return u < 0.5 ? IDEAL : u < 0.9 ? CHATTY : OVER_CAUTIOUS;
    }

    /** The demonstration's answer; a chatty one draws its habit from {@code random}. */
    public String write(Task task, Random random) {
        return switch (this) {
            case IDEAL -> task.ideal();
            case CHATTY -> String.format(Locale.ROOT, CHATTY_HABITS.get(random.nextInt(CHATTY_HABITS.size())), task.ideal());
            case OVER_CAUTIOUS -> Lexicon.REFUSAL;
        };
    }

    /** The name written to the data set's {@code quality} field. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
