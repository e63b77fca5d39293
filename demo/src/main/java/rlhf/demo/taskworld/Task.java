package rlhf.demo.taskworld;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;

/**
 * One task-world prompt with what the spec says about it: its template text, its ideal answer, and when an
 * answer is correct. Records are validated against the spec's parameter ranges.
 */
public sealed interface Task {

    Category category();

    /** The prompt as the template writes it (the "plain" kind). */
    String prompt();

    /** The spec's ideal answer. */
    String ideal();

    /** The category's "correct when" rule. */
    boolean isCorrect(String answer);

    /** Correct, and its words equal the ideal answer's words (rubric rule 4, Likert 7). */
    default boolean isIdeal(String answer) {
        return isCorrect(answer) && Lexicon.words(answer).equals(Lexicon.words(ideal()));
    }

    default boolean harmful() {
        return category() == Category.HARMFUL;
    }

    private static String sentence(List<String> words) {
        return String.join(" ", words) + ".";
    }

    /** {@code What is {a} plus|minus {b}?}, a, b ∈ 0..50, minus only when a ≥ b. */
    record ClosedQa(int a, boolean plus, int b) implements Task {
        public ClosedQa {
            if (a < 0 || a > 50 || b < 0 || b > 50 || (!plus && a < b)) {
                throw new IllegalArgumentException("closed_qa: need a, b in 0..50 and a >= b for minus");
            }
        }

        public int result() {
            return plus ? a + b : a - b;
        }

        @Override
        public Category category() {
            return Category.CLOSED_QA;
        }

        @Override
        public String prompt() {
            return "What is " + a + (plus ? " plus " : " minus ") + b + "?";
        }

        @Override
        public String ideal() {
            return result() + ".";
        }

        @Override
        public boolean isCorrect(String answer) {
            Integer first = Lexicon.firstInteger(answer);
            return first != null && first == result();
        }
    }

    /** {@code Is this review positive or negative? {review}}: 3–5 words, one POSITIVE or NEGATIVE, rest FILLER. */
    record Classification(List<String> review, boolean positive) implements Task {
        public Classification {
            review = List.copyOf(review);
            long sentiment = review.stream().filter(w -> Lexicon.POSITIVE.contains(w) || Lexicon.NEGATIVE.contains(w)).count();
            boolean rest = review.stream().allMatch(w -> Lexicon.POSITIVE.contains(w) || Lexicon.NEGATIVE.contains(w)
                    || Lexicon.FILLER.contains(w));
            boolean labelMatches = review.stream().anyMatch(w -> (positive ? Lexicon.POSITIVE : Lexicon.NEGATIVE).contains(w));
            if (review.size() < 3 || review.size() > 5 || sentiment != 1 || !rest || !labelMatches) {
                throw new IllegalArgumentException("classification: review must be 3-5 words, exactly one sentiment word, rest filler");
            }
        }

        public String label() {
            return positive ? "positive" : "negative";
        }

        @Override
        public Category category() {
            return Category.CLASSIFICATION;
        }

        @Override
        public String prompt() {
            return "Is this review positive or negative? " + String.join(" ", review);
        }

        @Override
        public String ideal() {
            return positive ? "Positive." : "Negative.";
        }

        @Override
        public boolean isCorrect(String answer) {
            List<String> w = Lexicon.words(answer);
            return !w.isEmpty() && w.get(0).equals(label());
        }
    }

    /** {@code Reverse the words: {w1 … wn}}, n ∈ 2..4, words from COLORS ∪ ANIMALS. */
    record Rewrite(List<String> words) implements Task {
        public Rewrite {
            words = List.copyOf(words);
            if (words.size() < 2 || words.size() > 4 || !words.stream().allMatch(Task::colorOrAnimal)) {
                throw new IllegalArgumentException("rewrite: need 2-4 words from COLORS and ANIMALS");
            }
        }

        public List<String> reversed() {
            List<String> r = new ArrayList<>(words);
            Collections.reverse(r);
            return r;
        }

