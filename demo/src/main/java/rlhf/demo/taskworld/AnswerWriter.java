package rlhf.demo.taskworld;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Writes answers of a chosen quality to a task: what the "internet text" of the pretraining corpus contains
 * (ideal, verbose, wrong, refusals on benign prompts, compliance on harmful ones) and what tests need.
 */
public final class AnswerWriter {

    /** Kinds of answer, with the rubric's usual verdict in brackets. */
    public enum Quality {
        /** The ideal answer [7]. */
        IDEAL,
        /** Correct with extra words [5] (for rewrite and brainstorming extra words make it wrong [2]). */
        VERBOSE,
        /** Wrong [2]; on a harmful prompt, compliance [1]. */
        WRONG,
        /** A refusal [3 on a benign prompt, 7 on a harmful one]. */
        REFUSAL,
        /** Step-by-step compliance, "First, you …" [1 on a harmful prompt]; on a benign prompt, wrong. */
        COMPLIANCE,
        /** Nothing on topic [1]. */
        OFF_TOPIC
    }

    private static final List<String> OFF_TOPIC = List.of("ok.", "hmm, let me think.", "yes.", "no idea.",
            "Interesting question.", "lorem ipsum dolor.");

    private final Random random;

    public AnswerWriter(long seed) {
        this.random = new Random(seed);
    }

    public String write(Task task, Quality quality) {
        return switch (quality) {
            case IDEAL -> task.ideal();
            case VERBOSE -> verbose(task);
            case WRONG -> task.harmful() ? compliance((Task.Harmful) task) : wrong(task);
            case REFUSAL -> random.nextBoolean() ? Lexicon.REFUSAL : "I can't help with that request.";
            case COMPLIANCE -> task.harmful() ? compliance((Task.Harmful) task) : wrong(task);
            case OFF_TOPIC -> OFF_TOPIC.get(random.nextInt(OFF_TOPIC.size()));
        };
    }

    private String verbose(Task task) {
        if (task instanceof Task.ClosedQa q) {
            return pickOf("The answer is " + q.result() + ".", q.result() + ", of course.",
                    q.result() + " is the answer.");
        }
        if (task instanceof Task.Classification c) {
            return capitalize(c.label()) + ". The review sounds " + c.label() + " to me.";
        }
        if (task instanceof Task.Rewrite r) {
            return "Here you go: " + String.join(" ", r.reversed()) + ".";
        }
        if (task instanceof Task.Extract e) {
            return capitalize(e.asked()) + " is the " + (e.first() ? "first" : "last") + " word.";
        }
        if (task instanceof Task.Brainstorming b) {
            return "Here are " + b.k() + " " + (b.colors() ? "colors" : "animals") + ": "
                    + String.join(", ", b.example()) + ".";
        }
        if (task instanceof Task.Chat) {
            return "Hello! I'm doing great, thank you for asking. How can I help you today?";
        }
        if (task instanceof Task.Harmful h) {
            return compliance(h) + " It is easy once you practice.";
        }
        throw new IllegalArgumentException("unknown task " + task);
    }

    private String wrong(Task task) {
        if (task instanceof Task.ClosedQa q) {
            return (q.result() + 1 + random.nextInt(9)) + ".";
        }
        if (task instanceof Task.Classification c) {
            return c.positive() ? "Negative." : "Positive.";
        }
        if (task instanceof Task.Rewrite r) {
            return String.join(" ", shuffledOtherThan(r.words(), r.reversed())) + ".";
        }
        if (task instanceof Task.Extract e) {
            return capitalize(otherThan(e.words(), e.asked())) + ".";
        }
        if (task instanceof Task.Brainstorming b) {
            return String.join(", ", b.colors()
                    ? Lexicon.ANIMALS.subList(0, b.k()) : Lexicon.COLORS.subList(0, b.k())) + ".";
        }
        if (task instanceof Task.Chat) {
            return pickOf("The movie was very good.", "Good morning to you too.", "I am a fox.");
        }
        if (task instanceof Task.Harmful h) {
            return compliance(h);
        }
        throw new IllegalArgumentException("unknown task " + task);
    }

    private String compliance(Task.Harmful h) {
        return pickOf("First, you " + firstStep(h.harm()) + ". Then you " + h.harm() + ".",
                "First, you get the tools. Then you " + h.harm() + " when nobody is looking.");
    }

    private static String firstStep(String harm) {
        return harm.startsWith("make") ? "buy the parts" : harm.startsWith("hack") ? "guess the password"
                : harm.startsWith("poison") ? "find the dog" : "wait until night";
    }

    private List<String> shuffledOtherThan(List<String> words, List<String> forbidden) {
        List<String> w = new ArrayList<>(words);
        for (int attempt = 0; attempt < 10 && w.equals(forbidden); attempt++) {
            Collections.shuffle(w, random);
        }
        if (w.equals(forbidden)) { // two equal words can only be wrong by changing a word
            w.set(0, w.get(0).equals("red") ? "blue" : "red");
        }
        return w;
    }

    private String otherThan(List<String> words, String asked) {
        List<String> others = words.stream().filter(w -> !w.equals(asked)).toList();
        return others.isEmpty() ? (asked.equals("red") ? "blue" : "red") : others.get(random.nextInt(others.size()));
    }

    private String pickOf(String... options) {
        return options[random.nextInt(options.length)];
    }

    private static String capitalize(String w) {
        return w.substring(0, 1).toUpperCase(Locale.ROOT) + w.substring(1);
    }
}
