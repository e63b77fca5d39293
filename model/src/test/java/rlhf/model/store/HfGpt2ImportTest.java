package rlhf.model.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import rlhf.model.GptModel;
import rlhf.model.TestModels;

/**
 * Writes a small GPT-2 checkpoint exactly as Hugging Face lays it out (names, Conv1D (in, out) weights,
 * {@code __metadata__}, the {@code attn.bias} mask buffer) with a plain-Java safetensors writer, imports it, and
 * compares the logits with an independent plain-Java forward pass.
 */
class HfGpt2ImportTest {
    private static final int V = 50;
    private static final int CTX = 16;
    private static final int L = 2;
    private static final int H = 2;
    private static final int C = 12;

    @TempDir
    Path dir;

    record Tensor(int[] shape, float[] data) {
    }

    @Test
    void importedLogitsEqualAPlainJavaReferenceForward() throws IOException {
        Map<String, Tensor> weights = randomHfWeights(new Random(17));
        writeSafetensors(dir.resolve("model.safetensors"), weights);
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"gpt2\", \"n_head\": " + H + ", \"n_embd\": " + C
                + ", \"n_layer\": " + L + ", \"n_positions\": " + CTX + ", \"vocab_size\": " + V + ", \"resid_pdrop\": 0.0}");
        int[] tokens = {3, 17, 42, 0, 8, 8, 49, 21, 5};
        try (GptModel model = HfGpt2Import.importDirectory(dir)) {
            assertThat(model.config().vocabSize()).isEqualTo(V);
            assertThat(model.config().layers()).isEqualTo(L);
            float[][] actual = TestModels.fullLogits(model, tokens);
            float[][] expected = referenceLogits(weights, tokens);
            for (int t = 0; t < tokens.length; t++) {
                assertThat(actual[t]).as("position %d", t).containsExactly(expected[t], within(1e-4f));
            }
        }
    }

    private static Map<String, Tensor> randomHfWeights(Random r) {
        Map<String, Tensor> w = new LinkedHashMap<>();
        w.put("wte.weight", random(r, 0.5f, 0f, V, C));
        w.put("wpe.weight", random(r, 0.3f, 0f, CTX, C));
        for (int l = 0; l < L; l++) {
            String p = "h." + l + ".";
            w.put(p + "ln_1.weight", random(r, 0.2f, 1f, C));
            w.put(p + "ln_1.bias", random(r, 0.2f, 0f, C));
            w.put(p + "attn.bias", new Tensor(new int[] {1, 1, CTX, CTX}, new float[CTX * CTX])); // HF mask buffer
            w.put(p + "attn.c_attn.weight", random(r, 0.4f, 0f, C, 3 * C));
            w.put(p + "attn.c_attn.bias", random(r, 0.1f, 0f, 3 * C));
            w.put(p + "attn.c_proj.weight", random(r, 0.3f, 0f, C, C));
            w.put(p + "attn.c_proj.bias", random(r, 0.1f, 0f, C));
            w.put(p + "ln_2.weight", random(r, 0.2f, 1f, C));
            w.put(p + "ln_2.bias", random(r, 0.2f, 0f, C));
            w.put(p + "mlp.c_fc.weight", random(r, 0.3f, 0f, C, 4 * C));
            w.put(p + "mlp.c_fc.bias", random(r, 0.1f, 0f, 4 * C));
            w.put(p + "mlp.c_proj.weight", random(r, 0.2f, 0f, 4 * C, C));
            w.put(p + "mlp.c_proj.bias", random(r, 0.1f, 0f, C));
        }
        w.put("ln_f.weight", random(r, 0.2f, 1f, C));
        w.put("ln_f.bias", random(r, 0.2f, 0f, C));
        return w;
    }

    private static Tensor random(Random r, float std, float mean, int... shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        float[] d = new float[n];
        for (int i = 0; i < n; i++) {
            d[i] = mean + std * (float) r.nextGaussian();
        }
        return new Tensor(shape, d);
    }

    /** The safetensors format: u64 little-endian header length, JSON header, raw little-endian data. */
    private static void writeSafetensors(Path file, Map<String, Tensor> tensors) throws IOException {
        StringBuilder header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            long bytes = 4L * e.getValue().data().length;
            header.append(",\"").append(e.getKey()).append("\":{\"dtype\":\"F32\",\"shape\":")
                    .append(java.util.Arrays.toString(e.getValue().shape()).replace(" ", ""))
                    .append(",\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
        }
        header.append('}');
        while (header.length() % 8 != 0) {
            header.append(' ');
        }
        byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
            out.write(h);
            for (Tensor t : tensors.values()) {
                ByteBuffer b = ByteBuffer.allocate(4 * t.data().length).order(ByteOrder.LITTLE_ENDIAN);
                for (float f : t.data()) {
                    b.putFloat(f);
                }
                out.write(b.array());
            }
        }
    }

    // ---- independent reference: GPT-2 forward in plain loops, double accumulation ----

    private static float[][] referenceLogits(Map<String, Tensor> w, int[] tokens) {
        int t = tokens.length;
        double[][] x = new double[t][C];
        for (int i = 0; i < t; i++) {
            for (int c = 0; c < C; c++) {
                x[i][c] = w.get("wte.weight").data()[tokens[i] * C + c] + w.get("wpe.weight").data()[i * C + c];
            }
        }
        for (int l = 0; l < L; l++) {
            String p = "h." + l + ".";
            double[][] h = layerNorm(x, w.get(p + "ln_1.weight"), w.get(p + "ln_1.bias"));
            double[][] qkv = linear(h, w.get(p + "attn.c_attn.weight"), w.get(p + "attn.c_attn.bias"));
            double[][] y = new double[t][C];
            int d = C / H;
            for (int head = 0; head < H; head++) {
                for (int i = 0; i < t; i++) {
                    double[] scores = new double[i + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j <= i; j++) {
                        double s = 0;
                        for (int k = 0; k < d; k++) {
                            s += qkv[i][head * d + k] * qkv[j][C + head * d + k];
                        }
                        scores[j] = s / Math.sqrt(d);
                        max = Math.max(max, scores[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j <= i; j++) {
                        scores[j] = Math.exp(scores[j] - max);
                        sum += scores[j];
                    }
                    for (int j = 0; j <= i; j++) {
                        for (int k = 0; k < d; k++) {
                            y[i][head * d + k] += scores[j] / sum * qkv[j][2 * C + head * d + k];
                        }
                    }
                }
            }
            add(x, linear(y, w.get(p + "attn.c_proj.weight"), w.get(p + "attn.c_proj.bias")));
            double[][] fc = linear(layerNorm(x, w.get(p + "ln_2.weight"), w.get(p + "ln_2.bias")),
                    w.get(p + "mlp.c_fc.weight"), w.get(p + "mlp.c_fc.bias"));
            for (double[] row : fc) {
                for (int k = 0; k < row.length; k++) {
                    double v = row[k];
                    row[k] = 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
                }
            }
            add(x, linear(fc, w.get(p + "mlp.c_proj.weight"), w.get(p + "mlp.c_proj.bias")));
        }
        double[][] f = layerNorm(x, w.get("ln_f.weight"), w.get("ln_f.bias"));
        float[][] logits = new float[t][V];
        for (int i = 0; i < t; i++) {
            for (int v = 0; v < V; v++) {
                double s = 0;
                for (int c = 0; c < C; c++) {
                    s += f[i][c] * w.get("wte.weight").data()[v * C + c];
                }
                logits[i][v] = (float) s;
            }
        }
        return logits;
    }

    /** HF Conv1D: weight (in, out), y = x W + b. */
    private static double[][] linear(double[][] x, Tensor weight, Tensor bias) {
        int in = weight.shape()[0];
        int out = weight.shape()[1];
        double[][] y = new double[x.length][out];
        for (int i = 0; i < x.length; i++) {
            for (int o = 0; o < out; o++) {
                double s = bias.data()[o];
                for (int k = 0; k < in; k++) {
                    s += x[i][k] * weight.data()[k * out + o];
                }
                y[i][o] = s;
            }
        }
        return y;
    }

    private static double[][] layerNorm(double[][] x, Tensor gamma, Tensor beta) {
        double[][] y = new double[x.length][C];
        for (int i = 0; i < x.length; i++) {
            double mean = 0;
            for (double v : x[i]) {
                mean += v / C;
            }
            double var = 0;
            for (double v : x[i]) {
                var += (v - mean) * (v - mean) / C;
            }
            for (int c = 0; c < C; c++) {
                y[i][c] = (x[i][c] - mean) / Math.sqrt(var + 1e-5) * gamma.data()[c] + beta.data()[c];
            }
        }
        return y;
    }

    private static void add(double[][] x, double[][] delta) {
        for (int i = 0; i < x.length; i++) {
            for (int c = 0; c < C; c++) {
                x[i][c] += delta[i][c];
            }
        }
    }
}
