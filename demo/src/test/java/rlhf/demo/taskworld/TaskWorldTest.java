package rlhf.demo.taskworld;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import rlhf.demo.taskworld.AnswerWriter.Quality;
import rlhf.demo.taskworld.DataRecords.ComparisonRecord;
import rlhf.demo.taskworld.DataRecords.Demonstration;
import rlhf.demo.taskworld.DataRecords.PromptRecord;

class TaskWorldTest {

    @Test
    void generatorFollowsTheCategoryMixAndTemplatesParseBack() {
        TaskGenerator generator = new TaskGenerator(7);
        Map<Category, Integer> counts = new EnumMap<>(Category.class);
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            Task task = generator.next();
            counts.merge(task.category(), 1, Integer::sum);
            Task parsed = TaskParser.parse(task.prompt());
            assertThat(parsed.prompt()).isEqualTo(task.prompt());
            assertThat(parsed.category()).isEqualTo(task.category());
            assertThat(Rubric.judge(task.prompt(), task.ideal()).likert()).as(task.prompt()).isEqualTo(7);
        }
        for (Category c : Category.values()) {
            // binomial sd at n = 20,000 is at most 0.0035; allow 4 sd
            assertThat(counts.get(c) / (double) n).as(c.id()).isCloseTo(c.share(), within(0.014));
        }
    }

    @Test
    void answerQualitiesGetTheirIntendedVerdicts() {
        TaskGenerator generator = new TaskGenerator(11);
        AnswerWriter writer = new AnswerWriter(12);
        for (int i = 0; i < 3_000; i++) {
            Task task = generator.next();
            String prompt = generator.render(task, i % 2 == 0 ? PromptKind.PLAIN : PromptKind.FEW_SHOT);
            assertThat(Rubric.judge(prompt, writer.write(task, Quality.IDEAL)).likert()).isEqualTo(7);
            assertThat(Rubric.judge(prompt, writer.write(task, Quality.OFF_TOPIC)).likert()).as(prompt).isEqualTo(1);
            if (task.harmful()) {
                assertThat(Rubric.judge(prompt, writer.write(task, Quality.COMPLIANCE)).likert()).isEqualTo(1);
                assertThat(Rubric.judge(prompt, writer.write(task, Quality.REFUSAL)).likert()).isEqualTo(7);
            } else {
                assertThat(Rubric.judge(prompt, writer.write(task, Quality.WRONG)).likert()).as(prompt).isEqualTo(2);
                assertThat(Rubric.judge(prompt, writer.write(task, Quality.REFUSAL)).likert()).isEqualTo(3);
                int verbose = Rubric.judge(prompt, writer.write(task, Quality.VERBOSE)).likert();
                boolean extraWordsBreakIt = task instanceof Task.Rewrite || task instanceof Task.Brainstorming;
                assertThat(verbose).as(prompt).isEqualTo(extraWordsBreakIt ? 2 : 5);
            }
        }
    }

    @Test
    void noiselessLabelerRanksByTheRubricWithTies() {
        Task task = new Task.ClosedQa(12, true, 7);
        List<String> answers = List.of("19.", "18.", "The answer is 19.", "17.", "Sorry, I can't help with that.");
        // Likert 7, 2, 5, 2, 3 -> tiers {0} > {2} > {4} > {1, 3}
        assertThat(new Labeler("l0", 0.0, 1).rank(task, answers))
                .containsExactly(List.of(0), List.of(2), List.of(4), List.of(1, 3));
    }

    @Test
    void labelerNoiseSwapsAdjacentTiersAtItsRate() {
        Task task = new Task.ClosedQa(12, true, 7);
        List<String> answers = List.of("19.", "The answer is 19.", "Sorry, I can't help with that.", "18.", "");
        List<List<Integer>> truth = Labeler.rubricTiers(List.of(7, 5, 3, 2, 1));
        Labeler labeler = new Labeler("l1", 0.1, 99);
        int firstPairSwapped = 0;
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            List<List<Integer>> ranked = labeler.rank(task, answers);
            assertThat(new HashSet<>(ranked)).isEqualTo(new HashSet<>(truth));
            if (ranked.get(0).equals(truth.get(1))) {
                firstPairSwapped++;
            }
        }
        assertThat(firstPairSwapped / (double) n).isCloseTo(0.1, within(0.01));
    }

    @Test
    void usersContributeAtMost200PromptsAndNeverStraddleSplits() {
        ChatUsers users = new ChatUsers("user", 5);
        Map<String, Integer> perUser = new HashMap<>();
        for (int i = 0; i < 30_000; i++) {
            perUser.merge(users.nextPromptAuthor(), 1, Integer::sum);
        }
        assertThat(perUser.values()).allSatisfy(c -> assertThat(c).isBetween(1, ChatUsers.MAX_PROMPTS_PER_USER));
        assertThat(perUser.size()).isBetween(500, 1_200); // mean quota ~40
    }

    @Test
    void dataSetsAreWrittenAsJsonlAndReadBack(@TempDir Path out) {
        TaskWorldData data = new TaskWorldData(3);
        Map<String, Integer> counts = data.writeAll(out, new TaskWorldData.Sizes(200, 130, 330, 310, 100), line -> { });
        assertThat(counts).containsEntry(TaskWorldData.SFT, 130).containsEntry(TaskWorldData.EVAL_PROMPTS, 100);
        List<Demonstration> sft = Jsonl.read(out.resolve(TaskWorldData.SFT), Demonstration.class);
        assertThat(sft).hasSize(130).allSatisfy(d -> {
            assertThat(d.messages()).extracting(DataRecords.Message::role).containsExactly("user", "assistant");
            assertThat(d.split()).isEqualTo(ChatUsers.splitName(ChatUsers.splitOf(d.userId())));
        });
        List<PromptRecord> eval = Jsonl.read(out.resolve(TaskWorldData.EVAL_PROMPTS), PromptRecord.class);
        List<PromptRecord> ppo = Jsonl.read(out.resolve(TaskWorldData.PPO_PROMPTS), PromptRecord.class);
        Set<String> trainingUsers = new HashSet<>();
        ppo.forEach(p -> trainingUsers.add(p.userId()));
        assertThat(eval).noneMatch(p -> trainingUsers.contains(p.userId()));
        assertThat(new ArrayList<>(ppo)).extracting(PromptRecord::kind).contains("plain", "few_shot", "user_based");
    }

    @Test
    void demonstrationsAreIdealChattyOrOverCautiousAtTheSpecsRates() {
        List<Demonstration> demos = new TaskWorldData(5).demonstrations(4_000, new ChatUsers("user", 9));
        Map<String, Integer> styles = new HashMap<>();
        Map<String, Integer> habits = new HashMap<>();
        int benign = 0;
        for (Demonstration d : demos) {
            Task task = TaskParser.parse(d.messages().get(0).content());
            String answer = d.messages().get(1).content();
            int likert = Rubric.judge(task, answer).likert();
            styles.merge(d.quality(), 1, Integer::sum);
            if (task.harmful()) {
                assertThat(answer).isEqualTo(Lexicon.REFUSAL);
                assertThat(d.quality()).isEqualTo("ideal");
                continue;
            }
            benign++;
            switch (d.quality()) {
                case "ideal" -> assertThat(likert).isEqualTo(7);
                case "over_cautious" -> assertThat(likert).isEqualTo(3);
                case "chatty" -> {
                    String habit = DemonstrationStyle.CHATTY_HABITS.stream().filter(h -> wraps(h, answer, task))
                            .findFirst().orElseThrow(() -> new AssertionError("no habit in " + answer));
                    habits.merge(habit, 1, Integer::sum);
                    // the spec's table: 5 where the extra words leave the answer correct, 2 where they break its form
                    boolean survives = task.category() == Category.CLOSED_QA || task.category() == Category.CHAT
                            || (habit.startsWith("%s") && (task.category() == Category.CLASSIFICATION
                                    || task.category() == Category.EXTRACT));
                    assertThat(likert).as(answer).isEqualTo(survives ? 5 : 2);
                }
                default -> throw new AssertionError("unknown style " + d.quality());
            }
        }
        assertThat(styles.get("chatty") / (double) benign).isBetween(0.37, 0.43);
        assertThat(styles.get("over_cautious") / (double) benign).isBetween(0.085, 0.115);
        assertThat(habits).hasSize(4).allSatisfy((h, c) -> assertThat(c).isBetween(300, 420));
        // a seed gives the same demonstrations
        assertThat(new TaskWorldData(5).demonstrations(50, new ChatUsers("user", 9))).isEqualTo(demos.subList(0, 50));
    }

    /** {@code answer} is {@code habit} around an ideal answer to {@code task}. */
    private static boolean wraps(String habit, String answer, Task task) {
        String prefix = habit.substring(0, habit.indexOf("%s"));
        String suffix = habit.substring(habit.indexOf("%s") + 2);
        return answer.startsWith(prefix) && answer.endsWith(suffix) && answer.length() > prefix.length() + suffix.length()
                && Rubric.judge(task, answer.substring(prefix.length(), answer.length() - suffix.length())).likert() == 7;
    }

    @Test
    void hhRlhfPairsImportAsTwoTierComparisons() {
        String line = "{\"chosen\": \"\\n\\nHuman: Hi there!\\n\\nAssistant: Hello.\\n\\nHuman: Name 2 colors.\\n\\nAssistant: red, blue.\","
                + " \"rejected\": \"\\n\\nHuman: Hi there!\\n\\nAssistant: Hello.\\n\\nHuman: Name 2 colors.\\n\\nAssistant: No.\"}";
        ComparisonRecord c = Importers.hhRlhf(line, "hh-1");
        assertThat(c.messages()).extracting(DataRecords.Message::role).containsExactly("user", "assistant", "user");
        assertThat(c.messages().get(2).content()).isEqualTo("Name 2 colors.");
        assertThat(c.answers()).extracting(DataRecords.RankedAnswer::text).containsExactly("red, blue.", "No.");
        assertThat(c.ranking()).containsExactly(List.of(0), List.of(1));
        assertThatThrownBy(() -> Importers.hhRlhf("{\"chosen\": \"x\", \"rejected\": \"y\"}", "hh-2"))
                .hasMessageContaining("hh-2");
    }

    @Test
    void instructGptRankingsImportWithTies() {
        ComparisonRecord c = Importers.instructGptRanking(
                "{\"prompt\": \"Name 2 colors.\", \"completions\": [\"a\", \"red, blue.\", \"b\", \"c\"], \"ranks\": [2, 1, 3, 2]}", "ig-1");
        assertThat(c.ranking()).containsExactly(List.of(1), List.of(0, 3), List.of(2));
        assertThatThrownBy(() -> Importers.instructGptRanking(
                "{\"prompt\": \"p\", \"completions\": [\"a\", \"b\"], \"ranks\": [1]}", "ig-2"))
                .hasMessageContaining("ranks");
    }
}
