package rlhf.model;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

/**
 * The shape of a GPT-2-architecture decoder; validated so that a bad config fails when it is made, not mid-forward.
 *
 * @param vocabSize     V, number of token ids
 * @param contextLength maximum sequence length (learned position embeddings)
 * @param layers        L, number of transformer blocks
 * @param heads         H, attention heads per block
 * @param width         C, residual stream width; divisible by {@code heads}
 * @param dropout       dropout probability used in training mode (embeddings, attention, residual branches)
 */
public record GptConfig(int vocabSize, int contextLength, int layers, int heads, int width, float dropout) {

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

    public GptConfig {
        requirePositive("vocabSize", vocabSize);
        requirePositive("contextLength", contextLength);
        requirePositive("layers", layers);
        requirePositive("heads", heads);
        requirePositive("width", width);
        if (width % heads != 0) {
            throw new IllegalArgumentException("width " + width + " must be divisible by heads " + heads);
        }
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
    }

    /** GPT-2 small: 12 layers, 12 heads, width 768, 50,257 tokens, 1,024 positions (124M parameters). */
    public static GptConfig gpt2Small() {
        return new GptConfig(50_257, 1024, 12, 12, 768, 0.1f);
    }

    /** Per-head width C / H. */
    public int headDim() {
        return width / heads;
    }

    /** Number of parameters of the decoder (tied LM head counted once; reward and value heads included). */
    public long parameterCount() {
        long c = width;
        long perLayer = 2 * c + (c * 3 * c + 3 * c) + (c * c + c) + 2 * c + (c * 4 * c + 4 * c) + (4 * c * c + c);
        return (long) vocabSize * c + (long) contextLength * c + layers * perLayer + 2 * c + 2 * (c + 1);
    }

    /** The same config with another dropout, e.g. 0 for inference-exact tests. */
    public GptConfig withDropout(float newDropout) {
        return new GptConfig(vocabSize, contextLength, layers, heads, width, newDropout);
    }

    public String toJson() {
        return GSON.toJson(this);
    }

    public static GptConfig fromJson(String json) {
        GptConfig parsed = GSON.fromJson(json, GptConfig.class);
        // Gson bypasses the canonical constructor; re-run validation.
        return new GptConfig(parsed.vocabSize, parsed.contextLength, parsed.layers, parsed.heads, parsed.width,
                parsed.dropout);
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
