package rlhf.trainer.online;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import rlhf.trainer.data.JsonlFile;
import rlhf.trainer.data.RankedComparison;

/**
 * One line of a comparison snapshot as the online statistics need it: who ranked, which model wrote each answer
 * ({@code policy/v3}; empty when unknown), each answer's Likert (0: not rated) and the tiers.
 */
public record HumanComparison(String id, String labelerId, String prompt, List<String> answers, List<String> models,
        List<Integer> likert, List<int[]> tiers) {

    public HumanComparison {
        answers = List.copyOf(answers);
        models = List.copyOf(models);
        likert = List.copyOf(likert);
        tiers = List.copyOf(tiers);
    }

    /** Reads a snapshot's comparisons.jsonl. */
    public static List<HumanComparison> read(Path file) {
        return JsonlFile.read(file, HumanComparison::fromJson);
    }

    static HumanComparison fromJson(JsonObject o) {
        List<String> answers = new ArrayList<>();
        List<String> models = new ArrayList<>();
        List<Integer> likert = new ArrayList<>();
        for (JsonElement e : o.getAsJsonArray("answers")) {
            JsonObject a = e.getAsJsonObject();
            answers.add(a.get("text").getAsString());
            models.add(a.has("model") ? a.get("model").getAsString() : "");
            likert.add(a.has("likert") ? a.get("likert").getAsInt() : 0);
        }
        List<int[]> tiers = new ArrayList<>();
        for (JsonElement t : o.getAsJsonArray("ranking")) {
            JsonArray tier = t.getAsJsonArray();
            int[] indexes = new int[tier.size()];
            for (int i = 0; i < indexes.length; i++) {
                indexes[i] = tier.get(i).getAsInt();
            }
            tiers.add(indexes);
        }
        String prompt = o.has("prompt") ? o.get("prompt").getAsString() : o.get("messages").toString();
        return new HumanComparison(o.get("id").getAsString(), o.has("labeler_id") ? o.get("labeler_id")
                .getAsString() : "", prompt, answers, models, likert, tiers);
    }

    /** Parses one line (for tests and tools). */
    public static HumanComparison parse(String line) {
        return fromJson(JsonParser.parseString(line).getAsJsonObject());
    }

    /** The tier of each answer (0 = best). */
    public int[] tierOf() {
        return RankedComparison.tierOf(tiers, answers.size());
    }

    /** Likert of answer i, if rated. */
    public OptionalInt likertOf(int i) {
        return likert.get(i) == 0 ? OptionalInt.empty() : OptionalInt.of(likert.get(i));
    }
}
