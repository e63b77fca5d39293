package rlhf.model.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Any Hugging Face {@code tokenizer.json} through DJL's native tokenizers binding (e.g. GPT-2's byte-level BPE,
 * see {@link Gpt2Bpe}). Special tokens are never added by {@link #encode}. Holds native memory: close it.
 */
public final class HfTokenizer implements TextTokenizer {
    private final HuggingFaceTokenizer tokenizer;
    private final String json;
    private final int vocabSize;
    private final int endOfTextId;

    private HfTokenizer(HuggingFaceTokenizer tokenizer, String json, int vocabSize, int endOfTextId) {
        this.tokenizer = tokenizer;
        this.json = json;
        this.vocabSize = vocabSize;
        this.endOfTextId = endOfTextId;
    }

    /**
     * Loads a {@code tokenizer.json}. The end-of-text token is the added token {@code <|endoftext|>} (GPT-2) or,
     * failing that, {@code </s>}; a file with neither is rejected.
     */
    public static HfTokenizer fromJson(String json) {
        JsonObject root = JsonParser.parseString(json).getAsJsonObject();
        int vocab = vocabSize(root);
        int eot = findToken(root, "<|endoftext|>");
        if (eot < 0) {
            eot = findToken(root, "</s>");
        }
        if (eot < 0) {
            throw new IllegalArgumentException("tokenizer.json has no <|endoftext|> or </s> token");
        }
        try {
            HuggingFaceTokenizer tok = HuggingFaceTokenizer.newInstance(
                    new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
                    Map.of("addSpecialTokens", "false"));
            return new HfTokenizer(tok, json, vocab, eot);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load tokenizer.json", e);
        }
    }

    private static int vocabSize(JsonObject root) {
        int max = -1;
        JsonObject vocab = root.getAsJsonObject("model").getAsJsonObject("vocab");
        for (Map.Entry<String, JsonElement> e : vocab.entrySet()) {
            max = Math.max(max, e.getValue().getAsInt());
        }
        if (root.has("added_tokens") && root.get("added_tokens").isJsonArray()) {
            for (JsonElement t : root.getAsJsonArray("added_tokens")) {
                max = Math.max(max, t.getAsJsonObject().get("id").getAsInt());
            }
        }
        return max + 1;
    }

    private static int findToken(JsonObject root, String content) {
        if (root.has("added_tokens") && root.get("added_tokens").isJsonArray()) {
            for (JsonElement t : root.getAsJsonArray("added_tokens")) {
                JsonObject o = t.getAsJsonObject();
                if (content.equals(o.get("content").getAsString())) {
                    return o.get("id").getAsInt();
                }
            }
        }
        JsonObject vocab = root.getAsJsonObject("model").getAsJsonObject("vocab");
        return vocab.has(content) ? vocab.get(content).getAsInt() : -1;
    }

    @Override
    public int[] encode(String text) {
        long[] ids = tokenizer.encode(text, false, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    @Override
    public String decode(int[] ids) {
        long[] longs = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            longs[i] = ids[i];
        }
        return tokenizer.decode(longs, false);
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public int endOfTextId() {
        return endOfTextId;
    }

    @Override
    public String toJson() {
        return json;
    }

    @Override
    public ChatTemplate chatTemplate() {
        return new TextChatTemplate(this);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
