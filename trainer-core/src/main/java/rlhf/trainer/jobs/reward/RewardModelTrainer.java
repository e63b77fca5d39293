package rlhf.trainer.jobs.reward;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import rlhf.model.GptModel;
import rlhf.model.score.Scorer;
import rlhf.model.score.SequenceRewards;
import rlhf.model.train.AdamW;
import rlhf.model.train.TrainingLoop;
import rlhf.trainer.algo.PairwiseRankingLoss;
import rlhf.trainer.jobs.JobMonitor;
import rlhf.trainer.jobs.training.EpochBatches;
import rlhf.trainer.jobs.training.MonitoredTraining;

/**
 * Trains a reward model with InstructGPT's K-way batching ({@link PairwiseRankingLoss}): each step takes
 * {@code promptsPerBatch} comparisons, scores all their answers in one forward pass, and averages the loss over every
 * (winner, loser) pair of every ranking, each prompt weighing the same.
 */
final class RewardModelTrainer {

    private final RewardModelParameters p;

    RewardModelTrainer(RewardModelParameters parameters) {
        this.p = parameters;
    }

    /** Steps of one training run over {@code comparisons}. */
    int steps(int comparisons) {
        int epochSteps = EpochBatches.steps(comparisons, p.promptsPerBatch(), p.epochs());
        return p.maxSteps() > 0 ? Math.min(p.maxSteps(), epochSteps) : epochSteps;
    }

    /** Trains {@code model} in place; returns the last step's loss. */
    float train(GptModel model, List<EncodedComparison> comparisons, JobMonitor monitor, String phase) {
        EpochBatches batches = new EpochBatches(comparisons.size(), p.promptsPerBatch(), p.seed());
        model.setTrainable(true);
        try (NDManager manager = model.manager().newSubManager();
                AdamW adam = MonitoredTraining.adamW(model.parameters(), p.optimizer())) {
            MonitoredTraining training = new MonitoredTraining(manager, adam, p.optimizer(), steps(comparisons.size()),
                    monitor, phase);
            training.run((m, step) -> loss(model, m, batches.next(comparisons), p.labelSmoothing()));
            return training.lastLoss();
        } finally {
            model.setTrainable(false);
        }
    }

    /** One K-way batch: one forward over Σ K answers, the loss over all pairs. */
    static TrainingLoop.Loss loss(GptModel model, NDManager manager, List<EncodedComparison> batch,
            float labelSmoothing) {
        List<Scorer.Example> answers = new ArrayList<>();
        List<List<int[]>> pairs = new ArrayList<>(batch.size());
        int[] answersPerPrompt = new int[batch.size()];
        long tokens = 0;
        for (int i = 0; i < batch.size(); i++) {
            EncodedComparison c = batch.get(i);
            answers.addAll(c.answers());
            pairs.add(c.pairs());
            answersPerPrompt[i] = c.answers().size();
            tokens += c.tokens();
        }
        NDArray rewards = SequenceRewards.forward(model, manager, answers, true); // (Σ K)
        return new TrainingLoop.Loss(PairwiseRankingLoss.loss(rewards,
                PairwiseRankingLoss.batchPairs(pairs, answersPerPrompt), labelSmoothing), tokens);
    }
}
