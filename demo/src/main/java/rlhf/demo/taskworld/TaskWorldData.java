package rlhf.demo.taskworld;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

import rlhf.demo.taskworld.AnswerWriter.Quality;
import rlhf.demo.taskworld.DataRecords.CorpusDocument;
import rlhf.demo.taskworld.DataRecords.Demonstration;
import rlhf.demo.taskworld.DataRecords.Message;
import rlhf.demo.taskworld.DataRecords.PromptRecord;

/**
 * Generates the task world's data sets (1/10 of InstructGPT's sizes) from one seed: the pretraining corpus,
 * SFT demonstrations, RM and PPO prompts from simulated chat users, and held-out evaluation prompts drawn with
 * a seed that no training set uses. RM comparisons are made later, from answers the SFT model samples.
 */
public final class TaskWorldData {

    /** How many records each set gets. */
    public record Sizes(int corpus, int sft, int rm, int ppo, int eval) {
        /** 1/10 of InstructGPT: ~13k SFT, ~33k RM and ~31k PPO prompts there; a corpus of 1.5M word tokens. */
        public static final Sizes DEFAULT = new Sizes(60_000, 1_300, 3_300, 3_100, 1_000);

        public Sizes withCorpus(int documents) {
            return new Sizes(documents, sft, rm, ppo, eval);
        }
    }

    /** File names of the sets inside the output folder. */
    public static final String CORPUS = "pretrain-corpus.jsonl";
    public static final String SFT = "sft-demonstrations.jsonl";
    public static final String RM_PROMPTS = "rm-prompts.jsonl";
    public static final String PPO_PROMPTS = "ppo-prompts.jsonl";
    public static final String EVAL_PROMPTS = "eval-prompts.jsonl";
    /** Written later, from SFT answers ranked by a labeler (see rlhf.demo.pipeline.LabelerComparisons). */
    public static final String COMPARISONS = "comparisons.jsonl";
    /** The reward-model gate's frozen regression set (the trainer's default name for it). */
    public static final String REGRESSION = "regression-comparisons.jsonl";

    private final long seed;

    public TaskWorldData(long seed) {
        this.seed = seed;
    }

    /** Writes every set under {@code out}; returns the record count per file. */
    public Map<String, Integer> writeAll(Path out, Sizes sizes, Consumer<String> progress) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        ChatUsers users = new ChatUsers("user", seed ^ 0x5eed);
        write(out, CORPUS, corpus(sizes.corpus()), counts, progress);
        write(out, SFT, demonstrations(sizes.sft(), users), counts, progress);
        write(out, RM_PROMPTS, prompts("rm", sizes.rm(), seed + 3, users), counts, progress);
        write(out, PPO_PROMPTS, prompts("ppo", sizes.ppo(), seed + 4, users), counts, progress);
        // Held out: a seed and users no training set uses.
        write(out, EVAL_PROMPTS, prompts("eval", sizes.eval(), ~seed * 31 + 1_000_003, new ChatUsers("eval-user", ~seed)),
                counts, progress);
        return counts;
    }

    private static <T> void write(Path out, String name, List<T> records, Map<String, Integer> counts,
            Consumer<String> progress) {
        Jsonl.write(out.resolve(name), records);
        counts.put(name, records.size());
        progress.accept(String.format("%-26s %6d records", name, records.size()));
    }

    /**
     * "Internet text": task prompts with answers of mixed quality, so a model pretrained on it knows the format
     * but is not aligned (it often answers wrongly, refuses benign prompts and complies with harmful ones).
     */
    public List<CorpusDocument> corpus(int n) {
        TaskGenerator generator = new TaskGenerator(seed + 1);
        AnswerWriter writer = new AnswerWriter(seed + 11);
        Random random = new Random(seed + 21);
        List<CorpusDocument> docs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Task task = generator.next();
            PromptKind kind = random.nextDouble() < 0.3 ? PromptKind.FEW_SHOT : PromptKind.PLAIN;
            Quality quality = task.harmful() ? (random.nextDouble() < 0.7 ? Quality.COMPLIANCE : Quality.REFUSAL)
                    : benignQuality(random.nextDouble());
            docs.add(new CorpusDocument(String.format("corpus-%06d", i), task.category().id(), kind.id(),
                    quality.name().toLowerCase(), generator.render(task, kind), writer.write(task, quality)));
        }
        return docs;
    }

    private static Quality benignQuality(double u) {
        if (u < 0.35) {
            return Quality.IDEAL;
        }
        if (u < 0.55) {
            return Quality.VERBOSE;
        }
        if (u < 0.80) {
            return Quality.WRONG;
        }
        return u < 0.90 ? Quality.REFUSAL : Quality.OFF_TOPIC;
    }

    /**
     * SFT: demonstrations written by labelers the way people write them (spec v2, "Demonstrations"), to user prompts,
     * plain and few-shot, in chat-message form. Each is independently the ideal answer (0.5), a chatty one (0.4: the
     * ideal answer in one of {@link DemonstrationStyle#CHATTY_HABITS}, chosen uniformly) or, on a benign prompt, over-cautious (0.1: the
     * refusal); a harmful prompt always gets the plain refusal. The style is recorded in {@code quality}.
     */
    public List<Demonstration> demonstrations(int n, ChatUsers users) {
        TaskGenerator generator = new TaskGenerator(seed + 2);
        Random random = new Random(seed + 22);
        Random style = new Random(seed + 23);
        List<Demonstration> demos = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Task task = generator.next();
            PromptKind kind = random.nextDouble() < 0.3 ? PromptKind.FEW_SHOT : PromptKind.PLAIN;
            String user = users.nextPromptAuthor();
            DemonstrationStyle written = DemonstrationStyle.draw(task, style);
            demos.add(new Demonstration(String.format("sft-%05d", i), user, ChatUsers.splitName(ChatUsers.splitOf(user)),
                    task.category().id(), kind.id(), written.id(), List.of(
                            new Message("user", generator.render(task, kind)),
                            new Message("assistant", written.write(task, style)))));
        }
        return demos;
    }

    /** Prompts written by chat users (plain, few-shot, or arrived through the gateway). */
    public List<PromptRecord> prompts(String set, int n, long setSeed, ChatUsers users) {
        TaskGenerator generator = new TaskGenerator(setSeed);
        Random random = new Random(setSeed + 100);
        List<PromptRecord> prompts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Task task = generator.next();
            double u = random.nextDouble();
            PromptKind kind = u < 0.5 ? PromptKind.PLAIN : u < 0.7 ? PromptKind.FEW_SHOT : PromptKind.USER_BASED;
            String user = users.nextPromptAuthor();
            prompts.add(new PromptRecord(String.format("%s-%05d", set, i), user,
                    ChatUsers.splitName(ChatUsers.splitOf(user)), task.category().id(), kind.id(),
                    generator.render(task, kind)));
        }
        return prompts;
    }
}
