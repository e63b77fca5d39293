package rlhf.demo.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import com.fasterxml.jackson.databind.ObjectMapper;
import rlhf.demo.taskworld.ChatUsers;
import rlhf.demo.taskworld.DataRecords.PromptRecord;
import rlhf.demo.taskworld.Rubric;
import rlhf.demo.taskworld.TaskWorldData;
import rlhf.model.GptConfig;
import rlhf.model.GptModel;
import rlhf.model.store.CheckpointStore;
import rlhf.model.store.Lineage;
import rlhf.model.tokenizer.ByteTokenizer;

/**
 * The online report from a store and week folders shaped like a run's: every chart is drawn (one PNG per figure,
 * with its numbers in tables beside it), and headless Chromium renders the page with every image decoded; the
 * screenshot goes to target/screenshots/online-report.png. Without Debian's chromium + chromedriver the browser
 * half is skipped, unless RLHF_BROWSER_REQUIRED=1 (as in CI).
 */
class OnlineReportTest {

    private static final Path CHROMEDRIVER = Path.of(System.getProperty("rlhf.chromedriver", "/usr/bin/chromedriver"));
    private static final Path CHROMIUM = Path.of(System.getProperty("rlhf.chromium", "/usr/bin/chromium"));

    @TempDir
    Path dir;

