package rlhf.demo.pipeline;

/**
 * DJL offline, untracked, one libtorch thread — set before DJL starts, because the demo's commands run inside
 * Maven's JVM (exec:java) where no launcher flag can be passed.
 */
final class DjlDefaults {

    private DjlDefaults() {
    }

    static void apply() {
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("OPT_OUT_TRACKING", "true");
        setIfAbsent("ai.djl.pytorch.num_threads", "1");
        setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
