package rlhf.demo.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import rlhf.demo.taskworld.TaskParser;
import rlhf.model.store.Checkpoint;
import rlhf.model.store.CheckpointStore;
import rlhf.trainer.algo.SqrtKlRewardFit;
import rlhf.trainer.online.HumanComparison;
import rlhf.trainer.online.LabelerAgreement;
import rlhf.trainer.online.VersionElo;
import rlhf.wire.ModelStoreLayout;

/**
 * The online run's report: one self-contained HTML file (charts drawn by JFreeChart as PNG, embedded) with the weeks'
 * gates and numbers, reward / KL / β per PPO iteration, reward against √KL with its fitted line, the reward models'
 * reliability diagrams, the Elo of versions from the labelers' rankings with bootstrap intervals, the human Likert per
 * category per version, the win rate per week and the labelers' agreement per week. Everything is read from the model
 * store's manifests and the week folders beside the snapshots; the outside judge's verdicts are handed in.
 */
public final class OnlineReport {

    /** The report's file name in the trainer's data folder (what {@code GET /admin/report} serves). */
    public static final String FILE = "report.html"; // the name the trainer serves at /admin/report

    /** The outside judge's verdict on one week: the served policy after it against the one before. */
    public record Judged(int week, String before, String after, double winRate, double decidedShare, int wins,
            int ties, int losses) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int WIDTH = 620;
    private static final int HEIGHT = 340;

    private final CheckpointStore store;
    private final Path data;
    private final StringBuilder html = new StringBuilder();

    public OnlineReport(Path modelStore, Path dataDirectory) {
        this.store = new CheckpointStore(modelStore);
        this.data = dataDirectory;
    }

