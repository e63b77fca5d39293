package rlhf.policy.service;

import java.util.List;

import rlhf.model.tokenizer.PromptResponse;
import rlhf.model.tokenizer.TextTokenizer;

/**
 * The text of generated ids as callers see it: decoded up to end-of-text ({@link PromptResponse#answerText}) and cut
 * before the first stop string. While streaming, text that might still become a stop string, or an incomplete
 * multi-byte character, is held back, so the deltas always add up to the final text.
 */
public final class AnswerText {

    private final TextTokenizer tokenizer;
    private final List<String> stop;

    public AnswerText(TextTokenizer tokenizer, List<String> stop) {
        this.tokenizer = tokenizer;
        this.stop = List.copyOf(stop);
    }

    /** Final text of {@code ids}, and whether a stop string ended it. */
    public Cut finalText(int[] ids) {
        String full = PromptResponse.answerText(tokenizer, ids);
        int at = firstStop(full);
        return at < 0 ? new Cut(full, false) : new Cut(full.substring(0, at), true);
    }

    /** Text of {@code ids} that is certain to stay: no trailing partial character, no possible stop-string start. */
    public String stableText(int[] ids) {
        String full = PromptResponse.answerText(tokenizer, ids);
        int at = firstStop(full);
        if (at >= 0) {
            return full.substring(0, at);
        }
        int end = full.length();
        while (end > 0 && full.charAt(end - 1) == '\uFFFD') { // an incomplete UTF-8 sequence decodes to U+FFFD
            end--;
        }
        return full.substring(0, end - heldBackForStop(full.substring(0, end)));
    }

    private int firstStop(String text) {
        int first = -1;
        for (String s : stop) {
            int at = text.indexOf(s);
            if (at >= 0 && (first < 0 || at < first)) {
                first = at;
            }
        }
        return first;
    }

    /** Length of the longest suffix of {@code text} that is a proper prefix of a stop string. */
    private int heldBackForStop(String text) {
        int held = 0;
        for (String s : stop) {
            for (int k = Math.min(s.length() - 1, text.length()); k > held; k--) {
                if (text.endsWith(s.substring(0, k))) {
                    held = k;
                    break;
                }
            }
        }
        return held;
    }

    /** A sample's text and whether a stop string cut it. */
    public record Cut(String text, boolean stopped) {
    }
}
