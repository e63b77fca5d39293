package rlhf.model.store;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import rlhf.model.GptConfig;
import rlhf.model.GptModel;

/**
 * Imports Hugging Face GPT-2 weights ({@code model.safetensors} with HF names such as {@code h.0.attn.c_attn.weight},
 * optionally prefixed {@code transformer.}). HF's GPT-2 uses Conv1D, whose weight is stored (in, out) and applied as
 * {@code x @ W + b}: the same layout {@link GptModel} uses, so no transpose is needed. The causal-mask buffers
 * ({@code attn.bias}, {@code attn.masked_bias}) and the tied {@code lm_head.weight} are dropped. The reward and value
 * heads, which GPT-2 lacks, start at zero.
 */
public final class HfGpt2Import {
    private static final Pattern LAYER = Pattern.compile("h\\.(\\d+)\\.ln_1\\.weight");

    private HfGpt2Import() {
    }

    /**
     * Imports a folder holding HF's {@code config.json} (n_head, n_embd, n_layer, n_positions, vocab_size) and
     * {@code model.safetensors}.
     */
    public static GptModel importDirectory(Path dir) {
        try {
            JsonObject cfg = JsonParser.parseString(Files.readString(dir.resolve("config.json"))).getAsJsonObject();
            int heads = cfg.get("n_head").getAsInt();
            float dropout = cfg.has("resid_pdrop") ? cfg.get("resid_pdrop").getAsFloat() : 0.1f;
            GptModel model = importSafetensors(dir.resolve("model.safetensors"), heads, dropout);
            GptConfig c = model.config();
            if (c.width() != cfg.get("n_embd").getAsInt() || c.layers() != cfg.get("n_layer").getAsInt()) {
                model.close();
                throw new IllegalArgumentException("config.json disagrees with the weights' shapes: " + c);
            }
            return model;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir, e);
        }
    }

    /**
     * Imports one safetensors file; vocabulary, context, width and depth are read from the tensor shapes, the head
     * count (not visible in the weights) is given.
     */
    public static GptModel importSafetensors(Path file, int heads, float dropout) {
        try (NDManager staging = NDManager.newBaseManager(); InputStream in = Files.newInputStream(file)) {
            NDList hf = NDList.decode(staging, in);
            NDList named = new NDList();
            int layers = 0;
            for (NDArray a : hf) {
                String name = a.getName().startsWith("transformer.") ? a.getName().substring(12) : a.getName();
                if (name.endsWith(".attn.bias") || name.endsWith(".attn.masked_bias") || name.equals("lm_head.weight")) {
                    continue;
                }
                Matcher m = LAYER.matcher(name);
                if (m.matches()) {
                    layers = Math.max(layers, Integer.parseInt(m.group(1)) + 1);
                }
                NDArray f = a.toType(DataType.FLOAT32, false);
                f.setName(name);
                named.add(f);
            }
            Shape wte = shapeOf(named, "wte.weight", file);
            Shape wpe = shapeOf(named, "wpe.weight", file);
            int width = (int) wte.get(1);
            GptConfig config = new GptConfig((int) wte.get(0), (int) wpe.get(0), layers, heads, width, dropout);
            named.add(zeros(staging, "reward_head.weight", width));
            named.add(zeros(staging, "reward_head.bias", 1));
            named.add(zeros(staging, "value_head.weight", width));
            named.add(zeros(staging, "value_head.bias", 1));
            return GptModel.fromNamedArrays(config, named);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static Shape shapeOf(NDList list, String name, Path file) {
        for (NDArray a : list) {
            if (a.getName().equals(name)) {
                return a.getShape();
            }
        }
        throw new IllegalArgumentException(file + " has no tensor " + name + "; is it a GPT-2 checkpoint?");
    }

    private static NDArray zeros(NDManager manager, String name, int size) {
        NDArray a = manager.zeros(new Shape(size));
        a.setName(name);
        return a;
    }
}
