package rlhf.trainer.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import rlhf.model.tokenizer.ChatMessage;

/** Field access for the JSONL formats with errors that name the field; used by the record readers of this package. */
final class JsonFields {

    private JsonFields() {
    }

    static String string(JsonObject o, String field) {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) {
            throw new IllegalArgumentException("missing field '" + field + "'");
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new IllegalArgumentException("field '" + field + "' must be a string");
        }
        return e.getAsString();
    }

    static String optionalString(JsonObject o, String field, String otherwise) {
        return o.has(field) && !o.get(field).isJsonNull() ? string(o, field) : otherwise;
    }

    static JsonArray array(JsonObject o, String field) {
        JsonElement e = o.get(field);
        if (e == null || !e.isJsonArray()) {
            throw new IllegalArgumentException("field '" + field + "' must be an array");
        }
        return e.getAsJsonArray();
    }

    /** The split of a record: its {@code split} field, else the contract's rule on its {@code user_id}, else train. */
    static Split split(JsonObject o) {
        if (o.has("split") && !o.get("split").isJsonNull()) {
            return Split.parse(string(o, "split"));
        }
        return o.has("user_id") ? Split.ofUser(string(o, "user_id")) : Split.TRAIN;
    }

    /** {@code "messages": [{"role": "user", "content": "…"}, …]} as chat messages. */
    static List<ChatMessage> messages(JsonObject o) {
        JsonArray array = array(o, "messages");
        List<ChatMessage> messages = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            if (!array.get(i).isJsonObject()) {
                throw new IllegalArgumentException("messages[" + i + "] must be an object");
            }
            JsonObject m = array.get(i).getAsJsonObject();
            messages.add(new ChatMessage(role(m, i), string(m, "content")));
        }
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("field 'messages' must not be empty");
        }
        return messages;
    }

    /** The conversation a model answers: {@code "prompt"} as one user turn, or {@code "messages"}. */
    static List<ChatMessage> prompt(JsonObject o) {
        if (o.has("prompt")) {
            return List.of(ChatMessage.user(string(o, "prompt")));
        }
        if (o.has("messages")) {
            return messages(o);
        }
        throw new IllegalArgumentException("needs 'prompt' or 'messages'");
    }

    private static ChatMessage.Role role(JsonObject m, int index) {
        String role = string(m, "role");
        try {
            return ChatMessage.Role.valueOf(role.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("messages[" + index + "].role must be system, user or assistant, got '"
                    + role + "'");
        }
    }
}
