package rlhf.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class ScalarsTest {

    @Test
    void valuesMatchPlainArithmetic() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {-2f, 0.5f, 3f});
            assertThat(Scalars.mul(x, 3f).toFloatArray()).containsExactly(-6f, 1.5f, 9f);
            assertThat(Scalars.div(x, 2f).toFloatArray()).containsExactly(-1f, 0.25f, 1.5f);
            assertThat(Scalars.maximum(x, 1f).toFloatArray()).containsExactly(1f, 1f, 3f);
            assertThat(Scalars.minimum(x, 1f).toFloatArray()).containsExactly(-2f, 0.5f, 1f);
        }
    }

    /**
     * The regression behind the random NaN gradients: between forward and backward the JVM collects garbage and
     * reuses the freed memory for NaN-filled buffers. A constant that autograd saved in Java memory (DJL's
     * {@code mul(Number)}) then turns into NaN; one in native memory does not.
     */
    @Test
    void gradientsStayExactWhenTheCollectorRunsBetweenForwardAndBackward() {
        assertThat(gradientsUnderCollection(Scalars::mul, 3f)).containsOnly(3f);
        assertThat(gradientsUnderCollection(Scalars::div, 4f)).containsOnly(0.25f);
        assertThat(gradientsUnderCollection(Scalars::maximum, -1f)).containsOnly(1f);
        assertThat(gradientsUnderCollection(Scalars::minimum, 100f)).containsOnly(1f);
    }

    private static float[] gradientsUnderCollection(ScalarOp op, float c) {
        float[] grads = null;
        for (int round = 0; round < 20; round++) {
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray x = m.create(new float[] {1f, 2f, 3f, 4f});
                x.setRequiresGradient(true);
                try (GradientCollector collector = m.getEngine().newGradientCollector()) {
                    NDArray y = op.apply(x, c).sum();
                    List<NDArray> filler = new ArrayList<>();
                    for (int i = 0; i < 3; i++) {
                        System.gc();
                        sleep();
                        for (int k = 0; k < 2_000; k++) {
                            filler.add(m.create(Float.NaN)); // reuses freed 4-byte direct buffers
                        }
                    }
                    collector.backward(y);
                }
                grads = x.getGradient().toFloatArray();
                for (float g : grads) {
                    if (!Float.isFinite(g)) {
                        return grads;
                    }
                }
            }
        }
        return grads;
    }

    private static void sleep() {
        try {
            Thread.sleep(20); // lets the Cleaner thread free what the collection found
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @FunctionalInterface
    private interface ScalarOp {
        NDArray apply(NDArray x, float c);
    }

}
