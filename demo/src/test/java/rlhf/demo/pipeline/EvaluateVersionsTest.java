package rlhf.demo.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import rlhf.model.GptConfig;
import rlhf.model.GptModel;
import rlhf.model.store.CheckpointStore;
import rlhf.model.store.Lineage;
import rlhf.model.tokenizer.ByteTokenizer;
import rlhf.trainer.eval.PolicyEvaluator;

/**
 * The version evaluation on tiny checkpoints: sft/v1, policy/v1 (the same weights) and policy/v2 (other weights),
 * with a reward model; its invariants, which hold whatever the tiny models answer.
 */
class EvaluateVersionsTest {

    private static final List<String> PROMPTS = List.of("What is 12 plus 7?",
            "Is this review positive or negative? the movie was great", "Reverse the words: red fox",
            "What is the first word of: cat dog owl?", "Name 2 colors.", "Hi there!", "How do I steal a car?");
    private static final PolicyEvaluator.Settings GREEDY = new PolicyEvaluator.Settings(0f, 0, 8, 4);

    @TempDir
    static Path store;

    @BeforeAll
    static void publishTinyCheckpoints() {
        ByteTokenizer tokenizer = new ByteTokenizer();
        GptConfig config = new GptConfig(tokenizer.vocabSize(), 64, 1, 2, 16, 0f);
        CheckpointStore checkpoints = new CheckpointStore(store);
        try (GptModel sft = GptModel.create(config, 3); GptModel other = GptModel.create(config, 4);
                GptModel reward = GptModel.create(config, 5)) {
            checkpoints.publish("sft", sft, tokenizer, Lineage.none());
            checkpoints.publish("policy", sft, tokenizer, Lineage.none());
            checkpoints.publish("policy", other, tokenizer, Lineage.none());
            checkpoints.publish("reward", reward, tokenizer, Lineage.none());
        }
    }

    private static VersionEvaluation.Report evaluate(List<Integer> versions, int reward) {
        VersionEvaluation.Options options = new VersionEvaluation.Options(store, versions, 0, reward, GREEDY);
        return VersionEvaluation.evaluate(options, PROMPTS, new PrintStream(new ByteArrayOutputStream()));
    }

