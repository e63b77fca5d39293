package rlhf.trainer.jobs.sft;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import ai.djl.ndarray.NDManager;
import rlhf.model.GptModel;
import rlhf.model.score.Scorer;
import rlhf.model.store.CheckpointStore;
import rlhf.model.store.LoadedCheckpoint;
import rlhf.model.train.AdamW;
import rlhf.model.train.TrainingLoop;
import rlhf.trainer.algo.SftLoss;
import rlhf.trainer.data.DatasetRef;
import rlhf.trainer.data.Demonstration;
import rlhf.trainer.data.JsonlFile;
import rlhf.trainer.jobs.JobKind;
import rlhf.trainer.jobs.JobMonitor;
import rlhf.trainer.jobs.JobPreconditionException;
import rlhf.trainer.jobs.JobResult;
import rlhf.trainer.jobs.TrainingJob;
import rlhf.trainer.jobs.training.CheckpointInputs;
import rlhf.trainer.jobs.training.ContextFit;
import rlhf.trainer.jobs.training.EpochBatches;
import rlhf.trainer.jobs.training.MonitoredTraining;
import rlhf.trainer.jobs.training.Publication;
import rlhf.wire.ModelStoreLayout;

/**
 * Supervised fine-tuning (InstructGPT §3.5): the newest base model learns the labelers' demonstrations, loss on the
 * answer tokens only ({@link SftLoss}); trains on split=train, reports the answer loss on the held-out splits before
 * and after, and publishes {@code sft/vN} with the base version as its parent.
 */
public final class SftJob implements TrainingJob {

    private static final int EVAL_BATCH = 32;

    private final CheckpointStore store;
    private final SftParameters p;
    private final Map<String, String> parameters;

    public SftJob(CheckpointStore store, SftParameters parameters, Map<String, String> resolved) {
        this.store = store;
        this.p = parameters;
        this.parameters = Map.copyOf(resolved);
    }

    @Override
    public JobKind kind() {
        return JobKind.SFT;
    }

    @Override
    public Map<String, String> parameters() {
        return parameters;
    }

    @Override
    public void checkPreconditions() {
        CheckpointInputs.require(store, ModelStoreLayout.BASE, p.baseVersion(), "base-version", "a PRETRAIN job");
        if (!Files.isRegularFile(p.demonstrations())) {
            throw new JobPreconditionException("demonstrations not found: " + p.demonstrations() + " (parameter 'data')");
        }
    }

    @Override
    public JobResult run(JobMonitor monitor) {
        checkPreconditions();
        List<Demonstration> demonstrations = Demonstration.read(p.demonstrations());
        DatasetRef dataset = JsonlFile.reference(p.demonstrations(), demonstrations.size());
        try (LoadedCheckpoint base = CheckpointInputs.load(store, ModelStoreLayout.BASE, p.baseVersion())) {
            int context = base.model().config().contextLength();
            List<Scorer.Example> train = new ArrayList<>();
            List<Scorer.Example> heldOut = new ArrayList<>();
            for (Demonstration d : demonstrations) {
                Scorer.Example e = ContextFit.example(base.tokenizer(), d.conversation(), d.answer(), context);
                (d.split().heldOut() ? heldOut : train).add(e);
            }
            if (train.isEmpty()) {
                throw new JobPreconditionException("no split=train demonstrations in " + p.demonstrations());
            }
            monitor.log(String.format(Locale.ROOT, "sft: from %s, %,d train / %,d held-out demonstrations",
                    base.checkpoint().id(), train.size(), heldOut.size()));
            Map<String, Double> metrics = train(base.model(), train, heldOut, monitor);
            return Publication.publish(store, kind(), ModelStoreLayout.SFT, base.model(), base.tokenizer(),
                    List.of(base.checkpoint().id()), List.of(dataset), metrics, List.of());
        }
    }

    private Map<String, Double> train(GptModel model, List<Scorer.Example> train, List<Scorer.Example> heldOut,
            JobMonitor monitor) {
        Scorer scorer = new Scorer(model);
        Map<String, Double> metrics = new LinkedHashMap<>();
        if (!heldOut.isEmpty()) {
            metrics.put("sft.heldout.loss.initial", answerLoss(scorer, heldOut));
        }
        int epochSteps = EpochBatches.steps(train.size(), p.batchSize(), p.epochs());
        int steps = p.maxSteps() > 0 ? Math.min(p.maxSteps(), epochSteps) : epochSteps;
        EpochBatches batches = new EpochBatches(train.size(), p.batchSize(), p.seed());
        model.setTrainable(true);
        try (NDManager manager = model.manager().newSubManager();
                AdamW adam = MonitoredTraining.adamW(model.parameters(), p.optimizer())) {
            MonitoredTraining training = new MonitoredTraining(manager, adam, p.optimizer(), steps, monitor, "sft");
            training.run((m, step) -> sftLoss(scorer, m, batches.next(train)));
            metrics.put("sft.train.loss", (double) training.lastLoss());
            metrics.put("sft.tokens", (double) training.tokens());
        } finally {
            model.setTrainable(false);
        }
        if (!heldOut.isEmpty()) {
            double loss = answerLoss(scorer, heldOut);
            metrics.put("sft.heldout.loss", loss);
            monitor.metric("sft.heldout.loss", loss);
            monitor.log(String.format(Locale.ROOT, "sft: held-out answer loss %.4f nats/token (before %.4f)", loss,
                    metrics.get("sft.heldout.loss.initial")));
        }
        return metrics;
    }

    private static TrainingLoop.Loss sftLoss(Scorer scorer, NDManager manager, List<Scorer.Example> batch) {
        Scorer.ScoreTensors s = scorer.forward(manager, batch, true);
        long tokens = batch.stream().mapToLong(ContextFit::length).sum();
        return new TrainingLoop.Loss(SftLoss.loss(s.logProbs(), s.actionMask()), tokens);
    }

    /** Mean negative log-likelihood per answer token, without gradients. */
    static double answerLoss(Scorer scorer, List<Scorer.Example> examples) {
        double sum = 0;
        long tokens = 0;
        for (int from = 0; from < examples.size(); from += EVAL_BATCH) {
            for (Scorer.Scores s : scorer.score(examples.subList(from, Math.min(examples.size(), from + EVAL_BATCH)))) {
                for (float lp : s.logProbs()) {
                    sum -= lp;
                }
                tokens += s.logProbs().length;
            }
        }
        return sum / tokens;
    }
}
