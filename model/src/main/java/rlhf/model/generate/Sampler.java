package rlhf.model.generate;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Truncation (top-k, top-p) and seeded sampling on one row of probabilities, in plain Java so that a seed gives
 * the same tokens on any engine and any batch size (DJL's randomMultinomial is not supported on PyTorch).
 */
public final class Sampler {
    private Sampler() {
    }

    /** A renormalised distribution over a subset of the vocabulary: {@code probs} sum to 1. */
    public record Distribution(int[] ids, double[] probs) {
    }

    /**
     * Top-k, then top-p on the top-k renormalised distribution (the order Hugging Face applies them). Ties are
     * broken towards the lower id.
     *
     * @param probs  a buffer holding the row at [offset, offset + length)
     * @param topK   0 keeps all
     * @param topP   1 keeps all
     */
    public static Distribution truncate(float[] probs, int offset, int length, int topK, float topP) {
        int k = topK <= 0 || topK >= length ? length : topK;
        int[] candidates = candidates(probs, offset, length, k, topP);
        long[] keys = new long[candidates.length];
        for (int i = 0; i < candidates.length; i++) {
            int bits = Float.floatToIntBits(Math.max(0f, probs[offset + candidates[i]]));
            // Ascending sort of (MAX - bits, id) = descending probability, ascending id.
            keys[i] = ((long) (Integer.MAX_VALUE - bits) << 32) | candidates[i];
        }
        Arrays.sort(keys);
        int keep = Math.min(k, keys.length);
        // Top-p is relative to the top-k mass; without top-k that is the whole row, not just the candidates.
        double massK = 0;
        if (k == length) {
            for (int i = 0; i < length; i++) {
                massK += probs[offset + i];
            }
        } else {
            for (int i = 0; i < keep; i++) {
                massK += probs[offset + (int) keys[i]];
            }
        }
        if (topP < 1f) {
            double cumulative = 0;
            for (int i = 0; i < keep; i++) {
                cumulative += probs[offset + (int) keys[i]];
                if (cumulative >= topP * massK) {
                    keep = i + 1;
                    break;
                }
            }
        }
        int[] ids = new int[keep];
        double[] p = new double[keep];
        double mass = 0;
        for (int i = 0; i < keep; i++) {
            ids[i] = (int) keys[i];
            p[i] = probs[offset + ids[i]];
            mass += p[i];
        }
        for (int i = 0; i < keep; i++) {
            p[i] /= mass;
        }
        return new Distribution(ids, p);
    }

    /**
     * Ids that surely contain the kept set, without sorting the whole vocabulary: those with p ≥ θ, halving θ until
     * the set holds k ids (top-k) or mass ≥ topP (top-p only). Such a set is a prefix of the sorted order, so the
     * exact cut is inside it.
     */
    private static int[] candidates(float[] probs, int offset, int length, int k, float topP) {
        if (k == length && topP >= 1f) {
            return allIds(length);
        }
        float max = 0f;
        double total = 0;
        for (int i = 0; i < length; i++) {
            max = Math.max(max, probs[offset + i]);
            total += probs[offset + i];
        }
        for (float theta = max / 2f; theta >= Float.MIN_NORMAL; theta /= 2f) {
            int count = 0;
            double mass = 0;
            for (int i = 0; i < length; i++) {
                float p = probs[offset + i];
                if (p >= theta) {
                    count++;
                    mass += p;
                }
            }
            boolean enough = k < length ? count >= k : mass >= topP * total;
            if (enough) {
                int[] ids = new int[count];
                int n = 0;
                for (int i = 0; i < length; i++) {
                    if (probs[offset + i] >= theta) {
                        ids[n++] = i;
                    }
                }
                return ids;
            }
        }
        return allIds(length);
    }

    private static int[] allIds(int length) {
        int[] ids = new int[length];
        for (int i = 0; i < length; i++) {
            ids[i] = i;
        }
        return ids;
    }

    /** Draws an index of {@code dist} by inverting its CDF with one uniform number. */
    public static int sample(Distribution dist, SplittableRandom random) {
        double u = random.nextDouble();
        double cumulative = 0;
        for (int i = 0; i < dist.probs().length; i++) {
            cumulative += dist.probs()[i];
            if (u < cumulative) {
                return i;
            }
        }
        return dist.probs().length - 1; // rounding: u landed past the last partial sum
    }

    /**
     * Draws an id from an untruncated row without sorting; {@code out[0]} receives log q(id) of the normalised row.
     */
    public static int sampleFull(float[] probs, int offset, int length, SplittableRandom random, double[] logProbOut) {
        double total = 0;
        for (int i = 0; i < length; i++) {
            total += probs[offset + i];
        }
        double u = random.nextDouble() * total;
        double cumulative = 0;
        int chosen = -1;
        for (int i = 0; i < length; i++) {
            float p = probs[offset + i];
            cumulative += p;
            if (p > 0f) {
                chosen = i;
                if (u < cumulative) {
                    break;
                }
            }
        }
        logProbOut[0] = Math.log(probs[offset + chosen] / total);
        return chosen;
    }

    /** Index of the largest value in the row, the lowest index on ties. */
    public static int argMax(float[] values, int offset, int length) {
        int best = 0;
        for (int i = 1; i < length; i++) {
            if (values[offset + i] > values[offset + best]) {
                best = i;
            }
        }
        return best;
    }

    /** A per-sequence RNG: the same (seed, sequence) always gives the same stream (SplitMix64 mixing). */
    public static SplittableRandom random(long seed, int sequence) {
        long z = seed + 0x9E3779B97F4A7C15L * (sequence + 1L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return new SplittableRandom(z ^ (z >>> 31));
    }
}
