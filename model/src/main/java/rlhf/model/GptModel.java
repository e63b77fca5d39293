package rlhf.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A GPT-2-architecture decoder (Radford et al. 2019) with three heads: the language-model head tied to the token
 * embedding, a scalar reward head and a per-token value head (InstructGPT arXiv:2203.02155 §3.5: the reward model is
 * the SFT model with the unembedding replaced by a projection to one number).
 *
 * <p>Parameters use Hugging Face GPT-2's names and layouts ({@code h.N.attn.c_attn.weight} is (in, out), applied
 * as {@code x @ W + b}), so HF checkpoints map one to one. The model owns its NDManager; every forward call must run
 * inside an {@link ai.djl.ndarray.NDScope} (or a closed sub-manager) because DJL attaches intermediate results to
 * the manager of an operand, here often the model's own.
 *
 * <p>Shape legend: B batch, T query length, S key length (cache), C width, H heads, D = C / H, V vocabulary.
 */
public final class GptModel implements AutoCloseable {
    /** β of the reward's likelihood term, present when {@link GptConfig#rewardLikelihood()}; initialised to 1. */
    public static final String LIKELIHOOD_WEIGHT = "reward_head.likelihood_weight";
    private static final float LAYER_NORM_EPS = 1e-5f;
    private static final float INIT_STD = 0.02f;
    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2.0 / Math.PI);
    private static final double ROTARY_BASE = 10_000;

    private final GptConfig config;
    private final NDManager manager;
    private final Map<String, NDArray> parameters;
    private final BlockWeights[] blocks;
    private final NDArray[] rotaryTables; // cos, sin (context, D/2); null for learned positions

    /** The weights of one transformer block, looked up once. */
    private record BlockWeights(NDArray ln1Weight, NDArray ln1Bias, NDArray attnWeight, NDArray attnBias,
            NDArray attnProjWeight, NDArray attnProjBias, NDArray ln2Weight, NDArray ln2Bias, NDArray fcWeight,
            NDArray fcBias, NDArray mlpProjWeight, NDArray mlpProjBias) {
    }

    private GptModel(GptConfig config, NDManager manager, Map<String, NDArray> parameters) {
        this.config = config;
        this.manager = manager;
        this.parameters = Collections.unmodifiableMap(parameters);
        this.blocks = new BlockWeights[config.layers()];
        for (int l = 0; l < config.layers(); l++) {
            String p = "h." + l + ".";
            blocks[l] = new BlockWeights(param(p + "ln_1.weight"), param(p + "ln_1.bias"),
                    param(p + "attn.c_attn.weight"), param(p + "attn.c_attn.bias"),
                    param(p + "attn.c_proj.weight"), param(p + "attn.c_proj.bias"),
                    param(p + "ln_2.weight"), param(p + "ln_2.bias"), param(p + "mlp.c_fc.weight"),
                    param(p + "mlp.c_fc.bias"), param(p + "mlp.c_proj.weight"), param(p + "mlp.c_proj.bias"));
        }
        this.rotaryTables = config.rotary() ? rotaryTables(config, manager) : null;
    }

    /**
     * A freshly initialised model (GPT-2 init: N(0, 0.02), residual projections scaled by 1/sqrt(2L)); the random
     * numbers come from {@link Random} seeded with {@code seed}, so the weights do not depend on the engine.
     */
    public static GptModel create(GptConfig config, long seed) {
        NDManager manager = NDManager.newBaseManager();
        Random random = new Random(seed);
        Map<String, NDArray> params = new LinkedHashMap<>();
        float residualStd = INIT_STD / (float) Math.sqrt(2.0 * config.layers());
        for (Map.Entry<String, Shape> e : expectedShapes(config).entrySet()) {
            String name = e.getKey();
            Shape shape = e.getValue();
            float[] values;
            if (name.equals(LIKELIHOOD_WEIGHT)) {
                values = constant(shape, 1f);
            } else if (name.startsWith("ln_") || name.contains(".ln_")) {
                values = constant(shape, name.endsWith("weight") ? 1f : 0f);
            } else if (name.endsWith("bias")) {
                values = constant(shape, 0f);
            } else if (name.endsWith("c_proj.weight")) {
                values = normal(shape, residualStd, random);
            } else {
                values = normal(shape, INIT_STD, random);
            }
            params.put(name, named(manager.create(values, shape), name));
        }
        return new GptModel(config, manager, params);
    }

    /**
     * A model from named float arrays (e.g. decoded safetensors). Every expected parameter must be present with its
     * exact shape; extra names are rejected too, so a wrong file fails here and not in a forward pass. The arrays are
     * copied into the model's own manager; the caller still owns {@code arrays}.
     */
    public static GptModel fromNamedArrays(GptConfig config, NDList arrays) {
        Map<String, NDArray> byName = new LinkedHashMap<>();
        for (NDArray a : arrays) {
            byName.put(a.getName(), a);
        }
        Map<String, Shape> expected = expectedShapes(config);
        for (String name : byName.keySet()) {
            if (!expected.containsKey(name)) {
                throw new IllegalArgumentException("unexpected parameter '" + name + "' for config " + config);
            }
        }
        NDManager manager = NDManager.newBaseManager();
        try {
            Map<String, NDArray> params = new LinkedHashMap<>();
            for (Map.Entry<String, Shape> e : expected.entrySet()) {
                NDArray source = byName.get(e.getKey());
                if (source == null) {
                    throw new IllegalArgumentException("missing parameter '" + e.getKey() + "'");
                }
                if (!source.getShape().equals(e.getValue())) {
                    throw new IllegalArgumentException("parameter '" + e.getKey() + "' has shape "
                            + source.getShape() + ", expected " + e.getValue());
                }
                float[] values = source.toType(DataType.FLOAT32, false).toFloatArray();
                params.put(e.getKey(), named(manager.create(values, e.getValue()), e.getKey()));
            }
            return new GptModel(config, manager, params);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Every parameter name with its shape, in a stable order (HF GPT-2 names plus reward_head and value_head). */
    public static Map<String, Shape> expectedShapes(GptConfig config) {
        long c = config.width();
        Map<String, Shape> shapes = new LinkedHashMap<>();
        shapes.put("wte.weight", new Shape(config.vocabSize(), c));
        if (!config.rotary()) {
            shapes.put("wpe.weight", new Shape(config.contextLength(), c));
        }
        for (int l = 0; l < config.layers(); l++) {
            String p = "h." + l + ".";
            shapes.put(p + "ln_1.weight", new Shape(c));
            shapes.put(p + "ln_1.bias", new Shape(c));
            shapes.put(p + "attn.c_attn.weight", new Shape(c, 3 * c));
            shapes.put(p + "attn.c_attn.bias", new Shape(3 * c));
            shapes.put(p + "attn.c_proj.weight", new Shape(c, c));
            shapes.put(p + "attn.c_proj.bias", new Shape(c));
            shapes.put(p + "ln_2.weight", new Shape(c));
            shapes.put(p + "ln_2.bias", new Shape(c));
            shapes.put(p + "mlp.c_fc.weight", new Shape(c, 4 * c));
            shapes.put(p + "mlp.c_fc.bias", new Shape(4 * c));
            shapes.put(p + "mlp.c_proj.weight", new Shape(4 * c, c));
            shapes.put(p + "mlp.c_proj.bias", new Shape(c));
        }
        shapes.put("ln_f.weight", new Shape(c));
        shapes.put("ln_f.bias", new Shape(c));
        shapes.put("reward_head.weight", new Shape(c));
        shapes.put("reward_head.bias", new Shape(1));
        if (config.rewardLikelihood()) {
            shapes.put(LIKELIHOOD_WEIGHT, new Shape(1));
        }
        shapes.put("value_head.weight", new Shape(c));
        shapes.put("value_head.bias", new Shape(1));
        return shapes;
    }

    public GptConfig config() {
        return config;
    }

    /** The manager that owns the weights; sub-managers of it are convenient for per-call arrays. */
    public NDManager manager() {
        return manager;
    }

    /** Named parameters in a stable order; the arrays are the live weights. */
    public Map<String, NDArray> parameters() {
        return parameters;
    }

    /** Attaches (or drops) gradients on every parameter; inference-only models should leave this off. */
    public void setTrainable(boolean trainable) {
        parameters.values().forEach(p -> p.setRequiresGradient(trainable));
    }

    /** A deep copy with its own manager (e.g. the frozen SFT reference policy for the KL penalty). */
    public GptModel copy() {
        NDList list = namedArrays();
        return fromNamedArrays(config, list);
    }

    /** The weights as a named list (the same arrays, not copies), ready for {@code NDList.encode}. */
    public NDList namedArrays() {
        NDList list = new NDList();
        parameters.forEach((name, array) -> list.add(array));
        return list;
    }

    /** Copies every weight of {@code other} (same config) into this model in place, e.g. a hot swap. */
    public void copyWeightsFrom(GptModel other) {
        if (!other.config.equals(config)) {
            throw new IllegalArgumentException("config mismatch: " + other.config + " vs " + config);
        }
        parameters.forEach((name, array) -> array.set(other.parameters.get(name).toFloatArray()));
    }

    /**
     * The decoder's final hidden states (after ln_f) for new tokens.
     *
     * @param tokens    (B, T) int64 token ids
     * @param positions (B, T) int64 position ids
     * @param bias      (B or 1, 1, T, S) additive attention bias, S = cached columns + T
     * @param training  applies dropout when true
     * @param cache     null for a full forward; otherwise the new keys/values are written at columns
     *                  [cache.length(), cache.length() + T) and attention reads columns [0, cache.length() + T)
     * @return (B, T, C)
     */
    public NDArray hidden(NDArray tokens, NDArray positions, NDArray bias, boolean training, KvCache cache) {
        long columns = tokens.getShape().get(1) + (cache == null ? 0 : cache.length());
        if (columns > config.contextLength()) {
            throw new IllegalArgumentException("sequence of " + columns + " tokens exceeds contextLength "
                    + config.contextLength());
        }
        boolean drop = training && config.dropout() > 0f;
        NDArray x = embed(tokens, param("wte.weight")); // (B, T, C)
        Rotation rotation = null;
        if (config.rotary()) {
            rotation = rotation(positions);
        } else {
            x = x.add(embed(positions, param("wpe.weight"))); // (B, T, C)
        }
        x = dropout(x, drop);
        for (int l = 0; l < config.layers(); l++) {
            x = block(l, x, bias, drop, cache, rotation);
        }
        if (cache != null) {
            cache.advance((int) tokens.getShape().get(1));
        }
        return layerNorm(x, param("ln_f.weight"), param("ln_f.bias")); // (B, T, C)
    }

    /** Full causal forward of a padded batch; hidden states (B, T, C). */
    public NDArray hidden(NDManager scope, TokenBatch batch, boolean training) {
        return hidden(batch.tokens(scope), batch.positions(scope), batch.attentionBias(scope), training, null);
    }

    /** LM head tied to the token embedding: (..., C) → (..., V). */
    public NDArray logits(NDArray hidden) {
        return hidden.matMul(param("wte.weight").transpose()); // (..., V)
    }

    /** Reward head, a projection of each hidden state to one number: (B, T, C) → (B, T). */
    public NDArray rewards(NDArray hidden) {
        return scalarHead(hidden, "reward_head");
    }

    /** β of the reward's likelihood term, shape (1); only for a config with {@code rewardLikelihood}. */
    public NDArray likelihoodWeight() {
        if (!config.rewardLikelihood()) {
            throw new IllegalStateException("this model's reward has no likelihood term");
        }
        return param(LIKELIHOOD_WEIGHT);
    }

    /**
     * A deep copy whose reward adds β · the mean response log-probability (β = {@code beta}) to the reward head; every
     * other weight is copied unchanged. Used to start a reward model from an SFT model.
     */
    public GptModel withRewardLikelihood(float beta) {
        return derive(config.withRewardLikelihood(true), Map.of(LIKELIHOOD_WEIGHT, new float[] {beta}));
    }

    /**
     * A deep copy under {@code newConfig}: each parameter that config expects takes its values from {@code values} when
     * given there, else from this model (a parameter in neither is an error, as in {@link #fromNamedArrays}).
     */
    public GptModel derive(GptConfig newConfig, Map<String, float[]> values) {
        try (NDManager scratch = NDManager.newBaseManager()) {
            NDList list = new NDList();
            for (Map.Entry<String, Shape> e : expectedShapes(newConfig).entrySet()) {
                float[] given = values.get(e.getKey());
                if (given != null) {
                    NDArray array = scratch.create(given, e.getValue());
                    array.setName(e.getKey());
                    list.add(array);
                } else if (parameters.containsKey(e.getKey())) {
                    list.add(parameters.get(e.getKey()));
                }
            }
            return fromNamedArrays(newConfig, list);
        }
    }

    /** Value head, per-token V(s): (B, T, C) → (B, T). */
    public NDArray values(NDArray hidden) {
        return scalarHead(hidden, "value_head");
    }

    private NDArray scalarHead(NDArray hidden, String head) {
        int last = hidden.getShape().dimension() - 1;
        NDArray w = param(head + ".weight").reshape(config.width(), 1); // (C, 1)
        return hidden.matMul(w).squeeze(last).add(param(head + ".bias")); // (B, T)
    }

    private NDArray block(int l, NDArray x, NDArray bias, boolean drop, KvCache cache, Rotation rotation) {
        BlockWeights w = blocks[l];
        NDArray attended = attention(l, layerNorm(x, w.ln1Weight, w.ln1Bias), bias, drop, cache, rotation); // (B, T, C)
        x = x.add(dropout(attended, drop));
        NDArray mlp = mlp(w, layerNorm(x, w.ln2Weight, w.ln2Bias)); // (B, T, C)
        return x.add(dropout(mlp, drop));
    }

    private NDArray attention(int l, NDArray x, NDArray bias, boolean drop, KvCache cache, Rotation rotation) {
        BlockWeights w = blocks[l];
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        NDList qkv = x.matMul(w.attnWeight).add(w.attnBias).split(3, 2); // 3 × (B, T, C)
        // Scaling q before the product is cheaper than scaling the (B, H, T, S) scores.
        NDArray q = Scalars.mul(splitHeads(qkv.get(0), b, t), 1f / (float) Math.sqrt(config.headDim())); // (B, H, T, D)
        NDArray k = splitHeads(qkv.get(1), b, t); // (B, H, T, D)
        NDArray v = splitHeads(qkv.get(2), b, t); // (B, H, T, D)
        if (rotation != null) { // keys are cached rotated by their own position
            q = rotation.apply(q);
            k = rotation.apply(k);
        }
        if (cache != null) {
            int start = cache.length();
            NDIndex newColumns = new NDIndex(":, :, {}:{}", start, start + t);
            cache.keys(l).set(newColumns, k);
            cache.values(l).set(newColumns, v);
            NDIndex filled = new NDIndex(":, :, :{}", start + t);
            k = cache.keys(l).get(filled); // (B, H, S, D)
            v = cache.values(l).get(filled); // (B, H, S, D)
        }
        NDArray att = q.matMul(k.transpose(0, 1, 3, 2)).add(bias).softmax(3); // (B, H, T, S)
        att = dropout(att, drop);
        NDArray y = att.matMul(v) // (B, H, T, D)
                .transpose(0, 2, 1, 3).reshape(b, t, config.width()); // (B, T, C)
        return y.matMul(w.attnProjWeight).add(w.attnProjBias); // (B, T, C)
    }

    /**
     * cos and sin of the rotary angles at each token's position, (B, 1, T, D/2): the pair (x_i, x_{i+D/2}) of a query
     * or key at position p is rotated by the angle p·θ_i, θ_i = 10000^(−2i/D) (the GPT-NeoX half-split layout).
     */
    private record Rotation(NDArray cos, NDArray sin) {
        NDArray apply(NDArray x) { // (B, H, T, D)
            long half = x.getShape().get(3) / 2;
            NDArray x1 = x.get(new NDIndex(":, :, :, :{}", half));
            NDArray x2 = x.get(new NDIndex(":, :, :, {}:", half));
            return x1.mul(cos).sub(x2.mul(sin)).concat(x2.mul(cos).add(x1.mul(sin)), 3);
        }
    }

    private Rotation rotation(NDArray positions) {
        long b = positions.getShape().get(0);
        long t = positions.getShape().get(1);
        long half = config.headDim() / 2;
        return new Rotation(embed(positions, rotaryTables[0]).reshape(b, 1, t, half),
                embed(positions, rotaryTables[1]).reshape(b, 1, t, half));
    }

    /**
     * The cos and sin tables, (context, D/2), made once with the model and owned by its manager: autograd keeps them
     * for the backward pass, so they must outlive every forward (see {@link Scalars} for what happens otherwise), and
     * an {@link ai.djl.ndarray.NDScope} open around the model's creation must not close them.
     */
    private static NDArray[] rotaryTables(GptConfig config, NDManager manager) {
        int half = config.headDim() / 2;
        int context = config.contextLength();
        float[] cos = new float[context * half];
        float[] sin = new float[context * half];
        for (int p = 0; p < context; p++) {
            for (int i = 0; i < half; i++) {
                double angle = p * Math.pow(ROTARY_BASE, -2.0 * i / config.headDim());
                cos[p * half + i] = (float) Math.cos(angle);
                sin[p * half + i] = (float) Math.sin(angle);
            }
        }
        NDArray[] tables = {manager.create(cos, new Shape(context, half)), manager.create(sin, new Shape(context, half))};
        ai.djl.ndarray.NDScope.unregister(tables);
        return tables;
    }

    private NDArray splitHeads(NDArray x, long b, long t) {
        return x.reshape(b, t, config.heads(), config.headDim()).transpose(0, 2, 1, 3); // (B, H, T, D)
    }

    private static NDArray mlp(BlockWeights w, NDArray x) {
        NDArray h = gelu(x.matMul(w.fcWeight).add(w.fcBias)); // (B, T, 4C)
        return h.matMul(w.mlpProjWeight).add(w.mlpProjBias); // (B, T, C)
    }

    /** GPT-2's tanh approximation: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
    static NDArray gelu(NDArray x) {
        NDArray inner = Scalars.mul(x.add(Scalars.mul(x.mul(x).mul(x), 0.044715f)), SQRT_2_OVER_PI);
        return Scalars.mul(x.mul(inner.tanh().add(1f)), 0.5f);
    }

    private NDArray layerNorm(NDArray x, NDArray gamma, NDArray beta) {
        return LayerNorm.layerNorm(x, new Shape(config.width()), gamma, beta, LAYER_NORM_EPS).singletonOrThrow();
    }

    private NDArray dropout(NDArray x, boolean drop) {
        return drop ? Dropout.dropout(x, config.dropout(), true).singletonOrThrow() : x;
    }

    private static NDArray embed(NDArray ids, NDArray table) {
        return Embedding.embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
    }

    private NDArray param(String name) {
        NDArray p = parameters.get(name);
        if (p == null) {
            throw new IllegalStateException("no parameter " + name);
        }
        return p;
    }

    private static NDArray named(NDArray array, String name) {
        array.setName(name);
        return array;
    }

    private static float[] constant(Shape shape, float value) {
        float[] v = new float[Math.toIntExact(shape.size())];
        java.util.Arrays.fill(v, value);
        return v;
    }

    private static float[] normal(Shape shape, float std, Random random) {
        float[] v = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian() * std;
        }
        return v;
    }

    @Override
    public void close() {
        manager.close();
    }
}
