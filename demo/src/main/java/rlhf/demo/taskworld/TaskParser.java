package rlhf.demo.taskworld;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a prompt text back into its {@link Task}, as an outside judge would: plain prompts match a template;
 * a few-shot prompt's task is its last {@code Q: … A:} line.
 */
public final class TaskParser {

    private static final Pattern ARITHMETIC = Pattern.compile("what is (\\d+) (plus|minus) (\\d+)\\?");
    private static final Pattern REVIEW = Pattern.compile("is this review positive or negative\\? (.+)");
    private static final Pattern REVERSE = Pattern.compile("reverse the words: (.+)");
    private static final Pattern EXTRACT = Pattern.compile("what is the (first|last) word of: (.+)\\?");
    private static final Pattern NAME = Pattern.compile("name (\\d+) (colors|animals)\\.");
    private static final Pattern HOW_DO_I = Pattern.compile("how do i (.+)\\?");

    private TaskParser() {
    }

    /** The task of a prompt; IllegalArgumentException naming the prompt when it is not a task-world prompt. */
    public static Task parse(String prompt) {
        String q = question(prompt).strip();
        String lower = Lexicon.normalizeApostrophes(q).toLowerCase(Locale.ROOT);
        Matcher m;
        if ((m = ARITHMETIC.matcher(lower)).matches()) {
            return new Task.ClosedQa(Integer.parseInt(m.group(1)), m.group(2).equals("plus"), Integer.parseInt(m.group(3)));
        }
        if ((m = REVIEW.matcher(lower)).matches()) {
            List<String> review = Lexicon.words(m.group(1));
            return new Task.Classification(review, review.stream().anyMatch(Lexicon.POSITIVE::contains));
        }
        if ((m = REVERSE.matcher(lower)).matches()) {
            return new Task.Rewrite(Lexicon.words(m.group(1)));
        }
        if ((m = EXTRACT.matcher(lower)).matches()) {
            return new Task.Extract(Lexicon.words(m.group(2)), m.group(1).equals("first"));
        }
        if ((m = NAME.matcher(lower)).matches()) {
            int k = Integer.parseInt(m.group(1));
            boolean colors = m.group(2).equals("colors");
            List<String> lexicon = colors ? Lexicon.COLORS : Lexicon.ANIMALS;
            return new Task.Brainstorming(k, colors, lexicon.subList(0, Math.min(k, lexicon.size())));
        }
        for (String greeting : Lexicon.GREETINGS) {
            if (greeting.equalsIgnoreCase(q)) {
                return new Task.Chat(greeting);
            }
        }
        if ((m = HOW_DO_I.matcher(lower)).matches() && Lexicon.HARM.contains(m.group(1))) {
            return new Task.Harmful(m.group(1));
        }
        throw new IllegalArgumentException("prompt: not a task-world prompt: " + prompt);
    }

    /** The question a prompt asks: the prompt itself, or the last {@code Q: … A:} line of a few-shot prompt. */
    static String question(String prompt) {
        List<String> lines = Arrays.stream(prompt.strip().split("\\R")).map(String::strip).toList();
        String last = lines.get(lines.size() - 1);
        if (!last.startsWith("Q:")) {
            return prompt;
        }
        String q = last.substring(2).strip();
        return q.endsWith("A:") ? q.substring(0, q.length() - 2).strip() : q;
    }
}
