package rlhf.policy.service;

import java.util.List;

import rlhf.model.tokenizer.ChatMessage;
import rlhf.service.InputLimits;

/**
 * The server's bounds on the sizes inside one request, checked before the prompt is tokenized, so an oversized
 * request costs nothing: prompt length, chat turns, stop sequences. Each violation names the field and the key
 * that sets the bound (e.g. {@code sampling.stop: 10000 sequences > max 16 (rlhf.policy.max-stop-sequences)}).
 *
 * @param maxPromptChars   longest prompt, in characters: {@code prompt.text}, or all turns of {@code prompt.chat}
 * @param maxChatMessages  most turns of {@code prompt.chat}
 * @param maxStopSequences most entries of {@code sampling.stop}
 * @param maxStopChars     longest entry of {@code sampling.stop}, in characters
 */
public record RequestBounds(int maxPromptChars, int maxChatMessages, int maxStopSequences, int maxStopChars) {

    public void check(GenerationRequest request) {
        checkPrompt(request.prompt());
        checkStop(request.sampling().stop());
    }

    private void checkPrompt(PromptInput prompt) {
        if (prompt instanceof PromptInput.Text t) {
            InputLimits.checkChars("prompt.text", t.text(), maxPromptChars, "rlhf.policy.max-prompt-chars");
        } else if (prompt instanceof PromptInput.Chat c) {
            List<ChatMessage> messages = c.messages();
            InputLimits.checkCount("prompt.chat.messages", messages.size(), "messages", maxChatMessages,
                    "rlhf.policy.max-chat-messages");
            long chars = messages.stream().mapToLong(m -> m.content().length()).sum();
            InputLimits.checkChars("prompt.chat.messages", chars, maxPromptChars, "rlhf.policy.max-prompt-chars");
        }
    }

    private void checkStop(List<String> stop) {
        InputLimits.checkCount("sampling.stop", stop.size(), "sequences", maxStopSequences,
                "rlhf.policy.max-stop-sequences");
        for (int i = 0; i < stop.size(); i++) {
            InputLimits.checkChars("sampling.stop[" + i + "]", stop.get(i), maxStopChars, "rlhf.policy.max-stop-chars");
        }
    }
}
