package rlhf.trainer.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;

import rlhf.model.GptConfig;
import rlhf.model.GptModel;
import rlhf.model.store.Checkpoint;
import rlhf.model.store.CheckpointStore;
import rlhf.model.store.Lineage;
import rlhf.model.tokenizer.ByteTokenizer;

/** Small synthetic data sets in the documented JSONL formats, and tiny models, for the job tests. */
public final class TestData {

    /** Answer words in increasing quality; quality = index / 2, so neighbours can tie. */
    public static final List<String> WORDS = List.of("awful", "bad", "poor", "meh", "okay", "fine", "good", "great",
            "superb", "perfect");

    private TestData() {
    }

    /** A tiny GPT: 1 layer, width 32, 2 heads, 64 positions. */
    public static GptConfig tinyConfig() {
        return new GptConfig(ByteTokenizer.VOCAB_SIZE, 64, 1, 2, 32, 0f);
    }

    /** Publishes a randomly initialised tiny model as {@code kind}. */
    public static Checkpoint publishRandom(CheckpointStore store, String kind) {
        try (GptModel model = GptModel.create(tinyConfig(), 3); ByteTokenizer tokenizer = new ByteTokenizer()) {
            return store.publish(kind, model, tokenizer, Lineage.none());
        }
    }

    /** Arithmetic documents {"prompt", "answer"}. */
    public static Path corpus(Path dir, int documents) {
        Random random = new Random(1);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < documents; i++) {
            int a = random.nextInt(10);
            int b = random.nextInt(10);
            lines.add("{\"prompt\":\"What is " + a + " plus " + b + "?\",\"answer\":\"" + (a + b) + ".\"}");
        }
        return write(dir.resolve("pretrain-corpus.jsonl"), lines);
    }

    /** Demonstrations: "Reverse: x y" → "y x." with a chat-message line form; every 4th is held out. */
    public static Path demonstrations(Path dir, int count) {
        Random random = new Random(2);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String x = WORDS.get(random.nextInt(WORDS.size()));
            String y = WORDS.get(random.nextInt(WORDS.size()));
            lines.add("{\"id\":\"sft-" + i + "\",\"split\":\"" + (i % 4 == 0 ? "validation" : "train")
                    + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Reverse: " + x + " " + y + "\"},"
                    + "{\"role\":\"assistant\",\"content\":\"" + y + " " + x + ".\"}]}");
        }
        return write(dir.resolve("sft-demonstrations.jsonl"), lines);
    }

    /**
     * Comparisons of K = 4..6 answer words ranked by quality (ties when qualities are equal); splits train 70%,
     * validation 15%, test 15%.
     */
    public static Path comparisons(Path dir, int count) {
        Random random = new Random(3);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            List<Integer> picked = new ArrayList<>();
            for (int w = 0; w < WORDS.size(); w++) {
                picked.add(w);
            }
            Collections.shuffle(picked, random);
            picked = picked.subList(0, 4 + random.nextInt(3));
            if (picked.stream().map(w -> w / 2).distinct().count() < 2) {
                i--;
                continue;
            }
            String split = i % 20 < 14 ? "train" : i % 20 < 17 ? "validation" : "test";
            lines.add(comparisonLine(i, split, picked));
        }
        return write(dir.resolve("comparisons.jsonl"), lines);
    }

    private static String comparisonLine(int id, String split, List<Integer> words) {
        String answers = words.stream().map(w -> "{\"text\":\"" + WORDS.get(w) + ".\",\"likert\":" + (1 + w / 2)
                + ",\"labels\":[]}").collect(Collectors.joining(","));
        List<String> tiers = new ArrayList<>();
        for (int quality = 4; quality >= 0; quality--) {
            List<String> tier = new ArrayList<>();
            for (int i = 0; i < words.size(); i++) {
                if (words.get(i) / 2 == quality) {
                    tier.add(Integer.toString(i));
                }
            }
            if (!tier.isEmpty()) {
                tiers.add("[" + String.join(",", tier) + "]");
            }
        }
        return "{\"id\":\"cmp-" + id + "\",\"user_id\":\"u" + id + "\",\"split\":\"" + split
                + "\",\"category\":\"" + (id % 2 == 0 ? "even" : "odd")
                + "\",\"prompt\":\"Rate answer " + id % 5 + ".\",\"answers\":[" + answers + "],\"ranking\":[" + String.join(",", tiers)
                + "],\"labeler_id\":\"l1\",\"source\":\"synthetic\"}";
    }

    public static Path write(Path file, List<String> lines) {
        try {
            Files.createDirectories(file.getParent());
            return Files.write(file, lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
