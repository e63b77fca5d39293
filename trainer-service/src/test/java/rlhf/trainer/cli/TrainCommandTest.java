package rlhf.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import rlhf.model.store.CheckpointStore;
import rlhf.trainer.jobs.TestData;

class TrainCommandTest {

    @TempDir
    Path dir;

    @Test
    void pretrainRunsFromTheCommandLineAndPublishes() {
        TestData.corpus(dir.resolve("data"), 100);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = TrainCommand.run(new String[] {"pretrain", "--store", dir.resolve("store").toString(), "--data",
                dir.resolve("data").toString(), "--layers", "1", "--width", "32", "--heads", "2", "--context", "32",
                "--steps", "3"}, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(status).isZero();
        assertThat(printed).contains("pretrain step 3/3").contains("published base/v1").contains("pretrain.heldout.loss");
        assertThat(new CheckpointStore(dir.resolve("store")).versions("base")).containsExactly(1);
    }

    @Test
    void ppoWithoutKafkaSaysItNeedsIt() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = TrainCommand.run(new String[] {"ppo", "--store", dir.resolve("store").toString(), "--data",
                dir.toString()}, System.out, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("PPO failed").contains("--kafka");
    }

    @Test
    void aBadParameterIsAUsageError() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = TrainCommand.run(new String[] {"sft", "--epochz", "3"}, System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("'epochz'");
        assertThat(TrainCommand.run(new String[] {}, System.out, new PrintStream(err, true, StandardCharsets.UTF_8)))
                .isEqualTo(2);
    }
}
