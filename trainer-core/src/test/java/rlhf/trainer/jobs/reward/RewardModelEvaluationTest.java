package rlhf.trainer.jobs.reward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

import rlhf.model.score.Scorer;
import rlhf.model.tokenizer.ChatMessage;
import rlhf.trainer.data.RankedComparison;
import rlhf.trainer.data.Split;

/** Held-out accuracy overall and per category, against the labeler and against the rubric, counted by hand. */
class RewardModelEvaluationTest {

    @Test
    void accuraciesPerCategoryByHand() {
        // "math": Likert (7, 2, 5), the labeler agrees with the rubric (tiers 0 > 2 > 1); rewards (1, 0, 2).
        //   pair (0,1): labeler and rubric prefer 0, the RM too           → RM 1, rubric 1, RM-vs-rubric 1
        //   pair (0,2): labeler and rubric prefer 0, the RM prefers 2     → RM 0, rubric 1, RM-vs-rubric 0
        //   pair (1,2): labeler and rubric prefer 2, the RM too           → RM 1, rubric 1, RM-vs-rubric 1
        // "words": Likert (7, 2) but the labeler flipped them (tiers 1 > 0); rewards tie (0.5, 0.5).
        //   pair (0,1): the labeler prefers 1, the rubric 0, the RM ties  → RM ½, rubric 0, RM-vs-rubric ½
        EncodedComparison math = comparison("math", List.of(7, 2, 5), List.of(new int[] {0}, new int[] {2}, new int[] {1}));
        EncodedComparison words = comparison("words", List.of(7, 2), List.of(new int[] {1}, new int[] {0}));
        RewardModelEvaluation.Result r = RewardModelEvaluation.evaluate(List.of(math, words),
                new float[] {1f, 0f, 2f, 0.5f, 0.5f}, 10);

        assertThat(r.calibration().pairs()).isEqualTo(4);
        assertThat(r.calibration().pairwiseAccuracy()).isCloseTo(2.5 / 4, within(1e-12));
        assertThat(r.oracleAccuracy()).isCloseTo(3.0 / 4, within(1e-12));
        assertThat(r.accuracyVsRubric()).isCloseTo(2.5 / 4, within(1e-12));
        assertThat(r.byCategory()).extracting(RewardModelEvaluation.CategoryResult::category)
                .containsExactly("math", "words");
        RewardModelEvaluation.CategoryResult m = r.byCategory().get(0);
        assertThat(m.pairs()).isEqualTo(3);
        assertThat(m.accuracy()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(m.oracleAccuracy()).isEqualTo(1.0);
        assertThat(m.accuracyVsRubric()).isCloseTo(2.0 / 3, within(1e-12));
        RewardModelEvaluation.CategoryResult w = r.byCategory().get(1);
        assertThat(w.pairs()).isEqualTo(1);
        assertThat(w.accuracy()).isEqualTo(0.5);
        assertThat(w.oracleAccuracy()).isEqualTo(0.0);
        assertThat(w.accuracyVsRubric()).isEqualTo(0.5);
        assertThat(r.lines("heldout")).anyMatch(l -> l.trim().startsWith("math") && l.contains("3 pairs"));
    }

    @Test
    void comparisonsWithoutCategoriesGetNoBreakdown() {
        EncodedComparison plain = comparison("", List.of(7, 2), List.of(new int[] {0}, new int[] {1}));
        RewardModelEvaluation.Result r = RewardModelEvaluation.evaluate(List.of(plain), new float[] {1f, 0f}, 10);
        assertThat(r.byCategory()).isEmpty();
        assertThat(r.calibration().pairwiseAccuracy()).isEqualTo(1.0);
    }

    private static EncodedComparison comparison(String category, List<Integer> likert, List<int[]> tiers) {
        List<String> answers = likert.stream().map(l -> "answer " + l).toList();
        RankedComparison c = new RankedComparison("c-" + category, Split.VALIDATION, List.of(ChatMessage.user("q")),
                answers, tiers, likert, category);
        List<Scorer.Example> encoded = answers.stream().map(a -> new Scorer.Example(new int[] {1}, new int[] {2}))
                .toList();
        return new EncodedComparison(c, encoded, c.pairs());
    }
}
