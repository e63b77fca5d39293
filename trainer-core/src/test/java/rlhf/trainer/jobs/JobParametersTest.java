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
        assertThat(JobKind.parse("ppo")).isEqualTo(JobKind.PPO);
        assertThat(JobKind.parse("JOB_KIND_PPO")).isEqualTo(JobKind.PPO);
        assertThat(JobKind.parse("online-iteration")).isEqualTo(JobKind.ONLINE_ITERATION);
        assertThat(JobKind.parse("online")).isEqualTo(JobKind.ONLINE_ITERATION);
        assertThat(JobKind.parse("JOB_KIND_ONLINE_ITERATION")).isEqualTo(JobKind.ONLINE_ITERATION);
        assertThatThrownBy(() -> JobKind.parse("offline")).hasMessageContaining("'kind'");
    }

    @Test
    void ppoParametersHaveDocumentedDefaultsAndNamedBounds() {
        TrainingJob job = factory.create(JobKind.PPO, Map.of());
        assertThat(job.parameters()).containsEntry("iterations", "10").containsEntry("prompts-per-iteration", "16")
                .containsEntry("samples-per-prompt", "4").containsEntry("epochs", "4")
                .containsEntry("minibatch-size", "16").containsEntry("clip-epsilon", "0.2")
                .containsEntry("value-clip-epsilon", "0.2").containsEntry("gamma", "1.0").containsEntry("lambda", "0.95")
                .containsEntry("advantage", "group").containsEntry("adam-epsilon", "1.0E-5")
                .containsEntry("lr", "1.0E-4").containsEntry("critic-lr", "2.0E-4")
                .containsEntry("kl-coef", "0.3").containsEntry("target-kl", "0.0").containsEntry("kl-unit", "token")
                .containsEntry("ptx-coef", "0.0")
                .containsEntry("max-staleness", "1").containsEntry("normalize-rewards", "true")
                .containsEntry("data", Path.of("target/unused-data/ppo-prompts.jsonl").toString());
        assertThatThrownBy(() -> factory.create(JobKind.PPO, Map.of("clip-epsilon", "2")))
                .hasMessageContaining("'clip-epsilon'").hasMessageContaining("outside");
        assertThatThrownBy(() -> factory.create(JobKind.PPO, Map.of("gamma", "1.5"))).hasMessageContaining("'gamma'");
        assertThatThrownBy(() -> factory.create(JobKind.PPO, Map.of("kl-coef", "0", "target-kl", "0.1")))
                .hasMessageContaining("'kl-coef'").hasMessageContaining("adaptive");
        assertThatThrownBy(() -> factory.create(JobKind.PPO, Map.of("samples-per-prompt", "1")))
                .hasMessageContaining("'samples-per-prompt'").hasMessageContaining("advantage=group");
        assertThat(factory.create(JobKind.PPO, Map.of("samples-per-prompt", "1", "advantage", "gae")).parameters())
                .containsEntry("advantage", "gae");
        assertThatThrownBy(() -> factory.create(JobKind.PPO, Map.of("advantage", "vtrace")))
                .hasMessageContaining("'advantage'");
        assertThat(factory.create(JobKind.PPO, Map.of("kl-coef", "0", "target-kl", "0")).parameters())
                .containsEntry("target-kl", "0.0");
        assertThatThrownBy(() -> factory.create(JobKind.PPO, Map.of("klcoef", "0.1")))
                .hasMessageContaining("'klcoef'").hasMessageContaining("unknown");
    }

    @Test
    void ppoWithoutKafkaFailsItsPrecondition() {
        assertThatThrownBy(() -> factory.create(JobKind.PPO, Map.of()).checkPreconditions())
                .isInstanceOf(JobPreconditionException.class).hasMessageContaining("Kafka");
    }
}
