package rlhf.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import rlhf.demo.pipeline.GoldRewardPpo;

/** {@code rlhf gold-ppo}: the trainer's PPO learner against the rubric itself. */
@Command(name = "gold-ppo", mixinStandardHelpOptions = true,
        description = "PPO from the newest SFT model against the gold reward (the task-world rubric's Likert score "
            + "instead of a learned reward model), in this process, judged against SFT as it goes: how much PPO can "
            + "gain when the reward model is perfect.")
final class GoldPpoCommand implements Callable<Integer> {

    @Mixin
    Folders folders;

    @Option(names = "--iterations", paramLabel = "N", defaultValue = "30",
            description = "PPO iterations (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--prompts", paramLabel = "N", defaultValue = "32",
            description = "Prompts per iteration (default: ${DEFAULT-VALUE}).")
    int prompts;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "4",
            description = "Answers per prompt (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--lr", paramLabel = "LR", defaultValue = "5e-5",
            description = "Learning rate (default: ${DEFAULT-VALUE}).")
    float lr;

    @Option(names = "--eval-every", paramLabel = "N", defaultValue = "10",
            description = "Judge against SFT every N iterations and after the last (default: ${DEFAULT-VALUE}).")
    int evalEvery;

    @Option(names = "--eval-limit", paramLabel = "N", defaultValue = "500",
            description = "Held-out prompts the judge reads (default: ${DEFAULT-VALUE}).")
    int evalLimit;

    @Option(names = "--minibatch", paramLabel = "N", defaultValue = "8",
            description = "Rollouts per optimizer step (default: ${DEFAULT-VALUE}).")
    int minibatch;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "4",
            description = "Passes over each iteration's rollouts (default: ${DEFAULT-VALUE}).")
    int epochs;

    /** The advantage estimators (lower case, as the PPO job's {@code advantage} parameter spells them). */
    enum Advantage { group, gae }

    @Option(names = "--advantage", paramLabel = "KIND", defaultValue = "group",
            description = "group (RLOO: the prompt's other samples are the baseline) or gae (a critic from SFT) "
                    + "(default: ${DEFAULT-VALUE}).")
    Advantage advantage;

    @Option(names = "--kl-coef", paramLabel = "BETA", defaultValue = "0.05",
            description = "Fixed KL coefficient of the per-token penalty to SFT (default: ${DEFAULT-VALUE}).")
    float klCoef;

    @Override
    public Integer call() {
        GoldRewardPpo.run(folders.store(), folders.data(), new GoldRewardPpo.Settings(iterations, prompts, samples, lr,
                evalEvery, evalLimit, minibatch, epochs, advantage == Advantage.gae, klCoef));
        return 0;
    }
}