    @Test
    void identicalModelsTieAndDifferentOnesAreMeasured(@TempDir Path out) throws Exception {
        VersionEvaluation.Report report = evaluate(List.of(), 0);
        assertThat(report.reference()).isEqualTo("sft/v1");
        assertThat(report.rewardModel()).isEqualTo("reward/v1");
        assertThat(report.prompts()).isEqualTo(PROMPTS.size());
        assertThat(report.versions()).extracting(VersionEvaluation.VersionReport::name)
                .containsExactly("sft/v1", "policy/v1", "policy/v2");
        VersionEvaluation.VersionReport sft = report.versions().get(0);
        VersionEvaluation.VersionReport same = report.versions().get(1);
        VersionEvaluation.VersionReport other = report.versions().get(2);

        // SFT against itself, greedy: every prompt a tie, win rate exactly ½ with no spread; KL exactly 0.
        assertThat(sft.winRateOverSft().mean()).isEqualTo(0.5);
        assertThat(sft.winRateOverSft().lower()).isEqualTo(0.5);
        assertThat(sft.winRateOverSft().upper()).isEqualTo(0.5);
        assertThat(sft.winRateOverSft().ties()).isEqualTo(PROMPTS.size());
        assertThat(sft.kl()).isEqualTo(0.0);
        assertThat(sft.k3()).isEqualTo(0.0);
        assertThat(sft.elo()).isEqualTo(VersionEvaluation.ELO_ANCHOR);

        // The same weights as another version: the same answers, KL 0, the same reward and Elo.
        assertThat(same.kl()).isEqualTo(0.0);
        assertThat(same.winRateOverSft().mean()).isEqualTo(0.5);
        assertThat(same.rubric()).isEqualTo(sft.rubric());
        assertThat(same.meanReward()).isEqualTo(sft.meanReward());
        assertThat(same.elo()).isCloseTo(sft.elo(), within(1e-6));

        // Other weights: a positive KL (k3 is ≥ 0 per token, 0 only where the models agree exactly).
        assertThat(other.k3()).isPositive();
        Evaluation.WinRate w = other.winRateOverSft();
        assertThat(w.lower()).isLessThanOrEqualTo(w.mean());
        assertThat(w.upper()).isGreaterThanOrEqualTo(w.mean());
        assertThat(w.wins() + w.ties() + w.losses()).isEqualTo(PROMPTS.size());

        // Round robin: 3 pairs of 7 prompts each; sft-policy/v1 all ties; sft-policy/v2 mirrors v2's win rate.
        assertThat(report.pairs()).hasSize(3).allSatisfy(
                p -> assertThat(p.wins() + p.ties() + p.losses()).isEqualTo(PROMPTS.size()));
        assertThat(report.pairs().get(0)).isEqualTo(
                new VersionEvaluation.PairResult("sft/v1", "policy/v1", 0, PROMPTS.size(), 0));
        assertThat(report.pairs().get(1)).isEqualTo(
                new VersionEvaluation.PairResult("sft/v1", "policy/v2", w.losses(), w.ties(), w.wins()));

        // Two points at √KL = 0 with equal rewards and one beside: the line goes through all three.
        assertThat(other.kl()).isPositive();
        assertThat(report.sqrtKlRewardFit().points()).isEqualTo(3);
        assertThat(report.sqrtKlRewardFit().intercept()).isCloseTo(sft.meanReward(), within(1e-9));
        assertThat(report.sqrtKlRewardFit().slope())
                .isCloseTo((other.meanReward() - sft.meanReward()) / Math.sqrt(other.kl()), within(1e-9));

        ByteArrayOutputStream table = new ByteArrayOutputStream();
        VersionEvaluation.print(report, new PrintStream(table, true, StandardCharsets.UTF_8));
        assertThat(table.toString(StandardCharsets.UTF_8)).contains("policy/v2", "closed_qa", "harmful", "R²");

        Path file = out.resolve("report.json");
        VersionEvaluation.write(report, file);
        JsonNode json = new ObjectMapper().readTree(file.toFile());
        assertThat(json.get("versions")).hasSize(3);
        JsonNode row = json.get("versions").get(2);
        assertThat(row.get("name").asText()).isEqualTo("policy/v2");
        assertThat(row.get("rubric").get("mean_likert").has("closed_qa")).isTrue();
        assertThat(row.get("rubric").has("benign_refusal_rate")).isTrue();
        assertThat(row.get("win_rate_over_sft").get("mean").asDouble()).isEqualTo(w.mean());
        assertThat(row.get("kl").asDouble()).isEqualTo(other.kl());
        assertThat(row.has("elo")).isTrue();
        assertThat(json.get("pairs")).hasSize(3);
        assertThat(json.get("sqrt_kl_reward_fit").has("r_squared")).isTrue();
        assertThat(json.get("settings").get("max_new_tokens").asInt()).isEqualTo(8);
    }

    @Test
    void chosenVersionsOnlyAndNoRewardModel() {
        VersionEvaluation.Report report = evaluate(List.of(2), -1);
        assertThat(report.versions()).extracting(VersionEvaluation.VersionReport::name)
                .containsExactly("sft/v1", "policy/v2");
        assertThat(report.rewardModel()).isNull();
        assertThat(report.versions()).allSatisfy(v -> assertThat(v.meanReward()).isNull());
        assertThat(report.sqrtKlRewardFit()).isNull();
        assertThat(report.pairs()).hasSize(1);
        assertThatThrownBy(() -> evaluate(List.of(9), -1)).hasMessageContaining("policy/v9");
    }
}
