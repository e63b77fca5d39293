package rlhf.model.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hh-rlhf text format ({@code \n\nHuman: …\n\nAssistant: …}, arXiv:2204.05862) for tokenizers without role
 * tokens, e.g. GPT-2's BPE; a system message is rendered as {@code \n\nSystem: …}. The whole conversation is
 * encoded at once because BPE merges across the joins.
 */
public final class TextChatTemplate implements ChatTemplate {
    private static final Pattern TURN = Pattern.compile("\n\n(System|Human|Assistant):");

    private final TextTokenizer tokenizer;

    public TextChatTemplate(TextTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    @Override
    public int[] render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        StringBuilder text = new StringBuilder();
        for (ChatMessage m : messages) {
            text.append("\n\n").append(label(m.role())).append(": ").append(m.content());
        }
        if (addGenerationPrompt) {
            text.append("\n\nAssistant:");
        }
        return tokenizer.encode(text.toString());
    }

    @Override
    public List<ChatMessage> parse(int[] ids) {
        String text = tokenizer.decode(ids);
        List<ChatMessage> messages = new ArrayList<>();
        Matcher m = TURN.matcher(text);
        ChatMessage.Role role = null;
        int contentStart = 0;
        while (m.find()) {
            if (role != null) {
                messages.add(new ChatMessage(role, strip(text.substring(contentStart, m.start()))));
            }
            role = switch (m.group(1)) {
                case "System" -> ChatMessage.Role.SYSTEM;
                case "Human" -> ChatMessage.Role.USER;
                default -> ChatMessage.Role.ASSISTANT;
            };
            contentStart = m.end();
        }
        if (role != null) {
            messages.add(new ChatMessage(role, strip(text.substring(contentStart))));
        }
        return messages;
    }

    private static String strip(String content) {
        String s = content.startsWith(" ") ? content.substring(1) : content;
        return s.replace("<|endoftext|>", "");
    }

    private static String label(ChatMessage.Role role) {
        return switch (role) {
            case SYSTEM -> "System";
            case USER -> "Human";
            case ASSISTANT -> "Assistant";
        };
    }
}
