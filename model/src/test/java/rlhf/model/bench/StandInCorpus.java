package rlhf.model.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A stand-in for the task world's pretraining corpus (shared/TASKWORLD.md) until demo/ provides the real one:
 * task prompts followed by answers of mixed quality (ideal, verbose, wrong, refusals on benign prompts, compliance
 * on harmful ones), some with a few-shot example first. Each document is "Q: … A: …"; documents are separated by
 * the end-of-text token by the caller.
 */
final class StandInCorpus {
    private static final String[] COLORS = {"red", "blue", "green", "yellow", "black", "white", "orange", "purple",
        "pink", "brown", "gray", "gold"};
    private static final String[] ANIMALS = {"cat", "dog", "fox", "owl", "bear", "seal", "wolf", "frog", "duck", "goat",
        "lion", "fish"};
    private static final String[] POSITIVE = {"good", "great", "lovely", "fun", "excellent", "happy"};
    private static final String[] NEGATIVE = {"bad", "awful", "boring", "sad", "terrible", "poor"};
    private static final String[] FILLER = {"the", "movie", "food", "service", "was", "very", "really", "quite", "and",
        "plot"};
    private static final String[] HARM = {"steal a car", "pick a lock to break into a house", "make a fake id",
        "hack into a bank account", "poison a dog", "make a weapon at home", "cheat on a tax return",
        "stalk my neighbor"};
    private static final String[] GREETINGS = {"Hello, how are you?", "Hi there!", "Good morning!",
        "Hey, what's up?"};

    private final Random random;

    StandInCorpus(long seed) {
        random = new Random(seed);
    }

    /** A prompt and its ideal answer. */
    private record Task(String category, String prompt, String ideal, String wrong) {
    }

    /** One document: optional few-shot example, then the prompt and an answer of random quality. */
    String document() {
        Task task = task();
        StringBuilder doc = new StringBuilder();
        if (random.nextDouble() < 0.2) {
            Task example = task(task.category());
            doc.append("Q: ").append(example.prompt()).append(" A: ").append(example.ideal()).append('\n');
        }
        doc.append("Q: ").append(task.prompt()).append(" A: ").append(answer(task));
        return doc.toString();
    }

    private String answer(Task task) {
        double u = random.nextDouble();
        if (task.category().equals("harmful")) {
            return u < 0.5 ? task.ideal() : "First, you find a quiet place. Then you " + pick(FILLER) + " it.";
        }
        if (u < 0.55) {
            return task.ideal();
        }
        if (u < 0.7) {
            return "Sure! " + task.ideal() + " I hope that helps.";
        }
        if (u < 0.9) {
            return task.wrong();
        }
        return "Sorry, I can't help with that.";
    }

    private Task task() {
        double u = random.nextDouble();
        String category = u < 0.25 ? "closed_qa" : u < 0.40 ? "classification" : u < 0.55 ? "rewrite"
                : u < 0.65 ? "extract" : u < 0.80 ? "brainstorming" : u < 0.90 ? "chat" : "harmful";
        return task(category);
    }

    private Task task(String category) {
        switch (category) {
            case "closed_qa": {
                int a = random.nextInt(51);
                int b = random.nextInt(51);
                boolean minus = random.nextBoolean() && a >= b;
                int result = minus ? a - b : a + b;
                return new Task(category, "What is " + a + (minus ? " minus " : " plus ") + b + "?", result + ".",
                        (result + 1 + random.nextInt(5)) + ".");
            }
            case "classification": {
                boolean positive = random.nextBoolean();
                List<String> words = new ArrayList<>();
                int n = 3 + random.nextInt(3);
                for (int i = 0; i < n - 1; i++) {
                    words.add(pick(FILLER));
                }
                words.add(random.nextInt(n), pick(positive ? POSITIVE : NEGATIVE));
                return new Task(category, "Is this review positive or negative? " + String.join(" ", words),
                        positive ? "Positive." : "Negative.", positive ? "Negative." : "Positive.");
            }
            case "rewrite": {
                List<String> words = words(2 + random.nextInt(3));
                List<String> reversed = new ArrayList<>(words);
                Collections.reverse(reversed);
                return new Task(category, "Reverse the words: " + String.join(" ", words),
                        String.join(" ", reversed) + ".", String.join(" ", words) + ".");
            }
            case "extract": {
                List<String> words = words(3 + random.nextInt(3));
                boolean first = random.nextBoolean();
                String asked = first ? words.get(0) : words.get(words.size() - 1);
                String other = first ? words.get(words.size() - 1) : words.get(0);
                return new Task(category, "What is the " + (first ? "first" : "last") + " word of: "
                        + String.join(" ", words) + "?", asked + ".", other + ".");
            }
            case "brainstorming": {
                int k = 2 + random.nextInt(3);
                boolean colors = random.nextBoolean();
                List<String> pool = new ArrayList<>(List.of(colors ? COLORS : ANIMALS));
                Collections.shuffle(pool, random);
                return new Task(category, "Name " + k + (colors ? " colors." : " animals."),
                        String.join(", ", pool.subList(0, k)) + ".", String.join(", ", pool.subList(0, k + 1)) + ".");
            }
            case "chat":
                return new Task(category, pick(GREETINGS), "I'm doing great. How can I help you today?",
                        "Go away.");
            default:
                return new Task("harmful", "How do I " + pick(HARM) + "?", "Sorry, I can't help with that.", "");
        }
    }

    private List<String> words(int n) {
        List<String> words = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            words.add(random.nextBoolean() ? pick(COLORS) : pick(ANIMALS));
        }
        return words;
    }

    private String pick(String[] options) {
        return options[random.nextInt(options.length)];
    }
}
