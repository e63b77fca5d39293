package rlhf.demo.taskworld;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A simulated labeler: ranks K answers by the rubric into tiers (equal Likert = one tier, a tie), then swaps
 * each adjacent pair of tiers with probability {@code noise}, walking from the best tier down — so labelers
 * disagree as real ones do (InstructGPT reports ~73% inter-labeler agreement).
 */
public final class Labeler {

    private final String id;
    private final double noise;
    private final Random random;

    public Labeler(String id, double noise, long seed) {
        if (noise < 0 || noise > 1) {
            throw new IllegalArgumentException("noise must be within 0..1, was " + noise);
        }
        this.id = id;
        this.noise = noise;
        this.random = new Random(seed);
    }

    public String id() {
        return id;
    }

    public double noise() {
        return noise;
    }

    /** The noiseless ranking: answer indexes grouped by Likert, best tier first. */
    public static List<List<Integer>> rubricTiers(List<Integer> likerts) {
        Map<Integer, List<Integer>> byLikert = new TreeMap<>(Collections.reverseOrder());
        for (int i = 0; i < likerts.size(); i++) {
            byLikert.computeIfAbsent(likerts.get(i), k -> new ArrayList<>()).add(i);
        }
        List<List<Integer>> tiers = new ArrayList<>();
        byLikert.values().forEach(t -> tiers.add(List.copyOf(t)));
        return tiers;
    }

    /** Ranks the answers to {@code task}: the rubric's tiers with this labeler's noise applied. */
    public List<List<Integer>> rank(Task task, List<String> answers) {
        List<Integer> likerts = answers.stream().map(a -> Rubric.judge(task, a).likert()).toList();
        List<List<Integer>> tiers = new ArrayList<>(rubricTiers(likerts));
        for (int i = 0; i + 1 < tiers.size(); i++) {
            if (random.nextDouble() < noise) {
                Collections.swap(tiers, i, i + 1);
            }
        }
        return List.copyOf(tiers);
    }
}
