package rlhf.trainer.data;

import java.nio.file.Path;
import java.util.List;

import com.google.gson.JsonObject;
import rlhf.model.tokenizer.ChatMessage;

/**
 * One SFT demonstration: the conversation so far and the labeler's answer (the final assistant turn). Lines are
 * {@code {"id", "user_id", "split", "messages": [..., {"role": "assistant", "content": answer}]}} or
 * {@code {"prompt", "answer"}}.
 */
public record Demonstration(String id, Split split, List<ChatMessage> conversation, String answer) {

    public Demonstration {
        conversation = List.copyOf(conversation);
        if (conversation.isEmpty()) {
            throw new IllegalArgumentException("a demonstration needs at least one turn before the answer");
        }
    }

    /** Reads a demonstrations file. */
    public static List<Demonstration> read(Path file) {
        return JsonlFile.read(file, Demonstration::fromJson);
    }

    static Demonstration fromJson(JsonObject o) {
        String id = JsonFields.optionalString(o, "id", "");
        Split split = JsonFields.split(o);
        if (o.has("messages")) {
            List<ChatMessage> messages = JsonFields.messages(o);
            ChatMessage last = messages.get(messages.size() - 1);
            if (last.role() != ChatMessage.Role.ASSISTANT) {
                throw new IllegalArgumentException("the last message must be the assistant's answer, got " + last.role());
            }
            return new Demonstration(id, split, messages.subList(0, messages.size() - 1), last.content());
        }
        return new Demonstration(id, split, JsonFields.prompt(o), JsonFields.string(o, "answer"));
    }
}
