package rlhf.service;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Makes every service JVM run DJL offline, without usage tracking and with one libtorch thread, even when the
 * launcher forgot the flags: without them DJL calls a cloud metadata address at engine start (forbidden on
 * these networks), and two intra-op threads per JVM on a 2-core machine ran 5x slower. Values given on the
 * command line or in the environment win.
 */
@ApplicationScoped
public class DjlRuntimeDefaults {

    private static final Logger LOG = Logger.getLogger(DjlRuntimeDefaults.class);

    /** System property → value applied when neither the property nor its environment twin is set. */
    static final Map<String, String> DEFAULTS = defaults();

    private static Map<String, String> defaults() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("ai.djl.offline", "true");
        m.put("OPT_OUT_TRACKING", "true");
        m.put("ai.djl.pytorch.num_threads", "1");
        m.put("ai.djl.pytorch.num_interop_threads", "1");
        return m;
    }

    void apply(@Observes @Priority(1) StartupEvent event) {
        applyDefaults();
    }

    /** Sets the defaults that are not set; returns what it set. */
    static Map<String, String> applyDefaults() {
        Map<String, String> applied = new LinkedHashMap<>();
        DEFAULTS.forEach((key, value) -> {
            boolean fromEnv = key.equals("ai.djl.offline") ? System.getenv("DJL_OFFLINE") != null : System.getenv(key) != null;
            if (System.getProperty(key) == null && !fromEnv) {
                System.setProperty(key, value);
                applied.put(key, value);
            }
        });
        if (!applied.isEmpty()) {
            LOG.debugf("DJL runtime defaults applied: %s", applied);
        }
        return applied;
    }
}
