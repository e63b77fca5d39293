package rlhf.model.tokenizer;

import java.util.List;

/**
 * The one way prompts and responses become token ids, shared by training (SFT, reward model, PPO) and serving
 * (policy, reward), so a model is always scored on exactly the ids it was trained on:
 *
 * <pre>
 *   prompt ids   = chat template of the conversation, with the assistant's opening (generation prompt)
 *   response ids = encode(answer) followed by end-of-text (the assistant's turn ends there)
 * </pre>
 */
public final class PromptResponse {

    private PromptResponse() {
    }

    /** A single user turn as prompt ids. */
    public static int[] promptIds(TextTokenizer tokenizer, String userText) {
        return promptIds(tokenizer, List.of(new ChatMessage(ChatMessage.Role.USER, userText)));
    }

    /** A conversation as prompt ids, ready for the assistant's next turn. */
    public static int[] promptIds(TextTokenizer tokenizer, List<ChatMessage> conversation) {
        return tokenizer.chatTemplate().render(conversation, true);
    }

    /** An answer as the response ids a policy generates and a reward model reads (ends with end-of-text). */
    public static int[] responseIds(TextTokenizer tokenizer, String answer) {
        int[] text = tokenizer.encode(answer);
        int[] ids = java.util.Arrays.copyOf(text, text.length + 1);
        ids[text.length] = tokenizer.endOfTextId();
        return ids;
    }

    /** The answer text of generated response ids: decoded up to (without) the first end-of-text. */
    public static String answerText(TextTokenizer tokenizer, int[] responseIds) {
        int end = 0;
        while (end < responseIds.length && responseIds[end] != tokenizer.endOfTextId()) {
            end++;
        }
        return tokenizer.decode(java.util.Arrays.copyOf(responseIds, end));
    }
}
