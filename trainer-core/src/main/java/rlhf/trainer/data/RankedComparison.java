package rlhf.trainer.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import rlhf.model.tokenizer.ChatMessage;
import rlhf.trainer.algo.RankingPairs;

/**
 * One labeler's ranking of K answers to a prompt, in tiers (best first; answers in one tier are tied). Lines are
 * {@code {"id", "user_id", "split", "prompt" | "messages", "answers": [{"text", "likert", "labels"}],
 * "ranking": [[0], [2, 3], [1]], "labeler_id", "source", "category"}}; an answer may also be a plain string.
 *
 * @param likert the rubric's Likert score per answer when the data carries it (for the oracle accuracy), else empty
 * @param category the prompt's use case (InstructGPT's metadata, e.g. "closed_qa") when the data carries it, else ""
 */
public record RankedComparison(String id, Split split, List<ChatMessage> prompt, List<String> answers,
        List<int[]> tiers, List<Integer> likert, String category) {

    public RankedComparison {
        category = category == null ? "" : category;
        prompt = List.copyOf(prompt);
        answers = List.copyOf(answers);
        tiers = List.copyOf(tiers);
        likert = List.copyOf(likert);
        if (answers.size() < 2) {
            throw new IllegalArgumentException("a comparison needs at least 2 answers, got " + answers.size());
        }
        if (pairs(tiers, answers.size()).isEmpty()) {
            throw new IllegalArgumentException("ranking has no preference: every answer is in one tier");
        }
        if (!likert.isEmpty() && likert.size() != answers.size()) {
            throw new IllegalArgumentException("likert must be given for every answer or none");
        }
    }

    /** K, the number of ranked answers. */
    public int size() {
        return answers.size();
    }

    /** The (winner, loser) pairs of the ranking; ties make no pair. */
    public List<int[]> pairs() {
        return pairs(tiers, answers.size());
    }

    /** The tier index of each answer (0 = best). */
    public int[] tierOfAnswer() {
        return tierOf(tiers, answers.size());
    }

    /** The tier index (0 = best) of each of {@code k} answers ranked in {@code tiers}. */
    public static int[] tierOf(List<int[]> tiers, int k) {
        int[] tierOf = new int[k];
        for (int t = 0; t < tiers.size(); t++) {
            for (int i : tiers.get(t)) {
                tierOf[i] = t;
            }
        }
        return tierOf;
    }

    private static List<int[]> pairs(List<int[]> tiers, int k) {
        return RankingPairs.of(tiers, k);
    }

    /** Reads a comparisons file. */
    public static List<RankedComparison> read(Path file) {
        return JsonlFile.read(file, RankedComparison::fromJson);
    }

    static RankedComparison fromJson(JsonObject o) {
        JsonArray answerArray = JsonFields.array(o, "answers");
        List<String> answers = new ArrayList<>();
        List<Integer> likert = new ArrayList<>();
        boolean allLikert = true;
        for (int i = 0; i < answerArray.size(); i++) {
            JsonElement a = answerArray.get(i);
            if (a.isJsonPrimitive() && a.getAsJsonPrimitive().isString()) {
                answers.add(a.getAsString());
                allLikert = false;
            } else if (a.isJsonObject()) {
                answers.add(JsonFields.string(a.getAsJsonObject(), "text"));
                OptionalInt score = likert(a.getAsJsonObject());
                allLikert &= score.isPresent();
                score.ifPresent(likert::add);
            } else {
                throw new IllegalArgumentException("answers[" + i + "] must be a string or an object with 'text'");
            }
        }
        return new RankedComparison(JsonFields.optionalString(o, "id", ""), JsonFields.split(o), JsonFields.prompt(o),
                answers, tiers(JsonFields.array(o, "ranking")), allLikert ? likert : List.of(),
                JsonFields.optionalString(o, "category", ""));
    }

    private static OptionalInt likert(JsonObject answer) {
        JsonElement e = answer.get("likert");
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()
                ? OptionalInt.of(e.getAsInt()) : OptionalInt.empty();
    }

    private static List<int[]> tiers(JsonArray ranking) {
        List<int[]> tiers = new ArrayList<>();
        for (int t = 0; t < ranking.size(); t++) {
            if (!ranking.get(t).isJsonArray()) {
                throw new IllegalArgumentException("ranking[" + t + "] must be an array of answer indexes");
            }
            JsonArray tier = ranking.get(t).getAsJsonArray();
            int[] indexes = new int[tier.size()];
            for (int i = 0; i < indexes.length; i++) {
                indexes[i] = tier.get(i).getAsInt();
            }
            tiers.add(indexes);
        }
        return tiers;
    }
}
