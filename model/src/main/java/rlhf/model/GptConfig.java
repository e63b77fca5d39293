package rlhf.model;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

/**
 * The shape of a GPT-2-architecture decoder; validated so that a bad config fails when it is made, not mid-forward.
 *
 * @param vocabSize     V, number of token ids
 * @param contextLength maximum sequence length
 * @param layers        L, number of transformer blocks
 * @param heads         H, attention heads per block
 * @param width         C, residual stream width; divisible by {@code heads}
 * @param dropout       dropout probability used in training mode (embeddings, attention, residual branches)
 * @param positions     {@link #LEARNED_POSITIONS} (GPT-2: a learned embedding per position, added to the token's) or
 *                      {@link #ROTARY_POSITIONS} (RoPE, Su et al. 2021: queries and keys rotated by their position, so
 *                      attention scores depend on the distance between tokens; no position parameters)
 * @param rewardLikelihood whether the reward r(x, y) adds β · the mean log-probability of the response under the
 *                      model's own LM head to the reward head's reading of the last token, β being the trained
 *                      parameter {@code reward_head.likelihood_weight} (see {@code rlhf.model.score.SequenceRewards});
 *                      false for InstructGPT's plain reward head and for every policy
 * @param rewardBound   c &gt; 0 bounds the reward to (−c/2, c/2) by r = (c/2)·tanh(2u/c) of the unbounded reading u, so
 *                      that no margin exceeds c and no predicted P(a ≻ b) = σ(r_a − r_b) exceeds σ(c): a reward model
 *                      can then be no surer than its noisy labelers agree (see {@code SequenceRewards}); 0 = unbounded
 */
public record GptConfig(int vocabSize, int contextLength, int layers, int heads, int width, float dropout,
        String positions, boolean rewardLikelihood, float rewardBound) {

    /** GPT-2's learned absolute position embeddings ({@code wpe}). */
    public static final String LEARNED_POSITIONS = "learned";
    /** Rotary position embeddings on queries and keys. */
    public static final String ROTARY_POSITIONS = "rotary";

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

    /** A GPT-2 config: learned position embeddings. */
    public GptConfig(int vocabSize, int contextLength, int layers, int heads, int width, float dropout) {
        this(vocabSize, contextLength, layers, heads, width, dropout, LEARNED_POSITIONS);
    }

    /** A config whose reward is the reward head's alone. */
    public GptConfig(int vocabSize, int contextLength, int layers, int heads, int width, float dropout,
            String positions) {
        this(vocabSize, contextLength, layers, heads, width, dropout, positions, false, 0f);
    }

    public GptConfig {
        if (positions == null) { // written before rotary positions existed (Gson passes null for a missing field)
            positions = LEARNED_POSITIONS;
        }
        requirePositive("vocabSize", vocabSize);
        requirePositive("contextLength", contextLength);
        requirePositive("layers", layers);
        requirePositive("heads", heads);
        requirePositive("width", width);
        if (width % heads != 0) {
            throw new IllegalArgumentException("width " + width + " must be divisible by heads " + heads);
        }
        if (!(rewardBound >= 0f && Float.isFinite(rewardBound))) {
            throw new IllegalArgumentException("rewardBound must be 0 (unbounded) or positive, got " + rewardBound);
        }
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
        if (!LEARNED_POSITIONS.equals(positions) && !ROTARY_POSITIONS.equals(positions)) {
            throw new IllegalArgumentException("positions must be '" + LEARNED_POSITIONS + "' or '" + ROTARY_POSITIONS
                    + "', got " + positions);
        }
        if (ROTARY_POSITIONS.equals(positions) && (width / heads) % 2 != 0) {
            throw new IllegalArgumentException("rotary positions need an even head width, got " + width / heads);
        }
    }

    /** Whether queries and keys are rotated by position (no {@code wpe} parameter). */
    public boolean rotary() {
        return ROTARY_POSITIONS.equals(positions);
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
        long positionParameters = rotary() ? 0 : (long) contextLength * c;
        return (long) vocabSize * c + positionParameters + layers * perLayer + 2 * c + 2 * (c + 1)
                + (rewardLikelihood ? 1 : 0);
    }

    /** The same config with another dropout, e.g. 0 for inference-exact tests. */
    public GptConfig withDropout(float newDropout) {
        return new GptConfig(vocabSize, contextLength, layers, heads, width, newDropout, positions, rewardLikelihood,
                rewardBound);
    }

    /** The same config with the likelihood term of the reward switched on or off. */
    public GptConfig withRewardLikelihood(boolean on) {
        return new GptConfig(vocabSize, contextLength, layers, heads, width, dropout, positions, on, rewardBound);
    }

    /** The same config with the reward bounded to (−c/2, c/2), c = {@code bound}; 0 = unbounded. */
    public GptConfig withRewardBound(float bound) {
        return new GptConfig(vocabSize, contextLength, layers, heads, width, dropout, positions, rewardLikelihood, bound);
    }

    public String toJson() {
        return GSON.toJson(this);
    }

    public static GptConfig fromJson(String json) {
        GptConfig parsed = GSON.fromJson(json, GptConfig.class);
        // Older Gson versions bypass the canonical constructor; re-run validation.
        return new GptConfig(parsed.vocabSize, parsed.contextLength, parsed.layers, parsed.heads, parsed.width,
                parsed.dropout, parsed.positions, parsed.rewardLikelihood, parsed.rewardBound);
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