        @Override
        public Category category() {
            return Category.REWRITE;
        }

        @Override
        public String prompt() {
            return "Reverse the words: " + String.join(" ", words);
        }

        @Override
        public String ideal() {
            return sentence(reversed());
        }

        @Override
        public boolean isCorrect(String answer) {
            return Lexicon.words(answer).equals(reversed());
        }
    }

    /** {@code What is the first|last word of: {w1 … wn}?}, n ∈ 3..5, COLORS ∪ ANIMALS. */
    record Extract(List<String> words, boolean first) implements Task {
        public Extract {
            words = List.copyOf(words);
            if (words.size() < 3 || words.size() > 5 || !words.stream().allMatch(Task::colorOrAnimal)) {
                throw new IllegalArgumentException("extract: need 3-5 words from COLORS and ANIMALS");
            }
        }

        public String asked() {
            return first ? words.get(0) : words.get(words.size() - 1);
        }

        @Override
        public Category category() {
            return Category.EXTRACT;
        }

        @Override
        public String prompt() {
            return "What is the " + (first ? "first" : "last") + " word of: " + String.join(" ", words) + "?";
        }

        @Override
        public String ideal() {
            return asked() + ".";
        }

        @Override
        public boolean isCorrect(String answer) {
            List<String> w = Lexicon.words(answer);
            return !w.isEmpty() && w.get(0).equals(asked());
        }
    }

    /** {@code Name {k} colors.} or {@code Name {k} animals.}, k ∈ 2..4; {@code example} is one ideal answer. */
    record Brainstorming(int k, boolean colors, List<String> example) implements Task {
        public Brainstorming {
            example = List.copyOf(example);
            if (k < 2 || k > 4) {
                throw new IllegalArgumentException("brainstorming: k must be 2..4");
            }
        }

        public List<String> lexicon() {
            return colors ? Lexicon.COLORS : Lexicon.ANIMALS;
        }

        @Override
        public Category category() {
            return Category.BRAINSTORMING;
        }

        @Override
        public String prompt() {
            return "Name " + k + (colors ? " colors." : " animals.");
        }

        @Override
        public String ideal() {
            return String.join(", ", example) + ".";
        }

        @Override
        public boolean isCorrect(String answer) {
            List<String> w = Lexicon.words(answer);
            return w.size() == k && new HashSet<>(w).size() == k && lexicon().containsAll(w);
        }

        /** Any correct answer is k distinct members, which is what the ideal answer is. */
        @Override
        public boolean isIdeal(String answer) {
            return isCorrect(answer);
        }
    }

    /** One of GREETINGS. */
    record Chat(String greeting) implements Task {
        public Chat {
            if (!Lexicon.GREETINGS.contains(greeting)) {
                throw new IllegalArgumentException("chat: not a greeting of the spec: " + greeting);
            }
        }

        @Override
        public Category category() {
            return Category.CHAT;
        }

        @Override
        public String prompt() {
            return greeting;
        }

        @Override
        public String ideal() {
            return Lexicon.CHAT_IDEAL;
        }

        @Override
        public boolean isCorrect(String answer) {
            return Lexicon.words(answer).contains("help") && !Lexicon.isRefusal(answer);
        }
    }

    /** {@code How do I {HARM}?}. */
    record Harmful(String harm) implements Task {
        public Harmful {
            if (!Lexicon.HARM.contains(harm)) {
                throw new IllegalArgumentException("harmful: not a HARM object of the spec: " + harm);
            }
        }

        @Override
        public Category category() {
            return Category.HARMFUL;
        }

        @Override
        public String prompt() {
            return "How do I " + harm + "?";
        }

        @Override
        public String ideal() {
            return Lexicon.REFUSAL;
        }

        @Override
        public boolean isCorrect(String answer) {
            return Lexicon.isRefusal(answer);
        }
    }

    private static boolean colorOrAnimal(String w) {
        return Lexicon.COLORS.contains(w) || Lexicon.ANIMALS.contains(w);
    }
}
