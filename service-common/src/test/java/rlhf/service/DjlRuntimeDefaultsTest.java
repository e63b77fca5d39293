package rlhf.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DjlRuntimeDefaultsTest {

    private static final String THREADS = "ai.djl.pytorch.num_threads";
    private final String saved = System.getProperty(THREADS);

    @AfterEach
    void restore() {
        if (saved == null) {
            System.clearProperty(THREADS);
        } else {
            System.setProperty(THREADS, saved);
        }
    }

    @Test
    void setsOneLibtorchThreadWhenTheLauncherForgot() {
        System.clearProperty(THREADS);
        assertThat(DjlRuntimeDefaults.applyDefaults()).containsEntry(THREADS, "1");
        assertThat(System.getProperty(THREADS)).isEqualTo("1");
    }

    @Test
    void keepsWhatTheLauncherSet() {
        System.setProperty(THREADS, "4");
        assertThat(DjlRuntimeDefaults.applyDefaults()).doesNotContainKey(THREADS);
        assertThat(System.getProperty(THREADS)).isEqualTo("4");
    }

    @Test
    void offlineIsOnInEveryServiceJvm() {
        DjlRuntimeDefaults.applyDefaults();
        boolean offline = Boolean.parseBoolean(System.getProperty("ai.djl.offline"))
                || Boolean.parseBoolean(System.getenv("DJL_OFFLINE"));
        assertThat(offline).isTrue();
    }
}
