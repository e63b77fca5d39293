package rlhf.model.tokenizer;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/** Reads the {@code tokenizer.json} of a checkpoint back into the right {@link TextTokenizer}. */
public final class Tokenizers {
    private Tokenizers() {
    }

    /** A {@link ByteTokenizer} for our own byte format, else a Hugging Face tokenizer. */
    public static TextTokenizer fromJson(String json) {
        JsonObject root = JsonParser.parseString(json).getAsJsonObject();
        if (root.has("type") && ByteTokenizer.JSON_TYPE.equals(root.get("type").getAsString())) {
            return new ByteTokenizer();
        }
        return HfTokenizer.fromJson(json);
    }
}
