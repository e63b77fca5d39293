package rlhf.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromptResponseTest {

    @Test
    void promptOpensTheAssistantTurnAndResponseEndsWithEndOfText() {
        ByteTokenizer t = new ByteTokenizer();
        int[] prompt = PromptResponse.promptIds(t, "Hi");
        // <user> 'H' 'i' <eot> <assistant>
        assertThat(prompt).containsExactly(258, 'H', 'i', 256, 259);
        int[] response = PromptResponse.responseIds(t, "19.");
        assertThat(response).containsExactly('1', '9', '.', 256);
        assertThat(PromptResponse.answerText(t, response)).isEqualTo("19.");
        assertThat(PromptResponse.answerText(t, new int[] {'o', 'k'})).isEqualTo("ok"); // truncated: no end-of-text
    }
}
