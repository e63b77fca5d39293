package rlhf.demo.soak;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import rlhf.demo.LocalStack;
import rlhf.demo.pipeline.ComparisonMaker;
import rlhf.demo.pipeline.Pipeline;
import rlhf.demo.pipeline.TrainerClient;
import rlhf.demo.taskworld.AnswerWriter;
import rlhf.demo.taskworld.AnswerWriter.Quality;
import rlhf.demo.taskworld.ChatUsers;
import rlhf.demo.taskworld.DataRecords.ComparisonRecord;
import rlhf.demo.taskworld.DataRecords.Demonstration;
import rlhf.demo.taskworld.DataRecords.PromptRecord;
import rlhf.demo.taskworld.Jsonl;
import rlhf.demo.taskworld.Labeler;
import rlhf.demo.taskworld.TaskParser;
import rlhf.demo.taskworld.TaskWorldData;
import rlhf.trainer.v1.JobKind;

/**
 * Models for a soak when its work folder holds none: a small task world in the trainer's data folder and tiny base,
 * SFT and reward models (1 layer, width 32, byte tokenizer, 128-token context) trained through the trainer's admin
 * API. A soak is about the services, not the models: a minute of training is enough. The system tests make theirs
 * with the same pieces ({@link #train}, {@link #writeCorpusDemonstrationsAndComparisons}, {@link #ppoPrompts}).
 */
public final class TinyModels {

    private TinyModels() {
    }

    /** Makes the data and models unless the store already holds a reward model and the PPO prompts exist. */
    static void ensure(LocalStack stack, long seed, Consumer<String> log) throws InterruptedException {
        Path prompts = stack.dataDir().resolve(TaskWorldData.PPO_PROMPTS);
        if (Pipeline.alreadyTrained(stack.modelStore()) && Files.isRegularFile(prompts)) {
            log.accept("soak: using the models in " + stack.modelStore());
            return;
        }
        log.accept("soak: no models in " + stack.modelStore() + "; training tiny ones through the trainer's admin API");
        writeTaskWorld(stack.dataDir(), seed);
        try (TrainerClient trainer = new TrainerClient(stack.portOf("trainer-service").orElseThrow(),
                stack.trainerAdminToken())) {
            train(trainer, 128, Duration.ofMinutes(3));
        }
    }

    /**
     * base/v1, sft/v1 and reward/v1 through the trainer's API: 1 layer, width 32, byte tokens (so a prompt's length in
     * tokens is its length in bytes), {@code context} tokens.
     */
    public static void train(TrainerClient trainer, int context, Duration timeout) throws InterruptedException {
        trainer.run(JobKind.JOB_KIND_PRETRAIN, Map.of("layers", "1", "width", "32", "heads", "2", "context",
                Integer.toString(context), "steps", "20", "batch-size", "4", "eval-windows", "8", "tokenizer", "bytes"),
                timeout, line -> { });
        trainer.run(JobKind.JOB_KIND_SFT, Map.of("max-steps", "4", "batch-size", "4"), timeout, line -> { });
        trainer.run(JobKind.JOB_KIND_REWARD_MODEL, Map.of("max-steps", "4", "prompts-per-batch", "2"), timeout,
                line -> { });
    }

    /** Small task-world data sets, every record in the train split. */
    private static void writeTaskWorld(Path data, long seed) {
        writeCorpusDemonstrationsAndComparisons(data, seed, "labeler-soak");
        Jsonl.write(data.resolve(TaskWorldData.PPO_PROMPTS), ppoPrompts(seed));
    }

    /**
     * A 300-document corpus, 48 SFT demonstrations and the comparisons of 24 RM prompts (ranked by {@code labelerId},
     * noiseless) into {@code data}, every record in the train split.
     *
     * @return the comparisons written
     */
    public static List<ComparisonRecord> writeCorpusDemonstrationsAndComparisons(Path data, long seed,
            String labelerId) {
        TaskWorldData world = new TaskWorldData(seed);
        ChatUsers users = new ChatUsers("user", seed);
        Jsonl.write(data.resolve(TaskWorldData.CORPUS), world.corpus(300));
        Jsonl.write(data.resolve(TaskWorldData.SFT), world.demonstrations(48, users).stream()
                .map(d -> new Demonstration(d.id(), d.userId(), "train", d.category(), d.kind(), d.quality(), d.messages()))
                .toList());
        List<ComparisonRecord> comparisons = comparisons(inTrainSplit(world.prompts("rm", 24, seed + 3, users)), seed,
                labelerId);
        Jsonl.write(data.resolve(TaskWorldData.COMPARISONS), comparisons);
        return comparisons;
    }

    /** 40 PPO prompts of the same task world, in the train split (not written: the caller chooses which). */
    public static List<PromptRecord> ppoPrompts(long seed) {
        return inTrainSplit(new TaskWorldData(seed).prompts("ppo", 40, seed + 4, new ChatUsers("user", seed)));
    }

    private static List<PromptRecord> inTrainSplit(List<PromptRecord> prompts) {
        return prompts.stream().map(p -> new PromptRecord(p.id(), p.userId(), "train", p.category(), p.kind(), p.prompt()))
                .toList();
    }

    /** Answers of four qualities per prompt, ranked by a noiseless labeler. */
    private static List<ComparisonRecord> comparisons(List<PromptRecord> prompts, long seed, String labelerId) {
        ComparisonMaker maker = new ComparisonMaker(new Labeler(labelerId, 0, seed), seed);
        AnswerWriter writer = new AnswerWriter(seed);
        List<ComparisonRecord> out = new ArrayList<>();
        for (PromptRecord p : prompts) {
            var task = TaskParser.parse(p.prompt());
            ComparisonRecord c = maker.rank(p, List.of(writer.write(task, Quality.IDEAL),
                    writer.write(task, Quality.WRONG), writer.write(task, Quality.REFUSAL),
                    writer.write(task, Quality.OFF_TOPIC)));
            if (c != null) {
                out.add(c);
            }
        }
        return out;
    }
}
