package rlhf.model.train;

import ai.djl.ndarray.NDManager;

/** Counts the NDArrays still open in the whole manager tree, to catch leaks in tests and metrics. */
public final class LiveArrays {
    private LiveArrays() {
    }

    /**
     * Open arrays of the whole engine in this JVM, walked from an empty probe manager up to its root: no state to keep,
     * safe from any thread (the manager tree is concurrent maps), linear in the open arrays. What the services'
     * {@code rlhf_ndarrays_live} gauge reports on each scrape.
     */
    public static int inEngine() {
        try (NDManager probe = NDManager.newBaseManager()) {
            return count(probe);
        }
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
