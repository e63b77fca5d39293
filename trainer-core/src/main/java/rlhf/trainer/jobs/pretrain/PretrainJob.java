package rlhf.trainer.jobs.pretrain;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import ai.djl.ndarray.NDManager;
import rlhf.model.GptConfig;
import rlhf.model.GptModel;
import rlhf.model.store.CheckpointStore;
import rlhf.model.tokenizer.ByteTokenizer;
import rlhf.model.tokenizer.TextTokenizer;
import rlhf.model.tokenizer.WordTokenizer;
import rlhf.model.train.AdamW;
import rlhf.model.train.CausalLmLoss;
import rlhf.model.train.TrainingLoop;
import rlhf.trainer.data.CorpusDocument;
import rlhf.trainer.data.DatasetRef;
import rlhf.trainer.data.JsonlFile;
import rlhf.trainer.jobs.JobKind;
import rlhf.trainer.jobs.JobMonitor;
import rlhf.trainer.jobs.JobPreconditionException;
import rlhf.trainer.jobs.JobResult;
import rlhf.trainer.jobs.TrainingJob;
import rlhf.trainer.jobs.training.MonitoredTraining;
import rlhf.trainer.jobs.training.Publication;
import rlhf.wire.ModelStoreLayout;

/**
 * Pretraining from scratch (the GPT-3 stage InstructGPT starts from): next-token cross-entropy on random windows of
 * the concatenated corpus documents, word or byte tokenizer; reports the held-out loss against the unigram entropy and
 * publishes {@code base/vN}.
 */
public final class PretrainJob implements TrainingJob {

    private final CheckpointStore store;
    private final PretrainParameters p;
    private final Map<String, String> parameters;

    public PretrainJob(CheckpointStore store, PretrainParameters parameters, Map<String, String> resolved) {
        this.store = store;
        this.p = parameters;
        this.parameters = Map.copyOf(resolved);
    }

    @Override
    public JobKind kind() {
        return JobKind.PRETRAIN;
    }

    @Override
    public Map<String, String> parameters() {
        return parameters;
    }

    @Override
    public void checkPreconditions() {
        if (!Files.isRegularFile(p.corpus())) {
            throw new JobPreconditionException("pretraining corpus not found: " + p.corpus() + " (parameter 'data')");
        }
    }

    /** Training and held-out token streams, split by document. */
    private record Streams(int[] train, int[] heldOut) {
    }

    @Override
    public JobResult run(JobMonitor monitor) {
        checkPreconditions();
        List<CorpusDocument> documents = CorpusDocument.read(p.corpus());
        List<Integer> order = shuffledOrder(documents.size());
        int heldOutCount = Math.max(1, Math.round(documents.size() * p.heldOutFraction()));
        try (TextTokenizer tokenizer = tokenizer(documents, order.subList(heldOutCount, order.size()), monitor)) {
            DatasetRef dataset = JsonlFile.reference(p.corpus(), documents.size());
            Streams streams = streams(documents, order, heldOutCount, tokenizer);
            int[][] heldOutWindows = windows(streams.heldOut());
            double unigram = UnigramEntropy.crossEntropy(streams.train(), streams.heldOut(), tokenizer.vocabSize());
            GptConfig config = new GptConfig(tokenizer.vocabSize(), p.context(), p.layers(), p.heads(), p.width(),
                    p.dropout(), p.positions());
            monitor.log(String.format(Locale.ROOT, "pretrain: %,d documents, %,d train / %,d held-out tokens, "
                    + "%,d parameters, %s positions, %d steps of %d x %d tokens", documents.size(), streams.train().length,
                    streams.heldOut().length, config.parameterCount(), config.positions(), p.steps(), p.batchSize(),
                    p.context()));
            try (GptModel model = GptModel.create(config, p.seed())) {
                Map<String, Double> metrics = train(model, streams.train(), heldOutWindows, monitor);
                metrics.put("pretrain.unigram.entropy", unigram);
                monitor.log(String.format(Locale.ROOT, "pretrain: held-out loss %.4f nats/token (at init %.4f), "
                        + "unigram entropy %.4f", metrics.get("pretrain.heldout.loss"),
                        metrics.get("pretrain.heldout.loss.initial"), unigram));
                return Publication.publish(store, kind(), ModelStoreLayout.BASE, model, tokenizer, List.of(),
                        List.of(dataset), metrics, List.of());
            }
        }
    }

