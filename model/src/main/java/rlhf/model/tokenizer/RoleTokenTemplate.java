package rlhf.model.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Role tokens around each turn: {@code <|user|>text<|endoftext|><|assistant|>text<|endoftext|>…}, for tokenizers that
 * reserve ids for the roles ({@link ByteTokenizer}, {@link WordTokenizer}). Each message's content is encoded on its
 * own, so the ids of an answer never depend on the prompt before it.
 */
final class RoleTokenTemplate implements ChatTemplate {
    private final TextTokenizer tokenizer;

    RoleTokenTemplate(TextTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    @Override
    public int[] render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        List<Integer> ids = new ArrayList<>();
        for (ChatMessage m : messages) {
            ids.add(roleId(m.role()));
            for (int id : tokenizer.encode(m.content())) {
                ids.add(id);
            }
            ids.add(ByteTokenizer.END_OF_TEXT);
        }
        if (addGenerationPrompt) {
            ids.add(ByteTokenizer.ASSISTANT);
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public List<ChatMessage> parse(int[] ids) {
        List<ChatMessage> messages = new ArrayList<>();
        ChatMessage.Role role = null;
        List<Integer> content = new ArrayList<>();
        for (int id : ids) {
            if (id == ByteTokenizer.SYSTEM || id == ByteTokenizer.USER || id == ByteTokenizer.ASSISTANT) {
                if (role != null) {
                    messages.add(new ChatMessage(role, text(content)));
                }
                role = role(id);
                content.clear();
            } else if (id == ByteTokenizer.END_OF_TEXT) {
                if (role != null) {
                    messages.add(new ChatMessage(role, text(content)));
                }
                role = null;
                content.clear();
            } else if (role != null) {
                content.add(id);
            }
        }
        if (role != null) {
            messages.add(new ChatMessage(role, text(content)));
        }
        return messages;
    }

    private String text(List<Integer> content) {
        return tokenizer.decode(content.stream().mapToInt(Integer::intValue).toArray());
    }

    private static int roleId(ChatMessage.Role role) {
        return switch (role) {
            case SYSTEM -> ByteTokenizer.SYSTEM;
            case USER -> ByteTokenizer.USER;
            case ASSISTANT -> ByteTokenizer.ASSISTANT;
        };
    }

    private static ChatMessage.Role role(int id) {
        return id == ByteTokenizer.SYSTEM ? ChatMessage.Role.SYSTEM
                : id == ByteTokenizer.USER ? ChatMessage.Role.USER : ChatMessage.Role.ASSISTANT;
    }
}
