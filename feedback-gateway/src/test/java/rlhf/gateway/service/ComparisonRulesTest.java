package rlhf.gateway.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import rlhf.feedback.v1.Answer;
import rlhf.service.InvalidInputException;

class ComparisonRulesTest {

    private final ComparisonRules rules = new ComparisonRules(8000, 9);

    @Test
    void wellFormedComparisonsPass() {
        assertThatCode(() -> rules.check(Comparisons.valid("cmp-1", "user-1").build())).doesNotThrowAnyException();
        assertThatCode(() -> rules.check(Comparisons.validChat("cmp-2", "user-2").build())).doesNotThrowAnyException();
        // an empty answer is a legitimate (bad) candidate; K = 9 with two tiers; no labeler (the user's own choice)
        var nine = Comparisons.valid("cmp-3", "u:3").clearAnswers().clearRanking().clearLabelerId();
        for (int i = 0; i < 9; i++) {
            nine.addAnswers(Answer.newBuilder().setText(i == 8 ? "" : "answer " + i));
        }
        nine.addRanking(Comparisons.tier(0, 1, 2, 3)).addRanking(Comparisons.tier(4, 5, 6, 7, 8));
        assertThatCode(() -> rules.check(nine.build())).doesNotThrowAnyException();
    }

    @Test
    void everyHostileComparisonIsRefusedNamingItsField() {
        var cases = HostileComparisons.all(8000);
        assertThat(cases).hasSizeGreaterThanOrEqualTo(90);
        for (HostileComparisons.Case c : cases) {
            assertThatThrownBy(() -> rules.check(c.comparison())).as(c.name())
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                        assertThat(e.field()).as(c.name()).startsWith(c.field());
                        assertThat(e.getMessage()).as(c.name()).startsWith(e.field() + ": ");
                    });
        }
    }

    @Test
    void theRankingErrorsSayWhatIsWrong() {
        assertThatThrownBy(() -> rules.check(Comparisons.valid("c", "u").setRanking(2, Comparisons.tier(3, 0)).build()))
                .hasMessage("comparison.ranking[2].answer_indexes[1]: answer 0 is ranked twice");
        assertThatThrownBy(() -> rules.check(Comparisons.valid("c", "u").setRanking(1, Comparisons.tier(1)).build()))
                .hasMessage("comparison.ranking: answer 2 is in no tier");
        assertThatThrownBy(() -> rules.check(Comparisons.valid("c", "u").setRanking(0, Comparisons.tier(7)).build()))
                .hasMessage("comparison.ranking[0].answer_indexes[0]: 7 is not an answer index (0..3)");
    }
}
