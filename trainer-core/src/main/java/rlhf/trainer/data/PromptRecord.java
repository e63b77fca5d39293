package rlhf.trainer.data;

import java.nio.file.Path;
import java.util.List;

import com.google.gson.JsonObject;
import rlhf.model.tokenizer.ChatMessage;

/** A prompt to sample answers for: {@code {"id", "user_id", "split", "prompt" | "messages"}}. */
public record PromptRecord(String id, Split split, List<ChatMessage> prompt) {

    public PromptRecord {
        prompt = List.copyOf(prompt);
    }

    /** Reads a prompts file (rm-prompts, ppo-prompts, eval-prompts). */
    public static List<PromptRecord> read(Path file) {
        return JsonlFile.read(file, PromptRecord::fromJson);
    }

    static PromptRecord fromJson(JsonObject o) {
        return new PromptRecord(JsonFields.optionalString(o, "id", ""), JsonFields.split(o), JsonFields.prompt(o));
    }
}
