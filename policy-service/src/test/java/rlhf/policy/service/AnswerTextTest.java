package rlhf.policy.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import rlhf.model.tokenizer.ByteTokenizer;

class AnswerTextTest {

    private final ByteTokenizer tokenizer = new ByteTokenizer();

    private int[] ids(String text) {
        return tokenizer.encode(text);
    }

    @Test
    void finalTextEndsAtEndOfTextAndBeforeTheFirstStopString() {
        AnswerText text = new AnswerText(tokenizer, List.of("\n\n", "END"));
        assertThat(text.finalText(ids("four\n\nmore"))).isEqualTo(new AnswerText.Cut("four", true));
        int[] withEot = {'o', 'k', ByteTokenizer.END_OF_TEXT};
        assertThat(text.finalText(withEot)).isEqualTo(new AnswerText.Cut("ok", false));
    }

    @Test
    void streamingHoldsBackAPossibleStopStringAndAnIncompleteCharacter() {
        AnswerText text = new AnswerText(tokenizer, List.of("END"));
        assertThat(text.stableText(ids("the EN"))).isEqualTo("the ");
        assertThat(text.stableText(ids("the ENx"))).isEqualTo("the ENx");
        assertThat(text.stableText(ids("the END and"))).isEqualTo("the ");
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8); // 3 bytes
        int[] partial = {'a', euro[0] & 0xff, euro[1] & 0xff};
        assertThat(text.stableText(partial)).isEqualTo("a");
    }
}
