package rlhf.trainer.ppo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import rlhf.model.GptModel;
import rlhf.model.Scalars;
import rlhf.model.score.Scorer;
import rlhf.model.train.CausalLmLoss;
import rlhf.model.train.TrainingLoop;
import rlhf.trainer.algo.ClippedValueLoss;
import rlhf.trainer.algo.PpoClippedObjective;

/**
 * E epochs of shuffled minibatches over one {@link Experience}; each step minimises
 *
 * <pre>
 *   loss = −L^CLIP + valueCoef · L^V − entropyCoef · H  (+ ptxCoef · L^LM on a pretraining batch)
 * </pre>
 *
 * ({@link PpoClippedObjective}, {@link ClippedValueLoss}; PPO-ptx is InstructGPT's eq. 2 second term). The policy and
 * the value model are two networks; both get their gradient from this one backward (DJL allows one gradient collector
 * at a time), one optimizer holds both.
 */
public final class PpoUpdate {

    private final GptModel policyModel;
    private final Scorer policy;
    private final Scorer value;
    private final PpoSettings settings;
    private final PretrainingBatches pretraining;
    private final Random random;

    /** @param pretraining PPO-ptx batches; null when {@code settings.ptxCoef()} is 0 */
    public PpoUpdate(GptModel policyModel, GptModel valueModel, PpoSettings settings, PretrainingBatches pretraining) {
        if (settings.ptxCoef() > 0 && pretraining == null) {
            throw new IllegalArgumentException("ptxCoef > 0 needs pretraining batches");
        }
        this.policyModel = policyModel;
        this.policy = new Scorer(policyModel);
        this.value = new Scorer(valueModel);
        this.settings = settings;
        this.pretraining = pretraining;
        this.random = new Random(settings.seed());
    }

    /** Runs every epoch's minibatches through {@code optimizer}. */
    public UpdateReport run(Experience experience, OptimizerStep optimizer) {
        Totals totals = new Totals();
        for (int epoch = 0; epoch < settings.epochs(); epoch++) {
            for (List<Integer> minibatch : minibatches(experience.size())) {
                optimizer.step((manager, step) -> loss(manager, experience, minibatch, totals));
            }
        }
        return totals.report();
    }

    private List<List<Integer>> minibatches(int size) {
        List<Integer> order = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            order.add(i);
        }
        Collections.shuffle(order, random);
        List<List<Integer>> batches = new ArrayList<>();
        for (int from = 0; from < size; from += settings.minibatchSize()) {
            batches.add(order.subList(from, Math.min(size, from + settings.minibatchSize())));
        }
        return batches;
    }

    /** The loss of one minibatch; its diagnostics are added to {@code totals}. */
    TrainingLoop.Loss loss(NDManager manager, Experience e, List<Integer> minibatch, Totals totals) {
        List<Scorer.Example> examples = minibatch.stream().map(e.examples()::get).toList();
        Scorer.ScoreTensors current = policy.forward(manager, examples, true);
        NDArray values = value.forward(manager, examples, true).values(); // (B, R)
        NDArray mask = current.actionMask(); // (B, R)
        int r = (int) mask.getShape().get(1);
        NDArray oldLogProbs = padded(manager, e.oldLogProbs(), minibatch, r);
        NDArray advantages = padded(manager, e.advantages(), minibatch, r);
        PpoClippedObjective.Output clipped = PpoClippedObjective.compute(current.logProbs(), oldLogProbs, advantages,
                mask, settings.clipEpsilon());
        NDArray valueLoss = ClippedValueLoss.loss(values, padded(manager, e.oldValues(), minibatch, r),
                padded(manager, e.returns(), minibatch, r), mask, settings.valueClipEpsilon());
        NDArray entropy = current.entropies().mul(mask).sum().div(Scalars.maximum(mask.sum(), 1f));
        NDArray loss = clipped.loss().add(Scalars.mul(valueLoss, settings.valueCoef()))
                .sub(Scalars.mul(entropy, settings.entropyCoef()));
        float ptx = Float.NaN;
        if (settings.ptxCoef() > 0) {
            NDArray lm = CausalLmLoss.loss(policyModel, manager, pretraining.next(), true);
            ptx = lm.getFloat();
            loss = loss.add(Scalars.mul(lm, settings.ptxCoef()));
        }
        totals.add(clipped.loss().getFloat(), valueLoss.getFloat(), entropy.getFloat(),
                clipped.clipFraction().getFloat(), clipped.approxKl().getFloat(), ptx, loss.getFloat());
        long tokens = examples.stream().mapToLong(x -> x.prompt().length + x.response().length).sum();
        return new TrainingLoop.Loss(loss, tokens);
    }

    /** (B, R) rows of {@code perRollout} picked by {@code minibatch}, zero-padded to {@code r}. */
    private static NDArray padded(NDManager manager, List<float[]> perRollout, List<Integer> minibatch, int r) {
        float[] flat = new float[minibatch.size() * r];
        for (int b = 0; b < minibatch.size(); b++) {
            float[] row = perRollout.get(minibatch.get(b));
            System.arraycopy(row, 0, flat, b * r, row.length);
        }
        return manager.create(flat, new Shape(minibatch.size(), r));
    }

    /** Running sums of the step diagnostics. */
    static final class Totals {
        private double policyLoss;
        private double valueLoss;
        private double entropy;
        private double clipFraction;
        private double approxKl;
        private double ptxLoss;
        private double loss;
        private int steps;

        void add(float policyLoss, float valueLoss, float entropy, float clipFraction, float approxKl, float ptx,
                float loss) {
            this.policyLoss += policyLoss;
            this.valueLoss += valueLoss;
            this.entropy += entropy;
            this.clipFraction += clipFraction;
            this.approxKl += approxKl;
            this.ptxLoss += ptx;
            this.loss += loss;
            steps++;
        }

        UpdateReport report() {
            int n = Math.max(steps, 1);
            return new UpdateReport(policyLoss / n, valueLoss / n, entropy / n, clipFraction / n, approxKl / n,
                    ptxLoss / n, loss / n, steps);
        }
    }
}
