package rlhf.demo.taskworld;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Draws task-world prompts at the spec's category mix from a seed (same seed, same prompts). */
public final class TaskGenerator {

    private final Random random;

    public TaskGenerator(long seed) {
        this.random = new Random(seed);
    }

    /** A task of a category drawn by the spec's shares. */
    public Task next() {
        return next(drawCategory());
    }

    public Task next(Category category) {
        return switch (category) {
            case CLOSED_QA -> closedQa();
            case CLASSIFICATION -> classification();
            case REWRITE -> new Task.Rewrite(distinct(colorsAndAnimals(), 2 + random.nextInt(3)));
            case EXTRACT -> new Task.Extract(distinct(colorsAndAnimals(), 3 + random.nextInt(3)), random.nextBoolean());
            case BRAINSTORMING -> brainstorming();
            case CHAT -> new Task.Chat(pick(Lexicon.GREETINGS));
            case HARMFUL -> new Task.Harmful(pick(Lexicon.HARM));
        };
    }

    /** The prompt text of a task in the given kind; few-shot adds one or two solved examples of its category. */
    public String render(Task task, PromptKind kind) {
        if (kind != PromptKind.FEW_SHOT) {
            return task.prompt();
        }
        StringBuilder sb = new StringBuilder();
        int examples = 1 + random.nextInt(2);
        for (int i = 0; i < examples; i++) {
            Task example = next(task.category());
            sb.append("Q: ").append(example.prompt()).append(" A: ").append(example.ideal()).append('\n');
        }
        return sb.append("Q: ").append(task.prompt()).append(" A:").toString();
    }

    Random random() {
        return random;
    }

    private Category drawCategory() {
        double u = random.nextDouble();
        double cumulative = 0;
        for (Category c : Category.values()) {
            cumulative += c.share();
            if (u < cumulative) {
                return c;
            }
        }
        return Category.HARMFUL; // u within rounding of 1.0
    }

    private Task closedQa() {
        int a = random.nextInt(51);
        int b = random.nextInt(51);
        boolean plus = random.nextBoolean();
        if (!plus && a < b) {
            int t = a;
            a = b;
            b = t;
        }
        return new Task.ClosedQa(a, plus, b);
    }

    private Task classification() {
        boolean positive = random.nextBoolean();
        int length = 3 + random.nextInt(3);
        List<String> review = new ArrayList<>();
        for (int i = 0; i < length - 1; i++) {
            review.add(pick(Lexicon.FILLER));
        }
        review.add(random.nextInt(length), pick(positive ? Lexicon.POSITIVE : Lexicon.NEGATIVE));
        return new Task.Classification(review, positive);
    }

    private Task brainstorming() {
        int k = 2 + random.nextInt(3);
        boolean colors = random.nextBoolean();
        return new Task.Brainstorming(k, colors, distinct(colors ? Lexicon.COLORS : Lexicon.ANIMALS, k));
    }

    private static List<String> colorsAndAnimals() {
        List<String> all = new ArrayList<>(Lexicon.COLORS);
        all.addAll(Lexicon.ANIMALS);
        return all;
    }

    List<String> distinct(List<String> pool, int n) {
        List<String> copy = new ArrayList<>(pool);
        java.util.Collections.shuffle(copy, random);
        return List.copyOf(copy.subList(0, n));
    }

    <T> T pick(List<T> list) {
        return list.get(random.nextInt(list.size()));
    }
}
