package rlhf.model.tokenizer;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * Builds a Hugging Face {@code tokenizer.json} (byte-level BPE, GPT-2's pre-tokenizer regex) from the
 * {@code encoder.json} and {@code vocab.bpe} that OpenAI published with GPT-2.
 */
public final class Gpt2Bpe {
    private Gpt2Bpe() {
    }

    /**
     * @param encoderJson contents of {@code encoder.json}: token → id
     * @param vocabBpe    contents of {@code vocab.bpe}: a {@code #version} line, then one merge "a b" per line
     */
    public static String tokenizerJson(String encoderJson, String vocabBpe) {
        JsonObject vocab = JsonParser.parseString(encoderJson).getAsJsonObject();
        JsonArray merges = new JsonArray();
        for (String line : vocabBpe.split("\n")) {
            if (line.isBlank() || line.startsWith("#version")) {
                continue;
            }
            merges.add(line.strip());
        }
        JsonObject byteLevel = new JsonObject();
        byteLevel.addProperty("type", "ByteLevel");
        byteLevel.addProperty("add_prefix_space", false);
        byteLevel.addProperty("trim_offsets", true);
        byteLevel.addProperty("use_regex", true);

        JsonObject model = new JsonObject();
        model.addProperty("type", "BPE");
        model.add("dropout", null);
        model.add("unk_token", null);
        model.addProperty("continuing_subword_prefix", "");
        model.addProperty("end_of_word_suffix", "");
        model.addProperty("fuse_unk", false);
        model.addProperty("byte_fallback", false);
        model.add("vocab", vocab);
        model.add("merges", merges);

        JsonObject eot = new JsonObject();
        eot.addProperty("id", vocab.get("<|endoftext|>").getAsInt());
        eot.addProperty("content", "<|endoftext|>");
        eot.addProperty("single_word", false);
        eot.addProperty("lstrip", false);
        eot.addProperty("rstrip", false);
        eot.addProperty("normalized", true);
        eot.addProperty("special", true);
        JsonArray added = new JsonArray();
        added.add(eot);

        JsonObject root = new JsonObject();
        root.addProperty("version", "1.0");
        root.add("truncation", null);
        root.add("padding", null);
        root.add("added_tokens", added);
        root.add("normalizer", null);
        root.add("pre_tokenizer", byteLevel);
        root.add("post_processor", byteLevel.deepCopy());
        root.add("decoder", byteLevel.deepCopy());
        root.add("model", model);
        return new Gson().newBuilder().serializeNulls().create().toJson(root);
    }
}
