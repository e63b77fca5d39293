package rlhf.policy.service;

import java.util.List;
import java.util.Objects;

import rlhf.model.tokenizer.ChatMessage;
import rlhf.model.tokenizer.PromptResponse;
import rlhf.model.tokenizer.TextTokenizer;
import rlhf.service.InvalidInputException;

/**
 * What the model is asked, before tokenization; rendered with {@link PromptResponse}, the convention that training
 * and the reward service share, so a model sees the ids it was trained on.
 */
public sealed interface PromptInput {

    /** Token ids of the prompt under {@code tokenizer}, ending where the assistant's answer begins. */
    int[] render(TextTokenizer tokenizer);

    /** A single user turn. */
    record Text(String text) implements PromptInput {
        public Text {
            Objects.requireNonNull(text, "text");
            if (text.isEmpty()) {
                throw new InvalidInputException("prompt.text", "empty");
            }
        }

        @Override
        public int[] render(TextTokenizer tokenizer) {
            return PromptResponse.promptIds(tokenizer, text);
        }
    }

    /**
     * A conversation, oldest turn first. A trailing assistant turn is continued by the model (its text is the start
     * of the answer); otherwise the template opens a new assistant turn.
     */
    record Chat(List<ChatMessage> messages) implements PromptInput {
        public Chat {
            messages = List.copyOf(messages);
            if (messages.isEmpty()) {
                throw new InvalidInputException("prompt.chat.messages", "empty");
            }
            for (int i = 0; i < messages.size(); i++) {
                ChatMessage m = messages.get(i);
                String field = "prompt.chat.messages[" + i + "]";
                if (m.role() == ChatMessage.Role.SYSTEM && i > 0) {
                    throw new InvalidInputException(field + ".role", "ROLE_SYSTEM is allowed only as the first message");
                }
                boolean trailingAssistant = i == messages.size() - 1 && m.role() == ChatMessage.Role.ASSISTANT;
                if (m.content().isEmpty() && !trailingAssistant) {
                    throw new InvalidInputException(field + ".content", "empty (only a trailing assistant turn may be empty)");
                }
            }
        }

        @Override
        public int[] render(TextTokenizer tokenizer) {
            ChatMessage last = messages.get(messages.size() - 1);
            if (last.role() != ChatMessage.Role.ASSISTANT) {
                return PromptResponse.promptIds(tokenizer, messages);
            }
            int[] opened = messages.size() == 1 ? tokenizer.chatTemplate().render(List.of(), true)
                    : PromptResponse.promptIds(tokenizer, messages.subList(0, messages.size() - 1));
            int[] started = tokenizer.encode(last.content());
            int[] ids = java.util.Arrays.copyOf(opened, opened.length + started.length);
            System.arraycopy(started, 0, ids, opened.length, started.length);
            return ids;
        }
    }
}
