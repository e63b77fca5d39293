package rlhf.trainer.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import rlhf.trainer.algo.EloRatings;

/** Elo of versions and labeler agreement on hand-made snapshot lines, against numbers worked out by hand. */
class HumanStatisticsTest {

    private static HumanComparison line(String id, String labeler, String models, String likert, String ranking) {
        String[] m = models.split(",");
        String[] l = likert.split(",");
        StringBuilder answers = new StringBuilder();
        for (int i = 0; i < m.length; i++) {
            answers.append(i == 0 ? "" : ",").append("{\"text\":\"answer ").append(i).append("\",\"model\":\"")
                    .append(m[i]).append("\"").append(l[i].equals("0") ? "" : ",\"likert\":" + l[i]).append("}");
        }
        return HumanComparison.parse("{\"id\":\"" + id + "\",\"labeler_id\":\"" + labeler + "\",\"prompt\":\"p\","
                + "\"answers\":[" + answers + "],\"ranking\":" + ranking + "}");
    }

    @Test
    void gamesComeFromAnswersOfDifferentVersionsTiesAreDraws() {
        // tiers [[1],[0,2]]: answer 1 (v2) first; answers 0 (v1) and 2 (v2) tied; 1 vs 2 is v2 vs v2: no game
        List<EloRatings.Result> games = VersionElo.games(line("c", "l", "sft/v1,policy/v2,policy/v2", "0,0,0",
                "[[1],[0,2]]"));
        assertThat(games).containsExactly(new EloRatings.Result("sft/v1", "policy/v2", 0),
                new EloRatings.Result("sft/v1", "policy/v2", 0.5));
    }

    @Test
    void eloIsTheBradleyTerryFitAnchoredAtTheReferenceWithABootstrapInterval() {
        List<HumanComparison> comparisons = new ArrayList<>();
        for (int i = 0; i < 30; i++) { // policy/v2 better 20 times, worse 6, tied 4
            String ranking = i < 20 ? "[[1],[0]]" : i < 26 ? "[[0],[1]]" : "[[0,1]]";
            comparisons.add(line("c" + i, "l", "sft/v1,policy/v2", "0,0", ranking));
        }
        List<VersionElo.Rating> ratings = VersionElo.of(comparisons, "sft/v1", 200, 3);
        // The same games fitted directly (anchored at policy/v2): the rating difference must be the same.
        double difference = 1000 - EloRatings.fit(List.of("policy/v2", "sft/v1"),
                EloRatings.headToHead("policy/v2", "sft/v1", 20, 4, 6), 1000).get("sft/v1");
        assertThat(ratings).hasSize(2);
        assertThat(ratings.get(0).version()).isEqualTo("sft/v1");
        assertThat(ratings.get(0).elo()).isEqualTo(1000.0);
        VersionElo.Rating v2 = ratings.get(1);
        assertThat(v2.elo()).isCloseTo(1000 + difference, within(1e-6)).isGreaterThan(1050);
        assertThat(v2.games()).isEqualTo(30);
        assertThat(v2.low()).isLessThan(v2.elo()).isGreaterThan(1000);
        assertThat(v2.high()).isGreaterThan(v2.elo());
    }

    @Test
    void pairwiseAgreementKrippendorffsAlphaAndTheFlaggedLabeler() {
        // One task, three labelers: l1 0>1>2, l2 0>1=2, l3 2>1>0.
        // l1 vs l2: (0,1) agree, (0,2) agree, (1,2) better vs tied: 2/3; l3 agrees with neither on any pair: 0/3, 0/3.
        // Per labeler: l1 2/6, l2 2/6, l3 0/6; overall 2/9. l3 (0) < l1-l2's 2/3 - 0.15: flagged.
        List<HumanComparison> task = List.of(
                line("t:l1", "l1", "a,a,a", "7,5,2", "[[0],[1],[2]]"),
                line("t:l2", "l2", "a,a,a", "7,5,5", "[[0],[1,2]]"),
                line("t:l3", "l3", "a,a,a", "1,4,7", "[[2],[1],[0]]"),
                line("other", "l1", "a,a", "7,2", "[[0],[1]]")); // labeled once: not counted
        LabelerAgreement.Report r = LabelerAgreement.of(task, 0.15);
        assertThat(r.tasks()).isEqualTo(1);
        assertThat(r.pairwise()).isCloseTo(2.0 / 9, within(1e-12));
        assertThat(r.perLabeler()).containsEntry("l1", 2.0 / 6).containsEntry("l2", 2.0 / 6).containsEntry("l3", 0.0);
        assertThat(r.flagged()).containsExactly("l3");
    }

    @Test
    void krippendorffsAlphaByHand() {
        // Perfect agreement: D_o = 0, alpha 1.
        assertThat(LabelerAgreement.alpha(List.of(List.of(1, 1), List.of(2, 2), List.of(3, 3)))).isEqualTo(1.0);
        // Units (1,2), (2,1): n = 4; D_o = (1/4)(2/1 + 2/1) = 1; D_e = 8 ordered unequal pairs / (4·3) = 2/3;
        // alpha = 1 - 1 / (2/3) = -0.5.
        assertThat(LabelerAgreement.alpha(List.of(List.of(1, 2), List.of(2, 1)))).isCloseTo(-0.5, within(1e-12));
        // Units (1,1), (3,3), (1,3): n = 6, values 1,1,3,3,1,3; D_o = (1/6)(0 + 0 + 8/1) = 4/3;
        // D_e: 3 ones and 3 threes → 2·3·3 = 18 ordered unequal pairs × 4 / (6·5) = 72/30 = 2.4; alpha = 1 - (4/3)/2.4
        assertThat(LabelerAgreement.alpha(List.of(List.of(1, 1), List.of(3, 3), List.of(1, 3))))
                .isCloseTo(1 - (4.0 / 3) / 2.4, within(1e-12));
        assertThat(LabelerAgreement.alpha(List.of(List.of(4, 4)))).isNaN();
    }
}