    @Test
    void theReportDrawsEveryChartAndChromiumRendersIt() throws Exception {
        Path store = dir.resolve("store");
        Path data = dir.resolve("data");
        publishRunLikeVersions(new CheckpointStore(store));
        writeWeeks(data);

        Path report = new OnlineReport(store, data).write(List.of(
                new OnlineReport.Judged(1, "policy/v4", "policy/v6", 0.61, 0.70, 40, 30, 17),
                new OnlineReport.Judged(2, "policy/v6", "policy/v8", 0.5, Double.NaN, 0, 100, 0)));
        String html = Files.readString(report);
        List<String> charts = new ArrayList<>();
        Matcher m = Pattern.compile("<img [^>]*alt=\"([^\"]+)\" src=\"data:image/png;base64,").matcher(html);
        while (m.find()) {
            charts.add(m.group(1));
        }
        assertThat(charts).containsExactly("Reward and KL per PPO iteration", "KL coefficient beta per PPO iteration",
                "Reward against sqrt(KL)", "Reliability diagram (test users)", "Elo of versions from human rankings",
                "Human Likert per category per version", "Win rate per week over the previous served policy",
                "Labeler agreement per week");
        for (String expected : List.of("<td>1</td><td>12 (12)</td><td class=l>promoted</td>",
                "<td>2</td><td>12 (0)</td><td class=l>kept the champion</td>", "0.700 (0.610)", "- (0.500)",
                "reward = 0.000 + 1.000 sqrt(KL), R2 1.00 over 7 iterations", "<td class=l>policy/v4</td>",
                "<td class=l>sft/v1</td><td>1000</td>", "labeler-1 1.000, labeler-2 1.000")) {
            assertThat(html.contains(expected)).as("the report shows %s", expected).isTrue();
        }

        boolean required = "1".equals(System.getenv("RLHF_BROWSER_REQUIRED"));
        if (!Files.isExecutable(CHROMEDRIVER) || !Files.isExecutable(CHROMIUM)) {
            assertThat(required).as("RLHF_BROWSER_REQUIRED=1 but " + CHROMIUM + " / " + CHROMEDRIVER + " is missing "
                    + "(Debian: apt-get install chromium chromium-driver)").isFalse();
            Assumptions.abort("browser half skipped: needs " + CHROMIUM + " and " + CHROMEDRIVER);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1300,4200", "--user-data-dir=" + Files.createTempDirectory("rlhf-chromium"));
        ChromeDriver driver = new ChromeDriver(new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build(), options);
        try {
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
            driver.get(report.toUri().toString());
            assertThat(driver.getTitle()).isEqualTo("RLHF online report");
            @SuppressWarnings("unchecked")
            List<Long> widths = (List<Long>) driver.executeScript(
                    "return Array.from(document.images).map(i => i.complete ? i.naturalWidth : -1);");
            assertThat(widths).as("every chart decoded").hasSize(charts.size()).containsOnly(620L);
            byte[] png = driver.getScreenshotAs(OutputType.BYTES);
            Path shots = Files.createDirectories(Path.of("target/screenshots"));
            Files.write(shots.resolve("online-report.png"), png);
            assertThat(png.length).isGreaterThan(50_000);
        } finally {
            driver.quit();
        }
    }

    /** sft/v1, reward v1 and v2 with reliability bins, policy v1..v8 with PPO metrics. */
    private static void publishRunLikeVersions(CheckpointStore store) {
        GptConfig config = new GptConfig(ByteTokenizer.VOCAB_SIZE, 32, 1, 2, 16, 0f);
        try (GptModel model = GptModel.create(config, 3); ByteTokenizer tokenizer = new ByteTokenizer()) {
            store.publish("sft", model, tokenizer, Lineage.none());
            for (int r = 1; r <= 2; r++) {
                Map<String, Double> metrics = new LinkedHashMap<>(Map.of("rm.test.accuracy", 0.8 + 0.02 * r,
                        "rm.test.ece", 0.06, "rm.validation.accuracy", 0.81));
                for (int b = 5; b < 10; b++) {
                    String bin = String.format(Locale.ROOT, "rm.test.bin.%02d.", b);
                    metrics.put(bin + "pairs", 40.0);
                    metrics.put(bin + "predicted", b / 10.0 + 0.05);
                    metrics.put(bin + "observed", b / 10.0 + 0.05 - 0.03 * r);
                }
                store.publish("reward", model, tokenizer, new Lineage(List.of("sft/v1"), List.of(), metrics));
            }
            for (int v = 1; v <= 8; v++) {
                Map<String, Double> metrics = v == 1 ? Map.of() : Map.of("ppo.reward.mean", Math.sqrt(0.3 * v),
                        "ppo.kl", 0.3 * v, "ppo.kl.coef", 0.3 / v);
                store.publish("policy", model, tokenizer, new Lineage(List.of("sft/v1"), List.of(), metrics));
            }
        }
    }

    /**
     * Two finished weeks: twelve labeler rankings of answers of policy/v4 and sft/v1 (one task ranked by two
     * labelers), with rubric Likert; the second week adds nothing new.
     */
    private static void writeWeeks(Path data) throws Exception {
        List<PromptRecord> prompts = new TaskWorldData(3).prompts("report", 6, 11, new ChatUsers("u", 5));
        ObjectMapper json = new ObjectMapper();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            PromptRecord p = prompts.get(i % 6);
            List<String> texts = List.of("I can't help with that.", "Sure! " + p.prompt(), "ok", "fine answer");
            List<Map<String, Object>> answers = new ArrayList<>();
            for (int a = 0; a < texts.size(); a++) {
                answers.add(Map.of("text", texts.get(a), "model", a % 2 == 0 ? "policy/v4" : "sft/v1",
                        "likert", Rubric.judge(p.prompt(), texts.get(a)).likert()));
            }
            List<List<Integer>> ranking = i % 2 == 0 ? List.of(List.of(0), List.of(1), List.of(2, 3))
                    : List.of(List.of(1), List.of(0, 2), List.of(3));
            lines.add(json.writeValueAsString(Map.of("id", "c" + i, "user_id", p.userId(), "split", "train",
                    "prompt", p.prompt(), "answers", answers, "ranking", ranking,
                    "labeler_id", i == 6 ? "labeler-2" : "labeler-1", "source", "labeling-page")));
        }
        for (int week = 1; week <= 2; week++) {
            Path w = Files.createDirectories(data.resolve(String.format(Locale.ROOT, "snapshots/week-%03d", week)));
            Files.write(w.resolve("comparisons.jsonl"), lines);
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("online.snapshot.comparisons", 12.0);
            metrics.put("online.snapshot.new", week == 1 ? 12.0 : 0.0);
            metrics.put("online.rm.promoted", week == 1 ? 1.0 : 0.0);
            metrics.put("online.rm.newest.champion.accuracy", 0.7);
            metrics.put("online.policy.kl_to_previous", 0.4);
            metrics.put("online.policy.win_rate", 0.6);
            metrics.put("online.policy.promoted", 1.0);
            Files.writeString(w.resolve("iteration.json"), json.writeValueAsString(Map.of("week", week, "serving",
                    "policy/v" + (4 + 2 * week), "metrics", metrics, "report",
                    List.of("online policy gate (policy/v5 against policy/v4): promoted: KL ..."))));
        }
    }
}