    private Map<String, Double> train(GptModel model, int[] train, int[][] heldOutWindows, JobMonitor monitor) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("pretrain.heldout.loss.initial", CausalLmLoss.evaluate(model, heldOutWindows, 16));
        Random random = new Random(p.seed());
        model.setTrainable(true);
        try (NDManager manager = model.manager().newSubManager();
                AdamW adam = MonitoredTraining.adamW(model.parameters(), p.optimizer())) {
            MonitoredTraining training = new MonitoredTraining(manager, adam, p.optimizer(), p.steps(), monitor,
                    "pretrain");
            training.run((m, step) -> new TrainingLoop.Loss(
                    CausalLmLoss.loss(model, m, sampleWindows(train, random), true), (long) p.batchSize() * p.context()));
            metrics.put("pretrain.train.loss", (double) training.lastLoss());
            metrics.put("pretrain.tokens", (double) training.tokens());
        } finally {
            model.setTrainable(false);
        }
        double heldOut = CausalLmLoss.evaluate(model, heldOutWindows, 16);
        metrics.put("pretrain.heldout.loss", heldOut);
        monitor.metric("pretrain.heldout.loss", heldOut);
        return metrics;
    }

    private List<Integer> shuffledOrder(int documents) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < documents; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(p.seed()));
        return order;
    }

    /** The tokenizer of the new model; a word tokenizer learns its pieces from the training documents only. */
    private TextTokenizer tokenizer(List<CorpusDocument> documents, List<Integer> train, JobMonitor monitor) {
        if (p.tokenizer().equals("bytes")) {
            return new ByteTokenizer();
        }
        List<String> texts = new ArrayList<>();
        for (int i : train) {
            texts.addAll(documents.get(i).texts());
        }
        WordTokenizer words = WordTokenizer.train(texts, p.vocabMaxPieces(), p.vocabMinCount(),
                new WordTokenizer.Options(p.numbers().equals("digits"), p.leadingSpace()));
        monitor.log(String.format(Locale.ROOT, "pretrain: word tokenizer with %,d learned pieces (seen >= %d times), "
                + "vocabulary %,d, numbers %s, %s", words.pieces().size(), p.vocabMinCount(), words.vocabSize(),
                p.numbers().equals("digits") ? "cut into digits" : "whole",
                p.leadingSpace() ? "a space before each text" : "no space before a text"));
        return words;
    }

    private Streams streams(List<CorpusDocument> documents, List<Integer> order, int heldOutCount,
            TextTokenizer tokenizer) {
        int[] heldOut = concatenate(documents, order.subList(0, heldOutCount), tokenizer);
        int[] train = concatenate(documents, order.subList(heldOutCount, order.size()), tokenizer);
        if (train.length < p.context() + 2 || heldOut.length < p.context() + 1) {
            throw new JobPreconditionException("corpus too small for context " + p.context() + ": " + train.length
                    + " training and " + heldOut.length + " held-out tokens (parameter 'data')");
        }
        return new Streams(train, heldOut);
    }

    private static int[] concatenate(List<CorpusDocument> documents, List<Integer> indexes, TextTokenizer tokenizer) {
        List<int[]> parts = new ArrayList<>(indexes.size());
        int total = 0;
        for (int i : indexes) {
            int[] ids = documents.get(i).tokens(tokenizer);
            parts.add(ids);
            total += ids.length;
        }
        int[] stream = new int[total];
        int at = 0;
        for (int[] ids : parts) {
            System.arraycopy(ids, 0, stream, at, ids.length);
            at += ids.length;
        }
        return stream;
    }

    /** Non-overlapping held-out windows of context + 1 tokens, at most {@code evalWindows}. */
    private int[][] windows(int[] heldOut) {
        int size = p.context() + 1;
        int count = Math.min(p.evalWindows(), heldOut.length / size);
        int[][] windows = new int[count][];
        for (int i = 0; i < count; i++) {
            windows[i] = Arrays.copyOfRange(heldOut, i * size, (i + 1) * size);
        }
        return windows;
    }

    private int[][] sampleWindows(int[] train, Random random) {
        int[][] windows = new int[p.batchSize()][];
        for (int b = 0; b < windows.length; b++) {
            int start = random.nextInt(train.length - p.context() - 1);
            windows[b] = Arrays.copyOfRange(train, start, start + p.context() + 1);
        }
        return windows;
    }
}
