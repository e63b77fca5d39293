package rlhf.trainer.jobs.reward;

import java.util.ArrayList;
import java.util.List;

import rlhf.model.score.Scorer;
import rlhf.model.tokenizer.TextTokenizer;
import rlhf.trainer.data.RankedComparison;
import rlhf.trainer.jobs.training.ContextFit;

/** A ranked comparison with its K answers as (prompt, response) token ids fitted to the model's context. */
public record EncodedComparison(RankedComparison source, List<Scorer.Example> answers, List<int[]> pairs) {

    public EncodedComparison {
        answers = List.copyOf(answers);
        pairs = List.copyOf(pairs);
    }

    public static EncodedComparison encode(RankedComparison c, TextTokenizer tokenizer, int context) {
        List<Scorer.Example> answers = new ArrayList<>(c.size());
        for (String answer : c.answers()) {
            answers.add(ContextFit.example(tokenizer, c.prompt(), answer, context));
        }
        return new EncodedComparison(c, answers, c.pairs());
    }

    /** Tokens of the K sequences. */
    public long tokens() {
        return answers.stream().mapToLong(ContextFit::length).sum();
    }
}
