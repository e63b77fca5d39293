package rlhf.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Element-wise operations with a constant that are safe inside a {@link ai.djl.training.GradientCollector}. Use these,
 * never DJL's {@code NDArray.mul(Number)}, {@code div(Number)}, {@code maximum(Number)} or {@code minimum(Number)}, on
 * anything a backward pass goes through.
 *
 * <p>Why: DJL's PyTorch engine (0.35.1) implements those overloads by wrapping the number in a tensor over a Java direct
 * buffer (libtorch's {@code from_blob}, no copy), running the operation and closing the wrapper at once. Autograd keeps
 * that tensor for the backward pass (the gradient of x·c is grad·c), but the buffer is now only garbage: when the JVM
 * collects it, the backward pass reads freed memory and the gradient becomes garbage or NaN while the loss stays
 * finite. How often depends on the collector's timing, which is why training failed at random steps (and with a
 * collection forced every few milliseconds, at the first step). The constants made here live in libtorch's own
 * memory, which autograd reference-counts.
 */
public final class Scalars {

    private Scalars() {
    }

    /** A 0-d tensor holding {@code value}, of {@code like}'s type and manager, in native memory. */
    public static NDArray constant(NDArray like, float value) {
        return like.getManager().full(new Shape(), value, like.getDataType());
    }

    /** x · c */
    public static NDArray mul(NDArray x, float c) {
        return x.mul(constant(x, c));
    }

    /** x / c */
    public static NDArray div(NDArray x, float c) {
        return x.div(constant(x, c));
    }

    /** max(x, c) element-wise */
    public static NDArray maximum(NDArray x, float c) {
        return x.maximum(constant(x, c));
    }

    /** min(x, c) element-wise */
    public static NDArray minimum(NDArray x, float c) {
        return x.minimum(constant(x, c));
    }
}
