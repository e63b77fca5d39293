package rlhf.model.tokenizer;

import java.util.List;

/** Renders a conversation to token ids and parses ids back into messages. */
public interface ChatTemplate {

    /**
     * @param addGenerationPrompt appends the assistant's opening so that generation continues as the assistant
     */
    int[] render(List<ChatMessage> messages, boolean addGenerationPrompt);

    /** The messages in {@code ids}; an unterminated last turn (e.g. a truncated generation) is kept as is. */
    List<ChatMessage> parse(int[] ids);
}
