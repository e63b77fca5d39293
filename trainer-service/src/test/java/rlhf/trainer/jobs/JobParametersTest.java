package rlhf.trainer.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

import rlhf.model.store.CheckpointStore;

class JobParametersTest {

    private final JobFactory factory = new JobFactory(new CheckpointStore(Path.of("target/unused-store")),
            Path.of("target/unused-data"));

    @Test
    void defaultsAreFilledInAndDataDefaultsToTheConventionalFileName() {
        TrainingJob job = factory.create(JobKind.SFT, Map.of("epochs", "2"));
        assertThat(job.parameters()).containsEntry("epochs", "2").containsEntry("batch-size", "16")
                .containsEntry("data", Path.of("target/unused-data/sft-demonstrations.jsonl").toString());
    }

    @Test
    void unknownAndOutOfBoundsParametersAreNamed() {
        assertThatThrownBy(() -> factory.create(JobKind.PRETRAIN, Map.of("stepz", "3")))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("'stepz'")
                .hasMessageContaining("unknown parameter")
                .satisfies(e -> assertThat(((InvalidParameterException) e).parameter()).isEqualTo("stepz"));
        assertThatThrownBy(() -> factory.create(JobKind.PRETRAIN, Map.of("steps", "0")))
                .hasMessageContaining("'steps'").hasMessageContaining("outside");
        assertThatThrownBy(() -> factory.create(JobKind.SFT, Map.of("lr", "fast")))
                .hasMessageContaining("'lr'").hasMessageContaining("not a number");
        assertThatThrownBy(() -> factory.create(JobKind.PRETRAIN, Map.of("width", "30", "heads", "4")))
                .hasMessageContaining("'heads'");
        assertThatThrownBy(() -> factory.create(JobKind.REWARD_MODEL, Map.of("robustness-check", "yes")))
                .hasMessageContaining("'robustness-check'");
        assertThatThrownBy(() -> factory.create(JobKind.SFT, Map.of("lr", "1e-4", "min-lr", "1e-3")))
                .hasMessageContaining("'min-lr'");
    }

    @Test
    void kindsParseFromCommandLineAndContractNames() {
        assertThat(JobKind.parse("reward-model")).isEqualTo(JobKind.REWARD_MODEL);
        assertThat(JobKind.parse("rm")).isEqualTo(JobKind.REWARD_MODEL);
        assertThat(JobKind.parse("JOB_KIND_SFT")).isEqualTo(JobKind.SFT);
        assertThatThrownBy(() -> JobKind.parse("ppo")).hasMessageContaining("'kind'");
    }
}
