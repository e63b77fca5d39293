package rlhf.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import rlhf.model.GptConfig;
import rlhf.model.GptModel;

/**
 * Attention must carry information between positions: a sequence of random symbols followed by a separator and the
 * same symbols again can only be predicted in its second half by looking back. A model whose attention is broken
 * (masking, head split, positions) stays at ln(symbols) there; a working one copies.
 */
class CopyTaskTest {

    @Test
    void aSmallTransformerLearnsToCopyASequenceItHasSeenEarlierInTheWindow() {
        int symbols = 16;
        int half = 6;
        GptConfig config = new GptConfig(symbols + 1, 2 * half + 2, 2, 2, 32, 0f);
        Random random = new Random(3);
        try (GptModel model = GptModel.create(config, 1); NDManager manager = model.manager().newSubManager();
                AdamW adam = new AdamW(model.parameters(), new AdamW.Settings(0.9f, 0.95f, 1e-8f, 0f))) {
            model.setTrainable(true);
            TrainingLoop loop = new TrainingLoop(manager, adam, new WarmupCosineSchedule(3e-3f, 3e-4f, 20, 600),
                    new TrainingLoop.Settings(600, 1f, 0), line -> { });
            loop.run((m, step) -> new TrainingLoop.Loss(CausalLmLoss.loss(model, m, batch(random, 32, symbols, half),
                    true), 32L * (2 * half + 1)));
            model.setTrainable(false);
            int[][] test = batch(new Random(99), 64, symbols, half);
            // Whole-window loss: the first half is unpredictable (ln 16 ≈ 2.77 nats per token), the copied half is
            // free once attention works, so the mean drops to about half of ln 16 (≈ 1.2); without copying it stays
            // near ln 16.
            double loss = CausalLmLoss.evaluate(model, test, 64);
            assertThat(loss).isLessThan(0.6 * Math.log(symbols));
        }
    }

    /** Windows of {@code 2·half + 2} tokens: s_1 … s_half, separator, s_1 … s_half, separator. */
    private static int[][] batch(Random random, int size, int symbols, int half) {
        int[][] windows = new int[size][2 * half + 2];
        for (int[] w : windows) {
            for (int i = 0; i < half; i++) {
                w[i] = random.nextInt(symbols);
                w[half + 1 + i] = w[i];
            }
            w[half] = symbols;
            w[2 * half + 1] = symbols;
        }
        return windows;
    }
}
