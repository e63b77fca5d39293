package rlhf.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import rlhf.demo.soak.Soak;
import rlhf.demo.soak.SoakReport;
import rlhf.demo.soak.SoakReport.KindRow;
import rlhf.demo.soak.SoakReport.ServiceRow;
import rlhf.demo.soak.SoakSettings;

/**
 * A short soak through the code {@code ./rlhf soak} runs: the four services as processes and a real broker, 75 s of
 * chat, comparisons, Generate, Score and PPO iterations at once (tiny models made through the trainer first). Every
 * call succeeds, every load kind is exercised, PPO publishes after the warm-up, and no service holds more NDArrays at
 * the end than after the warm-up.
 */
class SoakTest {

    private static final List<String> DJL_SERVICES = List.of("policy-service", "reward-service", "trainer-service");

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void aShortSoakHasNoErrorsExercisesEveryLoadKindAndLeavesNoNdArraysBehind(@TempDir Path workDir)
            throws Exception {
        Path root = Path.of(System.getProperty("rlhf.repo.root", ".."));
        SoakSettings settings = SoakSettings.of(Duration.ofSeconds(75)).withWarmup(Duration.ofSeconds(25));

        SoakReport report = Soak.run(root, workDir, 0, settings, System.out::println);
        System.out.print(report.markdown());

        assertThat(report.measured()).extracting(KindRow::kind)
                .containsExactly("chat", "comparison", "generate", "score", "ppo iteration");
        assertThat(report.measured()).allSatisfy(k -> assertThat(k.calls()).as(k.kind() + " calls").isPositive());
        assertThat(Stream.concat(report.warmup().stream(), report.measured().stream()))
                .allSatisfy(k -> assertThat(k.errorsByStatus()).as(k.kind() + " errors").isEmpty());
        assertThat(report.ppo().publishedMeasured()).as("PPO versions published after the warm-up").isPositive();

        List<ServiceRow> djl = report.services().stream().filter(s -> DJL_SERVICES.contains(s.service())).toList();
        assertThat(djl).extracting(ServiceRow::service).containsExactlyInAnyOrderElementsOf(DJL_SERVICES);
        assertThat(djl).allSatisfy(s -> assertThat(s.liveArraysEnd()).as(s.service() + " live NDArrays at the end")
                .isLessThanOrEqualTo(s.liveArraysStart() + settings.arraySlack()));
        assertThat(djl).filteredOn(s -> !s.service().equals("trainer-service")) // between jobs the trainer holds none
                .allSatisfy(s -> assertThat(s.liveArraysStart()).as(s.service() + " models counted").isPositive());

        Path markdown = report.write(workDir);
        assertThat(markdown).content().contains("| policy-service |", "Verdict:");
        assertThat(Files.readString(workDir.resolve("soak-report.json"))).contains("\"publishedMeasured\"",
                "\"liveArraysEnd\"");
    }
}
