package rlhf.model.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Byte-level tokenizer: ids 0–255 are the UTF-8 bytes of the text (so any language, e.g. Chinese, round-trips),
 * followed by four reserved special tokens: end of text and the three chat roles. Used by the task world, whose
 * tiny models need no BPE.
 */
public final class ByteTokenizer implements TextTokenizer {
    public static final int END_OF_TEXT = 256;
    public static final int SYSTEM = 257;
    public static final int USER = 258;
    public static final int ASSISTANT = 259;
    public static final int VOCAB_SIZE = 260;
    static final String JSON_TYPE = "rlhf-byte-v1";

    private static final String[] SPECIAL_NAMES = {"<|endoftext|>", "<|system|>", "<|user|>", "<|assistant|>"};

    @Override
    public int[] encode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            ids[i] = bytes[i] & 0xFF;
        }
        return ids;
    }

    @Override
    public String decode(int[] ids) {
        StringBuilder out = new StringBuilder();
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        for (int id : ids) {
            if (id >= 0 && id < 256) {
                pending.write(id);
            } else {
                flush(pending, out);
                out.append(specialName(id));
            }
        }
        flush(pending, out);
        return out.toString();
    }

    /** Decodes only the byte ids, skipping special tokens. */
    public String decodeText(int[] ids) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int id : ids) {
            if (id >= 0 && id < 256) {
                bytes.write(id);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static void flush(ByteArrayOutputStream pending, StringBuilder out) {
        if (pending.size() > 0) {
            out.append(pending.toString(StandardCharsets.UTF_8));
            pending.reset();
        }
    }

    static String specialName(int id) {
        if (id < END_OF_TEXT || id >= VOCAB_SIZE) {
            throw new IllegalArgumentException("token id " + id + " is outside the byte vocabulary [0, " + VOCAB_SIZE + ")");
        }
        return SPECIAL_NAMES[id - END_OF_TEXT];
    }

    @Override
    public int vocabSize() {
        return VOCAB_SIZE;
    }

    @Override
    public int endOfTextId() {
        return END_OF_TEXT;
    }

    @Override
    public String toJson() {
        return "{\"type\": \"" + JSON_TYPE + "\", \"special_tokens\": {\"<|endoftext|>\": 256, \"<|system|>\": 257, "
                + "\"<|user|>\": 258, \"<|assistant|>\": 259}}";
    }

    /** Role tokens: {@code <|user|>text<|endoftext|><|assistant|>text<|endoftext|>…}. */
    @Override
    public ChatTemplate chatTemplate() {
        return new RoleTokenTemplate(this);
    }
}
