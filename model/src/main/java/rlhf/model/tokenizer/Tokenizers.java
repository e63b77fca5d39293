package rlhf.model.tokenizer;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/** Reads the {@code tokenizer.json} of a checkpoint back into the right {@link TextTokenizer}. */
public final class Tokenizers {
    private Tokenizers() {
    }

    /** A {@link ByteTokenizer} or {@link WordTokenizer} for our own formats, else a Hugging Face tokenizer. */
    public static TextTokenizer fromJson(String json) {
        JsonObject root = JsonParser.parseString(json).getAsJsonObject();
        String type = root.has("type") ? root.get("type").getAsString() : "";
        if (ByteTokenizer.JSON_TYPE.equals(type)) {
            return new ByteTokenizer();
        }
        if (WordTokenizer.JSON_TYPE.equals(type)) {
            return WordTokenizer.fromJson(root);
        }
        return HfTokenizer.fromJson(json);
    }
}