    /** Writes {@value #FILE} into the data folder and returns its path. */
    public Path write(List<Judged> judged) {
        System.setProperty("java.awt.headless", "true");
        List<JsonNode> weeks = weeks();
        List<HumanComparison> human = latestSnapshot(weeks);
        html.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>RLHF online report</title>")
                .append("<style>body{font-family:sans-serif;margin:2em;max-width:1300px}table{border-collapse:collapse;"
                        + "margin:1em 0}td,th{border:1px solid #bbb;padding:3px 8px;text-align:right}"
                        + "th{background:#eee}td.l{text-align:left}figure{display:inline-block;margin:0.5em}"
                        + "figcaption{font-size:0.9em;color:#444;max-width:620px}</style></head><body>")
                .append("<h1>Iterated online RLHF: report</h1>");
        weekTable(weeks, judged);
        html.append("<h2>PPO</h2>");
        ppo();
        html.append("<h2>Reward models</h2>");
        reliability();
        html.append("<h2>Human comparisons</h2>");
        elo(human);
        likert(human);
        html.append("<h2>Weeks</h2>");
        winRates(weeks, judged);
        agreement(weeks);
        html.append("</body></html>\n");
        Path out = data.resolve(FILE);
        try {
            Files.writeString(out, html);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private List<JsonNode> weeks() {
        Path snapshots = data.resolve("snapshots");
        List<JsonNode> weeks = new ArrayList<>();
        if (!Files.isDirectory(snapshots)) {
            return weeks;
        }
        try (Stream<Path> dirs = Files.list(snapshots)) {
            for (Path d : dirs.sorted().toList()) {
                Path summary = d.resolve("iteration.json");
                if (Files.isRegularFile(summary)) {
                    weeks.add(JSON.readTree(summary.toFile()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return weeks;
    }

    /** The newest finished week's snapshot: every human comparison so far. */
    private List<HumanComparison> latestSnapshot(List<JsonNode> weeks) {
        if (weeks.isEmpty()) {
            return List.of();
        }
        int last = weeks.get(weeks.size() - 1).get("week").asInt();
        return HumanComparison.read(data.resolve(String.format(Locale.ROOT, "snapshots/week-%03d/comparisons.jsonl",
                last)));
    }

    private void weekTable(List<JsonNode> weeks, List<Judged> judged) {
        html.append("<h2>Weeks at a glance</h2><table><tr><th>week</th><th>human comparisons (new)</th>"
                + "<th>reward model</th><th>RM accuracy on the newest week: champion / challenger</th>"
                + "<th>policy gate: KL to previous, win rate by the RM</th><th>policy</th><th>serving</th>"
                + "<th>outside judge: decided share (win rate) over the previous</th></tr>");
        for (JsonNode w : weeks) {
            JsonNode m = w.get("metrics");
            int n = w.get("week").asInt();
            Judged j = judged.stream().filter(x -> x.week() == n).findFirst().orElse(null);
            html.append(String.format(Locale.ROOT, "<tr><td>%d</td><td>%.0f (%.0f)</td><td class=l>%s</td>"
                    + "<td>%s / %s</td><td>%s, %s</td><td class=l>%s</td><td class=l>%s</td><td>%s</td></tr>", n,
                    num(m, "online.snapshot.comparisons"), num(m, "online.snapshot.new"),
                    num(m, "online.rm.promoted") > 0 ? "promoted" : "kept the champion",
                    fmt(num(m, "online.rm.newest.champion.accuracy")),
                    fmt(num(m, "online.rm.newest.challenger.accuracy")), fmt(num(m, "online.policy.kl_to_previous")),
                    fmt(num(m, "online.policy.win_rate")), num(m, "online.policy.promoted") > 0 ? "promoted"
                            : "kept the previous", esc(w.get("serving").asText()),
                    j == null ? "" : fmt(j.decidedShare()) + " (" + fmt(j.winRate()) + ")"));
        }
        html.append("</table><details><summary>gate reasons per week</summary><ul>");
        for (JsonNode w : weeks) {
            for (JsonNode line : w.get("report")) {
                if (line.asText().contains("gate")) {
                    html.append("<li>week ").append(w.get("week").asInt()).append(": ").append(esc(line.asText()))
                            .append("</li>");
                }
            }
        }
        html.append("</ul></details>");
    }

    /** Reward, KL and β of every PPO iteration (the initial run's and each week's candidates), by policy version. */
    private void ppo() {
        XYSeries reward = new XYSeries("mean reward");
        XYSeries kl = new XYSeries("KL to SFT (nats)");
        XYSeries beta = new XYSeries("beta");
        List<double[]> fitPoints = new ArrayList<>();
        for (int v : store.versions(ModelStoreLayout.POLICY)) {
            Map<String, Double> m = store.checkpoint(ModelStoreLayout.POLICY, v).manifest().lineage().metrics();
            if (m.containsKey("ppo.reward.mean") && m.containsKey("ppo.kl")) {
                reward.add(v, m.get("ppo.reward.mean"));
                kl.add(v, m.get("ppo.kl"));
                beta.add(v, m.getOrDefault("ppo.kl.coef", Double.NaN));
                fitPoints.add(new double[] {Math.max(0, m.get("ppo.kl")), m.get("ppo.reward.mean")});
            }
        }
        if (fitPoints.isEmpty()) {
            html.append("<p>No PPO iteration in the store.</p>");
            return;
        }
        figure(ChartFactory.createXYLineChart("Reward and KL per PPO iteration", "policy version", "value",
                collection(reward, kl)), "Mean reward-model score of the rollouts and KL to the "
                + "SFT policy of each PPO iteration, by the policy version it published (online weeks' candidates "
                + "included).");
        figure(ChartFactory.createXYLineChart("KL coefficient beta per PPO iteration", "policy version", "beta",
                new XYSeriesCollection(beta)), "beta used by each iteration (adaptive towards the target KL).");
        if (fitPoints.size() >= 2) {
            double[] kls = fitPoints.stream().mapToDouble(p -> p[0]).toArray();
            double[] rewards = fitPoints.stream().mapToDouble(p -> p[1]).toArray();
            SqrtKlRewardFit.Fit fit = SqrtKlRewardFit.fit(kls, rewards);
            XYSeries points = new XYSeries("iterations");
            XYSeries line = new XYSeries(String.format(Locale.ROOT, "fit %.3f + %.3f sqrt(KL), R2 %.2f",
                    fit.intercept(), fit.slope(), fit.rSquared()));
            double max = 0;
            for (double[] p : fitPoints) {
                points.add(Math.sqrt(p[0]), p[1]);
                max = Math.max(max, Math.sqrt(p[0]));
            }
            for (int i = 0; i <= 20; i++) {
                double x = max * i / 20;
                line.add(x, fit.intercept() + fit.slope() * x);
            }
            JFreeChart chart = ChartFactory.createScatterPlot("Reward against sqrt(KL)", "sqrt(KL to SFT)",
                    "mean reward", collection(points, line));
            XYLineAndShapeRenderer r = new XYLineAndShapeRenderer();
            r.setSeriesLinesVisible(0, false);
            r.setSeriesShapesVisible(1, false);
            r.setSeriesStroke(1, new BasicStroke(2f));
            chart.getXYPlot().setRenderer(r);
            figure(chart, String.format(Locale.ROOT, "hh-rlhf's observation: reward grows roughly linearly in "
                    + "sqrt(KL). Points: PPO iterations; line: the least-squares fit reward = %.3f + %.3f sqrt(KL), "
                    + "R2 %.2f over %d iterations.", fit.intercept(), fit.slope(), fit.rSquared(), fit.points()));
        }
    }

    /** Predicted against observed preference probability on the test users, for the first and newest reward model. */
    private void reliability() {
        List<Integer> versions = store.versions(ModelStoreLayout.REWARD);
        if (versions.isEmpty()) {
            html.append("<p>No reward model.</p>");
            return;
        }
        XYSeriesCollection ds = new XYSeriesCollection();
        XYSeries diagonal = new XYSeries("perfect calibration");
        diagonal.add(0.5, 0.5);
        diagonal.add(1.0, 1.0);
        ds.addSeries(diagonal);
        StringBuilder table = new StringBuilder("<table><tr><th>reward model</th><th>test accuracy</th><th>test ECE"
                + "</th><th>validation accuracy</th><th>data sets</th></tr>");
        for (int v : versions.size() > 1 ? List.of(versions.get(0), versions.get(versions.size() - 1))
                : List.of(versions.get(0))) {
            Checkpoint c = store.checkpoint(ModelStoreLayout.REWARD, v);
            Map<String, Double> m = c.manifest().lineage().metrics();
            XYSeries s = new XYSeries(c.id());
            for (int b = 0; b < 100; b++) {
                String bin = String.format(Locale.ROOT, "rm.test.bin.%02d.", b);
                if (m.containsKey(bin + "predicted")) {
                    s.add(m.get(bin + "predicted"), m.get(bin + "observed"));
                }
            }
            ds.addSeries(s);
            table.append(String.format(Locale.ROOT, "<tr><td class=l>%s</td><td>%s</td><td>%s</td><td>%s</td>"
                    + "<td class=l>%d</td></tr>", c.id(), fmt(m.getOrDefault("rm.test.accuracy", Double.NaN)),
                    fmt(m.getOrDefault("rm.test.ece", Double.NaN)),
                    fmt(m.getOrDefault("rm.validation.accuracy", Double.NaN)),
                    c.manifest().lineage().datasets().size()));
        }
        JFreeChart chart = ChartFactory.createXYLineChart("Reliability diagram (test users)",
                "predicted P(preferred)", "observed frequency", ds);
        ((XYLineAndShapeRenderer) chart.getXYPlot().getRenderer()).setDefaultShapesVisible(true);
        figure(chart, "Pairs binned by the reward model's predicted probability that the labelers' preferred answer "
                + "wins (oriented so p >= 0.5); a calibrated model lies on the diagonal.");
        html.append(table).append("</table>");
    }

    /** Elo of the versions the labelers compared (answers of two versions in one task), with bootstrap intervals. */
    private void elo(List<HumanComparison> human) {
        List<VersionElo.Rating> ratings = VersionElo.of(human, "sft/v1", 200, 7);
        if (ratings.isEmpty()) {
            html.append("<p>No human comparison compares two versions yet.</p>");
            return;
        }
        YIntervalSeries s = new YIntervalSeries("Elo (95% bootstrap interval)");
        String[] names = new String[ratings.size()];
        StringBuilder table = new StringBuilder("<table><tr><th>version</th><th>Elo</th><th>interval</th>"
                + "<th>games</th></tr>");
        for (int i = 0; i < ratings.size(); i++) {
            VersionElo.Rating r = ratings.get(i);
            s.add(i, r.elo(), r.low(), r.high());
            names[i] = r.version();
            table.append(String.format(Locale.ROOT, "<tr><td class=l>%s</td><td>%.0f</td><td>[%.0f, %.0f]</td>"
                    + "<td>%d</td></tr>", r.version(), r.elo(), r.low(), r.high(), r.games()));
        }
        YIntervalSeriesCollection ds = new YIntervalSeriesCollection();
        ds.addSeries(s);
        NumberAxis y = new NumberAxis("Elo");
        y.setAutoRangeIncludesZero(false);
        XYErrorRenderer renderer = new XYErrorRenderer();
        renderer.setErrorStroke(new BasicStroke(2f));
        renderer.setErrorPaint(Color.DARK_GRAY);
        XYPlot plot = new XYPlot(ds, new SymbolAxis("version", names), y, renderer);
        figure(new JFreeChart("Elo of versions from human rankings", JFreeChart.DEFAULT_TITLE_FONT, plot, true),
                "Bradley-Terry ratings (sft/v1 = 1000 when it played) from every pair of answers of two different "
                        + "versions in one labeler's ranking; intervals from 200 bootstrap resamples of comparisons.");
        html.append(table).append("</table>");
    }

    /** Mean human Likert per task category per version, from every rated answer. */
    private void likert(List<HumanComparison> human) {
        Map<String, Map<String, double[]>> byVersion = new TreeMap<>();
        for (HumanComparison c : human) {
            String category = category(c.prompt());
            if (category == null) {
                continue;
            }
            for (int i = 0; i < c.answers().size(); i++) {
                if (c.likertOf(i).isPresent() && !c.models().get(i).isEmpty()) {
                    double[] sum = byVersion.computeIfAbsent(c.models().get(i), k -> new TreeMap<>())
                            .computeIfAbsent(category, k -> new double[2]);
                    sum[0] += c.likertOf(i).getAsInt();
                    sum[1]++;
                }
            }
        }
        if (byVersion.isEmpty()) {
            html.append("<p>No rated answers yet.</p>");
            return;
        }
        DefaultCategoryDataset ds = new DefaultCategoryDataset();
        byVersion.forEach((version, categories) -> categories.forEach((category, sum) ->
                ds.addValue(sum[0] / sum[1], version, category)));
        JFreeChart chart = ChartFactory.createBarChart("Human Likert per category per version", "category",
                "mean Likert (1-7)", ds, PlotOrientation.VERTICAL, true, false, false);
        figure(chart, "Mean Likert the chat users and labelers gave each version's answers, per task category.");
    }

    private static String category(String prompt) {
        String text = prompt;
        try {
            if (prompt.startsWith("[")) {
                JsonNode turns = JSON.readTree(prompt);
                text = turns.get(turns.size() - 1).get("content").asText();
            }
            return TaskParser.parse(text).category().id();
        } catch (IOException | RuntimeException e) {
            return null; // not a task-world prompt
        }
    }

    private void winRates(List<JsonNode> weeks, List<Judged> judged) {
        DefaultCategoryDataset ds = new DefaultCategoryDataset();
        for (JsonNode w : weeks) {
            String week = "week " + w.get("week").asInt();
            double gate = num(w.get("metrics"), "online.policy.win_rate");
            if (!Double.isNaN(gate)) {
                ds.addValue(gate, "policy gate: win rate by the reward model", week);
            }
        }
        for (Judged j : judged) {
            ds.addValue(j.winRate(), "outside judge: win rate", "week " + j.week());
            ds.addValue(j.decidedShare(), "outside judge: decided share", "week " + j.week());
        }
        if (ds.getColumnCount() == 0) {
            html.append("<p>No week judged yet.</p>");
            return;
        }
        figure(ChartFactory.createBarChart("Win rate per week over the previous served policy", "week", "rate", ds,
                PlotOrientation.VERTICAL, true, false, false), "The candidate against the policy it would replace: "
                + "by the reward model at the gate (held-out prompts), and by the outside rubric judge on fresh "
                + "held-out prompts at temperature 1 after the week.");
    }

    /** Pairwise agreement and Krippendorff's alpha of the doubly-labeled tasks that arrived in each week. */
    private void agreement(List<JsonNode> weeks) {
        DefaultCategoryDataset ds = new DefaultCategoryDataset();
        StringBuilder table = new StringBuilder("<table><tr><th>week</th><th>doubly-labeled tasks</th>"
                + "<th>pairwise agreement</th><th>Likert alpha</th><th>per labeler</th><th>flagged</th></tr>");
        Map<String, Boolean> seen = new LinkedHashMap<>();
        for (JsonNode w : weeks) {
            int n = w.get("week").asInt();
            List<HumanComparison> all = HumanComparison.read(data.resolve(String.format(Locale.ROOT,
                    "snapshots/week-%03d/comparisons.jsonl", n)));
            List<HumanComparison> fresh = all.stream().filter(c -> seen.putIfAbsent(c.id(), true) == null).toList();
            LabelerAgreement.Report r = LabelerAgreement.of(fresh, 0);
            if (r.tasks() > 0) {
                ds.addValue(r.pairwise(), "pairwise agreement", "week " + n);
                if (!Double.isNaN(r.likertAlpha())) {
                    ds.addValue(r.likertAlpha(), "Krippendorff alpha (Likert)", "week " + n);
                }
            }
            table.append(String.format(Locale.ROOT, "<tr><td>%d</td><td>%d</td><td>%s</td><td>%s</td>"
                    + "<td class=l>%s</td><td class=l>%s</td></tr>", n, r.tasks(), fmt(r.pairwise()),
                    fmt(r.likertAlpha()), esc(r.perLabeler().entrySet().stream().sorted(Map.Entry.comparingByKey())
                            .map(e -> e.getKey() + " " + fmt(e.getValue())).collect(Collectors.joining(", "))),
                    esc(String.join(", ", r.flagged()))));
        }
        if (ds.getColumnCount() > 0) {
            figure(ChartFactory.createBarChart("Labeler agreement per week", "week", "agreement", ds,
                    PlotOrientation.VERTICAL, true, false, false), "On the tasks two labelers ranked: the share of "
                    + "answer pairs both ordered the same way, and Krippendorff's alpha on their Likert ratings.");
        }
        html.append(table).append("</table>");
    }

    private static XYSeriesCollection collection(XYSeries... series) {
        XYSeriesCollection c = new XYSeriesCollection();
        for (XYSeries s : series) {
            c.addSeries(s);
        }
        return c;
    }

    private void figure(JFreeChart chart, String caption) {
        chart.setBackgroundPaint(Color.WHITE);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ChartUtils.writeChartAsPNG(png, chart, WIDTH, HEIGHT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String title = chart.getTitle() == null ? "chart" : chart.getTitle().getText();
        html.append("<figure><img width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT).append("\" alt=\"")
                .append(esc(title)).append("\" src=\"data:image/png;base64,")
                .append(Base64.getEncoder().encodeToString(png.toByteArray())).append("\"><figcaption>")
                .append(esc(caption)).append("</figcaption></figure>");
    }

    private static double num(JsonNode metrics, String key) {
        JsonNode v = metrics == null ? null : metrics.get(key);
        return v == null || !v.isNumber() ? Double.NaN : v.asDouble();
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
