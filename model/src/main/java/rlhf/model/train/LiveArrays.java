package rlhf.model.train;

import ai.djl.ndarray.NDManager;

/** Counts the NDArrays still open in the whole manager tree, to catch leaks in tests and metrics. */
public final class LiveArrays {
    private LiveArrays() {
    }

    /** Open arrays under the root manager above {@code anyManager} (all arrays of the engine in this JVM). */
    public static int count(NDManager anyManager) {
        NDManager root = anyManager;
        while (root.getParentManager() != null && root.getParentManager() != root) {
            root = root.getParentManager();
        }
        return root.getManagedArrays().size();
    }
}
