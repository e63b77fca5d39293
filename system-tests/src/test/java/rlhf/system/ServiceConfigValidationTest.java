package rlhf.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import rlhf.demo.LocalStack;

/** A packaged service refuses to boot on a setting out of bounds, and says which key. */
class ServiceConfigValidationTest {

    @Test
    void outOfBoundsSettingStopsTheServiceNamingTheKey(@TempDir Path dir) throws Exception {
        Path root = Path.of(System.getProperty("rlhf.repo.root", ".."));
        LocalStack.Service policy = LocalStack.defaultServices().get(0);
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(LocalStack.SERVICE_JVM_FLAGS);
        cmd.add("-Dquarkus.http.port=0");
        cmd.add("-Drlhf.policy.max-batch-size=0");
        cmd.add("-jar");
        cmd.add(policy.app(root).toString());
        Path log = dir.resolve("policy.log");
        Process process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("service gives up instead of running").isTrue();
        assertThat(process.exitValue()).isNotZero();
        assertThat(Files.readString(log)).contains("rlhf.policy.max-batch-size");
    }
}
