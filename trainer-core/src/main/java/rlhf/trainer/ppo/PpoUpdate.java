package rlhf.trainer.ppo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

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
 * ({@link PpoClippedObjective}, {@link ClippedValueLoss}; PPO-ptx is InstructGPT's eq. 2 second term). Each term is
 * built only when it counts: the value loss with a critic, the entropy (a pass over the vocabulary) when its
 * coefficient is above 0, the policy terms outside the critic's warm-up. The policy and the critic are two networks;
 * both get their gradient from this one backward (DJL allows one gradient collector at a time), and
 * {@link PpoOptimizers} steps each with its own optimizer.
 */
public final class PpoUpdate {

    private static final Set<Scorer.Head> VALUES = EnumSet.of(Scorer.Head.VALUES);

    private final GptModel policyModel;
    private final Scorer policy;
    private final Scorer critic;
    private final PpoSettings settings;
    private final Set<Scorer.Head> policyHeads;
    private final PretrainingBatches pretraining;
    private final Random random;

    /**
     * @param criticModel the critic's network; null without a critic
     * @param pretraining PPO-ptx batches; null when {@code settings.ptxCoef()} is 0
     */
    public PpoUpdate(GptModel policyModel, GptModel criticModel, PpoSettings settings, PretrainingBatches pretraining) {
        if (settings.ptxCoef() > 0 && pretraining == null) {
            throw new IllegalArgumentException("ptxCoef > 0 needs pretraining batches");
        }
        this.policyModel = policyModel;
        this.policy = new Scorer(policyModel);
        this.critic = criticModel == null ? null : new Scorer(criticModel);
        this.settings = settings;
        this.policyHeads = settings.entropyCoef() > 0 ? EnumSet.of(Scorer.Head.LOG_PROBS, Scorer.Head.ENTROPY)
                : EnumSet.of(Scorer.Head.LOG_PROBS);
        this.pretraining = pretraining;
        this.random = new Random(settings.seed());
    }

    /**
     * Runs every epoch's minibatches through {@code optimizer}.
     *
     * @param criticOnly the critic's warm-up: only the value loss, the policy untouched
     */
    public UpdateReport run(Experience experience, OptimizerStep optimizer, boolean criticOnly) {
        if (criticOnly && !experience.hasCritic()) {
            throw new IllegalArgumentException("a critic-only update needs a critic");
        }
        Totals totals = new Totals();
        for (int epoch = 0; epoch < settings.epochs(); epoch++) {
            for (List<Integer> minibatch : minibatches(experience.size())) {
                optimizer.step((manager, step) -> loss(manager, experience, minibatch, criticOnly, totals));
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
    TrainingLoop.Loss loss(NDManager manager, Experience e, List<Integer> minibatch, boolean criticOnly,
            Totals totals) {
        List<Scorer.Example> examples = minibatch.stream().map(e.examples()::get).toList();
        NDArray loss = null;
        float valueLossValue = Float.NaN;
        if (e.hasCritic()) {
            Scorer.ScoreTensors v = critic.forward(manager, examples, true, VALUES);
            int r = (int) v.actionMask().getShape().get(1);
            NDArray valueLoss = ClippedValueLoss.loss(v.values(), padded(manager, e.oldValues(), minibatch, r),
                    padded(manager, e.returns(), minibatch, r), v.actionMask(), settings.valueClipEpsilon());
            valueLossValue = valueLoss.getFloat();
            loss = Scalars.mul(valueLoss, settings.valueCoef());
        }
        if (criticOnly) {
            totals.add(Float.NaN, valueLossValue, Float.NaN, Float.NaN, Float.NaN, Float.NaN, loss.getFloat());
            return new TrainingLoop.Loss(loss, tokens(examples));
        }
        Scorer.ScoreTensors current = policy.forward(manager, examples, true, policyHeads);
        NDArray mask = current.actionMask(); // (B, R)
        int r = (int) mask.getShape().get(1);
        NDArray oldLogProbs = padded(manager, e.oldLogProbs(), minibatch, r);
        NDArray advantages = padded(manager, e.advantages(), minibatch, r);
        PpoClippedObjective.Output clipped = PpoClippedObjective.compute(current.logProbs(), oldLogProbs, advantages,
                mask, settings.clipEpsilon());
        loss = loss == null ? clipped.loss() : loss.add(clipped.loss());
        float entropyValue = Float.NaN;
        if (settings.entropyCoef() > 0) {
            NDArray entropy = current.entropies().mul(mask).sum().div(Scalars.maximum(mask.sum(), 1f));
            entropyValue = entropy.getFloat();
            loss = loss.sub(Scalars.mul(entropy, settings.entropyCoef()));
        }
        float ptx = Float.NaN;
        if (settings.ptxCoef() > 0) {
            NDArray lm = CausalLmLoss.loss(policyModel, manager, pretraining.next(), true);
            ptx = lm.getFloat();
            loss = loss.add(Scalars.mul(lm, settings.ptxCoef()));
        }
        totals.add(clipped.loss().getFloat(), valueLossValue, entropyValue, clipped.clipFraction().getFloat(),
                clipped.approxKl().getFloat(), ptx, loss.getFloat());
        return new TrainingLoop.Loss(loss, tokens(examples));
    }

    private static long tokens(List<Scorer.Example> examples) {
        return examples.stream().mapToLong(x -> x.prompt().length + x.response().length).sum();
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
        private final Mean policyLoss = new Mean();
        private final Mean valueLoss = new Mean();
        private final Mean entropy = new Mean();
        private final Mean clipFraction = new Mean();
        private final Mean approxKl = new Mean();
        private final Mean ptxLoss = new Mean();
        private final Mean loss = new Mean();
        private int steps;

        void add(float policyLoss, float valueLoss, float entropy, float clipFraction, float approxKl, float ptx,
                float loss) {
            this.policyLoss.add(policyLoss);
            this.valueLoss.add(valueLoss);
            this.entropy.add(entropy);
            this.clipFraction.add(clipFraction);
            this.approxKl.add(approxKl);
            this.ptxLoss.add(ptx);
            this.loss.add(loss);
            steps++;
        }

        UpdateReport report() {
            return new UpdateReport(policyLoss.get(), valueLoss.get(), entropy.get(), clipFraction.get(),
                    approxKl.get(), ptxLoss.get(), loss.get(), steps);
        }
    }

    /** A mean over the steps that measured a quantity (NaN: not computed that step); NaN when none did. */
    private static final class Mean {
        private double sum;
        private int count;

        void add(float value) {
            if (!Float.isNaN(value)) {
                sum += value;
                count++;
            }
        }

        double get() {
            return count == 0 ? Double.NaN : sum / count;
        }
    }
}
