package rlhf.trainer.jobs.pretrain;

/**
 * The reference a pretrained model must beat: the cross-entropy of held-out tokens under add-one-smoothed unigram
 * frequencies counted on the training tokens, H = −(1/N) Σ_{x ∈ held-out} log p̂(x), in nats per token.
 */
final class UnigramEntropy {

    private UnigramEntropy() {
    }

    static double crossEntropy(int[] train, int[] heldOut, int vocabSize) {
        double[] counts = new double[vocabSize];
        java.util.Arrays.fill(counts, 1.0);
        for (int t : train) {
            counts[t]++;
        }
        double total = train.length + (double) vocabSize;
        double sum = 0;
        for (int t : heldOut) {
            sum -= Math.log(counts[t] / total);
        }
        return sum / heldOut.length;
    }
}
