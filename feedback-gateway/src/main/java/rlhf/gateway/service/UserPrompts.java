package rlhf.gateway.service;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per user: the distinct prompts that count towards InstructGPT's cap (200 per user, so no one user dominates the data)
 * and how many comparisons are stored. Rebuilt from {@code rlhf.comparisons} like {@link SeenComparisons}. A prompt
 * over the cap is still stored, flagged, and left out of training sets; the training snapshot applies the same rule
 * by log order, which is the authority when two replicas race.
 */
public final class UserPrompts {

    private final Map<String, Set<String>> counted = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> comparisons = new ConcurrentHashMap<>();

    /** Would a comparison of {@code userId} with this prompt be over the cap of {@code cap} distinct prompts? */
    public boolean overCap(String userId, String promptDigest, int cap) {
        Set<String> prompts = counted.getOrDefault(userId, Set.of());
        return !prompts.contains(promptDigest) && prompts.size() >= cap;
    }

    /** A stored comparison: its prompt counts unless it was over the cap. */
    public void stored(String userId, String promptDigest, boolean overCap) {
        if (!overCap) {
            counted.computeIfAbsent(userId, u -> ConcurrentHashMap.newKeySet()).add(promptDigest);
        }
        comparisons.computeIfAbsent(userId, u -> new AtomicLong()).incrementAndGet();
    }

    /** Comparisons of {@code userId} on the log as far as this replica has read it. */
    public long comparisons(String userId) {
        AtomicLong n = comparisons.get(userId);
        return n == null ? 0 : n.get();
    }
}
