package rlhf.trainer.algo;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The (winner, loser) pairs of a K-way ranking with ties: every pair of answers from different tiers, the one in
 * the better tier winning; answers within a tier form no pair (a tie carries no preference).
 */
public final class RankingPairs {

    private RankingPairs() {
    }

    /**
     * @param tiers answer indexes 0..K-1 grouped in tiers, best first; every index exactly once
     * @return pairs as {@code {winner, loser}}, in tier order
     */
    public static List<int[]> of(List<int[]> tiers, int k) {
        BitSet seen = new BitSet(k);
        for (int[] tier : tiers) {
            if (tier.length == 0) {
                throw new IllegalArgumentException("ranking: empty tier");
            }
            for (int i : tier) {
                if (i < 0 || i >= k || seen.get(i)) {
                    throw new IllegalArgumentException("ranking: answer index " + i + " out of range or repeated (K=" + k + ")");
                }
                seen.set(i);
            }
        }
        if (seen.cardinality() != k) {
            throw new IllegalArgumentException("ranking: " + (k - seen.cardinality()) + " of " + k + " answers unranked");
        }
        List<int[]> pairs = new ArrayList<>();
        for (int better = 0; better < tiers.size(); better++) {
            for (int worse = better + 1; worse < tiers.size(); worse++) {
                for (int w : tiers.get(better)) {
                    for (int l : tiers.get(worse)) {
                        pairs.add(new int[] {w, l});
                    }
                }
            }
        }
        return pairs;
    }
}
